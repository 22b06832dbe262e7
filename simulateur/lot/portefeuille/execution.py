"""The columnar `lot`: read in blocks, partition by beneficiary, compute each partition, write in input order.

1. Reading: the input is read block by block; each row gets its position `i` and its line number,
   its beneficiary (normalised) and the partition of that beneficiary (a hash). Each partition's rows
   are kept — in memory, or spilled to a temporary folder when the input is large (`Reserve`).
2. Computing: each partition holds whole beneficiaries, hence whole annual states; it is computed by
   `partition.calculer_partition` (here, or by Dask workers); its results are kept per input block.
3. Writing: block by block in input order, the input rows read again and their results (checked:
   exactly one result per row, nothing lost), to the output stream, atomically replaced by the caller.

Memory: one partition and one block at a time, plus the results of the blocks not yet written
(a few integers per row), whatever the size of the input.
"""
from __future__ import annotations

import io
import math
import os
import shutil
import tempfile
from decimal import Decimal

import polars as pl

from ..ecriture import Bilan
from ..lecture import LotInvalide
from ..rejeu import Choix
from . import ecriture
from .lecture import COLONNES_UTILES, SourceCSV, SourceTable, cellules_csv, normaliser_beneficiaires
from .partition import Contexte, _schema, calculer_partition

RANGEES_PARTITION = 150_000        # rows per partition (each computed at once)
MEMOIRE_MAX = 96 * 1024 * 1024     # input larger than this (bytes): partitions spilled to disk
OCTETS_PAR_RANGEE = 60             # a first estimate of a claims CSV row


class Reserve:
    """Frames kept per key, in memory or in one file per key (Arrow IPC streams appended)."""

    def __init__(self, dossier: str | None):
        self.dossier = dossier
        self.morceaux: dict = {}

    def ajouter(self, cle: int, frame: pl.DataFrame) -> None:
        if self.dossier is None:
            self.morceaux.setdefault(cle, []).append(frame)
            return
        b = io.BytesIO()
        frame.write_ipc_stream(b)
        chemin = os.path.join(self.dossier, f"{cle}.arrows")
        with open(chemin, "ab") as f:
            debut = f.tell()
            f.write(b.getbuffer())
        self.morceaux.setdefault(cle, []).append((debut, b.tell()))

    def prendre(self, cle: int) -> list:
        """The frames of `cle`, in the order they were added (and forgotten here)."""
        m = self.morceaux.pop(cle, [])
        if self.dossier is None:
            return m
        chemin = os.path.join(self.dossier, f"{cle}.arrows")
        out = []
        with open(chemin, "rb") as f:
            for debut, n in m:
                f.seek(debut)
                out.append(pl.read_ipc_stream(io.BytesIO(f.read(n))))
        os.unlink(chemin)
        return out

    def cles(self) -> list:
        return sorted(self.morceaux)


def _source(chemin: str, fichier: str, donnees: bytes | None, table):
    if table is not None:
        return SourceTable(table, fichier)
    if str(chemin).lower().endswith(".parquet") and donnees is None:
        from .lecture import source_parquet
        return source_parquet(chemin, fichier)
    return SourceCSV(chemin, fichier, donnees)


def _verifier_choix(choix: Choix, entete, fichier: str) -> None:
    """The line path's checks of the command line against the header (`commande.preparer`)."""
    if choix.contrat is None and "contrat" not in entete.colonnes:
        raise LotInvalide(f"{fichier} : aucun contrat : donnez --contrat (ex. cabinets-dentaires) ou une colonne contrat")
    if choix.formule is None and "formule" not in entete.colonnes:
        raise LotInvalide(f"{fichier} : aucune formule : donnez --formule (ex. option-2) ou une colonne formule")


