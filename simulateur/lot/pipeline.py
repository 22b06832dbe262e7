"""Batches: a year of acts through the engine, each beneficiary carrying his annual state.

CALCUL.md §5: envelopes, yearly counts, day tiers, PF and franchise caps, the contract's annual
ceilings and renewal periods depend on what the same beneficiary already consumed. A batch
regroups the acts by beneficiary, replays each beneficiary's acts in date order (ties: input
order) through `moteur.simuler` with one `EtatBeneficiaire`, and gives back one result per input
row, in input order. A row in error (bad cell, unknown nature or formula, engine refusal) gets its
message and consumes nothing; the others are computed.

Three entry points:

- `lire_actes(source)`: reads a CSV file (path or text stream) and yields, per row, its line number,
  the raw cells and either an `Acte` or the French message that refuses it;
- `simuler_lot(actes, contrat, formule)`: acts from anywhere (dicts of text fields, `(beneficiaire,
  Acte)` pairs, the rows of `lire_actes`) → `ResultatLot` per act, in input order; for notebooks;
- `executer_lot(fichier, sortie, ...)`: what `simulateur lot` runs: file in, CSV or JSON out, built
  for a million rows (see "Speed and memory" below).

Input (INTERFACE.md): header required, `,` `;` or tab separated (taken from the header line), UTF-8
with or without BOM, decimal comma or point. Column names are matched without case, accents,
spaces or dashes (`Frais réels` = `frais_reels`). Required: beneficiaire, date, nature, br,
frais_reels (`br` may be empty for natures the Sécurité sociale does not pay). Optional: every other
act input of `creer_acte` (dptm, panier, quantite, taux, limite, age, regime, monture, verres,
psychiatrie, smr, acte_lourd, oreille, changement_vue, date_adhesion, certificat_radiation,
fin_traitement) and the per-row overrides `contrat`, `formule` (an empty cell takes the command
line's). Other columns are carried through untouched. Blank lines (or lines of separators only,
as spreadsheets leave at the end) are not rows: they are skipped and counted.

Output, CSV: the input row as it was written (same cells, same quoting, same separator), then
`securite_sociale`, `participation_forfaitaire`, one `part_<niveau>` per layer (union of the
layers of the contracts used, command-line contract first, in their order; empty when the row's
formula has no such layer), `total_rembourse`, `reste_a_charge`, `erreur` (empty when fine), and
last `forfait_apres_cancer` (the 003 forfait, a payer distinct from the SS: put at the end so that
the documented columns keep their order; `total_rembourse` includes it). The separator is the
input's; amounts have two decimals, a point with `,` and tab, a comma with `;` (the French Excel
convention: a `;` file is read back by a French spreadsheet, where `20.05` would become a date);
`decimale` forces either. A BOM in gives a BOM out. A row with fewer cells than the header is padded;
a row with more is an error (usually an unquoted decimal comma in a `,` file) and is written cut to
the header's width, the extra cells quoted in its message.

Output, JSON: a list of objects, the keys of `simuler --format json` plus `ligne`, `beneficiaire`,
`erreur` (null when fine); a row in error has `ligne`, `beneficiaire`, `contrat`, `formule`,
`nature`, `date` (as written) and `erreur`.

Speed and memory (`executer_lot`): the file is read once into memory as bytes; a first pass finds
each row's offsets, its beneficiary and date, and files the row under its beneficiary as one
integer (date ordinal << 32 | row index) in a compact array; each beneficiary is then sorted and
replayed, cells are split from the bytes again and converted through caches keyed by the cell
text (each distinct `31.50` or `2025-06-01` is parsed once, by `creer_acte` itself), the engine runs
with `expliquer=False` and memoised dated parameters, rows with the same amounts share their
formatted output cells (and are totalled per distinct result), and each row's output cells are
appended to one byte buffer (JSON objects to a temporary file) with their offsets; the output is
then written in input order. Nothing per row is kept as a Python object: about 90 bytes per row
plus the file itself (1 000 000 acts: ~180 MB peak). Every cache is bounded. The engine is about
two thirds of the time (benchmarks/lot.py).

Exactness: a batch row is `simuler(contrat, formule, acte, etat)` with `etat` the state left by the
beneficiary's earlier rows (tests/test_lot.py checks it row by row on a generated sample); the
caches only avoid parsing the same text twice and reading the same dated parameter twice.
"""
from __future__ import annotations

import datetime as dt
import gc
import io
import operator
import os
import re
import sys
from array import array
from dataclasses import fields
from decimal import Decimal
from pathlib import Path
from typing import Callable, Iterable, Iterator

from ..domaine.acte import creer_acte
from ..contrat.chargeur import Contrat, charger_contrat
from ..domaine.erreurs import ActeInvalide, ContratInvalide, ErreurSimulateur
from ..moteur.etat import EtatBeneficiaire
from ..domaine.montant import arrondi
from ..moteur.calcul import Acte, Resultat, simuler
from ..domaine.natures import NATURES
from ..parametres import ParametreIndisponible, charger_parametres

COLONNES_OBLIGATOIRES = ("beneficiaire", "date", "nature", "br", "frais_reels")
CHAMPS_OPTIONNELS = ("dptm", "panier", "quantite", "taux", "limite", "age", "regime", "monture", "verres", "psychiatrie",
                     "smr", "acte_lourd", "oreille", "changement_vue", "date_adhesion", "certificat_radiation",
                     "fin_traitement")
COLONNES_SURCHARGE = ("contrat", "formule")
COLONNES_RESULTAT_AVANT = ("securite_sociale", "participation_forfaitaire")
COLONNES_RESULTAT_APRES = ("total_rembourse", "reste_a_charge", "erreur", "forfait_apres_cancer")

ZERO = Decimal(0)
_BOM = b"\xef\xbb\xbf"
_CHAMPS_ACTE = tuple(f.name for f in fields(Acte))      # positional order of Acte(...)
# A neutral act: probing one field at a time through creer_acte itself (see _Conversion).
_NEUTRE = {"nature": "pharmacie-non-remboursee", "date": "2025-01-01", "br": "0", "frais_reels": "100000000"}


class LotInvalide(ErreurSimulateur):
    """The file cannot be processed at all (unreadable, no header, a required column missing)."""


# ------------------------------------------------------------------ rows and results

