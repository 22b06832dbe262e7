"""Dated regulatory parameters joined to the acts by date.

The value of each parameter is read ONCE per distinct date of the portfolio (a year of acts has at
most 366), with the same reader as the line engine (`Parametres.valeur`: the value in force at the
act's date), then joined to every act of that date. A date without a value, or a value the columnar
units cannot hold exactly, is null: the acts that would read it go to the line engine (which says
why, or computes what the plan cannot).
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import polars as pl

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


# Parameters read at every act's date: (column, parameter name, conversion, optional).
# An optional parameter (`LectureParametres.optionnel`) absent at a date is "no cap" (null, `absent`
# flag false); a compulsory one absent is an error of the act in the line engine (fallback).
def _fixes() -> tuple:
    from ...domaine.natures import NATURES
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
INEXACT = -1        # an optional value present but not exact in the columnar unit (fallback)


def _valeur(parametres, nom: str, jour: dt.date, conversion, optionnel: bool):
    try:
        v = conversion(parametres.valeur(nom, jour).valeur)
    except ParametreIndisponible:
        return None
    if v is None:
        return INEXACT if optionnel else None
    return v


def table_fixes(parametres, jours: list) -> pl.DataFrame:
    """One row per date: the value of every parameter of `FIXES` (null when unavailable or inexact)."""
    colonnes = {"date": jours}
    for col, nom, conversion, optionnel in FIXES:
        colonnes[col] = [_valeur(parametres, nom, j, conversion, optionnel) for j in jours]
    return pl.DataFrame(colonnes, schema={"date": pl.Date} | {c: pl.Int64 for c, *_ in FIXES})


def table_noms(parametres, paires: pl.DataFrame, colonne_nom: str, sortie: str, conversion) -> pl.DataFrame:
    """For the distinct (name, date) pairs of `paires` (columns `colonne_nom`, `date`): the value (null
    when unavailable or inexact), in column `sortie`."""
    noms = paires[colonne_nom].to_list()
    jours = paires["date"].to_list()
    valeurs = [_valeur(parametres, n, j, conversion, False) if n is not None else None for n, j in zip(noms, jours)]
    return paires.with_columns(pl.Series(sortie, valeurs, dtype=pl.Int64))


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
