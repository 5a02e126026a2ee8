"""Alembic migrations of the warehouse: every schema change is a revision here (warehouse/migrate.py runs them)."""