class LigneActe:
    """One row of a batch file: `ligne` is the line of the file (header = 1).

    (Plain classes rather than dataclasses here: `import simulateur` loads this module, and every
    command's start-up pays for it.)
    """
    __slots__ = ("ligne", "brut", "acte", "erreur")

    def __init__(self, ligne: int, brut: dict, acte: Acte | None, erreur: str | None = None):
        self.ligne, self.brut, self.acte, self.erreur = ligne, brut, acte, erreur

    @property
    def beneficiaire(self) -> str:
        return (self.brut.get("beneficiaire") or "").strip()

    def __repr__(self):
        return f"LigneActe(ligne={self.ligne}, beneficiaire={self.beneficiaire!r}, acte={self.acte!r}, erreur={self.erreur!r})"


class ResultatLot:
    """The result of one act of a batch, in input order; `resultat` is None when `erreur` is set."""
    __slots__ = ("ligne", "beneficiaire", "contrat", "formule", "resultat", "erreur", "brut")

    def __init__(self, ligne: int, beneficiaire: str, contrat: str | None, formule: str | None, resultat: Resultat | None,
                 erreur: str | None = None, brut: dict | None = None):
        self.ligne, self.beneficiaire, self.contrat, self.formule = ligne, beneficiaire, contrat, formule
        self.resultat, self.erreur, self.brut = resultat, erreur, brut

    def __repr__(self):
        quoi = f"reste_a_charge={self.resultat.reste_a_charge}" if self.resultat is not None else f"erreur={self.erreur!r}"
        return f"ResultatLot(ligne={self.ligne}, beneficiaire={self.beneficiaire!r}, formule={self.formule!r}, {quoi})"

    def en_dict(self) -> dict:
        """The JSON object of `simulateur lot --format json`."""
        if self.resultat is not None:
            d = {"ligne": self.ligne, "beneficiaire": self.beneficiaire}
            d.update(self.resultat.en_dict())
            d["erreur"] = None
            return d
        b = self.brut or {}
        return {"ligne": self.ligne, "beneficiaire": self.beneficiaire, "contrat": self.contrat, "formule": self.formule,
                "nature": b.get("nature"), "date": b.get("date"), "erreur": self.erreur}


# ------------------------------------------------------------------ header

def normaliser_colonne(nom: str) -> str:
    """`Frais réels` → `frais_reels`, `Bénéficiaire` → `beneficiaire`, `BR` → `br`."""
    import unicodedata
    t = unicodedata.normalize("NFKD", nom.strip().lstrip("\ufeff")).encode("ascii", "ignore").decode().lower()
    return "_".join(t.replace("-", " ").replace("_", " ").replace(".", " ").split())


def _verifier_entete(noms: list[str], fichier: str) -> dict[str, int]:
    """Column name -> index; a missing required column or a duplicate is fatal (LotInvalide)."""
    norm = [normaliser_colonne(n) for n in noms]
    index: dict[str, int] = {}
    for i, n in enumerate(norm):
        if n and n in index:
            raise LotInvalide(f"{fichier} : la colonne « {noms[i]} » apparaît deux fois dans l'en-tête (ligne 1) ; "
                              "indice : chaque colonne doit avoir un nom distinct")
        if n:
            index[n] = i
    manquantes = [c for c in COLONNES_OBLIGATOIRES if c not in index]
    if manquantes:
        from ..domaine.natures import suggestion
        lues = ", ".join(n for n in noms if n.strip()) or "aucune"
        proches = "".join(suggestion(m, [n for n in norm if n not in index or True]) for m in manquantes[:1])
        raise LotInvalide(
            f"{fichier} : colonne{'s' if len(manquantes) > 1 else ''} obligatoire{'s' if len(manquantes) > 1 else ''} "
            f"absente{'s' if len(manquantes) > 1 else ''} : {', '.join(manquantes)} (colonnes lues ligne 1 : {lues}){proches}\n"
            f"  indice : la première ligne nomme les colonnes, séparées par , ou ; — au moins "
            f"{', '.join(COLONNES_OBLIGATOIRES)} (voir simulateur lot --help)")
    return index


def _separateur(entete: str) -> str:
    return max((",", ";", "\t"), key=lambda s: (entete.count(s), s == ","))


# ------------------------------------------------------------------ cells → Acte, through creer_acte

class _Sentinelle:
    __slots__ = ("nom",)

    def __init__(self, nom):
        self.nom = nom

    def __repr__(self):
        return self.nom


_REFUS = _Sentinelle("<refus>")      # a cell creer_acte refuses (the row's message is then its own)
_ABSENT = _Sentinelle("<absent>")    # not in the cache yet
_DEFAUTS = creer_acte(**_NEUTRE)


def _sonder(champ: str, texte: str):
    """The value creer_acte gives `champ` for `texte`: one definition of every conversion."""
    kw = dict(_NEUTRE)
    kw[champ] = texte
    return getattr(creer_acte(**kw), champ)


_BR_VIDE = _Sentinelle("<br vide>")  # an empty BR: 0 for a nature the SS does not pay, refused otherwise
_NON_REMBOURSEES = frozenset(code for code, n in NATURES.items() if n.taux is None)
# Cache sizes: beyond, a cache restarts (or, for results, is bypassed) so that memory stays bounded on any file.
_TAILLE_CACHE = 100_000                 # per column (a cell text -> its value)
_TAILLE_GABARITS = 50_000               # combinations of optional cells
_TAILLE_SUFFIXES = 50_000               # distinct results (their output cells and their count)


