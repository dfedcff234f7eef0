"""The imperative shell: one module per workflow.

Each workflow loads, applies core rules, saves and audits, all in the caller's one transaction.
"""
