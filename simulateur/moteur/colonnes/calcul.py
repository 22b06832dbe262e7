"""The columnar calculation of a portfolio: `calculer(actes, plans, parametres)`.

The sequence is the line engine's (`moteur.calcul.simuler`), in columns: sort once (beneficiary, date,
input position: the replay order of `lot.rejeu`); the Sécurité sociale (rate, gross payment, PF and
franchises with their caps); the line of each act, chosen by the line engine's own `choisir_ligne`
once per distinct combination of the fields its conditions read; each level of the formula in
order; then which acts the line engine must compute instead (composantes.py).
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import polars as pl

from ...domaine.acte import Acte
from ...domaine.champs import CHAMPS, CONDITIONS_DERIVEES
from ...domaine.erreurs import ActeInvalide
from ...domaine.natures import NATURES
from ..hypotheses import candidats
from ..plafonds import NATURES_MEDECIN
from ..selection import choisir_ligne
from . import couches, securite_sociale as ss
from .composantes import propager
from .parametres import calendrier, constante_sur_annee
from .types import COLONNES

_DEFAUTS = {c.nom: c.defaut for c in CHAMPS}
M = couches.M


def acte_type(**valeurs) -> Acte:
    """An act with the fields' defaults and `valeurs` (what a combination of fields determines)."""
    d = dict(_DEFAUTS, date=dt.date(2000, 1, 1), br=Decimal(0), frais_reels=Decimal(0))
    d.update(valeurs)
    return Acte(**d)


def _python(champ: str, v):
    """A frame value → the line engine's value of the field (a lens pair is a tuple)."""
    if v is None:
        return _DEFAUTS.get(champ)
    return tuple(v.split("+")) if champ == "verres" else v


def _champs_de_conditions(plans: list) -> dict:
    """{field (or "taux"): [plan × 1000 + nature index, …]}: the combinations whose lines read that field.
    A condition derived from nothing the act carries (`CONDITIONS_DERIVEES` → None) other than the rate is
    not evaluated here: its combinations are under the key None (their acts go to the line engine)."""
    codes: dict = {}
    natures = list(NATURES)
    for p in plans:
        for nature, lignes in p.contrat.par_nature.items():
            for l in lignes:
                for cle in l.si:
                    if cle == "_texte":
                        continue
                    champ = "taux" if cle == "taux" else CONDITIONS_DERIVEES.get(cle, cle)
                    codes.setdefault(champ, set()).add(p.index * 1000 + natures.index(nature))
    return {k: sorted(v) for k, v in codes.items()}


def _entier(expr: pl.Expr, dtype) -> pl.Expr:
    """A field's value as a small integer ≥ 0 (0: not given), to combine several fields in one key."""
    if dtype == pl.Boolean:
        return (expr.cast(pl.Int64) + 1).fill_null(0)
    if isinstance(dtype, pl.Enum):
        return (expr.to_physical().cast(pl.Int64) + 1).fill_null(0)
    return (expr.cast(pl.Int64) + 1).fill_null(0)


def choisir_lignes(df: pl.DataFrame, plans: list) -> pl.DataFrame:
    """`ligne`: the index of each act's contract line (−1: no line, the contract pays nothing; null: the
    line engine refuses the act here, or its line cannot be chosen in columns) and `cles_possibles` (null, or
    the state keys of an act whose line depends on a value it does not give: `_ligne`). The line engine's own
    `choisir_ligne` runs once per distinct combination of (plan, nature, the fields the lines of that
    nature read in that contract), the combination being one integer key."""
    usages = _champs_de_conditions(plans)
    champs = [c for c in usages if c is not None and (c == "taux" or c in df.columns)]
    natures = list(NATURES)
    code = pl.col("plan").cast(pl.Int64) * 1000 + pl.col("nature").to_physical().cast(pl.Int64)
    cle, base = pl.col("plan").cast(pl.Int64) * (len(natures) + 1) + pl.col("nature").to_physical().cast(pl.Int64), (
        (len(plans) + 1) * (len(natures) + 1))
    for c in champs:
        col = "taux_eff" if c == "taux" else c
        x = _entier(pl.when(code.is_in(usages[c])).then(pl.col(col)), df.schema[col])
        borne = int(df.select(x.max()).item() or 0) + 1
        cle, base = cle + x * base, base * borne
    if base >= 2 ** 62:           # pragma: no cover - far beyond the fields' bounds
        raise OverflowError("trop de combinaisons de conditions")
    df = df.with_columns(cle_ligne=cle)
    cols = ["cle_ligne", "plan", "nature"] + ["taux_eff" if c == "taux" else c for c in champs]
    cles, lignes, possibles = [], [], []
    ensembles, rang_nature = {c: set(usages[c]) for c in champs}, {n: k for k, n in enumerate(natures)}
    for rangee in df.select(cols).unique(subset="cle_ligne").iter_rows(named=True):
        p = plans[rangee["plan"]]
        code_nature = p.index * 1000 + rang_nature[rangee["nature"]]
        lus = [c for c in champs if code_nature in ensembles[c]]
        valeurs = {c: _python(c, rangee[c]) for c in lus if c != "taux"}
        bp = rangee.get("taux_eff") if "taux" in lus else 0
        cles.append(rangee["cle_ligne"])
        ligne, possible = (None, None) if bp is None else _ligne_memo(p, rangee["nature"], valeurs, bp)
        lignes.append(ligne)
        possibles.append(possible)
    table = pl.DataFrame({"cle_ligne": cles, "ligne": lignes, "cles_possibles": possibles},
                         schema={"cle_ligne": df.schema["cle_ligne"], "ligne": pl.Int32, "cles_possibles": pl.List(pl.Int64)})
    return df.join(table, on="cle_ligne", how="left", maintain_order="left").drop("cle_ligne")


