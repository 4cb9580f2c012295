"""Pure domain logic: no FastAPI, no SQLAlchemy, nothing of ours but ``app.domain``."""
