"""One partition of a portfolio — whole beneficiaries — computed: `calculer_partition(rangees, contexte)`.

The same function runs in this process, in each worker of a Dask cluster, or (on paper) in Spark's
`applyInPandas` grouped by beneficiary: it needs only its rows and the `Contexte` (header, contract
and formula of the command line, parameters, output levels), and returns one result row per input
row. Rows the columnar engine does not compute — errors, acts not compiled and their components,
beneficiaries with a field it does not know — are replayed by the line path itself: the rows are
read again by `lot.fichier.SourceCSV` (from their text as written) and computed by `lot.rejeu.rejouer`,
so that they get exactly the line path's results and messages.
"""
from __future__ import annotations

import csv
import io
from array import array
from dataclasses import dataclass, field

import polars as pl

from ...moteur.colonnes import Cles, Plan, calculer, compiler_contrat
from ..ecriture import texte_erreur
from ..fichier import SourceCSV as SourceLigne, trop_de_cellules
from ..lecture import CELLULE_MAX, Table
from ..rejeu import Choix, rejouer
from .conversion import Lecteur, convertir, vers_moteur
from .lecture import COLONNES_UTILES, Entete, cellules_csv

MONTANTS = ("securite_sociale", "participation_forfaitaire", "total_rembourse", "reste_a_charge", "forfait_apres_cancer")


@dataclass
class Contexte:
    """What a partition needs besides its rows (picklable: a Dask worker rebuilds the contracts from their names)."""
    entete: Entete
    contrat: str | None
    formule: str | None
    dossiers: tuple = ()
    parametres: object = None           # Parametres of a reform scenario, or None (the shipped ones)
    niveaux: list = field(default_factory=list)
    debug: bool = False
    strict: bool = False                # refuse a parameter carried past its last published value (line engine)

    def colonnes_resultat(self) -> list[str]:
        return ["i", "rejoue", "erreur", "ligne", "ordre_ben", "ordinal", "fr", "securite_sociale", "participation_forfaitaire"] + \
            [f"part_{n}" for n in self.niveaux] + ["total_rembourse", "reste_a_charge", "forfait_apres_cancer"]


_PROCESSUS: dict = {}          # per process: Choix, Lecteur, Cles, compiled contracts (cached across partitions)


def _etat(ctx: Contexte):
    from pathlib import Path
    cle = (ctx.contrat, ctx.formule, tuple(ctx.dossiers))
    e = _PROCESSUS.get(cle)
    if e is None:
        if len(_PROCESSUS) > 8:
            _PROCESSUS.clear()
        e = _PROCESSUS[cle] = {"choix": Choix(ctx.contrat, ctx.formule, [Path(d) for d in ctx.dossiers]), "lecteur": Lecteur(),
                               "cles": Cles(), "cellules": {}, "plans": {}}
    return e


def _plans(e, paires: pl.DataFrame) -> tuple[list, list]:
    """For the distinct (contract text, formula text) pairs: the plan index (−1: the row's choice is an error)."""
    choix, plans, index = e["choix"], [], []
    for ct, ft in paires.iter_rows():
        c = choix(ct, ft)
        if not isinstance(c, tuple):
            index.append(-1)
            continue
        contrat, formule = c
        cle = (id(contrat), formule)
        p = e["plans"].get(cle)
        if p is None or p.contrat is not contrat:
            cellules = e["cellules"].get(id(contrat))
            if cellules is None or cellules[0] is not contrat:
                cellules = e["cellules"][id(contrat)] = (contrat, compiler_contrat(contrat, e["cles"]))
            p = e["plans"][cle] = Plan(0, contrat, formule, cellules[1])
        if p not in plans:
            plans.append(p)
        index.append(plans.index(p))
    for k, p in enumerate(plans):
        p.index = k
    return plans, index


def _problemes(brut: pl.Series, n: pl.Series, largeur: int, sep: str) -> pl.Series:
    """The row's error for records with more cells than the header when an extra cell holds something
    (`fichier.trop_de_cellules`, the line path's words), else null."""
    out = [None] * len(brut)
    for k in (n > largeur).arg_true().to_list():
        rec = brut[k]
        cel = rec.split(sep) if '"' not in rec else next(csv.reader(io.StringIO(rec, newline=""), delimiter=sep), [])
        if any(c.strip() for c in cel[largeur:]):
            out[k] = trop_de_cellules(cel, largeur, sep)
    return pl.Series("probleme", out, dtype=pl.String)


