"""One asset module per phase."""
