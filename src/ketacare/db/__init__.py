"""Persistence adapters: engine, tables, queries and migrations."""
