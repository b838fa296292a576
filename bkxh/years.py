"""The years bkxh keeps figures for: every model with a year, and the report's address, hold to
this one range (a year typed 224 or 20240 is a mistake, not a year of the department)."""

MIN_YEAR, MAX_YEAR = 2000, 2100
