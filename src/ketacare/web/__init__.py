"""The web edge: HTML pages, the JSON API, and the one place errors become responses."""
