"""Readers of the columnar path: a batch file (CSV or Parquet) or a table (polars, Arrow, pandas) in
blocks of rows, each block a polars frame of texts — the same cells the line path reads.

CSV. The header is read by the line path's `lecture.Table` (separator, names matched without case or
accents, required columns, the same messages). The rows are read in blocks of bytes cut at a line
end, without ever holding the whole file: each physical line is one text (polars), split on the
separator, which is exactly what the line path does for a record without quotes (`SourceCSV`).
Encodings as the line path: UTF-8 with or without BOM (a file that is not UTF-8 is read again as
Windows-1252), UTF-16 (read whole). A file with a quote character anywhere is read by the line
path's `Table` (quoted separators and line breaks): exact, but in memory and slower.
Blank lines are skipped and counted, line numbers are the file's (header = 1).

Parquet and tables: every column as text (dates ISO, decimals as written, booleans true/false), row
number = position + 1. A column of floating-point numbers among the act's fields is refused: a
binary float is not an amount in cents.
"""
from __future__ import annotations

import codecs
import io
import os
from dataclasses import dataclass, field

import polars as pl

from ...domaine.champs import COLONNES_OBLIGATOIRES, PAR_NOM
from ...domaine.identifiants import _BORDS, normaliser_beneficiaire
from ..lecture import (_UTF8_MULTI, LotInvalide, Table, _index_colonnes, decoder, encodages_melanges, lire_octets,
                       normaliser_colonne, verifier_parquet)

TAILLE_BLOC = 8 * 1024 * 1024           # bytes of CSV parsed at once (about 90 000 rows of a claims file)
BLOCS_PAR_TACHE = 2                      # a task reads 2 such blocks (16 MiB: its writing stays under 300 MB)
LIGNES_BLOC = 360_000                    # rows of a table read at once
_ABSENTS = (b"\x1f", b"\x1e", b"\x1d", b"\x1c", b"\x01", b"\x02")
COLONNES_UTILES = tuple(PAR_NOM) + ("beneficiaire", "contrat", "formule")


@dataclass
class Entete:
    """What the header says: separator, names as written and matched (`colonnes`: name → index), width,
    the header line as written, whether the file had a BOM, the encoding; `csv`: a text file."""
    fichier: str
    sep: str
    noms: list
    colonnes: dict
    largeur: int
    entete: str
    bom: bool = False
    encodage: str = "utf-8"
    csv: bool = True
    guillemets: bool = False
    types: dict = field(default_factory=dict)      # Parquet / tables: column → polars dtype, as read


def normaliser_beneficiaires(s: pl.Series) -> pl.Series:
    """`identifiants.normaliser_beneficiaire` on a column: the same strip of white space, and NFC for the
    non-ASCII ids (by Python's own `unicodedata`, id by id)."""
    t = s.fill_null("").str.strip_chars(_BORDS)
    autres = t.filter(~t.str.contains(r"^[\x00-\x7f]*$")).unique()
    if len(autres):
        t = t.replace(autres, [normaliser_beneficiaire(x) for x in autres.to_list()])
    return t


@dataclass(frozen=True)
class Bloc:
    """A block of a CSV file to read: bytes [debut, fin) (whole lines), the first one being line `ligne`."""
    chemin: str
    debut: int
    fin: int
    ligne: int


