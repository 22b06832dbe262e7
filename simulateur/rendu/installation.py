"""How to install an optional extra, worded once for every message that needs it.

The package installed from an index is `simulateur[extra]`; installed from a source checkout (the
README's way), the same extra is `.[extra]` run from the checkout's folder — both forms are given,
so that neither user is sent to the wrong place.
"""
from __future__ import annotations


def commande_installation(extra: str) -> str:
    """« pip install 'simulateur[tableur]' (depuis les sources : pip install '.[tableur]') » for `extra`
    (tableur, portefeuille, graphique)."""
    return f"pip install 'simulateur[{extra}]' (depuis les sources : pip install '.[{extra}]')"
