"""Alembic migrations of the track_assets schema, shipped with the package (see db/migrate.py)."""
