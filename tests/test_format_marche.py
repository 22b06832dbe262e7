"""The format extensions for the contracts of the market (docs/format-contrat.md), one test per construct.

Each test writes the cell as a brochure writes it, in a small contract, and checks amounts computed by
hand in its comment (Sécurité sociale rates: dental and optics 60 %, doctors 70 % with a 2 € participation
forfaitaire, hospital 80 %; a layer `inclut-ss` pays « total − already paid »).
"""
from __future__ import annotations

import textwrap
from decimal import Decimal

import pytest

from simulateur import charger_contrat, creer_acte, simuler
from simulateur.contrat import lire_contrat
from simulateur.contrat.validation import resume_formules, valider_contrat
from simulateur.domaine.erreurs import ActeInvalide, ContratInvalide
from simulateur.moteur.etat import EtatBeneficiaire
from simulateur.rendu.explication import explication_dict

D = Decimal
ENTETE = "contrat: {id: essai, nom: Essai, source: essai, responsable: %s}\n"
UN_NIVEAU = """
niveaux: {n: {libelle: Niveau, convention: %s}}
colonnes: {a: {niveau: n}, b: {niveau: n}}
formules: {a: {colonnes: [a]}, b: {colonnes: [b]}}
"""


def contrat(corps: str, responsable: bool = True, convention: str = "inclut-ss", niveaux: str | None = None):
    texte = ENTETE % ("true" if responsable else "false") + (niveaux or UN_NIVEAU % convention) + textwrap.dedent(corps)
    return lire_contrat(texte, "essai.yaml")


def garanties(*lignes: str) -> str:
    return "garanties:\n  - section: Essai\n    lignes:\n" + "".join(textwrap.indent(textwrap.dedent(l), "      ") for l in lignes)


def parts(c, formule, actes, etat=None):
    """The layers' total for each act, replayed in order for one beneficiary."""
    etat = etat or EtatBeneficiaire()
    out = []
    for kw in actes:
        r = simuler(c, formule, creer_acte(**kw), etat)
        explication_dict(r)          # every step of the explanation can be worded
        etat.appliquer(r)
        out.append(sum((p.montant for p in r.parts), D(0)))
    return out


def acte(nature, date="2025-06-01", **kw):
    return {"nature": nature, "date": date, **kw}


# ------------------------------------------------------------------ 1. an annual ceiling whose amount differs by formula

PROTHESES = garanties("""
- libelle: Prothèses hors 100 % Santé
  nature: dentaire-prothese
  si: {panier: [maitrise, libre]}
  a: 300 % BR
  b: 300 % BR
""", """
- libelle: Prothèses 100 % Santé
  nature: dentaire-prothese
  si: {panier: 100-sante}
  a: Frais réels
  b: Frais réels
""")


def test_plafond_annuel_par_formule():
    # « plafond annuel : - / 500 € selon le niveau, au-delà 100 % BR » ; couronne BR 120, SS 72, 300 % BR → 288
    c = contrat(PROTHESES + """
plafonds_annuels:
  - {libelle: Plafond prothèses, natures: [dentaire-prothese], paniers: [maitrise, libre], montant: {b: "500"}, au_dela: ticket-moderateur}
""")
    couronne = acte("dentaire-prothese", br="120", frais_reels="1000", panier="libre")
    assert parts(c, "a", [couronne] * 3) == [D("288"), D("288"), D("288")]       # pas de plafond en a
    # b : 288 (cumul 288) ; 500 − 288 = 212 ; puis le ticket modérateur 120 − 72 = 48
    assert parts(c, "b", [couronne] * 3) == [D("288"), D("212"), D("48")]


def test_plafond_paliers_d_anciennete():
    from simulateur.contrat.chargeur import lire_paliers
    assert lire_paliers("1 800 € ; 2 500 € à partir de la 3e année") == ((0, D(1800)), (2, D(2500)))
    assert lire_paliers("1800, puis 2 500 € après 2 ans") == ((0, D(1800)), (2, D(2500)))
    with pytest.raises(ValueError):
        lire_paliers("1800 ; 2500 € un jour")


# ------------------------------------------------------------------ 2. a per-session cap inside an annual envelope

def test_plafond_par_seance_dans_une_enveloppe():
    # « médecines douces : 60 € par an, 50 € maximum par séance » : deux séances à 70 € → 50 + 10 (et non 60 + 0)
    c = contrat(garanties("""
- libelle: Médecines douces
  nature: medecine-douce
  a: 60 € par an, 50 € maximum par séance
  b: 60 € par an
"""))
    seance = acte("medecine-douce", frais_reels="70")
    assert parts(c, "a", [seance] * 3) == [D("50"), D("10"), D("0")]
    assert parts(c, "b", [seance] * 2) == [D("60"), D("0")]


def test_enveloppe_avec_nombre_d_actes():
    # « implantologie, 2 actes maximum, forfait par an 400 € » : 150 + 150 puis rien (il reste 100 € mais 2 actes sont payés)
    c = contrat(garanties("""
- libelle: Implantologie
  nature: implantologie
  a: 400 € par an, 2 actes maximum
"""))
    implant = acte("implantologie", frais_reels="150")
    assert parts(c, "a", [implant] * 3) == [D("150"), D("150"), D("0")]


# ------------------------------------------------------------------ 3. membership years

