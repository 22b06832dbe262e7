"""`simuler_portefeuille`: a whole portfolio through the columnar engine, from and to the tables of the
Python data world — a CSV or Parquet file, a polars DataFrame (or LazyFrame), an Arrow table, a pandas
DataFrame, a Dask DataFrame.

The result is the input table with the columns of `simulateur lot` added: `securite_sociale`,
`participation_forfaitaire`, `part_<niveau>` per level, `total_rembourse`, `reste_a_charge` (exact
decimals, 2 places; null in a row in error), `erreur` (the row's message, else null),
`forfait_apres_cancer`; rows in input order. Same kind of table out as in (a polars DataFrame for a file
or a LazyFrame). A Dask DataFrame is computed by its own partitions, regrouped by beneficiary
(`dask.shuffle`): the result is a Dask DataFrame with the input's index (its order is the shuffle's).
"""
from __future__ import annotations

import io
import math
from decimal import Decimal

import polars as pl

from .execution import Travail, executer, lire_ipc


def _frame(t: Travail, n: int) -> pl.DataFrame:
    morceaux = [lire_ipc(t.chemin("o", f"{k:08d}")) for k in range(n)]
    if morceaux:
        return pl.concat(morceaux)
    from .execution import _vide_parquet
    return _vide_parquet(t)


GENRES = ("un chemin de fichier CSV ou Parquet (str ou Path), des octets CSV, un dict de colonnes, un DataFrame "
          "ou LazyFrame polars, une table Arrow, un DataFrame pandas ou un DataFrame Dask")


def _genre(actes) -> str:
    """The kind of table: "chemin", "dask", "arrow", "pandas", "polars"; TypeError (French) for another."""
    if isinstance(actes, (str, bytes)) or hasattr(actes, "__fspath__"):
        return "chemin"
    module, nom = type(actes).__module__.split(".")[0], type(actes).__name__
    if module == "dask" or nom == "DataFrame" and hasattr(actes, "npartitions"):
        return "dask"
    if isinstance(actes, (pl.DataFrame, pl.LazyFrame)):
        return "polars"
    if module == "pyarrow" and nom in ("Table", "RecordBatch", "RecordBatchReader"):
        return "arrow"
    if module == "pandas" and nom == "DataFrame":
        return "pandas"
    quoi = "None" if actes is None else nom
    raise TypeError(f"simuler_portefeuille : table d'actes attendue — {GENRES} —, reçu {quoi}")


def _depuis_dict(actes: dict) -> pl.DataFrame:
    """A dict of columns (name → list of values, one per act) → a polars DataFrame; TypeError (French)
    when the columns are not lists of the same length or polars cannot make a column of them."""
    longueurs = {}
    for nom, valeurs in actes.items():
        if not isinstance(nom, str) or isinstance(valeurs, (str, bytes, dict)) or not hasattr(valeurs, "__len__"):
            raise TypeError(f"simuler_portefeuille : dict de colonnes attendu (nom → liste des valeurs, une par acte) ; "
                            f"la clé {nom!r} donne {type(valeurs).__name__}")
        longueurs[nom] = len(valeurs)
    if len(set(longueurs.values())) > 1:
        detail = ", ".join(f"{n} : {k}" for n, k in longueurs.items())
        raise TypeError(f"simuler_portefeuille : les colonnes du dict n'ont pas la même longueur ({detail}) ; "
                        "il faut une valeur par acte dans chaque colonne")
    for nom, valeurs in actes.items():
        mauvais = next((i for i, v in enumerate(valeurs) if isinstance(v, (Decimal, float)) and not math.isfinite(v)), None)
        if mauvais is not None:       # polars itself panics (a Rust panic, not an Exception) on a Decimal NaN
            raise TypeError(f"simuler_portefeuille : colonne {nom}, acte {mauvais + 1} : {valeurs[mauvais]} n'est pas un "
                            "nombre fini ; un montant s'écrit \"31.50\"")
    try:
        return pl.DataFrame(actes)
    except Exception:  # noqa: BLE001 - polars' own words are English: said in French, with the cure
        raise TypeError("simuler_portefeuille : polars ne peut pas faire une table de ce dict (une colonne mêle des "
                        "types, par exemple du texte et des nombres) ; écrivez chaque colonne d'un seul type, "
                        "de préférence en texte (\"31.50\")") from None


def _verifier_options(moteur, workers, scheduler) -> None:
    """`moteur` is "colonnes" or "dask"; `workers` / `scheduler` only with "dask" (LotInvalide otherwise)."""
    from ..lecture import LotInvalide
    if moteur not in ("colonnes", "dask"):
        raise LotInvalide(f"simuler_portefeuille : moteur « {moteur} » inconnu : \"colonnes\" (ce processus) ou "
                          "\"dask\" (une grappe Dask) ; pour le moteur ligne, la référence : simuler_lot")
    if moteur != "dask" and (workers is not None or scheduler is not None):
        raise LotInvalide("simuler_portefeuille : workers= et scheduler= vont avec moteur=\"dask\"")


def simuler_portefeuille(actes, contrat=None, formule: str | None = None, *, parametres=None, moteur: str = "colonnes",
                         workers: int | None = None, scheduler: str | None = None):
    """The portfolio `actes` computed (see the module's docstring for the tables accepted and returned).

    `contrat` / `formule`: as `simulateur lot --contrat / --formule` (a `contrat` / `formule` column
    overrides them row by row); `parametres`: a reform scenario (`Parametres`), else the shipped
    parameters; `moteur`: "colonnes" (this process) or "dask" (`workers` local processes, or the
    cluster at `scheduler`). Raises LotInvalide / ErreurSimulateur when the table or the arguments
    cannot be used (a missing column, an unknown contract…), or when `moteur` is neither "colonnes"
    nor "dask" (`workers` / `scheduler` without "dask"; a `scheduler` not of the form tcp://hôte:port;
    a scheduler unreachable or not Dask's, within 20 s); a row's problem is its `erreur`. Raises
    TypeError (French) when `actes` is none of the tables above (None, a list…) or a dict that is not
    columns of the same length. A dict of columns (`{"beneficiaire": [...], "date": [...], ...}`) is
    turned into a polars DataFrame (`pl.DataFrame(actes)`), and so is the result.
    """
    _verifier_options(moteur, workers, scheduler)
    if isinstance(actes, dict):
        actes = _depuis_dict(actes)
    genre = _genre(actes)
    if genre == "dask":
        from .distribue import simuler_dask
        return simuler_dask(actes, contrat, formule, parametres=parametres, scheduler=scheduler)
    executeur = None
    if moteur == "dask":
        from .executeurs import Dask
        executeur = Dask(workers, scheduler)
    options = dict(contrat=contrat, formule=formule, format="parquet", parametres=parametres, executeur=executeur)
    sortie = {}

    def garder(t, n, _niveaux):
        sortie["frame"] = _frame(t, n)

    if genre == "chemin":
        chemin = str(actes) if not isinstance(actes, bytes) else "-"
        executer(chemin, garder, donnees=actes if isinstance(actes, bytes) else None, **options)
    else:
        if genre == "arrow" and not hasattr(actes, "schema"):        # pragma: no cover - a RecordBatchReader
            actes = actes.read_all()
        executer("<table>", garder, fichier="<table>", table=actes, **options)
    resultat = sortie["frame"]
    if genre == "arrow":
        return resultat.to_arrow()
    if genre == "pandas":
        return resultat.to_pandas()
    return resultat


__all__ = ["io", "simuler_portefeuille"]
