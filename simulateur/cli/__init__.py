"""The command line: each command parses, calls the library, renders, maps to an exit code.

Data on stdout, messages on stderr. Exit codes: 0 success; 1 the run finished but rows or checks
failed; 2 bad usage or input (a French message, no traceback unless --debug); 130 interrupted.
A reader that left (`| head -1`) ends every command with 0 (`environnement.lecteur_parti`).
One module per command group: `simuler`, `catalogue` (contrats, contrat, natures), `actes`, `lot`,
`comparer`, `exemples`, `valider`, `verifier`; `francais` (the parser in French), `options` (shared
options), `completion` (values for shell completion), `sortie` (JSON and CSV output).
"""
from __future__ import annotations

import sys

import typer

from .francais import Appli, GroupeFr, installer_gettext
from .francais import exemples as _exemples

installer_gettext()

app = Appli(
    name="simulateur",
    cls=GroupeFr,
    help="Simulateur de remboursements santé : Sécurité sociale, complémentaire, reste à charge.",
    epilog=_exemples("simulateur simuler cabinets-dentaires --formule option-2 --nature consultation-specialiste "
                    "--br 31,50 --frais-reels 80 --dptm", "simulateur natures dentaire",
                    "simulateur lot famille-2025.csv --contrat cabinets-dentaires --formule option-2 -o resultats.csv"),
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
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
        sys.stderr.write(f"{len(e.problemes)} problème(s) dans le fichier ; corrigez-le (pour un contrat, simulateur valider FICHIER les donne tous)\n")
        raise typer.Exit(EXIT_USAGE)
    except (ErreurSimulateur, ParametreIndisponible, ErreurParametres) as e:
        if _DEBUG["actif"]:
            raise
        erreur(texte_erreur(e))


_proteger = proteger      # the name the command modules were written with

_FIN = {"rapide": False}


def rien_a_fermer() -> None:
    """Said by a command that writes only to the standard streams and opens no file, thread or worker
    that must be closed: the process may then end without the interpreter's teardown
    (`environnement.terminer`)."""
    _FIN["rapide"] = True


def _version(valeur: bool):
    if valeur:
        from .. import __version__
        sys.stdout.write(f"simulateur {__version__}\n")
        raise typer.Exit(EXIT_OK)


@app.callback()
def _principal(debug: bool = typer.Option(False, "--debug", help="Affiche la trace Python complète en cas d'erreur."),
               version: bool = typer.Option(False, "--version", "-V", help="Affiche la version et quitte.",
                                            callback=_version, is_eager=True)):
    _DEBUG["actif"] = debug


# Each command and the module of simulateur.cli that registers it (its `enregistrer(app)`), in the order
# of the help. A module is imported, and its commands built, only when one of them is used.
COMMANDES = {"simuler": "simuler", "contrats": "catalogue", "contrat": "catalogue", "natures": "catalogue",
             "actes": "actes", "lot": "lot", "comparer": "comparer", "exemples": "exemples", "valider": "valider",
             "verifier": "verifier"}
_CHARGES: dict = {}


def _charger(nom: str) -> list:
    """Registers the commands of the module of `nom` (once) and returns their Typer CommandInfo."""
    import importlib
    module = COMMANDES[nom]
    if module not in _CHARGES:
        avant = len(app.registered_commands)
        importlib.import_module(f"{__name__}.{module}").enregistrer(app)
        _CHARGES[module] = app.registered_commands[avant:]
    return _CHARGES[module]


def _enregistrer():
    """Every command registered at once (`app.registered_commands` complete: the tests and tools that
    read it); the command line itself goes through GroupeFr.charger."""
    for nom in COMMANDES:
        _charger(nom)


GroupeFr.noms = tuple(COMMANDES)
GroupeFr.charger = staticmethod(_charger)


def main():
    """The `simulateur` process: the environment (streams, signals, its errors: `environnement`), then the app."""
    from .environnement import lancer
    lancer(app, rapide=lambda: _FIN["rapide"])
