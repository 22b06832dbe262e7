"""The columnar path of batches (`simulateur lot --moteur colonnes|dask`, `simuler_portefeuille`): CSV and
Parquet read in blocks, polars frames and Arrow tables, the columnar engine (`moteur.colonnes`) on
partitions of whole beneficiaries, the line engine for what it does not compile, outputs in input order.

Imported only on the batch path: it needs polars (and pyarrow for Parquet, dask for `--moteur dask`),
the optional extra `pip install 'simulateur[portefeuille]'`.
"""
from .api import simuler_portefeuille
from .execution import executer_portefeuille


def executeur_dask(workers=None, scheduler=None):
    """Where the tasks run for `--moteur dask`: a local cluster of `workers` processes, or `scheduler`."""
    from .executeurs import Dask
    return Dask(workers, scheduler)


__all__ = ["executer_portefeuille", "executeur_dask", "simuler_portefeuille"]
