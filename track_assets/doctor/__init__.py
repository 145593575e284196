"""`track-assets doctor`: checks that a setup can run, line by line (docs/architecture.md,
"Checking a setup")."""
