"""The patient's situation: hors parcours, maternité, ALD, CSS, AT/MP (docs/situations.md).

Each expected amount is computed by hand in the comment, from the rule's source (parametres/situations.yaml
cites them) and the contract's line. Contract used unless said otherwise: cabinets-dentaires
(responsable; Base « 100 % BR » SS incluse; options « + X % BR » en complément).
"""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from simulateur.contrat.depot import charger_contrat
from simulateur.domaine.acte import creer_acte
from simulateur.moteur.calcul import simuler
from simulateur.parametres import charger_parametres

D = Decimal
RACINE = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def cd():
    return charger_contrat("cabinets-dentaires")


def _r(contrat, formule, **acte):
    return simuler(contrat, formule, creer_acte(**acte))


def _parts(r):
    return [p.montant for p in r.parts]


# ------------------------------------------------------------------ the two published examples

def test_hors_parcours_exemple_publie(cd):
    # Généraliste, BR 26,50 €, honoraires 26,50 €, hors parcours, 01/06/2024 (PF 2 € depuis le 15/05/2024,
    # G = 26,50 € du 01/11/2023 au 21/12/2024). SS : 26,50 × 30 % = 7,95 − 2 € = 5,95 €.
    # Contrat responsable « 100 % BR » : ce qu'il paierait au taux normal, 26,50 − 26,50 × 70 % = 7,95 € ;
    # jamais la majoration de 40 points (10,60 €). Reste à charge 26,50 − 5,95 − 7,95 = 12,60 € (10,60 + PF 2).
    r = _r(cd, "base", nature="consultation-generaliste", br="26.50", frais_reels="26.50", parcours="hors",
           date="2024-06-01", dptm=True)
    # taux_securite_sociale is the rate applied to the BR (70 %), the majoration (40 % × 26,50 = 10,60 €, equal to
    # the cap) deducted after it: 26,50 × 70 % − 10,60 = 7,95 = 26,50 × 30 % (docs/situations.md)
    assert (r.taux_securite_sociale, r.majoration_hors_parcours) == (70, D("10.60"))
    assert (r.securite_sociale, r.participation_forfaitaire) == (D("5.95"), D("2.00"))
    assert _parts(r) == [D("7.95")]
    assert r.reste_a_charge == D("12.60")


def test_hors_parcours_le_taux_force_ferait_payer_la_majoration(cd):
    # Ce que l'outil faisait avant (--taux 30) : la couche « 100 % BR » payait 26,50 − 7,95 = 18,55 €,
    # majoration comprise — ce qu'un contrat responsable ne peut pas faire (L871-1 CSS).
    r = _r(cd, "base", nature="consultation-generaliste", br="26.50", frais_reels="26.50", taux="30", date="2024-06-01",
           dptm=True)
    assert _parts(r) == [D("18.55")]


def test_maternite_exemple_publie(cd):
    # Spécialiste secteur 2 non OPTAM, BR 23 €, honoraires 60 €, période de maternité, 01/06/2023 :
    # SS 100 % × 23 = 23 €, sans participation forfaitaire (L160-13 II). Base « 100 % BR » : 23 − 23 = 0.
    r = _r(cd, "base", nature="consultation-specialiste", br="23", frais_reels="60", maternite=True, date="2023-06-01",
           dptm=False)
    assert (r.taux_securite_sociale, r.securite_sociale, r.participation_forfaitaire) == (100, D("23.00"), D("0.00"))
    assert _parts(r) == [D("0.00")] and r.reste_a_charge == D("37.00")
    # Option 2, non DPTM « + 100 % BR » = 23 € ; plafond responsable non DPTM BR + 100 % BR = 46 ≥ 23 + 0 + 23.
    r = _r(cd, "option-2", nature="consultation-specialiste", br="23", frais_reels="60", maternite=True, date="2023-06-01",
           dptm=False)
    assert _parts(r) == [D("0.00"), D("23.00")] and r.reste_a_charge == D("14.00")


# ------------------------------------------------------------------ hors parcours: the other cases