def _cellules(rangees: pl.DataFrame, ctx: Contexte):
    utiles = {nom: i for nom, i in ctx.entete.colonnes.items() if nom in COLONNES_UTILES}
    if "brut" in rangees.columns:
        cel, n = cellules_csv(rangees["brut"], ctx.entete, utiles)
        probleme = (_problemes(rangees["brut"], n, ctx.entete.largeur, ctx.entete.sep) if n is not None
                    else pl.repeat(None, len(rangees), dtype=pl.String, eager=True).alias("probleme"))
    else:
        cel = rangees.select([pl.col(nom).fill_null("") for nom in utiles])
        probleme = pl.repeat(None, len(rangees), dtype=pl.String, eager=True).alias("probleme")
    return cel.with_columns(i=rangees["i"], probleme=probleme)


def calculer_partition(rangees: pl.DataFrame, ctx: Contexte) -> pl.DataFrame:
    """The results of `rangees` (columns `i`, `ligne`, `ben` — the normalised beneficiary — and `brut`
    (a CSV record) or one text column per field): one row per input row, `ctx.colonnes_resultat()`,
    amounts in cents (null in an error row, and in the part of a level the row's formula lacks)."""
    e = _etat(ctx)
    cel = _cellules(rangees, ctx)
    typees = convertir(cel, e["lecteur"])
    vides = pl.repeat("", len(cel), eager=True)
    ct = cel["contrat"] if "contrat" in cel.columns else vides
    ft = cel["formule"] if "formule" in cel.columns else vides
    paires = pl.DataFrame({"ct": ct, "ft": ft}).unique(maintain_order=True)
    plans, index = _plans(e, paires)
    plan = pl.DataFrame({"ct": ct, "ft": ft}).join(paires.with_columns(plan=pl.Series(index, dtype=pl.Int32)),
                                                   on=["ct", "ft"], how="left", maintain_order="left")["plan"]
    ben = rangees["ben"]
    typees = typees.with_columns(ben=ben.rank("dense").cast(pl.Int64), plan=plan, ligne=rangees["ligne"])
    typees = typees.with_columns(ordre_ben=pl.col("i").min().over("ben"))
    erreur = typees["erreur"] | (ben == "") | cel["probleme"].is_not_null() | (plan == -1)
    if "brut" in rangees.columns:
        del cel                          # the line path reads a CSV row again from its record as written
        cel = None
    params = ctx.parametres or _parametres()
    # a field not compiled, an act past the last published values (carried forward with an assumption, or
    # refused with --strict, or past the horizon: the line engine's rules), or an adhesion date under a
    # contract counting per membership year (its keys run across civil years) sends its beneficiary whole
    adhesion = [p.index for p in plans if p.contrat.annee == "adhesion"]
    # a record over the limit of a cell (`lecture.CELLULE_MAX`, polars has none) may hold a cell the line path
    # refuses: its beneficiary goes whole to the line path, which says the row's error or computes it
    longue = (rangees["brut"].str.len_chars() > CELLULE_MAX if "brut" in rangees.columns
              else pl.repeat(False, len(rangees), eager=True))
    tous = typees.filter(pl.col("tout") | (pl.col("date") > params.connus_jusqu_au) | longue
                         | (pl.col("date_adhesion").is_not_null() & pl.col("plan").is_in(adhesion)))["ben"].unique()
    direct = erreur | typees["ben"].is_in(tous.implode())
    moteur = vers_moteur(typees.filter(~direct))
    typees = typees.select("i", "ligne", "ordre_ben", "date", "frais_reels")     # what the results need of the rows
    resultats = calculer(moteur, plans, params) if len(moteur) else None
    del moteur
    calcules = _calcules(resultats, typees, plans, ctx) if resultats is not None else None
    a_rejouer = set(typees.filter(direct)["i"].to_list())
    if resultats is not None:
        a_rejouer.update(resultats.filter(pl.col("repli"))["i"].to_list())
    del resultats
    rejoues = _rejouer(rangees, cel, typees, a_rejouer, ctx, e["choix"])
    morceaux = [x for x in (calcules, rejoues) if x is not None and len(x)]
    if not morceaux:
        return pl.DataFrame(schema=_schema(ctx))
    return pl.concat(morceaux, how="vertical").sort("i")


def _parametres():
    from ...parametres import charger_parametres
    return charger_parametres()


def _schema(ctx: Contexte) -> dict:
    return {c: (pl.String if c == "erreur" else pl.Boolean if c == "rejoue" else pl.Int64) for c in ctx.colonnes_resultat()}