class _Conversion:
    """Converts the cells of a row into an Acte, each distinct cell text parsed once.

    Every value comes from `creer_acte` (probed one field at a time on a neutral act, cached per
    text), so the batch accepts and refuses exactly what `simuler` does; the cross-field rules of
    creer_acte (BR required for a reimbursed nature, frame ≤ frais réels) are checked here, and any
    refusal is re-asked of creer_acte on the whole row so that the message is its own. The
    optional cells of a row are looked up together (one tuple key: rows share few combinations).
    """

    def __init__(self, index: dict[str, int]):
        self.index = index
        self.caches: dict[str, dict] = {c: {} for c in ("nature", "date", "br", "frais_reels") + CHAMPS_OPTIONNELS}
        self.i_nature, self.i_date, self.i_br, self.i_fr = (index[c] for c in ("nature", "date", "br", "frais_reels"))
        pos = {n: k for k, n in enumerate(_CHAMPS_ACTE)}
        self.defauts = [getattr(_DEFAUTS, n) for n in _CHAMPS_ACTE]
        self.p_nature, self.p_date, self.p_br, self.p_fr = (pos[c] for c in ("nature", "date", "br", "frais_reels"))
        self.optionnels = [(pos[c], c) for c in CHAMPS_OPTIONNELS if c in index]
        idx = [index[c] for _, c in self.optionnels]
        self.cle_opt = (operator.itemgetter(*idx) if len(idx) > 1 else
                        (lambda cel, i=idx[0]: (cel[i],)) if idx else None)
        self.gabarits: dict = {}
        self.p_monture = pos["monture"]
        self.acte = self.fabrique()

    def valeur(self, champ: str, cellule):
        """The converted cell (cached), or _REFUS."""
        cache = self.caches[champ]
        v = cache.get(cellule, _ABSENT)
        if v is _ABSENT:
            try:
                texte = cellule.decode("utf-8") if isinstance(cellule, bytes) else cellule
                if not texte.strip() and champ in ("date", "br"):
                    v = _REFUS if champ == "date" else _BR_VIDE
                else:
                    v = _sonder(champ, texte)
            except (ErreurSimulateur, UnicodeDecodeError, ValueError):
                v = _REFUS
            if len(cache) >= _TAILLE_CACHE:
                cache.clear()
            cache[cellule] = v
        return v

    def _gabarit(self, cle: tuple):
        """The Acte's positional values with this row's optional cells filled in, or _REFUS."""
        vals = self.defauts.copy()
        for (p, champ), cel in zip(self.optionnels, cle):
            v = self.valeur(champ, cel)
            if v is _REFUS:
                vals = _REFUS
                break
            vals[p] = v
        if len(self.gabarits) >= _TAILLE_GABARITS:
            self.gabarits.clear()
        self.gabarits[cle] = vals
        return vals

    def fabrique(self):
        """`acte(cel)`: the row's cells (str or bytes, as many as the header) → Acte, or ActeInvalide.

        A closure over local names (it runs once per row of a million-row file); `self.acte` is one.
        """
        c_nat, c_date, c_br, c_fr = (self.caches[c] for c in ("nature", "date", "br", "frais_reels"))
        i_nat, i_date, i_br, i_fr = self.i_nature, self.i_date, self.i_br, self.i_fr
        p_nat, p_date, p_br, p_fr, p_mont = self.p_nature, self.p_date, self.p_br, self.p_fr, self.p_monture
        valeur, refus, defauts, cle_opt = self.valeur, self._refus, self.defauts, self.cle_opt
        gabarits, gabarit = self.gabarits, self._gabarit
        non_remb, ABSENT, REFUS, BR_VIDE, nouvel = _NON_REMBOURSEES, _ABSENT, _REFUS, _BR_VIDE, Acte

        def acte(cel):
            x = cel[i_nat]
            nat = c_nat.get(x, ABSENT)
            if nat is ABSENT:
                nat = valeur("nature", x)
            x = cel[i_date]
            date = c_date.get(x, ABSENT)
            if date is ABSENT:
                date = valeur("date", x)
            x = cel[i_fr]
            fr = c_fr.get(x, ABSENT)
            if fr is ABSENT:
                fr = valeur("frais_reels", x)
            x = cel[i_br]
            br = c_br.get(x, ABSENT)
            if br is ABSENT:
                br = valeur("br", x)
            if br is BR_VIDE:
                br = ZERO if nat in non_remb else REFUS
            if cle_opt is None:
                vals = defauts.copy()
            else:
                cle = cle_opt(cel)
                vals = gabarits.get(cle)
                if vals is None:
                    vals = gabarit(cle)
                if vals is REFUS:
                    return refus(cel)
                vals = vals.copy()
            if nat is REFUS or date is REFUS or br is REFUS or fr is REFUS:
                return refus(cel)
            vals[p_nat] = nat
            vals[p_date] = date
            vals[p_br] = br
            vals[p_fr] = fr
            m = vals[p_mont]
            if m is not None and m > fr:
                return refus(cel)
            return nouvel(*vals)

        return acte

    def _refus(self, cellules):
        """The whole row through creer_acte: its message, in its order of checks."""
        kw = {}
        for nom, i in self.index.items():
            if nom in ("nature", "date", "br", "frais_reels") or nom in CHAMPS_OPTIONNELS:
                cel = cellules[i]
                try:
                    t = cel.decode("utf-8") if isinstance(cel, bytes) else cel
                except UnicodeDecodeError:
                    raise ActeInvalide(f"colonne {nom} : caractères illisibles en UTF-8 ; enregistrez le fichier en "
                                       "« CSV UTF-8 »") from None
                kw[nom] = t if t != "" else None
        if kw.get("date") is None or not kw["date"].strip():
            raise ActeInvalide("date absente : renseignez la colonne date (AAAA-MM-JJ ou JJ/MM/AAAA)")
        return creer_acte(**kw)   # raises; returning would mean a probe was stricter than creer_acte


_OPTION = re.compile(r"--([a-z][a-z-]*)")


def message_lot(message: str) -> str:
    """Messages written for the command line name options; in a batch, name the columns."""
    m = message.replace("--dptm ou --non-dptm", "la colonne dptm (oui ou non)")
    return _OPTION.sub(lambda x: "la colonne " + x.group(1).replace("-", "_"), m)


# ------------------------------------------------------------------ the engine, with memoised parameters

class _ParametresMemo:
    """`Parametres` with every (name, date) read memoised: same values, no bisection per act.

    Unknown names are remembered per name: the engine probes a few optional parameters that do
    not exist (`lire.optionnel`) and the reader's suggestion (difflib) would otherwise run for each
    such act; the message is the reader's own, with the act's date.
    """
    __slots__ = ("p", "cache", "inconnus")

    def __init__(self, p):
        self.p = p
        self.cache = {}
        self.inconnus = {}

    def valeur(self, nom, date):
        k = (nom, date)
        v = self.cache.get(k)
        if v is None:
            if nom in self.inconnus:
                m0, d0 = self.inconnus[nom]
                raise ParametreIndisponible(m0.replace(f"(demandé au {d0.isoformat()})", f"(demandé au {date.isoformat()})"),
                                            nom=nom, date=date)
            try:
                v = self.p.valeur(nom, date)
            except ParametreIndisponible as e:
                if nom not in self.p:
                    self.inconnus[nom] = (str(e), date)
                raise
            self.cache[k] = v
        return v

    def __getattr__(self, nom):
        return getattr(self.p, nom)

    def __contains__(self, nom):
        return nom in self.p


