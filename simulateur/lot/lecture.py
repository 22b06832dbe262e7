"""Reading batch files: bytes → text → header → records, with the standard library's `csv` parser.

Input (docs/interface.md): a header line naming the columns, `,` `;` or tab separated (taken from
the header), UTF-8 with or without BOM, UTF-16 with BOM, or Windows-1252 (French Excel's « CSV
(séparateur : point-virgule) »: read, and said on stderr). Column names are matched without case,
accents, spaces or dashes (`Frais réels` = `frais_reels`). Records are found by `csv.reader`
(quotes, separators and line breaks inside quoted cells); each record's place in the text is kept,
so that a million rows cost a few integers each, and its cells are read again when its turn comes.
A record without any quote character is split on the separator, which is exactly what `csv`
returns for it (`tests/test_lot.py` checks the equivalence).
"""
from __future__ import annotations

import codecs
import csv
import io
import os
import re
import stat
import sys
import unicodedata

from ..domaine.champs import COLONNES_OBLIGATOIRES, COLONNES_REMPLACABLES
from ..domaine.erreurs import ErreurSimulateur, apercu, raison_systeme
from ..domaine.natures import suggestion

TAILLE_MAX = 8 * 1024 ** 3         # 8 Gio: a file larger than this is refused before reading it
CELLULE_MAX = 1_000_000            # characters in one cell, quoted or not (csv's own default limit is 131 072)
SEPARATEURS = (",", ";", "\t")


class LotInvalide(ErreurSimulateur):
    """The file cannot be processed at all (unreadable, no header, a required column missing): exit 2."""


def _limite_csv() -> None:
    """The csv module's cell limit set to CELLULE_MAX, the documented maximum (its default, 131 072
    characters, would make a longer cell an internal error)."""
    if csv.field_size_limit() != CELLULE_MAX:
        csv.field_size_limit(CELLULE_MAX)


def _entier(n: int) -> str:
    return f"{n:,}".replace(",", " ")          # 1 000 000, as the amounts of the messages


def normaliser_colonne(nom: str) -> str:
    """`Frais réels` → `frais_reels`, `Bénéficiaire` → `beneficiaire`, `BR` → `br`."""
    t = unicodedata.normalize("NFKD", str(nom).strip().lstrip("\ufeff")).encode("ascii", "ignore").decode().lower()
    return "_".join(t.replace("-", " ").replace("_", " ").replace(".", " ").split())


def _court(texte, n: int = 60) -> str:
    return apercu(texte, n)


def lire_octets(chemin) -> bytes:
    """The file's bytes (`-`: standard input), its size checked before reading: a regular file over
    TAILLE_MAX is refused without reading it, a pipe or a device is read up to TAILLE_MAX, and a
    binary start (NUL bytes in the first 64 Kio, outside UTF-16) is refused before reading the rest
    (`/dev/zero` is not read forever). Raises LotInvalide."""
    nom = _court(chemin, 200)
    try:
        if str(chemin) == "-":
            return _lire_flux(sys.stdin.buffer, nom)
        if os.path.isdir(chemin):
            raise LotInvalide(f"{nom} : c'est un dossier, pas un fichier de données")
        with open(chemin, "rb") as f:
            if os.fstat(f.fileno()).st_size > TAILLE_MAX:
                raise _trop_grand(nom)
            return _lire_flux(f, nom)
    except FileNotFoundError:
        from ..fichiers.exemples import indice_introuvable
        raise LotInvalide(f"{nom} : fichier introuvable ; indice : {indice_introuvable(chemin)}") from None
    except PermissionError:
        raise LotInvalide(f"{nom} : lecture refusée ; indice : vérifiez les droits du fichier") from None
    except MemoryError:
        raise LotInvalide(f"{nom} : fichier trop grand pour la mémoire de cette machine ; indice : découpez-le") from None
    except OSError as e:
        raise LotInvalide(f"{nom} : fichier illisible ({raison_systeme(e)}) ; indice : vérifiez le chemin et les droits") from None


