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
from typer._click.types import ParamType

from ..domaine.champs import CHAMPS, Champ


class ChoixFr(ParamType):
    """One of a fixed list of values (`--format table|json|csv`), without regard to case; `alias` maps
    other accepted spellings to a value (`texte` → `table`). Refused in French, exit code 2."""
    name = "choix"

    def __init__(self, valeurs, alias=None):
        self.valeurs, self.alias = tuple(valeurs), dict(alias or {})

    def get_metavar(self, param, ctx) -> str:
        return "|".join(self.valeurs)

    def convert(self, value, param, ctx):
        v = str(value).strip().lower()
        v = self.alias.get(v, v)
        if v in self.valeurs:
            return v
        from ..domaine.champs import apercu
        from typer._click.exceptions import BadParameter
        nom = param.opts[0] if param is not None and param.opts else "valeur"
        e = BadParameter(f"{nom} « {apercu(value)} » inconnu ; valeurs permises : {', '.join(self.valeurs)}", ctx=ctx, param=param)
        e.francais = True                # already worded: `francais.traduire` leaves it as is
        raise e

    def shell_complete(self, ctx, param, incomplete):
        from typer._click.shell_completion import CompletionItem
        return [CompletionItem(v) for v in self.valeurs if v.startswith(incomplete or "")]


FORMATS = ("table", "json", "csv")
AIDE_FORMAT = ("table : tableau pour les yeux (défaut) ; json : pour les programmes ; csv : pour un tableur "
               "(séparateur virgule, montants à point décimal).")


def option_format(valeurs=FORMATS, defaut="table", aide=AIDE_FORMAT, alias=None):
    """The `--format` option of a command that prints data (an unknown format: exit 2)."""
    return typer.Option(defaut, "--format", click_type=ChoixFr(valeurs, alias), help=aide, show_default=defaut is not None)


def argument_contrat(aide: str = "Identifiant d'un contrat livré (simulateur contrats) ou chemin d'un fichier YAML.",
                     requis: bool = True):
    from .completion import completer_contrats
    return typer.Argument(... if requis else None, metavar="CONTRAT", help=aide, autocompletion=completer_contrats,
                          show_default=False)


def option_formule(aide: str = "Formule du contrat (liste : simulateur contrats).", requis: bool = True):
    from .completion import completer_formules
    return typer.Option(... if requis else None, "--formule", "-f", metavar="FORMULE", help=aide,
                        autocompletion=completer_formules, show_default=False)


def _aide(c: Champ) -> str:
    return c.aide + (f" Ex. {c.option} {c.exemple}." if c.exemple and c.type != "booleen" else "")


def _completion(c: Champ):
    from .completion import PAR_CHAMP, completer_valeurs
    if c.nom in PAR_CHAMP:
        return PAR_CHAMP[c.nom]
    return completer_valeurs(c.valeurs) if c.valeurs else None


def option(c: Champ, requis: bool = False):
    """The typer.Option of one field (flags for yes/no fields, text for every other), its metavar the
    field's allowed values (`Champ.metavar`), its completion the field's values or codes."""
    noms = [c.option] + ([c.court] if c.court else [])
    if c.type == "booleen":
        if c.negatif:
            return typer.Option(None, f"{c.option}/{c.negatif}", help=c.aide, show_default=False), Optional[bool]
        return typer.Option(False, *noms, help=c.aide, show_default=False), bool
    defaut = ... if requis else None
    completion = _completion(c)
    if completion is None:
        return typer.Option(defaut, *noms, help=_aide(c), metavar=c.metavar, show_default=False), Optional[str]
    from .completion import type_complete
    return typer.Option(defaut, *noms, help=_aide(c), metavar=c.metavar, show_default=False,
                        click_type=type_complete(completion)), Optional[str]


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
    """The act's fields among a command's options (those not given — None, or a flag left unset — left out:
    the act records what the user gave, and shows the rest as assumptions)."""
    par_nom = {c.nom: c for c in CHAMPS}
    return {k: v for k, v in options.items()
            if k in par_nom and v is not None and not (v is False and par_nom[k].defaut is False and not par_nom[k].negatif)}