def test_hors_parcours_majoration_plafonnee(cd):
    # G à 30 € le 01/06/2025 hors parcours : 70 % = 21 ; 30 % = 9 ; majoration 12 € plafonnée à 10,60 €
    # (R322-1-1, 40 % × 26,50 €, valeur DREES) → 21 − 10,60 = 10,40 − PF 2 = 8,40 €.
    # Base au taux normal : 30 − 21 = 9 €. Reste à charge 30 − 8,40 − 9 = 12,60 € (10,60 + 2).
    r = _r(cd, "base", acte="G", frais_reels="30", parcours="hors", date="2025-06-01")
    assert (r.ss_brut, r.securite_sociale) == (D("10.40"), D("8.40"))
    assert _parts(r) == [D("9.00")] and r.reste_a_charge == D("12.60")
    assert (r.taux_securite_sociale, r.majoration_hors_parcours) == (70, D("10.60"))


def test_hors_parcours_le_libelle_dit_ce_qui_est_calcule():
    """Hostile test C3: the table said « 30 % × BR » and the JSON `taux_securite_sociale: "30"` while the SS paid
    8,40 € on a 30 € G (30 % × 30 − 2 would be 7,00). What was computed (docs/situations.md, G at 30 € on
    2025-06-01): 70 % × 30 = 21,00 − majoration 10,60 (12,00 capped, R322-1-1) = 10,40 − PF 2 = 8,40 €."""
    import json
    from typer.testing import CliRunner
    from simulateur.cli import app
    args = ["simuler", "cabinets-dentaires", "-f", "base", "--acte", "G", "--frais-reels", "30", "--parcours", "hors",
            "--date", "2025-06-01"]
    r = CliRunner().invoke(app, args, env={"COLUMNS": "200"})
    ligne = next(l for l in r.stdout.splitlines() if "Sécurité sociale" in l)
    assert "70 % × BR − majoration hors parcours 10,60 €, dont 2,00 € retenus" in ligne and ligne.endswith("8,40 €")
    d = json.loads(CliRunner().invoke(app, args + ["--format", "json"]).stdout)
    assert (d["taux_securite_sociale"], d["securite_sociale"], d["participation_forfaitaire"]) == ("70", "8.40", "2.00")
    r = CliRunner().invoke(app, args + ["--explique"], env={"COLUMNS": "300"})
    assert ("hors parcours de soins : taux réduit de 40 points, soit une majoration de 12,00 €, plafonnée à 10,60 € par "
            "acte — 21,00 € − 10,60 € = 10,40 €") in r.stdout


def test_hors_parcours_avant_16_ans_sans_majoration(cd):
    # Moins de 16 ans : hors du champ du parcours (L162-5-3) ; pas de PF avant 18 ans : SS 21 €, base 9 €.
    r = _r(cd, "base", acte="G", frais_reels="30", parcours="hors", age=10, date="2025-06-01")
    assert (r.securite_sociale, _parts(r), r.reste_a_charge) == (D("21.00"), [D("9.00")], D("0.00"))


def test_hors_parcours_sans_effet_chez_le_dentiste(cd):
    # Le parcours ne concerne que les médecins : consultation dentaire 23 € à 60 % = 13,80 €.
    r = _r(cd, "base", nature="dentaire-soins", br="23", frais_reels="23", parcours="hors", date="2025-06-01")
    assert r.securite_sociale == D("13.80") and r.taux_securite_sociale == 60


def test_hors_parcours_specialiste_depassement_autorise_non_rembourse(cd):
    # Spécialiste secteur 1 hors parcours avec dépassement autorisé (DA) : 37 €, BR 26,50 €, 01/06/2024
    # (barème ameli repris par snmr.org). SS 7,95 − 2 = 5,95. Option 3 DPTM « + 200 % BR » = 53 € mais
    # contrat responsable : ni la majoration (10,60) ni le DA (10,50) → base 7,95, option 0.
    # Reste à charge 37 − 5,95 − 7,95 = 23,10 € (= 2 + 10,60 + 10,50).
    r = _r(cd, "option-3", nature="consultation-specialiste", br="26.50", frais_reels="37", parcours="hors", dptm=True,
           date="2024-06-01")
    assert (r.securite_sociale, _parts(r), r.reste_a_charge) == (D("5.95"), [D("7.95"), D("0.00")], D("23.10"))