class _Calcul:
    """Resolves the contract and formula of a row (command line, or the row's override) and runs the engine."""

    def __init__(self, contrat: Contrat | str | None, formule: str | None, parametres=None, debug: bool = False):
        self.contrat = contrat if isinstance(contrat, Contrat) or contrat is None else charger_contrat(contrat)
        self.formule = formule
        if self.contrat is not None and formule is not None:
            self.contrat.formule(formule)          # an unknown formula on the command line is fatal
        self.parametres = _ParametresMemo(parametres or charger_parametres())
        self.contrats: dict[str, Contrat | str] = {}
        self.choix: dict = {}
        self.niveaux: list[str] = list(self.contrat.niveaux) if self.contrat is not None else []
        self.debug = debug

    def charger(self, texte: str):
        """A contract named in a row: loaded once; its refusal is the row's message."""
        c = self.contrats.get(texte)
        if c is None:
            if self.contrat is not None and texte in (self.contrat.id,):
                c = self.contrat
            else:
                try:
                    c = charger_contrat(texte)
                except ContratInvalide as e:
                    c = f"contrat « {texte} » illisible : " + " ; ".join(str(p).replace("\n", " ") for p in e.problemes)
                except ErreurSimulateur as e:
                    c = str(e)
            if isinstance(c, Contrat):
                for n in c.niveaux:
                    if n not in self.niveaux:
                        self.niveaux.append(n)
            self.contrats[texte] = c
        return c

    def choisir(self, contrat_txt, formule_txt):
        """(Contrat, formule id) for a row, or an error message; cached per pair of cell texts."""
        cle = (contrat_txt, formule_txt)
        r = self.choix.get(cle)
        if r is None:
            r = self.choix[cle] = self._choisir(contrat_txt, formule_txt)
        return r

    def _choisir(self, contrat_txt, formule_txt):
        try:
            ct = contrat_txt.decode("utf-8").strip() if isinstance(contrat_txt, bytes) else (contrat_txt or "").strip()
            ft = formule_txt.decode("utf-8").strip() if isinstance(formule_txt, bytes) else (formule_txt or "").strip()
        except UnicodeDecodeError:
            return "contrat ou formule : caractères illisibles en UTF-8"
        if ct:
            c = self.charger(ct)
            if isinstance(c, str):
                return c
        elif self.contrat is not None:
            c = self.contrat
        else:
            return "contrat absent : renseignez la colonne contrat ou l'option --contrat"
        f = ft or self.formule
        if not f:
            return "formule absente : renseignez la colonne formule ou l'option --formule"
        try:
            c.formule(f)
        except ErreurSimulateur as e:
            return str(e)
        return (c, f)

    def calculer(self, contrat: Contrat, formule: str, acte: Acte, etat: EtatBeneficiaire, expliquer: bool = False):
        """(Resultat, None) or (None, message). An engine crash is a row error too (nothing lost), unless --debug."""
        try:
            return simuler(contrat, formule, acte, etat, self.parametres, expliquer=expliquer), None
        except (ErreurSimulateur, ParametreIndisponible) as e:
            return None, message_lot(str(e))
        except Exception as e:  # noqa: BLE001 - one broken row must not lose the others
            if self.debug:
                raise
            return None, f"erreur interne du moteur ({type(e).__name__} : {e}) ; signalez-la avec cette ligne"


def _ordinal(date) -> int:
    return date.toordinal() if isinstance(date, dt.date) else 0


# ------------------------------------------------------------------ API: lire_actes, simuler_lot

def _ouvrir_texte(source):
    if isinstance(source, (str, os.PathLike)):
        chemin = Path(source)
        try:
            return open(chemin, newline="", encoding="utf-8-sig"), str(chemin), True
        except OSError as e:
            raise LotInvalide(f"{chemin} : fichier illisible ({e.strerror or e}) ; indice : vérifiez le chemin") from None
    nom = getattr(source, "name", "<flux>")
    # a caller's text stream splits lines on "\n" only: re-read it with universal line endings
    # (classic Mac "\r" files), untranslated so that quoted cells keep their line breaks
    return io.StringIO(source.read(), newline=""), nom, False


def lire_actes(source) -> Iterator[LigneActe]:
    """Rows of a batch file (path or text stream), one `LigneActe` each, in file order.

    Raises LotInvalide (before the first row) when the header lacks a required column.
    """
    import csv
    flux, nom, fermer = _ouvrir_texte(source)
    try:
        try:
            premiere = flux.readline()
        except UnicodeDecodeError:
            raise LotInvalide(f"{nom} : le fichier n'est pas en UTF-8 ; indice : enregistrez-le en « CSV UTF-8 »") from None
        premiere = premiere.lstrip("\ufeff")
        if not premiere.strip():
            raise LotInvalide(f"{nom} : fichier vide ou sans en-tête ; indice : la première ligne nomme les colonnes "
                              f"({', '.join(COLONNES_OBLIGATOIRES)})")
        sep = _separateur(premiere)
        noms = next(csv.reader([premiere], delimiter=sep))
        index = _verifier_entete(noms, nom)
        conv = _Conversion(index)
        norm = [normaliser_colonne(n) for n in noms]
        largeur = len(noms)
        lecteur = csv.reader(flux, delimiter=sep)
        avant = 0          # lines the reader had consumed before this row (the header is line 1)
        while True:
            try:
                cellules = next(lecteur)
            except StopIteration:
                break
            except csv.Error as e:
                raise LotInvalide(f"{nom} : ligne {avant + 2} illisible en CSV ({e}) ; "
                                  "indice : vérifiez les guillemets et les caractères spéciaux de cette ligne") from None
            except UnicodeDecodeError:
                raise LotInvalide(f"{nom} : caractères illisibles en UTF-8 après la ligne {avant + 1} ; "
                                  "indice : enregistrez le fichier en « CSV UTF-8 »") from None
            ligne = avant + 2
            avant = lecteur.line_num
            if not any(c.strip() for c in cellules):
                continue
            erreur = None
            if len(cellules) > largeur and any(c.strip() for c in cellules[largeur:]):
                erreur = _trop_de_cellules(cellules, largeur, sep)
            cellules = cellules[:largeur] + [""] * (largeur - len(cellules))
            brut = {norm[i] or noms[i]: cellules[i] for i in range(largeur)}
            acte = None
            if erreur is None:
                if not cellules[index["beneficiaire"]].strip():
                    erreur = "bénéficiaire absent : renseignez la colonne beneficiaire"
                else:
                    try:
                        acte = conv.acte(cellules)
                    except ErreurSimulateur as e:
                        erreur = message_lot(str(e))
            yield LigneActe(ligne, brut, acte, f"ligne {ligne} : {erreur}" if erreur else None)
    finally:
        if fermer:
            flux.close()


