"""The functional core: pure rules over plain data.

Standard library only; no I/O, no clock, no randomness, no settings.
"""
