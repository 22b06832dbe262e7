"""The process around the commands: output streams, signals, and the errors of the environment.

`lancer(app)` is what `main()` runs (once per process, never in the tests' in-process runner):
- standard output and error degrade the characters their encoding lacks (`errors="replace"`): a
  Windows console or a redirect in cp1252, `PYTHONIOENCODING=ascii`, still get every line, with `?`
  for `━` or `€`, instead of a `UnicodeEncodeError`;
- SIGTERM (and SIGHUP, a closed terminal) interrupt like Ctrl-C (SIGINT): `KeyboardInterrupt` runs the
  same cleanup (an output file is never left half written, `fichiers.ecriture`), one message
  « interrompu », exit code 130;
- an error of the environment that reaches the top — standard output on a full disk (`> /dev/full`),
  a closed pipe — is one French message and exit code 2, never a traceback; standard output is
  flushed here, so that a write error is reported rather than lost in the interpreter's shutdown;
- a reader that left (`simulateur … | head -1`: EPIPE, `BrokenPipeError`) ends every command the same
  way (`lecteur_parti`): no message, exit code 0 — the reader took what it wanted; code 1 keeps its
  documented meaning (rows in error, nothing found);
- any other exception is a defect of the program: one line « erreur interne (…) », exit code 2, the
  trace only with `--debug`;
- a command that wrote only to the standard streams and holds nothing open (`simuler`, `contrats`,
  `contrat`, `natures`, `actes`: `rien_a_fermer`) ends, once both streams are flushed, without the
  interpreter's teardown (`os._exit`), which would cost about 20 ms of every such command for nothing;
  `SIMULATEUR_FIN_COMPLETE=1` keeps the usual teardown (a profiler or coverage tool that writes at exit).
"""
from __future__ import annotations

import errno
import os
import signal
import sys

EXIT_OK, EXIT_USAGE, EXIT_ECHECS, EXIT_INTERRUPTION = 0, 2, 1, 130
_ETAT = {"interruption_dite": False}


def _interrompre(signum, _frame):
    raise KeyboardInterrupt


class _SortieFermee:
    """Standard output closed at start (`simulateur … >&-`: Python sets `sys.stdout` to None): nothing to
    flush, and writing data is the system's error EBADF — one message, exit code 2, as any write error."""
    encoding = "utf-8"

    def write(self, _texte):
        raise OSError(errno.EBADF, "sortie standard fermée")

    def flush(self):
        pass

    def isatty(self):
        return False

    def fileno(self):
        raise OSError(errno.EBADF, "sortie standard fermée")


def preparer() -> None:
    """Streams that degrade what they cannot encode; a closed standard output (`_SortieFermee`) or error
    (nothing can be said: /dev/null); SIGTERM / SIGHUP handled as SIGINT."""
    if sys.stdout is None:
        sys.stdout = _SortieFermee()
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w", encoding="utf-8")     # noqa: SIM115 - for the process's life
    for flux in (sys.stdout, sys.stderr):
        try:
            flux.reconfigure(errors="replace")
        except (AttributeError, ValueError, OSError):     # not a text stream of the io module, or closed
            pass
    for nom in ("SIGTERM", "SIGHUP"):
        sig = getattr(signal, nom, None)
        if sig is not None:
            try:
                signal.signal(sig, _interrompre)
            except (ValueError, OSError):                 # not the main thread, or not allowed
                pass


def dire_interrompu(sortie: str | None = None) -> None:
    """The one message of an interruption (once per process): what became of the output file, if any."""
    if _ETAT["interruption_dite"]:
        return
    _ETAT["interruption_dite"] = True
    texte = "interrompu"
    if sortie:
        from ..domaine.erreurs import apercu
        from ..fichiers.ecriture import ecrite
        nom = apercu(sortie, 200)
        texte += (f" : {nom} avait déjà été écrit en entier" if ecrite(sortie) else
                  f" : {nom} n'a pas été écrit (le fichier précédent, s'il existait, est intact)")
    _ecrire_erreur(texte + "\n")


def _ecrire_erreur(texte: str) -> None:
    try:
        sys.stderr.write(texte)
        sys.stderr.flush()
    except (OSError, ValueError):
        pass


def _taire_stdout() -> None:
    """Standard output pointed at /dev/null: the interpreter's final flush can no longer fail."""
    try:
        nul = os.open(os.devnull, os.O_WRONLY)
        os.dup2(nul, sys.stdout.fileno())
        os.close(nul)
    except (OSError, ValueError, AttributeError):
        pass


def lecteur_parti() -> int:
    """THE rule of a reader that left (`| head`), for every command: standard output pointed at
    /dev/null (nothing more can fail on it), no message, and the exit code to use: 0. Documented in
    docs/confiance.md (« La sortie standard aussi est surveillée »)."""
    _taire_stdout()
    return EXIT_OK


def _erreur_systeme(e: OSError) -> int:
    from ..domaine.erreurs import apercu, raison_systeme
    if e.errno == errno.EPIPE:
        return lecteur_parti()
    quoi = apercu(e.filename, 200) if getattr(e, "filename", None) else "écriture impossible sur la sortie standard"
    _ecrire_erreur(f"erreur : {quoi} : {raison_systeme(e)}\n")
    _taire_stdout()
    return EXIT_USAGE


def lancer(app, rapide=lambda: False) -> None:
    """Runs the Typer app as the `simulateur` process: sets up the environment, then maps what reaches
    the top to the documented exit codes. Exits with the command's code: by SystemExit, or at once when
    `rapide()` says the command holds nothing open (`terminer`)."""
    preparer()
    code = 0
    try:
        try:
            app()
        finally:
            sys.stdout.flush()
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else (0 if e.code is None else EXIT_USAGE)
        if code == EXIT_INTERRUPTION:
            dire_interrompu()
    except KeyboardInterrupt:
        dire_interrompu()
        code = EXIT_INTERRUPTION
    except OSError as e:
        code = _erreur_systeme(e)
    except Exception as e:  # noqa: BLE001 - a defect of the program: said in one line, the trace with --debug
        from . import _DEBUG
        if _DEBUG["actif"]:
            raise
        code = _erreur_interne(e)
    terminer(code, rapide())


def terminer(code: int, rapide: bool) -> None:
    """Ends the process with `code`. `rapide`: the command wrote only to the standard streams and holds no
    file, thread or worker; both streams are flushed, then the process ends without the interpreter's
    teardown (module clean-up, final garbage collection: nothing a user waits for). Any doubt (a flush
    that fails, `SIMULATEUR_FIN_COMPLETE=1`) keeps the usual exit."""
    if rapide and os.environ.get("SIMULATEUR_FIN_COMPLETE") != "1":
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except (OSError, ValueError, AttributeError):
            pass
        else:
            os._exit(code)
    sys.exit(code)


def _erreur_interne(e: Exception) -> int:
    from ..domaine.erreurs import apercu
    _ecrire_erreur(f"erreur interne ({type(e).__name__} : {apercu(e, 200)}) : c'est un défaut du programme, pas de vos "
                   "données ; relancez avec --debug pour la trace et signalez-la\n")
    return EXIT_USAGE
