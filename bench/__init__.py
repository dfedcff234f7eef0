"""Benchmarks behind ``make bench``: each one times a service on a large synthetic clinic, on
every database that is available, and rewrites its own section of docs/benchmarks.md."""
