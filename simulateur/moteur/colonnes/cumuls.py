"""Annual state in columns: saturating cumulative sums per beneficiary, civil year and key.

The line engine threads each beneficiary's state through the acts in date order (ties: input order):
an act reads how much of a counter the earlier acts used, then consumes some of it. Here the acts
are sorted ONCE in that order (beneficiary, date, input position) and every counter is a cumulative
sum over the acts of its group, in that order. A group that is contiguous in that order (a
beneficiary's civil year) is summed in place; the others (a key of a line, a kind of franchise on a
day) on the few acts that use them, sorted by group and then by their place in the replay order.

Lemma (saturating sum). Let a counter start at 0 with a ceiling C ≥ 0, the same for every act of the
group, and let act i, in order, have a demand d_i ≥ 0 that does not depend on the counter, and
consume

    u_i = min(d_i, max(C − U_{i−1}, 0)),   U_i = U_{i−1} + u_i   (U_0 = 0).

Then U_i = min(C, D_i) where D_i = d_1 + … + d_i. Proof by induction: if U_{i−1} = min(C, D_{i−1})
then U_{i−1} ≤ C, so max(C − U_{i−1}, 0) = C − U_{i−1} and U_i = min(U_{i−1} + d_i, C) =
min(min(C, D_{i−1}) + d_i, C) = min(C + d_i, D_i, C) = min(D_i, C) since d_i ≥ 0. ∎
Hence u_i = min(C, D_i) − min(C, D_i − d_i), and what was left before act i is
C − min(C, D_i − d_i): one cumulative sum and two minima, no loop.

Each use states why its rule has that form (a demand independent of the counter, one ceiling per
group); where it does not (a ceiling changing within a year, an amount whose demand depends on the
counter), the plan does not compile the act and the line engine computes it.
"""
from __future__ import annotations

import polars as pl


def _debuts(cles: list) -> pl.Expr:
    """True on the first row of each run of equal keys (the frame being sorted so that groups are runs)."""
    return pl.any_horizontal([pl.col(c).ne_missing(pl.col(c).shift(1)) for c in cles]).fill_null(True)


def _segmente(valeur: pl.Expr, debut: pl.Expr) -> pl.Expr:
    """Σ of `valeur` from the start of its run to this row (inclusive)."""
    c = valeur.cum_sum()
    return c - pl.when(debut).then(c - valeur).forward_fill()


def cumul_contigu(valeur: pl.Expr, cles: list) -> pl.Expr:
    """Inclusive cumulative sum per group, for groups that are runs of the frame (a beneficiary's year)."""
    return _segmente(valeur, _debuts(cles))


def cumul_groupes(df: pl.DataFrame, valeur: pl.Expr, cles: list, masque: pl.Expr | None = None) -> pl.Series:
    """Inclusive cumulative sum of `valeur` per group of `cles`, in frame order, over the rows of `masque`
    (null on the other rows): the rows are taken out, sorted by group then by their place in the frame,
    summed run by run, and put back."""
    sous = df.select(pl.int_range(pl.len(), dtype=pl.UInt32).alias("_r"), *[pl.col(c) for c in cles], valeur.alias("_v"),
                     (masque if masque is not None else pl.lit(True)).alias("_m"))
    sous = sous.filter(pl.col("_m")).sort(cles + ["_r"]).select("_r", s=_segmente(pl.col("_v"), _debuts(cles)))
    return pl.repeat(None, len(df), dtype=sous.schema["s"], eager=True).scatter(sous["_r"], sous["s"])


def sature(demande: pl.Expr, cumul: pl.Expr, plafond: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """(consumption u_i, room left before the act C − U_{i−1}) of the lemma, from the demand d_i ≥ 0, its
    inclusive cumulative sum D_i in the group and the ceiling C (one value per group)."""
    avant = pl.min_horizontal(plafond, cumul - demande)
    return pl.min_horizontal(plafond, cumul) - avant, plafond - avant
