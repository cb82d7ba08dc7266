"""Bulk ingest jobs: in the catalog's SQLite database on one host, in PostgreSQL across hosts."""
