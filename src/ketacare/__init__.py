"""ketacare: clinical operations for supervised ketamine-assisted treatment clinics."""

__version__ = "0.1.0"
