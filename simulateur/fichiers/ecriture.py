"""Writing an output file atomically: all of it, or nothing (the previous file, if any, intact).

The data goes to a temporary file created in the target's folder (exclusively, never following a
link), which replaces the target by one rename once complete and synced. An interruption (Ctrl-C,
SIGTERM), a full disk or any error removes the temporary file; a write error (full disk, quota,
input-output error) becomes `SortieInvalide` with a French message. The rename and the cleanup run
with SIGINT / SIGTERM held back, so that an interruption never strands the temporary file; the
targets completely written are remembered (`ECRITES`), so that a late interruption is reported truly.

A target that exists and is not a regular file (`/dev/stdout`, a named pipe, `>(…)`, `/dev/full`) is
written in place, opened by the name given (its resolved name may be `pipe:[…]`): it cannot be replaced
by a rename, so a failure there leaves it incomplete. A symbolic link is followed: its target is replaced.

`verifier_sortie` refuses, before any computation, an output that is one of the inputs (standard input
included), a folder, an empty name, a name the system refuses, or in a folder that does not exist or
cannot be written; `verifier_sorties_distinctes`, two outputs of one command naming one file.
"""
from __future__ import annotations

import contextlib
import io
import os
import signal
import stat
import tempfile
import threading
from pathlib import Path

from ..domaine.erreurs import ErreurSimulateur, apercu, raison_systeme

ECRITES: set = set()        # absolute paths of the outputs written completely by this process


class SortieInvalide(ErreurSimulateur):
    """An output path that cannot be used (exit 2, before any computation), or an output that could
    not be written (full disk…: exit 2, the previous file intact)."""


def _court(texte, n: int = 120) -> str:
    return apercu(texte, n)


def _etat(chemin: Path, nom: str):
    """os.stat of the target (following links), None when it does not exist; SortieInvalide when the
    system refuses the name (too long, a file used as a folder…)."""
    try:
        return os.stat(chemin)
    except FileNotFoundError:
        return None
    except OSError as e:
        raise SortieInvalide(f"{nom} : {raison_systeme(e)} ; donnez un autre nom de fichier") from None


def verifier_sortie(sortie: str, entrees=(), dossiers=()) -> Path:
    """The output path, checked: not empty, not a folder, not one of `entrees` (paths; "-" is the
    standard input), not a contract file (.yaml, .yml) of one of the `dossiers` (--contrats-dossier: a
    row's `contrat` column may name any of them), its folder exists and can be written (unless it is a
    device or a pipe, written in place). Raises SortieInvalide."""
    if not str(sortie).strip():
        raise SortieInvalide("nom de fichier de sortie vide ; donnez un nom de fichier")
    chemin = Path(sortie)
    nom = _court(sortie)
    st = _etat(chemin, nom)
    if str(sortie).endswith(("/", os.sep)):      # pathlib drops the slash: the file « nd » would be written
        raise SortieInvalide(f"{nom} : un chemin qui finit par « / » désigne un dossier ; donnez un nom de fichier")
    if st is not None and stat.S_ISDIR(st.st_mode):
        raise SortieInvalide(f"{nom} : c'est un dossier ; donnez un nom de fichier")
    if st is None or stat.S_ISREG(st.st_mode):
        dossier = Path(os.path.realpath(chemin)).parent
        if not dossier.is_dir():
            raise SortieInvalide(f"{nom} : le dossier {_court(chemin.parent)} n'existe pas")
        if not os.access(dossier, os.W_OK | os.X_OK):
            raise SortieInvalide(f"{nom} : impossible d'écrire dans le dossier {_court(dossier)} (droits)")
    for e in entrees:
        if e is not None and st is not None and stat.S_ISREG(st.st_mode) and meme_fichier(chemin, e, st):
            quoi = "l'entrée standard (« - ») est ce fichier" if str(e) == "-" else "la sortie est le fichier d'entrée"
            raise SortieInvalide(f"{nom} : {quoi} ; choisissez un autre nom (l'entrée serait écrasée)")
    _hors_dossiers(chemin, nom, dossiers)
    return chemin


def _hors_dossiers(chemin: Path, nom: str, dossiers) -> None:
    """SortieInvalide when `chemin` (by its name or, once links are resolved, its target's) is a .yaml / .yml file of one of the
    contract folders `dossiers` (or of a folder below one: refused too, to keep the rule simple)."""
    if not dossiers:
        return
    reel = Path(os.path.realpath(chemin))          # `-o lien.csv` → dd/contrat.yaml: the link's target counts
    if chemin.suffix.lower() not in (".yaml", ".yml") and reel.suffix.lower() not in (".yaml", ".yml"):
        return
    for d in dossiers:
        try:
            racine = Path(os.path.realpath(d))
        except (OSError, ValueError):
            continue
        if racine == reel.parent or racine in reel.parents:
            raise SortieInvalide(f"{nom} : c'est un fichier de contrat du dossier {_court(d)} (--contrats-dossier), qu'une "
                                 "ligne peut lire ; choisissez un autre nom ou un autre dossier (le contrat serait écrasé)")


def format_par_extension(sortie: str, extensions: dict, option: str = "--sortie", indice: str = "") -> str | None:
    """The format the extension of `sortie` names in `extensions` (".csv" → "csv"…), None when the name
    has none (`resultats`, `/dev/stdout`, `-`: the caller's default). An extension that names no format of
    `extensions` (`.pdf`, `.xlsx` where none is written) is refused before any computation: the file
    would hold another format than its name says. `indice`: how to keep the name anyway (« ou donnez
    --format »). Raises SortieInvalide."""
    suffixe = Path(str(sortie)).suffix.lower()
    if not suffixe:
        return None
    if suffixe in extensions:
        return extensions[suffixe]
    formats = ", ".join(dict.fromkeys(extensions.values()))
    noms = ", ".join(extensions)
    raise SortieInvalide(f"{option} {_court(sortie)} : extension « {_court(suffixe, 20)} » non prise en charge (formats écrits : "
                         f"{formats} ; extensions {noms}){indice}")


