"""Batch writers: one output row per input row, in input order, whatever the order of computation.

CSV: the input row as written, then `securite_sociale`, `participation_forfaitaire`, one
`part_<niveau>` per layer, `total_rembourse`, `reste_a_charge`, `erreur`, `forfait_apres_cancer`
(last, so that the documented columns keep their places). The separator is the input's; amounts
have two decimals, a point with `,` and tab, a comma with `;` (French Excel reads `20.05` as a
date). JSON (one array) and JSON lines: per row the keys of `simuler --format json` plus `ligne`,
`beneficiaire`, `erreur`. `Bilan` holds the totals per payer of the rows without error.
"""
from __future__ import annotations

import bisect
import csv
import io
import json
import os
import tempfile
from array import array
from decimal import Decimal

from ..domaine.acte import acte_en_dict
from ..domaine.montant import ZERO, texte_json
from ..rendu.messages import message

COLONNES_AVANT = ("securite_sociale", "participation_forfaitaire")
COLONNES_APRES = ("total_rembourse", "reste_a_charge", "erreur", "forfait_apres_cancer")
PAYEURS = ("frais_reels", "securite_sociale", "participation_forfaitaire", "forfait_apres_cancer", "total_rembourse",
           "reste_a_charge")


def colonnes_resultat(niveaux) -> list[str]:
    return list(COLONNES_AVANT) + [f"part_{n}" for n in niveaux] + list(COLONNES_APRES)


def verifier_noms_entree(noms, fichier: str, autres=(), prefixes=()) -> None:
    """Refuses (LotInvalide, exit 2, before any computing) an input column named as a column the output adds
    — `securite_sociale`, `participation_forfaitaire`, `part_*`, `total_rembourse`, `reste_a_charge`,
    `erreur`, `forfait_apres_cancer`, and the caller's `autres` names and `prefixes` (`verifier`'s own) —
    names compared as the reader matches them (`Reste à charge` = `reste_a_charge`). The output would hold
    the name twice, the stale input value first (a results file read again): every format refuses it, as
    a Parquet file cannot hold it, whichever engine runs."""
    from .lecture import LotInvalide, normaliser_colonne
    reserves = set(COLONNES_AVANT) | set(COLONNES_APRES) | set(autres)
    debuts = ("part_",) + tuple(prefixes)
    doubles = [str(n) for n in noms if normaliser_colonne(n) in reserves or normaliser_colonne(n).startswith(debuts)]
    if doubles:
        from ..domaine.erreurs import apercu
        raise LotInvalide(f"{fichier} : colonne(s) {', '.join(apercu(n, 40) for n in doubles[:6])} déjà dans l'entrée : ce "
                          "sont des noms de colonnes de résultat, que la sortie ajoute (elle les aurait en double, l'ancienne "
                          "valeur d'abord) ; indice : retirez ou renommez ces colonnes (un fichier de résultats relu ?)")


def ligne_csv(cellules, sep: str) -> str:
    """Cells as one CSV record (quoted where needed, line breaks included), without its line end."""
    f = io.StringIO()
    csv.writer(f, delimiter=sep, lineterminator="\n").writerow(cellules)
    return f.getvalue()[:-1]


def texte_erreur(entree, err) -> str:
    """A row's error, as the batch says it: « ligne N : … » naming columns, not options."""
    return f"ligne {entree.numero} : {message(err, 'lot')}"


