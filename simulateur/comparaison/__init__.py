"""Comparing formulas: one act, or a year's basket of acts, against several formulas.

Pure logic (no CLI, no Rich): which formulas are compared (`contrat:formule`), the results side by
side, basket totals per category of care (natures.CATEGORIES), premiums and the net cost
(premium + reste à charge), and the lowest amounts. Money stays Decimal; the rendering
(rendu_comparaison) and the chart (graphique) only read what is computed here.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from ..domaine.erreurs import ErreurDansFormule, ErreurSimulateur, apercu
from ..domaine.montant import MontantInvalide, lire_montant
from ..domaine.natures import CATEGORIES, NATURES, suggestion

ZERO = Decimal(0)
DOUZE = Decimal(12)


class ComparaisonInvalide(ErreurSimulateur):
    """Bad --formules / --cotisations: the CLI maps it to exit code 2."""


# ------------------------------------------------------------------ what is compared

@dataclass(slots=True, eq=False)
class Cible:
    """One compared formula: `cle` is how the user wrote it (`option-2`, `cabinets-dentaires:option-2`)."""
    cle: str
    contrat: object          # Contrat
    formule: str

    @property
    def libelle(self) -> str:
        return self.contrat.formules[self.formule].libelle or self.formule


def _separer(texte: str, option: str = "--formules") -> list[str]:
    """The items of a list option (`,` or `;`); an empty item between two separators is refused (a formula
    or an id forgotten, not a wish); a separator at the end is ignored."""
    morceaux = [m.strip() for m in re.split(r"[,;]", texte or "")]
    while len(morceaux) > 1 and not morceaux[-1]:       # a separator at the end is harmless
        morceaux.pop()
    if len(morceaux) > 1 and not all(morceaux):
        raise ComparaisonInvalide(f"{option} : élément vide dans « {apercu(texte)} » (deux virgules de suite ?) ; "
                                  "retirez-le ou écrivez l'élément oublié")
    return [m for m in morceaux if m]


def lire_cibles(texte: str, contrat_defaut: str | None = None, charger=None) -> list[Cible]:
    """`F1,F2` (formulas of `contrat_defaut`) or `contrat:formule,…` (any contract), in the order given.

    Every unknown formula is named, with a "did you mean"; a contract that cannot be found or read
    raises the loader's own error.
    """
    if charger is None:
        from ..contrat.depot import charger_contrat as charger
    morceaux = _separer(texte)
    if not morceaux:
        raise ComparaisonInvalide("--formules est vide : donnez au moins une formule, ex. --formules base,option-2")
    vues: set = set()
    cibles: list[Cible] = []
    inconnues: list[str] = []
    for m in morceaux:
        if m in vues:
            raise ComparaisonInvalide(f"la formule « {apercu(m)} » est donnée deux fois dans --formules")
        vues.add(m)
        nom_contrat, sep, formule = m.rpartition(":")
        if not sep:
            nom_contrat, formule = contrat_defaut, m
            if not nom_contrat:
                raise ComparaisonInvalide(f"formule « {apercu(m)} » : de quel contrat ? donnez le CONTRAT ou écrivez contrat:formule "
                                          "(ex. cabinets-dentaires:option-2)")
        nom_contrat, formule = nom_contrat.strip(), formule.strip()
        if not nom_contrat or not formule:
            raise ComparaisonInvalide(f"« {apercu(m)} » : écrivez contrat:formule (ex. cabinets-dentaires:option-2)")
        contrat = charger(nom_contrat)
        if (contrat.fichier, formule) in vues:          # « option-2 » and « cabinets-dentaires:option-2 »
            raise ComparaisonInvalide(f"la formule « {apercu(m)} » est donnée deux fois dans --formules "
                                      f"(déjà comme {contrat.id}:{formule})")
        vues.add((contrat.fichier, formule))
        if formule not in contrat.formules:
            inconnues.append(f"formule inconnue « {apercu(formule)} » pour le contrat {contrat.id}"
                             f"{suggestion(formule, contrat.formules)} (formules : {', '.join(contrat.formules)})")
            continue
        cibles.append(Cible(m, contrat, formule))
    if inconnues:
        raise ComparaisonInvalide("\n".join(inconnues) if len(inconnues) > 1 else inconnues[0])
    return cibles


# ------------------------------------------------------------------ totals

@dataclass(slots=True, eq=False)
class Totaux:
    """Sums of results (one act or many): every payer, and what is left to the patient."""
    actes: int = 0
    frais_reels: Decimal = ZERO
    securite_sociale: Decimal = ZERO
    participation_forfaitaire: Decimal = ZERO
    forfait_apres_cancer: Decimal = ZERO
    parts: dict = field(default_factory=dict)       # niveau -> Decimal, in the formula's order
    total_rembourse: Decimal = ZERO
    reste_a_charge: Decimal = ZERO

    @property
    def complementaire(self) -> Decimal:
        return sum(self.parts.values(), ZERO)

    def ajouter(self, r) -> None:
        self.actes += 1
        self.frais_reels += r.frais_reels
        self.securite_sociale += r.securite_sociale
        self.participation_forfaitaire += r.participation_forfaitaire
        self.forfait_apres_cancer += r.forfait_apres_cancer
        for p in r.parts:
            self.parts[p.niveau] = self.parts.get(p.niveau, ZERO) + p.montant
        self.total_rembourse += r.total_rembourse
        self.reste_a_charge += r.reste_a_charge


@dataclass(slots=True, eq=False)
class Comparaison:
    """One column of a comparison: a formula and what it pays for the act or the basket."""
    cible: Cible
    total: Totaux
    par_categorie: dict                       # categorie -> Totaux, in natures.CATEGORIES order
    resultats: list                           # [(numero, Resultat)] in input order
    erreurs: list = field(default_factory=list)   # [(numero, message)]
    cotisation_mensuelle: Decimal | None = None

    @property
    def cotisation_annuelle(self) -> Decimal | None:
        return None if self.cotisation_mensuelle is None else self.cotisation_mensuelle * DOUZE

    @property
    def cout_net(self) -> Decimal | None:
        a = self.cotisation_annuelle
        return None if a is None else a + self.total.reste_a_charge

    def niveaux(self) -> list[tuple[str, str]]:
        """(niveau, libellé) of the formula's layers, in order."""
        c = self.cible.contrat
        f = c.formules[self.cible.formule]
        out = []
        for col in f.colonnes:
            n = c.colonnes[col].niveau
            out.append((n, c.niveaux[n].libelle or n))
        return out


