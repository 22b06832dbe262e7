"""A loaded contract as plain JSON data and back (the disk cache stores this, never code).

Every value of the model (`contrat.modele`) and of the parsed expressions (`contrat.expressions`) is
encoded with its class name, taken back only from the list `CLASSES` below: data can name a class of
this list, nothing else. Derived fields (metadata `derive`) are not stored; `Contrat.indexer`
recomputes them; a field equal to its default is not written (the class's default rebuilds it).
"""
from __future__ import annotations

import dataclasses
from decimal import Decimal

from . import expressions as ex
from . import modele

CLASSES = {c.__name__: c for c in (
    modele.Contrat, modele.Niveau, modele.Colonne, modele.Formule, modele.Ligne, modele.PlafondAnnuel,
    modele.DelaiDeStage, modele.ExceptionResponsable, modele.Module, ex.Expression, *ex.TERMES)}


_CHAMPS: dict = {}


def _champs(classe) -> tuple:
    """((name, default), …) of the stored fields of `classe` (its default: the value not written)."""
    champs = _CHAMPS.get(classe)
    if champs is None:
        champs = _CHAMPS[classe] = tuple(
            (f.name, f.default_factory() if f.default_factory is not dataclasses.MISSING else f.default)
            for f in dataclasses.fields(classe) if f.init and not f.metadata.get("derive"))
    return champs


def _est_defaut(valeur, defaut) -> bool:
    """Same type and value, and for a Decimal the same digits (0.00 is not written as 0)."""
    return type(valeur) is type(defaut) and valeur == defaut and (type(valeur) is not Decimal or str(valeur) == str(defaut))


def vers_donnees(v):
    """A model value → JSON-able data (Decimal, tuple, frozenset and dataclasses are tagged)."""
    if v is None or isinstance(v, (bool, int, str)):
        return v
    if isinstance(v, Decimal):
        return {"#d": str(v)}
    if isinstance(v, tuple):
        return {"#t": [vers_donnees(x) for x in v]}
    if isinstance(v, frozenset):
        return {"#f": sorted((vers_donnees(x) for x in v), key=repr)}
    if isinstance(v, list):
        return [vers_donnees(x) for x in v]
    if isinstance(v, dict):
        return {"#m": [[vers_donnees(k), vers_donnees(x)] for k, x in v.items()]}
    nom = type(v).__name__
    if CLASSES.get(nom) is not type(v):
        raise TypeError(f"valeur non sérialisable : {nom}")
    donnees = {"#c": nom}
    for champ, defaut in _champs(type(v)):
        valeur = getattr(v, champ)
        if not _est_defaut(valeur, defaut):
            donnees[champ] = vers_donnees(valeur)
    return donnees


_SIMPLES = frozenset({str, int, bool, type(None)})     # JSON values taken as they are


def depuis_donnees(d):
    """The inverse of `vers_donnees` (only the classes of CLASSES can be rebuilt; anything else raises)."""
    if type(d) in _SIMPLES:
        return d
    if type(d) is list:
        return [x if type(x) in _SIMPLES else depuis_donnees(x) for x in d]
    if type(d) is not dict:
        raise TypeError(f"donnée inattendue : {type(d).__name__}")
    if "#d" in d:
        v = Decimal(d["#d"])
        if not v.is_finite():
            raise ValueError("montant non fini")
        return v
    if "#t" in d:
        return tuple(depuis_donnees(x) for x in d["#t"])
    if "#f" in d:
        return frozenset(depuis_donnees(x) for x in d["#f"])
    if "#m" in d:
        return {depuis_donnees(k): depuis_donnees(x) for k, x in d["#m"]}
    classe = CLASSES[d["#c"]]
    valeurs = {}
    for champ, _ in _champs(classe):
        if champ in d:
            v = d[champ]
            valeurs[champ] = v if type(v) in _SIMPLES else depuis_donnees(v)
    return classe(**valeurs)


def contrat_vers_donnees(contrat) -> dict:
    return vers_donnees(contrat)


def contrat_depuis_donnees(d) -> "modele.Contrat":
    c = depuis_donnees(d)
    if not isinstance(c, modele.Contrat):
        raise TypeError("pas un contrat")
    return c.indexer()
