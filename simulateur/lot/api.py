"""The Python API of batches: `lire_actes` (a CSV file → rows) and `simuler_lot` (acts → results), on
the same reader and the same replay loop as `simulateur lot`."""
from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal
from pathlib import Path
from typing import Iterable, Iterator

from ..domaine.acte import Acte, ConvertisseurActes
from ..domaine.champs import PAR_NOM
from ..domaine.erreurs import ActeInvalide
from ..domaine.identifiants import normaliser_beneficiaire
from ..rendu.messages import message
from .fichier import probleme_largeur
from .lecture import Table, decoder, lire_octets, normaliser_colonne
from .rejeu import Choix, Entree, ErreurLigne, Groupes, rejouer


class LigneActe:
    """One row of a batch file: `ligne` is the file's line (header = 1), `brut` the cells by column name,
    `acte` the Acte (or None) and `erreur` the French message « ligne N : … » (or None)."""
    __slots__ = ("ligne", "brut", "acte", "erreur", "_erreur")

    def __init__(self, ligne: int, brut: dict, acte: Acte | None, erreur: str | None = None, valeur_erreur=None):
        self.ligne, self.brut, self.acte, self.erreur, self._erreur = ligne, brut, acte, erreur, valeur_erreur

    @property
    def beneficiaire(self) -> str:
        return normaliser_beneficiaire(self.brut.get("beneficiaire"))

    def __repr__(self):
        return f"LigneActe(ligne={self.ligne}, beneficiaire={self.beneficiaire!r}, acte={self.acte!r}, erreur={self.erreur!r})"


class ResultatLot:
    """The result of one act of a batch, in input order; `resultat` is None when `erreur` is set."""
    __slots__ = ("ligne", "beneficiaire", "contrat", "formule", "resultat", "erreur", "brut", "valeur_erreur", "acte")

    def __init__(self, ligne, beneficiaire, contrat, formule, resultat, erreur=None, brut=None, valeur_erreur=None,
                 acte=None):
        self.ligne, self.beneficiaire, self.contrat, self.formule = ligne, beneficiaire, contrat, formule
        self.resultat, self.erreur, self.brut, self.valeur_erreur = resultat, erreur, brut, valeur_erreur
        self.acte = acte

    def __repr__(self):
        quoi = f"reste_a_charge={self.resultat.reste_a_charge}" if self.resultat is not None else f"erreur={self.erreur!r}"
        return f"ResultatLot(ligne={self.ligne}, beneficiaire={self.beneficiaire!r}, formule={self.formule!r}, {quoi})"

    def en_dict(self) -> dict:
        """The JSON object of `simulateur lot --format json`."""
        if self.resultat is not None:
            from ..domaine.acte import acte_en_dict
            d = {"ligne": self.ligne, "beneficiaire": self.beneficiaire}
            d.update(self.resultat.en_dict())
            d["acte"] = acte_en_dict(self.resultat.acte if self.resultat.acte is not None else self.acte)
            d["erreur"] = None
            return d
        b = self.brut or {}
        return {"ligne": self.ligne, "beneficiaire": self.beneficiaire, "contrat": self.contrat, "formule": self.formule,
                "nature": b.get("nature"), "date": b.get("date"), "erreur": self.erreur}


def _texte_source(source) -> tuple[str, str]:
    if isinstance(source, (str, os.PathLike)):
        return decoder(lire_octets(Path(source)), str(source))[0], str(source)
    contenu = source.read()
    nom = str(getattr(source, "name", "<flux>"))
    if isinstance(contenu, bytes):
        return decoder(contenu, nom)[0], nom
    return contenu, nom


