"""Which engine computes a batch: `ligne` (the reference: one act after the other, `rejeu.rejouer`),
`colonnes` (the columnar engine, `lot.portefeuille`), `dask` (the columnar engine on a Dask cluster).

`auto` (the default) takes the columnar engine for a file of at least `SEUIL_COLONNES` bytes (below,
starting polars costs more than it saves), for a Parquet file, or for a Parquet output; the line
engine otherwise, for JSON outputs, and when polars is not installed. This module imports no
columnar library: the start-up of the other commands does not change.
"""
from __future__ import annotations

import importlib.util
import os

from .lecture import LotInvalide

MOTEURS = ("auto", "ligne", "colonnes", "dask")
SEUIL_COLONNES = 4 * 1024 * 1024          # bytes (about 50 000 acts)
def _installer() -> str:
    from ..rendu.installation import commande_installation
    return commande_installation("portefeuille")


def disponible(module: str = "polars") -> bool:
    """Whether an optional library is installed (without importing it)."""
    return importlib.util.find_spec(module) is not None


def est_parquet(chemin: str | None) -> bool:
    return chemin is not None and str(chemin).lower().endswith(".parquet")


def format_sortie(format: str | None, sortie: str | None) -> str:
    """The output format: `--format` if given, else `parquet` for a `.parquet` output, else csv."""
    if format:
        return format
    return "parquet" if est_parquet(sortie) else "csv"


def raison_ligne(fichier: str, format: str, feuille: str | None, resume: str | None, donnees: bytes | None = None) -> str | None:
    """What, in a `lot` run, only the line engine does: an .xlsx workbook read or written, `--resume`
    (None when the columnar engine can run it). `donnees`: the input's bytes when it was read already
    (standard input, a pipe: it cannot be opened again)."""
    debut = donnees[:4] if donnees is not None else _debut(fichier)
    if feuille is not None or str(fichier).lower().endswith(".xlsx") or debut == b"PK\x03\x04":
        return "un classeur .xlsx en entrée"
    if format == "xlsx":
        return "une sortie .xlsx"
    if resume is not None:
        return "--resume"
    return None


def _debut(fichier: str) -> bytes:
    """The first 4 bytes of a file (b"" for stdin or an unreadable file: the reader then says why)."""
    if fichier == "-":
        return b""
    from .lecture import est_flux
    if est_flux(fichier):                # a pipe is read once, by the caller, never sniffed
        return b""
    try:
        with open(fichier, "rb") as f:
            return f.read(4)
    except OSError:
        return b""


def choisir(moteur: str, fichier: str, format: str, raison_ligne: str | None = None, flux: bool = False) -> str:
    """The engine that runs (`ligne`, `colonnes` or `dask`), or LotInvalide with what to do.

    `raison_ligne`: what in this run only the line engine does (an .xlsx workbook, `--resume`…), or None;
    `flux`: the input is standard input or a pipe, already in memory (`auto` takes the line engine)."""
    if moteur not in MOTEURS:
        raise LotInvalide(f"moteur « {moteur} » inconnu : {', '.join(MOTEURS)}")
    parquet = est_parquet(fichier) or format == "parquet"
    if raison_ligne is not None:
        if parquet:
            raise LotInvalide(f"Parquet (entrée ou sortie) passe par le moteur en colonnes, {raison_ligne} par le moteur "
                              "ligne : convertissez le fichier Parquet en CSV, ou retirez " + raison_ligne)
        if moteur in ("colonnes", "dask"):
            raise LotInvalide(f"{raison_ligne} : seul le moteur ligne le fait ; retirez --moteur {moteur} "
                              "(les montants sont les mêmes)")
        return "ligne"
    if moteur == "auto":
        if parquet:
            moteur = "colonnes"
        elif format in ("json", "jsonl") or not disponible() or fichier == "-" or flux:
            return "ligne"
        else:
            try:
                moteur = "colonnes" if os.path.getsize(fichier) >= SEUIL_COLONNES else "ligne"
            except OSError:
                return "ligne"              # the line path says what is wrong with the file
    if moteur == "ligne":
        if parquet:
            raise LotInvalide("Parquet (entrée ou sortie) passe par le moteur en colonnes : retirez --moteur ligne, "
                              "ou donnez un fichier CSV et une sortie CSV")
        return moteur
    if format in ("json", "jsonl"):
        if est_parquet(fichier):
            raise LotInvalide(f"une entrée Parquet donne une sortie CSV ou Parquet, pas --format {format} ; indice : "
                              "écrivez en CSV (--sortie resultats.csv) ou convertissez l'entrée en CSV")
        raise LotInvalide(f"le moteur {moteur} écrit du CSV ou du Parquet ; pour --format {format}, prenez --moteur ligne")
    manque = [m for m in (["polars"] + (["dask", "distributed"] if moteur == "dask" else [])) if not disponible(m)]
    if parquet and not disponible("pyarrow"):
        manque.append("pyarrow")
    if manque:
        quoi = "lire ou écrire du Parquet" if parquet and moteur == "colonnes" else f"le moteur {moteur}"
        raise LotInvalide(f"{quoi} demande {', '.join(manque)}, non installé(s) ; indice : {_installer()} "
                          "(sans eux : --moteur ligne et des fichiers CSV)")
    return moteur


# The address schemes of Dask's communication layer (`distributed.comm.registry.backends`), named here so
# that checking `--scheduler` imports nothing. `inproc://` is a cluster inside this very process.
SCHEMAS_DASK = ("tcp", "tls", "ws", "wss", "ucx", "inproc")
_HOTE_PORT = r"(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?):(\d{1,5})"


def verifier_adresse(adresse) -> str:
    """`--scheduler` / `scheduler=`: the address of a Dask scheduler, `tcp://hôte:port` (or tls://, ws://,
    wss://, ucx:// with a host and a port; inproc://… as Dask writes it), spaces around removed. Returns
    it; raises LotInvalide (French, with the expected form) for anything else — an empty text, another
    scheme, no port, a port past 65535 — before anything starts."""
    import re
    texte = adresse.strip() if isinstance(adresse, str) else None
    m = re.fullmatch(r"([A-Za-z][A-Za-z0-9+.-]*)://(.+)", texte or "")
    schema = m.group(1).lower() if m else None
    if schema == "inproc" or (schema in SCHEMAS_DASK and (p := re.fullmatch(_HOTE_PORT, m.group(2)))
                              and 0 < int(p.group(1)) < 65536):
        return texte
    if texte is None or not texte:
        quoi = "adresse vide" if texte == "" else f"adresse attendue en texte, reçu {type(adresse).__name__}"
    elif schema is not None and schema not in SCHEMAS_DASK:
        quoi = f"« {texte} » : schéma « {m.group(1)} » inconnu de Dask ({', '.join(SCHEMAS_DASK)})"
    else:
        quoi = f"« {texte} » : adresse illisible"
    raise LotInvalide(f"--scheduler : {quoi} ; adresse de l'ordonnanceur Dask attendue sous la forme tcp://hôte:port "
                      "(ex. tcp://10.0.0.5:8786) ; indice : sans --scheduler, une grappe locale est lancée")
