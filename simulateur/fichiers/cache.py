"""A disk cache of parsed files (contracts, regulatory parameters), so that a one-off `simuler` starts fast.

Safe by construction:
- it stores JSON only (data that cannot run code: no pickle), rebuilt into objects by the project's
  own code (`contrat.serialisation`, `parametres`);
- an entry is keyed on the file's content, the package's version and the modules that parse it
  (`CODE`): any edit of the file (whatever its date or size) or of the code is a new key. The package's
  own files (those modules, the shipped parameters: `signature_fichiers`) are known by their size and
  modification time, as Python keys its own bytecode cache on a module's source;
- the folder is created owner-only (0700) and ignored when another user owns it or can write in it,
  or when it is a symbolic link; an entry is read only if it is a regular file of ours that nobody
  else can write; entries are written to an exclusive temporary file, never through a link, then
  renamed;
- an entry's first line names its key and the hash of its data: an entry copied under another key, or
  damaged, is not used. An entry rewritten on purpose by someone who can write in the user's own cache
  folder is not detected — such a person could as well change the package itself.
Any failure falls back to parsing. `SIMULATEUR_CACHE=0` disables the cache; `SIMULATEUR_CACHE_DOSSIER`
chooses its folder (`~` is the home folder; a relative path is ignored: no cache), by default
`$XDG_CACHE_HOME/simulateur`, else `~/.cache/simulateur`.
"""
from __future__ import annotations

import json
import os
import stat
from pathlib import Path

FORMAT = "5"          # the cache's own layout; change it when the serialised form changes
_ICI = Path(__file__).resolve().parents[1]
CODE = ("contrat/chargeur.py", "contrat/conditions.py", "contrat/expressions.py", "contrat/modele.py", "contrat/modules.py",
        "parametres/catalogue.py",
        "contrat/serialisation.py", "domaine/champs.py", "domaine/natures.py", "parametres/__init__.py", "fichiers/cache.py")
_EMPREINTE_CODE: list = []


def dossier() -> Path | None:
    """The cache folder, or None when the cache is off (SIMULATEUR_CACHE=0)."""
    if os.environ.get("SIMULATEUR_CACHE") == "0":
        return None
    d = os.environ.get("SIMULATEUR_CACHE_DOSSIER")
    if d:
        d = os.path.expanduser(d)
        return Path(d) if os.path.isabs(d) else None     # relative: one cache per working folder, never wanted
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "simulateur"


def _empreinte(donnees: bytes = b""):
    """A BLAKE2b hash (cryptographic, and three times as fast as SHA-256 in pure C: the key is computed
    at every start)."""
    try:                       # the built-in module imports faster than hashlib (OpenSSL)
        from _blake2 import blake2b
    except ImportError:        # pragma: no cover
        from hashlib import blake2b
    return blake2b(donnees)


def signature_fichiers(chemins) -> str:
    """Each file's name, size and modification time (ns): how the package's own files enter a key (an
    edit, a reinstall or a checkout changes them), without reading them at every start."""
    morceaux = []
    for chemin in chemins:
        try:
            st = os.stat(chemin)
            morceaux.append(f"{os.fspath(chemin)}|{st.st_size}|{st.st_mtime_ns}")
        except OSError:
            morceaux.append(f"{os.fspath(chemin)}|absent")
    return "\n".join(morceaux)


def _empreinte_code() -> str:
    if not _EMPREINTE_CODE:
        from .. import __version__
        h = _empreinte(f"{FORMAT}|{__version__}|".encode())
        h.update(signature_fichiers([_ICI / nom for nom in CODE]).encode("utf-8", "surrogatepass"))
        _EMPREINTE_CODE.append(h.hexdigest())
    return _EMPREINTE_CODE[0]


def cle(genre: str, nom: str, contenu: str) -> str:
    """The entry's key: kind, displayed name, content, package version and parsing code."""
    h = _empreinte(f"{_empreinte_code()}|{genre}|{nom}|".encode())
    h.update(contenu.encode("utf-8", "surrogatepass"))
    return h.hexdigest()[:40]


def _a_nous(st) -> bool:
    """Owned by this user and writable by nobody else."""
    if not hasattr(os, "getuid"):
        return True
    return st.st_uid == os.getuid() and not (st.st_mode & (stat.S_IWGRP | stat.S_IWOTH))


def _dossier_sur(d: Path, creer: bool) -> bool:
    try:
        st = os.lstat(d)
    except FileNotFoundError:
        if not creer:
            return False
        try:
            os.makedirs(d, mode=0o700, exist_ok=True)
            st = os.lstat(d)
        except OSError:
            return False
    except OSError:
        return False
    return stat.S_ISDIR(st.st_mode) and _a_nous(st)


def _entete(k: str, corps: bytes) -> bytes:
    """The entry's first line: its key and the hash of its data, so that an entry read under another key
    (a file copied or renamed) or damaged (truncated, a changed byte) is not used."""
    return json.dumps({"cle": k, "empreinte": _empreinte(corps).hexdigest()}).encode()


def _verifier(contenu: bytes, k: str):
    """The data of an entry whose first line names key `k` and the hash of what follows; else None."""
    entete, _, corps = contenu.partition(b"\n")
    if not corps or entete != _entete(k, corps):
        return None
    return json.loads(corps)


def lire(d: Path, k: str):
    """The cached data (JSON) of key `k`, or None (absent, unsafe, or unreadable)."""
    if not _dossier_sur(d, creer=False):
        return None
    chemin = d / f"{k}.json"
    try:
        fd = os.open(chemin, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or not _a_nous(st) or st.st_size > 50_000_000:
            return None
        with os.fdopen(fd, "rb") as f:
            fd = -1
            return _verifier(f.read(), k)
    except (OSError, ValueError, RecursionError):
        return None
    finally:
        if fd >= 0:
            os.close(fd)


def ecrire(d: Path, k: str, donnees) -> None:
    """Stores `donnees` (JSON-able) under key `k`; silently does nothing when it cannot be done safely."""
    if not _dossier_sur(d, creer=True):
        return
    tmp = d / f".{k}.{os.getpid()}.{os.urandom(4).hex()}.tmp"
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
    except OSError:
        return
    try:
        corps = json.dumps(donnees, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "surrogatepass")
        with os.fdopen(fd, "wb") as f:
            f.write(_entete(k, corps) + b"\n" + corps)
        os.replace(tmp, d / f"{k}.json")
    except (OSError, TypeError, ValueError):
        try:
            os.unlink(tmp)
        except OSError:
            pass


def charger(genre: str, nom: str, contenu: str, fabrique, vers_donnees, depuis_donnees):
    """`fabrique()` once per content: its result is stored as `vers_donnees(objet)` (JSON) and rebuilt by
    `depuis_donnees(donnees)`. Any cache failure (or a rebuild that fails) parses again."""
    d = dossier()
    if d is None:
        return fabrique()
    k = cle(genre, nom, contenu)
    donnees = lire(d, k)
    if donnees is not None:
        try:
            return depuis_donnees(donnees)
        except Exception:  # noqa: BLE001 - a damaged entry is only a missed cache: parse again
            pass
    objet = fabrique()
    try:
        ecrire(d, k, vers_donnees(objet))
    except Exception:  # noqa: BLE001 - the cache never makes a command fail
        pass
    return objet
