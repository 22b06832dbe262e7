"""The Sécurité sociale in columns: rate, gross payment, participation forfaitaire and franchises with
their annual and daily caps — the rules of `moteur.securite_sociale`, act by act identical.

The rate and the regulatory forfait of each act are found by running the line engine's own functions
(`taux_ss`, `forfait_reglementaire`) once per distinct combination of the fields they read, with a
`lire` that names the parameter instead of reading it; the named parameter is then joined by date
(parametres.py). Amounts are integer cents; a rate in basis points times cents is exact in µ
(10⁻⁶ €), rounded half up to the cent once, as `arrondi` does.
"""
from __future__ import annotations

from decimal import Decimal

import polars as pl

from ...domaine.natures import NATURES
from ..securite_sociale import forfait_reglementaire, taux_ss
from .cumuls import cumul_contigu, cumul_groupes, sature
from .parametres import centimes, points

FRANCHISES = sorted({n.franchise for n in NATURES.values() if n.franchise})


def arrondi(micro: pl.Expr) -> pl.Expr:
    """µ (≥ 0) → cents, half up: the line engine's `arrondi` (ROUND_HALF_UP) on a non-negative value."""
    return (micro + 5_000) // 10_000


class _Nomme:
    """A parameter named by the line engine's code instead of read: `lire("pmss")` returns the name."""
    __slots__ = ("nom",)

    def __init__(self, nom):
        self.nom = nom


def _nommer(nom, date=None):
    return _Nomme(nom)


_nommer.optionnel = _nommer


def table_natures() -> pl.DataFrame:
    """What the Sécurité sociale does for each nature (`domaine.natures`), as columns joined by nature."""
    n = list(NATURES.values())
    return pl.DataFrame({
        "nature": [x.code for x in n], "n_rembourse": [x.taux is not None for x in n], "n_pf": [x.pf for x in n],
        "n_franchise": [x.franchise for x in n], "n_hospitalier": [x.hospitalier for x in n],
        "n_local": [bool(x.taux_local) for x in n], "n_forfait": [x.forfait is not None for x in n],
    }, schema_overrides={"nature": pl.String})


def _symbolique(fonction, nat, acte):
    r = fonction(nat, acte, _nommer)
    return (r.nom, None) if isinstance(r, _Nomme) else (None, points(r) if isinstance(r, Decimal) else None)


def _phys(col: str) -> pl.Expr:
    """A categorical field as a small integer (0: not given)."""
    return (pl.col(col).to_physical().cast(pl.Int64) + 1).fill_null(0)


