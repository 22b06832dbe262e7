"""The columnar `lot`: read in blocks, partition by beneficiary, compute each partition, write in input order.

Three passes of independent tasks, run one after the other here or in parallel on Dask workers
(`executeurs.py`), exchanging files in a temporary folder removed at the end:

1. reading, one task per block of the input: each row gets its position `i` (block number × 2³² +
   row in the block: the input order) and its line number, its beneficiary (normalised) and the
   partition of that beneficiary (a hash); the rows go to their partition's folder;
2. computing, one task per partition: whole beneficiaries, hence whole annual states
   (`partition.calculer_partition`); the results go to the folder of their input block;
3. writing, one task per block: the block's rows read again with their results — checked: exactly
   one result per row, nothing lost or doubled — written as the output's piece for that block;
   the pieces are then copied in input order to the output stream (atomically replaced by the caller).

Memory: one block or one partition per task, whatever the size of the input; the partitions hold
about `RANGEES_PARTITION` rows.
"""
from __future__ import annotations

import glob
import io
import math
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from decimal import Decimal

import polars as pl

from ..ecriture import Bilan, verifier_noms_entree
from ..lecture import LotInvalide
from ..rejeu import Choix
from . import ecriture
from .lecture import Bloc, Entete, SourceCSV, SourceTable, cellules_csv, lire_bloc, normaliser_beneficiaires
from .partition import Contexte, _schema, calculer_partition

RANGEES_PARTITION = 60_000         # rows per partition (each computed at once)
OCTETS_PAR_RANGEE = 90             # a claims CSV row, for the first estimate of the number of partitions
DECALAGE = 1 << 32                 # i = block × DECALAGE + row in the block
COMPRESSION = "lz4"       # of the files between the passes
TRANCHE_ECRITURE = 20_000          # rows whose output texts are made at once (memory)


@dataclass
class Travail:
    """What every task needs (picklable: sent to Dask workers): the header, the folder, the partitions."""
    entete: Entete
    dossier: str
    partitions: int
    format: str = "csv"
    virgule: bool = False
    contexte: Contexte | None = None
    projection: dict = field(default_factory=dict)

    def chemin(self, *parties) -> str:
        return os.path.join(self.dossier, *[str(p) for p in parties])


def rendre_memoire(cycles: bool = True) -> None:
    """Gives the memory of a finished task back to the system: the cycles of Python objects collected (the
    line engine's refusals tried by `moteur.hypotheses` leave some — exceptions, their frames, the results
    those frames hold —, often old enough to wait for a full collection), then the pages the C allocator keeps
    freed (glibc's `malloc_trim`, as Dask's workers do; nothing elsewhere) — else the next task would add
    its own on top of them. `cycles`: False for a task that made no Python objects to speak of."""
    if cycles:
        import gc
        gc.collect()
    global _TRIM
    if _TRIM is None:
        try:
            import ctypes
            _TRIM = ctypes.CDLL(None).malloc_trim
        except (OSError, AttributeError):
            _TRIM = False
    if _TRIM:
        _TRIM(0)


_TRIM = None


def _ecrire_ipc(frame: pl.DataFrame, chemin: str) -> None:
    os.makedirs(os.path.dirname(chemin), exist_ok=True)
    frame.write_ipc(chemin, compression=COMPRESSION)


def lire_ipc(chemin: str) -> pl.DataFrame:
    """A frame written by `_ecrire_ipc`, read into memory (a mapped file would count in memory until freed)."""
    with open(chemin, "rb") as f:
        return pl.read_ipc(io.BytesIO(f.read()))


def _lire_ipc(motif: str) -> list:
    return [lire_ipc(c) for c in sorted(glob.glob(motif))]


# ------------------------------------------------------------------ pass 1: reading

def _repartir(lignes: pl.DataFrame, debut: int, t: Travail, morceaux: dict) -> list:
    """Places `i` from `debut`, beneficiaries and partitions of a frame of records; the rows go to `morceaux`
    (partition → frames). Returns the contract texts of the rows, in order."""
    n = len(lignes)
    ben = normaliser_beneficiaires(lignes["beneficiaire"])
    contrats = (lignes["contrat"].fill_null("").str.strip_chars().unique(maintain_order=True).to_list()
                if "contrat" in lignes.columns else [])
    garder = ["ligne", "brut"] if t.entete.csv else [c for c in lignes.columns if c != "ligne"] + ["ligne"]
    rangees = lignes.select(garder).with_columns(i=pl.int_range(debut, debut + n, dtype=pl.Int64), ben=ben)
    p = (ben.hash(seed=1405) % t.partitions).cast(pl.Int32) if t.partitions > 1 else pl.repeat(0, n, dtype=pl.Int32,
                                                                                                  eager=True)
    for (k,), morceau in rangees.with_columns(p=p).partition_by("p", as_dict=True, include_key=False).items():
        morceaux.setdefault(k, []).append(morceau)
    return contrats