def _trop_de_cellules(cellules, largeur, sep=",") -> str:
    en_trop = [c.decode("utf-8", "replace") if isinstance(c, bytes) else c for c in cellules[largeur:]]
    indice = ("un montant à virgule dans un fichier séparé par des virgules doit être entre guillemets, "
              "ou séparez les colonnes par ;") if sep == "," else f"une cellule contenant « {sep} » doit être entre guillemets"
    return f"{len(cellules)} cellules pour {largeur} colonnes (en trop : {' | '.join(en_trop)}) ; {indice}"


def _normaliser_entree(i, x):
    """(ligne, beneficiaire, acte|None, erreur|None, contrat_txt, formule_txt, brut)."""
    if isinstance(x, LigneActe):
        return x.ligne, x.beneficiaire, x.acte, x.erreur, x.brut.get("contrat", ""), x.brut.get("formule", ""), x.brut
    if isinstance(x, dict):
        brut = {normaliser_colonne(k): ("" if v is None else v) for k, v in x.items()}
        ben = str(brut.get("beneficiaire", "") or "").strip()
        ligne = int(brut["ligne"]) if str(brut.get("ligne", "")).isdigit() else i
        try:
            if not ben:
                raise ActeInvalide("bénéficiaire absent : renseignez la clé beneficiaire")
            kw = {k: (v if isinstance(v, (str, bool, int, Decimal, dt.date)) else str(v)) for k, v in brut.items()
                  if k in ("nature", "date", "br", "frais_reels") or k in CHAMPS_OPTIONNELS}
            kw = {k: (None if v == "" else v) for k, v in kw.items()}
            if kw.get("date") in (None, ""):
                raise ActeInvalide("date absente : renseignez la date (AAAA-MM-JJ)")
            acte, erreur = creer_acte(**kw), None
        except ErreurSimulateur as e:
            acte, erreur = None, f"ligne {ligne} : {message_lot(str(e))}"
        return ligne, ben, acte, erreur, str(brut.get("contrat") or ""), str(brut.get("formule") or ""), brut
    if isinstance(x, tuple) and len(x) == 2 and isinstance(x[1], Acte):
        return i, str(x[0]), x[1], None, "", "", None
    ben, acte = getattr(x, "beneficiaire", None), getattr(x, "acte", None)
    if ben is not None and isinstance(acte, Acte):
        return i, str(ben), acte, None, str(getattr(x, "contrat", "") or ""), str(getattr(x, "formule", "") or ""), None
    raise TypeError(f"acte n° {i} : attendu un dict, un couple (beneficiaire, Acte) ou une LigneActe, reçu {type(x).__name__}")


def simuler_lot(actes: Iterable, contrat: Contrat | str | None = None, formule: str | None = None, *, parametres=None,
                expliquer: bool = False) -> Iterator[ResultatLot]:
    """Simulates a batch with each beneficiary's annual state; yields one ResultatLot per act, in input order.

    `actes`: dicts of text fields as in a CSV row (`beneficiaire`, `date`, `nature`, `br`,
    `frais_reels`, optional fields and `contrat` / `formule` overrides), `(beneficiaire, Acte)`
    pairs, objects with `beneficiaire` and `acte` attributes, or the rows of `lire_actes`. A row
    in error yields a ResultatLot with `erreur` set and consumes nothing. Each beneficiary's acts
    are replayed in date order (ties in input order); the state is shared by the beneficiary's
    formulas and contracts (its keys name the contract and column where that matters).
    `ligne` is the file's line for rows of `lire_actes` (or a dict's `ligne` key), else the act's
    position in `actes` (from 1). The contract and formula are checked at once (ErreurSimulateur);
    the acts are all read before the first result (the order of replay needs them).
    """
    calc = _Calcul(contrat, formule, parametres)
    return _simuler_lot(calc, actes, formule, expliquer)


def _simuler_lot(calc, actes, formule, expliquer) -> Iterator[ResultatLot]:
    entrees = [_normaliser_entree(i, x) for i, x in enumerate(actes, 1)]
    groupes: dict[str, list[int]] = {}
    for k, e in enumerate(entrees):
        groupes.setdefault(e[1], []).append(k)
    sorties: list[ResultatLot | None] = [None] * len(entrees)
    for ben, ks in groupes.items():
        ks.sort(key=lambda k: (_ordinal(entrees[k][2].date) if entrees[k][2] is not None else 0, k))
        etat = EtatBeneficiaire()
        for k in ks:
            ligne, _, acte, erreur, ct, ft, brut = entrees[k]
            choix = calc.choisir(ct, ft)
            c = f = None
            if isinstance(choix, tuple):
                c, f = choix
            r = None
            if erreur is None:
                if isinstance(choix, str):
                    erreur = f"ligne {ligne} : {choix}"
                else:
                    r, m = calc.calculer(c, f, acte, etat, expliquer)
                    if m is not None:
                        erreur = f"ligne {ligne} : {m}"
                    else:
                        etat.appliquer(r)
            sorties[k] = ResultatLot(ligne, ben, c.id if c is not None else (ct or None), f or ft or formule, r, erreur, brut)
    yield from sorties


# ------------------------------------------------------------------ the command's pipeline

class Bilan:
    """What the summary on stderr says: rows, rows in error, totals per payer (rows without error)."""
    __slots__ = ("fichier", "lignes", "erreurs", "vides", "niveaux", "totaux", "premieres_erreurs")

    def __init__(self, fichier: str, lignes: int = 0, erreurs: int = 0, vides: int = 0, niveaux: list | None = None):
        self.fichier, self.lignes, self.erreurs, self.vides = fichier, lignes, erreurs, vides
        self.niveaux = niveaux or []
        self.totaux: dict = {}                    # payer -> Decimal
        self.premieres_erreurs: list = []         # the first messages, by line