class Lot:
    """One run of the columnar path over a source (CSV file or bytes, Parquet file, table)."""

    def __init__(self, source, choix: Choix, dossier: str | None, nb_partitions: int):
        self.source, self.choix, self.dossier = source, choix, dossier
        self.P = nb_partitions
        self.partitions = Reserve(dossier and os.path.join(dossier, "p"))
        self.resultats = Reserve(dossier and os.path.join(dossier, "r"))
        self.blocs: list = []              # (first i, number of rows) of each input block
        self.contrats: dict = {}           # contract texts of the rows, in order of appearance

    def lire(self, progression=None) -> None:
        """Pass 1: every block's rows to the partition of their beneficiary."""
        e = self.source.entete
        if e.csv:
            self.source.projection = {nom: i for nom, i in e.colonnes.items() if nom in ("beneficiaire", "contrat")}
        i0, fait = 0, 0
        for bloc in self.source.blocs():
            n = len(bloc)
            ben = normaliser_beneficiaires(bloc["beneficiaire"])
            if "contrat" in bloc.columns:
                for ct in bloc["contrat"].fill_null("").str.strip_chars().unique(maintain_order=True).to_list():
                    self.contrats.setdefault(ct, None)
            if e.csv:
                bloc = bloc.select("ligne", "brut")
            bloc = bloc.with_columns(i=pl.int_range(i0, i0 + n, dtype=pl.Int64), ben=ben)
            p = (ben.hash(seed=1405) % self.P).cast(pl.Int32) if self.P > 1 else pl.repeat(0, n, dtype=pl.Int32, eager=True)
            for (k,), morceau in bloc.with_columns(p=p).partition_by("p", as_dict=True, include_key=False).items():
                self.partitions.ajouter(k, morceau)
            self.blocs.append((i0, n))
            i0 += n
            fait += n
            if progression is not None:
                progression("lecture", fait, fait)

    def charger_contrats(self) -> list:
        """The layers of every contract a row names, before the header is written (as the line path)."""
        for ct in self.contrats:
            if ct:
                self.choix.charger(ct)
        return self.choix.niveaux

    def ranger(self, res: pl.DataFrame) -> None:
        """A partition's results, split by input block."""
        debuts = pl.Series([d for d, _ in self.blocs], dtype=pl.Int64)
        b = debuts.search_sorted(res["i"], side="right") - 1
        for (k,), morceau in res.with_columns(b=b).partition_by("b", as_dict=True, include_key=False).items():
            self.resultats.ajouter(k, morceau)

    def calculer(self, ctx: Contexte, progression=None, executeur=None) -> None:
        """Pass 2: each partition computed (here, or by `executeur(partitions, ctx, ranger)`)."""
        if executeur is not None:
            executeur(self, ctx)
            return
        total = sum(n for _, n in self.blocs)
        fait = 0
        for k in self.partitions.cles():
            rangees = pl.concat(self.partitions.prendre(k))
            res = calculer_partition(rangees, ctx)
            fait += len(rangees)
            del rangees
            self.ranger(res)
            if progression is not None:
                progression("calcul", fait, total)


def _verifier_bloc(res: pl.DataFrame, debut: int, n: int) -> None:
    """Exactly one result per input row of the block (never a lost or doubled row)."""
    if len(res) != n or (n and (res["i"][0] != debut or res["i"][-1] != debut + n - 1 or res["i"].n_unique() != n)):
        raise AssertionError(f"lot en colonnes : {len(res)} résultats pour {n} lignes (bloc commençant à {debut})")


def _bilan(bilan: Bilan, res: pl.DataFrame, niveaux: list, premieres: list) -> None:
    ok = res.filter(pl.col("erreur").is_null())
    sommes = ok.select(pl.col(c).sum() for c in ["fr", "securite_sociale", "participation_forfaitaire", "forfait_apres_cancer",
                                                  "total_rembourse", "reste_a_charge"] + [f"part_{n}" for n in niveaux]).row(0)
    cles = ["frais_reels", "securite_sociale", "participation_forfaitaire", "forfait_apres_cancer", "total_rembourse",
            "reste_a_charge"] + [f"part_{n}" for n in niveaux]
    for cle, v in zip(cles, sommes):
        bilan.totaux[cle] += Decimal(v or 0) / 100
    err = res.filter(pl.col("erreur").is_not_null())
    bilan.erreurs += len(err)
    bilan.rejouees = getattr(bilan, "rejouees", 0) + res["rejoue"].sum()
    premieres.extend(err.sort("ordre_ben", "ordinal", "i").head(5).select("ordre_ben", "ordinal", "i", "ligne", "erreur").iter_rows())


