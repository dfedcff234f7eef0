"""The ``ketacare`` command line: setup, serving, the database, staff, audit, backup and data."""
