"""A CSV batch file as the replay's source: each row kept as its place in the text, read again when its
beneficiary's turn comes (a few integers per row: a million rows stay far below the memory limits)."""
from __future__ import annotations

from array import array

from ..domaine.acte import ConvertisseurActes
from ..domaine.champs import PAR_NOM
from ..domaine.erreurs import ActeInvalide
from ..domaine.identifiants import normaliser_beneficiaire
from .lecture import LotInvalide, Table
from .rejeu import Entree, ErreurLigne, Groupes

_CACHE_MAX = 200_000


def probleme_largeur(cellules, largeur: int, sep: str, numero: int, rec: str) -> str | None:
    """The row's error when its cell count does not fit the header, or None: extra cells holding
    something (`trop_de_cellules`), or a record spread over several lines of the file (a quoted cell
    with line breaks) whose cell count is not the header's — most likely a quote opened by mistake,
    which swallowed the next line(s): said, never computed on a guess."""
    n = len(cellules)
    if n == largeur:
        return None
    lignes = rec.rstrip("\n").count("\n") + 1
    if lignes > 1:
        return (f"{n} cellules pour {largeur} colonnes, sur {lignes} lignes du fichier (lignes {numero} à {numero + lignes - 1}) : "
                "un guillemet ouvert dans une cellule ne se ferme qu'à la ligne suivante ; vérifiez les guillemets")
    if n > largeur and any(c.strip() for c in cellules[largeur:]):
        return trop_de_cellules(cellules, largeur, sep)
    return None


def trop_de_cellules(cellules, largeur, sep=",") -> str:
    en_trop = [c[:40] for c in cellules[largeur:largeur + 5]]
    indice = ("un montant à virgule dans un fichier séparé par des virgules doit être entre guillemets, "
              "ou séparez les colonnes par ;") if sep == "," else f"une cellule contenant « {sep} » doit être entre guillemets"
    return f"{len(cellules)} cellules pour {largeur} colonnes (en trop : {' | '.join(en_trop)}) ; {indice}"