def test_hors_parcours_contrat_non_responsable_peut_payer_la_majoration(tmp_path):
    # Le même contrat déclaré non responsable : « 100 % BR » SS incluse = 26,50 − 7,95 = 18,55 € (la
    # majoration est payée : aucune règle ne l'interdit hors contrat responsable).
    texte = (RACINE / "contrats" / "cabinets-dentaires.yaml").read_text(encoding="utf-8")
    f = tmp_path / "non-responsable.yaml"
    f.write_text(texte.replace("  responsable: true\n", "  responsable: false\n", 1), encoding="utf-8")
    r = _r(charger_contrat(str(f)), "base", nature="consultation-generaliste", br="26.50", frais_reels="26.50",
           parcours="hors", date="2024-06-01", dptm=True)
    assert (r.securite_sociale, _parts(r), r.reste_a_charge) == (D("5.95"), [D("18.55")], D("2.00"))


def test_ald_et_hors_parcours(cd):
    # ALD : 100 % ; la majoration s'applique aussi (R322-1-1) : 100 − 40 = 60 % → 18 ; majoration 12 plafonnée
    # à 10,60 → 30 − 10,60 = 19,40 − PF 2 = 17,40. Base au taux normal (100 %) : 30 − 30 = 0.
    r = _r(cd, "base", acte="G", frais_reels="30", parcours="hors", ald=True, date="2025-06-01")
    assert (r.securite_sociale, _parts(r), r.reste_a_charge) == (D("17.40"), [D("0.00")], D("12.60"))


# ------------------------------------------------------------------ maternité, ALD, AT/MP, CSS

def test_ald_cent_pour_cent_mais_participation_due(cd):
    # Généraliste 30 € en lien avec l'ALD, 01/06/2025 : 100 % × 30 − 2 € = 28 € ; base 0 ; reste 2 € (PF).
    r = _r(cd, "base", acte="G", frais_reels="30", ald=True, date="2025-06-01")
    assert (r.securite_sociale, r.participation_forfaitaire, _parts(r), r.reste_a_charge) == \
        (D("28.00"), D("2.00"), [D("0.00")], D("2.00"))


def test_at_mp_cent_pour_cent_participation_due(cd):
    # AT/MP : 100 % du tarif de responsabilité (L431-1) ; PF due (choix de parametres/situations.yaml) : 28 €.
    r = _r(cd, "base", acte="G", frais_reels="30", at_mp=True, date="2025-06-01")
    assert (r.securite_sociale, r.participation_forfaitaire) == (D("28.00"), D("2.00"))


@pytest.mark.parametrize("situation, ss, base", [
    # Forfait journalier 20 € (01/06/2025) : dû en ALD (L174-4) → la base « 100 % FR limité au forfait » le paie ;
    # pris en charge par la SS en maternité (ameli, 6e mois → J+12) et en AT/MP (L174-4) ; la CSS le paie en tant
    # que complémentaire, pas la SS.
    ({}, "0.00", "20.00"),
    ({"ald": True}, "0.00", "20.00"),
    ({"maternite": True}, "20.00", "0.00"),
    ({"at_mp": True}, "20.00", "0.00"),
    ({"css": True}, "0.00", "20.00"),
])
def test_forfait_journalier_selon_la_situation(cd, situation, ss, base):
    r = _r(cd, "base", nature="forfait-journalier", frais_reels="20", date="2025-06-01", **situation)
    assert (r.securite_sociale, _parts(r), r.reste_a_charge) == (D(ss), [D(base)], D("0.00"))


def test_maternite_sans_forfait_actes_lourds(cd):
    # Exemple-type H3 (séjour de cataracte 835,60 €) : 100 % − 24 € = 811,60 € ; en maternité, pas de
    # participation actes lourds : 835,60 €.
    r = _r(cd, "base", nature="hospitalisation-sejour", br="835.60", frais_reels="835.60", acte_lourd=True,
           date="2025-01-01")
    assert r.securite_sociale == D("811.60")
    r = _r(cd, "base", nature="hospitalisation-sejour", br="835.60", frais_reels="835.60", acte_lourd=True,
           maternite=True, date="2025-01-01")
    assert r.securite_sociale == D("835.60")