DOUCE = garanties("""
- libelle: Médecines douces
  nature: medecine-douce
  a: 40 € / an
  b: 40 € par année civile
""")


def test_enveloppe_par_annee_d_adhesion():
    # adhésion le 01/09/2025 : une année d'adhésion va du 01/09 au 31/08 ; séances à 30 €
    c = lire_contrat((ENTETE % "true").replace("}", ", annee: adhesion}") + UN_NIVEAU % "inclut-ss" + DOUCE, "essai.yaml")
    seances = [acte("medecine-douce", d, frais_reels="30", date_adhesion="2025-09-01") for d in ("2025-10-01", "2026-02-01", "2026-09-01")]
    assert parts(c, "a", seances) == [D("30"), D("10"), D("30")]      # 40 − 30 = 10 ; le 01/09/2026, nouvelle année
    # « par année civile » écrit dans la case : remise à zéro le 1er janvier
    assert parts(c, "b", seances) == [D("30"), D("30"), D("10")]


def test_annee_d_adhesion_sans_date_d_adhesion():
    c = lire_contrat((ENTETE % "true").replace("}", ", annee: adhesion}") + UN_NIVEAU % "inclut-ss" + DOUCE, "essai.yaml")
    r = simuler(c, "a", creer_acte(**acte("medecine-douce", frais_reels="30")))
    assert r.parts[0].montant == D("30")
    cles = [x.cle for e in r.explication for x in e.calcul]
    assert "terme.annee_civile_faute_d_adhesion" in cles      # compté par année civile, et l'explication le dit


# ------------------------------------------------------------------ 4. amounts that grow with seniority

def test_bonus_fidelite_apres_2_ans():
    # « 40 € par an ; bonus fidélité après 2 ans + 20 € » ; adhésion le 01/05/2023
    c = contrat(garanties("""
- libelle: Médecines naturelles
  nature: medecine-douce
  a: 40 € / an + 20 € / an après 2 ans
  b: 40 € / an + 20 € / an à partir de la 3e année
"""))
    avant = acte("medecine-douce", "2025-04-30", frais_reels="100", date_adhesion="2023-05-01")   # 1 an révolu
    apres = acte("medecine-douce", "2025-05-01", frais_reels="100", date_adhesion="2023-05-01")   # 2 ans révolus
    assert parts(c, "a", [avant]) == [D("40")] and parts(c, "a", [apres]) == [D("60")]
    assert parts(c, "b", [avant]) == [D("40")] and parts(c, "b", [apres]) == [D("60")]
    r = simuler(c, "a", creer_acte(**acte("medecine-douce", frais_reels="100")))
    assert r.parts[0].montant == D("40")                                        # ancienneté inconnue : bonus non compté
    assert any(x.cle == "terme.anciennete" and x.valeurs["anciennete"] is None for e in r.explication for x in e.calcul)


# ------------------------------------------------------------------ 5. a waiting period limited to a basket

DELAI = PROTHESES + """
delai_de_stage:
  libelle: limitation des 3 premiers mois
  duree_mois: 3
  {paniers}
  ticket_moderateur: [dentaire-prothese]
"""


def test_delai_limite_aux_paniers_libres():
    # adhésion le 01/05/2025, soins le 01/06/2025 : couronne libre limitée au ticket modérateur 120 − 72 = 48 ;
    # couronne 100 % Santé au HLF de 500 € : frais réels 500 − 72 = 428, jamais limitée
    c = contrat(DELAI.replace("{paniers}", "paniers: [maitrise, libre]"))
    libre = acte("dentaire-prothese", br="120", frais_reels="1000", panier="libre", date_adhesion="2025-05-01")
    sante = acte("dentaire-prothese", br="120", frais_reels="500", panier="100-sante", date_adhesion="2025-05-01")
    assert parts(c, "a", [libre, sante]) == [D("48"), D("428")]


def test_delai_sans_paniers_jamais_sur_le_100_sante_responsable():
    sante = acte("dentaire-prothese", br="120", frais_reels="500", panier="100-sante", date_adhesion="2025-05-01")
    assert parts(contrat(DELAI.replace("{paniers}", "")), "a", [sante]) == [D("428")]                # responsable : le moteur protège
    assert parts(contrat(DELAI.replace("{paniers}", ""), responsable=False), "a", [sante]) == [D("48")]   # non responsable : tel qu'écrit
    pbs = valider_contrat(contrat(DELAI.replace("{paniers}", "")))
    assert any(p.gravite == "avertissement" and "ne dit pas les paniers" in p.message for p in pbs)
    pbs = valider_contrat(contrat(DELAI.replace("{paniers}", "paniers: [100-sante, libre]")))
    assert any(p.gravite == "regle" and p.regle == "cent-pour-cent-sante-dentaire" for p in pbs)


def test_delai_limite_a_une_formule():
    # « durant les 30 premiers jours, remboursements limités à la formule SOCLE » : a = socle (100 % BR), b = 200 % BR
    c = contrat(garanties("""
- libelle: Analyses
  nature: biologie
  a: 100 % BR
  b: 200 % BR
""") + "delai_de_stage: {libelle: 30 premiers jours, duree_jours: 30, formule: a}\n")
    # BR 20 : SS 12 (PF 2 retenus) ; a : 20 − 12 = 8 ; b : 40 − 12 = 28, limité aux frais 50 − 12 = 38 → 28
    dans = acte("biologie", "2025-06-20", br="20", frais_reels="50", date_adhesion="2025-06-01")
    apres = acte("biologie", "2025-07-01", br="20", frais_reels="50", date_adhesion="2025-06-01")   # 30 jours passés
    assert parts(c, "b", [dans]) == [D("8")] and parts(c, "b", [apres]) == [D("28")]


