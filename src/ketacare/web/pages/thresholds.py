"""Placeholder: routes land here (issue 6)."""

from fastapi import APIRouter

router = APIRouter()
