"""Where the indicators and the registers meet: the figures an indicator takes from a register
(registers.py, keyed by indicators.models.RegisterSource). Above both, below the report view."""