def _comparaison(cible: Cible, resultats: list, erreurs: list) -> Comparaison:
    total = Totaux()
    c = cible.contrat
    for col in c.formules[cible.formule].colonnes:     # every layer, those paying 0 included
        total.parts[c.colonnes[col].niveau] = ZERO
    cats: dict[str, Totaux] = {}
    for _num, r in resultats:
        total.ajouter(r)
        cat = NATURES[r.nature].categorie
        cats.setdefault(cat, Totaux()).ajouter(r)
    ordre = list(CATEGORIES)
    par_cat = {k: cats[k] for k in sorted(cats, key=lambda k: ordre.index(k) if k in ordre else len(ordre))}
    return Comparaison(cible, total, par_cat, resultats, erreurs)


# ------------------------------------------------------------------ one act

def comparer_acte(cibles: list[Cible], acte, expliquer: bool = False, parametres=None) -> list[Comparaison]:
    """The same act through every formula, in the order given; an act a formula cannot compute names it.
    `parametres`: the dated regulatory parameters (default: the shipped ones; a reform scenario otherwise)."""
    from ..moteur.calcul import simuler
    out = []
    for c in cibles:
        try:
            r = simuler(c.contrat, c.formule, acte, parametres=parametres, expliquer=expliquer)
        except ErreurSimulateur as e:
            raise ErreurDansFormule(c.cle, e) from None
        out.append(_comparaison(c, [(1, r)], []))
    return out