# ------------------------------------------------------------------ 6. modules chosen independently, renforts

def test_modules_engendrent_les_formules():
    mix = charger_contrat("april-sante-mix")
    assert len(mix.formules) == 72          # 24 couples (écart ≤ 2) × (sans renfort, Famille, Senior)
    assert "hospi-3+soins-5+famille-5" in mix.formules and "hospi-3+soins-5" in mix.formules
    assert "hospi-1+soins-4" not in mix.formules                 # 3 niveaux d'écart
    assert "hospi-3+soins-4+famille-3" not in mix.formules       # renfort au niveau du module Frais de santé
    assert mix.formules["hospi-2+soins-1+senior-1"].libelle == "Hospitalisation N2 + Frais de santé N1 + Renfort Senior N1"
    tns = charger_contrat("april-sante-tns")
    assert sorted(tns.formules) == sorted(["n1", "n2", "n3", "n4", "n5", "n6", "n2+renfort-2", "n3+renfort-3",
                                           "n4+renfort-4", "n5+renfort-5", "n6+renfort-6"])   # pas de renfort au niveau 1


MODULES = """
niveaux:
  h: {libelle: H, convention: inclut-ss}
  s: {libelle: S, convention: inclut-ss}
  r: {libelle: R, convention: inclut-ss}
colonnes: {h1: {niveau: h}, h2: {niveau: h}, s1: {niveau: s}, s2: {niveau: s}, r1: {niveau: r}, r2: {niveau: r}}
"""


@pytest.mark.parametrize("modules, mots", [
    ("modules:\n  - {niveau: x, colonnes: [h1]}\n", ["niveau inconnu « x »"]),
    ("modules:\n  - {niveau: h, colonnes: [s1]}\n", ["la colonne « s1 » est du niveau s, pas h"]),
    ("modules:\n  - {niveau: s, colonnes: [s1, s2], ecart_max: {h: 1}}\n  - {niveau: h, colonnes: [h1, h2]}\n",
     ["« h » doit être le niveau d'un seul module, déclaré avant"]),
    ("modules:\n  - {niveau: h, colonnes: [h1, h2], ecart_max: {h: deux}}\n", ["écart « deux » invalide"]),
])
def test_modules_erreurs(modules, mots):
    with pytest.raises(ContratInvalide) as e:
        lire_contrat(ENTETE % "true" + MODULES + modules + "garanties: []\n", "essai.yaml")
    for mot in mots:
        assert mot in str(e.value)


def test_modules_petit_exemple():
    c = lire_contrat(ENTETE % "true" + MODULES + """
modules:
  - {niveau: h, colonnes: [h1, h2]}
  - {niveau: s, colonnes: [s1, s2], ecart_max: {h: 0}}
  - {niveau: r, facultatif: true, meme_rang_que: s, colonnes: ["-", r2]}
garanties: []
""", "essai.yaml")
    assert list(c.formules) == ["h1+s1", "h2+s2", "h2+s2+r2"]


def test_constats_de_nombreuses_formules_sur_une_ligne():
    source = charger_contrat("april-sante-mix").fichier
    from simulateur.contrat.depot import chemin_contrat
    texte = chemin_contrat("april-sante-mix").read_text(encoding="utf-8")
    casse = texte.replace("      - libelle: Médicaments remboursés par la Sécurité sociale\n        nature: medicaments\n"
                          "        soins-1: 100 % BR", "      - libelle: Médicaments remboursés par la Sécurité sociale\n"
                          "        nature: medicaments\n        soins-1: 50 % BR", 1)
    assert casse != texte and source
    pbs = [p for p in valider_contrat(lire_contrat(casse, "mix.yaml")) if p.gravite == "regle"]
    assert len(pbs) == 1 and "\n" not in pbs[0].message and len(pbs[0].message) < 400
    assert "les formules avec soins-1 (9 sur 72)" in pbs[0].message        # 3 niveaux d'hospitalisation × 3 renforts
    assert len(pbs[0].formules) == 9                                        # la liste complète reste en JSON


def test_resume_formules():
    mix = charger_contrat("april-sante-mix")
    toutes = list(mix.formules)
    assert resume_formules(mix, toutes, toutes) == "toutes les formules (72)"
    assert resume_formules(mix, toutes[1:], toutes) == "toutes les formules sauf hospi-1+soins-1"
    assert resume_formules(mix, toutes[:2], toutes) == "formules hospi-1+soins-1, hospi-1+soins-1+famille-1"
    avec = [f for f in toutes if "+soins-6" in f]
    assert resume_formules(mix, avec, toutes) == f"les formules avec soins-6 ({len(avec)} sur 72)"


