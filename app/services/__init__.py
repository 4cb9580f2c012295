"""Use cases: load rows, apply the domain rules, write rows. Services never touch HTTP."""