class _Tampon:
    """Each row's output bytes, appended in computing order and read back in input order."""

    def __init__(self, n: int, sur_disque: bool):
        import tempfile
        self.debut = array("Q", bytes(8 * n))
        self.long = array("I", bytes(4 * n))
        self.fichier = tempfile.TemporaryFile() if sur_disque else None
        self.buf = bytearray()
        self.pos = 0

    def ajouter(self, i: int, b: bytes):
        self.debut[i] = self.pos
        self.long[i] = len(b)
        self.pos += len(b)
        if self.fichier is not None:
            self.fichier.write(b)
        else:
            self.buf += b

    def lecteur(self):
        if self.fichier is None:
            buf, debut, long = self.buf, self.debut, self.long
            return lambda i: buf[debut[i]:debut[i] + long[i]]
        self.fichier.flush()
        fd, debut, long = self.fichier.fileno(), self.debut, self.long
        return lambda i: os.pread(fd, long[i], debut[i])

    def fermer(self):
        if self.fichier is not None:
            self.fichier.close()
        self.buf = bytearray()


def _fin_enregistrement(data: bytes, pos: int, n: int):
    """(end of the record starting at pos, physical lines it spans): quoted fields may hold newlines."""
    j = data.find(b"\n", pos)
    if j < 0:
        j = n
    lignes = 1
    if data.count(b'"', pos, j) & 1:
        while j < n and data.count(b'"', pos, j) & 1:
            k = data.find(b"\n", j + 1)
            j = n if k < 0 else k
            lignes += 1
    return j, lignes


def lire_octets(chemin) -> bytes:
    try:
        if str(chemin) == "-":
            return sys.stdin.buffer.read()
        with open(chemin, "rb") as f:
            return f.read()
    except IsADirectoryError:
        raise LotInvalide(f"{chemin} : c'est un dossier, pas un fichier CSV") from None
    except FileNotFoundError:
        raise LotInvalide(f"{chemin} : fichier introuvable ; indice : vérifiez le chemin (relatif au dossier courant)") from None
    except PermissionError:
        raise LotInvalide(f"{chemin} : lecture refusée ; indice : vérifiez les droits du fichier") from None
    except OSError as e:
        raise LotInvalide(f"{chemin} : fichier illisible ({e.strerror or e}) ; indice : vérifiez le chemin et les droits") from None