def test_formules_a_ecrire_en_modules():
    colonnes = "".join(f"  h{i}: {{niveau: h}}\n  s{i}: {{niveau: s}}\n" for i in range(1, 5))
    formules = "".join(f"  f{i}{j}: {{colonnes: [h{i}, s{j}]}}\n" for i in range(1, 5) for j in range(1, 5))
    c = lire_contrat(ENTETE % "false" + "niveaux:\n  h: {libelle: H, convention: inclut-ss}\n  s: {libelle: S, convention: "
                     "inclut-ss}\ncolonnes:\n" + colonnes + "formules:\n" + formules + "garanties: []\n", "essai.yaml")
    pbs = valider_contrat(c)
    assert any("16 formules écrites une à une" in p.message and "modules:" in p.message for p in pbs)
    # REMA Révoluo: « Renfort 100 : Rev 2 à Rev 6 » — the renfort s4 only with h2 and h3 here (14 formulas, not
    # the 16 of a product): `modules:` would make formulas that do not exist, so it is not advised
    formules = "".join(f"  f{i}{j}: {{colonnes: [h{i}, s{j}]}}\n" for i in range(1, 5) for j in range(1, 5)
                       if j < 4 or i in (2, 3))
    c = lire_contrat(ENTETE % "false" + "niveaux:\n  h: {libelle: H, convention: inclut-ss}\n  s: {libelle: S, convention: "
                     "inclut-ss}\ncolonnes:\n" + colonnes + "formules:\n" + formules + "garanties: []\n", "essai.yaml")
    assert len(c.formules) == 14 and not any("modules:" in p.message for p in valider_contrat(c))


# ------------------------------------------------------------------ 7. counters per unit and per period

def test_par_oeil_et_par_an():
    # « chirurgie réfractive : 200 € par œil et par an » : 2 yeux → 400 ; un 3e œil la même année → 0 ; l'an suivant → 200
    c = contrat(garanties("""
- libelle: Chirurgie réfractive
  nature: chirurgie-refractive
  a: 200 € par œil et par an
"""))
    assert parts(c, "a", [acte("chirurgie-refractive", "2025-03-01", frais_reels="2000", quantite=2),
                          acte("chirurgie-refractive", "2025-09-01", frais_reels="1000"),
                          acte("chirurgie-refractive", "2026-03-01", frais_reels="1000")]) == [D("400"), D("0"), D("200")]


def test_nombre_par_periode_de_plusieurs_annees_civiles():
    # « 100 € par appareil, 2 par période de 4 années civiles » : 2022 et 2023 payés ; 2025 : 2 déjà sur 2022-2025 → 0 ;
    # 2026 : un seul sur 2023-2026 → 100
    c = contrat(garanties("""
- libelle: Prothèses capillaires
  nature: prothese-capillaire-non-remboursee
  a: 100 € par appareil, 2 par période de 4 années civiles
"""))
    actes = [acte("prothese-capillaire-non-remboursee", f"{a}-03-01", frais_reels="300") for a in (2022, 2023, 2025, 2026)]
    assert parts(c, "a", actes) == [D("100"), D("100"), D("0"), D("100")]


# ------------------------------------------------------------------ 8. list conditions on every key

def test_conditions_en_liste():
    c = contrat(garanties("""
- libelle: Médecines douces, enfants et seniors
  nature: medecine-douce
  si: {age: ["< 6", "> 60"]}
  a: 30 €
""", """
- libelle: Médicaments à 30 % et 15 %
  nature: medicaments
  si: {taux: [30, 15]}
  a: 100 % BR
""", """
- libelle: Médicaments à 65 %
  nature: medicaments
  si: {taux: 65}
  a: 100 % BR
""", """
- libelle: Généralistes (tous)
  nature: consultation-generaliste
  si: {dptm: [oui, non]}
  a: 100 % BR
"""), responsable=False)
    douce = [acte("medecine-douce", frais_reels="50", age=a) for a in (3, 70, 30)]
    assert parts(c, "a", douce) == [D("30"), D("30"), D("0")]
    # médicament à SMR modéré : taux 30 %, BR 10 : SS 3 (franchise 1 retenue) ; 100 % BR → 7
    assert parts(c, "a", [acte("medicaments", br="10", frais_reels="10", smr="modere")]) == [D("7")]
    assert parts(c, "a", [acte("consultation-generaliste", br="30", frais_reels="30", dptm="non", age=40)]) == [D("9")]
    with pytest.raises(ContratInvalide) as e:
        contrat(garanties("""
- {libelle: A, nature: medecine-douce, si: {age: ["< 6", "> 60"]}, a: 30 €}
""", """
- {libelle: B, nature: medecine-douce, si: {age: ">= 6"}, a: 20 €}
"""))
    assert "s'appliquent toutes deux" in str(e.value)            # 61 ans : les deux lignes


# ------------------------------------------------------------------ 9. floors, % FR mixed with % BR

def test_minimum_et_limite():
    c = contrat(garanties("""
- libelle: Adaptation de la correction visuelle
  nature: optique-adaptation
  a: 50 % des frais réels, au minimum le ticket modérateur
""", """
- libelle: Séjour non conventionné
  nature: hospitalisation-non-conventionnee
  a: 90 % des frais réels, dans la limite de 150 % BR
"""))
    # adaptation BR 10 (SS 6) : frais 100 → 50 − 6 = 44 ; frais 10 → 5 − 6 < 0, au minimum le TM 10 − 6 = 4
    assert parts(c, "a", [acte("optique-adaptation", br="10", frais_reels="100")]) == [D("44")]
    assert parts(c, "a", [acte("optique-adaptation", br="10", frais_reels="10")]) == [D("4")]
    # séjour BR 100 (SS 80) : frais 1 000 → 900 limité à 150 − 80 = 70 ; frais 120 → 108 − 80 = 28
    assert parts(c, "a", [acte("hospitalisation-non-conventionnee", br="100", frais_reels="1000")]) == [D("70")]
    assert parts(c, "a", [acte("hospitalisation-non-conventionnee", br="100", frais_reels="120")]) == [D("28")]


