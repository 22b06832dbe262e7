"""Spreadsheets (.xlsx) in and out of a batch, through openpyxl (the optional extra `[tableur]`:
`pip install 'simulateur[tableur]'`), imported only when a workbook is read or written.

In: one sheet (the first, or the one named) becomes the CSV text the batch reader already knows —
one record per row of the sheet, so that « ligne N » in messages is the sheet's row N: the first row
names the columns; numbers are written as Excel shows them (15 significant digits: a formula's
`31.499999999999996` is `31.5`), dates as AAAA-MM-JJ, TRUE/FALSE as oui/non, a line break inside a
cell as a space; empty rows at the end are dropped.

Out: the batch's CSV output becomes one sheet `resultats`; the amounts, rates and counts are numbers
(exact: a Decimal is written as its decimal text, never through a float), the dates are dates, and
every other cell is text — one that starts like a formula (`=`, `+`, `-`, `@`) too: never a formula.
A text cell a sheet cannot hold is written changed, and counted (`Retouches`): each control character
XML forbids becomes U+FFFD, a cell of more than 32 767 characters is cut there (Excel's limit).
"""
from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal, InvalidOperation

from ..domaine.erreurs import ErreurSimulateur

SIGNATURE_ZIP = b"PK\x03\x04"       # an .xlsx file is a zip archive
LIGNES_MAX = 1_048_576               # rows of an Excel sheet


class ClasseurInvalide(ErreurSimulateur):
    """A workbook that cannot be read or written (exit 2 for the command line)."""


def est_classeur(data: bytes) -> bool:
    return data[:4] == SIGNATURE_ZIP


def verifier_openpyxl() -> None:
    """Raises ClasseurInvalide now if openpyxl is missing (before a batch is computed for nothing)."""
    _openpyxl()


def _openpyxl():
    try:
        import openpyxl
    except ImportError:
        from ..rendu.installation import commande_installation
        raise ClasseurInvalide(f"lire ou écrire un classeur .xlsx demande openpyxl : {commande_installation('tableur')} "
                               "(ou enregistrez le fichier en « CSV UTF-8 »)") from None
    return openpyxl


def _cellule(v) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "oui" if v else "non"
    if isinstance(v, dt.datetime):      # a date-time cell is the day of care (or of joining): its hour is not read
        return v.date().isoformat()
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, float):
        t = f"{v:.15g}"
        return t if "e" not in t else format(Decimal(t), "f")
    return " ".join(str(v).splitlines()) if isinstance(v, str) else str(v)


def feuilles(data: bytes, fichier: str) -> list[str]:
    return list(_classeur(data, fichier).sheetnames)


def _classeur(data: bytes, fichier: str):
    openpyxl = _openpyxl()
    try:
        return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as e:  # noqa: BLE001 - openpyxl raises many kinds (zip, XML, key errors); their English is not said
        raise ClasseurInvalide(f"{fichier} : {_pas_un_classeur(data, e)} ; indice : ouvrez-le dans un tableur et "
                               "enregistrez-le en .xlsx, ou en « CSV UTF-8 »") from None


def _pas_un_classeur(data: bytes, e: Exception) -> str:
    """What a zip archive that openpyxl cannot open is, in French: damaged, or not an Excel workbook."""
    import zipfile
    try:
        noms = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        return "archive zip abîmée ou incomplète, pas un classeur .xlsx lisible"
    if "xl/workbook.xml" not in noms:
        genre = ("un document OpenDocument (.ods, .odt)" if "mimetype" in noms else
                 "un document Word (.docx)" if "word/document.xml" in noms else
                 "une présentation (.pptx)" if "ppt/presentation.xml" in noms else "une archive .zip")
        return f"ce n'est pas un classeur .xlsx : c'est {genre} (aucune feuille Excel dedans)"
    return "classeur .xlsx abîmé (une de ses parties est illisible)"


def classeur_en_texte(data: bytes, fichier: str, feuille: str | None = None) -> str:
    """The sheet `feuille` (default: the first) of the workbook `data`, as CSV text (comma separated,
    one line per row of the sheet). Raises ClasseurInvalide (unreadable, unknown sheet)."""
    wb = _classeur(data, fichier)
    try:
        if feuille is None:
            ws = wb.worksheets[0]
        elif feuille in wb.sheetnames:
            ws = wb[feuille]
        else:
            from ..domaine.natures import suggestion
            raise ClasseurInvalide(f"{fichier} : pas de feuille « {feuille} »{suggestion(feuille, wb.sheetnames)} "
                                   f"(feuilles : {', '.join(wb.sheetnames)})")
        sortie = io.StringIO()
        w = csv.writer(sortie, lineterminator="\n")
        vides = 0
        for ligne in ws.iter_rows(values_only=True):
            cellules = [_cellule(v) for v in ligne]
            while cellules and cellules[-1] == "":
                cellules.pop()
            if not cellules:
                vides += 1              # kept only if a row follows: the numbering stays the sheet's
                continue
            sortie.write("\n" * vides)
            vides = 0
            w.writerow(cellules)
        return sortie.getvalue()
    finally:
        wb.close()


# ------------------------------------------------------------------ output