class Bilan:
    """What the summary says: rows, rows in error, blank lines skipped, totals per payer (rows without
    error, Decimal euros; `part_<niveau>` per layer), and the first error messages in file order."""

    def __init__(self, fichier: str, niveaux: list):
        self.fichier, self.niveaux = fichier, niveaux
        self.encodage = "utf-8"            # how the input was read (utf-8, utf-16, windows-1252)
        self.lignes = self.erreurs = self.vides = 0
        self.totaux = {k: ZERO for k in PAYEURS}
        self.totaux.update({f"part_{n}": ZERO for n in niveaux})
        self.premieres_erreurs: list = []

    def ajouter(self, r, places) -> None:
        t = self.totaux
        t["frais_reels"] += r.frais_reels
        t["securite_sociale"] += r.securite_sociale
        t["participation_forfaitaire"] += r.participation_forfaitaire
        t["forfait_apres_cancer"] += r.forfait_apres_cancer
        t["total_rembourse"] += r.total_rembourse
        t["reste_a_charge"] += r.reste_a_charge
        for k, p in zip(places, r.parts):
            t[k] += p.montant

    def erreur(self, numero: int, texte: str) -> None:
        """One more row in error; `premieres_erreurs` keeps the 5 of lowest line number (file order, whatever
        order the replay computes the rows in)."""
        self.erreurs += 1
        p = self.premieres_erreurs
        if len(p) < 5 or numero < p[-1][0]:
            bisect.insort(p, (numero, texte))
            del p[5:]


class _Montants:
    """Decimal → output text (two decimals, point or comma), cached: a batch repeats its amounts.
    A decimal comma in a file separated by commas is quoted (`"31,50"`), as `csv` would write it."""

    def __init__(self, virgule: bool, sep: str = ";"):
        self.virgule, self.cache = virgule, {}
        self.guillemets = virgule and sep == ","

    def __call__(self, x: Decimal) -> str:
        t = self.cache.get(x)
        if t is None:
            t = texte_json(x)
            if self.virgule:
                t = t.replace(".", ",")
                if self.guillemets:
                    t = f'"{t}"'
            if len(self.cache) < 200_000:
                self.cache[x] = t
        return t


class SortieCSV:
    """Rows rendered in computing order, kept as text, written in input order by `ecrire`."""

    def __init__(self, source, niveaux: list, virgule: bool, bilan: Bilan):
        self.source, self.niveaux, self.bilan = source, niveaux, bilan
        self.sep = source.table.sep
        self.places = {}
        self.montant = _Montants(virgule, self.sep)
        self.suffixes = [None] * len(source)
        self.vides_parts = [""] * len(niveaux)
        self.partages: dict = {}         # a result's amounts → its output cells (a batch repeats its results)
        self.dernier_choix = self.derniers = None

    def _places(self, choix):
        """(indices of the formula's layers among the part_ columns, their total keys), per formula."""
        if choix is self.dernier_choix:
            return self.derniers
        self.dernier_choix, self.derniers = choix, self._places_de(choix)
        return self.derniers

    def _places_de(self, choix):
        p = self.places.get(id(choix[0]), None)
        if p is None or p[0] is not choix[0]:
            c = choix[0]
            p = self.places[id(c)] = (c, {})
        d = p[1].get(choix[1])
        if d is None:
            c = choix[0]
            idx = tuple(self.niveaux.index(c.colonnes[col].niveau) for col in c.formules[choix[1]].colonnes)
            d = p[1][choix[1]] = (idx, [f"part_{self.niveaux[k]}" for k in idx])
        return d

    def rendre(self, i, entree, choix, r, err) -> None:
        sep, m = self.sep, self.montant
        if r is not None:
            places, cles = self._places(choix)
            self.bilan.ajouter(r, cles)
            cle = (places, r.securite_sociale, r.participation_forfaitaire, r.total_rembourse, r.reste_a_charge,
                   r.forfait_apres_cancer, *[p.montant for p in r.parts])
            texte = self.partages.get(cle)
            if texte is None:
                parts = self.vides_parts.copy()
                for k, p in zip(places, r.parts):
                    parts[k] = m(p.montant)
                texte = sep + sep.join((m(r.securite_sociale), m(r.participation_forfaitaire), *parts,
                                        m(r.total_rembourse), m(r.reste_a_charge), "", m(r.forfait_apres_cancer)))
                if len(self.partages) < 100_000:
                    self.partages[cle] = texte
            self.suffixes[i] = texte
        else:
            texte = texte_erreur(entree, err)
            self.bilan.erreur(entree.numero, texte)
            self.suffixes[i] = sep + ligne_csv([""] * (2 + len(self.niveaux)) + ["", "", texte, ""], sep)

    def _ligne(self, i: int) -> str:
        s = self.source
        brut = s.table.brut(s.debuts[i], s.fins[i])
        if '"' not in brut and brut.count(self.sep) == s.table.largeur - 1:
            return brut + self.suffixes[i] + "\n"      # the usual row: as written
        cel, manque, coupee, _probleme = s.cellules(i)
        if manque:
            brut += self.sep * manque
        elif coupee:
            brut = ligne_csv(cel, self.sep)     # a row cut to the header's width is written again, cut
        return brut + self.suffixes[i] + "\n"

    def ecrire(self, flux, bom: bool, progression=None) -> None:
        """The header, then every row in input order, to the text stream `flux`."""
        t = self.source.table
        flux.write(("\ufeff" if bom else "") + t.entete + self.sep + self.sep.join(colonnes_resultat(self.niveaux)) + "\n")
        morceaux = []
        for i in range(len(self.suffixes)):
            morceaux.append(self._ligne(i))
            if len(morceaux) >= 8192:
                flux.write("".join(morceaux))
                morceaux.clear()
                if progression is not None:
                    progression("écriture", i + 1, len(self.suffixes))
        flux.write("".join(morceaux))
        if progression is not None:
            progression("écriture", len(self.suffixes), len(self.suffixes))