def test_minimum_dans_un_niveau_en_complement():
    # « 100 € par an, au minimum le ticket modérateur » en complément ; lentilles BR 40 (SS 24, TM 16), frais 200
    c = contrat(garanties("""
- libelle: Lentilles
  nature: lentilles
  a: 100 € par an, au minimum le ticket modérateur
"""), convention="en-complement")
    lentilles = acte("lentilles", br="40", frais_reels="200")
    assert parts(c, "a", [lentilles, lentilles]) == [D("100"), D("16")]


# ------------------------------------------------------------------ 10. natures of the brochures

def test_natures_fines_et_repli_sur_la_nature_parente():
    from simulateur.domaine.natures import NATURES
    for code in ("confort-hospitalier", "cure-thermale-hebergement", "cure-thermale-transport", "soins-etranger",
                 "honoraires-non-conventionnes", "hospitalisation-non-conventionnee", "readaptation-sejour",
                 "readaptation-honoraires", "chambre-particuliere-readaptation", "chambre-particuliere-ambulatoire"):
        assert code in NATURES
    assert "smr" not in {n.code for n in NATURES.values()}
    sejour = garanties("""
- {libelle: Frais de séjour, nature: hospitalisation-sejour, a: Frais réels}
""", """
- {libelle: Chambre particulière, nature: chambre-particuliere, a: 50 € / jour}
""")
    c = contrat(sejour)
    # séjour SMR sans ligne propre : la ligne des frais de séjour (SS 1 000 × 80 % = 800 ; frais réels 1 200 → 400)
    assert parts(c, "a", [acte("readaptation-sejour", br="1000", frais_reels="1200")]) == [D("400")]
    assert parts(c, "a", [acte("chambre-particuliere-readaptation", frais_reels="60")]) == [D("50")]
    assert parts(c, "a", [acte("chambre-particuliere-ambulatoire", frais_reels="60")]) == [D("0")]   # pas de parent
    propre = contrat(sejour.replace("lignes:\n", "lignes:\n      - {libelle: SMR, nature: readaptation-sejour, a: 100 % BR}\n", 1))
    assert parts(propre, "a", [acte("readaptation-sejour", br="1000", frais_reels="1200")]) == [D("200")]


# ------------------------------------------------------------------ 11. conditions on the tooth

def test_dents_visibles_et_molaires():
    c = contrat(garanties("""
- libelle: Couronnes sur dents visibles
  nature: dentaire-prothese
  si: {panier: libre, position_dent: [incisive, canine, premolaire-1]}
  a: 500 % BR
""", """
- libelle: Couronnes sur molaires
  nature: dentaire-prothese
  si: {panier: libre, position_dent: [premolaire-2, molaire]}
  a: 450 % BR
"""), responsable=False)
    # BR 120, SS 72 : incisive 600 − 72 = 528 ; molaire 540 − 72 = 468
    assert parts(c, "a", [acte("dentaire-prothese", br="120", frais_reels="1000", panier="libre", dent="11")]) == [D("528")]
    assert parts(c, "a", [acte("dentaire-prothese", br="120", frais_reels="1000", panier="libre", dent="36")]) == [D("468")]
    with pytest.raises(ActeInvalide) as e:
        simuler(c, "a", creer_acte(**acte("dentaire-prothese", br="120", frais_reels="1000", panier="libre")))
    assert e.value.champ == "dent"


# ------------------------------------------------------------------ 12. the ticket modérateur plus an allowance

def test_ticket_moderateur_plus_forfait_annuel():
    # « ticket modérateur + 100 € par an » en complément : lentilles BR 40 (SS 24) : 16 + 100 = 116, puis le TM seul (16)
    c = contrat(garanties("""
- libelle: Lentilles
  nature: lentilles
  a: ticket modérateur + 100 € par an
"""), convention="en-complement")
    lentilles = acte("lentilles", br="40", frais_reels="200")
    assert parts(c, "a", [lentilles, lentilles]) == [D("116"), D("16")]


# ------------------------------------------------------------------ 13. responsable per layer

SURCO = """
niveaux:
  socle: {libelle: Socle, convention: inclut-ss}
  surco: {libelle: Surcomplémentaire, convention: en-complement, responsable: false}
colonnes: {s: {niveau: socle}, r: {niveau: surco}}
formules:
  avec: {colonnes: [s, r]}
  tout-non-responsable: {colonnes: [s, r], responsable: false}
"""


