"""Pure enrichment logic: what each phase decides and writes, independent of Dagster and of any service client."""