# Condition fields that neither the Sécurité sociale nor the après-cancer forfait reads (`moteur.securite_sociale`,
# `moteur.apres_cancer`, `securite_sociale.py` here): whatever value the line engine tries for them, the act
# reads the same SS keys. (`age` is read by the SS: the exemptions of minors.)
HORS_SS = frozenset({"panier", "verres", "dent", "dptm"})


_LIGNES: dict = {}


def _ligne_memo(p, nature: str, valeurs: dict, bp: int) -> tuple:
    """`_ligne` for a combination of field values, kept while the plan's compiled cells are in use (the
    partitions of a run meet the same combinations again)."""
    cle = (id(p.cellules), p.formule, nature, tuple(sorted(valeurs.items())), bp)
    r = _LIGNES.get(cle)
    if r is None or r[0] is not p.contrat or r[1] is not p.cellules:
        if len(_LIGNES) > 200_000:
            _LIGNES.clear()
        r = _LIGNES[cle] = (p.contrat, p.cellules, _ligne(p, acte_type(nature=nature, **valeurs), Decimal(bp) / 100))
    return r[2]


def _ligne(p, acte: Acte, taux: Decimal) -> tuple:
    """(the index of the act's line, −1 for none, or None when the line engine refuses it here; None, or the
    state keys the act may read when its line is not known). A line condition on a field the act does
    not give and the SS does not read (`HORS_SS`) is tried by the line engine at each of the field's
    values (`moteur.hypotheses.sans_entrees_inutiles`): the act's result — or its error, which consumes
    nothing — reads and writes only its SS keys and the keys of the lines those values choose. When each
    value chooses a line here, those keys are returned: the act falls back with its component only."""
    try:
        l = choisir_ligne(p.contrat, acte, taux)
        return (l.index if l is not None else -1), None
    except ActeInvalide as e:
        if e.code != "condition-manquante" or e.champ not in HORS_SS:
            return None, None
        champ, valeurs = e.champ, candidats(e, acte, p.contrat)
    cles = set()
    for v in valeurs:
        try:
            l = choisir_ligne(p.contrat, dataclasses.replace(acte, **{champ: v}), taux)
        except ActeInvalide:
            return None, None
        for k in (p.couches if l is not None else ()):
            c = p.cellule(l.index, k)
            if c is not None and c.statut == "inconnu":
                return None, None           # keys not known: its beneficiary's year, as any line not chosen here
            cles.update(c.cles_lues if c is not None else ())
    return (None, sorted(cles)) if valeurs else (None, None)


def _plans(df: pl.DataFrame, plans: list) -> pl.DataFrame:
    """Per act, what its plan says: `responsable`, `connu`, and `n_repli` (its nature is not compiled in it)."""
    t = pl.DataFrame({"plan": [p.index for p in plans], "p_responsable": [p.responsable for p in plans],
                      "p_connu": [p.connu for p in plans]}, schema={"plan": pl.Int32, "p_responsable": pl.Boolean, "p_connu": pl.Boolean})
    repli = [p.index * 1000 + list(NATURES).index(n) for p in plans for n in p.natures_repli]
    code = pl.col("plan").cast(pl.Int64) * 1000 + pl.col("nature").to_physical().cast(pl.Int64)
    inconnues = _champs_de_conditions(plans).get(None, [])
    return df.join(t, on="plan", how="left").with_columns(n_repli=code.is_in(repli), tout=pl.col("tout") | code.is_in(inconnues))