def test_surcomplementaire_non_responsable_au_dessus_d_un_socle_responsable():
    c = contrat(garanties("""
- libelle: Spécialistes non DPTAM
  nature: consultation-specialiste
  si: {dptm: non}
  s: 250 % BR
  r: + 100 % BR
""", """
- libelle: Aides auditives classe II
  nature: aide-auditive
  si: {panier: libre}
  s: 500 % BR
  r: + 300 €
"""), niveaux=SURCO)
    spec = creer_acte(**acte("consultation-specialiste", br="23", frais_reels="200", dptm="non", age=40))
    r = simuler(c, "avec", spec)
    # socle plafonné (responsable) : BR + 100 % BR = 46 − 16,10 = 29,90 ; surcomplémentaire + 23, au-delà du plafond
    assert [p.montant for p in r.parts] == [D("29.90"), D("23.00")]
    r = simuler(c, "tout-non-responsable", spec)
    assert [p.montant for p in r.parts] == [D("41.40"), D("23.00")]       # 57,50 − 16,10 : plus aucun plafond
    aide = creer_acte(**acte("aide-auditive", br="400", frais_reels="2500", panier="libre", age=60, oreille="droite"))
    r = simuler(c, "avec", aide)
    # socle 500 % = 2 000 − 240 = 1 760, plafonné à 1 700 − 240 = 1 460 ; surcomplémentaire 300 au-delà
    assert [p.montant for p in r.parts] == [D("1460.00"), D("300.00")]


def test_valider_verifie_le_noyau_responsable():
    c = contrat(garanties("""
- libelle: Aides auditives classe II
  nature: aide-auditive
  si: {panier: libre}
  s: 400 % BR
  r: + 300 €
""", """
- libelle: Aides auditives classe I
  nature: aide-auditive
  si: {panier: 100-sante}
  s: Frais réels
"""), niveaux=SURCO)
    regles = [p for p in valider_contrat(c) if p.regle == "aide-auditive-plafond"]
    # BR jeune 1 400 : 400 % = 5 600 > 1 700 tel qu'écrit au socle : constat sur le socle seul, jamais la surcomplémentaire
    assert regles and all("surco" not in p.message for p in regles)


# ------------------------------------------------------------------ 14. an annual ceiling limited to a basket

def test_plafond_annuel_ne_compte_ni_ne_plafonne_le_100_sante():
    c = contrat(PROTHESES + """
plafonds_annuels:
  - {libelle: Plafond prothèses, natures: [dentaire-prothese], montant: "500", au_dela: ticket-moderateur}
""")
    sante = acte("dentaire-prothese", br="120", frais_reels="500", panier="100-sante")
    libre = acte("dentaire-prothese", br="120", frais_reels="1000", panier="libre")
    # la couronne 100 % Santé (428) ne compte pas : la couronne libre suivante a encore 288 (sinon 500 − 428 = 72)
    assert parts(c, "a", [sante, libre, libre, sante]) == [D("428"), D("288"), D("212"), D("428")]
    assert any("ne dit pas les paniers" in p.message for p in valider_contrat(c))


# ------------------------------------------------------------------ 15. days per stay, private room in day surgery

def test_jours_par_sejour_et_a_partir_du_4e_jour():
    c = contrat(garanties("""
- libelle: Chambre particulière, ambulatoire compris
  natures: [chambre-particuliere, chambre-particuliere-ambulatoire]
  a: 40 € / jour, 60 jours par séjour
  b: 30 € / jour à partir du 4e jour, 60 jours par an
"""))
    sejours = [acte("chambre-particuliere", frais_reels="7000", quantite=70), acte("chambre-particuliere", frais_reels="3000", quantite=30)]
    assert parts(c, "a", sejours) == [D("2400"), D("1200")]          # 60 × 40 ; puis 30 × 40 (chaque séjour a ses 60 jours)
    # b : séjour de 10 jours → 7 jours × 30 = 210 ; séjour de 60 jours → 57 jours, 53 restant dans l'année → 1 590
    assert parts(c, "b", [acte("chambre-particuliere", frais_reels="1000", quantite=10),
                          acte("chambre-particuliere", frais_reels="6000", quantite=60)]) == [D("210"), D("1590")]
    assert parts(c, "a", [acte("chambre-particuliere-ambulatoire", frais_reels="50")]) == [D("40")]


# ------------------------------------------------------------------ the traps of a brochure reader

RENFORT = """
niveaux:
  base: {libelle: Base, convention: inclut-ss}
  renfort: {libelle: Renfort, convention: inclut-ss}
colonnes: {b: {niveau: base}, r: {niveau: renfort}}
formules: {f: {colonnes: [b, r]}}
"""


def test_renfort_en_euros_sans_plus():
    # orthodontie BR 193,50 (SS 100 %), frais 707 : « 200 € / an » dans un niveau inclut-ss comprend la SS → 6,50 ;
    # « + 200 € / an » : 200 ; valider signale la première écriture
    corps = garanties("""
- libelle: Orthodontie
  nature: orthodontie
  b: 100 % BR
  r: %s
""")
    ortho = acte("orthodontie", br="193.50", frais_reels="707", age=12)
    sans = contrat(corps.replace("%s", "200 € / an"), niveaux=RENFORT)
    avec = contrat(corps.replace("%s", "+ 200 € / an"), niveaux=RENFORT)
    assert parts(sans, "f", [ortho]) == [D("6.50")] and parts(avec, "f", [ortho]) == [D("200")]
    pieges = [p for p in valider_contrat(sans) if "écrivez « + 200 € / an »" in p.message]
    assert len(pieges) == 1 and "\n" not in pieges[0].message
    assert not [p for p in valider_contrat(avec) if "pour « en plus »" in p.message]


