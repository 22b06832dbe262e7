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

from ..lecture import LotInvalide
from .execution import calculer_et_ranger, ranger
from .partition import calculer_partition

# Seconds allowed to reach an existing scheduler (`--scheduler`) and finish Dask's handshake with it. Dask's
# own `timeout` bounds only the TCP connection: a server that accepts and never answers (an HTTP server)
# would hold `Client(...)` forever. Past this delay, the run stops with « grappe injoignable ». The tests
# shorten it.
DELAI_CONNEXION = 20.0


def _sonder(adresse: str, delai: float) -> None:
    """Connects to `adresse`, finishes Dask's handshake and asks the peer who it is, all within `delai`
    seconds (on a thread of its own, with its own event loop: a caller's running loop is not touched).
    Raises LotInvalide (« grappe injoignable ou pas une grappe Dask ») on any failure — refused, unknown
    host, no answer in time, garbage instead of Dask's messages, not a scheduler."""
    import asyncio
    import threading
    issue: dict = {}

    async def essayer():
        from distributed.comm import connect
        comm = await connect(adresse, timeout=delai)
        try:
            await comm.write({"op": "identity", "reply": True})
            return await comm.read()
        finally:
            comm.abort()

    def fil():
        try:
            issue["reponse"] = asyncio.run(asyncio.wait_for(essayer(), delai))
        except BaseException as e:  # noqa: BLE001 - every failure is « injoignable », worded below
            issue["erreur"] = e

    t = threading.Thread(target=fil, name="simulateur-sonde-dask", daemon=True)
    t.start()
    t.join(delai + 5)
    reponse = issue.get("reponse")
    if t.is_alive() or "erreur" in issue or not isinstance(reponse, dict) or reponse.get("type") != "Scheduler":
        raise grappe_injoignable(adresse, delai, issue.get("erreur"), t.is_alive() or "reponse" in issue)


def grappe_injoignable(adresse: str, delai: float, erreur: BaseException | None, repondu: bool) -> LotInvalide:
    """The French error of a scheduler that cannot be used, with the reason when it is known."""
    import asyncio
    if isinstance(erreur, (asyncio.TimeoutError, TimeoutError)) or (erreur is None and not repondu):
        raison = f"pas de réponse d'ordonnanceur Dask en {delai:g} s"
    elif isinstance(erreur, ConnectionRefusedError) or isinstance(erreur, OSError) and "refused" in str(erreur):
        raison = "connexion refusée : rien n'écoute à cette adresse"
    elif isinstance(erreur, OSError):
        raison = f"connexion impossible en {delai:g} s : hôte inconnu ou injoignable, ou port fermé"
    else:
        raison = "le serveur qui répond ne parle pas comme un ordonnanceur Dask"
    return LotInvalide(f"--scheduler {adresse} : grappe injoignable ou pas une grappe Dask ({raison}) ; rien n'a été "
                       "écrit ; indice : vérifiez l'adresse et que l'ordonnanceur tourne (dask scheduler), "
                       "ou retirez --scheduler pour lancer une grappe locale")


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

    def __init__(self, workers: int | None = None, scheduler: str | None = None, delai: float | None = None):
        """`scheduler`: checked at once (`lot.moteurs.verifier_adresse`, LotInvalide); `delai`: seconds to
        reach it (default `DELAI_CONNEXION`)."""
        from ..moteurs import verifier_adresse
        self.workers = workers
        self.scheduler = verifier_adresse(scheduler) if scheduler is not None else None
        self.delai = DELAI_CONNEXION if delai is None else delai
        self.client = self.cluster = None

    def __enter__(self):
        """Connects (LotInvalide « grappe injoignable ou pas une grappe Dask » within `delai` seconds when
        the scheduler cannot be used), or starts the local cluster."""
        from dask.distributed import Client, LocalCluster
        if self.scheduler:
            _sonder(self.scheduler, self.delai)
            try:
                self.client = Client(self.scheduler, timeout=self.delai)
            except Exception as e:  # noqa: BLE001 - it answered the probe, then failed: the same message
                raise grappe_injoignable(self.scheduler, self.delai, e, True) from None
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
