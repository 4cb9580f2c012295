"""Database layer: SQLAlchemy models, the engine and session factory, and the queries."""