def est_terminal(sortie) -> bool:
    """Whether the output path is a terminal (`-o /dev/stdout` or `-o /dev/tty` on a terminal): a binary
    format (xlsx, Parquet) is refused there. Only a character device is opened to ask (never a file)."""
    try:
        if not stat.S_ISCHR(os.stat(sortie).st_mode):
            return False
        fd = os.open(sortie, os.O_WRONLY | os.O_NOCTTY | getattr(os, "O_NONBLOCK", 0))
    except (OSError, ValueError):
        return False
    try:
        return os.isatty(fd)
    finally:
        os.close(fd)


def meme_fichier(chemin, autre, st=None) -> bool:
    """Whether the path `chemin` (os.stat `st` if known) and `autre` are one file: same device and inode
    (any path, link or hard link), or, when one does not exist yet, the same path once links are
    resolved. `autre` = "-": the standard input (fstat of descriptor 0), e.g. `lot - -o F < F`."""
    try:
        st = st if st is not None else os.stat(chemin)
    except OSError:
        st = None
    try:
        st_autre = os.fstat(0) if str(autre) == "-" else os.stat(autre)
    except OSError:
        st_autre = None
    if st is not None and st_autre is not None:
        return (st.st_dev, st.st_ino) == (st_autre.st_dev, st_autre.st_ino)
    if str(autre) == "-" or not str(autre).strip():
        return False
    return os.path.realpath(chemin) == os.path.realpath(autre)


def verifier_sorties_distinctes(sorties: dict) -> None:
    """Two outputs of one command (option → path, None when not given) naming one file — by the same
    name, `./`, a link or a hard link — are refused before any computation: the second would replace
    the first (`lot -o F --resume-sortie F`). Raises SortieInvalide."""
    donnees = [(o, s) for o, s in sorties.items() if s is not None and str(s) != "-" and str(s).strip()]
    for k, (option, chemin) in enumerate(donnees):
        for autre_option, autre in donnees[k + 1:]:
            if meme_fichier(chemin, autre):
                raise SortieInvalide(f"{_court(autre)} : {option} et {autre_option} nomment le même fichier (l'un écraserait "
                                     "l'autre) ; donnez deux noms différents")


@contextlib.contextmanager
def sans_interruption():
    """SIGINT and SIGTERM held back (delivered at the end of the block) — POSIX, main thread only."""
    if not hasattr(signal, "pthread_sigmask") or threading.current_thread() is not threading.main_thread():
        yield
        return
    ancien = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, ancien)


class SortieAtomique:
    """`with SortieAtomique(chemin) as flux:` — a text stream (UTF-8, "\\n" line ends; bytes with
    `binaire=True`) whose content replaces `chemin` only when the block ends without error."""

    def __init__(self, chemin: Path | str, binaire: bool = False):
        self.nom = _court(chemin)
        self.donne = Path(chemin)               # as given: `/dev/stdout`, `/dev/fd/63` open through the link
        self.chemin = Path(os.path.realpath(chemin))
        self.binaire = binaire
        self.tmp: str | None = None
        self.flux = None
        self.en_place = False

    def __enter__(self):
        st = _etat(self.donne, self.nom)
        self.en_place = st is not None and not stat.S_ISREG(st.st_mode)
        try:
            if self.en_place:           # a device or a pipe: written in place (its real path may be `pipe:[…]`)
                brut = open(self.donne, "wb")
            else:
                fd, self.tmp = tempfile.mkstemp(prefix=f".{self.chemin.name[:50]}.", suffix=".partiel", dir=self.chemin.parent)
                brut = os.fdopen(fd, "wb")
        except OSError as e:
            raise SortieInvalide(f"{self.nom} : impossible d'écrire ({raison_systeme(e)})") from None
        self.flux = brut if self.binaire else io.TextIOWrapper(brut, encoding="utf-8", newline="")
        return self.flux

    def __exit__(self, genre, valeur, trace):
        with sans_interruption():
            try:
                if genre is None:
                    self._terminer()
            except OSError as e:
                genre, valeur = type(e), e
            finally:
                if genre is not None:
                    self._abandonner()
        if genre is not None and issubclass(genre, OSError):
            raise SortieInvalide(f"{self.nom} : écriture impossible ({raison_systeme(valeur)}) ; "
                                 + ("la sortie est incomplète" if self.en_place else
                                    "le fichier n'a pas été écrit (le précédent, s'il existait, est intact)")) from None
        return False

    def _terminer(self) -> None:
        self.flux.flush()
        if self.en_place:
            self.flux.close()
            return
        os.fsync(self.flux.fileno())
        self.flux.close()
        os.chmod(self.tmp, 0o666 & ~_umask())
        os.replace(self.tmp, self.chemin)
        self.tmp = None
        ECRITES.add(str(self.chemin))

    def _abandonner(self) -> None:
        try:
            self.flux.close()
        except Exception:  # noqa: BLE001 - a full disk fails again on close; the file goes anyway
            pass
        if self.tmp is not None:
            try:
                os.unlink(self.tmp)
            except OSError:
                pass
            self.tmp = None


def ecrite(sortie) -> bool:
    """Whether `sortie` was completely written by this process (a late interruption is reported truly)."""
    return sortie is not None and os.path.realpath(sortie) in ECRITES


def _umask() -> int:
    m = os.umask(0)
    os.umask(m)
    return m