def test_optique_sans_panier_est_de_classe_b():
    c = contrat(garanties("""
- libelle: Équipement 100 % Santé
  nature: optique-equipement
  si: {panier: 100-sante}
  a: Frais réels
""", """
- libelle: Équipement classe B
  nature: optique-equipement
  si: {panier: [maitrise, libre]}
  a: forfait de 150 € dont au maximum 100 € pour la monture
"""))
    # sans --panier : classe B (libre) : 150 − 0,09 = 149,91
    assert parts(c, "a", [acte("optique-equipement", br="0.15", frais_reels="400", verres="simple+simple", monture="100")]) == [D("149.91")]


def test_securite_sociale_comprise_ecrite_dans_la_case():
    # « 100 € (Sécurité sociale comprise) » dans un niveau en complément : lentilles BR 40 (SS 24) → 100 − 24 = 76
    c = contrat(garanties("""
- {libelle: Lentilles, nature: lentilles, a: 100 € (Sécurité sociale comprise), b: 100 €}
"""), convention="en-complement")
    lentilles = acte("lentilles", br="40", frais_reels="200")
    assert parts(c, "a", [lentilles]) == [D("76")] and parts(c, "b", [lentilles]) == [D("100")]


# ------------------------------------------------------------------ the loader's new keys

@pytest.mark.parametrize("remplacement, mots", [
    ("responsable: true, famille: etudiant}", ["famille « etudiant » inconnue"]),
    ("responsable: true, date_source: mars 2026}", ["date_source « mars 2026 » invalide"]),
    ("responsable: true, annee: scolaire}", ["annee « scolaire » inconnue"]),
])
def test_entete_erreurs(remplacement, mots):
    with pytest.raises(ContratInvalide) as e:
        lire_contrat((ENTETE % "true").replace("responsable: true}", remplacement) + UN_NIVEAU % "inclut-ss" + DOUCE, "x.yaml")
    for mot in mots:
        assert mot in str(e.value)


@pytest.mark.parametrize("suite, mots", [
    ("plafonds_annuels:\n  - {libelle: P, natures: [dentaire-prothese], montant: {z: '5'}}\n", ["clé inconnue « z »"]),
    ("plafonds_annuels:\n  - {libelle: P, natures: [dentaire-prothese], montant: '5', paniers: [rac0]}\n", ["panier inconnu « rac0 »"]),
    ("delai_de_stage: {libelle: D, duree_mois: 3, duree_jours: 30}\n", ["duree_mois ou duree_jours"]),
    ("delai_de_stage: {libelle: D, duree_jours: 30, formule: socle}\n", ["formule inconnue « socle »"]),
])
def test_plafonds_et_delais_erreurs(suite, mots):
    with pytest.raises(ContratInvalide) as e:
        contrat(PROTHESES + suite)
    for mot in mots:
        assert mot in str(e.value)


def test_sous_expression_sans_enveloppe():
    from simulateur.contrat.expressions import ExpressionInvalide, analyser
    with pytest.raises(ExpressionInvalide):
        analyser("100 % BR, au minimum 50 € / an")
    e = analyser("90 % des frais réels dans la limite de 150 % BR")
    assert e.plafond is not None and e.plancher is None


def test_pmss_par_an_ecrit_comme_les_brochures():
    """« 2 % PMSS / an », as many brochures write it, is the same annual envelope as « crédit annuel 2 % PMSS »
    (2 % × PMSS 2025 3 925 € = 78,50 € per civil year); « 2 % PMSS » alone stays a per-act amount."""
    from simulateur.contrat.expressions import Enveloppe, PartPMSS, analyser
    for texte in ("2 % PMSS / an", "crédit annuel 2 % PMSS", "2 % du PMSS par an"):
        (t,) = analyser(texte).termes
        assert isinstance(t, Enveloppe) and t.fraction_pmss == Decimal("0.02"), texte
    (t,) = analyser("2 % PMSS").termes
    assert isinstance(t, PartPMSS) and t.fraction == Decimal("0.02")


def test_condition_d_age_en_liste_sans_age_demande_l_age():
    """`si: {age: ["< 16", "> 70"]}` (docs/format-contrat.md, « Conditions à plusieurs valeurs »; APICIL « nuitée
    d'accompagnement d'un enfant de moins de 16 ans ou d'un adulte de plus de 70 ans ») and an act without an
    age: the age is asked for, as with one condition — it was an internal error. 20 € / jour × 2 nuits = 40 €
    at 75 years and at 10; at 40, no line: 0."""
    c = contrat(garanties("""
    - libelle: Accompagnant
      nature: accompagnant
      si: {age: ["< 16", "> 70"]}
      a: 20 € / jour
      b: 20 € / jour
    """), responsable=False)
    with pytest.raises(ActeInvalide) as e:
        simuler(c, "a", creer_acte(**acte("accompagnant", frais_reels="60", quantite=2)))
    assert e.value.champ == "age"
    assert [parts(c, "a", [acte("accompagnant", frais_reels="60", quantite=2, age=a)])[0] for a in (75, 10, 40)] == [
        D("40.00"), D("40.00"), D(0)]


# ------------------------------------------------------------------ other spellings of the market's tables

