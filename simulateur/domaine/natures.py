"""The catalogue of natures of acts (docs/interface.md): what the Sécurité sociale does for each.

The engine reads only this table and the dated parameters; a contract never changes how the
Sécurité sociale pays. A nature is named by its code (`consultation-specialiste`); wherever a user
writes one (option, batch cell, Python keyword), `nature()` also accepts its label and spellings
without accents, case or dashes (`Consultation de spécialiste`, `consultation spécialiste`):
see `resoudre`. `chercher(texte)` is the search of `simulateur natures TEXTE`.
"""
from __future__ import annotations

from ..domaine.enregistrement import enregistrement
from ..domaine.erreurs import ActeInvalide


@enregistrement
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
    parent: str | None = None         # a finer nature of `parent`: a contract with no line for it uses the parent's lines


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
    # Rubriques of the market's brochures (issue 11). Tarif d'autorité: a doctor outside the convention
    # (« secteur 3 »): the SS pays 70 % of a token base (0,61 € for a GP; the BR is given with the act).
    _n("honoraires-non-conventionnes", "Médecin non conventionné (tarif d'autorité)", "soins-courants", taux="medecins", pf=True),
    # Care abroad reimbursed by the French SS on the French base: the rate of the French act (doctors
    # 70 % by default; give --taux for another kind of care).
    _n("soins-etranger", "Soins à l'étranger remboursés par la Sécurité sociale française", "soins-courants", taux="medecins"),
    # Thermal cure: lodging and transport (the SS pays them under a means test: 65 % of a forfait; give
    # the BR of the forfait, or 0), and the cure's other costs not reimbursed.
    _n("cure-thermale-hebergement", "Cure thermale : hébergement", "soins-courants", taux="cure-thermale"),
    _n("cure-thermale-transport", "Cure thermale : transport", "soins-courants", taux="cure-thermale"),
    _n("activite-physique-adaptee", "Activité physique adaptée (prescrite, non remboursée)", "prevention"),
    _n("prothese-capillaire-non-remboursee", "Prothèse capillaire non remboursée", "appareillage"),
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
    # Soins médicaux et de réadaptation (SMR, formerly SSR): finer natures of the hospital ones (named
    # « readaptation », the condition key `smr` being the drugs' service médical rendu); a contract that
    # has no line for them pays them as the general hospital line.
    _n("readaptation-sejour", "Frais de séjour en soins médicaux et de réadaptation (SMR, ex-SSR)", "hospitalisation",
       taux="hospitalisation", hospitalier=True, parent="hospitalisation-sejour"),
    _n("readaptation-honoraires", "Honoraires en soins médicaux et de réadaptation (SMR)", "hospitalisation",
       taux="hospitalisation", hospitalier=True, parent="hospitalisation-honoraires"),
    _n("chambre-particuliere-readaptation", "Chambre particulière en soins médicaux et de réadaptation (SMR)", "hospitalisation",
       hospitalier=True, parent="chambre-particuliere"),
    # Day surgery (ambulatoire, no night): covered only where the contract says so (no parent).
    _n("chambre-particuliere-ambulatoire", "Chambre particulière en ambulatoire (sans nuitée)", "hospitalisation", hospitalier=True),
    _n("hospitalisation-non-conventionnee", "Frais de séjour en établissement non conventionné", "hospitalisation",
       taux="hospitalisation", hospitalier=True),
    _n("confort-hospitalier", "Confort hospitalier (télévision, téléphone, internet)", "hospitalisation", hospitalier=True),
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
    # Après cancer: parcours de soins global après cancer (art. L1415-8 CSP, décret 2020-1665)
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
    import difflib             # only when a value is refused (start-up time)
    return difflib.get_close_matches(str(mot)[:200], list(possibles), n=n, cutoff=0.6)


def nature(code: str) -> Nature:
    """The nature of this code, or of a label or spelling of it (`resoudre`); raises NatureInconnue
    (champ `nature`; code `nature-inconnue`, or `nature-ambigue` with `details["candidats"]`)."""
    n = NATURES.get(code)
    if n is not None:
        return n
    return resoudre(code)


# ------------------------------------------------------------------ labels and spellings

# Words that do not tell natures apart (« consultation DE spécialiste », « frais D'accompagnant »).
_MOTS_VIDES = frozenset("a au aux d de des du en et l la le les ou par pour sur un une avec sans hors".split())


def _mot(m: str) -> str:
    """A word compared without its plural mark (`dentaires` = `dentaire`, `lentilles` = `lentille`)."""
    return m[:-1] if len(m) > 3 and m[-1] in "sx" else m


def mots(texte: str) -> frozenset:
    """The meaningful words of a text, lower case, without accents or plural marks."""
    import re
    import unicodedata
    t = unicodedata.normalize("NFKD", str(texte)).encode("ascii", "ignore").decode().lower()
    return frozenset(_mot(m) for m in re.findall(r"[a-z0-9]+", t) if m not in _MOTS_VIDES)


