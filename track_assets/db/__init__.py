"""The system of record: tables, migrations, engine setup and idempotent repository functions."""