def taux_et_forfaits(df: pl.DataFrame, cal, acte_type) -> pl.DataFrame:
    """Adds `taux_eff` (bp; null: the parameter is missing at that date → the act falls back),
    `taux_manquant`, and `forfait_c` (cents, the nature's regulatory forfait at the act's date, null when
    none). The rate of an act without `taux` override is, per distinct (nature, régime, SMR, acte lourd),
    the parameter the line engine's `taux_ss` reads (or its constant: 0 for a nature the SS does not
    pay, 100 for an acte lourd); the forfait, per (nature, psychiatrie), the one `forfait_reglementaire` reads."""
    code = (_phys("nature") * 1024 + _phys("regime") * 128 + _phys("smr") * 2 + pl.col("acte_lourd").cast(pl.Int64))
    code_f = _phys("nature") * 2 + pl.col("psychiatrie").cast(pl.Int64)
    df = df.with_columns(code_taux=code, code_forfait=code_f)
    combis = df.filter(pl.col("taux").is_null()).select("code_taux", "nature", "regime", "smr", "acte_lourd").unique(
        subset="code_taux")
    noms, codes, index, constantes = [], [], [], []
    for c, nature, regime, smr, lourd in combis.iter_rows():
        nom, k = _symbolique(taux_ss, NATURES[nature], acte_type(nature=nature, regime=regime, smr=smr, acte_lourd=lourd))
        if nom is not None and nom not in noms:
            noms.append(nom)
        codes.append(c)
        index.append(noms.index(nom) if nom is not None else None)
        constantes.append(k)
    avec_forfait = [c for c, n in NATURES.items() if n.forfait]
    combis_f = df.filter(pl.col("nature").cast(pl.String).is_in(avec_forfait)).select("code_forfait", "nature", "psychiatrie") \
        .unique(subset="code_forfait")
    noms_f, codes_f, index_f = [], [], []
    for c, nature, psy in combis_f.iter_rows():
        nom = forfait_reglementaire(NATURES[nature], acte_type(nature=nature, psychiatrie=psy), _nommer).nom
        if nom not in noms_f:
            noms_f.append(nom)
        codes_f.append(c)
        index_f.append(noms_f.index(nom))
    i_taux = pl.col("code_taux").replace_strict(codes, pl.Series(index, dtype=pl.Int64), default=None, return_dtype=pl.Int64)
    constante = pl.col("code_taux").replace_strict(codes, pl.Series(constantes, dtype=pl.Int64), default=None,
                                                   return_dtype=pl.Int64)
    i_forfait = pl.col("code_forfait").replace_strict(codes_f, pl.Series(index_f, dtype=pl.Int64), default=None,
                                                      return_dtype=pl.Int64)
    df = df.with_columns(i_taux=i_taux, taux_const=constante, i_forfait=i_forfait)
    lu = cal.par_nom(noms, pl.col("i_taux"), points)
    return df.with_columns(
        taux_eff=pl.coalesce("taux", "taux_const", lu),
        taux_manquant=pl.col("taux").is_null() & pl.col("i_taux").is_not_null() & lu.is_null(),
        forfait_c=cal.par_nom(noms_f, pl.col("i_forfait"), centimes),
    ).drop("code_taux", "code_forfait", "i_taux", "taux_const", "i_forfait")


def brut(df: pl.DataFrame) -> pl.DataFrame:
    """`ss_brut` (cents): round(min(BR, FR) × taux) — or, for a nature paid only by the régime local,
    the forfait × quantity as base; an acte lourd's forfait deducted; never above the frais réels."""
    fr, br, q, t = pl.col("frais_reels"), pl.col("br"), pl.col("quantite"), pl.col("taux_eff")
    local = ~pl.col("n_rembourse") & (t != 0) & pl.col("n_local")
    base = pl.when(local).then(pl.min_horizontal(fr, pl.col("forfait_c") * q)).otherwise(pl.min_horizontal(br, fr))
    b = arrondi(base * t)
    lourd = pl.col("acte_lourd") & pl.col("n_rembourse")
    b = pl.when(lourd).then(pl.max_horizontal(b - pl.col("p_actes_lourds"), 0)).otherwise(b)
    manque = (local & pl.col("forfait_c").is_null()) | (lourd & pl.col("p_actes_lourds").is_null())
    return df.with_columns(ss_brut=pl.min_horizontal(b, fr), e_ss=manque | pl.col("taux_manquant") | pl.col("taux_eff").is_null())