def objet_json(entree, choix, r, err, texte_err=None) -> dict:
    """The JSON object of one row: `simuler --format json`'s keys plus ligne, beneficiaire, erreur."""
    if r is not None:
        d = {"ligne": entree.numero, "beneficiaire": entree.beneficiaire}
        d.update(r.en_dict())
        d["acte"] = acte_en_dict(r.acte if r.acte is not None else entree.acte)
        d["erreur"] = None
        return d
    acte, brut = entree.acte, entree.brut or {}
    c = choix[0].id if isinstance(choix, tuple) else (entree.contrat.strip() or None)
    f = choix[1] if isinstance(choix, tuple) else (entree.formule.strip() or None)
    return {"ligne": entree.numero, "beneficiaire": entree.beneficiaire, "contrat": c, "formule": f,
            "nature": acte.nature if acte is not None else brut.get("nature"),
            "date": acte.date.isoformat() if acte is not None else brut.get("date"),
            "erreur": texte_err or texte_erreur(entree, err)}


class SortieJSON:
    """Rows as JSON objects, spilled to a temporary file in computing order, written in input order:
    one array (`json`) or one object per line (`jsonl`)."""

    def __init__(self, n: int, lignes: bool, bilan: Bilan, niveaux: list):
        self.lignes, self.bilan, self.niveaux = lignes, bilan, niveaux
        self.debut = array("Q", bytes(8 * n))
        self.long = array("I", bytes(4 * n))
        self.fichier = tempfile.TemporaryFile()
        self.pos = 0

    def rendre(self, i, entree, choix, r, err) -> None:
        texte_err = None
        if r is not None:
            c = choix[0]
            self.bilan.ajouter(r, [f"part_{c.colonnes[col].niveau}" for col in c.formules[choix[1]].colonnes])
        else:
            texte_err = texte_erreur(entree, err)
            self.bilan.erreur(entree.numero, texte_err)
        b = json.dumps(objet_json(entree, choix, r, err, texte_err), ensure_ascii=False).encode("utf-8")
        self.debut[i], self.long[i] = self.pos, len(b)
        self.fichier.write(b)
        self.pos += len(b)

    def ecrire(self, flux, bom: bool = False, progression=None) -> None:
        self.fichier.flush()
        fd, n = self.fichier.fileno(), len(self.debut)
        morceaux = [] if self.lignes else ["["]
        for i in range(n):
            if not self.lignes:
                morceaux.append("\n" if i == 0 else ",\n")
            morceaux.append(os.pread(fd, self.long[i], self.debut[i]).decode("utf-8"))
            if self.lignes:
                morceaux.append("\n")
            if len(morceaux) >= 4096:
                flux.write("".join(morceaux))
                morceaux.clear()
        if not self.lignes:
            morceaux.append("\n]\n" if n else "]\n")
        flux.write("".join(morceaux))
        self.fichier.close()