def test_forfait_patient_urgences_minore_en_ald(cd):
    # FPU 19,61 € (2025), minoré 8,49 € en ALD (arrêté du 17/12/2021) : la base « 100 % FR limité au forfait
    # réglementaire » paie 8,49 € au plus ; en maternité, FPU non dû : la SS le prend en charge (19,61 €).
    r = _r(cd, "base", nature="forfait-patient-urgences", frais_reels="19.61", ald=True, date="2025-06-01")
    assert (r.securite_sociale, _parts(r)) == (D("0.00"), [D("8.49")])
    r = _r(cd, "base", nature="forfait-patient-urgences", frais_reels="19.61", maternite=True, date="2025-06-01")
    assert (r.securite_sociale, _parts(r)) == (D("19.61"), [D("0.00")])


def test_css_ni_participation_ni_franchise(cd):
    # CSS : ni PF ni franchise (DREES, fiche « Forfaits CSS »). G 30 € : 21 € ; base 9 € ; reste 0.
    r = _r(cd, "base", acte="G", frais_reels="30", css=True, date="2025-06-01")
    assert (r.securite_sociale, r.participation_forfaitaire, _parts(r), r.reste_a_charge) == \
        (D("21.00"), D("0.00"), [D("9.00")], D("0.00"))
    # Médicament à 65 % (SMR important), 10 €, 1 boîte : 6,50 € ; franchise 1 € hors CSS, aucune en CSS.
    sans = _r(cd, "base", nature="medicaments", smr="important", br="10", frais_reels="10", date="2025-06-01")
    avec = _r(cd, "base", nature="medicaments", smr="important", br="10", frais_reels="10", css=True, date="2025-06-01")
    assert (sans.securite_sociale, sans.reste_a_charge) == (D("5.50"), D("1.00"))
    assert (avec.securite_sociale, avec.reste_a_charge) == (D("6.50"), D("0.00"))


def test_css_depassement_signale(cd):
    # Dépassement facturé à un bénéficiaire de la CSS (interdit aux médecins sauf exigence particulière) : le
    # calcul se fait, et l'hypothèse le signale (51,50 − 31,50 = 20 €).
    r = _r(cd, "base", acte="CS+MPC+MCS", frais_reels="51.50", css=True, dptm=True, date="2025-06-01")
    h = [x for x in r.hypotheses if x.raison == "css.depassement"]
    assert len(h) == 1 and h[0].valeur == D("20.00")


@pytest.mark.parametrize("formule, frais, paye, reste, fin", [
    # cabinets-dentaires, G (BR 30), DPTM, 2025-06-01, CSS: SS 70 % × 30 = 21,00 (no PF with the CSS, art. L160-15
    # CSS); Base 100 % BR pays the TM 9,00; the overrun is FR − 30.
    # Base alone: nothing above the BR → the 20,00 € overrun stays with the patient (RAC 20,00).
    ("base", "50", "0.00", "20.00", " ; il reste à sa charge"),
    # Option 2 (+ 100 % BR = 30,00 above the base, AG2R « Résumé de garanties », Option 2): pays the 20,00 € overrun
    # whole (RAC 0) — the assumption used to say « il reste à sa charge » (hostile test C2).
    ("option-2", "50", "20.00", "0.00", " ; s'il est facturé, le contrat le paie ici en entier (20,00 €)"),
    # FR 80: overrun 50,00, Option 2 pays 30,00 of it, 20,00 stay with the patient (RAC 80 − 21 − 9 − 30 = 20,00).
    ("option-2", "80", "30.00", "20.00", " ; s'il est facturé, le contrat en paie ici 30,00 € et 20,00 € restent à sa charge"),
])
def test_css_depassement_suit_le_resultat(cd, formule, frais, paye, reste, fin):
    from simulateur.rendu.hypotheses import phrase
    r = _r(cd, formule, nature="consultation-generaliste", br="30", frais_reels=frais, css=True, dptm=True, date="2025-06-01")
    assert r.reste_a_charge == D(reste)
    h = [x for x in r.hypotheses if x.raison == "css.depassement"][0]
    assert (h.details["paye"], h.details["reste"]) == (D(paye), D(reste))
    assert phrase(h).endswith(fin)


