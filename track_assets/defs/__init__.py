"""Dagster objects only (thin): partitions, assets per phase, jobs, sensors, schedules, resources."""
