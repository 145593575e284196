"""The songwriter leads report: one self-contained HTML file with the ranked leads, their
play-count charts and evidence, and a summary of coverage and of what changed (render.py)."""