class SourceCSV:
    """A CSV file (path, or bytes for standard input). `entete`; then either `plan` (a plain file read by
    blocks of bytes, each read on its own by `lire_bloc`, possibly in another process), or `blocs()` (the
    text in memory, read in order: standard input, UTF-16, a file with quotes or lone carriage returns)."""

    def __init__(self, chemin: str, fichier: str, donnees: bytes | None = None):
        self.chemin, self.fichier, self.donnees = chemin, fichier, donnees
        self.memoire = self.texte = self.plan = None
        self.vides = 0
        if donnees is None:
            lire_octets_verifie(chemin)
        debut = self._morceau()
        bom, encodage, guillemets = debut.startswith(codecs.BOM_UTF8), "utf-8", False
        en_memoire = donnees is not None or debut.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) \
            or b"\x00" in debut[:65536]
        if not en_memoire:
            guillemets, utf8, cr_seul, plan = self._parcourir(bom)
            en_memoire = guillemets or cr_seul
            encodage = "utf-8" if utf8 else "windows-1252"
        if en_memoire:
            data = self.donnees if self.donnees is not None else lire_octets(self.chemin)
            guillemets = guillemets or b'"' in data
            self.texte, encodage, bom = decoder(data, fichier)
            del data
            self.memoire = self.texte.replace("\r\n", "\n").replace("\r", "\n").encode("utf-8")
            debut = self.memoire[:TAILLE_BLOC]
        else:
            self.plan = plan
        fin = debut.find(b"\n")
        ligne = debut[3 if bom and self.memoire is None else 0:fin if fin >= 0 else len(debut)]
        texte = ligne.decode("utf-8" if encodage != "windows-1252" else "cp1252")
        t = Table(texte.replace("\r\n", "\n").replace("\r", "\n").split("\n")[0] + "\n", fichier)
        self.entete = Entete(fichier, t.sep, t.noms, t.colonnes, t.largeur, t.entete, bom, encodage, True, guillemets)

    def _morceau(self) -> bytes:
        if self.donnees is not None:
            return self.donnees[:TAILLE_BLOC]
        with open(self.chemin, "rb") as f:
            return f.read(TAILLE_BLOC)

    def taille(self) -> int:
        return len(self.donnees) if self.donnees is not None else os.path.getsize(self.chemin)

    def _parcourir(self, bom: bool):
        """One pass over the file: (a quote somewhere, all UTF-8, a lone carriage return, the blocks of the
        tasks after the header, each `BLOCS_PAR_TACHE` blocks of bytes). With a BOM, a byte that is not UTF-8
        is the line path's error (LotInvalide naming its offset)."""
        guillemets, utf8, cr_seul, plan, pos, ligne = False, True, False, [], 0, 1
        groupe = 0
        fins = 0                   # line ends before this block
        l_utf8 = l_autre = None    # the first line holding UTF-8 sequences, the first that is not UTF-8
        for morceau in self._octets_bruts():
            guillemets = guillemets or b'"' in morceau
            if not morceau.isascii():
                if l_utf8 is None:              # searched until found: the first accented block, in a UTF-8 file
                    m = _UTF8_MULTI.search(morceau)
                    if m is not None:
                        l_utf8 = fins + morceau.count(b"\n", 0, m.start()) + 1
                if utf8:
                    try:
                        (morceau[3:] if pos == 0 and bom else morceau).decode("utf-8")
                    except UnicodeDecodeError as e:
                        if bom:
                            raise LotInvalide(f"{self.fichier} : caractères illisibles en UTF-8 (octet {pos + e.start - 3 if pos else e.start}) "
                                              "alors que le fichier commence par une marque UTF-8 ; indice : enregistrez le fichier "
                                              "en « CSV UTF-8 »") from None
                        utf8 = False
                        l_autre = fins + morceau.count(b"\n", 0, e.start) + 1
            fins += morceau.count(b"\n")
            if b"\r" in morceau and morceau.count(b"\r") != morceau.count(b"\r\n"):
                cr_seul = True
            debut = pos
            if pos == 0:                       # the header line
                fin = morceau.find(b"\n")
                debut, ligne = (fin + 1, 2) if fin >= 0 else (len(morceau), 2)
            if pos + len(morceau) > debut:
                if plan and groupe < BLOCS_PAR_TACHE:
                    plan[-1] = Bloc(self.chemin, plan[-1].debut, pos + len(morceau), plan[-1].ligne)
                else:
                    plan.append(Bloc(self.chemin, debut, pos + len(morceau), ligne))
                    groupe = 0
                groupe += 1
            ligne += morceau.count(b"\n", debut - pos) + (0 if morceau.endswith(b"\n") else 1)
            pos += len(morceau)
        if not utf8 and l_utf8 is not None:      # the line path's refusal (`lot.lecture.decoder`), same words
            raise encodages_melanges(self.fichier, l_utf8, l_autre)
        return guillemets, utf8, cr_seul, plan

    def _octets_bruts(self, debut: int = 0):
        """The bytes from `debut` (the text in memory, or the file), in blocks ending at a line end (the last may not)."""
        data = self.memoire if self.memoire is not None else self.donnees
        if data is not None:
            pos = debut
            while pos < len(data):
                fin = data.rfind(b"\n", pos, pos + TAILLE_BLOC)
                fin = len(data) if fin < 0 or pos + TAILLE_BLOC >= len(data) else fin + 1
                yield data[pos:fin]
                pos = fin
            return
        with open(self.chemin, "rb") as f:
            f.seek(debut)
            reste = b""
            while True:
                lu = f.read(TAILLE_BLOC)
                if not lu:
                    if reste:
                        yield reste
                    return
                lu = reste + lu if reste else lu
                fin = lu.rfind(b"\n")
                if fin < 0:
                    reste = lu
                    continue
                yield lu[:fin + 1]
                reste = lu[fin + 1:]

    # ---------------------------------------------------------------- the rows of a text in memory
    def blocs(self, projection: dict):
        """Frames of (`ligne`, `brut`, the cells of `projection`, `vides`) for the records after the header
        of a text in memory, blank ones skipped (counted in the frame's `vides` attribute and in `self.vides`)."""
        self.vides = 0
        if self.entete.guillemets:
            yield from self._blocs_table(projection)
            return
        premier, numero, groupe, vides_groupe = True, 1, [], 0
        for bloc in self._octets_bruts():
            if premier:
                premier = False
                fin = bloc.find(b"\n")
                bloc = bloc[fin + 1:] if fin >= 0 else b""
            lignes, vides = lignes_du_bloc(bloc, numero + 1, self.entete, projection, transcoder=False)
            numero += len(lignes) + vides
            self.vides += vides
            groupe.append(lignes)
            vides_groupe += vides
            if len(groupe) == BLOCS_PAR_TACHE:
                yield pl.concat(groupe), vides_groupe
                groupe, vides_groupe = [], 0
        if groupe:
            yield pl.concat(groupe), vides_groupe

    def _blocs_table(self, projection: dict):
        """A file with quotes: records found by the line path's `Table` (csv module)."""
        t = Table(self.texte, self.fichier)
        vide = " \t\r\n" + t.sep
        lignes, bruts, vides = [], [], 0
        for numero, debut, fin in t.enregistrements():
            rec = t.texte[debut:fin]
            if not rec.strip(vide):
                self.vides += 1
                vides += 1
                continue
            lignes.append(numero)
            bruts.append(t.brut(debut, fin))
            if len(lignes) >= LIGNES_BLOC:
                yield self._bloc_table(lignes, bruts, projection), vides
                lignes, bruts, vides = [], [], 0
        if lignes or vides:
            yield self._bloc_table(lignes, bruts, projection), vides

    def _bloc_table(self, lignes, bruts, projection) -> pl.DataFrame:
        df = pl.DataFrame({"ligne": lignes, "brut": bruts}, schema={"ligne": pl.Int64, "brut": pl.String})
        cel, _ = _cellules_csv_module(df["brut"], self.entete, projection)
        return pl.concat([df, cel], how="horizontal")