def ecrire(lot: Lot, ctx: Contexte, flux, format: str, virgule: bool, bilan: Bilan, progression=None) -> None:
    """Pass 3: the output, block by block in input order, to the binary stream `flux`."""
    e, niveaux = lot.source.entete, ctx.niveaux
    premieres: list = []
    parquet = ecriture.SortieParquet(flux) if format == "parquet" else None
    if parquet is None:
        flux.write((b"\xef\xbb\xbf" if e.bom and e.csv else b"") + ecriture.entete_csv(e, niveaux).encode("utf-8"))
    rangees_lues = 0
    lot.source.projection = {}
    vide = pl.DataFrame(schema=_schema(ctx))
    for k, bloc in enumerate(lot.source.blocs()):
        debut, n = lot.blocs[k]
        morceaux = lot.resultats.prendre(k)
        res = pl.concat(morceaux).sort("i") if morceaux else vide
        _verifier_bloc(res, debut, n)
        _bilan(bilan, res, niveaux, premieres)
        if parquet is not None:
            entree = _entree_parquet(lot, bloc, debut, n)
            parquet.ecrire(pl.concat([entree, ecriture.colonnes_parquet(res, niveaux)], how="horizontal"))
        else:
            ecriture.ecrire_lignes(flux, ecriture.lignes_csv(bloc["brut"], res, e, niveaux, virgule))
        rangees_lues += n
        if progression is not None:
            progression("écriture", rangees_lues, sum(x for _, x in lot.blocs))
    if parquet is not None:
        parquet.fermer(_vide_parquet(lot, ctx))
    premieres.sort()
    bilan.premieres_erreurs = [(ligne, texte) for _o, _d, _i, ligne, texte in premieres[:5]]


def _entree_parquet(lot: Lot, bloc: pl.DataFrame, debut: int, n: int) -> pl.DataFrame:
    """The input columns of the rows of a block, for a Parquet output: as read (tables), or the CSV cells as text."""
    e = lot.source.entete
    if not e.csv:
        return lot.source.rangees(debut, n)
    toutes = {nom: i for i, nom in enumerate(e.noms)}
    cel, _ = cellules_csv(bloc["brut"], e, toutes)
    return cel


def _vide_parquet(lot: Lot, ctx: Contexte) -> pl.DataFrame:
    e = lot.source.entete
    entree = lot.source.rangees(0, 0) if not e.csv else pl.DataFrame(schema={n: pl.String for n in e.noms})
    res = pl.DataFrame(schema=_schema(ctx))
    return pl.concat([entree, ecriture.colonnes_parquet(res, ctx.niveaux)], how="horizontal")


def nb_partitions(source) -> int:
    if isinstance(source, SourceTable):
        return max(1, math.ceil(source.taille() / RANGEES_PARTITION))
    return max(1, math.ceil(source.taille() / OCTETS_PAR_RANGEE / RANGEES_PARTITION))


def executer_portefeuille(chemin: str, flux, *, fichier: str | None = None, donnees: bytes | None = None, table=None,
                          contrat=None, formule=None, format: str = "csv", decimale: str | None = None, progression=None,
                          parametres=None, debug: bool = False, dossiers=(), executeur=None, temporaire=None) -> Bilan:
    """Runs a whole batch with the columnar engine and writes it to the binary stream `flux` (CSV or
    Parquet); returns the Bilan. Raises LotInvalide / ErreurSimulateur before writing anything when the
    input or the command line cannot be used; row problems go to the `erreur` column."""
    fichier = fichier or str(chemin)
    choix = Choix(contrat, formule, dossiers)
    source = _source(chemin, fichier, donnees, table)
    _verifier_choix(choix, source.entete, fichier)
    dossier = None
    if source.taille() > MEMOIRE_MAX or temporaire is not None:
        dossier = tempfile.mkdtemp(prefix="simulateur-lot-", dir=temporaire)
        os.makedirs(os.path.join(dossier, "p"))
        os.makedirs(os.path.join(dossier, "r"))
    try:
        lot = Lot(source, choix, dossier, nb_partitions(source))
        lot.lire(progression)
        niveaux = lot.charger_contrats()
        ctx = Contexte(source.entete, contrat if isinstance(contrat, str) or contrat is None else contrat.fichier, formule,
                       tuple(str(d) for d in dossiers), parametres, list(niveaux), debug)
        lot.calculer(ctx, progression, executeur)
        bilan = Bilan(fichier, niveaux)
        bilan.lignes, bilan.vides = sum(n for _, n in lot.blocs), source.vides
        virgule = (source.entete.sep == ";") if decimale is None else (decimale == "virgule")
        ecrire(lot, ctx, flux, format, virgule, bilan, progression)
        return bilan
    finally:
        if dossier is not None:
            shutil.rmtree(dossier, ignore_errors=True)


__all__ = ["COLONNES_UTILES", "Lot", "Reserve", "executer_portefeuille"]
