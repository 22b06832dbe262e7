"""Contrat responsable checks (L871-1, R871-2 CSS), made by running the formulas through the engine.

Pure: `valider_contrat(contrat, date)` takes a loaded `Contrat` and returns `Probleme` values; no
I/O, no CLI. Each rule is checked by simulating representative acts for every formula at a
reference date (the dated parameters pick the ceilings and floors in force that day), never by
reading the cells' text: whatever the wording, what counts is what the formula pays.

Two evaluations:

- **as simulated** (the engine applies the regulatory ceilings because the file says
  `responsable: true`): a shortfall or an excess here is a rule violation (`gravite="regle"`);
- **as written** (the same file with the ceilings switched off): for the ceilings the engine
  applies (class B optics, frame, class II hearing aid, non-DPTM doctors ≤ 100 % BR), a table
  that promises more than the ceiling is reported as a warning (`gravite="avertissement"`):
  the simulated payment is right, but the insurer's table relies on its reference to the
  regulatory ceilings (cabinets-dentaires does, in its footnotes) — or is not responsable at all.

Known, documented departures are declared in the contract file
(`contrat.exceptions_responsable`); the findings they cover come back with
`gravite="exception"` and do not make the file fail. See docs/format-contrat.md, « Validation ».
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from .modele import Contrat, Ligne
from ..domaine.erreurs import ErreurSimulateur, Probleme
from ..moteur.etat import EtatBeneficiaire
from ..domaine.montant import texte_taux
from ..rendu.texte import euros as texte_fr
from ..domaine.acte import Acte
from ..moteur.calcul import NATURES_MEDECIN, Resultat, choisir_ligne, simuler
from ..domaine.natures import NATURES, suggestion
from ..parametres import ParametreIndisponible, charger_parametres

ZERO = Decimal(0)
CENT = Decimal(100)
D = Decimal


@dataclass(frozen=True, slots=True)
class Regle:
    id: str
    article: str
    titre: str


REGLES: dict[str, Regle] = {r.id: r for r in (
    Regle("ticket-moderateur", "R871-2 1° CSS",
          "intégralité du ticket modérateur (sauf médicaments à 30 % et 15 %, homéopathie, cures thermales)"),
    Regle("forfait-journalier", "R871-2 CSS, forfait journalier de l'art. L174-4",
          "forfait journalier hospitalier pris en charge en entier, sans limitation de durée"),
    Regle("depassement-non-dptm", "R871-2 2° CSS",
          "dépassements des médecins non DPTM : au plus 100 % de la BR"),
    Regle("ecart-dptm", "R871-2 2° CSS",
          "dépassements des médecins non DPTM : au moins 20 % de la BR de moins que pour un médecin DPTM"),
    Regle("optique-plafond", "R871-2 3° CSS",
          "équipement d'optique de classe B : plafond selon les verres (SS incluse)"),
    Regle("optique-plancher", "R871-2 3° CSS",
          "équipement d'optique de classe B : plancher selon les verres, si le contrat couvre plus que le ticket modérateur"),
    Regle("optique-monture", "R871-2 3° CSS",
          "monture de classe B : 100 € au plus (SS incluse)"),
    Regle("aide-auditive-plafond", "R871-2 CSS (aides auditives, contrats depuis le 01/01/2021)",
          "aide auditive de classe II : 1 700 € au plus par oreille (SS incluse)"),
    Regle("cent-pour-cent-sante-dentaire", "R871-2 CSS (100 % Santé dentaire, L165-1, L162-9)",
          "prothèses dentaires du panier 100 % Santé : reste à charge nul jusqu'aux HLF"),
    Regle("cent-pour-cent-sante-optique", "R871-2 3° CSS (100 % Santé optique, L165-1)",
          "équipement d'optique de classe A : reste à charge nul jusqu'aux PLV"),
    Regle("cent-pour-cent-sante-audition", "R871-2 CSS (100 % Santé audition, L165-1)",
          "aide auditive de classe I : reste à charge nul jusqu'aux PLV"),
    Regle("participation-forfaitaire", "L871-1 CSS",
          "aucune couche ne paie la participation forfaitaire ni les franchises"),
)}
TOUTES = "toutes"

# 100 % Santé: the reform applies to contracts from these dates (décret 2019-21 of 11/01/2019,
# art. R871-2 CSS, https://www.legifrance.gouv.fr/jorf/id/JORFTEXT000037995163: optics and dental
# from 01/01/2020, hearing aids from 01/01/2021). Not (yet) dated parameters of simulateur/parametres.
DEBUT_100_SANTE = {"dentaire": dt.date(2020, 1, 1), "optique": dt.date(2020, 1, 1), "audition": dt.date(2021, 1, 1)}

# Representative bases (BR) for the ticket-modérateur acts; the rule holds whatever the BR.
_BR_TYPE = {"consultation-generaliste": "30", "consultation-specialiste": "31.50", "hospitalisation-sejour": "1000",
            "hospitalisation-honoraires": "300", "dentaire-prothese": "120", "dentaire-inlay-core": "90",
            "dentaire-inlay-onlay": "100", "orthodontie": "193.50", "optique-equipement": "0.15", "optique-monture": "0.05",
            "optique-verre": "0.05", "aide-auditive": "400", "medicaments": "10", "auxiliaires-medicaux": "20"}
_PAIRES = (("simple", "simple"), ("complexe", "simple"), ("complexe", "complexe"), ("simple", "tres-complexe"),
           ("complexe", "tres-complexe"), ("tres-complexe", "tres-complexe"))
_TM_FACULTATIF = frozenset({"cure-thermale", "cure-thermale-hebergement", "cure-thermale-transport"})  # R871-2 1° (R160-5 10°)
# Rubriques of some brochures only (care abroad, doctors and clinics outside the convention): the act is
# otherwise simulated under its French nature, so a contract without such a line is not reported as
# leaving a reimbursed nature uncovered. A finer nature (`Nature.parent`) follows its parent's lines.
_RUBRIQUES_FACULTATIVES = frozenset({"soins-etranger", "honoraires-non-conventionnes", "hospitalisation-non-conventionnee"})
_OPTIQUE = frozenset({"optique-equipement", "optique-monture", "optique-verre"})


@dataclass(slots=True, eq=False)
class ProblemeRegle(Probleme):
    """A finding of a responsable rule: which rule, which article, which formulas."""
    regle: str = ""
    article: str = ""
    formules: tuple = ()
    nature: str = ""


@dataclass(slots=True, eq=False)
class _Constat:
    regle: str
    gravite: str              # regle | avertissement | erreur
    message: str
    indice: str = ""
    ligne: Ligne | None = None
    nature: str | None = None
    formule: str | None = None
    detail: str = ""
    exception: object = None


_ECRETE = " ; le simulateur l'écrête au plafond (responsable: true), mais le tableau lui-même n'est pas conforme"


def _indice_ecrit(regle: str) -> str:
    return ("réduisez la garantie ; ou, si le document renvoie lui-même aux plafonds du contrat responsable, déclarez-le : "
            f"exceptions_responsable: [{{regle: {regle}, motif: \"renvoi (n) du document : …\"}}]")


def _monture_bornee(ligne: Ligne | None, plafond: Decimal) -> bool:
    """The equipment line states the frame limit itself (« dont au maximum 100 € pour la monture »): the
    document caps the frame of the whole equipment (cabinets-dentaires, renvoi 4), so the table as written
    complies."""
    from .expressions import ForfaitOptique
    return ligne is not None and any(isinstance(t, ForfaitOptique) and t.monture_max is not None and t.monture_max <= plafond
                                     for cellule in ligne.cellules.values() for t in cellule.termes)


def _f(x) -> str:
    return texte_fr(x)


def _ligne_texte(ligne: Ligne | None) -> str:
    if ligne is None:
        return "aucune ligne"
    return f"« {ligne.libelle} »" + (f" [{ligne.condition_texte()}]" if ligne.si else "")


def couvert(r: Resultat) -> Decimal:
    """What the SS (gross, PF included) and every layer pay: the « SS incluse » amount of the rules."""
    return r.ss_brut + r.forfait_apres_cancer + sum((p.montant for p in r.parts), ZERO)


def _acte(nature: str, date: dt.date, br, fr, **kw) -> Acte:
    valeurs = dict(quantite=1, dptm=True, panier=None, limite=None, age=40, regime="general", taux=None, monture=None,
                   verres=None, psychiatrie=False, smr=None, acte_lourd=False, oreille=None)
    valeurs.update(kw)
    if nature in _OPTIQUE and valeurs["verres"] is None:
        valeurs["verres"] = ("simple", "simple")
    if nature == "optique-equipement" and valeurs["monture"] is None:   # a third of the price, as the BR is split
        valeurs["monture"] = (D(fr) / 3).quantize(D("0.01"))
    if nature == "aide-auditive" and valeurs["oreille"] is None:
        valeurs["oreille"] = "droite"
    if valeurs["limite"] is None:        # HLF / PLV: the act's price is at the limit (used only by lines that name it)
        valeurs["limite"] = D(fr)
    return Acte(nature=nature, date=date, br=D(br), frais_reels=D(fr), **valeurs)


def formules_responsables(contrat: Contrat) -> list[str]:
    """Formulas the rules apply to (`Contrat.est_responsable`: a formula's own status, else the contract's)."""
    return [f for f in contrat.formules if contrat.est_responsable(f)]


def noyau_responsable(contrat: Contrat) -> Contrat:
    """The contract the rules are checked on: each formula without its non-responsable levels
    (`niveaux.<id>.responsable: false`, a surcomplémentaire above a responsable core)."""
    hors = {n for n, niv in contrat.niveaux.items() if niv.responsable is False}
    if not hors:
        return contrat
    formules = {k: dataclasses.replace(f, colonnes=tuple(c for c in f.colonnes if contrat.colonnes[c].niveau not in hors))
                for k, f in contrat.formules.items()}
    return dataclasses.replace(contrat, formules=formules).indexer()


def resume_formules(contrat: Contrat, concernees: list, toutes: list) -> str:
    """The formulas of a finding in a few words, however many they are: « toutes les formules », « toutes
    les formules sauf f1 », « les formules avec soins-1 ou soins-2 (12) » (modules), or the first ones."""
    n, total = len(concernees), len(toutes)
    if n <= 4:
        return ("formule " if n == 1 else "formules ") + ", ".join(concernees)
    if set(concernees) == set(toutes):
        return f"toutes les formules ({total})"
    if total - n <= 3:
        return "toutes les formules sauf " + ", ".join(f for f in toutes if f not in concernees)
    groupe = _par_colonnes(contrat, set(concernees), toutes)
    if groupe:
        return f"les formules avec {' ou '.join(groupe)} ({n} sur {total})"
    return f"formules {', '.join(concernees[:3])}… ({n} sur {total})"


def _par_colonnes(contrat: Contrat, concernees: set, toutes: list) -> list:
    """Columns of one level whose formulas are exactly `concernees` (at most 3 columns), or []."""
    par_colonne: dict = {}
    for f in toutes:
        for c in contrat.formules[f].colonnes:
            par_colonne.setdefault(c, set()).add(f)
    for niveau in contrat.niveaux:
        cols = [c for c, fs in par_colonne.items() if contrat.colonnes[c].niveau == niveau and fs <= concernees]
        if cols and len(cols) <= 3 and set().union(*(par_colonne[c] for c in cols)) == concernees:
            return cols
    return []


def _sans_plafonds(contrat: Contrat) -> Contrat:
    """The same contract with every formula non responsable: the engine then applies no regulatory ceiling."""
    formules = {k: (dataclasses.replace(f, responsable=False) if hasattr(f, "responsable") else f)
                for k, f in contrat.formules.items()}
    return dataclasses.replace(contrat, responsable=False, formules=formules)


def _age_pour(cond) -> int:
    if cond and type(cond[0]) is tuple:      # a list of age conditions: an age of the first
        cond = cond[0]
    op, n = cond
    for age in (40, 15, 10, n, n + 1, n - 1):
        if 0 <= age <= 130 and {"<=": age <= n, ">=": age >= n, "<": age < n, ">": age > n, "=": age == n}[op]:
            return age
    return 40


def _conditions(ligne: Ligne) -> dict:
    """Act fields that select this line (a condition listing several values takes the first that is not exempt)."""
    kw = {}
    for cle, v in ligne.si.items():
        if cle == "_texte":
            continue
        if isinstance(v, (frozenset, set)):
            v = sorted(v, key=lambda x: (x in ("modere", "faible"), str(x)))[0]
        if cle == "age":
            kw["age"] = _age_pour(v)
        elif cle == "correction":
            kw["verres"] = (v, v)
        elif cle in ("dptm", "panier", "psychiatrie", "verres", "smr", "taux", "acte_lourd"):
            kw[cle] = v
    return kw


class _Verificateur:
    def __init__(self, contrat: Contrat, date: dt.date, parametres):
        self.contrat = contrat
        self.ecrit = _sans_plafonds(contrat)   # the table as written, without the engine's ceilings
        self.date = date
        self.p = parametres
        self.constats: list[_Constat] = []
        self._vus_erreurs: set = set()
        self.formules = formules_responsables(contrat)

    # ------------------------------------------------------------------ helpers
    def param(self, nom: str) -> Decimal | None:
        try:
            return self.p.valeur(nom, self.date).valeur
        except ParametreIndisponible:
            return None

    def simuler(self, formule: str, acte: Acte, *, ecrit=False, etat=None, regle="") -> Resultat | None:
        contrat = self.ecrit if ecrit else self.contrat
        try:
            return simuler(contrat, formule, acte, etat, parametres=self.p, expliquer=False)
        except (ErreurSimulateur, ParametreIndisponible) as e:
            cle = (regle, str(e))
            if cle not in self._vus_erreurs:
                self._vus_erreurs.add(cle)
                self.constats.append(_Constat(regle, "avertissement",
                                              f"règle non vérifiée pour un acte {acte.nature} : le simulateur le refuse ({e})",
                                              "donnez à la ligne les conditions qui manquent, ou vérifiez la règle à la main",
                                              nature=acte.nature))
            return None
        except Exception as e:  # an engine bug: say it, never crash the validation
            cle = (regle, type(e).__name__, str(e))
            if cle not in self._vus_erreurs:
                self._vus_erreurs.add(cle)
                self.constats.append(_Constat(regle, "erreur",
                                              f"erreur interne du simulateur sur un acte {acte.nature}, formule {formule} : "
                                              f"{type(e).__name__}: {e}", "à signaler : c'est un défaut du moteur, pas du contrat",
                                              nature=acte.nature, formule=formule))
            return None

    def ligne_de(self, acte: Acte, r: Resultat) -> Ligne | None:
        try:
            return choisir_ligne(self.contrat, acte, r.taux_securite_sociale)
        except ErreurSimulateur:
            return None

    def constat(self, regle, gravite, message, indice="", ligne=None, nature=None, formule=None, detail=""):
        self.constats.append(_Constat(regle, gravite, message, indice, ligne, nature, formule, detail))

    # ------------------------------------------------------------------ rules
    def ticket_moderateur(self):
        """Every line of an SS-reimbursed nature covers the TM of an act billed at the BR (FR = BR)."""
        r_id = "ticket-moderateur"
        for ligne in self.contrat.lignes:
            for nature in ligne.natures:
                nat = NATURES[nature]
                si = ligne.si
                if nat.taux is None or nature in _TM_FACULTATIF or si.get("acte_lourd"):
                    continue
                smr = si.get("smr")
                if nature == "medicaments" and smr is not None and set(smr if isinstance(smr, frozenset) else {smr}) <= {"modere", "faible"}:
                    continue
                br = _BR_TYPE.get(nature, "50")
                if nature == "optique-equipement" and si.get("panier") == "100-sante":
                    br = "34.50"
                if nature == "aide-auditive" and "age" in si:
                    age = _age_pour(si["age"])
                    if age <= 20:
                        br = str(self.param("cent_pour_cent_sante.aide_auditive.br_jeune") or "1400")
                acte = _acte(nature, self.date, br, br, **_conditions(ligne))
                for f in self.formules:
                    r = self.simuler(f, acte, regle=r_id)
                    if r is None or self.ligne_de(acte, r) is not ligne:
                        continue
                    if nature == "medicaments" and r.taux_securite_sociale <= 30:
                        continue   # médicaments à 30 % / 15 % : TM facultatif
                    tm = max(min(r.base_remboursement, r.frais_reels) - r.ss_brut, ZERO)
                    paye = sum((p.montant for p in r.parts), ZERO)
                    if paye < tm:
                        self.constat(r_id, "regle",
                                     f"{_ligne_texte(ligne)} ({nature}) : ticket modérateur non couvert en entier "
                                     f"(acte type : BR = frais réels = {_f(r.base_remboursement)}, SS {texte_taux(r.taux_securite_sociale)} %)",
                                     "un contrat responsable paie tout le ticket modérateur (écrivez au moins « 100 % BR », SS incluse), "
                                     "sauf médicaments à 30 % et 15 %, homéopathie et cures thermales",
                                     ligne, nature, f, f"paie {_f(paye)} sur {_f(tm)}")
        # natures reimbursed by the SS that no line mentions: their TM is not covered
        optique = any(n in self.contrat.par_nature for n in _OPTIQUE)
        manquantes = [n.code for n in NATURES.values()
                      if n.taux is not None and n.code not in self.contrat.par_nature and n.code not in _TM_FACULTATIF
                      and n.code not in _RUBRIQUES_FACULTATIVES and not n.parent and not (optique and n.code in _OPTIQUE)]
        if manquantes:
            self.constat(r_id, "avertissement",
                         "aucune ligne pour les natures remboursées par la Sécurité sociale : " + ", ".join(manquantes)
                         + " ; le contrat n'en paie pas le ticket modérateur",
                         "si le document les couvre sous une autre rubrique, ajoutez-les à la ligne qui les couvre (natures: [...]) ; "
                         "sinon le contrat n'est pas responsable pour ces actes")

    def forfait_journalier(self):
        r_id = "forfait-journalier"
        jours = 120
        for psy, nom in ((False, "forfait_journalier.general"), (True, "forfait_journalier.psychiatrie")):
            forfait = self.param(nom)
            if forfait is None:
                continue
            fr = forfait * jours
            acte = _acte("forfait-journalier", self.date, "0", fr, quantite=jours, psychiatrie=psy)
            for f in self.formules:
                r = self.simuler(f, acte, regle=r_id)
                if r is None:
                    continue
                manque = r.reste_a_charge - r.participation_forfaitaire
                if manque > 0:
                    ligne = self.ligne_de(acte, r)
                    self.constat(r_id, "regle",
                                 f"{_ligne_texte(ligne)} : forfait journalier{' (psychiatrie)' if psy else ''} non couvert en entier "
                                 f"(acte type : {jours} jours à {_f(forfait)}, soit {_f(fr)})",
                                 "écrivez « 100 % FR limité au forfait réglementaire » (ou « frais réels »), sans limite de jours",
                                 ligne, "forfait-journalier", f, f"reste à charge {_f(manque)}")

    def medecins(self):
        """Non-DPTM doctors: dépassement covered ≤ 100 % BR and ≤ the DPTM cover − 20 % BR (large dépassement)."""
        max_pct = self.param("responsable.non_dptm.depassement_max_br")
        ecart_pct = self.param("responsable.non_dptm.ecart_min_br")
        if max_pct is None and ecart_pct is None:
            return
        natures = set(NATURES_MEDECIN) | {n for n, lignes in self.contrat.par_nature.items() if any("dptm" in l.si for l in lignes)}
        for nature in sorted(natures):
            br = D(_BR_TYPE.get(nature, "30"))
            fr = br * 5
            non, oui = _acte(nature, self.date, br, fr, dptm=False), _acte(nature, self.date, br, fr, dptm=True)
            for f in self.formules:
                rn, rd = self.simuler(f, non, regle="depassement-non-dptm"), self.simuler(f, oui, regle="ecart-dptm")
                if rn is None:
                    continue
                ligne = self.ligne_de(non, rn)
                dep_n = max(couvert(rn) - br, ZERO)
                if max_pct is not None:
                    limite = br * max_pct / CENT
                    if dep_n > limite:
                        self.constat("depassement-non-dptm", "regle",
                                     f"{_ligne_texte(ligne)} ({nature}, médecin non DPTM) : dépassement pris en charge au-delà de "
                                     f"{texte_taux(max_pct)} % de la BR (acte type : BR {_f(br)}, frais réels {_f(fr)})",
                                     f"SS et toutes les couches comprises, au plus {texte_taux(CENT + max_pct)} % de la BR",
                                     ligne, nature, f, f"dépassement couvert {_f(dep_n)} > {_f(limite)}")
                    else:
                        re = self.simuler(f, non, ecrit=True, regle="depassement-non-dptm")
                        if re is not None and max(couvert(re) - br, ZERO) > limite:
                            self.constat("depassement-non-dptm", "regle",
                                         f"{_ligne_texte(ligne)} ({nature}, médecin non DPTM) : tel qu'écrit, le tableau couvre le "
                                         f"dépassement au-delà de {texte_taux(max_pct)} % de la BR (acte type : BR {_f(br)}, frais "
                                         f"réels {_f(fr)}){_ECRETE}", _indice_ecrit("depassement-non-dptm"),
                                         ligne, nature, f, f"écrit {_f(max(couvert(re) - br, ZERO))}, plafond {_f(limite)}")
                if ecart_pct is not None and rd is not None and dep_n > 0:
                    dep_d = max(couvert(rd) - br, ZERO)
                    permis = max(dep_d - br * ecart_pct / CENT, ZERO)
                    if dep_n > permis:
                        self.constat("ecart-dptm", "regle",
                                     f"{_ligne_texte(ligne)} ({nature}, médecin non DPTM) : dépassement couvert sans l'écart de "
                                     f"{texte_taux(ecart_pct)} % de la BR avec le médecin DPTM (acte type : BR {_f(br)}, "
                                     f"frais réels {_f(fr)})",
                                     f"la ligne non DPTM doit couvrir au moins {texte_taux(ecart_pct)} % de BR de moins de "
                                     "dépassement que la ligne DPTM de la même formule",
                                     ligne, nature, f, f"non DPTM {_f(dep_n)}, DPTM {_f(dep_d)}, permis {_f(permis)}")

    def _optique_total(self, f, acte: Acte, ecrit=False, regle="") -> tuple[Decimal, Ligne | None, str] | None:
        """Total (SS incluse) of a class B equipment: one act, or frame + 2 lenses when the contract prices elements."""
        r = self.simuler(f, acte, ecrit=ecrit, regle=regle)
        if r is None:
            return None
        ligne = self.ligne_de(acte, r)
        if ligne is not None or not ({"optique-monture", "optique-verre"} & set(self.contrat.par_nature)):
            return couvert(r), ligne, "équipement"
        # the contract prices the frame and each lens: an equipment is three acts of the same beneficiary
        etat = EtatBeneficiaire()
        total, lignes = ZERO, []
        verres_fr = acte.frais_reels - acte.monture
        elements = [_acte("optique-monture", acte.date, "0.05", acte.monture, panier=acte.panier, verres=acte.verres, age=acte.age)]
        for c in acte.verres:
            elements.append(_acte("optique-verre", acte.date, "0.05", verres_fr / 2, panier=acte.panier, verres=(c, c), age=acte.age))
        for el in elements:
            re = self.simuler(f, el, ecrit=ecrit, etat=etat, regle=regle)
            if re is None:
                return None
            etat.appliquer(re)
            total += couvert(re)
            l = self.ligne_de(el, re)
            if l is not None and l not in lignes:
                lignes.append(l)
        return total, (lignes[0] if lignes else None), "monture + 2 verres"

    def optique(self):
        for a, b in _PAIRES:
            cle = f"{a}-{b}"
            plafond = self.param(f"responsable.optique.plafond.{cle}")
            plancher = self.param(f"responsable.optique.plancher.{cle}")
            if plafond is None and plancher is None:
                continue
            acte = _acte("optique-equipement", self.date, "0.15", "2000", panier="libre", verres=tuple(sorted((a, b))),
                         monture=D(300))
            for f in self.formules:
                res = self._optique_total(f, acte, regle="optique-plafond")
                if res is None:
                    continue
                total, ligne, forme = res
                if plafond is not None and total > plafond:
                    self.constat("optique-plafond", "regle",
                                 f"{_ligne_texte(ligne)} : équipement de classe B {a} + {b} pris en charge au-delà du plafond "
                                 f"de {_f(plafond)} (acte type : {forme}, frais réels {_f(acte.frais_reels)})",
                                 "SS et toutes les couches comprises ; plafonnez l'équipement (ou ses éléments) selon les verres",
                                 ligne, "optique-equipement", f, f"{_f(total)}")
                elif plafond is not None:
                    re = self._optique_total(f, acte, ecrit=True, regle="optique-plafond")
                    if re is not None and re[0] > plafond:
                        self.constat("optique-plafond", "regle",
                                     f"{_ligne_texte(ligne)} : tel qu'écrit, le tableau promet plus que le plafond de {_f(plafond)} "
                                     f"pour un équipement de classe B {a} + {b} (acte type : {forme}, frais réels {_f(acte.frais_reels)}){_ECRETE}",
                                     _indice_ecrit("optique-plafond"), ligne, "optique-equipement", f, f"écrit {_f(re[0])}")
                if plancher is not None and total > acte.br and total < plancher:
                    self.constat("optique-plancher", "regle",
                                 f"{_ligne_texte(ligne)} : équipement de classe B {a} + {b} couvert au-delà du ticket modérateur "
                                 f"mais sous le plancher de {_f(plancher)} (acte type : {forme}, frais réels {_f(acte.frais_reels)})",
                                 "un contrat qui couvre l'optique au-delà du ticket modérateur doit atteindre le plancher",
                                 ligne, "optique-equipement", f, f"{_f(total)}")
        # the frame: lenses at 30 €, a frame at 500 €; what is paid beyond the lenses is paid for the frame
        monture_max = self.param("responsable.monture_plafond")
        if monture_max is None:
            return
        acte = _acte("optique-equipement", self.date, "0.15", "530", panier="libre", verres=("simple", "simple"), monture=D(500))
        for f in self.formules:
            for ecrit in (False, True):
                res = self._optique_total(f, acte, ecrit=ecrit, regle="optique-monture")
                if res is None:
                    break
                total, ligne, forme = res
                part_monture = max(total - (acte.frais_reels - acte.monture), ZERO)
                if part_monture > monture_max:
                    if not ecrit:
                        self.constat("optique-monture", "regle",
                                     f"{_ligne_texte(ligne)} : monture de classe B prise en charge au-delà de {_f(monture_max)} "
                                     f"(acte type : {forme}, monture 500,00 €, verres 30,00 €)",
                                     "SS et toutes les couches comprises, la monture est prise en charge à 100 € au plus",
                                     ligne, "optique-equipement", f, f"monture {_f(part_monture)}")
                    elif not _monture_bornee(ligne, monture_max):
                        self.constat("optique-monture", "regle",
                                     f"{_ligne_texte(ligne)} : tel qu'écrit, le tableau paie plus de {_f(monture_max)} pour la monture "
                                     f"(acte type : {forme}, monture 500,00 €, verres 30,00 €){_ECRETE}",
                                     _indice_ecrit("optique-monture"), ligne, "optique-equipement", f, f"écrit {_f(part_monture)}")
                    break

    def aide_auditive(self):
        plafond = self.param("responsable.aide_auditive_plafond")
        if plafond is None:
            return
        for age, nom in ((40, "cent_pour_cent_sante.aide_auditive.br_adulte"), (15, "cent_pour_cent_sante.aide_auditive.br_jeune")):
            br = self.param(nom)
            if br is None:
                continue
            acte = _acte("aide-auditive", self.date, br, "2500", panier="libre", age=age)
            for f in self.formules:
                r = self.simuler(f, acte, regle="aide-auditive-plafond")
                if r is None:
                    continue
                ligne = self.ligne_de(acte, r)
                if couvert(r) > plafond:
                    self.constat("aide-auditive-plafond", "regle",
                                 f"{_ligne_texte(ligne)} : aide auditive de classe II ({age} ans, BR {_f(br)}, prix {_f(acte.frais_reels)}) prise en "
                                 f"charge au-delà de {_f(plafond)} par oreille",
                                 "SS et toutes les couches comprises", ligne, "aide-auditive", f, _f(couvert(r)))
                    continue
                re = self.simuler(f, acte, ecrit=True, regle="aide-auditive-plafond")
                if re is not None and couvert(re) > plafond:
                    self.constat("aide-auditive-plafond", "regle",
                                 f"{_ligne_texte(ligne)} : tel qu'écrit, le tableau promet plus de {_f(plafond)} pour une aide "
                                 f"auditive de classe II ({age} ans, BR {_f(br)}, prix {_f(acte.frais_reels)}){_ECRETE}",
                                 _indice_ecrit("aide-auditive-plafond"), ligne, "aide-auditive", f, f"écrit {_f(couvert(re))}")

    def cent_pour_cent_sante(self):
        cas = []   # (rule, label, nature, br, fr, extra)
        if self.date >= DEBUT_100_SANTE["dentaire"]:
            cas += [("cent-pour-cent-sante-dentaire", "couronne 100 % Santé au HLF", "dentaire-prothese", D(120), D(500), {}),
                    ("cent-pour-cent-sante-dentaire", "inlay core 100 % Santé au HLF", "dentaire-inlay-core", D(90), D(175), {})]
        if self.date >= DEBUT_100_SANTE["optique"]:
            for age in (40, 10):
                cas.append(("cent-pour-cent-sante-optique", f"équipement de classe A au PLV ({age} ans)", "optique-equipement",
                            D("34.50"), D(115), {"age": age, "monture": D(30)}))
            for nature, libelle in (("optique-appairage", "prestation d'appairage de classe A"),
                                    ("optique-supplement-filtres", "supplément filtre de classe A")):
                if nature in self.contrat.par_nature:
                    cas.append(("cent-pour-cent-sante-optique", f"{libelle} au PLV", nature, D(5), D(15), {}))
        if self.date >= DEBUT_100_SANTE["audition"]:
            for age, suffixe in ((40, "adulte"), (15, "jeune")):
                br, plv = self.param(f"cent_pour_cent_sante.aide_auditive.br_{suffixe}"), self.param(f"cent_pour_cent_sante.aide_auditive.plv_{suffixe}")
                if br is not None and plv is not None:
                    cas.append(("cent-pour-cent-sante-audition", f"aide auditive de classe I au PLV ({age} ans)", "aide-auditive",
                                br, plv, {"age": age}))
        for regle, libelle, nature, br, fr, extra in cas:
            acte = _acte(nature, self.date, br, fr, panier="100-sante", **extra)
            for f in self.formules:
                r = self.simuler(f, acte, regle=regle)
                if r is None:
                    continue
                rac = r.reste_a_charge - r.participation_forfaitaire
                if rac > 0:
                    ligne = self.ligne_de(acte, r)
                    self.constat(regle, "regle",
                                 f"{_ligne_texte(ligne)} : {libelle} (BR {_f(br)}, prix {_f(fr)}) : reste à charge non nul",
                                 "écrivez « RSS + 100 % des frais restant à charge après SS, dans la limite des HLF » (PLV en "
                                 "optique et audition) sur une ligne si: {panier: 100-sante}",
                                 ligne, nature, f, f"reste à charge {_f(rac)}")

    def participation_forfaitaire(self):
        cas = [("consultation-generaliste", "30", "30", {}), ("biologie", "20", "20", {}),
               ("medicaments", "10", "10", {"quantite": 3, "smr": "majeur"}), ("auxiliaires-medicaux", "20", "20", {}),
               ("transport", "50", "50", {})]
        for nature, br, fr, extra in cas:
            acte = _acte(nature, self.date, br, fr, **extra)
            for f in self.formules:
                r = self.simuler(f, acte, regle="participation-forfaitaire")
                if r is not None and r.reste_a_charge < r.participation_forfaitaire:
                    ligne = self.ligne_de(acte, r)
                    self.constat("participation-forfaitaire", "regle",
                                 f"{_ligne_texte(ligne)} ({nature}) : la complémentaire paie une partie de la participation "
                                 "forfaitaire ou des franchises",
                                 "un contrat responsable les laisse toujours à la charge de l'assuré",
                                 ligne, nature, f, f"retenu {_f(r.participation_forfaitaire)}, reste à charge {_f(r.reste_a_charge)}")

    def tout(self):
        for etape in (self.ticket_moderateur, self.forfait_journalier, self.medecins, self.optique, self.aide_auditive,
                      self.cent_pour_cent_sante, self.participation_forfaitaire):
            etape()


def _exceptions_problemes(contrat: Contrat) -> list[Probleme]:
    pbs = []
    for e in contrat.exceptions_responsable:
        if e.regle != TOUTES and e.regle not in REGLES:
            memes_mots = [r for r in REGLES if set(r.split("-")) == set(e.regle.split("-"))]   # « monture-optique »
            proposition = (f" ; vouliez-vous dire « {memes_mots[0]} » ?" if memes_mots
                           else suggestion(e.regle, list(REGLES) + [TOUTES]))
            pbs.append(Probleme(contrat.fichier, e.ligne, f"règle inconnue « {e.regle} » dans exceptions_responsable"
                                f"{proposition}", "contrat.exceptions_responsable",
                                "règles : " + ", ".join(REGLES) + f" (ou « {TOUTES} »)"))
    return pbs


def _chemins(contrat: Contrat) -> dict:
    """Line index -> key path `garanties[i].lignes[j]` (sections are contiguous in the file)."""
    out, i, j, section = {}, -1, 0, object()
    for l in contrat.lignes:
        if l.section != section:
            i, j, section = i + 1, 0, l.section
        out[l.index] = f"garanties[{i}].lignes[{j}]"
        j += 1
    return out


def _couvre(e, c: _Constat) -> bool:
    return ((e.regle == TOUTES or e.regle == c.regle)
            and (not e.formules or c.formule in e.formules)
            and (not e.natures or c.nature in e.natures))


def valider_contrat(contrat: Contrat, date: dt.date | None = None, parametres=None) -> list[Probleme]:
    """Every contrat responsable finding of `contrat` at `date` (today by default).

    Returns `ProblemeRegle` values, grouped by rule and contract line (one entry lists every formula
    concerned): `gravite` « regle » (violation), « avertissement », « exception » (a violation covered
    by a declared exception), « erreur » (an engine failure or a bad exception declaration).
    A contract not declared responsable gets no rule check.
    """
    date = date or dt.date.today()
    from .pieges import pieges
    pbs = _exceptions_problemes(contrat) + pieges(contrat)
    if not formules_responsables(contrat):
        if contrat.exceptions_responsable:
            pbs.append(Probleme(contrat.fichier, contrat.exceptions_responsable[0].ligne,
                                "exceptions_responsable déclarées alors qu'aucune formule n'est responsable",
                                "contrat.exceptions_responsable", "supprimez-les, ou déclarez responsable: true",
                                gravite="avertissement"))
        return pbs
    v = _Verificateur(noyau_responsable(contrat), date, parametres or charger_parametres())
    v.tout()
    utilisees = set()
    for c in v.constats:
        if c.gravite in ("regle", "avertissement"):
            for i, e in enumerate(contrat.exceptions_responsable):
                if _couvre(e, c):
                    c.exception = e
                    utilisees.add(i)
                    break
    chemins = _chemins(contrat)
    pbs += _grouper(contrat, v.constats, chemins)
    for i, e in enumerate(contrat.exceptions_responsable):
        if i not in utilisees and (e.regle == TOUTES or e.regle in REGLES):
            pbs.append(Probleme(contrat.fichier, e.ligne, f"exception déclarée sans objet : aucune constatation de la règle "
                                f"« {e.regle} » au {date.isoformat()}", "contrat.exceptions_responsable",
                                "supprimez-la si elle n'a plus lieu d'être", gravite="avertissement"))
    ordre = {"erreur": 0, "regle": 1, "avertissement": 2, "exception": 3}
    pbs.sort(key=lambda p: (ordre.get(p.gravite, 9), p.ligne or 0))
    return pbs


def _details(cs: list) -> str:
    """« : detail » of a group of findings (one per formula): the first, and how many other values."""
    valeurs = list(dict.fromkeys(c.detail for c in cs if c.detail))
    if not valeurs:
        return ""
    return " : " + valeurs[0] + (f" (et {len(valeurs) - 1} autre(s) valeur(s))" if len(valeurs) > 1 else "")


def _grouper(contrat: Contrat, constats: list, chemins: dict) -> list:
    """One ProblemeRegle per rule, contract line and message, listing every formula concerned in one line."""
    toutes = formules_responsables(contrat)
    groupes: dict = {}
    out: list = []
    for c in constats:
        gravite = "exception" if c.exception is not None else c.gravite
        cle = (c.regle, gravite, c.ligne.index if c.ligne is not None else -1, c.message, id(c.exception))
        groupes.setdefault(cle, []).append(c)
    for (regle, gravite, _i, message, _e), cs in groupes.items():
        c0 = cs[0]
        r = REGLES.get(regle)
        formules = tuple(dict.fromkeys(c.formule for c in cs if c.formule))
        texte = (f"[{r.article}] " if r else "") + message
        if formules and len(formules) <= 4:
            details = [f"{c.formule} : {c.detail}" if c.detail else c.formule for c in cs if c.formule]
            texte += " — formule" + ("s " if len(details) > 1 else " ") + " ; ".join(details)
        elif formules:
            texte += " — " + resume_formules(contrat, list(formules), toutes) + _details(cs)
        indice = c0.indice
        if c0.exception is not None:
            texte = f"exception déclarée (ligne {c0.exception.ligne} : {c0.exception.motif}) : " + texte
            indice = ""
        out.append(ProblemeRegle(contrat.fichier, c0.ligne.ligne if c0.ligne is not None else None, texte,
                                 chemins.get(c0.ligne.index, "") if c0.ligne is not None else "", indice, None,
                                 gravite, regle, r.article if r else "", formules, c0.nature or ""))
    return out


def compter(problemes) -> dict:
    """{gravite: count}."""
    out: dict = {}
    for p in problemes:
        out[p.gravite] = out.get(p.gravite, 0) + 1
    return out


__all__ = ["REGLES", "TOUTES", "ProblemeRegle", "Regle", "compter", "couvert", "formules_responsables", "valider_contrat"]
