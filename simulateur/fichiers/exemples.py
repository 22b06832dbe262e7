"""Where the shipped example files are (`simulateur exemples`), and the hint a missing input file gets
when its name is one of them (`simulateur lot exemples/famille-2025.csv` run outside a source checkout)."""
from __future__ import annotations

import os
from pathlib import Path


def dossier_exemples() -> Path:
    """The folder of the shipped example files (the package `simulateur.exemples`, or `exemples/` of a
    source checkout)."""
    try:
        from .. import exemples as paquet  # type: ignore[attr-defined]
        return Path(list(paquet.__path__)[0])
    except ImportError:
        return Path(__file__).resolve().parents[2] / "exemples"


def indice_introuvable(chemin) -> str:
    """The hint of a missing input file: the shipped example of that name and how to copy it here, or
    « check the path »."""
    nom = os.path.basename(str(chemin))
    try:
        livre = bool(nom) and (dossier_exemples() / nom).is_file()
    except OSError:
        livre = False
    if livre:
        return f"c'est un fichier d'exemple livré : simulateur exemples --copier {nom} le copie dans le dossier courant"
    return "vérifiez le chemin (relatif au dossier courant)"