def lire_actes(source) -> Iterator[LigneActe]:
    """Rows of a batch file (path as str or `os.PathLike`, text stream or binary stream), one `LigneActe`
    each, in file order.

    Raises TypeError (French, at the call) when `source` is none of these (None, bytes, a list…);
    LotInvalide (an ErreurSimulateur, before the first row) when the file cannot be read or the header
    lacks a required column; a bad row is a LigneActe with `erreur` set (never a lost row).
    """
    if not isinstance(source, (str, os.PathLike)) and not callable(getattr(source, "read", None)):
        indice = " (des octets : io.BytesIO(donnees))" if isinstance(source, (bytes, bytearray)) else ""
        raise TypeError("lire_actes : chemin d'un fichier CSV ou flux ouvert (texte ou binaire) attendu"
                        f"{indice}, reçu {'None' if source is None else type(source).__name__}")
    return _lire_actes(source)


def _lire_actes(source) -> Iterator[LigneActe]:
    texte, nom = _texte_source(source)
    table = Table(texte, nom)
    norm = [normaliser_colonne(n) or n for n in table.noms]
    conv = ConvertisseurActes({k: i for k, i in table.colonnes.items() if k in PAR_NOM})
    i_ben = table.colonnes["beneficiaire"]
    for numero, debut, fin in table.enregistrements():
        cel = table.cellules(debut, fin)
        if not any(c.strip() for c in cel):
            continue
        erreur = None
        probleme = probleme_largeur(cel, table.largeur, table.sep, numero, table.texte[debut:fin])
        if probleme is None and numero in table.longues:
            probleme = table.trop_longue(cel)
        if probleme is not None:
            erreur = ErreurLigne(probleme)
        cel = cel[:table.largeur] + [""] * (table.largeur - len(cel))
        brut = dict(zip(norm, cel))
        acte = None
        if erreur is None and not normaliser_beneficiaire(cel[i_ben]):
            erreur = ErreurLigne("bénéficiaire absent : renseignez la colonne beneficiaire")
        if erreur is None:
            try:
                acte = conv.acte(cel)
            except ActeInvalide as e:
                erreur = e
        yield LigneActe(numero, brut, acte, f"ligne {numero} : {message(erreur, 'lot')}" if erreur else None, erreur)


def _texte(v) -> str:
    return "" if v is None else str(v)


def _entree_dict(i: int, x: dict) -> Entree:
    brut = {normaliser_colonne(k): v for k, v in x.items()}
    ben = normaliser_beneficiaire(brut.get("beneficiaire"))
    ligne = int(brut["ligne"]) if str(brut.get("ligne", "")).isdigit() else i
    ct, ft = _texte(brut.get("contrat")), _texte(brut.get("formule"))
    if not ben:
        return Entree(ligne, ben, None, ErreurLigne("bénéficiaire absent : renseignez la clé beneficiaire"), ct, ft)
    kw = {k: (v if isinstance(v, (str, bool, int, Decimal, dt.date)) or v is None else str(v))
          for k, v in brut.items() if k in PAR_NOM}
    try:
        return Entree(ligne, ben, ConvertisseurActes({k: k for k in kw}).acte(kw), None, ct, ft)
    except ActeInvalide as e:
        return Entree(ligne, ben, None, e, ct, ft)


def _entree(i: int, x) -> tuple[Entree, dict | None]:
    """(Entree, the row's raw cells or None) for one item of `simuler_lot`'s input."""
    if isinstance(x, LigneActe):
        e = Entree(x.ligne, x.beneficiaire, x.acte, x._erreur if x.erreur else None, _texte(x.brut.get("contrat")),
                   _texte(x.brut.get("formule")))
        return e, x.brut
    if isinstance(x, dict):
        return _entree_dict(i, x), {normaliser_colonne(k): v for k, v in x.items()}
    if isinstance(x, tuple) and len(x) == 2 and isinstance(x[1], Acte):
        return Entree(i, normaliser_beneficiaire(x[0]), x[1]), None
    ben, acte = getattr(x, "beneficiaire", None), getattr(x, "acte", None)
    if ben is not None and (acte is None or isinstance(acte, Acte)):
        err = getattr(x, "erreur", None)
        e = Entree(getattr(x, "numero", i), normaliser_beneficiaire(ben), acte,
                   (ErreurLigne(err) if isinstance(err, str) else err) if err else None,
                   _texte(getattr(x, "contrat", "")), _texte(getattr(x, "formule", "")))
        if e.acte is None and e.erreur is None:
            e.erreur = ErreurLigne("acte absent")
        return e, None
    raise TypeError(f"acte n° {i} : attendu un dict, un couple (beneficiaire, Acte) ou une LigneActe, reçu {type(x).__name__}")


