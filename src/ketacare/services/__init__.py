"""The imperative shell: one module per workflow (load, apply core rules, save, audit) in one transaction."""
