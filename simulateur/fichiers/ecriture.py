"""Writing an output file atomically: all of it, or nothing (the previous file, if any, intact).

The data goes to a temporary file created in the target's folder (exclusively, never following a
link), which replaces the target by one rename once complete. An interruption (Ctrl-C, SIGTERM),
a full disk or any error removes the temporary file. `verifier_sortie` refuses, before any
computation, an output that is one of the inputs, a folder, or in a folder that cannot be written.
"""
from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path

from ..domaine.erreurs import ErreurSimulateur, apercu


class SortieInvalide(ErreurSimulateur):
    """An output path that cannot be used (exit 2, before any computation)."""


def _court(texte, n: int = 120) -> str:
    return apercu(texte, n)


def verifier_sortie(sortie: str, entrees=()) -> Path:
    """The output path, checked: not a folder, not one of `entrees`, its folder exists and is writable."""
    chemin = Path(sortie)
    nom = _court(sortie)
    if chemin.is_dir():
        raise SortieInvalide(f"{nom} : c'est un dossier ; donnez un nom de fichier à --sortie")
    dossier = chemin.parent if str(chemin.parent) else Path(".")
    if not dossier.is_dir():
        raise SortieInvalide(f"{nom} : le dossier {_court(dossier)} n'existe pas")
    if not os.access(dossier, os.W_OK | os.X_OK):
        raise SortieInvalide(f"{nom} : impossible d'écrire dans le dossier {_court(dossier)} (droits)")
    for e in entrees:
        if e in (None, "-"):
            continue
        try:
            if chemin.exists() and os.path.samefile(chemin, e):
                raise SortieInvalide(f"{nom} : la sortie est le fichier d'entrée ; choisissez un autre nom (l'entrée serait écrasée)")
        except OSError:
            continue
        if chemin.resolve() == Path(e).resolve():
            raise SortieInvalide(f"{nom} : la sortie est le fichier d'entrée ; choisissez un autre nom (l'entrée serait écrasée)")
    return chemin


class SortieAtomique:
    """`with SortieAtomique(chemin) as flux:` — a text stream (UTF-8, "\\n" line ends) whose content
    replaces `chemin` only when the block ends without error."""

    def __init__(self, chemin: Path | str, binaire: bool = False):
        self.chemin = Path(chemin)
        self.binaire = binaire
        self.tmp: str | None = None
        self.flux = None

    def __enter__(self):
        dossier = self.chemin.parent if str(self.chemin.parent) else Path(".")
        fd, self.tmp = tempfile.mkstemp(prefix=f".{self.chemin.name[:50]}.", suffix=".partiel", dir=dossier)
        brut = os.fdopen(fd, "wb")
        self.flux = brut if self.binaire else io.TextIOWrapper(brut, encoding="utf-8", newline="")
        return self.flux

    def __exit__(self, genre, valeur, trace):
        try:
            if genre is None:
                self.flux.flush()
                os.fsync(self.flux.fileno())
                self.flux.close()
                mode = 0o666 & ~_umask()
                os.chmod(self.tmp, mode)
                os.replace(self.tmp, self.chemin)
                self.tmp = None
        finally:
            if self.tmp is not None:
                try:
                    self.flux.close()
                except Exception:  # noqa: BLE001 - a full disk fails again on close; the file goes anyway
                    pass
                try:
                    os.unlink(self.tmp)
                except OSError:
                    pass
        return False


def _umask() -> int:
    m = os.umask(0)
    os.umask(m)
    return m
