"""Domain rules: plain Python, no I/O. When a commitment is open, kept or escalated; goals and
attainment; outputs before inputs; cadence; the definitions in onenotes.yaml."""
