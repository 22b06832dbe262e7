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
its whole beneficiary.

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
    whole beneficiary falls back) and each act's state keys: `n_pf`, `n_franchise`, `cles_0…`."""
    listes = [pl.when(pl.col("n_pf")).then(pl.lit([CLE_PF], dtype=pl.List(pl.Int64))).otherwise(pl.lit([], dtype=pl.List(pl.Int64))),
              pl.when(pl.col("n_franchise").is_not_null()).then(pl.lit([CLE_FRANCHISE], dtype=pl.List(pl.Int64)))
              .otherwise(pl.lit([], dtype=pl.List(pl.Int64)))]
    listes += [pl.col(f"cles_{k}").fill_null(pl.lit([], dtype=pl.List(pl.Int64))) for k in range(niveaux)]
    longues = (df.select(rang=pl.int_range(pl.len(), dtype=pl.UInt32), ben=pl.col("ben"), an=pl.col("an"), cle=pl.concat_list(listes))
               .explode("cle").drop_nulls("cle")
               .select("rang", cle=_cle(pl.col("ben"), pl.col("an"), pl.col("cle"))))
    tous = df.filter(pl.col("tout"))["ben"].unique()
    repli = (df["repli"] | df["ben"].is_in(tous.implode())).fill_null(True)
    nouveaux = repli
    while nouveaux.any():
        rangs = pl.Series("rang", nouveaux.arg_true(), dtype=pl.UInt32)
        souillees = longues.filter(pl.col("rang").is_in(rangs.implode()))["cle"].unique()
        touches = longues.filter(pl.col("cle").is_in(souillees.implode()))["rang"].unique()
        ajout = pl.repeat(False, len(df), dtype=pl.Boolean, eager=True).scatter(touches, True) & ~repli
        repli = repli | ajout
        nouveaux = ajout
    return repli