def lignes_du_bloc(bloc: bytes, premiere: int, entete: Entete, projection: dict, transcoder: bool = True) -> tuple[pl.DataFrame, int]:
    """(the records of a block of bytes (whole lines) starting at line `premiere`: `ligne`, `brut` and the
    cells of `projection`; the count of blank lines skipped). Windows-1252 is read as such, lone carriage
    returns are line ends (the line path's `Table`)."""
    if transcoder and entete.encodage == "windows-1252":
        bloc = bloc.decode("cp1252").encode("utf-8")
    if b"\r" in bloc:
        bloc = bloc.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    lignes = _lignes(bloc)
    n = len(lignes)
    cles = _cellules_bloc(bloc, lignes["brut"], entete, projection)
    lignes = pl.concat([lignes, cles], how="horizontal").with_columns(
        ligne=pl.int_range(premiere, premiere + n, dtype=pl.Int64))
    vide = " \t\r\n" + entete.sep
    blanc = lignes["brut"].is_null() | (lignes["brut"].str.strip_chars(vide) == "")
    if blanc.any():
        lignes = lignes.filter(~blanc)
    return lignes, n - len(lignes)


def lire_bloc(bloc: Bloc, entete: Entete, projection: dict):
    """`lignes_du_bloc` of each block of bytes of a task's range of a file (read on its own: any process can
    read any range): yields (records, blank lines skipped)."""
    ligne, reste, a_lire = bloc.ligne, b"", bloc.fin - bloc.debut
    with open(bloc.chemin, "rb") as f:
        f.seek(bloc.debut)
        while a_lire > 0 or reste:
            lu = f.read(min(TAILLE_BLOC, a_lire)) if a_lire > 0 else b""
            a_lire -= len(lu)
            data = reste + lu if reste else lu
            fin = data.rfind(b"\n") + 1 if a_lire > 0 else len(data)
            if fin <= 0:
                reste = data
                continue
            reste = data[fin:]
            lignes, vides = lignes_du_bloc(data[:fin], ligne, entete, projection)
            del data
            ligne += len(lignes) + vides
            yield lignes, vides


