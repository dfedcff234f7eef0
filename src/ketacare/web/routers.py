"""Every router of the app, in one list that ``app.create_app`` includes."""

from __future__ import annotations

from fastapi import APIRouter

ALL: list[APIRouter] = []