@pytest.mark.parametrize("situation, pf, texte", [
    # no situation: PF 2,00 € withheld (décret 2024-113, since 2024-05-15) → « dues »
    ({}, "2.00", "âge non précisé : adulte (18 ans ou plus, participation forfaitaire et franchises dues)"),
    # CSS, maternité: neither PF nor franchise (situations.yaml, exoneration.css / exoneration.maternite) → not « dues »
    ({"css": True}, "0.00", "âge non précisé : adulte (18 ans ou plus ; ici ni participation forfaitaire ni franchise "
                            "retenue pour un bénéficiaire de la complémentaire santé solidaire)"),
    ({"maternite": True}, "0.00", "âge non précisé : adulte (18 ans ou plus ; ici ni participation forfaitaire ni "
                                  "franchise retenue en période de maternité)"),
    # CSS with ALD, maternité with AT/MP or ALD: only the situation that exempts is named — ALD and AT/MP leave
    # PF and franchises due (situations.yaml: exoneration.ald.* = 0, art. L160-13 II CSS; exoneration.at_mp.* = 0);
    # the PF is 0,00 because of the CSS or the maternité (hostile test n° 2, item 7)
    ({"css": True, "ald": True}, "0.00", "âge non précisé : adulte (18 ans ou plus ; ici ni participation forfaitaire "
                                         "ni franchise retenue pour un bénéficiaire de la complémentaire santé solidaire)"),
    ({"maternite": True, "at_mp": True}, "0.00", "âge non précisé : adulte (18 ans ou plus ; ici ni participation "
                                                 "forfaitaire ni franchise retenue en période de maternité)"),
    ({"maternite": True, "ald": True}, "0.00", "âge non précisé : adulte (18 ans ou plus ; ici ni participation "
                                               "forfaitaire ni franchise retenue en période de maternité)"),
    # maternité and CSS both exempt: both named
    ({"maternite": True, "css": True}, "0.00", "âge non précisé : adulte (18 ans ou plus ; ici ni participation "
                                               "forfaitaire ni franchise retenue en période de maternité et pour un "
                                               "bénéficiaire de la complémentaire santé solidaire)"),
    # ALD alone: PF 2,00 € withheld (exoneration.ald.participation_forfaitaire = 0) → « dues »
    ({"ald": True}, "2.00", "âge non précisé : adulte (18 ans ou plus, participation forfaitaire et franchises dues)"),
])
def test_hypothese_adulte_suit_la_participation_retenue(cd, situation, pf, texte):
    """The adult assumption said « participation forfaitaire et franchises dues » with --css or --maternite
    while the PF was 0,00 (hostile test C2): it now says what the result withheld."""
    from simulateur.rendu.hypotheses import phrase
    r = _r(cd, "option-2", nature="consultation-generaliste", br="30", frais_reels="30", dptm=True, date="2025-06-01",
           **situation)
    assert r.participation_forfaitaire == D(pf)
    assert [phrase(h) for h in r.hypotheses if h.raison == "age.adulte"] == [texte]


def test_situations_sont_des_parametres_dates_et_sources():
    p = charger_parametres()
    import datetime as dt
    d = dt.date(2025, 6, 1)
    assert p.valeur("situation.hors_parcours.majoration", d).valeur == 40
    assert p.valeur("situation.hors_parcours.plafond_majoration", d).valeur == D("10.60")
    for s in ("maternite", "ald", "at_mp"):
        assert p.valeur(f"situation.{s}.taux", d).valeur == 100
    attendu = {("maternite", "participation_forfaitaire"): 1, ("ald", "participation_forfaitaire"): 0,
               ("css", "franchises"): 1, ("at_mp", "franchises"): 0, ("at_mp", "forfait_journalier"): 1,
               ("ald", "forfait_journalier"): 0}
    for (s, quoi), v in attendu.items():
        assert p.valeur(f"exoneration.{s}.{quoi}", d).valeur == v
        assert p.unite(f"exoneration.{s}.{quoi}") == "booleen"


def test_unite_booleen_refuse_autre_chose_que_0_ou_1(tmp_path):
    from simulateur.parametres import ErreurParametres, lire_parametres
    (tmp_path / "p.yaml").write_text(
        'x.y:\n  description: test\n  unite: booleen\n  valeurs:\n    - depuis: 2020-01-01\n      valeur: "2"\n'
        '      reference: r\n      source: s\n', encoding="utf-8")
    with pytest.raises(ErreurParametres, match="booleen"):
        lire_parametres(tmp_path)
