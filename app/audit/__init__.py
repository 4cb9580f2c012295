"""Scripted audits: checks over the API's answers, run by `provenance audit`."""
