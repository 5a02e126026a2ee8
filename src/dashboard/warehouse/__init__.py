"""The SQL warehouse: schema, engine, import, rollups, queries and demo data (SQLAlchemy only)."""