def lire_octets_verifie(chemin) -> None:
    """The line path's checks of a path (exists, not a folder, not too large), without reading it."""
    if str(chemin) == "-":
        return
    from ..lecture import TAILLE_MAX
    if not os.path.exists(chemin):
        lire_octets(chemin)              # its message
    if os.path.isdir(chemin) or os.path.getsize(chemin) > TAILLE_MAX:
        lire_octets(chemin)


def _lignes(bloc: bytes) -> pl.DataFrame:
    """The physical lines of a block of UTF-8 bytes, one text each (a blank line is null)."""
    if not bloc:
        return pl.DataFrame({"brut": []}, schema={"brut": pl.String})
    sep = next(s for s in _ABSENTS if s not in bloc)
    df = pl.read_csv(io.BytesIO(bloc), has_header=False, separator=sep.decode(), quote_char=None,
                     schema={"brut": pl.String}, infer_schema=False)
    attendues = bloc.count(b"\n") + (0 if bloc.endswith(b"\n") else 1)
    if len(df) != attendues:          # never seen; the standard library then splits the block itself
        df = pl.DataFrame({"brut": bloc.decode("utf-8").split("\n")[:attendues]}, schema={"brut": pl.String})
    return df


def _cellules_bloc(bloc: bytes, brut: pl.Series, entete: Entete, utiles: dict) -> pl.DataFrame:
    """The cells `utiles` (name → index) of the lines of a block of UTF-8 bytes without quotes, by polars'
    CSV parser (missing cells null); a block with a record longer than the header is split line by line."""
    if not utiles:
        return pl.DataFrame()
    largeur, sep = entete.largeur, entete.sep
    schema = {f"c{k}": pl.String for k in range(largeur)}
    try:
        df = pl.read_csv(io.BytesIO(bloc), has_header=False, separator=sep, quote_char=None, schema=schema,
                         columns=sorted(set(utiles.values())), infer_schema=False) if bloc else pl.DataFrame(schema=schema)
    except pl.exceptions.PolarsError:             # ragged records (ComputeError or SchemaError by version)
        df = None
    if df is None or len(df) != len(brut):
        liste = brut.str.split(sep)
        return pl.DataFrame({nom: liste.list.get(i, null_on_oob=True) for nom, i in utiles.items()},
                            schema={k: pl.String for k in utiles})
    return pl.DataFrame({nom: df[f"c{i}"] for nom, i in utiles.items()}, schema={k: pl.String for k in utiles})


def cellules_csv(brut: pl.Series, entete: Entete, utiles) -> tuple[pl.DataFrame, pl.Series | None]:
    """The cells of the records `brut` for the columns `utiles` (name → index), as the line path reads
    them (`SourceCSV.cellules`): missing cells empty, cut to the header's width; and the count of cells of
    each record when some record has more cells than the header (None otherwise)."""
    if entete.guillemets:
        return _cellules_csv_module(brut, entete, utiles)
    texte = (brut.str.join("\n").item() + "\n").encode("utf-8") if len(brut) else b""
    largeur, sep = entete.largeur, entete.sep
    schema = {f"c{k}": pl.String for k in range(largeur)}
    try:
        df = pl.read_csv(io.BytesIO(texte), has_header=False, separator=sep, quote_char=None, schema=schema,
                         infer_schema=False) if texte else pl.DataFrame(schema=schema)
        n = None
    except pl.exceptions.PolarsError:             # a record longer or shorter than the header (polars 1: ComputeError,
                                                  # polars 2: SchemaError): split line by line
        liste = brut.str.split(sep)
        df = pl.DataFrame({f"c{k}": liste.list.get(k, null_on_oob=True) for k in range(largeur)}, schema=schema)
        n = liste.list.len()
    if len(df) != len(brut):          # pragma: no cover - the parser kept every line (blank ones are not here)
        raise AssertionError("lecture en colonnes : lignes perdues")
    cols = {nom: df[f"c{i}"].fill_null("") for nom, i in utiles.items()}
    return pl.DataFrame(cols, schema={k: pl.String for k in cols}), n


