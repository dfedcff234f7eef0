"""Logging for the web server, with patient data kept out.

Access logs would otherwise record query strings such as ``/patients/search?q=Lovelace`` or
``?on=1985-12-10``; the filter here drops every query string before a line is written. Paths carry
only numeric ids, never names, MRNs or dates of birth.
"""

from __future__ import annotations

import logging


class DropQueryStrings(logging.Filter):
    """Rewrite uvicorn access records so the request target has no ``?query``."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            record.args = (*args[:2], args[2].split("?", 1)[0], *args[3:])
        return True


_DROP_QUERY_STRINGS = DropQueryStrings()


def keep_queries_out_of_access_log() -> None:
    """Filter uvicorn's access log, whatever logging configuration uvicorn was started with."""
    logging.getLogger("uvicorn.access").addFilter(_DROP_QUERY_STRINGS)  # adding twice is a no-op
