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

from ..domaine.erreurs import ErreurSimulateur
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


def _separer(texte: str) -> list[str]:
    return [m.strip() for m in re.split(r"[,;]", texte or "") if m.strip()]


def lire_cibles(texte: str, contrat_defaut: str | None = None, charger=None) -> list[Cible]:
    """`F1,F2` (formulas of `contrat_defaut`) or `contrat:formule,…` (any contract), in the order given.

    Every unknown formula is named, with a "did you mean"; a contract that cannot be found or read
    raises the loader's own error.
    """
    if charger is None:
        from ..contrat.chargeur import charger_contrat as charger
    morceaux = _separer(texte)
    if not morceaux:
        raise ComparaisonInvalide("--formules est vide : donnez au moins une formule, ex. --formules base,option-2")
    vues: set[str] = set()
    cibles: list[Cible] = []
    inconnues: list[str] = []
    for m in morceaux:
        if m in vues:
            raise ComparaisonInvalide(f"la formule « {m} » est donnée deux fois dans --formules")
        vues.add(m)
        nom_contrat, sep, formule = m.rpartition(":")
        if not sep:
            nom_contrat, formule = contrat_defaut, m
            if not nom_contrat:
                raise ComparaisonInvalide(f"formule « {m} » : de quel contrat ? donnez le CONTRAT ou écrivez contrat:formule "
                                          "(ex. cabinets-dentaires:option-2)")
        nom_contrat, formule = nom_contrat.strip(), formule.strip()
        if not nom_contrat or not formule:
            raise ComparaisonInvalide(f"« {m} » : écrivez contrat:formule (ex. cabinets-dentaires:option-2)")
        contrat = charger(nom_contrat)
        if formule not in contrat.formules:
            inconnues.append(f"formule inconnue « {formule} » pour le contrat {contrat.id}"
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

def comparer_acte(cibles: list[Cible], acte, expliquer: bool = False) -> list[Comparaison]:
    """The same act through every formula, in the order given; an act a formula cannot compute names it."""
    from ..moteur.calcul import simuler
    out = []
    for c in cibles:
        try:
            r = simuler(c.contrat, c.formule, acte, expliquer=expliquer)
        except ErreurSimulateur as e:
            raise ErreurSimulateur(f"formule {c.cle} : {e}") from None
        out.append(_comparaison(c, [(1, r)], []))
    return out


# ------------------------------------------------------------------ a basket (a year of care)

@dataclass(slots=True, eq=False)
class LignePanier:
    """One act of a basket, as read: its line number, beneficiary and act, or why it cannot be read.

    It has the `beneficiaire` and `acte` attributes that `lot.simuler_lot` accepts, and no
    contrat/formule override: in a comparison, each compared formula replays the whole basket.
    """
    numero: int
    beneficiaire: str
    acte: object = None          # moteur.Acte
    erreur: str = ""


@dataclass(slots=True, eq=False)
class Panier:
    lignes: list                                        # [LignePanier], file order
    surcharges: list = field(default_factory=list)      # line numbers whose contrat/formule cell was ignored


def _sans_prefixe(message: str, ligne: int) -> str:
    """lot's messages start with « ligne N : »; the comparison names the line itself."""
    p = f"ligne {ligne} : "
    return message[len(p):] if message.startswith(p) else message


def lire_panier(source) -> Panier:
    """A basket file, read by `lot.lire_actes` (same columns, separators and messages as `simulateur lot`)."""
    from ..lot.pipeline import lire_actes
    lignes, surcharges = [], []
    for l in lire_actes(source):
        if (l.brut.get("contrat") or "").strip() or (l.brut.get("formule") or "").strip():
            surcharges.append(l.ligne)
        erreur = _sans_prefixe(l.erreur, l.ligne) if l.erreur else ""
        lignes.append(LignePanier(l.ligne, l.beneficiaire, l.acte, erreur))
    return Panier(lignes, surcharges)


def comparer_panier(cibles: list[Cible], panier) -> list[Comparaison]:
    """Each formula replays the whole basket through `lot.simuler_lot`, with its own annual state per
    beneficiary (CALCUL.md §5: each beneficiary's acts in date order, ties in input order)."""
    lignes = panier.lignes if isinstance(panier, Panier) else list(panier)
    return [_rejouer(c, lignes) for c in cibles]


def _rejouer(cible: Cible, lignes: list[LignePanier]) -> Comparaison:
    from ..lot.pipeline import simuler_lot
    erreurs = [(l.numero, l.erreur) for l in lignes if l.erreur]
    valides = [l for l in lignes if not l.erreur]
    resultats = []
    for l, r in zip(valides, simuler_lot(valides, cible.contrat, cible.formule)):
        if r.erreur:
            erreurs.append((l.numero, _sans_prefixe(r.erreur, r.ligne)))
        else:
            resultats.append((l.numero, r.resultat))
    erreurs.sort(key=lambda x: x[0])
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
            raise ComparaisonInvalide(f"--cotisations : « {m} » n'est pas de la forme formule=montant (ex. option-2=61.00)")
        if cle not in cles:
            raise ComparaisonInvalide(f"cotisation donnée pour « {cle} », qui n'est pas comparée{suggestion(cle, cles)} "
                                      f"(formules comparées : {', '.join(cles)})")
        if cle in out:
            raise ComparaisonInvalide(f"--cotisations : la cotisation de « {cle} » est donnée deux fois")
        try:
            out[cle] = lire_montant(valeur, quoi=f"cotisation mensuelle de {cle}")
        except MontantInvalide as e:
            raise ComparaisonInvalide(str(e)) from None
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


# ------------------------------------------------------------------ standard reimbursement examples

OPTIONS_ACTE = ("quantite", "dptm", "panier", "limite", "age", "regime", "taux", "monture", "verres", "psychiatrie", "smr",
                "acte_lourd", "oreille", "changement_vue", "date_adhesion", "certificat_radiation", "fin_traitement")
_CLES_EXEMPLE = ("id", "libelle", "categorie", "nature", "frais_reels", "br", "securite_sociale", "date", "source",
                 "note", "hypothese") + OPTIONS_ACTE
_OBLIGATOIRES = ("id", "libelle", "categorie", "nature", "frais_reels", "br", "securite_sociale", "date", "source")


@dataclass(slots=True, eq=False)
class ExempleType:
    """One act of the standard list (reglementation.md §8.2), with its printed prices and source."""
    id: str
    libelle: str
    categorie: str
    nature: str
    frais_reels: Decimal
    br: Decimal
    securite_sociale: Decimal          # the Sécu payment printed by the documents
    date: object                       # datetime.date of the prices
    options: dict                      # act options (creer_acte keywords)
    source: str
    note: str = ""
    hypothese: str = ""        # an input the documents do not give, supplied by this list (shown to the user)

    def acte(self):
        from ..domaine.acte import creer_acte
        return creer_acte(nature=self.nature, date=self.date, br=self.br, frais_reels=self.frais_reels, **self.options)


def chemin_exemples():
    """The shipped list: $SIMULATEUR_EXEMPLES, else exemples/exemples-types.yaml beside the package."""
    import os
    from pathlib import Path
    env = os.environ.get("SIMULATEUR_EXEMPLES")
    if env:
        return Path(env)
    candidats = [Path(__file__).resolve().parents[2] / "exemples" / "exemples-types.yaml"]
    try:  # if the package ships exemples/ as simulateur.exemples
        from .. import exemples as _paquet
        candidats.insert(0, Path(list(_paquet.__path__)[0]) / "exemples-types.yaml")
    except ImportError:
        pass
    for c in candidats:
        if c.is_file():
            return c
    raise ErreurSimulateur("liste des exemples-types introuvable (exemples/exemples-types.yaml) : "
                           "donnez-la avec --fichier ou la variable SIMULATEUR_EXEMPLES")


def charger_exemples(chemin=None) -> list[ExempleType]:
    """Reads and checks the list; every problem is reported at once, with the example's id."""
    import yaml
    from ..domaine.acte import lire_date
    from pathlib import Path
    chemin = Path(chemin) if chemin is not None else chemin_exemples()
    try:
        texte = chemin.read_text(encoding="utf-8-sig")
    except OSError as e:
        raise ErreurSimulateur(f"impossible de lire {chemin} : {e.strerror}") from None
    try:
        donnees = yaml.load(texte, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as e:
        raise ErreurSimulateur(f"{chemin} : syntaxe YAML invalide ({e})") from None
    if not isinstance(donnees, dict) or not isinstance(donnees.get("exemples"), list):
        raise ErreurSimulateur(f"{chemin} : on attend une clé « exemples: » contenant une liste d'exemples")
    problemes: list[str] = []
    out: list[ExempleType] = []
    vus: set[str] = set()
    for i, e in enumerate(donnees["exemples"], 1):
        ou = f"{chemin} : exemple n° {i}"
        if not isinstance(e, dict):
            problemes.append(f"{ou} : on attend une table de clés")
            continue
        if "id" in e:
            ou = f"{chemin} : exemple {e['id']}"
        for k in e:
            if k not in _CLES_EXEMPLE:
                problemes.append(f"{ou} : clé inconnue « {k} »{suggestion(str(k), _CLES_EXEMPLE)}")
        manquantes = [k for k in _OBLIGATOIRES if k not in e]
        if manquantes:
            problemes.append(f"{ou} : clé(s) obligatoire(s) absente(s) : {', '.join(manquantes)}")
            continue
        ident = str(e["id"])
        if ident in vus:
            problemes.append(f"{ou} : identifiant en double")
        vus.add(ident)
        if e["categorie"] not in CATEGORIES:
            problemes.append(f"{ou} : catégorie inconnue « {e['categorie']} »{suggestion(str(e['categorie']), CATEGORIES)}")
        try:
            montants = [lire_montant(e[k], quoi=k) for k in ("frais_reels", "br", "securite_sociale")]
            ex = ExempleType(ident, str(e["libelle"]), str(e["categorie"]), str(e["nature"]), *montants,
                             lire_date(e["date"]), {k: e[k] for k in OPTIONS_ACTE if k in e}, str(e["source"]),
                             str(e.get("note") or ""), str(e.get("hypothese") or ""))
            ex.acte()        # the act must be valid whatever the contract
        except (MontantInvalide, ErreurSimulateur) as x:
            problemes.append(f"{ou} : {x}")
            continue
        out.append(ex)
    if problemes:
        raise ErreurSimulateur("\n".join(problemes))
    return out


@dataclass(slots=True, eq=False)
class CelluleExemple:
    """One example for one formula: the result, or why it cannot be computed (shown as « – »)."""
    resultat: object = None            # Resultat
    raison: str = ""

    @property
    def complementaire(self) -> Decimal | None:
        return None if self.resultat is None else sum((p.montant for p in self.resultat.parts), ZERO)


@dataclass(slots=True, eq=False)
class LigneExemple:
    exemple: ExempleType
    securite_sociale: Decimal | None   # computed (the same for every formula of the régime général)
    cellules: list                     # one CelluleExemple per compared formula, in order


def calculer_exemples(cibles: list[Cible], exemples: list[ExempleType]) -> list[LigneExemple]:
    """Every example through every formula, from an empty year; never stops on one that cannot be computed."""
    from ..moteur.calcul import choisir_ligne, simuler
    from ..parametres import ParametreIndisponible
    lignes = []
    for ex in exemples:
        acte = ex.acte()
        cellules = []
        ss = None
        for c in cibles:
            try:
                r = simuler(c.contrat, c.formule, acte, expliquer=False)
            except (ErreurSimulateur, ParametreIndisponible) as e:
                cellules.append(CelluleExemple(None, f"{c.contrat.id} : {e}"))
                continue
            ss = r.securite_sociale
            if choisir_ligne(c.contrat, acte, r.taux_securite_sociale) is None:
                cond = ", ".join(f"{k} {v}" for k, v in (("panier", acte.panier), ("DPTM", {True: "oui", False: "non"}.get(acte.dptm)))
                                 if v is not None)
                cellules.append(CelluleExemple(None, f"{c.contrat.id} : pas de ligne pour « {NATURES[acte.nature].libelle} »"
                                                     + (f" ({cond})" if cond else "") + " dans le tableau de garanties"))
                continue
            cellules.append(CelluleExemple(r, ""))
        lignes.append(LigneExemple(ex, ss, cellules))
    return lignes


def exemples_choisis(exemples: list[ExempleType], texte: str | None) -> list[ExempleType]:
    """--ids H1,S3 (case-insensitive), in the list's order; an unknown id is named."""
    if not texte:
        return exemples
    ids = {e.id.upper(): e for e in exemples}
    voulus = [m.upper() for m in _separer(texte)]
    for v in voulus:
        if v not in ids:
            raise ComparaisonInvalide(f"exemple inconnu « {v} »{suggestion(v, ids)} (exemples : {', '.join(ids)})")
    return [e for e in exemples if e.id.upper() in voulus]


__all__ = ["Cible", "CelluleExemple", "Comparaison", "ComparaisonInvalide", "ExempleType", "LigneExemple", "LignePanier", "Panier", "Totaux",
           "appliquer_cotisations", "calculer_exemples", "charger_exemples", "exemples_choisis",
           "comparer_acte", "comparer_panier", "en_dict_panier", "les_moins_chers", "lire_cibles", "lire_cotisations", "lire_panier",
           "meilleur_cout_net", "meilleur_reste_a_charge"]