class SourceCSV:
    """The rows of `table` (a `lecture.Table`): `groupes` for the replay, `entree(i)` for row i.

    `vides`: blank lines (or lines of separators only, as spreadsheets leave), skipped and counted;
    `contrats_nommes`: the texts of the `contrat` column (their layers become output columns).
    """

    def __init__(self, table: Table, progression=None):
        self.table = table
        idx = table.colonnes
        self.i_ben, self.i_date = idx["beneficiaire"], idx["date"]
        self.i_ct, self.i_ft = idx.get("contrat", -1), idx.get("formule", -1)
        self.conv = ConvertisseurActes({nom: i for nom, i in idx.items() if nom in PAR_NOM})
        self.debuts, self.fins, self.numeros = array("Q"), array("Q"), array("I")
        self.groupes = Groupes()
        self.vides = 0
        self.contrats_nommes: dict = {}
        self._benefs: dict = {}
        self._lire(progression)

    def __len__(self):
        return len(self.debuts)

    def beneficiaire(self, texte: str) -> str:
        b = self._benefs.get(texte)
        if b is None:
            if len(self._benefs) > _CACHE_MAX:
                self._benefs.clear()
            b = self._benefs[texte] = normaliser_beneficiaire(texte)
        return b

    def _ordinal(self, texte: str, dates: dict) -> int:
        o = dates.get(texte)
        if o is None:
            try:
                o = self.conv.valeur(PAR_NOM["date"], texte).toordinal()
            except (ActeInvalide, AttributeError):
                o = 0                                 # a bad date: first in its group, refused in its turn
            if len(dates) > _CACHE_MAX:
                dates.clear()
            dates[texte] = o
        return o

    def _lire(self, progression):
        t = self.table
        texte, sep = t.texte, t.sep
        vide = " \t\r\n" + sep
        coupe = max(self.i_ben, self.i_date, self.i_ct) + 1
        dates: dict = {}
        for numero, debut, fin in t.enregistrements():
            rec = texte[debut:fin]
            reste = rec.strip(vide)
            if not reste or ((not reste.isascii() or '"' in reste) and not any(c.strip() for c in t.cellules(debut, fin))):
                self.vides += 1        # blank: every cell empty or white space (as `lire_actes` skips it)
                continue
            cel = rec.split(sep, coupe) if '"' not in rec else t.cellules(debut, fin)
            i = len(self.debuts)
            if i >= 0xFFFFFFFF:
                raise LotInvalide(f"{t.fichier} : plus de 4 milliards de lignes ; découpez le fichier")
            self.debuts.append(debut)
            self.fins.append(fin)
            self.numeros.append(numero)
            n = len(cel)
            ben = self.beneficiaire(cel[self.i_ben]) if n > self.i_ben else ""
            self.groupes.ajouter(ben, self._ordinal(cel[self.i_date].strip(), dates) if n > self.i_date else 0, i)
            if self.i_ct >= 0 and n > self.i_ct:
                self.contrats_nommes[cel[self.i_ct].strip()] = None
            if progression is not None and not i & 0xFFFF:
                progression("lecture", fin, len(texte))
        if progression is not None:
            progression("lecture", len(texte), len(texte))

    def cellules(self, i: int) -> tuple[list, int, bool, str | None]:
        """(the row's cells at the header's width, cells missing (padded), cut (more cells than the
        header), the width problem or None: extra cells that hold something are the row's error)."""
        t = self.table
        cel = t.cellules(self.debuts[i], self.fins[i])
        n, largeur = len(cel), t.largeur
        if n == largeur:
            return cel, 0, False, None
        probleme = probleme_largeur(cel, largeur, t.sep, self.numeros[i], t.texte[self.debuts[i]:self.fins[i]])
        if n < largeur:
            return cel + [""] * (largeur - n), largeur - n, False, probleme
        return cel[:largeur], 0, True, probleme

    def _refus(self, i, cel, ben, erreur, ct, ft) -> Entree:
        brut = {nom: cel[j] for nom, j in self.table.colonnes.items()}
        return Entree(self.numeros[i], ben, None, erreur, ct, ft, brut)

    def entree(self, i: int) -> Entree:
        t = self.table
        rec = t.texte[self.debuts[i]:self.fins[i]]
        if '"' not in rec and not t.longues:                 # the usual row: split, at the header's width
            cel = rec.rstrip("\n").split(t.sep)
            if len(cel) == t.largeur:
                ben = self.beneficiaire(cel[self.i_ben])
                if ben:
                    ct = cel[self.i_ct] if self.i_ct >= 0 else ""
                    ft = cel[self.i_ft] if self.i_ft >= 0 else ""
                    try:
                        return Entree(self.numeros[i], ben, self.conv.acte(cel), None, ct, ft)
                    except ActeInvalide as e:
                        return self._refus(i, cel, ben, e, ct, ft)
        return self._entree(i)

    def _entree(self, i: int) -> Entree:
        cel, _manque, _coupee, probleme = self.cellules(i)
        ct = cel[self.i_ct] if self.i_ct >= 0 else ""
        ft = cel[self.i_ft] if self.i_ft >= 0 else ""
        ben = self.beneficiaire(cel[self.i_ben])
        if probleme is None and self.table.longues:        # the cells' lengths, not the number: a replay renumbers rows
            probleme = self.table.trop_longue(cel)
        if probleme is not None:
            return self._refus(i, cel, ben, ErreurLigne(probleme), ct, ft)
        if not ben:
            return self._refus(i, cel, ben, ErreurLigne("bénéficiaire absent : renseignez la colonne beneficiaire"), ct, ft)
        try:
            return Entree(self.numeros[i], ben, self.conv.acte(cel), None, ct, ft)
        except ActeInvalide as e:
            return self._refus(i, cel, ben, e, ct, ft)
