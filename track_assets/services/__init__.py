"""One folder per external system: plain clients and their parsing (no Dagster, no database)."""