def est_flux(chemin) -> bool:
    """Whether `chemin` can be read only once: `-` (standard input), or an existing path that is neither
    a regular file nor a folder (a named pipe, `<(cat f.csv)` = /dev/fd/N, a device). Such an input is
    read into memory once (`lire_octets`, within TAILLE_MAX) and every later step uses those bytes."""
    if str(chemin) == "-":
        return True
    try:
        mode = os.stat(chemin).st_mode
    except (OSError, ValueError):
        return False                     # missing or unreadable: `lire_octets` says why
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


def verifier_parquet(chemin, fichier: str) -> None:
    """A file named .parquet must start and end with the Parquet signature (`PAR1`): otherwise LotInvalide
    saying what it is not (and what it looks like: a CSV renamed, a workbook) and how to fix it. Reads 8
    bytes; an unreadable file is `lire_octets`' message."""
    try:
        with open(chemin, "rb") as f:
            debut = f.read(4096)
            taille = os.fstat(f.fileno()).st_size
            f.seek(max(0, taille - 4))
            fin = f.read(4)
    except OSError:
        lire_octets(chemin)
        raise
    if debut[:4] in PARQUET and fin in PARQUET and taille >= 12:
        return
    if debut[:4] in PARQUET:
        quoi = "fichier Parquet incomplet (sa fin manque : une copie ou un téléchargement interrompu ?)"
    elif not debut:
        quoi = "fichier vide, pas un fichier Parquet"
    elif debut.startswith(b"PK\x03\x04") or debut.startswith(OLE):
        quoi = "classeur (.xlsx ou .xls), pas un fichier Parquet ; indice : nommez-le .xlsx"
    elif b"\x00" not in debut and any(s in debut for s in (b",", b";", b"\t")):
        quoi = "texte (un CSV ?), pas un fichier Parquet ; indice : nommez-le .csv"
    else:
        quoi = "pas un fichier Parquet (il ne commence ni ne finit par la signature PAR1)"
    if "indice" not in quoi:
        quoi += " ; indice : donnez un fichier .parquet complet, ou un CSV"
    raise LotInvalide(f"{fichier} : {quoi}")


def _trop_grand(nom: str) -> LotInvalide:
    return LotInvalide(f"{nom} : fichier trop grand ({TAILLE_MAX // 1024 ** 3} Gio au plus) ; indice : découpez-le par bénéficiaire")


def _lire_flux(f, nom: str) -> bytes:
    debut = f.read(65536)
    _refuser_binaire(debut, nom)
    reste = f.read(TAILLE_MAX + 1 - len(debut))
    if len(debut) + len(reste) > TAILLE_MAX:
        raise _trop_grand(nom)
    return debut + reste if reste else debut


_INDICE_UTF8 = "indice : enregistrez le fichier en « CSV UTF-8 »"
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"        # an Excel 97-2003 workbook (.xls), or an encrypted .xlsx
PARQUET = (b"PAR1", b"PARE")                        # a Parquet file starts and ends with one of these


def _refuser_utf32(debut: bytes, fichier: str) -> None:
    """UTF-32 (with its mark, or ASCII text whose every character takes 4 bytes): not read, said so."""
    utf32 = debut.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE))
    if not utf32 and len(debut) >= 16 and b"\x00" in debut[:16]:
        bloc = debut[:4096 - 4096 % 4]
        nuls = [bloc[k::4].count(0) / len(bloc[k::4]) for k in range(4)]
        utf32 = (min(nuls[1:]) > 0.9 and nuls[0] < 0.1) or (min(nuls[:3]) > 0.9 and nuls[3] < 0.1)
    if utf32:
        raise LotInvalide(f"{fichier} : texte en UTF-32, un encodage non pris en charge (UTF-8, UTF-16 avec BOM ou "
                          f"Windows-1252) ; {_INDICE_UTF8}")