# ------------------------------------------------------------------ a basket (a year of care)

@dataclass(slots=True, eq=False)
class LignePanier:
    """One act of a basket, as read: its line number, beneficiary and act, or why it cannot be read
    (`erreur`: an error value or a message).

    It has the `beneficiaire` and `acte` attributes that `lot.simuler_lot` accepts, and no
    contrat/formule override: in a comparison, each compared formula replays the whole basket.
    """
    numero: int
    beneficiaire: str
    acte: object = None          # domaine.acte.Acte
    erreur: object = None


@dataclass(slots=True, eq=False)
class Panier:
    lignes: list                                        # [LignePanier], file order
    surcharges: list = field(default_factory=list)      # line numbers whose contrat/formule cell was ignored


def lire_panier(source) -> Panier:
    """A basket file, read by `lot.lire_actes` (same columns, separators and messages as `simulateur lot`)."""
    from ..lot import lire_actes
    lignes, surcharges = [], []
    for l in lire_actes(source):
        if str(l.brut.get("contrat") or "").strip() or str(l.brut.get("formule") or "").strip():
            surcharges.append(l.ligne)
        lignes.append(LignePanier(l.ligne, l.beneficiaire, l.acte, l._erreur))
    return Panier(lignes, surcharges)


def comparer_panier(cibles: list[Cible], panier, parametres=None) -> list[Comparaison]:
    """Each formula replays the whole basket through `lot.simuler_lot` (the one replay loop), with its
    own annual state per beneficiary (each beneficiary's acts in date order, ties in input order).
    `parametres`: the dated regulatory parameters (default: the shipped ones; a reform scenario otherwise)."""
    lignes = panier.lignes if isinstance(panier, Panier) else list(panier)
    return [_rejouer(c, lignes, parametres) for c in cibles]


def _rejouer(cible: Cible, lignes: list[LignePanier], parametres=None) -> Comparaison:
    from ..lot import simuler_lot
    from ..rendu.messages import message
    erreurs, resultats = [], []
    for r in simuler_lot(lignes, cible.contrat, cible.formule, parametres=parametres):
        if r.resultat is None:
            erreurs.append((r.ligne, message(r.valeur_erreur, "lot")))
        else:
            resultats.append((r.ligne, r.resultat))
    return _comparaison(cible, resultats, erreurs)


# ------------------------------------------------------------------ premiums and the best formula

def lire_cotisations(texte: str, cibles: list[Cible]) -> dict[str, Decimal]:
    """`F1=45.20,F2=61,00` (monthly premiums in euros, keys as written in --formules).

    A comma inside an amount (`61,00`) is a decimal comma: pairs are split only before `clé=`.
    Every compared formula needs a premium, and a premium for a formula not compared is an error.
    """
    cles = [c.cle for c in cibles]
    morceaux = [m.strip() for m in re.split(r"[,;](?=[^,;=]*=)", texte or "") if m.strip()]
    if not morceaux:
        raise ComparaisonInvalide("--cotisations est vide : écrivez formule=montant mensuel, ex. --cotisations base=45.20,option-2=61.00")
    out: dict[str, Decimal] = {}
    for m in morceaux:
        cle, sep, valeur = m.partition("=")
        cle = cle.strip()
        if not sep or not cle:
            raise ComparaisonInvalide(f"--cotisations : « {apercu(m)} » n'est pas de la forme formule=montant (ex. option-2=61.00)")
        if cle not in cles:
            raise ComparaisonInvalide(f"cotisation donnée pour « {apercu(cle)} », qui n'est pas comparée{suggestion(cle, cles)} "
                                      f"(formules comparées : {', '.join(cles)})")
        if cle in out:
            raise ComparaisonInvalide(f"--cotisations : la cotisation de « {apercu(cle)} » est donnée deux fois")
        try:
            out[cle] = lire_montant(valeur)
        except MontantInvalide as e:
            from ..rendu.messages import montant_invalide
            raise ComparaisonInvalide(montant_invalide(e, f"cotisation mensuelle de {cle}")) from None
    manquantes = [c for c in cles if c not in out]
    if manquantes:
        raise ComparaisonInvalide(f"cotisation absente pour {', '.join('« ' + c + ' »' for c in manquantes)} : "
                                  "donnez la cotisation mensuelle de chaque formule comparée")
    return out


