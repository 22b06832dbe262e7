"""The columns of the acts the columnar engine reads, and their types (from `domaine.champs.CHAMPS`).

`COMPILES` are the act's fields the columnar path understands: those the engine reads, and those
that only matter to what it never compiles (the frame of an optical equipment, the ear of a
hearing aid, the change of sight of a renewal). `REPLI_COMPOSANTE` are fields it knows but does not
compile (a waiting period, the après-cancer forfait): an act where one is given falls back with its
component. Every OTHER field of CHAMPS — one added later by another change — is unknown here: an act
where it is not at its default sends its whole beneficiary to the line engine, so that the columnar
path can never compute a row with a rule it does not know.
"""
from __future__ import annotations

import polars as pl

from ...domaine.champs import CHAMPS, CLASSES_VERRES, PAR_NOM
from ...domaine.natures import NATURES

COMPILES = frozenset({"nature", "date", "br", "frais_reels", "quantite", "dptm", "panier", "limite", "age", "regime", "taux",
                      "monture", "verres", "psychiatrie", "smr", "acte_lourd", "oreille", "changement_vue",
                      "certificat_radiation", "dent"})
REPLI_COMPOSANTE = frozenset({"date_adhesion", "fin_traitement"})
INCONNUS = tuple(c.nom for c in CHAMPS if c.nom not in COMPILES and c.nom not in REPLI_COMPOSANTE)

NATURE = pl.Enum(list(NATURES))
VERRES = pl.Enum([f"{a}+{b}" for i, a in enumerate(CLASSES_VERRES) for b in CLASSES_VERRES[i:]])


def enum(champ: str) -> pl.Enum:
    return pl.Enum(list(PAR_NOM[champ].valeurs))


# What `calculer` reads: `i` the input position (ties of a date), `ben` an integer per beneficiary,
# `plan` the index of the act's (contract, formula) plan; amounts in cents, `taux` in basis points
# (null: the régime's rate); `repli`: the act falls back (with its component), `tout`: its whole
# beneficiary falls back.
COLONNES = {
    "i": pl.Int64, "ben": pl.Int64, "plan": pl.Int32, "nature": NATURE, "date": pl.Date, "br": pl.Int64,
    "frais_reels": pl.Int64, "quantite": pl.Int64, "dptm": pl.Boolean, "panier": enum("panier"), "limite": pl.Int64,
    "age": pl.Int64, "regime": enum("regime"), "taux": pl.Int64, "psychiatrie": pl.Boolean, "smr": enum("smr"),
    "acte_lourd": pl.Boolean, "verres": VERRES, "dent": pl.Int64, "repli": pl.Boolean, "tout": pl.Boolean,
}
