"""Batch cells (text) → the columns of the columnar engine, read by the line path's own parsers.

Every distinct text of a column is read once by the field's parser (`ConvertisseurActes.valeur`, the
one `simulateur lot` uses for each cell), so a cell means here exactly what it means to the line
path; amounts written plainly (`31.50`, `31,50`, `120`) are read in columns first — the same value
the parser gives, by construction of the pattern. A row the line path would refuse is an error row
(`erreur`): it is computed by the line path, which says why. A row with a field the columnar engine
does not know, at a value other than its default, sends its beneficiary to the line path (`tout`).
"""
from __future__ import annotations

import polars as pl

from ...domaine.acte import ConvertisseurActes
from ...domaine.champs import CHAMPS, PAR_NOM
from ...domaine.erreurs import ActeInvalide
from ...domaine.natures import NATURES
from ...moteur.colonnes import types

_MONTANT_SIMPLE = r"^[0-9]{1,8}(?:[.,][0-9]{1,2})?$"
_NON_REMBOURSEES = sorted(code for code, n in NATURES.items() if n.taux is None)
_DTYPES = {"montant": pl.Int64, "taux": pl.Int64, "date": pl.Date, "entier": pl.Int64, "dent": pl.Int64,
           "booleen": pl.Boolean, "choix": pl.String, "verres": pl.String, "nature": pl.String, "acte": pl.String}


def _machine(champ, v):
    """A parsed value → its column value: cents, basis points (None when not exact: fallback), a lens pair as text."""
    if v is None:
        return None
    if champ.type == "montant" or champ.type == "taux":
        c = v * 100
        return int(c) if c == c.to_integral_value() else None
    if champ.type == "verres":
        return "+".join(v)
    return v


def _montants_simples(textes: pl.Series) -> tuple[pl.Series, pl.Series]:
    """(cents, is plain) of amount texts written plainly: digits, then `.` or `,` and one or two digits.
    `lire_montant` reads such a text as that exact number (at most 8 digits: below MONTANT_MAX)."""
    simple = textes.str.contains(_MONTANT_SIMPLE)
    propres = pl.select(pl.when(simple).then(textes)).to_series()     # only plain texts are converted: a
    valeurs = propres.str.replace(",", ".", literal=True).str.to_decimal(scale=2)   # 30-digit one is the parser's
    cents = (valeurs * 100).cast(pl.Int64)
    return pl.select(pl.when(simple).then(cents)).to_series(), simple


class Lecteur:
    """Reads the field columns of a batch, distinct text by distinct text, with one ConvertisseurActes."""

    def __init__(self):
        self.conv = ConvertisseurActes({c.nom: k for k, c in enumerate(CHAMPS)})

    def _lents(self, c, lents: list) -> tuple[list, list]:
        valeurs, refus = [], []
        for t in lents:
            try:
                valeurs.append(_machine(c, self.conv.valeur(c, t)))
                refus.append(False)
            except ActeInvalide as e:
                e.__traceback__ = None       # the value is cached by the converter: it must not keep this call's frames
                valeurs.append(None)
                refus.append(True)
        return valeurs, refus

    def champ(self, serie: pl.Series, nom: str) -> tuple[pl.Series, pl.Series, pl.Series]:
        """(values, refused, given) of one field's column of texts (null = empty cell). `given`: the value
        is not the field's default (or the text is refused). Amounts in cents; rates in basis points
        (null, not refused and given, when the rate has more than two decimals: the act falls back)."""
        c = PAR_NOM[nom]
        textes = serie.fill_null("")
        uniques = textes.unique()
        dtype = _DTYPES[c.type]
        if c.type == "montant":           # plain amounts in columns, the others by the parser
            rapide, simple = _montants_simples(uniques)
            lents = uniques.filter(~simple)
            valeurs, refus = self._lents(c, lents.to_list())
            uniques = pl.concat([uniques.filter(simple), lents])
            valeurs = pl.concat([rapide.filter(simple), pl.Series(valeurs, dtype=dtype)])
            refus = pl.concat([pl.repeat(False, int(simple.sum()), eager=True), pl.Series(refus, dtype=pl.Boolean)])
        else:
            valeurs, refus = self._lents(c, uniques.to_list())
            valeurs, refus = pl.Series(valeurs, dtype=dtype), pl.Series(refus, dtype=pl.Boolean)
        if len(uniques) == 1:
            v = pl.repeat(valeurs[0], len(textes), dtype=dtype, eager=True)
            r = pl.repeat(refus[0], len(textes), dtype=pl.Boolean, eager=True)
        else:
            v = textes.replace_strict(uniques, valeurs, default=None, return_dtype=dtype)
            r = (textes.replace_strict(uniques, refus, default=False, return_dtype=pl.Boolean) if refus.any()
                 else pl.repeat(False, len(textes), eager=True))
        donne = v.is_not_null() if c.defaut is None else (v != _machine(c, c.defaut)).fill_null(True)
        if c.type == "taux":
            donne = donne | (textes.str.strip_chars() != "")
        return v.alias(nom), r, donne | r


def convertir(cellules: pl.DataFrame, lecteur: Lecteur) -> pl.DataFrame:
    """The cells of a batch (`i`, one text column per field present) → the typed columns of the engine
    (types.COLONNES but `ben` and `plan`), with `erreur` (the line path refuses the row: a cell its
    field's parser refuses, a required value missing, the rules of `verifier_acte`), `repli` (a field
    known but not compiled is given: the act falls back with its component) and `tout` (a field the
    columnar path does not know is given: the beneficiary falls back)."""
    n = len(cellules)
    faux = pl.repeat(False, n, eager=True)
    colonnes, erreur, repli, tout = {}, faux, faux, faux
    for c in CHAMPS:
        if c.nom in cellules.columns:
            v, r, donne = lecteur.champ(cellules[c.nom], c.nom)
        else:                     # an absent column: the field's default (a batch needs its date)
            v = pl.repeat(_machine(c, c.defaut), n, dtype=_DTYPES[c.type], eager=True).alias(c.nom)
            r, donne = (pl.repeat(True, n, eager=True) if c.nom == "date" else faux), faux
        erreur = erreur | r
        if c.nom in types.INCONNUS:
            tout = tout | donne
        elif c.nom in types.REPLI_COMPOSANTE:
            repli = repli | donne
        elif c.nom == "taux":
            repli = repli | (donne & v.is_null() & ~r)
        colonnes[c.nom] = v
    df = pl.DataFrame(colonnes).with_columns(i=cellules["i"])
    # the rules between fields (domaine.acte.verifier_acte)
    nature = df["nature"]
    erreur = erreur | (df["br"].is_null() & nature.is_not_null() & ~nature.is_in(_NON_REMBOURSEES))
    erreur = erreur | (df["monture"].is_not_null() & (df["monture"] > df["frais_reels"])).fill_null(False)
    # a 100 % Santé item without its cap: the line engine completes it from the dated parameters
    # (`moteur.hypotheses.completer`; the line, hence the state keys, do not depend on it): it falls back
    repli = repli | ((df["panier"] == "100-sante") & df["limite"].is_null()).fill_null(False)
    return df.with_columns(br=pl.col("br").fill_null(0), erreur=erreur, repli=repli, tout=tout)


def vers_moteur(df: pl.DataFrame) -> pl.DataFrame:
    """The typed columns cast to the engine's (types.COLONNES)."""
    return df.select([pl.col(n).cast(t) for n, t in types.COLONNES.items() if n in df.columns])


__all__ = ["Lecteur", "convertir", "vers_moteur"]