def appliquer_cotisations(comparaisons: list[Comparaison], cotisations: dict[str, Decimal]) -> None:
    for c in comparaisons:
        c.cotisation_mensuelle = cotisations.get(c.cible.cle)


def les_moins_chers(valeurs: list[Decimal | None]) -> set[int]:
    """Indices of the lowest value (all of them on a tie); None is never the lowest."""
    connues = [v for v in valeurs if v is not None]
    if not connues:
        return set()
    m = min(connues)
    return {i for i, v in enumerate(valeurs) if v is not None and v == m}


def meilleur_reste_a_charge(comparaisons: list[Comparaison]) -> set[int]:
    return les_moins_chers([c.total.reste_a_charge for c in comparaisons])


def meilleur_cout_net(comparaisons: list[Comparaison]) -> set[int]:
    return les_moins_chers([c.cout_net for c in comparaisons])


# ------------------------------------------------------------------ machine form

def en_dict_panier(c: Comparaison) -> dict:
    """One formula's basket totals, shaped like `simuler`'s JSON (amounts as two-decimal strings)."""
    from ..domaine.montant import texte_json
    t = c.total
    d = {
        "cle": c.cible.cle, "contrat": c.cible.contrat.id, "formule": c.cible.formule, "actes": t.actes,
        "frais_reels": texte_json(t.frais_reels), "securite_sociale": texte_json(t.securite_sociale),
        "participation_forfaitaire": texte_json(t.participation_forfaitaire),
        "forfait_apres_cancer": texte_json(t.forfait_apres_cancer),
        "parts": [{"niveau": n, "colonne": col, "montant": texte_json(t.parts.get(n, ZERO))} for (n, _), col in
                  zip(c.niveaux(), c.cible.contrat.formules[c.cible.formule].colonnes)],
        "complementaire": texte_json(t.complementaire),
        "total_rembourse": texte_json(t.total_rembourse), "reste_a_charge": texte_json(t.reste_a_charge),
        "par_categorie": [{"categorie": k, "libelle": CATEGORIES.get(k, k), "actes": v.actes,
                           "frais_reels": texte_json(v.frais_reels), "securite_sociale": texte_json(v.securite_sociale),
                           "complementaire": texte_json(v.complementaire), "total_rembourse": texte_json(v.total_rembourse),
                           "reste_a_charge": texte_json(v.reste_a_charge)} for k, v in c.par_categorie.items()],
        "erreurs": [{"ligne": n, "erreur": m} for n, m in c.erreurs],
    }
    return d


def ajouter_cotisation_dict(d: dict, c: Comparaison) -> None:
    from ..domaine.montant import texte_json
    if c.cotisation_mensuelle is not None:
        d["cotisation_mensuelle"] = texte_json(c.cotisation_mensuelle)
        d["cotisation_annuelle"] = texte_json(c.cotisation_annuelle)
        d["cout_net"] = texte_json(c.cout_net)


from .exemples import (CelluleExemple, ExempleType, LigneExemple, calculer_exemples, charger_exemples,  # noqa: E402
                       exemples_choisis)

__all__ = ["Cible", "CelluleExemple", "Comparaison", "ComparaisonInvalide", "ExempleType", "LigneExemple", "LignePanier", "Panier", "Totaux",
           "appliquer_cotisations", "calculer_exemples", "charger_exemples", "exemples_choisis",
           "comparer_acte", "comparer_panier", "en_dict_panier", "les_moins_chers", "lire_cibles", "lire_cotisations", "lire_panier",
           "meilleur_cout_net", "meilleur_reste_a_charge"]