# What patients and brochures call a nature, when it is neither its code nor its label (compared as `_cle`:
# no accents, case, spaces or dashes). Only names that mean one nature.
SYNONYMES = {
    "lunettes": "optique-equipement", "pairedelunettes": "optique-equipement", "equipementoptique": "optique-equipement",
    "verres": "optique-verre", "monture": "optique-monture",
    "generaliste": "consultation-generaliste", "medecingeneraliste": "consultation-generaliste",
    "medecintraitant": "consultation-generaliste",
    "specialiste": "consultation-specialiste", "medecinspecialiste": "consultation-specialiste",
    "kine": "auxiliaires-medicaux", "kinesitherapeute": "auxiliaires-medicaux", "kinesitherapie": "auxiliaires-medicaux",
    "infirmier": "auxiliaires-medicaux", "infirmiere": "auxiliaires-medicaux", "orthophoniste": "auxiliaires-medicaux",
    "osteopathe": "medecine-douce", "osteopathie": "medecine-douce", "chiropracteur": "medecine-douce",
    "acupuncture": "medecine-douce", "medecinesdouces": "medecine-douce",
    "appareilauditif": "aide-auditive", "appareilsauditifs": "aide-auditive", "protheseauditive": "aide-auditive",
    "audioprothese": "aide-auditive",
    "couronne": "dentaire-prothese", "bridge": "dentaire-prothese", "detartrage": "dentaire-soins", "carie": "dentaire-soins",
    "implant": "implantologie", "implantdentaire": "implantologie",
    "analyse": "biologie", "analyses": "biologie", "analysesmedicales": "biologie", "prisedesang": "biologie",
    "laboratoire": "biologie",
    "radio": "imagerie", "radiographie": "imagerie", "echographie": "imagerie", "irm": "imagerie", "scanner": "imagerie",
    "medicament": "medicaments",
    "ambulance": "transport", "taxiconventionne": "transport", "vsl": "transport",
}


def _cle(texte: str) -> str:
    import re
    import unicodedata
    t = unicodedata.normalize("NFKD", str(texte)).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]", "", t)


_INDEX: dict = {}


def _index() -> dict:
    """{"cles": spelling key → code, "mots": code → (words of the code, words of the label)}, made once."""
    if not _INDEX:
        cles: dict = {}
        for n in NATURES.values():
            for t in (n.code, n.libelle):
                cles.setdefault(_cle(t), n.code)
        _INDEX["cles"] = cles
        _INDEX["mots"] = {n.code: (mots(n.code), mots(n.libelle)) for n in NATURES.values()}
    return _INDEX


def resoudre(texte: str) -> Nature:
    """The nature a user means by `texte`, in this order: its code; the code or the label written
    without accents, case, spaces or dashes (`Consultation-Spécialiste`); the same meaningful words as
    its code or its label (`consultation de spécialiste`, `soins dentaires`); words found in the code
    and label of one nature only (`spécialiste consultation`). Raises NatureInconnue: `nature-inconnue`
    (with the closest codes) or `nature-ambigue` (several natures match: `details["candidats"]`)."""
    t = str(texte).strip()
    if t in NATURES:
        return NATURES[t]
    index = _index()
    cle = _cle(t)
    code = index["cles"].get(cle) or SYNONYMES.get(cle)
    if code is not None:
        return NATURES[code]
    m = mots(t)
    if m:
        egaux = [c for c, (mc, ml) in index["mots"].items() if m == mc or m == ml]
        if len(egaux) == 1:
            return NATURES[egaux[0]]
        inclus = egaux or [c for c, (mc, ml) in index["mots"].items() if m <= (mc | ml)]
        if len(inclus) == 1:
            return NATURES[inclus[0]]
        if inclus:
            raise NatureInconnue("nature-ambigue", "nature", t, candidats=inclus[:8])
    raise NatureInconnue("nature-inconnue", "nature", t, proches=proches(t, NATURES))


def chercher(texte: str | None) -> list[Nature]:
    """The natures whose code, label or category contains every meaningful word of `texte` (a word may
    be the start of one: `opti` finds the optical natures), in catalogue order; all of them for an
    empty text. Accents, case and plural marks are ignored."""
    voulus = mots(texte or "")
    if not voulus:
        return list(NATURES.values())
    synonyme = SYNONYMES.get(_cle(texte))
    out = [NATURES[synonyme]] if synonyme else []
    for n in NATURES.values():
        dans = mots(n.code) | mots(n.libelle) | mots(CATEGORIES.get(n.categorie, n.categorie)) | mots(n.categorie)
        if all(any(d.startswith(v) for d in dans) for v in voulus) and n.code != synonyme:
            out.append(n)
    return out
