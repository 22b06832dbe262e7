"""Where the tasks of the columnar `lot` run: in this process, one after the other (`Local`), or on a Dask
cluster (`Dask`): a local one started for the run (`--workers N`), or an existing one (`--scheduler`).

A local cluster shares the temporary folder with this process: every task (reading a block, computing
a partition, writing a block) runs on the workers. An existing cluster may run on other machines:
only the computing goes there — each partition's rows are sent to a worker and its results come
back — while reading and writing stay here, where the files are.
"""
from __future__ import annotations

import os

import polars as pl

from .execution import calculer_et_ranger, ranger
from .partition import calculer_partition


class Local:
    """Every task in this process, in order."""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def map(self, fonction, arguments: list, progression=None, etape: str = "") -> list:
        out = []
        for k, a in enumerate(arguments):
            out.append(fonction(*a))
            if progression is not None:
                progression(etape, k + 1, len(arguments))
        return out

    def calculer(self, t, progression=None) -> list:
        """Pass 2; the partitions' parts of the Bilan."""
        return self.map(calculer_et_ranger, [(k, t) for k in range(t.partitions)], progression, "calcul")


class Dask:
    """The tasks on a Dask cluster: `workers` local processes (one thread each, polars single-threaded in
    each: as many busy cores as workers), or the cluster at `scheduler`."""

    def __init__(self, workers: int | None = None, scheduler: str | None = None):
        self.workers, self.scheduler = workers, scheduler
        self.client = self.cluster = None

    def __enter__(self):
        from dask.distributed import Client, LocalCluster
        if self.scheduler:
            self.client = Client(self.scheduler, timeout="30s")
        else:
            n = self.workers or os.cpu_count() or 1
            env = {"POLARS_MAX_THREADS": "1", "_RJEM_MALLOC_CONF": "dirty_decay_ms:200,muzzy_decay_ms:0",
                   "PYTHONWARNINGS": "ignore"}
            self.cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=":0",
                                        silence_logs=50, env=env)
            self.client = Client(self.cluster)
        return self

    def __exit__(self, *exc):
        try:
            if self.client is not None:
                self.client.close()
        finally:
            if self.cluster is not None:
                self.cluster.close()
        return False

    @property
    def distant(self) -> bool:
        return bool(self.scheduler)

    def map(self, fonction, arguments: list, progression=None, etape: str = "") -> list:
        """The tasks in parallel, results in the order of `arguments`. A remote cluster does not see this
        machine's files: the reading and writing tasks then run here."""
        if self.distant:
            return Local().map(fonction, arguments, progression, etape)
        from dask.distributed import as_completed
        futures = [self.client.submit(fonction, *a, pure=False) for a in arguments]
        fait = 0
        for _ in as_completed(futures):
            fait += 1
            if progression is not None:
                progression(etape, fait, len(futures))
        return self.client.gather(futures)

    def calculer(self, t, progression=None) -> list:
        """Pass 2: a local cluster computes and stores each partition itself; a remote one receives each
        partition's rows and sends its results back (at most two per worker in flight). Returns the
        partitions' parts of the Bilan."""
        if not self.distant:
            return self.map(calculer_et_ranger, [(k, t) for k in range(t.partitions)], progression, "calcul")
        from dask.distributed import as_completed
        from .execution import _lire_ipc
        import shutil
        ctx = self.client.scatter(t.contexte, broadcast=True)
        en_cours = as_completed()
        parts = list(range(t.partitions))
        fenetre = 2 * max(1, len(self.client.scheduler_info().get("workers", {})))
        fait = 0

        numeros: dict = {}
        partiels = []

        def soumettre():
            while parts and en_cours.count() < fenetre:
                k = parts.pop(0)
                morceaux = _lire_ipc(t.chemin("p", k, "*.arrow"))
                if not morceaux:
                    continue
                f = self.client.submit(calculer_partition, pl.concat(morceaux), ctx, pure=False)
                numeros[f.key] = k
                en_cours.add(f)
                shutil.rmtree(t.chemin("p", k), ignore_errors=True)

        soumettre()
        for f in en_cours:
            partiels.append(ranger(f.result(), numeros.pop(f.key), t))
            fait += 1
            if progression is not None:
                progression("calcul", fait, t.partitions)
            soumettre()
        return partiels
