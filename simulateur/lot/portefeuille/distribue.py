"""A Dask DataFrame of acts through the columnar engine: `simuler_dask` (called by `simuler_portefeuille`).

Each row gets its place in the input (partition number × 2³² + row in the partition, and its position
from 1 for the messages) and its beneficiary (normalised); the frame is then shuffled by beneficiary
(`DataFrame.shuffle`), so that each partition holds whole beneficiaries — whole annual states — and
each partition goes through `partition.calculer_partition`, the very function of `simulateur lot`.
The result is lazy (compute it with your scheduler) and keeps the input's index.

Spark, on paper: the same function runs in `groupBy("beneficiaire").applyInPandas(f, schema)` where
`f` turns its pandas group into the frame of texts `calculer_partition` reads (`_rangees`) and its
results back into pandas (`_resultats`); see docs/portefeuille.md.
"""
from __future__ import annotations

import polars as pl

from ...domaine.champs import COLONNES_OBLIGATOIRES
from ...domaine.identifiants import normaliser_beneficiaire
from ..lecture import _index_colonnes
from ..rejeu import Choix
from .ecriture import colonnes_parquet
from .execution import DECALAGE
from .lecture import COLONNES_UTILES, Entete, _texte
from .partition import Contexte, calculer_partition


def _reperer(partie, offsets: list, partition_info=None):
    """A partition with its rows' place (`_i`), position from 1 (`_ligne`) and normalised beneficiary (`_ben`)."""
    k = partition_info["number"] if partition_info else 0
    n = len(partie)
    partie = partie.copy()
    partie["_i"] = [k * DECALAGE + j for j in range(n)]
    partie["_ligne"] = [offsets[k] + j + 1 for j in range(n)]
    partie["_ben"] = [normaliser_beneficiaire(b) for b in partie[_colonne(partie, "beneficiaire")]]
    return partie


def _colonne(partie, nom: str):
    from ..lecture import normaliser_colonne
    return next(c for c in partie.columns if normaliser_colonne(c) == nom)


def _rangees(partie, entete: Entete) -> pl.DataFrame:
    """A pandas partition → the frame of texts `calculer_partition` reads."""
    f = pl.from_pandas(partie.reset_index(drop=True))
    utiles = {nom: entete.noms[i] for nom, i in entete.colonnes.items() if nom in COLONNES_UTILES}
    textes = pl.DataFrame({nom: _texte(f[col]) for nom, col in utiles.items()})
    return textes.with_columns(i=f["_i"].cast(pl.Int64), ligne=f["_ligne"].cast(pl.Int64), ben=f["_ben"].cast(pl.String))


def _calculer(partie, ctx: Contexte):
    """Task of each partition: its results, as pandas, with the input's columns and index."""
    res = calculer_partition(_rangees(partie, ctx.entete), ctx) if len(partie) else None
    index = partie.index
    entree = partie.drop(columns=["_i", "_ligne", "_ben"])
    if res is None:
        return _vide(entree, ctx)
    res = pl.DataFrame({"i": partie["_i"].to_numpy()}).join(res, on="i", how="left", maintain_order="left")
    out = colonnes_parquet(res, ctx.niveaux).to_pandas()
    out.index = index
    return entree.join(out)


def _vide(entree, ctx: Contexte):
    from .partition import _schema
    out = colonnes_parquet(pl.DataFrame(schema=_schema(ctx)), ctx.niveaux).to_pandas()
    return entree.iloc[:0].join(out)


def simuler_dask(ddf, contrat=None, formule: str | None = None, *, parametres=None, scheduler=None):
    """The Dask DataFrame `ddf` of acts → a lazy Dask DataFrame of results (the input's columns and index,
    then the result columns of `simulateur lot`). Raises LotInvalide / ErreurSimulateur at once for a
    missing column or an unknown contract or formula."""
    noms = [str(c) for c in ddf.columns]
    colonnes = _index_colonnes(noms, "<dask>", COLONNES_OBLIGATOIRES)
    choix = Choix(contrat, formule)
    if choix.contrat is None and "contrat" not in colonnes:
        from ..lecture import LotInvalide
        raise LotInvalide("<dask> : aucun contrat : donnez contrat= ou une colonne contrat")
    if "contrat" in colonnes:
        vus = ddf[noms[colonnes["contrat"]]].map_partitions(lambda s: s.drop_duplicates()).compute()
        for ct in dict.fromkeys(str(x).strip() for x in vus if x is not None and str(x).strip()):
            choix.charger(ct)
    entete = Entete("<dask>", ",", noms, colonnes, len(noms), ",".join(noms), csv=False)
    nom_contrat = contrat if isinstance(contrat, str) or contrat is None else contrat.fichier
    ctx = Contexte(entete, nom_contrat, formule, (), parametres, list(choix.niveaux))
    tailles = ddf.map_partitions(len).compute().tolist()
    offsets = [sum(tailles[:k]) for k in range(len(tailles))]
    reperes = ddf.map_partitions(_reperer, offsets, meta=_meta_reperes(ddf))
    regroupes = reperes.shuffle(on="_ben", shuffle_method="tasks")
    return regroupes.map_partitions(_calculer, ctx, meta=_vide(_meta_reperes(ddf).drop(columns=["_i", "_ligne", "_ben"]), ctx))


def _meta_reperes(ddf):
    meta = ddf._meta.copy()
    meta["_i"] = meta.index.to_series().astype("int64").iloc[:0] if len(meta) else []
    meta = meta.assign(_i=[], _ligne=[], _ben=[]) if not len(meta) else meta
    return meta.astype({"_i": "int64", "_ligne": "int64", "_ben": "object"})