def _refuser_binaire(debut: bytes, fichier: str) -> None:
    """NUL bytes in the first 64 Kio of a file without a UTF-16 mark: binary (or UTF-16 without its mark,
    UTF-32, an Excel 97-2003 workbook: each said so). An .xlsx workbook (a zip archive, « PK\\3\\4 ») is
    not refused here: `decoder` reads it."""
    _refuser_utf32(debut, fichier)
    if b"\x00" not in debut[:65536] or debut.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, b"PK\x03\x04")):
        return
    if debut.startswith(OLE):
        raise LotInvalide(f"{fichier} : classeur Excel 97-2003 (.xls) ou classeur protégé par un mot de passe : non lu ; "
                          "indice : ouvrez-le dans un tableur et enregistrez-le en .xlsx (sans mot de passe) ou en "
                          "« CSV UTF-8 »")
    if debut.startswith(PARQUET):
        raise LotInvalide(f"{fichier} : fichier Parquet : il se lit par son extension ; indice : nommez-le .parquet")
    pairs, impairs = debut[0:4096:2], debut[1:4096:2]
    nuls_pairs, nuls_impairs = pairs.count(0) > len(pairs) * 0.4, impairs.count(0) > len(impairs) * 0.4
    if nuls_pairs != nuls_impairs and (pairs.count(0) < len(pairs) * 0.95 or impairs.count(0) < len(impairs) * 0.95):
        raise LotInvalide(f"{fichier} : texte UTF-16 sans marque d'ordre des octets (BOM) ; indice : enregistrez le fichier "
                          "en « CSV UTF-8 » (ou en UTF-16 avec BOM)")
    raise LotInvalide(f"{fichier} : fichier binaire (octets nuls) ; indice : donnez un fichier CSV (texte)")


def encodages_melanges(fichier: str, l_utf8: int, l_autre: int) -> LotInvalide:
    """The refusal of a file whose line `l_utf8` is UTF-8 and line `l_autre` is not (rows pasted from two
    sources): one message for both engines."""
    return LotInvalide(f"{fichier} : encodages mélangés : la ligne {l_utf8} est en UTF-8, "
                       f"la ligne {l_autre} ne l'est pas (Windows-1252 ?) ; indice : "
                       "enregistrez tout le fichier en « CSV UTF-8 »")


def decoder(data: bytes, fichier: str) -> tuple[str, str, bool]:
    """(text, encoding, had a BOM). UTF-8 (BOM or not), UTF-16 with BOM, else Windows-1252; an .xlsx
    workbook (a zip archive) gives its first sheet as CSV text (`tableur`, encoding "xlsx").

    A file that is not UTF-8 but holds UTF-8 sequences too (rows pasted from two sources) is refused
    rather than read half as mojibake: its output would mix the two encodings."""
    if data[:4] == b"PK\x03\x04":
        from .tableur import classeur_en_texte
        return classeur_en_texte(data, fichier), "xlsx", False
    if data.startswith(codecs.BOM_UTF8):
        _refuser_binaire(data[3:65536], fichier)
        return _utf8(data[3:], fichier), "utf-8", True
    _refuser_utf32(data[:4096], fichier)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16", True
        except UnicodeDecodeError:
            raise LotInvalide(f"{fichier} : UTF-16 illisible ; indice : enregistrez le fichier en « CSV UTF-8 »") from None
    _refuser_binaire(data[:65536], fichier)
    try:
        return data.decode("utf-8"), "utf-8", False
    except UnicodeDecodeError as e:
        erreur = e
    melange = _UTF8_MULTI.search(data)
    if melange is not None:
        l_utf8, l_autre = data.count(b"\n", 0, melange.start()) + 1, data.count(b"\n", 0, erreur.start) + 1
        raise encodages_melanges(fichier, l_utf8, l_autre)
    try:
        return data.decode("cp1252"), "windows-1252", False
    except UnicodeDecodeError:
        raise LotInvalide(f"{fichier} : encodage inconnu (ni UTF-8, ni UTF-16, ni Windows-1252) ; "
                          "indice : enregistrez le fichier en « CSV UTF-8 »") from None


# A well-formed UTF-8 sequence of a non-ASCII character (2 to 4 bytes): in a Windows-1252 file these
# byte pairs would read « Ã© », « Â« »… — never French text.
_UTF8_MULTI = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