def simuler_lot(actes: Iterable, contrat=None, formule: str | None = None, *, parametres=None,
                expliquer: bool = False, strict: bool = False) -> Iterator[ResultatLot]:
    """Simulates a batch with each beneficiary's annual state; yields one ResultatLot per act, in input order.

    `actes`: dicts of fields as in a CSV row (`beneficiaire`, `date`, `nature`, `br`, `frais_reels`,
    the other fields of `simulateur.domaine.champs.CHAMPS`, and `contrat` / `formule` overrides),
    `(beneficiaire, Acte)` pairs, objects with `beneficiaire` and `acte` attributes, or the rows of
    `lire_actes`. Beneficiary ids are normalised (`domaine.identifiants`). A row in error yields a
    ResultatLot with `erreur` set and consumes nothing. `ligne` is the file's line for rows of
    `lire_actes` (or a dict's `ligne` key), else the act's position in `actes` (from 1). The contract
    and formula are checked at once (ErreurSimulateur); all acts are read before the first result.
    `strict`: a parameter past its last published value is the row's error (else carried forward, and shown
    in the result's `hypotheses`).

    Raises TypeError (French, at the call) when `actes` is not a collection of acts (None, a file name:
    read it with `lire_actes`, a lone dict: put it in a list), and at the first result for an item of
    another kind; ErreurSimulateur (ContratIntrouvable, ContratInvalide, FormuleInconnue) for the
    contract or formula.
    """
    _verifier_actes(actes)
    choix = Choix(contrat, formule)          # an unknown contract or formula: raised now, not at the first result
    return _simuler_lot(choix, actes, formule, parametres, expliquer, strict)


def _verifier_actes(actes) -> None:
    """TypeError (French) unless `actes` is an iterable of acts (not a text, a path, bytes or a lone dict)."""
    quoi = "None" if actes is None else type(actes).__name__
    if isinstance(actes, (str, bytes, os.PathLike)):
        raise TypeError(f"simuler_lot : une suite d'actes est attendue, reçu {quoi} ; pour un fichier CSV, "
                        "lisez-le d'abord : simuler_lot(lire_actes(chemin), contrat, formule)")
    if isinstance(actes, dict):
        raise TypeError("simuler_lot : une suite d'actes est attendue, reçu un dict seul ; mettez-le dans une "
                        "liste : simuler_lot([acte], contrat, formule)")
    try:
        iter(actes)
    except TypeError:
        raise TypeError(f"simuler_lot : une suite d'actes est attendue (liste de dict, de couples (beneficiaire, "
                        f"Acte) ou les lignes de lire_actes), reçu {quoi}") from None


def _simuler_lot(choix, actes, formule, parametres, expliquer, strict=False) -> Iterator[ResultatLot]:
    lus = [_entree(i, x) for i, x in enumerate(actes, 1)]
    groupes = Groupes()
    for i, (e, _b) in enumerate(lus):
        groupes.ajouter(e.beneficiaire, e.acte.date.toordinal() if e.acte is not None else 0, i)
    sorties: list = [None] * len(lus)

    def rendre(i, e, c, r, err):
        ok = isinstance(c, tuple)
        texte = f"ligne {e.numero} : {message(err, 'lot')}" if err is not None else None
        sorties[i] = ResultatLot(e.numero, e.beneficiaire, c[0].id if ok else (e.contrat.strip() or None),
                                 c[1] if ok else (e.formule.strip() or formule), r, texte, lus[i][1], err, e.acte)

    rejouer(groupes, lambda i: lus[i][0], choix, rendre, parametres, expliquer, strict=strict)
    yield from sorties