def _types_colonnes(entete: list[str]) -> list:
    """How each output column is written to the sheet: a number, a date, an integer, or text."""
    from ..domaine.champs import PAR_NOM
    from .lecture import normaliser_colonne
    montants = {"securite_sociale", "participation_forfaitaire", "total_rembourse", "reste_a_charge", "forfait_apres_cancer",
                "base_remboursement", "frais_reels", "complementaire"}
    types = []
    for nom in entete:
        n = normaliser_colonne(nom)
        c = PAR_NOM.get(n)
        if n in montants or n.startswith("part_") or (c is not None and c.type in ("montant", "taux")):
            types.append("nombre")
        elif c is not None and c.type == "date":
            types.append("date")
        elif c is not None and c.type in ("entier", "dent"):
            types.append("entier")
        else:
            types.append("texte")
    return types


def _valeur(texte: str, genre: str):
    if texte == "" or genre == "texte":
        return texte
    try:
        if genre == "nombre":
            return Decimal(texte.replace(",", "."))
        if genre == "entier":
            return int(texte)
        if genre == "date":
            return dt.date.fromisoformat(texte)
    except (InvalidOperation, ValueError):
        pass
    return texte                     # a cell the batch refused stays as written


FORMULE = ("=", "+", "-", "@", "\t", "\r")      # what a spreadsheet may take for the start of a formula
CELLULE_MAX = 32_767                             # characters of an Excel cell (Excel's specifications and limits)
REMPLACANT = "\ufffd"                            # what stands for a character a sheet cannot hold


class Retouches:
    """The cells of a written sheet that had to be changed to fit it, as values (the CLI words them):
    `illegaux` cells held a control character XML 1.0 forbids (U+0000–U+0008, U+000B, U+000C,
    U+000E–U+001F: openpyxl's ILLEGAL_CHARACTERS_RE), each replaced by U+FFFD; `longues` cells had more
    than 32 767 characters (Excel's limit), cut there. `premiere_*`: (sheet row, column letter, column
    name) of the first one — row 1 is the header."""

    def __init__(self):
        self.illegaux = 0
        self.premier_illegal = None
        self.longues = 0
        self.premiere_longue = None

    def __bool__(self) -> bool:
        return bool(self.illegaux or self.longues)


def _ajuster(texte: str, rangee: int, colonne: int, entete: list, retouches: Retouches) -> str:
    """`texte` as a sheet can hold it: each forbidden control character → U+FFFD, cut at 32 767
    characters; the change counted in `retouches` (row `rangee`, column `colonne` from 0)."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.utils import get_column_letter
    ou = (rangee, get_column_letter(colonne + 1), entete[colonne] if colonne < len(entete) else "")
    propre, n = ILLEGAL_CHARACTERS_RE.subn(REMPLACANT, texte)
    if n:
        retouches.illegaux += 1
        retouches.premier_illegal = retouches.premier_illegal or ou
    if len(propre) > CELLULE_MAX:
        retouches.longues += 1
        retouches.premiere_longue = retouches.premiere_longue or ou
        propre = propre[:CELLULE_MAX]
    return propre


def texte_inerte(ws, texte: str):
    """A text cell of the write-only sheet `ws`: as given, but one that starts like a formula (`=`, `+`,
    `-`, `@`, tab, carriage return: a statement or a third party's file may hold `=HYPERLINK(…)`) is
    forced to be text (openpyxl data type « s »), never a formula; the value is unchanged."""
    if not texte.startswith(FORMULE):
        return texte
    from openpyxl.cell import WriteOnlyCell
    c = WriteOnlyCell(ws, value=texte)
    c.data_type = "s"
    return c


def ecrire_classeur(texte_csv: str, flux, feuille: str = "resultats", retouches: Retouches | None = None) -> int:
    """Writes the CSV text (header first) as a one-sheet workbook to the binary stream `flux`; the
    number of data rows. A text cell a sheet cannot hold (a control character, more than 32 767
    characters) is written changed (`_ajuster`) and counted in `retouches`: never an error, never a
    row lost. Raises ClasseurInvalide past Excel's row limit."""
    openpyxl = _openpyxl()
    from openpyxl.cell import WriteOnlyCell
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet(feuille)
    formats = {"nombre": "#,##0.00", "date": "yyyy-mm-dd"}
    retouches = Retouches() if retouches is None else retouches
    lecteur = csv.reader(io.StringIO(texte_csv.lstrip("\ufeff")), delimiter=_separateur(texte_csv))
    entete = next(lecteur, [])

    def texte(t, rangee, k):
        return texte_inerte(ws, _ajuster(t, rangee, k, entete, retouches))

    def cellule(t, genre, rangee, k):
        v = _valeur(t, genre)
        if isinstance(v, str):
            return texte(v, rangee, k)
        if genre not in formats:
            return v
        c = WriteOnlyCell(ws, value=v)
        c.number_format = formats[genre]
        return c

    ws.append([texte(c, 1, k) for k, c in enumerate(entete)])
    types = _types_colonnes(entete)
    n = 0
    for ligne in lecteur:
        n += 1
        if n >= LIGNES_MAX:
            raise ClasseurInvalide(f"plus de {LIGNES_MAX - 1} lignes : trop pour une feuille Excel ; écrivez un .csv")
        ws.append([cellule(c, types[k], n + 1, k) if k < len(types) else texte(c, n + 1, k) for k, c in enumerate(ligne)])
    wb.save(flux)
    return n


def _separateur(texte: str) -> str:
    entete = texte.split("\n", 1)[0]
    return max((",", ";", "\t"), key=lambda s: (entete.count(s), s == ","))
