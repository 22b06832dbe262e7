"""Shared test settings.

Property and fuzz tests (Hypothesis) run a fixed-seed subset in CI. Two environment variables, each
with one meaning, widen them by hand:
- `SIMULATEUR_TESTS_FACTEUR=20`: 20 times the examples of every property / fuzz target (the long
  mode: `SIMULATEUR_TESTS_FACTEUR=long` gives each target at least 10 000 examples);
- `SIMULATEUR_TESTS_HASARD=1`: a new random seed each run instead of the fixed one.
"""
import os
from pathlib import Path

from hypothesis import HealthCheck, settings

RACINE = Path(__file__).resolve().parent.parent
os.environ.setdefault("SIMULATEUR_CACHE", "0")   # tests always parse the contract files afresh
os.environ.setdefault("COLUMNS", "120")

_FACTEUR = os.environ.get("SIMULATEUR_TESTS_FACTEUR", "1")
LONG = _FACTEUR == "long"
FACTEUR = 1.0 if LONG else float(_FACTEUR)
HASARD = os.environ.get("SIMULATEUR_TESTS_HASARD") == "1"


def reglages(n: int, delai_ms: int | None = None):
    """Hypothesis settings for a target of `n` examples in CI (scaled by the environment, see above)."""
    exemples = max(10_000, n) if LONG else max(1, int(n * FACTEUR))
    return settings(max_examples=exemples, derandomize=not HASARD, deadline=delai_ms, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much])