def executer_lot(data: bytes, sortie, *, contrat: Contrat | str | None, formule: str | None, fichier: str = "<lot>",
                 format: str = "csv", decimale: str | None = None, progression: Callable | None = None,
                 parametres=None, debug: bool = False) -> Bilan:
    """Runs a whole batch file (its bytes) and writes CSV or JSON to the binary stream `sortie`.

    Raises LotInvalide / ErreurSimulateur before writing anything when the file or the command
    line cannot be used (exit 2); row problems go to the `erreur` column and the Bilan.
    `progression(etape, fait, total)` is called now and then (etape: lecture, calcul, écriture).
    """
    import csv
    import heapq
    import json
    calc = _Calcul(contrat, formule, parametres, debug)
    if b"\r" in data and b"\n" not in data:
        data = data.replace(b"\r", b"\n")     # classic Mac line endings
    n = len(data)
    bom = data.startswith(_BOM)
    pos = 3 if bom else 0
    indice = f"indice : la première ligne nomme les colonnes ({', '.join(COLONNES_OBLIGATOIRES)}), séparées par , ou ;"
    if pos >= n or not data[pos:].strip():
        raise LotInvalide(f"{fichier} : fichier vide ; {indice}")
    j, nl = _fin_enregistrement(data, pos, n)
    try:
        entete_txt = data[pos:j].decode("utf-8").rstrip("\r")
    except UnicodeDecodeError:
        raise LotInvalide(f"{fichier} : l'en-tête n'est pas en UTF-8 ; indice : enregistrez le fichier en « CSV UTF-8 »") from None
    if not entete_txt.strip():
        raise LotInvalide(f"{fichier} : la ligne 1 est vide ; {indice}")
    sep = _separateur(entete_txt)
    noms = next(csv.reader(io.StringIO(entete_txt, newline=""), delimiter=sep))
    index = _verifier_entete(noms, fichier)
    if calc.contrat is None and "contrat" not in index:
        raise LotInvalide(f"{fichier} : aucun contrat : donnez --contrat (ex. cabinets-dentaires) ou une colonne contrat")
    if calc.formule is None and "formule" not in index:
        raise LotInvalide(f"{fichier} : aucune formule : donnez --formule (ex. option-2) ou une colonne formule")
    largeur = len(noms)
    entete_brut = data[pos:j].rstrip(b"\r")
    conv = _Conversion(index)
    dl = sep.encode()
    virgule = (sep == ";") if decimale is None else (decimale == "virgule")
    numero = 1 + nl
    pos = j + 1

    # pass 1: offsets, beneficiary, date ----------------------------------------------------------
    debuts, fins, lignes = array("Q"), array("Q"), array("I")
    groupes: dict[bytes, array] = {}
    dates: dict[bytes, int] = {}
    i_ben, i_date = index["beneficiaire"], index["date"]
    i_ct, i_ft = index.get("contrat", -1), index.get("formule", -1)
    coupe = max(i_ben, i_date, i_ct) + 1          # pass 1 needs only the first cells
    contrats_vus: dict = {}
    blancs = b" \t\r" + dl
    vides = 0
    find = data.find
    valeur = conv.valeur
    while pos < n:
        j = find(b"\n", pos)
        if j < 0:
            j = n
        rec = data[pos:j]
        phys = 1
        if b'"' in rec:
            j, phys = _fin_enregistrement(data, pos, n)
            rec = data[pos:j]
            cel = _cellules_guillemets(rec, sep)
        else:
            cel = rec.split(dl, coupe)
        if not rec.strip(blancs):
            vides += 1
            numero += phys
            pos = j + 1
            continue
        idx = len(debuts)
        debuts.append(pos)
        fins.append(j - 1 if rec.endswith(b"\r") else j)
        lignes.append(numero)
        nc = len(cel)
        ben = cel[i_ben].strip() if nc > i_ben else b""
        d = cel[i_date] if nc > i_date else b""
        o = dates.get(d)
        if o is None:
            if len(dates) >= _TAILLE_CACHE:
                dates.clear()
            v = valeur("date", d)
            o = dates[d] = v.toordinal() if v is not _REFUS else 0
        g = groupes.get(ben)
        if g is None:
            g = groupes[ben] = array("Q")
        g.append((o << 32) | idx)
        if i_ct >= 0 and nc > i_ct:
            contrats_vus[cel[i_ct]] = None
        numero += phys
        pos = j + 1
        if progression is not None and not idx & 0xFFFF:
            progression("lecture", pos, n)
    total = len(debuts)
    if total >= 1 << 32:
        raise LotInvalide(f"{fichier} : plus de 4 milliards de lignes ; découpez le fichier")
    for ct in contrats_vus:          # the layers of every contract named in a row, before the header
        t = ct.decode("utf-8", "replace").strip()
        if t:
            calc.charger(t)
    niveaux = list(calc.niveaux)
    pos_niveau = {nv: k for k, nv in enumerate(niveaux)}
    k_niv = len(niveaux)

    # pass 2: each beneficiary in date order, the engine, the state --------------------------------
    json_ = format == "json"
    tampon = _Tampon(total, sur_disque=json_)
    bilan = Bilan(fichier, total, 0, vides, niveaux)
    t_fr = t_ss = t_pf = t_fac = t_tr = t_rac = ZERO       # totals of the rows without error, per payer
    t_parts = [ZERO] * k_niv
    erreurs_tas: list = []
    vide = b""
    fmt: dict[str, str] = {}
    fget = fmt.get

    def montant(x) -> str:
        """Two decimals, point or comma (cached per str(x); the engine's amounts are already rounded)."""
        s = str(x)
        t = fmt.get(s)
        if t is None:
            t = str(arrondi(x))
            if virgule:
                t = t.replace(".", ",")
            if len(fmt) < _TAILLE_CACHE:
                fmt[s] = t
        return t

    def suffixe(cle_s) -> bytes:
        """The output cells of a result given as (ss, pf, total, rac, forfait, *parts) texts."""
        ss, pf, tr, rac, fac, *parts = (montant(Decimal(x)) for x in cle_s)
        return (sep + sep.join((ss, pf, *parts, tr, rac, "", fac)) + "\n").encode()

    suffixes: dict[tuple, list] = {}       # (ss, pf, total, rac, forfait, *parts) texts -> [output cells, rows]
    dispositions: dict = {}

    def disposition(choix):
        """Where each part of this formula goes among the part_<niveau> columns (None: in order, all of them)."""
        c, f = choix
        places = tuple(pos_niveau[c.colonnes[col].niveau] for col in c.formule(f).colonnes)
        d = None if places == tuple(range(k_niv)) else places
        dispositions[choix] = d
        return d

    choisir, acte_de, params = calc.choisir, conv.acte, calc.parametres
    choix_fixe = choisir(vide, vide) if i_ct < 0 and i_ft < 0 else None
    dispo_fixe = disposition(choix_fixe) if isinstance(choix_fixe, tuple) else None
    rapide = isinstance(choix_fixe, tuple) and dispo_fixe is None and not json_
    deb, lon, buf = tampon.debut, tampon.long, tampon.buf
    bpos = 0
    vides_parts = [""] * k_niv
    fait = 0
    gc_actif = gc.isenabled()
    gc.disable()      # the engine makes no reference cycles; a million short-lived objects would only trigger useless collections
    try:
        for ben in list(groupes):
            cles = sorted(groupes.pop(ben))
            etat = EtatBeneficiaire()
            appliquer = etat.appliquer
            for cle in cles:
                i = cle & 0xFFFFFFFF
                rec = data[debuts[i]:fins[i]]
                cel = rec.split(dl) if b'"' not in rec else _cellules_guillemets(rec, sep)
                r = erreur = choix = None
                manque = 0
                if len(cel) != largeur:
                    manque = max(largeur - len(cel), 0)
                    cel, erreur = _largeur(cel, largeur, i, debuts, fins, sep)
                if erreur is None:
                    if not ben:
                        erreur = "bénéficiaire absent : renseignez la colonne beneficiaire"
                    else:
                        try:
                            acte = acte_de(cel)
                        except ErreurSimulateur as e:
                            erreur = message_lot(str(e))
                        else:
                            choix = choix_fixe or choisir(cel[i_ct] if i_ct >= 0 else vide, cel[i_ft] if i_ft >= 0 else vide)
                            if choix.__class__ is str:
                                erreur = choix
                            else:
                                try:
                                    r = simuler(choix[0], choix[1], acte, etat, params, False)   # expliquer=False
                                except (ErreurSimulateur, ParametreIndisponible) as e:
                                    erreur = message_lot(str(e))
                                except Exception as e:  # noqa: BLE001 - one broken row must not lose the others
                                    if debug:
                                        raise
                                    erreur = f"erreur interne du moteur ({type(e).__name__} : {e}) ; signalez-la avec cette ligne"
                                else:
                                    appliquer(r)
                if r is not None:
                    e = None
                    if rapide and choix is choix_fixe:
                        # the usual case: one formula whose layers are the part_ columns in order. Rows with the
                        # same amounts share their output cells, and their totals are counted per distinct result.
                        cle_s = (str(r.securite_sociale), str(r.participation_forfaitaire), str(r.total_rembourse),
                                 str(r.reste_a_charge), str(r.forfait_apres_cancer), *[str(p.montant) for p in r.parts])
                        e = suffixes.get(cle_s)
                        if e is None and len(suffixes) < _TAILLE_SUFFIXES:
                            e = suffixes[cle_s] = [suffixe(cle_s), 0]
                    if e is not None:
                        e[1] += 1
                        b = e[0]
                    else:
                        fr, ss, pf, fac, tr, rac = (r.frais_reels, r.securite_sociale, r.participation_forfaitaire,
                                                    r.forfait_apres_cancer, r.total_rembourse, r.reste_a_charge)
                        t_fr += fr
                        t_ss += ss
                        t_pf += pf
                        t_fac += fac
                        t_tr += tr
                        t_rac += rac
                        d = dispo_fixe if choix is choix_fixe else dispositions.get(choix, _ABSENT)
                        if d is _ABSENT:
                            d = disposition(choix)
                        parts = vides_parts.copy()
                        for k, p in zip(range(k_niv) if d is None else d, r.parts):
                            x = p.montant
                            parts[k] = fget(str(x)) or montant(x)
                            t_parts[k] += x
                        if json_:
                            b = _json_ok(lignes[i], ben, r)
                        else:
                            b = (sep + sep.join((fget(str(ss)) or montant(ss), fget(str(pf)) or montant(pf), *parts,
                                                 fget(str(tr)) or montant(tr), fget(str(rac)) or montant(rac), "",
                                                 fget(str(fac)) or montant(fac))) + "\n").encode()
                    if json_:
                        pass
                    elif manque:       # a short row, padded
                        b = dl * manque + b
                    elif fins[i] == debuts[i]:      # a row with empty cells beyond the header's: written again, cut
                        b = _csv_cellules(cel, sep) + b
                else:
                    msg = f"ligne {lignes[i]} : {erreur}"
                    bilan.erreurs += 1
                    item = (-lignes[i], msg)
                    if len(erreurs_tas) < 5:
                        heapq.heappush(erreurs_tas, item)
                    elif item > erreurs_tas[0]:
                        heapq.heapreplace(erreurs_tas, item)
                    if json_:
                        b = json.dumps(_dict_erreur(lignes[i], ben, cel, index, choix, calc, msg), ensure_ascii=False).encode()
                    else:
                        b = _csv_erreur(cel, manque, k_niv, msg, sep, debuts[i] == fins[i])
                if json_:
                    tampon.ajouter(i, b)
                else:
                    deb[i] = bpos
                    lb = len(b)
                    lon[i] = lb
                    bpos += lb
                    buf += b
                fait += 1
                if progression is not None and not fait & 0x1FFF:
                    progression("calcul", fait, total)
    finally:
        if gc_actif:
            gc.enable()
    del groupes
    if progression is not None:
        progression("calcul", total, total)

    # pass 3: write in input order -----------------------------------------------------------------
    lire = tampon.lecteur()
    w = sortie.write
    morceaux: list = []
    if json_:
        w(b"[")
        for i in range(total):
            morceaux.append(b"\n" if i == 0 else b",\n")
            morceaux.append(lire(i))
            if len(morceaux) >= 4096:
                w(b"".join(morceaux))
                morceaux.clear()
        morceaux.append(b"\n]\n" if total else b"]\n")
    else:
        colonnes = list(COLONNES_RESULTAT_AVANT) + [f"part_{nv}" for nv in niveaux] + list(COLONNES_RESULTAT_APRES)
        w((_BOM if bom else b"") + entete_brut + dl + dl.join(c.encode() for c in colonnes) + b"\n")
        for i in range(total):
            a = deb[i]
            morceaux.append(data[debuts[i]:fins[i]])
            morceaux.append(buf[a:a + lon[i]])
            if len(morceaux) >= 8192:
                w(b"".join(morceaux))
                morceaux.clear()
                if progression is not None:
                    progression("écriture", i + 1, total)
    w(b"".join(morceaux))
    if progression is not None:
        progression("écriture", total, total)
    tampon.fermer()
    for cle_s, (_, nb) in suffixes.items():
        ss, pf, tr, rac, fac, *parts = (Decimal(x) * nb for x in cle_s)
        t_ss += ss
        t_pf += pf
        t_tr += tr
        t_rac += rac
        t_fac += fac
        t_fr += tr + rac                      # the engine's reste à charge is frais réels − total, exactly
        for k, x in enumerate(parts):
            t_parts[k] += x
    bilan.totaux = {"frais_reels": t_fr, "securite_sociale": t_ss, "participation_forfaitaire": t_pf,
                    "forfait_apres_cancer": t_fac, "total_rembourse": t_tr, "reste_a_charge": t_rac}
    bilan.totaux.update({f"part_{nv}": t_parts[k] for k, nv in enumerate(niveaux)})
    bilan.premieres_erreurs = [m for _, m in sorted((-a, m) for a, m in erreurs_tas)]
    return bilan


