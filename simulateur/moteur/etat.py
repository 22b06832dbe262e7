"""The annual state of one beneficiary, threaded through a batch in date order.

A single simulation starts from an empty state; the engine only reads it and returns what the
act consumed, so `lot` row N equals `simuler` given the state left by rows before it.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

ZERO = Decimal(0)


@dataclass(slots=True, eq=False)
class Consommation:
    annee: int
    cle: tuple
    quantite: Decimal


@dataclass(slots=True, eq=False)
class EtatBeneficiaire:
    consommations: dict = field(default_factory=dict)     # (annee, cle) -> Decimal
    derniers: dict = field(default_factory=dict)          # renewal key -> [dates]

    def consomme(self, annee: int, cle: tuple) -> Decimal:
        return self.consommations.get((annee, cle), ZERO)

    def appliquer(self, resultat) -> None:
        """Record what an act used (envelopes, counts, days, PF, renewals)."""
        c = self.consommations
        for x in resultat.consommations:
            k = (x.annee, x.cle)
            c[k] = c.get(k, ZERO) + x.quantite
        for cle, date in resultat.renouvellements:
            self.derniers.setdefault(cle, []).append(date)


def ajouter_mois(d: dt.date, mois: int) -> dt.date:
    annee, m = divmod(d.month - 1 + mois, 12)
    annee += d.year
    m += 1
    import calendar
    jour = min(d.day, calendar.monthrange(annee, m)[1])
    return dt.date(annee, m, jour)