def _cellules_csv_module(brut: pl.Series, entete: Entete, utiles):
    import csv
    sep, largeur = entete.sep, entete.largeur
    cols = {nom: [] for nom in utiles}
    comptes = []
    for rec in brut.to_list():
        cel = rec.split(sep) if '"' not in rec else next(csv.reader(io.StringIO(rec, newline=""), delimiter=sep), [])
        comptes.append(len(cel))
        for nom, i in utiles.items():
            cols[nom].append(cel[i] if i < len(cel) and i < largeur else "")
    return pl.DataFrame(cols, schema={k: pl.String for k in cols}), pl.Series("n", comptes, dtype=pl.UInt32)


# ------------------------------------------------------------------ Parquet and tables

def _texte(s: pl.Series) -> pl.Series:
    """A column as the texts a CSV would hold: dates ISO, decimals as written, booleans true/false; a
    datetime is its date (as `lire_date` takes a datetime). Floating-point numbers are refused."""
    if s.dtype == pl.String:
        return s
    if s.dtype.is_float():
        raise LotInvalide(f"colonne « {s.name} » en nombres à virgule flottante : un montant doit être exact au centime ; "
                          "indice : convertissez-la en décimal (Decimal) ou en texte avant le calcul")
    if isinstance(s.dtype, pl.Datetime):
        s = s.dt.date()
    return s.cast(pl.String)


class SourceTable:
    """A table (polars, Arrow, pandas; or a Parquet file, scanned) read in blocks of texts."""

    def __init__(self, frame, fichier: str):
        if isinstance(frame, (pl.DataFrame, pl.LazyFrame)):
            self.frame = frame.lazy()
        elif type(frame).__module__.split(".")[0] == "pandas":
            self.frame = pl.from_pandas(frame).lazy()
        else:
            self.frame = pl.from_arrow(frame).lazy()
        self.fichier = fichier
        schema = self.frame.collect_schema()
        noms = list(schema.names())
        colonnes = _index_colonnes(noms, fichier, COLONNES_OBLIGATOIRES)
        for nom, i in colonnes.items():
            if nom in PAR_NOM and schema[noms[i]].is_float():
                _texte(pl.Series(noms[i], [], dtype=schema[noms[i]]))
        self.entete = Entete(fichier, ",", noms, colonnes, len(noms), ",".join(noms), csv=False, types=dict(schema))
        self.vides = 0
        self.plan = None
        self._n = None

    def taille(self) -> int:
        if self._n is None:
            self._n = self.frame.select(pl.len()).collect().item()
        return self._n

    def blocs(self, _projection=None):
        """(the block as read, 0 blank rows) for each block of `LIGNES_BLOC` rows."""
        debut, total = 0, self.taille()
        while debut < total:
            bloc = self.frame.slice(debut, LIGNES_BLOC).collect()
            yield bloc, 0
            debut += len(bloc)

    def textes(self, bloc: pl.DataFrame, premiere: int) -> pl.DataFrame:
        """The useful columns of a block as texts (`ligne`: the position from 1)."""
        noms = self.entete.noms
        utiles = {nom: noms[i] for nom, i in self.entete.colonnes.items() if nom in COLONNES_UTILES}
        textes = pl.DataFrame({nom: _texte(bloc[col]) for nom, col in utiles.items()})
        return textes.with_columns(ligne=pl.int_range(premiere, premiere + len(bloc), dtype=pl.Int64))


def source_parquet(chemin: str, fichier: str) -> SourceTable:
    lire_octets_verifie(chemin)
    verifier_parquet(chemin, fichier)          # what the file is when it is not Parquet, in French
    try:
        frame = pl.scan_parquet(chemin)
        frame.collect_schema()
    except Exception:  # noqa: BLE001 - polars raises several kinds for a damaged file (its English is not the user's)
        raise LotInvalide(f"{fichier} : fichier Parquet abîmé (ses métadonnées sont illisibles) ; indice : vérifiez qu'il "
                          "s'agit bien d'un fichier .parquet complet, ou donnez un CSV") from None
    return SourceTable(frame, fichier)


__all__ = ["Entete", "SourceCSV", "SourceTable", "cellules_csv", "normaliser_beneficiaires", "normaliser_colonne",
           "source_parquet"]
