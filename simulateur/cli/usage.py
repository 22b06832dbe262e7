"""The option parser's refusals in French (an unknown option, a missing argument, a flag given a value…).

Typer's parser (a copy of Click's) words its usage errors in English. `GroupeFrancais`, the class of
the `simulateur` command group, catches them where they are raised — while the group and then the
command read their arguments — and raises `UsageFrancais` instead: the same exit code (2), one line
`erreur : …` naming the option or argument as the user wrote it (echoed safely: `domaine.erreurs.apercu`),
and a hint `indice : simulateur COMMANDE --help`. A request for help (no arguments) is left alone.
"""
from __future__ import annotations

import difflib
import re
import sys

from typer._click import exceptions as ex
from typer.core import TyperGroup

from ..domaine.erreurs import apercu


class UsageFrancais(ex.UsageError):
    """A usage error already worded in French: `erreur : message` and the hint, on stderr; exit code 2."""

    def __init__(self, message: str, ctx=None, indice: str = ""):
        super().__init__(message, ctx)
        self.indice = indice

    def show(self, file=None) -> None:
        f = file if file is not None else sys.stderr
        f.write(f"erreur : {self.message}\n" + (f"  indice : {self.indice}\n" if self.indice else ""))


def _nom(param) -> str:
    """How the user writes a parameter: `--formule` for an option, `CONTRAT` (its metavar) for an argument."""
    if param is None:
        return "?"
    if param.param_type_name == "option":
        return next((o for o in param.opts if o.startswith("--")), param.opts[0] if param.opts else "?")
    return (param.metavar or param.name or "?").upper()


def _suggestions(mot: str, possibles) -> str:
    proches = difflib.get_close_matches(mot, list(possibles), n=3, cutoff=0.6)
    return f" ; vouliez-vous dire {' ou '.join(apercu(p, 40) for p in proches)} ?" if proches else ""


def _option_de(e) -> str:
    return apercu(getattr(e, "option_name", "") or "", 60)


def message_francais(e: ex.UsageError) -> str:
    """The French sentence of one of the parser's usage errors (any kind, the unknown ones included)."""
    m = str(getattr(e, "message", "") or "")
    if isinstance(e, ex.NoSuchOption):
        return f"option inconnue « {_option_de(e)} »{_suggestions(e.option_name, e.possibilities or ())}"
    if isinstance(e, ex.MissingParameter):
        p = e.param
        if p is not None and p.param_type_name == "argument":
            return f"argument {_nom(p)} manquant"
        return f"option {_nom(p)} obligatoire absente"
    if isinstance(e, ex.BadOptionUsage):
        o = _option_de(e)
        if "does not take a value" in m:
            return f"l'option {o} ne prend pas de valeur (écrivez {o} seul)"
        if "requires" in m:
            return f"l'option {o} attend une valeur (ex. {o} VALEUR)"
        return f"usage incorrect de l'option {o}"
    if isinstance(e, ex.BadParameter):
        return f"valeur invalide pour {_nom(e.param)}"
    if m.startswith("Got unexpected extra argument"):
        r = re.match(r"Got unexpected extra argument\(s\) \((.*)\)$", m, re.S)
        reste = r[1] if r else ""
        return (f"argument(s) en trop : « {apercu(reste, 80)} » (une option oui/non s'écrit seule, ex. --dptm ou "
                "--non-dptm ; une valeur qui contient des espaces s'écrit entre guillemets)")
    if m.startswith("No such command"):
        nom = _nom_commande(m)
        commandes = sorted(getattr(getattr(e, "ctx", None), "command", None).commands) if getattr(e, "ctx", None) else []
        return f"commande inconnue « {apercu(nom, 60)} »{_suggestions(nom, commandes)} (commandes : {', '.join(commandes)})"
    if m.startswith("Missing command"):
        return "commande absente"
    return "ligne de commande invalide"


def _nom_commande(m: str) -> str:
    """The command name in « No such command 'x'. » (written with repr by the parser)."""
    import ast
    r = re.match(r"No such command (.+?)\.(?: Did you mean .*)?$", m, re.S)
    try:
        return str(ast.literal_eval(r[1])) if r else ""
    except (ValueError, SyntaxError):
        return r[1] if r else ""


def _francais(e: ex.UsageError, chemin: str) -> UsageFrancais:
    """`chemin`: the command as typed so far (`simulateur lot`), for the hint."""
    if getattr(e, "ctx", None) is not None and e.ctx.command_path:
        chemin = e.ctx.command_path
    return UsageFrancais(message_francais(e), e.ctx, f"{chemin} --help donne les options et des exemples")


class GroupeFrancais(TyperGroup):
    """The `simulateur` group: its own and its commands' usage errors come out in French."""

    def make_context(self, info_name, args, parent=None, **extra):
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except (UsageFrancais, ex.NoArgsIsHelpError):
            raise
        except ex.UsageError as e:
            raise _francais(e, info_name or "simulateur") from None

    def invoke(self, ctx):
        proteges = getattr(ctx, "_protected_args", None) or []
        chemin = ctx.command_path + (f" {proteges[0]}" if proteges and proteges[0] in self.commands else "")
        try:
            return super().invoke(ctx)
        except (UsageFrancais, ex.NoArgsIsHelpError):
            raise
        except ex.UsageError as e:
            raise _francais(e, chemin) from None