def lire_et_repartir(numero: int, bloc: Bloc | None, lignes: pl.DataFrame | None, vides: int, t: Travail) -> dict:
    """Task of pass 1: the rows of block `numero` (read from the file `bloc`, or given as `lignes`) sent to
    their partition's folder, one file per partition. Returns {n, vides, contrats (texts of the contract
    column, in order)}."""
    morceaux, contrats, n = {}, [], 0
    lus = lire_bloc(bloc, t.entete, t.projection) if bloc is not None else [(lignes, vides)]
    vides = 0
    for sous_bloc, v in lus:
        contrats += _repartir(sous_bloc, numero * DECALAGE + n, t, morceaux)
        n += len(sous_bloc)
        vides += v
    for k, m in morceaux.items():
        _ecrire_ipc(pl.concat(m), t.chemin("p", k, f"{numero:08d}.arrow"))
    return {"n": n, "vides": vides, "contrats": list(dict.fromkeys(contrats))}


# ------------------------------------------------------------------ pass 2: computing

def calculer_et_ranger(k: int, t: Travail) -> dict:
    """Task of pass 2: partition `k` computed, its results written to the folders of their blocks; returns the
    partition's part of the Bilan."""
    morceaux = _lire_ipc(t.chemin("p", k, "*.arrow"))
    if not morceaux:
        return _bilan_partiel(pl.DataFrame(schema=_schema(t.contexte)), t.contexte.niveaux)
    rangees = pl.concat(morceaux)
    del morceaux
    res = calculer_partition(rangees, t.contexte)
    del rangees
    shutil.rmtree(t.chemin("p", k), ignore_errors=True)
    partiel = ranger(res, k, t)
    del res
    rendre_memoire()
    return partiel


def colonnes_sortie(ctx: Contexte) -> list:
    """What the writing needs of the results: the place, the error, the amounts."""
    return ["i", "erreur", "securite_sociale", "participation_forfaitaire"] + [f"part_{n}" for n in ctx.niveaux] + \
        ["total_rembourse", "reste_a_charge", "forfait_apres_cancer"]


