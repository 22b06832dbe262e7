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

import polars as pl

from .execution import Travail, executer, lire_ipc


def _frame(t: Travail, n: int) -> pl.DataFrame:
    morceaux = [lire_ipc(t.chemin("o", f"{k:08d}")) for k in range(n)]
    if morceaux:
        return pl.concat(morceaux)
    from .execution import _vide_parquet
    return _vide_parquet(t)


def _genre(actes) -> str:
    module = type(actes).__module__.split(".")[0]
    if module == "dask" or type(actes).__name__ == "DataFrame" and hasattr(actes, "npartitions"):
        return "dask"
    return {"pyarrow": "arrow", "pandas": "pandas"}.get(module, "polars")


def simuler_portefeuille(actes, contrat=None, formule: str | None = None, *, parametres=None, moteur: str = "colonnes",
                         workers: int | None = None, scheduler: str | None = None):
    """The portfolio `actes` computed (see the module's docstring for the tables accepted and returned).

    `contrat` / `formule`: as `simulateur lot --contrat / --formule` (a `contrat` / `formule` column
    overrides them row by row); `parametres`: a reform scenario (`Parametres`), else the shipped
    parameters; `moteur`: "colonnes" (this process) or "dask" (`workers` local processes, or the
    cluster at `scheduler`). Raises LotInvalide / ErreurSimulateur when the table or the arguments
    cannot be used (a missing column, an unknown contract…); a row's problem is its `erreur`.
    """
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

    if isinstance(actes, (str, bytes)) or hasattr(actes, "__fspath__"):
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
