"""Protocols as data (model, shipped defaults) and the planning of a course's treatment dates."""
