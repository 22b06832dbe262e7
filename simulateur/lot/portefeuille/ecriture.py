"""Writers of the columnar path: the line path's CSV, byte for byte, or Parquet, block by block in input order.

CSV: each input row as written (padded with empty cells when short, cut when it has more cells than
the header), then `securite_sociale`, `participation_forfaitaire`, one `part_<niveau>` per level,
`total_rembourse`, `reste_a_charge`, `erreur`, `forfait_apres_cancer` — the columns, separators,
decimal mark and quoting of `lot.ecriture.SortieCSV`. Parquet: the input columns as read, then the
same result columns, amounts as exact decimals (18 digits, 2 decimals), `erreur` as text.
"""
from __future__ import annotations

import csv
import io

import polars as pl

from ..ecriture import colonnes_resultat, ligne_csv
from .lecture import Entete

AMOUNTS = ("securite_sociale", "participation_forfaitaire")
_APRES = ("total_rembourse", "reste_a_charge")


def _textes_montants(res: pl.DataFrame, colonnes: list, virgule: bool, guillemets: bool = False) -> dict:
    """{column: expression} of amount columns in cents written as `montant.texte_json` writes a
    non-negative amount (`12.30`; `12,30` with a decimal comma, `"12,30"` when `guillemets`: a file
    separated by commas, as `lot.ecriture._Montants`), "" when null."""
    out = {}
    for c in colonnes:
        t = (pl.col(c).cast(pl.Decimal(20, 2)) / 100).cast(pl.String)
        if virgule:
            t = t.str.replace(".", ",", literal=True)
            if guillemets:
                t = pl.concat_str([pl.lit('"'), t, pl.lit('"')])
        out[c] = t.fill_null("")
    return out


def _prefixes(brut: pl.Series, entete: Entete) -> pl.Series:
    """Each input record as the line path writes it back (`SortieCSV._ligne`)."""
    sep, largeur = entete.sep, entete.largeur
    n = brut.str.count_matches(sep, literal=True) + 1
    speciaux = ((n != largeur) | brut.str.contains('"', literal=True)).arg_true().to_list()
    if not speciaux:
        return brut
    valeurs = []
    for k in speciaux:
        rec = brut[k]
        if '"' not in rec and rec.count(sep) == largeur - 1:
            valeurs.append(rec)
            continue
        cel = rec.split(sep) if '"' not in rec else next(csv.reader(io.StringIO(rec, newline=""), delimiter=sep), [])
        if len(cel) < largeur:
            valeurs.append(rec + sep * (largeur - len(cel)))
        elif len(cel) > largeur:
            valeurs.append(ligne_csv(cel[:largeur], sep))
        else:
            valeurs.append(rec)
    return brut.scatter(speciaux, valeurs)


def entete_csv(entete: Entete, niveaux: list) -> str:
    return entete.entete + entete.sep + entete.sep.join(colonnes_resultat(niveaux)) + "\n"


def lignes_csv(brut: pl.Series, res: pl.DataFrame, entete: Entete, niveaux: list, virgule: bool) -> pl.DataFrame:
    """One text per row (without its line end): the record, then the results (`res`, in the same order)."""
    sep = entete.sep
    cols = list(AMOUNTS) + [f"part_{n}" for n in niveaux] + list(_APRES)
    textes = _textes_montants(res, cols + ["forfait_apres_cancer"], virgule, guillemets=sep == ",")
    morceaux = []
    for c in cols:
        morceaux += [pl.lit(sep), pl.col(c)]
    morceaux += [pl.lit(sep + sep), pl.col("forfait_apres_cancer")]
    f = res.with_columns(prefixe=_prefixes(brut, entete), **textes).select(
        pl.when(pl.col("erreur").is_null()).then(pl.concat_str([pl.col("prefixe")] + morceaux)).alias("l"),
        "erreur", "prefixe")
    erreurs = f["erreur"].is_not_null().arg_true().to_list()
    if erreurs:
        vides = [""] * (2 + len(niveaux))
        textes = [f["prefixe"][k] + sep + ligne_csv(vides + ["", "", f["erreur"][k], ""], sep) for k in erreurs]
        f = f.with_columns(l=f["l"].scatter(erreurs, textes))
    return f.select("l")


def ecrire_table_csv(flux, entree: pl.DataFrame, res: pl.DataFrame, niveaux: list, virgule: bool) -> None:
    """A block of a table (Parquet, polars…) written as CSV: its columns as text, then the results."""
    cols = list(AMOUNTS) + [f"part_{n}" for n in niveaux] + list(_APRES)
    textes = _textes_montants(res, cols + ["forfait_apres_cancer"], virgule)
    entree = entree.select([(pl.col(c).dt.date() if isinstance(t, pl.Datetime) else pl.col(c)).cast(pl.String)
                            for c, t in entree.schema.items()])
    # the result columns under names no input column has (a results file read again has the same names;
    # the header is written apart, `entete_csv`)
    resultats = res.select(*[textes[c].alias(f"\x00{c}") for c in cols], pl.col("erreur").alias("\x00erreur"),
                           textes["forfait_apres_cancer"].alias("\x00forfait_apres_cancer"))
    if len(entree):
        pl.concat([entree, resultats], how="horizontal").write_csv(flux, include_header=False)


def ecrire_lignes(flux, lignes: pl.DataFrame) -> None:
    """The texts, one per line, to the binary stream `flux`."""
    if len(lignes):
        lignes.write_csv(flux, include_header=False, quote_style="never")


def colonnes_parquet(res: pl.DataFrame, niveaux: list) -> pl.DataFrame:
    """The result columns of a Parquet output (amounts as decimals, `erreur` as text)."""
    montants = list(AMOUNTS) + [f"part_{n}" for n in niveaux] + list(_APRES)
    dec = pl.Decimal(18, 2)
    return res.select(*[(pl.col(c).cast(pl.Decimal(20, 2)) / 100).cast(dec).alias(c) for c in montants],
                      pl.col("erreur"), (pl.col("forfait_apres_cancer").cast(pl.Decimal(20, 2)) / 100).cast(dec))


class SortieParquet:
    """A Parquet file written block by block (one row group each), schema fixed by the first block."""

    def __init__(self, flux):
        self.flux, self.ecrivain = flux, None

    def ecrire(self, frame: pl.DataFrame) -> None:
        import pyarrow.parquet as pq
        t = frame.to_arrow()
        if self.ecrivain is None:
            self.ecrivain = pq.ParquetWriter(self.flux, t.schema, compression="zstd")
        self.ecrivain.write_table(t.cast(self.ecrivain.schema))

    def fermer(self, vide: pl.DataFrame) -> None:
        if self.ecrivain is None:
            self.ecrire(vide)
        self.ecrivain.close()