def _calcules(res: pl.DataFrame, moteur: pl.DataFrame, plans: list, ctx: Contexte) -> pl.DataFrame:
    """The compiled rows, their level parts put under the output's `part_<niveau>` columns."""
    ok = res.filter(~pl.col("repli")).join(moteur.select("i", "frais_reels", "ordre_ben"), on="i", how="left")
    parts = {}
    for n in ctx.niveaux:
        expr = pl.lit(None, dtype=pl.Int64)
        for p in plans:
            for k in p.couches:
                if p.niveaux[k] == n:
                    expr = pl.when(pl.col("plan") == p.index).then(pl.col(f"part_{k}")).otherwise(expr)
        parts[f"part_{n}"] = expr
    return ok.select(pl.col("i"), rejoue=pl.lit(False), erreur=pl.lit(None, dtype=pl.String), ligne=pl.lit(None, dtype=pl.Int64),
                     ordre_ben=pl.col("ordre_ben"),
                     ordinal=pl.lit(0, dtype=pl.Int64), fr=pl.col("frais_reels"),
                     securite_sociale=pl.col("securite_sociale"), participation_forfaitaire=pl.col("participation_forfaitaire"),
                     **parts, total_rembourse=pl.col("total_rembourse"), reste_a_charge=pl.col("reste_a_charge"),
                     forfait_apres_cancer=pl.lit(0, dtype=pl.Int64)).cast(_schema(ctx))


def _enregistrements(rangees: pl.DataFrame, cel: pl.DataFrame, ctx: Contexte, rangs: list) -> tuple[str, list]:
    """(header, records as text) of the rows to replay: the records as written (CSV), or written again
    with the csv module from their cells (tables)."""
    if "brut" in rangees.columns:
        return ctx.entete.entete, rangees["brut"].gather(rangs).to_list()
    noms = [n for n in cel.columns if n in COLONNES_UTILES]
    f = io.StringIO()
    w = csv.writer(f, delimiter=",", lineterminator="\n")
    w.writerow(noms)
    for ligne in cel.select(noms)[rangs].iter_rows():
        w.writerow(ligne)
    texte = f.getvalue()
    entete, _, corps = texte.partition("\n")
    t = Table(texte, ctx.entete.fichier)
    return entete, [t.brut(d, f) for _n, d, f in t.enregistrements()] if corps else []


def _cents(x) -> int:
    return int(x * 100)


def _rejouer(rangees, cel, typees, a_rejouer: set, ctx: Contexte, choix) -> pl.DataFrame | None:
    """The rows `a_rejouer` through the line path (reader, replay loop), results in cents."""
    if not a_rejouer:
        return None
    rangs = typees.with_row_index("r").filter(pl.col("i").is_in(sorted(a_rejouer)))["r"].to_list()
    entete, recs = _enregistrements(rangees, cel, ctx, rangs)
    source = SourceLigne(Table(entete + "\n" + "\n".join(recs) + "\n", ctx.entete.fichier))
    if len(source) != len(rangs):       # pragma: no cover - a record is never blank or split here
        raise AssertionError("rejeu : lignes perdues")
    numeros = typees["ligne"].gather(rangs).to_list()
    source.numeros = array("I", numeros)
    sorties = [None] * len(rangs)

    def rendre(k, entree, _choix, r, err):        # the error as text at once: no traceback kept (no cycle of frames)
        sorties[k] = (entree.numero, r, texte_erreur(entree, err) if err is not None else None)

    rejouer(source.groupes, source.entree, choix, rendre, ctx.parametres, debug=ctx.debug, strict=ctx.strict)
    return _lignes_rejouees(sorties, typees, rangs, ctx)


def _lignes_rejouees(sorties, typees, rangs, ctx) -> pl.DataFrame:
    cols = {c: [] for c in ctx.colonnes_resultat()}
    i = typees["i"].gather(rangs).to_list()
    ordre_ben = typees["ordre_ben"].gather(rangs).to_list()
    dates = typees["date"].gather(rangs).to_list()
    for k, (numero, r, texte) in enumerate(sorties):
        cols["i"].append(i[k])
        cols["rejoue"].append(True)
        cols["ordre_ben"].append(ordre_ben[k])
        cols["ordinal"].append(dates[k].toordinal() if dates[k] is not None else 0)
        cols["ligne"].append(numero if r is None else None)
        if r is None:
            cols["erreur"].append(texte)
            for c in ["fr", *MONTANTS] + [f"part_{n}" for n in ctx.niveaux]:
                cols[c].append(None)
            continue
        cols["erreur"].append(None)
        cols["fr"].append(_cents(r.frais_reels))
        for c in MONTANTS:
            cols[c].append(_cents(getattr(r, c)))
        parts = {p.niveau: _cents(p.montant) for p in r.parts}
        for n in ctx.niveaux:
            cols[f"part_{n}"].append(parts.get(n))
    return pl.DataFrame(cols, schema=_schema(ctx))


__all__ = ["Contexte", "MONTANTS", "calculer_partition"]