def ranger(res: pl.DataFrame, k: int, t: Travail) -> dict:
    """A partition's results, to the folder of each input block; returns its part of the Bilan."""
    partiel = _bilan_partiel(res, t.contexte.niveaux)
    res = res.select(colonnes_sortie(t.contexte))
    b = (res["i"] // DECALAGE).alias("b")
    for (bloc,), morceau in res.with_columns(b=b).partition_by("b", as_dict=True, include_key=False).items():
        _ecrire_ipc(morceau, t.chemin("r", f"{bloc:08d}", f"{k:06d}.arrow"))
    return partiel


# ------------------------------------------------------------------ pass 3: writing

def _verifier_bloc(res: pl.DataFrame, numero: int, n: int) -> None:
    """Exactly one result per input row of the block (never a lost or doubled row)."""
    attendu = numero * DECALAGE
    if len(res) != n or (n and (res["i"][0] != attendu or res["i"][-1] != attendu + n - 1 or res["i"].n_unique() != n)):
        raise AssertionError(f"lot en colonnes : {len(res)} résultats pour {n} lignes (bloc {numero})")


def _bilan_partiel(res: pl.DataFrame, niveaux: list) -> dict:
    ok = res.filter(pl.col("erreur").is_null())
    cles = ["fr", "securite_sociale", "participation_forfaitaire", "forfait_apres_cancer", "total_rembourse",
            "reste_a_charge"] + [f"part_{n}" for n in niveaux]
    sommes = ok.select(pl.col(c).sum() for c in cles).row(0) if len(ok) else [0] * len(cles)
    err = res.filter(pl.col("erreur").is_not_null())
    premieres = err.sort("i").head(5).select("i", "ligne", "erreur").rows()      # file order (`i` follows the file)
    return {"sommes": [int(v or 0) for v in sommes], "erreurs": len(err), "premieres": premieres,
            "rejouees": int(res["rejoue"].sum() or 0)}


def _entree_du_bloc(numero: int, bloc: Bloc | None, t: Travail):
    """The input rows of block `numero`, in pieces (a file's task range is parsed block of bytes by block)."""
    if bloc is not None:
        for lignes, _vides in lire_bloc(bloc, t.entete, {}):
            yield lignes
        return
    yield lire_ipc(t.chemin("b", f"{numero:08d}.arrow"))


def ecrire_bloc(numero: int, bloc: Bloc | None, n: int, t: Travail) -> dict:
    """Task of pass 3: the output piece of block `numero` (its rows and their results, in input order), and
    the block's part of the Bilan."""
    niveaux = t.contexte.niveaux
    morceaux = _lire_ipc(t.chemin("r", f"{numero:08d}", "*.arrow"))
    res = pl.concat(morceaux).sort("i") if morceaux else pl.DataFrame(schema=_schema(t.contexte)).select(
        colonnes_sortie(t.contexte))
    del morceaux
    _verifier_bloc(res, numero, n)
    sortie = t.chemin("o", f"{numero:08d}")
    os.makedirs(os.path.dirname(sortie), exist_ok=True)
    fait, morceaux = 0, []
    with open(sortie, "wb") as f:
        for entree in _entree_du_bloc(numero, bloc, t):
            r = res.slice(fait, len(entree))
            fait += len(entree)
            if t.format == "parquet":
                morceaux.append(pl.concat([_entree_parquet(entree, t.entete), ecriture.colonnes_parquet(r, niveaux)],
                                          how="horizontal"))
            elif t.entete.csv:
                for d in range(0, len(entree), TRANCHE_ECRITURE):       # the texts of a slice at a time
                    ecriture.ecrire_lignes(f, ecriture.lignes_csv(entree["brut"].slice(d, TRANCHE_ECRITURE),
                                                                  r.slice(d, TRANCHE_ECRITURE), t.entete, niveaux, t.virgule))
            else:
                ecriture.ecrire_table_csv(f, entree, r, niveaux, t.virgule)
    if fait != n:                        # pragma: no cover - the block read again has the rows read first
        raise AssertionError(f"lot en colonnes : bloc {numero} relu avec {fait} lignes au lieu de {n}")
    if t.format == "parquet":
        _ecrire_ipc(pl.concat(morceaux) if morceaux else _vide_parquet(t), sortie)
    shutil.rmtree(t.chemin("r", f"{numero:08d}"), ignore_errors=True)
    del res, morceaux
    rendre_memoire(cycles=False)
    return {}


def _entree_parquet(entree: pl.DataFrame, e: Entete) -> pl.DataFrame:
    """The input columns of a block for a Parquet output: as read (tables), or the CSV cells as text."""
    if not e.csv:
        return entree
    return cellules_csv(entree["brut"], e, {nom: i for i, nom in enumerate(e.noms)})[0]


# ------------------------------------------------------------------ the run

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


def nb_partitions(source) -> int:
    if isinstance(source, SourceTable):
        return max(1, math.ceil(source.taille() / RANGEES_PARTITION))
    return max(1, math.ceil(source.taille() / OCTETS_PAR_RANGEE / RANGEES_PARTITION))


def _lecture(source, t: Travail, executeur, progression) -> list:
    """Pass 1: {n, vides, contrats} per block."""
    e = source.entete
    t.projection = {nom: i for nom, i in e.colonnes.items() if nom in ("beneficiaire", "contrat")} if e.csv else {}
    if source.plan is not None:
        return executeur.map(lire_et_repartir, [(k, b, None, 0, t) for k, b in enumerate(source.plan)], progression, "lecture")
    lus = []
    for k, (bloc, vides) in enumerate(source.blocs(t.projection)):
        if e.csv:
            _ecrire_ipc(bloc.select("ligne", "brut"), t.chemin("b", f"{k:08d}.arrow"))
            lignes = bloc
        else:
            _ecrire_ipc(bloc, t.chemin("b", f"{k:08d}.arrow"))
            lignes = source.textes(bloc, sum(x["n"] for x in lus) + 1)
        lus.append(lire_et_repartir(k, None, lignes, vides, t))
        if progression is not None:
            progression("lecture", k + 1, k + 1)
    return lus


def _bilan(fichier: str, niveaux: list, lus: list, partiels: list) -> Bilan:
    bilan = Bilan(fichier, niveaux)
    bilan.lignes, bilan.vides = sum(x["n"] for x in lus), sum(x["vides"] for x in lus)
    cles = ["frais_reels", "securite_sociale", "participation_forfaitaire", "forfait_apres_cancer", "total_rembourse",
            "reste_a_charge"] + [f"part_{n}" for n in niveaux]
    for x in partiels:
        for cle, v in zip(cles, x["sommes"]):
            bilan.totaux[cle] += Decimal(v) / 100
    bilan.erreurs = sum(x["erreurs"] for x in partiels)
    premieres = sorted(p for x in partiels for p in x["premieres"])
    bilan.premieres_erreurs = [(ligne, texte) for _i, ligne, texte in premieres[:5]]
    bilan.rejouees = sum(x["rejouees"] for x in partiels)
    return bilan


def _copier(t: Travail, nb_blocs: int, flux, niveaux: list) -> None:
    """The output pieces, in input order, to the binary stream `flux` (after the header)."""
    e = t.entete
    if t.format == "parquet":
        parquet = ecriture.SortieParquet(flux)
        for k in range(nb_blocs):
            parquet.ecrire(lire_ipc(t.chemin("o", f"{k:08d}")))
        parquet.fermer(_vide_parquet(t))
        return
    # UTF-8 output; with a BOM when the input had one or was not UTF-8 (as `lot.commande`: a spreadsheet
    # then reads the accents right)
    flux.write((b"\xef\xbb\xbf" if (e.bom or e.encodage != "utf-8") and e.csv else b"") + ecriture.entete_csv(e, niveaux).encode("utf-8"))
    for k in range(nb_blocs):
        with open(t.chemin("o", f"{k:08d}"), "rb") as f:
            shutil.copyfileobj(f, flux, 1 << 20)


def _vide_parquet(t: Travail) -> pl.DataFrame:
    e = t.entete
    entree = pl.DataFrame(schema=e.types if not e.csv else {n: pl.String for n in e.noms})
    res = pl.DataFrame(schema=_schema(t.contexte))
    return pl.concat([entree, ecriture.colonnes_parquet(res, t.contexte.niveaux)], how="horizontal")


def executer(chemin: str, consommer, *, fichier: str | None = None, donnees: bytes | None = None, table=None,
             contrat=None, formule=None, format: str = "csv", decimale: str | None = None, progression=None,
             parametres=None, debug: bool = False, dossiers=(), executeur=None, temporaire=None,
             strict: bool = False) -> Bilan:
    """The three passes over a source (a CSV or Parquet file, CSV bytes, or a table), then
    `consommer(travail, nb_blocs, niveaux)` takes the output pieces (in input order) before the temporary
    folder goes. Returns the Bilan. Raises LotInvalide / ErreurSimulateur before any output when the input
    or the command line cannot be used; row problems go to the `erreur` column. `strict`: as `lot --strict`
    (a parameter carried past its last published value refused; those rows are the line engine's)."""
    from .executeurs import Local
    fichier = fichier or str(chemin)
    choix = Choix(contrat, formule, dossiers)
    source = _source(chemin, fichier, donnees, table)
    _verifier_choix(choix, source.entete, fichier)
    verifier_noms_entree(source.entete.noms, fichier)      # result columns in the input: refused (the line path's check)
    executeur = executeur or Local()
    dossier = tempfile.mkdtemp(prefix="simulateur-lot-", dir=temporaire)
    try:
        virgule = (source.entete.sep == ";") if decimale is None else (decimale == "virgule")
        t = Travail(source.entete, dossier, nb_partitions(source), format, virgule)
        with executeur:
            lus = _lecture(source, t, executeur, progression)
            for x in lus:
                for ct in x["contrats"]:
                    if ct:
                        choix.charger(ct)
            niveaux = list(choix.niveaux)
            nom_contrat = contrat if isinstance(contrat, str) or contrat is None else contrat.fichier
            t.contexte = Contexte(source.entete, nom_contrat, formule, tuple(str(d) for d in dossiers), parametres, niveaux, debug,
                                strict)
            partiels = executeur.calculer(t, progression)
            executeur.map(ecrire_bloc, [(k, source.plan[k] if source.plan is not None else None, x["n"], t)
                                        for k, x in enumerate(lus)], progression, "écriture")
        consommer(t, len(lus), niveaux)
        return _bilan(fichier, niveaux, lus, partiels)
    finally:
        shutil.rmtree(dossier, ignore_errors=True)


def executer_portefeuille(chemin: str, flux, **options) -> Bilan:
    """Runs a whole batch with the columnar engine and writes it to the binary stream `flux`: CSV (the line
    path's columns and wording) or Parquet (`format="parquet"`). Returns the Bilan. `executeur`: where the
    tasks run (`executeurs.Local()` by default, or `executeurs.Dask(...)`); see `executer` for the rest."""
    return executer(chemin, lambda t, n, niveaux: _copier(t, n, flux, niveaux), **options)


__all__ = ["DECALAGE", "Travail", "calculer_et_ranger", "ecrire_bloc", "executer", "executer_portefeuille", "lire_et_repartir"]
