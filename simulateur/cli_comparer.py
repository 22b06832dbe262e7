"""The `comparer` command(s), registered on the Typer app of cli.py (kept light: heavy imports inside the command)."""
from __future__ import annotations


def enregistrer(app) -> None:
    """Adds this module's commands to `app`."""
