"""Dated regulatory parameters joined to the acts by date.

Each parameter the engine reads becomes a column over the days of the portfolio: its value in force
on each day (the same periods `Parametres.valeur` reads: from `depuis` to the effective end), null on
a day without a value. An act takes the value of its day by position (`Calendrier.jour`); a
parameter whose name depends on the act (the régime's rate of its nature) is one of several such
columns, chosen by the act's name index. A day without a value, or a value the columnar units cannot
hold exactly, is null: the acts that would read it go to the line engine (which says why, or computes
what the plan cannot). The columns are kept per set of parameters (`calendrier`), so a run of many
partitions reads each parameter once.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import polars as pl

from ...domaine.natures import NATURES
from ...parametres import ParametreIndisponible


def centimes(v: Decimal) -> int | None:
    """Euros → cents, or None when the value has more than two decimals."""
    c = v * 100
    return int(c) if c == c.to_integral_value() else None


def points(v: Decimal) -> int | None:
    """A percentage → basis points, or None when it has more than two decimals."""
    c = v * 100
    return int(c) if c == c.to_integral_value() else None


def entier(v: Decimal) -> int | None:
    return int(v) if v == v.to_integral_value() else None


INEXACT = -1        # an optional value present but not exact in the columnar unit (fallback)


def _fixes() -> tuple:
    """Parameters read at every act's date: (column, name, conversion, optional). An optional parameter
    (`LectureParametres.optionnel`) absent at a date is "no cap" (null); a compulsory one absent is an
    error of the act in the line engine (fallback)."""
    genres = sorted({n.franchise for n in NATURES.values() if n.franchise})
    return (
        ("p_pf", "participation_forfaitaire.montant", centimes, False),
        ("p_age_exo", "participation_forfaitaire.age_exoneration", entier, False),
        *((f"p_fr_{g}", f"franchise.{g}", centimes, False) for g in genres),
        *((f"p_frj_{g}", f"franchise.plafond_journalier.{g}", centimes, True) for g in genres if g != "medicaments"),
        ("p_actes_lourds", "forfait_actes_lourds.montant", centimes, False),
        ("p_pmss", "pmss", centimes, False),
        ("p_non_dptm", "responsable.non_dptm.depassement_max_br", points, True),
    )


FIXES = _fixes()
_EPOQUE = dt.date(1970, 1, 1).toordinal()


class Calendrier:
    """The parameters of one `Parametres` as columns over a range of days (extended as needed)."""

    def __init__(self, parametres):
        self.p = parametres
        self.debut = self.fin = None          # days since 1970-01-01 (polars' Date)
        self.colonnes: dict = {}

    def couvrir(self, debut: int, fin: int) -> None:
        """Makes the columns cover the days [debut, fin] (a wider range: every column recomputed)."""
        if self.debut is None or debut < self.debut or fin > self.fin:
            self.debut = debut if self.debut is None else min(debut, self.debut)
            self.fin = fin if self.fin is None else max(fin, self.fin)
            self.colonnes = {}

    def colonne(self, nom: str, conversion, optionnel: bool = False) -> pl.Series:
        """The value of `nom` on each day of the range (null: no value, or inexact and compulsory)."""
        cle = (nom, conversion, optionnel)
        s = self.colonnes.get(cle)
        if s is None:
            s = self.colonnes[cle] = self._colonne(nom, conversion, optionnel)
        return s

    def _colonne(self, nom: str, conversion, optionnel: bool) -> pl.Series:
        n = self.fin - self.debut + 1
        valeurs = [None] * n
        try:
            historique = self.p.historique(nom)
        except ParametreIndisponible:
            historique = []
        for v in historique:
            a = max(v.depuis.toordinal() - _EPOQUE, self.debut) - self.debut
            b = (min(v.jusqu_au.toordinal() - _EPOQUE, self.fin) if v.jusqu_au is not None else self.fin) - self.debut
            if b < a:
                continue
            x = conversion(v.valeur)
            x = (INEXACT if optionnel else None) if x is None else x
            valeurs[a:b + 1] = [x] * (b - a + 1)
        return pl.Series(nom, valeurs, dtype=pl.Int64)

    def jour(self) -> pl.Expr:
        """The act's day as a position in the columns."""
        return (pl.col("date").cast(pl.Int32) - self.debut).cast(pl.Int64)

    def fixes(self) -> dict:
        """{column: expression} of every parameter of `FIXES` at the act's day."""
        return {col: pl.lit(self.colonne(nom, conv, opt)).gather(pl.col("jour")) for col, nom, conv, opt in FIXES}

    def par_nom(self, noms: list, index: pl.Expr, conversion) -> pl.Expr:
        """The value of the parameter `noms[index]` at the act's day (null when `index` is null)."""
        if not noms:
            return pl.lit(None, dtype=pl.Int64)
        n = self.fin - self.debut + 1
        toutes = pl.concat([self.colonne(nom, conversion) for nom in noms])
        return pl.lit(toutes).gather(index * n + pl.col("jour"))


_CALENDRIERS: dict = {}


def calendrier(parametres) -> Calendrier:
    """The Calendrier of a set of parameters (kept while the set is in use: a reform scenario is another set)."""
    c = _CALENDRIERS.get(id(parametres))
    if c is None or c.p is not parametres:
        if len(_CALENDRIERS) > 8:
            _CALENDRIERS.clear()
        c = _CALENDRIERS[id(parametres)] = Calendrier(parametres)
    return c


def constante_sur_annee(parametres, nom: str, annees: list[int], conversion=centimes) -> dict:
    """{year: value} for the years where `nom` has ONE value, without a gap, from 1 January to 31 December
    (a cumulative cap needs one ceiling per civil year); a year where it changes, or lacks a value, is absent."""
    try:
        historique = parametres.historique(nom)
    except ParametreIndisponible:
        return {}
    out = {}
    for a in annees:
        debut, fin = dt.date(a, 1, 1), dt.date(a, 12, 31)
        try:
            v = parametres.valeur(nom, debut).valeur
        except ParametreIndisponible:
            continue
        ok = True
        for x in historique:
            if x.depuis > fin or (x.jusqu_au is not None and x.jusqu_au < debut):
                continue
            ok = ok and x.valeur == v
            if ok and x.jusqu_au is not None and x.jusqu_au < fin:
                try:
                    parametres.valeur(nom, x.jusqu_au + dt.timedelta(days=1))
                except ParametreIndisponible:
                    ok = False
        c = conversion(v) if ok else None
        if c is not None:
            out[a] = c
    return out
