"""Investor attributes as data: versioned definitions (definitions.py), time-stamped values with history
(values.py, with pandas; current.py, one investor's without). Import from the module: this package loads none."""
