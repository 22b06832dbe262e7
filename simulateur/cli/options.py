"""The act's options of `simuler` and `comparer`, made from the table of fields (`domaine.champs.CHAMPS`).

`avec_options_acte(fonction)` gives a command function (which takes `**acte`) one option per field
— flag, short flag, help, allowed values, negative flag of a yes/no field — so that the options,
the batch columns and the Python keywords are the same list, declared once. Every value reaches
the command as text (or True/False for a flag) and is read by the field's own parser, which
answers in French.
"""
from __future__ import annotations

import inspect
from typing import Optional

import typer

from ..domaine.champs import CHAMPS, Champ


def _aide(c: Champ) -> str:
    return c.aide + (f" Ex. {c.option} {c.exemple}." if c.exemple and c.type != "booleen" else "")


def option(c: Champ, requis: bool = False):
    """The typer.Option of one field (flags for yes/no fields, text for every other)."""
    noms = [c.option] + ([c.court] if c.court else [])
    if c.type == "booleen":
        if c.negatif:
            return typer.Option(None, f"{c.option}/{c.negatif}", help=c.aide, show_default=False), Optional[bool]
        return typer.Option(False, *noms, help=c.aide, show_default=False), bool
    defaut = ... if requis else None
    return typer.Option(defaut, *noms, help=_aide(c), metavar=c.metavar, show_default=False), Optional[str]


def avec_options_acte(fonction, requis: tuple = (), sauf: tuple = ()):
    """`fonction` (a command taking `**acte`) with one keyword option per field of the act."""
    sig = inspect.signature(fonction)
    params = [p for p in sig.parameters.values() if p.kind != p.VAR_KEYWORD]
    places = {p.name for p in params}
    for c in CHAMPS:
        if c.nom in places or c.nom in sauf:
            continue
        defaut, genre = option(c, c.nom in requis)
        params.append(inspect.Parameter(c.nom, inspect.Parameter.KEYWORD_ONLY, default=defaut, annotation=genre))
    fonction.__signature__ = sig.replace(parameters=params)
    return fonction


AIDE_PARAMETRES = ("Scénario : fichier YAML de paramètres réglementaires datés (même format que les paramètres livrés) "
                   "dont chaque série remplace celle du même nom pour ce calcul (ex. participation forfaitaire à 4 €).")


def option_parametres():
    """The `--parametres FICHIER.yaml` option (simuler, lot, comparer)."""
    return typer.Option(None, "--parametres", metavar="FICHIER.yaml", help=AIDE_PARAMETRES)


def parametres_du_scenario(chemin):
    """The dated parameters of a run: the shipped ones, or with the series of `chemin` replacing theirs
    (None when no file is given: the engine then reads the shipped ones). Raises ErreurParametres."""
    if chemin is None:
        return None
    from ..parametres import charger_parametres, lire_fichier_parametres
    return charger_parametres().avec(lire_fichier_parametres(chemin))


def valeurs_acte(options: dict) -> dict:
    """The act's fields among a command's options (those not given, None, left out)."""
    noms = {c.nom for c in CHAMPS}
    return {k: v for k, v in options.items() if k in noms and v is not None}
