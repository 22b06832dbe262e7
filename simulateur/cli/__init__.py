"""The command line: each command parses, calls the library, renders, maps to an exit code.

Data on stdout, messages on stderr. Exit codes: 0 success; 1 the run finished but rows or checks
failed; 2 bad usage or input (a French message, no traceback unless --debug); 130 interrupted.
One module per command group: `simuler`, `catalogue` (contrats, contrat, natures), `lot`,
`comparer` (comparer, exemples), `valider`.
"""
from __future__ import annotations

import sys

import typer

from .usage import GroupeFrancais

app = typer.Typer(
    cls=GroupeFrancais,
    name="simulateur",
    help="Simulateur de remboursements santé : Sécurité sociale, complémentaire, reste à charge.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

EXIT_OK, EXIT_ECHECS, EXIT_USAGE, EXIT_INTERRUPTION = 0, 1, 2, 130
_DEBUG = {"actif": False}


def erreur(message: str, code: int = EXIT_USAGE):
    """One French message on stderr, then the documented exit code (no traceback unless --debug)."""
    from ..domaine.erreurs import nettoyer
    sys.stderr.write(f"erreur : {nettoyer(message)}\n")
    raise typer.Exit(code)


def texte_erreur(e) -> str:
    """An error the library raised, worded for the command line (options, not columns)."""
    from ..rendu.messages import message
    return message(e, "cli")


def proteger(fonction):
    """Runs `fonction()`; every refusal of the library becomes one message and exit code 2."""
    from ..domaine.erreurs import ContratInvalide, ErreurSimulateur
    from ..parametres import ErreurParametres, ParametreIndisponible
    try:
        return fonction()
    except typer.Exit:
        raise
    except ContratInvalide as e:
        if _DEBUG["actif"]:
            raise
        for p in e.problemes:
            sys.stderr.write(f"erreur : {p}\n")
        sys.stderr.write(f"{len(e.problemes)} problème(s) dans le fichier ; corrigez-le (simulateur valider FICHIER vérifie un contrat)\n")
        raise typer.Exit(EXIT_USAGE)
    except (ErreurSimulateur, ParametreIndisponible, ErreurParametres) as e:
        if _DEBUG["actif"]:
            raise
        erreur(texte_erreur(e))


_proteger = proteger      # the name the command modules were written with


@app.callback()
def _principal(debug: bool = typer.Option(False, "--debug", help="Affiche la trace Python complète en cas d'erreur.")):
    _DEBUG["actif"] = debug


def _enregistrer():
    from . import catalogue, comparer, lot, simuler, valider
    for module in (simuler, catalogue, lot, comparer, valider):
        module.enregistrer(app)


_enregistrer()


def main():
    """The `simulateur` process: the environment (streams, signals, its errors: `environnement`), then the app."""
    from .environnement import lancer
    lancer(app)
