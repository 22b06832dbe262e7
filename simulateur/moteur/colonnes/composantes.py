"""Which acts the line engine computes: an act that is not compiled, and every act that shares annual
state with it.

An act's result depends on the earlier acts of its beneficiary only through the state keys it reads
(`moteur.etat`: ("pf",), ("franchise",) and its daily counters, the envelope / count / day keys of the
lines it uses, per civil year), and it changes only the keys it writes. So the acts of one
beneficiary fall into components: two acts are in the same component when they share a key of the
same civil year (transitively). A component whose every act is compiled is computed here; a
component with one act that is not goes, whole, to the line engine, which replays it from an empty
state — the other components never touch its keys, so that state is exactly what the line engine
would have had. A daily franchise counter is always read with the annual franchise key, so the
annual key stands for both. An act that cannot be placed (a construct the plan does not know) sends
its whole beneficiary; an act whose line is not known before the line engine tries the inputs it lacks
(`moteur.hypotheses`) sends its beneficiary's civil year (every key it could read is a key of that year).

The components are found by propagation: the keys of the acts that fall back taint every act that
reads one of them, until nothing changes (a few rounds of one join each).
"""
from __future__ import annotations

import polars as pl

from .plan import CLE_FRANCHISE, CLE_PF


def _cle(ben: pl.Expr, an: pl.Expr, cle: pl.Expr) -> pl.Expr:
    """One int64 per (beneficiary, civil year, key): ben < 2³¹, year 1900–2155, key < 2²⁴."""
    return ben.cast(pl.Int64) * (1 << 32) + (an.cast(pl.Int64) - 1900) * (1 << 24) + cle


def propager(df: pl.DataFrame, niveaux: int) -> pl.Series:
    """The final fallback mask (Boolean, frame order) from `repli` (acts not compiled), `tout` (acts whose
    whole beneficiary falls back), `tout_an` (acts whose beneficiary's civil year falls back: every key of
    that year) and each act's state keys: `n_pf`, `n_franchise` (the SS counters),
    `clef_k` (the stateful key of a compiled cell at level k), `cles_k` (every key of a cell that falls
    back) and `cles_possibles` (the keys of every line an act whose line is not known may take)."""
    ben, an = pl.col("ben"), pl.col("an")
    scalaires = [pl.when(pl.col("n_pf")).then(_cle(ben, an, pl.lit(CLE_PF))),
                 pl.when(pl.col("n_franchise").is_not_null()).then(_cle(ben, an, pl.lit(CLE_FRANCHISE)))]
    scalaires += [pl.when(pl.col(f"clef_{k}").is_not_null()).then(_cle(ben, an, pl.col(f"clef_{k}"))) for k in range(niveaux)]
    noms = [f"_k{j}" for j in range(len(scalaires))]
    cles = df.select([e.alias(n) for e, n in zip(scalaires, noms)])
    tous = df.filter(pl.col("tout"))["ben"].unique()
    annees = df.filter(pl.col("tout_an")).select(k=_cle(ben, an, pl.lit(0)))["k"].unique() if "tout_an" in df.columns \
        else pl.Series("k", [], dtype=pl.Int64)
    ben_an = df.select(k=_cle(ben, an, pl.lit(0)))["k"]
    repli = (df["repli"] | df["ben"].is_in(tous.implode()) | ben_an.is_in(annees.implode())).fill_null(True)
    if not repli.any():
        return repli
    vide = pl.lit([], dtype=pl.List(pl.Int64))
    possibles = [pl.col("cles_possibles").fill_null(vide)] if "cles_possibles" in df.columns else []
    listes = df.filter(repli).select(ben, an, c=pl.concat_list([pl.col(f"cles_{k}").fill_null(vide) for k in range(niveaux)]
                                                               + possibles + [vide]))
    supplement = listes.explode("c").drop_nulls("c").select(k=_cle(ben, an, pl.col("c")))["k"]
    nouveaux, souillees = repli, supplement
    while True:
        prises = cles.filter(nouveaux)
        souillees = pl.concat([souillees] + [prises[n].drop_nulls() for n in noms]).unique()
        touches = cles.select(pl.any_horizontal([pl.col(n).is_in(souillees.implode()) for n in noms]).fill_null(False)).to_series()
        nouveaux = touches & ~repli
        if not nouveaux.any():
            return repli
        repli = repli | nouveaux