@pytest.mark.parametrize("cellule, convention, attendu", [
    # « BR - SS » = « à hauteur de la BR moins le remboursement de la SS » (APICIL Pack Confort, cure) : a total,
    # SS included. Honoraires à l'hôpital, BR 100, FR 200, SS 80 % = 80 : 125 − 80 = 45, whatever the convention.
    ("125 % BR-SS", "en-complement", "45.00"), ("125 % BR - SS", "inclut-ss", "45.00"),
    ("125 % (BR - SS)", "en-complement", "45.00"), ("125 % BR moins la SS", "en-complement", "45.00"),
    ("125 % BR sous déduction de la SS", "en-complement", "45.00"), ("125 % BR - RSS", "en-complement", "45.00"),
    ("200 % BR - MR", "en-complement", "120.00"),                        # 200 − 80, limited to FR 200 − 80 = 120
    ("150 % BR - SS, dans la limite de 50 €", "en-complement", "50.00"),   # 150 − 80 = 70, the layer's 50 at most
    # « AMO », « RO » : the régime obligatoire's payment (Mutuelle Verte, cure « AMO + forfait 150 € ») : SS + 150.
    ("AMO + forfait 150 €", "inclut-ss", "120.00"),                     # 80 + 150 > FR 200 : 200 − 80 = 120
    ("RO + 50 €", "en-complement", "50.00"), ("100 % RO", "inclut-ss", "0"), ("AMO", "en-complement", "0"),
    # « Remboursement intégral » (Révoluo, séjour) : 100 % of the frais réels : 200 − 80.
    ("Remboursement intégral", "inclut-ss", "120.00"),
])
def test_formulations_du_marche(cellule, convention, attendu):
    c = contrat(garanties(f"""
    - libelle: Honoraires
      nature: hospitalisation-honoraires
      a: "{cellule}"
      b: "-"
    """), responsable=False, convention=convention)
    assert parts(c, "a", [acte("hospitalisation-honoraires", br="100", frais_reels="200")]) == [D(attendu)]


def test_compte_par_implant_et_maxi_par_an():
    """« 250 € par implant, 2 implants par an » (APICIL) and « 20 € par acte, maxi 4 actes / an » (Révoluo,
    ostéopathe): an act of 3 implants is paid 2 × 250 = 500, a later one 0; the 5th session of the year 0."""
    c = contrat(garanties("""
    - libelle: Implants
      nature: implantologie
      a: 250 € par implant, 2 implants par an
      b: 250 € par implant, limité à 2 implants par an
    """, """
    - libelle: Ostéopathie
      nature: medecine-douce
      a: 20 € par acte, maxi 4 actes / an
      b: "-"
    """), responsable=False)
    for f in ("a", "b"):
        assert parts(c, f, [acte("implantologie", frais_reels="3000", quantite=3), acte("implantologie", frais_reels="1000")]
                     ) == [D("500.00"), D(0)]
    assert parts(c, "a", [acte("medecine-douce", frais_reels="60")] * 5) == [D("20.00")] * 4 + [D(0)]
    from simulateur.contrat.expressions import ExpressionInvalide, analyser
    with pytest.raises(ExpressionInvalide):          # the counted unit is not the paid one
        analyser("250 € par implant, 2 couronnes par an")


def test_chiffres_d_une_autre_ecriture_refuses():
    """« ١٥٠ % BR » (Arabic-Indic digits) was read as 150 % BR in a contract, though refused in every amount and
    batch cell (hostile test 4): refused here too, with the digit named."""
    from simulateur.contrat.expressions import ExpressionInvalide, analyser
    with pytest.raises(ExpressionInvalide, match="chiffre « ١ » d'une autre écriture"):
        analyser("١٥٠ % BR")
    assert analyser("150 % BR").termes[0].taux == D(150)


def test_valider_delai_nul_formules_identiques_identifiant(tmp_path):
    """A waiting period of 0 months is refused (there is none: remove the section); two formulas with the same
    columns, and an `id` other than the file's name (a batch's `contrat` column names the file), are warned."""
    texte = ("contrat: {id: autre-nom, nom: X, source: s, responsable: false}\n"
             "niveaux: {n: {libelle: N, convention: inclut-ss}}\ncolonnes: {a: {niveau: n}}\n"
             "formules: {f1: {colonnes: [a]}, f2: {colonnes: [a]}}\n"
             "delai_de_stage: {duree_mois: DUREE, exclues: [biologie], libelle: D}\n"
             "garanties:\n  - section: S\n    lignes:\n      - {libelle: L1, natures: [biologie], a: \"100 % BR\"}\n")
    with pytest.raises(ContratInvalide) as e:
        lire_contrat(texte.replace("DUREE", "0"), "essai.yaml")
    assert "durée « 0 » invalide" in str(e.value)
    f = tmp_path / "essai.yaml"
    f.write_text(texte.replace("DUREE", "3"), encoding="utf-8")
    messages = [p.message for p in valider_contrat(lire_contrat(f.read_text(encoding="utf-8"), str(f)))]
    assert "les formules « f1 » et « f2 » ont les mêmes colonnes (a) : elles paient la même chose" in messages
    assert "l'identifiant « autre-nom » diffère du nom du fichier « essai.yaml »" in messages
    assert not any("diffère du nom" in m for m in (p.message for p in valider_contrat(lire_contrat(f.read_text(
        encoding="utf-8"), "pas-un-fichier.yaml"))))
