"""Annual state in columns: saturating cumulative sums per beneficiary, civil year and key.

The line engine threads each beneficiary's state through the acts in date order (ties: input order):
an act reads how much of a counter the earlier acts used, then consumes some of it. Here the acts
are sorted ONCE in that order (beneficiary, date, input position) and every counter is a
cumulative sum over the acts of its group (`.over(groupe)`, which keeps that order).

Lemma (saturating sum). Let a counter start at 0 with a ceiling C ≥ 0, the same for every act of the
group, and let act i, in order, have a demand d_i ≥ 0 that does not depend on the counter, and
consume

    u_i = min(d_i, max(C − U_{i−1}, 0)),   U_i = U_{i−1} + u_i   (U_0 = 0).

Then U_i = min(C, D_i) where D_i = d_1 + … + d_i. Proof by induction: if U_{i−1} = min(C, D_{i−1})
then U_{i−1} ≤ C, so max(C − U_{i−1}, 0) = C − U_{i−1} and U_i = min(U_{i−1} + d_i, C) =
min(min(C, D_{i−1}) + d_i, C) = min(C + d_i, D_i, C) = min(D_i, C) since d_i ≥ 0. ∎
Hence u_i = min(C, D_i) − min(C, D_i − d_i), and what was left before act i is
C − min(C, D_i − d_i): one cumulative sum and two minima, no loop.

Each use below states why its rule has that form (a demand independent of the counter, one
ceiling per group); where it does not (a ceiling changing within a year, an amount whose demand
depends on the counter), the plan does not compile the act and the line engine computes it.
"""
from __future__ import annotations

import polars as pl


def sature(demande: pl.Expr, plafond: pl.Expr, groupe: list) -> tuple[pl.Expr, pl.Expr]:
    """(consumption u_i, room left before the act C − U_{i−1}) of the lemma, for acts grouped by
    `groupe` (a list of column names) in frame order; `demande` ≥ 0 and `plafond` constant per group."""
    cumul = demande.cum_sum().over(groupe)
    avant = pl.min_horizontal(plafond, cumul - demande)
    return pl.min_horizontal(plafond, cumul) - avant, plafond - avant


def avant(quantite: pl.Expr, groupe: list) -> pl.Expr:
    """Σ of `quantite` over the group's earlier acts (a plain counter with no ceiling: days used)."""
    return quantite.cum_sum().over(groupe) - quantite