def _utf8(data: bytes, fichier: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise LotInvalide(f"{fichier} : caractères illisibles en UTF-8 (octet {e.start}) alors que le fichier commence par "
                          "une marque UTF-8 ; indice : enregistrez le fichier en « CSV UTF-8 »") from None


def separateur(entete: str) -> str:
    return max(SEPARATEURS, key=lambda s: (entete.count(s), s == ","))


class Table:
    """A CSV text: its separator, its header (names as written and as matched), its records.

    `colonnes` maps each matched column name to its index; `largeur` is the header's cell count;
    `entete` the header line as written (without its line end); `debut` where the first record starts.
    """

    def __init__(self, texte: str, fichier: str, obligatoires=COLONNES_OBLIGATOIRES):
        if "\r" in texte:          # Windows and classic Mac line ends, and stray carriage returns: one line end
            texte = texte.replace("\r\n", "\n").replace("\r", "\n")
        self.texte, self.fichier = texte, fichier
        self.longues: set = set()       # line numbers of the one-line records with a cell over CELLULE_MAX
        self._entete(obligatoires)

    def _entete(self, obligatoires):
        indice = f"indice : la première ligne nomme les colonnes ({', '.join(obligatoires)}), séparées par , ou ;"
        if not self.texte.strip():
            raise LotInvalide(f"{self.fichier} : fichier vide ; {indice}")
        fin = self.texte.find("\n")
        fin = len(self.texte) if fin < 0 else fin
        ligne = self.texte[:fin].rstrip("\r")
        if not ligne.strip():
            raise LotInvalide(f"{self.fichier} : la ligne 1 est vide ; {indice}")
        self.sep = separateur(ligne)
        _limite_csv()
        try:
            self.noms = next(csv.reader([ligne], delimiter=self.sep))
        except csv.Error as e:
            raise LotInvalide(f"{self.fichier} : ligne 1 (l'en-tête) illisible en CSV ({_traduire_csv(e)}) ; {indice}") from None
        self.entete, self.debut, self.largeur = ligne, min(fin + 1, len(self.texte)), len(self.noms)
        self.colonnes = _index_colonnes(self.noms, self.fichier, obligatoires)

    def enregistrements(self):
        """(line number, start, end) of each record in order (blank records included: the caller skips them).

        A record of one line without quotes that has a cell over CELLULE_MAX characters is given too, its
        line number in `longues` (`trop_longue` then says the row's error). Raises LotInvalide naming the
        line where a quote opened and never closed, or where a quoted cell is larger than CELLULE_MAX (its
        end cannot be known).
        """
        _limite_csv()
        texte, fin_texte = self.texte, len(self.texte)
        position = [self.debut]        # where the next physical line starts: the end of what csv has read

        def lignes():                  # physical lines, without copying the text (a StringIO would hold it 4 times)
            find, pos = texte.find, position[0]
            while pos < fin_texte:
                j = find("\n", pos)
                j = fin_texte if j < 0 else j + 1
                position[0] = j
                yield texte[pos:j]
                pos = j

        lecteur = csv.reader(lignes(), delimiter=self.sep)
        debut, numero, lus = self.debut, 2, 0
        while True:
            try:
                next(lecteur)
            except StopIteration:
                return
            except csv.Error as e:
                fin = position[0]
                if lecteur.line_num - lus != 1 or '"' in texte[debut:fin] or "field larger" not in str(e):
                    raise self._illisible(numero, e) from None
                lus = lecteur.line_num            # one line, no quote: the row's error, the reading goes on
                self.longues.add(numero)
                yield numero, debut, fin
                numero, debut = numero + 1, fin
                continue
            fin = position[0]
            nb, lus = lecteur.line_num - lus, lecteur.line_num
            if nb > 1:
                self._verifier_multiligne(debut, fin, numero)
            elif fin == fin_texte and '"' in texte[debut:fin] and self._cellules_strictes(debut, fin) is None:
                raise self._guillemet_ouvert(numero)        # the last line opens a quote the file never closes
            yield numero, debut, fin
            numero += nb
            debut = fin

    def _illisible(self, numero: int, e) -> LotInvalide:
        indice = "vérifiez les guillemets de cette ligne (un guillemet ouvert doit être fermé)"
        if "field larger" in str(e):
            indice = (f"une cellule fait au plus {_entier(CELLULE_MAX)} caractères ; vérifiez les guillemets de cette ligne "
                      "(un guillemet ouvert et jamais fermé fait une cellule sans fin)")
        return LotInvalide(f"{self.fichier} : ligne {numero} illisible en CSV ({_traduire_csv(e)}) ; indice : {indice}")

    def trop_longue(self, cellules) -> str | None:
        """The row's error when one of its cells is over CELLULE_MAX characters (naming its column), or None."""
        for i, c in enumerate(cellules):
            if len(c) > CELLULE_MAX:
                colonne = _court(self.noms[i], 40) if i < len(self.noms) else f"n° {i + 1}"
                return (f"cellule de la colonne {colonne} trop longue ({_entier(len(c))} caractères ; "
                        f"{_entier(CELLULE_MAX)} au plus)")
        return None

    def _verifier_multiligne(self, debut, fin, numero):
        """A record over several lines is a quoted cell with line breaks — or a quote never closed,
        which swallows the rows after it. The latter is refused (never a silent loss of rows)."""
        cellules = self._cellules_strictes(debut, fin)
        if cellules is None or any(l.count(self.sep) >= self.largeur - 1 for c in cellules for l in c.splitlines()[1:]):
            raise self._guillemet_ouvert(numero)
        # a record over several lines whose cell count is not the header's is the row's error
        # (`fichier.probleme_largeur`): the file is kept, the row says where its quote closes

    def _cellules_strictes(self, debut, fin):
        """The record's cells read by `csv` in strict mode, or None when its quotes are not well formed."""
        try:
            return next(csv.reader(io.StringIO(self.texte[debut:fin], newline=""), delimiter=self.sep, strict=True), [])
        except csv.Error:
            return None

    def _guillemet_ouvert(self, numero) -> LotInvalide:
        return LotInvalide(f"{self.fichier} : ligne {numero} : guillemet ouvert et jamais fermé (la cellule continue sur les "
                           "lignes suivantes, ou jusqu'à la fin du fichier) ; indice : fermez le guillemet, ou retirez-le si "
                           "la cellule n'en a pas besoin")

    def cellules(self, debut: int, fin: int) -> list[str]:
        """The cells of the record at [debut, fin) (line end excluded)."""
        rec = self.texte[debut:fin]
        if '"' not in rec:
            return rec.rstrip("\n").split(self.sep)
        return next(csv.reader(io.StringIO(rec, newline=""), delimiter=self.sep), [])

    def brut(self, debut: int, fin: int) -> str:
        """The record as written, without its line end."""
        return self.texte[debut:fin].rstrip("\n")


def _traduire_csv(e) -> str:
    m = str(e)
    if "field larger than field limit" in m:
        return f"cellule de plus de {_entier(CELLULE_MAX)} caractères"
    if "new-line character seen in unquoted field" in m:
        return "retour chariot dans une cellule sans guillemets"
    if "NUL" in m:
        return "octet nul dans la ligne"
    if "unexpected end of data" in m:
        return "fin du fichier dans une cellule entre guillemets"
    if "expected after" in m:
        return "séparateur attendu après un guillemet fermant"
    return "ligne mal formée"               # the csv module's English is not the user's


def _index_colonnes(noms: list[str], fichier: str, obligatoires) -> dict[str, int]:
    """Column name → index; a missing required column or a duplicate is fatal (LotInvalide)."""
    norm = [normaliser_colonne(n) for n in noms]
    index: dict[str, int] = {}
    for i, n in enumerate(norm):
        if n and n in index:
            raise LotInvalide(f"{fichier} : la colonne « {_court(noms[i])} » apparaît deux fois dans l'en-tête (ligne 1) ; "
                              "indice : chaque colonne doit avoir un nom distinct")
        if n:
            index[n] = i
    manquantes = [c for c in obligatoires if c not in index and COLONNES_REMPLACABLES.get(c) not in index]
    if manquantes:
        lues = ", ".join(_court(n, 30) for n in noms[:30] if n.strip()) or "aucune"
        proches = suggestion(manquantes[0], norm)
        s = "s" if len(manquantes) > 1 else ""
        raise LotInvalide(f"{fichier} : colonne{s} obligatoire{s} absente{s} : {', '.join(manquantes)} (colonnes lues ligne 1 : "
                          f"{lues}){proches}\n  indice : la première ligne nomme les colonnes, séparées par , ou ; — au moins "
                          f"{', '.join(obligatoires)} (voir simulateur lot --help)")
    return index
