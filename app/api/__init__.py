"""The web layer: FastAPI routes, dependencies and the problem-details error shape."""