def participation(df: pl.DataFrame, plafond_pf: dict) -> pl.DataFrame:
    """The participation forfaitaire: demand min(unit × quantity, ss_brut) (not under the age of
    exemption, not in hospital, only when the SS pays), within the annual cap per beneficiary and year:
    `u = min(d, max(C − used, 0))` is the lemma's form (the demand does not depend on the counter; the
    cap C must be one value over the civil year, `plafond_pf` {year: cents}, else the act falls back).
    A beneficiary's year is a run of the frame (sorted by beneficiary and date)."""
    age, exo = pl.col("age"), pl.col("p_age_exo")
    lu = pl.col("n_pf") & ~pl.col("n_hospitalier") & (pl.col("ss_brut") > 0) & ~pl.col("certain")
    mineur = age.is_not_null() & (age < exo)
    due = lu & ~mineur.fill_null(False)
    cap = pl.col("an").replace_strict(list(plafond_pf), list(plafond_pf.values()), default=None, return_dtype=pl.Int64)
    d = pl.when(due).then(pl.min_horizontal(pl.col("p_pf") * pl.col("quantite"), pl.col("ss_brut"))).otherwise(0)
    df = df.with_columns(d_pf=d.fill_null(0), cap_pf=cap.fill_null(0),
                         e_pf=(lu & age.is_not_null() & exo.is_null()) | (due & (pl.col("p_pf").is_null() | cap.is_null())))
    u, _ = sature(pl.col("d_pf"), cumul_contigu(pl.col("d_pf"), ["ben", "an"]), pl.col("cap_pf"))
    return df.with_columns(pf=u).drop("d_pf", "cap_pf")


def franchise(df: pl.DataFrame, plafond_fr: dict) -> pl.DataFrame:
    """The franchise: demand min(unit × quantity, ss_brut − PF); then the daily cap per kind and day
    (paramedical acts, transport), then the annual cap per beneficiary and year.

    Sequential rule (`moteur.securite_sociale._franchise`): f_i = min(d_i, annual room, daily room),
    both rooms counting the f of earlier acts. Equal to: e = the daily saturation of d (lemma, per
    kind and day), then f = the annual saturation of e (lemma, per year). Proof: while the annual
    sum stays below its cap, every earlier f_j equals e_j, so the daily rooms seen with f and with e
    agree and f_i = min(e_i, annual room); the act that reaches the cap gets the room left, and every
    act after it gets 0 in both forms. The annual cap must be one value over the year (`plafond_fr`)."""
    genre, q = pl.col("n_franchise"), pl.col("quantite")
    reste = pl.col("ss_brut") - pl.col("pf")
    age, exo = pl.col("age"), pl.col("p_age_exo")
    lu = genre.is_not_null() & (reste > 0) & ~pl.col("certain")
    mineur = age.is_not_null() & (age < exo)
    due = lu & ~mineur.fill_null(False)
    unite = pl.lit(None, dtype=pl.Int64)
    jour = pl.lit(None, dtype=pl.Int64)
    for g in FRANCHISES:
        unite = pl.when(genre == g).then(pl.col(f"p_fr_{g}")).otherwise(unite)
        if f"p_frj_{g}" in df.columns and g != "medicaments":
            jour = pl.when(genre == g).then(pl.col(f"p_frj_{g}")).otherwise(jour)
    cap = pl.col("an").replace_strict(list(plafond_fr), list(plafond_fr.values()), default=None, return_dtype=pl.Int64)
    d = pl.when(due).then(pl.min_horizontal(unite * q, reste)).otherwise(0)
    df = df.with_columns(d_fr=d.fill_null(0), cap_jour=jour, cap_fr=cap.fill_null(0),
                         e_fr=(lu & age.is_not_null() & exo.is_null()) | (due & (unite.is_null() | cap.is_null() | (jour == -1))))
    jour_plafonne = pl.col("cap_jour").is_not_null() & (pl.col("d_fr") > 0)
    df = df.with_columns(cumul_jour=cumul_groupes(df, pl.col("d_fr"), ["ben", "n_franchise", "date"], jour_plafonne))
    e, _ = sature(pl.col("d_fr"), pl.col("cumul_jour"), pl.col("cap_jour"))
    df = df.with_columns(e_fr_jour=pl.when(jour_plafonne).then(e).otherwise(pl.col("d_fr")))
    f, _ = sature(pl.col("e_fr_jour"), cumul_contigu(pl.col("e_fr_jour"), ["ben", "an"]), pl.col("cap_fr"))
    return df.with_columns(franchise=f).drop("d_fr", "cap_jour", "cap_fr", "e_fr_jour", "cumul_jour")
