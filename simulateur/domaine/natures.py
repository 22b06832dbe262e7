"""The catalogue of acts (INTERFACE.md): what the Sécurité sociale does for each nature.

The engine reads only this table and the dated parameters; a contract never changes how the
Sécurité sociale pays.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass

from ..domaine.erreurs import ActeInvalide


@dataclass(slots=True, eq=False)
class Nature:
    code: str
    libelle: str
    categorie: str
    taux: str | None = None           # rate group in `taux_ss.<regime>.<groupe>`; None = not reimbursed (BR 0)
    pf: bool = False                  # participation forfaitaire withheld
    franchise: str | None = None      # `franchise.<x>` withheld (per box / act / trip)
    forfait: str | None = None        # parameter of "limité au forfait réglementaire"
    hospitalier: bool = False
    renouvellement: str | None = None  # optique | aide-auditive
    taux_local: str | None = None     # not reimbursed by the régime général, but by the régime local d'Alsace-Moselle:
                                      # rate group `taux_ss.alsace-moselle.<x>` applied to the regulatory forfait


def _n(code, libelle, categorie, **kw):
    return Nature(code, libelle, categorie, **kw)


_LISTE = [
    # Soins courants
    _n("consultation-generaliste", "Consultation ou visite de généraliste", "soins-courants", taux="medecins", pf=True),
    _n("consultation-specialiste", "Consultation ou visite de spécialiste", "soins-courants", taux="medecins", pf=True),
    _n("actes-techniques", "Actes techniques médicaux, actes de chirurgie (ATM, ADC)", "soins-courants", taux="medecins", pf=True),
    _n("imagerie", "Imagerie, échographie (ADI, ADE)", "soins-courants", taux="medecins", pf=True),
    _n("sage-femme", "Sage-femme", "soins-courants", taux="sage-femme"),
    _n("auxiliaires-medicaux", "Auxiliaires médicaux (infirmiers, kinés, orthophonistes…)", "soins-courants", taux="auxiliaires", franchise="auxiliaires"),
    _n("psychologue", "Psychologue (Mon soutien psy)", "soins-courants", taux="psychologue"),
    _n("biologie", "Analyses et examens de biologie", "soins-courants", taux="biologie", pf=True),
    _n("medicaments", "Médicaments remboursés", "pharmacie", taux="medicaments", franchise="medicaments"),
    _n("pharmacie-non-remboursee", "Pharmacie prescrite non remboursée", "pharmacie"),
    _n("vaccins-non-rembourses", "Vaccins non remboursés", "pharmacie"),
    _n("contraception-non-remboursee", "Contraception non remboursée", "pharmacie"),
    _n("sevrage-tabagique", "Sevrage tabagique", "prevention"),
    _n("medecine-douce", "Ostéopathie, chiropraxie, acupuncture…", "soins-courants"),
    _n("nutritionniste", "Nutritionniste (bilan)", "prevention"),
    _n("densitometrie", "Ostéodensitométrie remboursée", "soins-courants", taux="densitometrie"),
    _n("densitometrie-non-remboursee", "Densitométrie osseuse non remboursée", "soins-courants"),
    _n("transport", "Transport remboursé", "soins-courants", taux="transport", franchise="transport"),
    _n("cure-thermale", "Cure thermale", "soins-courants", taux="cure-thermale"),
    _n("appareillage", "Orthopédie, petit appareillage (LPP)", "appareillage", taux="lpp"),
    _n("gros-appareillage", "Gros appareillage", "appareillage", taux="gros-appareillage"),
    _n("fournitures-medicales", "Fournitures médicales, pansements, pharmacie hors médicaments", "pharmacie", taux="lpp"),
    _n("prevention", "Actes de prévention remboursés", "prevention", taux="prevention"),
    _n("modelisation-3d", "Analyse avec modélisation 3D (aide à la décision)", "prevention"),
    _n("telesurveillance", "Télésurveillance médicale", "soins-courants", taux="telesurveillance"),
    # Hospitalisation
    _n("hospitalisation-sejour", "Frais de séjour", "hospitalisation", taux="hospitalisation", hospitalier=True),
    _n("hospitalisation-honoraires", "Honoraires (ADC, ADA, ATM) à l'hôpital", "hospitalisation", taux="hospitalisation", hospitalier=True),
    _n("forfait-journalier", "Forfait journalier hospitalier", "hospitalisation", forfait="forfait_journalier", hospitalier=True,
       taux_local="forfait-journalier"),
    _n("forfait-patient-urgences", "Forfait patient urgences", "hospitalisation", forfait="forfait_patient_urgences.normal", hospitalier=True),
    _n("forfait-actes-lourds", "Forfait actes lourds", "hospitalisation", forfait="forfait_actes_lourds.montant", hospitalier=True),
    _n("chambre-particuliere", "Chambre particulière", "hospitalisation", hospitalier=True),
    _n("chambre-particuliere-maternite", "Chambre particulière (maternité)", "hospitalisation", hospitalier=True),
    _n("chambre-particuliere-psychiatrie", "Chambre particulière (psychiatrie)", "hospitalisation", hospitalier=True),
    _n("accompagnant", "Frais d'accompagnant", "hospitalisation", hospitalier=True),
    _n("maternite", "Maternité (forfait naissance)", "hospitalisation", hospitalier=True),
    # Dentaire
    _n("dentaire-soins", "Soins dentaires", "dentaire", taux="dentaire"),
    _n("dentaire-inlay-onlay", "Inlay, onlay", "dentaire", taux="dentaire"),
    _n("dentaire-inlay-core", "Inlay core", "dentaire", taux="dentaire"),
    _n("dentaire-prothese", "Prothèses dentaires", "dentaire", taux="dentaire"),
    _n("dentaire-prothese-non-remboursee", "Prothèses dentaires non remboursées", "dentaire"),
    _n("implantologie", "Implantologie", "dentaire"),
    _n("parodontologie", "Parodontologie", "dentaire"),
    _n("orthodontie", "Orthodontie remboursée", "dentaire", taux="orthodontie"),
    _n("orthodontie-non-remboursee", "Orthodontie non remboursée", "dentaire"),
    # Optique
    _n("optique-equipement", "Équipement optique (monture + 2 verres)", "optique", taux="lpp", renouvellement="optique"),
    _n("optique-monture", "Monture seule", "optique", taux="lpp", renouvellement="optique"),
    _n("optique-verre", "Verre", "optique", taux="lpp", renouvellement="optique"),
    _n("optique-appairage", "Prestation d'appairage", "optique", taux="lpp"),
    _n("optique-supplement-filtres", "Supplément verres avec filtres", "optique", taux="lpp"),
    _n("optique-adaptation", "Adaptation de la prescription par l'opticien", "optique", taux="lpp"),
    _n("optique-autres-supplements", "Autres suppléments (prisme, antiptosis, iséiconiques)", "optique", taux="lpp"),
    _n("lentilles", "Lentilles acceptées", "optique", taux="lpp"),
    _n("lentilles-non-remboursees", "Lentilles refusées (y compris jetables)", "optique"),
    _n("chirurgie-refractive", "Chirurgie réfractive", "optique"),
    # Audition
    _n("aide-auditive", "Aide auditive (une oreille)", "audition", taux="lpp", renouvellement="aide-auditive"),
    _n("piles-auditives", "Piles et accessoires d'aides auditives", "audition", taux="lpp"),
    # Après cancer (003)
    # `forfait`: the regulatory tariff of one consultation within the ARS forfait (moteur._forfait_apres_cancer)
    _n("apres-cancer-bilan", "Parcours après cancer : bilan (1 h)", "apres-cancer", forfait="apres_cancer.bilan"),
    _n("apres-cancer-suivi", "Parcours après cancer : consultation de suivi (30 min)", "apres-cancer", forfait="apres_cancer.suivi"),
]

NATURES: dict[str, Nature] = {n.code: n for n in _LISTE}

CATEGORIES = {
    "hospitalisation": "Hospitalisation",
    "soins-courants": "Soins courants",
    "pharmacie": "Pharmacie",
    "prevention": "Prévention",
    "appareillage": "Appareillage",
    "dentaire": "Dentaire",
    "optique": "Optique",
    "audition": "Audition",
    "apres-cancer": "Après cancer",
}

TAUX_MEDICAMENTS = {
    "majeur": "medicaments", "important": "medicaments", "modere": "medicaments-modere",
    "faible": "medicaments-faible", "irremplacable": "medicaments-irremplacables",
}


class NatureInconnue(ActeInvalide):
    """An unknown nature code (`valeur`), with the closest codes in `details["proches"]`."""


def suggestion(mot: str, possibles) -> str:
    """A French "did you mean" fragment, or an empty string."""
    p = proches(mot, possibles)
    if not p:
        return ""
    from .erreurs import apercu
    return " ; vouliez-vous dire " + " ou ".join(f"« {apercu(x)} »" for x in p) + " ?"


def proches(mot: str, possibles, n: int = 3) -> list[str]:
    """The closest spellings (difflib), for "did you mean" hints."""
    return difflib.get_close_matches(str(mot)[:200], list(possibles), n=n, cutoff=0.6)


def nature(code: str) -> Nature:
    """The nature of this code; raises NatureInconnue (champ `nature`)."""
    try:
        return NATURES[code]
    except KeyError:
        raise NatureInconnue("nature-inconnue", "nature", code, proches=proches(code, NATURES)) from None
