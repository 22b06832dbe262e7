"""French writing of numbers for people: `1 234,56 €`, `70 %`, dates. Only renderers use it."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ..domaine.montant import arrondi, texte_taux

ESPACE_FINE = "\u202f"      # narrow no-break space: the French thousands separator


def euros(x: Decimal, *, euro: bool = True) -> str:
    """`1 234,56 €` (narrow no-break space for thousands; `-0,00` never)."""
    q = arrondi(x)
    if q == 0:
        q = abs(q)
    signe = "-" if q < 0 else ""
    entier, _, dec = f"{abs(q):.2f}".partition(".")
    groupes = []
    while len(entier) > 3:
        groupes.insert(0, entier[-3:])
        entier = entier[:-3]
    groupes.insert(0, entier)
    s = signe + ESPACE_FINE.join(groupes) + "," + dec
    return s + " €" if euro else s


def nombre(x) -> str:
    """A rate or a count for people: `62,5`, `70`, `1/3`."""
    if isinstance(x, Decimal):
        return texte_taux(x).replace(".", ",")
    return str(x)


def date(d: dt.date | None) -> str:
    return d.isoformat() if d is not None else ""


def entier(n: int) -> str:
    """`1 000 000` with narrow no-break spaces."""
    return f"{n:,}".replace(",", ESPACE_FINE)


# The names these had when they lived in `montant` (kept for the renderers written with them).
texte_fr = euros
