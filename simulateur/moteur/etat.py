"""The annual state of one beneficiary, threaded through a batch in date order.

A single simulation starts from an empty state; the engine only reads it and returns what the act
consumed (`Resultat.consommations`, `Resultat.renouvellements`), so a batch row N equals `simuler`
given the state left by the rows before it. Keys are tuples that name what is counted: `("pf",)`,
`("franchise",)`, `("franchise-jour", kind, day)`, `(contrat, line, column, term)` for envelopes,
counts and days, `(contrat, "plafond-annuel", label)`, `("apres-cancer", …)`; each is counted per
civil year.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

ZERO = Decimal(0)


class Consommation:
    """What an act used of one counter (`cle`) in civil year `annee`: euros, acts or days (Decimal)."""
    __slots__ = ("annee", "cle", "quantite")

    def __init__(self, annee: int, cle: tuple, quantite: Decimal):
        self.annee, self.cle, self.quantite = annee, cle, quantite

    def __repr__(self):
        return f"Consommation({self.annee}, {self.cle!r}, {self.quantite})"


class EtatBeneficiaire:
    """Counters per (civil year, key) and the delivery dates of renewable items (optics, hearing aids)."""
    __slots__ = ("consommations", "derniers")

    def __init__(self):
        self.consommations: dict = {}     # (annee, cle) -> Decimal
        self.derniers: dict = {}          # renewal key -> [dates]

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
    """`d` plus `mois` months, the day clamped to the month's length (31 January + 1 month = 28/29 February).

    Beyond the calendar's range (year 9999) the result is `date.max` (`date.min` before year 1): a
    renewal period, a waiting period or a 12-month window that ends after 9999 has simply not ended,
    and the comparisons the engine makes stay true — never an OverflowError (the acts' own dates are
    bounded to 1900–2100, `domaine.champs`)."""
    annee, m = divmod(d.month - 1 + mois, 12)
    annee += d.year
    if annee > dt.MAXYEAR:
        return dt.date.max
    if annee < dt.MINYEAR:
        return dt.date.min
    m += 1
    import calendar            # here: the one use, not paid by every process at start-up
    jour = min(d.day, calendar.monthrange(annee, m)[1])
    return dt.date(annee, m, jour)