def _taux_et_lignes(df: pl.DataFrame, parametres, plans: list) -> pl.DataFrame:
    """The rate, the gross SS payment and the line of each act; `certain`: the line engine refuses the act
    whatever the state — its rate or regulatory forfait has no value at its date. Such an act is an error
    row: it consumes nothing (its demands are 0 in every counter) and falls back alone. An act whose line
    cannot be chosen in columns (`tout_an`: its beneficiary's year falls back), or with an unknown field
    (its beneficiary falls back), is never `certain`."""
    cal = calendrier(parametres)
    jours = df["date"].cast(pl.Int32)
    cal.couvrir(jours.min(), jours.max())
    df = df.with_columns(jour=cal.jour()).with_columns(**cal.fixes())
    df = ss.taux_et_forfaits(df, cal, acte_type)
    df = ss.brut(df)
    df = choisir_lignes(df, plans)
    # a line the engine cannot choose here (a condition the act does not state: the line engine tries the
    # input's values, `moteur.hypotheses`, and the result may use any key of the year) sends its
    # beneficiary's civil year (`tout_an`)
    df = df.with_columns(tout_an=(pl.col("ligne").is_null() & ~pl.col("e_ss").fill_null(False) & ~pl.col("tout")
                                  & pl.col("cles_possibles").is_null()).fill_null(False))
    return df.with_columns(certain=(pl.col("e_ss") & ~pl.col("tout")).fill_null(False))


def _securite_sociale(df: pl.DataFrame, parametres, annees: list) -> pl.DataFrame:
    df = ss.participation(df, constante_sur_annee(parametres, "participation_forfaitaire.plafond_annuel", annees))
    df = ss.franchise(df, constante_sur_annee(parametres, "franchise.plafond_annuel", annees))
    medecin = pl.col("nature").cast(pl.String).is_in(sorted(NATURES_MEDECIN))
    non_dptm = pl.col("p_responsable") & medecin & (pl.col("dptm") == False)  # noqa: E712 - null is not False
    d = pl.col("p_non_dptm")
    return df.with_columns(
        rss=pl.col("ss_brut") - pl.col("pf") - pl.col("franchise"),
        cap_medecin=pl.when(non_dptm.fill_null(False) & d.is_not_null() & (d >= 0)).then(pl.col("br") * M + pl.col("br") * d),
        e_cap=(non_dptm.fill_null(False) & (d == -1)).fill_null(False))


def calculer(actes: pl.DataFrame, plans: list, parametres) -> pl.DataFrame:
    """The portfolio `actes` (columns of `types.COLONNES`) computed in columns with `plans` (plan.Plan,
    indexed by the `plan` column) and the dated `parametres`.

    Returns the acts in replay order with `i`, `repli` (True: the line engine computes this act — it
    is not compiled or shares state with one that is not) and, for the others, the amounts in cents:
    `securite_sociale`, `participation_forfaitaire`, `part_0`… (one per level index of the contract,
    null where the formula has no column), `total_rembourse`, `reste_a_charge`.
    """
    df = actes.select([c for c in COLONNES if c in actes.columns]).sort(["ben", "date", "i"])
    df = df.with_columns(an=pl.col("date").dt.year().cast(pl.Int32))
    df = df.join(ss.table_natures().with_columns(pl.col("nature").cast(df.schema["nature"])), on="nature", how="left")
    df = _plans(df, plans)
    annees = df["an"].unique().to_list()
    df = _taux_et_lignes(df, parametres, plans)
    df = _securite_sociale(df, parametres, annees)
    niveaux = max((len(p.niveaux) for p in plans), default=0)
    df = df.with_columns(deja=pl.col("ss_brut"), verse=pl.lit(0, dtype=pl.Int64))
    pmss = constante_sur_annee(parametres, "pmss", annees)
    tables, debuts = couches.tables(plans, niveaux)
    for k in range(niveaux):
        df = couches.couche(df, tables[k], debuts, pmss, k)
    repli_k = [pl.col(f"repli_{k}") for k in range(niveaux)]
    inconnu_k = [pl.col(f"inconnu_{k}").fill_null(False) for k in range(niveaux)]
    # An act the line engine refuses whatever the state (`certain`) falls back alone; any other act that is not
    # compiled takes its component along.
    certain = pl.col("certain")
    df = df.with_columns(
        repli=(pl.col("repli") | pl.col("n_repli") | pl.col("cles_possibles").is_not_null() | pl.col("e_pf").fill_null(False)
               | pl.col("e_fr").fill_null(False) | pl.col("e_cap") | pl.any_horizontal(*repli_k, False)).fill_null(True) & ~certain,
        tout=pl.col("tout") | ((~pl.col("p_connu") | pl.any_horizontal(*inconnu_k, False)).fill_null(True) & ~certain))
    repli = propager(df, niveaux) | df["certain"]
    return df.with_columns(repli=repli).select(
        "i", "repli", "plan",
        securite_sociale=pl.col("rss"), participation_forfaitaire=pl.col("pf") + pl.col("franchise"),
        **{f"part_{k}": pl.col(f"part_{k}") for k in range(niveaux)},
        total_rembourse=pl.col("rss") + pl.col("verse"), reste_a_charge=pl.col("frais_reels") - pl.col("rss") - pl.col("verse"))


__all__ = ["acte_type", "calculer", "choisir_lignes"]
