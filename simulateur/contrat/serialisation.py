"""A loaded contract as plain JSON data and back (the disk cache stores this, never code).

Every value of the model (`contrat.modele`) and of the parsed expressions (`contrat.expressions`) is
encoded with its class name, taken back only from the list `CLASSES` below: data can name a class of
this list, nothing else. Derived fields (metadata `derive`) are not stored; `Contrat.indexer`
recomputes them.
"""
from __future__ import annotations

import dataclasses
from decimal import Decimal

from . import expressions as ex
from . import modele

CLASSES = {c.__name__: c for c in (
    modele.Contrat, modele.Niveau, modele.Colonne, modele.Formule, modele.Ligne, modele.PlafondAnnuel,
    modele.DelaiDeStage, modele.ExceptionResponsable, modele.Module, ex.Expression, *ex.TERMES)}


def _champs(classe):
    return [f for f in dataclasses.fields(classe) if f.init and not f.metadata.get("derive")]


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
    return {"#c": nom, **{f.name: vers_donnees(getattr(v, f.name)) for f in _champs(type(v))}}


def depuis_donnees(d):
    """The inverse of `vers_donnees` (only the classes of CLASSES can be rebuilt)."""
    if d is None or isinstance(d, (bool, int, str)):
        return d
    if isinstance(d, list):
        return [depuis_donnees(x) for x in d]
    if "#d" in d:
        return Decimal(d["#d"])
    if "#t" in d:
        return tuple(depuis_donnees(x) for x in d["#t"])
    if "#f" in d:
        return frozenset(depuis_donnees(x) for x in d["#f"])
    if "#m" in d:
        return {depuis_donnees(k): depuis_donnees(x) for k, x in d["#m"]}
    classe = CLASSES[d["#c"]]
    return classe(**{f.name: depuis_donnees(d[f.name]) for f in _champs(classe) if f.name in d})


def contrat_vers_donnees(contrat) -> dict:
    return vers_donnees(contrat)


def contrat_depuis_donnees(d) -> "modele.Contrat":
    c = depuis_donnees(d)
    if not isinstance(c, modele.Contrat):
        raise TypeError("pas un contrat")
    return c.indexer()
