"""A disk cache of parsed files (contracts, parameters), so a one-off `simuler` starts fast.

The key covers the data file and the modules that shape its parsing; any failure (no writable
folder, a stale or corrupt pickle) silently falls back to parsing. `SIMULATEUR_CACHE=0` disables it.
"""
from __future__ import annotations

import zlib
import os
import pickle
from pathlib import Path

_ICI = Path(__file__).resolve().parents[1]
_MODULES = ("contrat/chargeur.py", "contrat/expressions.py", "domaine/natures.py", "parametres/__init__.py", "fichiers/cache.py")


def dossier() -> Path | None:
    v = os.environ.get("SIMULATEUR_CACHE")
    if v == "0":
        return None
    if v:
        return Path(v)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "simulateur"


def _empreinte(fichiers) -> str | None:
    morceaux = ["simulateur-cache-1"]
    try:
        for f in list(fichiers) + [_ICI / m for m in _MODULES]:
            st = os.stat(f)
            morceaux.append(f"{os.path.abspath(f)}|{st.st_mtime_ns}|{st.st_size}")
    except OSError:
        return None
    texte = ";".join(morceaux).encode()
    return f"{zlib.crc32(texte):08x}{zlib.adler32(texte):08x}"


def charger(nom: str, fichiers, fabrique):
    """`fabrique()` once per change of `fichiers`; its result is pickled under the cache folder."""
    d = dossier()
    cle = _empreinte(fichiers) if d is not None else None
    if cle is None:
        return fabrique()
    chemin = d / f"{nom}-{cle}.pickle"
    try:
        with open(chemin, "rb") as f:
            return pickle.load(f)
    except Exception:  # absent, stale class layout, corrupt: parse again
        pass
    objet = fabrique()
    try:
        d.mkdir(parents=True, exist_ok=True)
        tmp = chemin.with_suffix(f".{os.getpid()}.tmp")
        with open(tmp, "wb") as f:
            pickle.dump(objet, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, chemin)
    except Exception:
        pass
    return objet