def _largeur(cel, largeur, i, debuts, fins, sep):
    """A row whose cell count differs from the header's: padded; or cut and written again whole (fins[i] =
    debuts[i]), refused if the extra cells hold anything (spreadsheets add empty ones: a trailing separator)."""
    if len(cel) < largeur:
        return cel + [b""] * (largeur - len(cel)), None
    fins[i] = debuts[i]
    if not any(c.strip() for c in cel[largeur:]):
        return cel[:largeur], None
    return cel[:largeur], _trop_de_cellules(cel, largeur, sep)


def _csv_cellules(cel, sep) -> bytes:
    """Cells (bytes) as one CSV record, without its line end."""
    import csv
    f = io.StringIO()
    csv.writer(f, delimiter=sep, lineterminator="").writerow([x.decode("utf-8", "replace") for x in cel])
    return f.getvalue().encode("utf-8")


def _csv_erreur(cel, manque, k_niv, msg, sep, coupee) -> bytes:
    import csv
    suite = [""] * (2 + k_niv) + ["", "", msg, ""]
    f = io.StringIO()
    w = csv.writer(f, delimiter=sep, lineterminator="\n")
    if coupee:
        w.writerow([x.decode("utf-8", "replace") for x in cel] + suite)
        return f.getvalue().encode("utf-8")
    w.writerow(suite)
    return sep.encode() * (manque + 1) + f.getvalue().encode("utf-8")


def _json_ok(ligne, ben: bytes, r) -> bytes:
    import json
    d = {"ligne": ligne, "beneficiaire": ben.decode("utf-8", "replace")}
    d.update(r.en_dict())
    d["erreur"] = None
    return json.dumps(d, ensure_ascii=False).encode("utf-8")


def _cellules_guillemets(rec: bytes, sep: str) -> list[bytes]:
    """A record with quotes: the csv module splits it (cells stay bytes, like the fast path)."""
    import csv
    try:
        t = rec.decode("utf-8")
    except UnicodeDecodeError:
        t = rec.decode("utf-8", "surrogateescape")
    cel = next(csv.reader(io.StringIO(t, newline=""), delimiter=sep), [])
    return [c.encode("utf-8", "surrogateescape") for c in cel]


def _dict_erreur(ligne, ben: bytes, cel, index, choix, calc, message) -> dict:
    def txt(nom):
        i = index.get(nom)
        return cel[i].decode("utf-8", "replace") if i is not None and i < len(cel) else None
    c = f = None
    if isinstance(choix, tuple):
        c, f = choix[0].id, choix[1]
    else:
        c = txt("contrat") or (calc.contrat.id if calc.contrat is not None else None)
        f = txt("formule") or calc.formule
    return {"ligne": ligne, "beneficiaire": ben.decode("utf-8", "replace"), "contrat": c, "formule": f,
            "nature": txt("nature"), "date": txt("date"), "erreur": message}


__all__ = ["Bilan", "COLONNES_OBLIGATOIRES", "LigneActe", "LotInvalide", "ResultatLot", "executer_lot", "lire_actes",
           "lire_octets", "normaliser_colonne", "simuler_lot"]
