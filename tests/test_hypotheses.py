"""Every assumption shown, inputs asked for only when the result depends on them, the JSON echo that
replays a result, parameters carried forward past their last published value, and the horizon."""
from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from typer.testing import CliRunner

from simulateur.cli import app
from simulateur.contrat.depot import charger_contrat
from simulateur.domaine.acte import acte_en_dict, creer_acte
from simulateur.domaine.champs import PAR_NOM
from simulateur.domaine.erreurs import ActeInvalide
from simulateur.moteur.calcul import simuler
from simulateur.parametres import ReconductionRefusee, charger_parametres

D = Decimal
runner = CliRunner()


def lancer(*args):
    return runner.invoke(app, list(args), env={"COLUMNS": "100", "NO_COLOR": "1", "TERM": "dumb"})


@pytest.fixture(scope="module")
def cd():
    return charger_contrat("cabinets-dentaires")


def raisons(r) -> dict:
    return {h.raison: h for h in r.hypotheses}


# ------------------------------------------------------------------ the assumptions of a result

def test_hypotheses_d_un_acte_donne_par_son_code(cd):
    # G le 01/06/2025 (catalogue : 30 € depuis le 22/12/2024, convention médicale 2024-2029) ; ni DPTM, ni âge,
    # ni parcours, ni régime, ni situation donnés. Frais réels = BR : les lignes DPTM et non DPTM de la base
    # (« 100 % BR » toutes deux) donnent 9 € : le statut n'est pas demandé.
    r = simuler(cd, "base", creer_acte(acte="G", frais_reels="30", date="2025-06-01"))
    h = raisons(r)
    assert (r.base_remboursement, r.securite_sociale) == (D("30.00"), D("19.00"))
    assert h["catalogue.br"].valeur == D("30.00") and h["catalogue.br"].details["depuis"] == dt.date(2024, 12, 22)
    assert "ameli.fr" in h["catalogue.br"].details["source"]
    assert h["catalogue.nature"].valeur == "consultation-generaliste"
    assert h["entree.non_necessaire"].champ == "dptm" and h["entree.non_necessaire"].details["essais"] == (True, False)
    for cle in ("age.adulte", "parcours.dans", "regime.general", "situation.ordinaire"):
        assert cle in h
    assert "date.aujourdhui" not in h                     # the date was given


def test_date_du_jour_supposee(cd):
    r = simuler(cd, "base", creer_acte(nature="biologie", br="10", frais_reels="10"))
    h = raisons(r)["date.aujourdhui"]
    assert h.valeur == dt.date.today() == r.date


def test_pas_d_hypothese_pour_ce_qui_est_donne(cd):
    r = simuler(cd, "base", creer_acte(nature="consultation-generaliste", br="30", frais_reels="30", date="2025-06-01",
                                       dptm=True, age=40, parcours="dans", regime="general", maternite=False, ald=False,
                                       css=False, at_mp=False))
    assert r.hypotheses == []


def test_hypotheses_en_json_et_sous_la_table():
    args = ["simuler", "cabinets-dentaires", "-f", "base", "--acte", "G", "--frais-reels", "30", "--date", "2025-06-01"]
    r = lancer(*args, "--format", "json")
    assert r.exit_code == 0, r.stderr
    d = json.loads(r.stdout)
    assert (d["base_remboursement"], d["securite_sociale"]) == ("30.00", "19.00")
    par_raison = {h["raison"]: h for h in d["hypotheses"]}
    assert par_raison["catalogue.br"]["valeur"] == "30.00" and par_raison["catalogue.br"]["depuis"] == "2024-12-22"
    assert par_raison["catalogue.br"]["code"] == "G" and "ameli.fr" in par_raison["catalogue.br"]["source"]
    assert par_raison["entree.non_necessaire"]["essais"] == [True, False]
    assert all(h["texte"] for h in d["hypotheses"])
    t = lancer(*args)
    assert t.exit_code == 0 and "Hypothèses" in t.stdout
    assert "base de remboursement 30,00 €, d'après le catalogue des actes" in t.stdout
    assert "âge non précisé : adulte" in t.stdout and "statut DPTM non précisé : sans effet ici" in t.stdout


# ------------------------------------------------------------------ inputs that do not change the result

def test_monture_inutile_quand_le_resultat_n_en_depend_pas(cd):
    # Équipement de classe B 60 € (BR 3 × 0,05 = 0,15 € ; SS 0,09 €), verres simples, base « forfait de 200 € dont
    # au maximum 100 € pour la monture » : monture 0 € → verres 60 € couverts ; monture 60 € → min(60, 100) = 60 €.
    # Dans les deux cas 60 − 0,09 = 59,91 € : la monture n'est pas demandée.
    r = simuler(cd, "base", creer_acte(acte="LPP-EQUIPEMENT-B-ADULTE", frais_reels="60", verres="simple+simple",
                                       date="2025-06-01", age=40))
    assert (r.securite_sociale, r.parts[0].montant, r.reste_a_charge) == (D("0.09"), D("59.91"), D("0.00"))
    h = raisons(r)["entree.non_necessaire"]
    assert h.champ == "monture" and h.details["essais"] == (D(0), D("60.00"))
    assert r.acte.monture is None                       # the echo keeps it absent, as given


def test_monture_inutile_garantie_100_euros_securite_sociale_incluse(tmp_path):
    # L'exemple de l'issue : lunettes de classe B à 366 €, garantie « 100 € » Sécurité sociale incluse (le contrat
    # cabinets-dentaires dont la ligne classe B est remplacée). Monture 0 € : plafond responsable (366 − 0) + min(0, 100) = 366 ;
    # monture 366 € : 0 + min(366, 100) = 100. La ligne paie 100 − 0,09 = 99,91 € dans les deux cas (le plafond de
    # 100 € de la monture ne peut pas la limiter) : la monture n'est pas demandée. Reste 366 − 0,09 − 99,91 = 266.
    from pathlib import Path
    texte = (Path(__file__).resolve().parent.parent / "contrats" / "cabinets-dentaires.yaml").read_text(encoding="utf-8")
    ancien = 'base: "forfait de 200 € dont au maximum 100 € pour la monture"'
    assert ancien in texte
    f = tmp_path / "cent-euros.yaml"
    f.write_text(texte.replace(ancien, 'base: "100 €"'), encoding="utf-8")
    r = simuler(charger_contrat(str(f)), "base", creer_acte(nature="optique-equipement", panier="libre", br="0,15",
                                                           frais_reels="366", verres="simple+simple", age=40,
                                                           date="2025-06-01"))
    assert (r.securite_sociale, r.parts[0].montant, r.reste_a_charge) == (D("0.09"), D("99.91"), D("266.00"))
    assert raisons(r)["entree.non_necessaire"].champ == "monture"


def test_monture_demandee_quand_le_resultat_en_depend(cd):
    # 366 € (exemple-type O3) : monture 0 € → forfait 200 € ; monture 366 € → 100 € au plus : résultats
    # différents, la monture est demandée (et la message nomme --monture).
    with pytest.raises(ActeInvalide) as e:
        simuler(cd, "base", creer_acte(acte="LPP-EQUIPEMENT-B-ADULTE", frais_reels="366", verres="simple+simple",
                                       date="2025-06-01", age=40))
    assert e.value.champ == "monture"


def test_age_dans_la_plage_du_code(cd):
    # G+MEG (enfant de moins de 6 ans), 35 € le 01/06/2025 : l'âge n'est pas donné ; essayé à 0 et 5 ans, pas de
    # participation forfaitaire avant 18 ans dans les deux cas : SS 70 % × 35 = 24,50 € ; base 35 − 24,50 = 10,50.
    r = simuler(cd, "base", creer_acte(acte="G+MEG", frais_reels="35", date="2025-06-01"))
    assert (r.securite_sociale, r.parts[0].montant) == (D("24.50"), D("10.50"))
    essais = {h.champ: h.details["essais"] for h in r.hypotheses if h.raison == "entree.non_necessaire"}
    assert essais == {"age": (0, 5), "dptm": (True, False)}     # and DPTM or not: « 100 % BR » on both lines
    assert "age.adulte" not in raisons(r)


def test_aide_auditive_100_sante_sans_limite(cd):
    # Aide auditive classe I, adulte, 950 € le 01/06/2025 : PLV 950 € lue dans les paramètres (arrêté du 14/11/2018)
    # — plus besoin de --limite. SS 400 × 60 % = 240 ; base « RSS + 100 % des frais restant … PLV » = 950 − 240 = 710.
    r = simuler(cd, "base", creer_acte(nature="aide-auditive", panier="100-sante", br="400", frais_reels="950",
                                       age=40, date="2025-06-01", oreille="droite"))
    assert (r.securite_sociale, r.parts[0].montant, r.reste_a_charge) == (D("240.00"), D("710.00"), D("0.00"))
    h = raisons(r)["parametres.limite"]
    assert h.valeur == D("950") and h.details["nom"] == "cent_pour_cent_sante.aide_auditive.plv_adulte"


# ------------------------------------------------------------------ the JSON echo replays the result

CAS_ECHO = [
    dict(acte="G", frais_reels="30", date="2025-06-01"),
    dict(acte="HBJD001", frais_reels="43.38", date="2025-06-01"),
    dict(acte="HBLD634", dent="11", frais_reels="500", date="2025-06-01"),
    dict(acte="COURONNE-ZIRCONE", dent="46", frais_reels="440", date="2025-06-01"),
    dict(acte="LPP-AUDIO-CLASSE-I-ADULTE", frais_reels="950", age=40, date="2025-06-01"),
    dict(acte="LPP-EQUIPEMENT-B-ADULTE", frais_reels="60", verres="simple+simple", age=40, date="2025-06-01"),
    dict(acte="G+MEG", frais_reels="35", date="2025-06-01"),
    dict(acte="AMS 8,4", frais_reels="18.56", date="2025-06-01"),
    dict(nature="consultation-generaliste", br="26.50", frais_reels="26.50", parcours="hors", date="2024-06-01"),
    dict(nature="consultation-specialiste", br="23", frais_reels="60", maternite=True, dptm=False, date="2023-06-01"),
    dict(nature="aide-auditive", panier="100-sante", br="400", frais_reels="950", age=40, date="2025-06-01"),
    dict(nature="vaccins-non-rembourses", frais_reels="300", date="2027-03-01"),
    dict(nature="biologie", br="10", frais_reels="10"),               # date of today, assumed
]


def _montants(r) -> dict:
    d = r.en_dict()
    d.pop("hypotheses")
    return d


@pytest.mark.parametrize("entrees", CAS_ECHO, ids=lambda e: e.get("acte") or e["nature"])
def test_echo_rejoue_le_resultat(cd, entrees):
    r = simuler(cd, "option-2", creer_acte(**entrees))
    echo = acte_en_dict(r.acte)
    r2 = simuler(cd, "option-2", creer_acte(**echo))
    assert _montants(r2) == _montants(r)
    assert acte_en_dict(r2.acte) == echo                 # the echo of the replay is the same echo


def test_echo_rejoue_par_la_ligne_de_commande():
    """Rebuild the command from the `acte` object of the JSON output: same amounts."""
    args = ["simuler", "cabinets-dentaires", "-f", "option-2", "--format", "json"]
    d = json.loads(lancer(*args, "--acte", "HBLD491", "--dent", "15", "--frais-reels", "560",
                          "--date", "2025-06-01").stdout)
    options = []
    for nom, v in d["acte"].items():
        c = PAR_NOM[nom]
        if v is None or v is False:
            continue
        if c.type == "booleen":
            options.append(c.option)
        else:
            options += [c.option, str(v)]
    d2 = json.loads(lancer(*args, *options).stdout)
    for cle in ("base_remboursement", "securite_sociale", "parts", "total_rembourse", "reste_a_charge", "acte"):
        assert d2[cle] == d[cle], cle
    # HBLD491 (2e prémolaire, maîtrisé) : BR 120, HLF 566,50 ; SS 72 ; base 125 % BR = 150 − 72 = 78 ;
    # option 2 « + 75 % BR dans la limite des HLF » = 90 ; reste 560 − 240 = 320.
    assert [p["montant"] for p in d["parts"]] == ["78.00", "90.00"] and d["reste_a_charge"] == "320.00"


# ------------------------------------------------------------------ past the last published parameters

def test_pmss_2027_reconduit_et_signale(cd):
    # Vaccins non remboursés, option 2 « crédit annuel 2 % PMSS » : PMSS 2027 non publié → 2026 (4 005 €)
    # reconduit : 2 % × 4 005 = 80,10 €.
    r = simuler(cd, "option-2", creer_acte(nature="vaccins-non-rembourses", frais_reels="300", date="2027-03-01"))
    assert r.parts[1].montant == D("80.10")
    h = raisons(r)
    assert h["parametre.reconduit"].details["nom"] == "pmss" and h["parametre.reconduit"].valeur == D("4005")
    assert "parametres.au_dela" in h
    from simulateur.rendu.hypotheses import phrase
    assert phrase(h["parametre.reconduit"]).startswith("PMSS 2026 reconduit : valeur 2027 non publiée")


def test_strict_refuse_la_reconduction(cd):
    with pytest.raises(ReconductionRefusee, match="pmss"):
        simuler(cd, "option-2", creer_acte(nature="vaccins-non-rembourses", frais_reels="300", date="2027-03-01"),
                strict=True)
    r = lancer("simuler", "cabinets-dentaires", "-f", "option-2", "--nature", "vaccins-non-rembourses", "--frais-reels",
               "300", "--date", "2027-03-01", "--strict")
    assert r.exit_code == 2 and "strict" in r.stderr and "Traceback" not in r.stderr


def test_horizon_des_parametres(cd):
    # Paramètres publiés jusqu'au 31/12/2026 (PMSS) ; reconduits jusqu'au 31/12/2031 (5 ans) ; au-delà, refus.
    p = charger_parametres()
    assert (p.connus_jusqu_au, p.horizon) == (dt.date(2026, 12, 31), dt.date(2031, 12, 31))
    r = simuler(cd, "base", creer_acte(nature="biologie", br="10", frais_reels="10", date="2031-12-31"))
    assert "parametres.au_dela" in raisons(r)
    for date in ("2032-01-01", "2090-01-01"):
        with pytest.raises(ActeInvalide) as e:
            simuler(cd, "base", creer_acte(nature="biologie", br="10", frais_reels="10", date=date))
        assert e.value.code == "date-hors-horizon"
    r = lancer("simuler", "cabinets-dentaires", "-f", "base", "--acte", "G", "--frais-reels", "30", "--date", "2090-01-01")
    assert r.exit_code == 2 and "trop lointaine" in r.stderr and "2031-12-31" in r.stderr
    r = lancer("simuler", "cabinets-dentaires", "-f", "base", "--acte", "G", "--frais-reels", "30", "--date", "2205-01-01")
    assert r.exit_code == 2 and "hors des dates possibles" in r.stderr


def test_lot_strict_met_la_ligne_en_erreur(tmp_path):
    f = tmp_path / "a.csv"
    f.write_text("beneficiaire,date,nature,br,frais_reels\na,2027-03-01,vaccins-non-rembourses,,300\n"
                 "a,2026-03-01,vaccins-non-rembourses,,300\n", encoding="utf-8")
    ok = lancer("lot", str(f), "-c", "cabinets-dentaires", "-f", "option-2", "--format", "json", "-s")
    d = json.loads(ok.stdout)
    # 2026 : crédit 2 % × 4 005 = 80,10 € ; 2027 : PMSS 2026 reconduit, crédit d'une nouvelle année civile = 80,10 €.
    assert [x["parts"][1]["montant"] for x in d] == ["80.10", "80.10"]
    assert any(h["raison"] == "parametre.reconduit" for h in d[0]["hypotheses"])
    strict = lancer("lot", str(f), "-c", "cabinets-dentaires", "-f", "option-2", "--format", "json", "-s", "--strict")
    d = json.loads(strict.stdout)
    assert strict.exit_code == 1 and "strict" in d[0]["erreur"] and d[1]["erreur"] is None


# ------------------------------------------------------------------ « hors parcours » asked, without effect

@pytest.mark.parametrize("entrees, motif, ss_brut, debut", [
    # G 30 € at 10 years old: no majoration before 16 (situations.yaml, situation.hors_parcours.age_minimum = 16,
    # art. L162-5-3 CSS): SS 70 % × 30,00 = 21,00 (no PF under 18) — an adult would get 30,00 × 70 % − 10,60 (cap)
    ({"nature": "consultation-generaliste", "br": "30", "frais_reels": "50", "dptm": True, "age": 10}, "age", "21.00",
     "hors parcours de soins : sans effet avant 16 ans (la majoration ne s'applique qu'à partir de 16 ans"),
    # biology (rate group « biologie », not a doctor's act): 60 % × 10,00 = 6,00 (taux_ss.yaml, régime général)
    ({"nature": "biologie", "br": "10", "frais_reels": "10"}, "nature", "6.00",
     "hors parcours de soins : sans effet pour cette nature"),
    # a rate given with the act is applied as given: 50 % × 30,00 = 15,00
    ({"nature": "consultation-generaliste", "br": "30", "frais_reels": "30", "dptm": True, "taux": "50"}, "taux", "15.00",
     "hors parcours de soins : sans effet, le taux donné avec l'acte est appliqué tel quel"),
])
def test_hors_parcours_sans_effet_est_dit(cd, entrees, motif, ss_brut, debut):
    """`--parcours hors` that changes nothing by rule is stated (hostile test n° 2, item 11), as other inputs
    without effect are; with an effect (adult G), no such assumption."""
    from simulateur.rendu.hypotheses import phrase
    r = simuler(cd, "option-2", creer_acte(date="2025-06-01", parcours="hors", **entrees))
    assert r.ss_brut == D(ss_brut) and r.majoration_hors_parcours == 0
    h = raisons(r)["parcours.hors_sans_effet"]
    assert (h.champ, h.valeur, h.details["motif"]) == ("parcours", "hors", motif)
    assert phrase(h).startswith(debut)
    # adult G 30 €: 21,00 − majoration min(21,00 − 30 % × 30,00 = 12,00 ; cap 10,60) = 10,40 (R322-1-1)
    adulte = simuler(cd, "option-2", creer_acte(nature="consultation-generaliste", br="30", frais_reels="30", dptm=True,
                                                 date="2025-06-01", parcours="hors"))
    assert adulte.ss_brut == D("10.40") and "parcours.hors_sans_effet" not in raisons(adulte)


def test_acte_lourd_non_precise_dit_quand_le_tarif_atteint_le_seuil(cd):
    """An act of tariff ≥ 120 € (forfait_actes_lourds.seuil) without --acte-lourd: the ticket modérateur is
    applied and the assumption says the forfait « actes lourds » may apply instead. Cataract surgery, BR
    835,60 € (APRIL 2025 examples: « Sécu 811,60 € »): at the hospital, 80 % × 835,60 = 668,48 €; said to be
    an acte lourd, 100 % − 24 € = 811,60 €. In town (actes techniques): 70 % × 835,60 = 584,92 € less the
    participation forfaitaire of 2 € (2025) = 582,92 €."""
    def faire(nature="hospitalisation-honoraires", **kw):
        a = creer_acte(nature=nature, br="835.60", frais_reels="835.60", date="2025-06-01", **kw)
        r = simuler(cd, "option-2", a)
        return r.securite_sociale, [h for h in r.hypotheses if h.champ == "acte_lourd"]
    ss, hyps = faire()
    assert ss == Decimal("668.48") and [(h.raison, h.details["seuil"]) for h in hyps] == [("acte_lourd.non_precise", 120)]
    ss, hyps = faire(acte_lourd=True)
    assert ss == Decimal("811.60") and hyps == []
    ss, hyps = faire("actes-techniques")
    assert ss == Decimal("582.92") and len(hyps) == 1
    assert faire(ald=True)[1] == []                  # ALD: 100 % either way
    a = creer_acte(nature="actes-techniques", br="119.99", frais_reels="150", date="2025-06-01")
    assert [h for h in simuler(cd, "option-2", a).hypotheses if h.champ == "acte_lourd"] == []
    a = creer_acte(nature="actes-techniques", br="240", quantite=2, frais_reels="240", date="2025-06-01")
    assert [h for h in simuler(cd, "option-2", a).hypotheses if h.champ == "acte_lourd"] != []   # 120 € per act


def test_cent_pour_cent_sante_non_couvert_par_une_formule_responsable():
    """production-agricole « socle » is declared responsable but its table predates the 100 % Santé (its
    `exceptions_responsable`): a class I hearing aid at its PLV of 950 € (arrêté du 14/11/2018), BR 400 €,
    SS 60 % = 240 €, socle « 100 % BR » = 160 € → 550 € left, which a responsable contract must pay (R871-2
    CSS): the result says so. cabinets-dentaires « base » pays 950 − 240 = 710 €: nothing to say. Billed above
    the PLV (1 000 €), the overrun is not the contract's: nothing to say either."""
    def faire(contrat, formule, fr="950"):
        a = creer_acte(nature="aide-auditive", br="400", frais_reels=fr, panier="100-sante", date="2025-06-01", age=60,
                       oreille="droite")
        r = simuler(charger_contrat(contrat), formule, a)
        return r.reste_a_charge, [h for h in r.hypotheses if h.raison == "responsable.cent_pour_cent_sante"]
    rac, hyps = faire("production-agricole", "socle")
    assert rac == Decimal("550.00") and [(h.details["reste"], h.details["limite"]) for h in hyps] == [
        (Decimal("550.00"), Decimal("950"))]
    assert faire("cabinets-dentaires", "base") == (Decimal("0.00"), [])
    assert faire("production-agricole", "socle", fr="1000")[1] == []


def test_cent_pour_cent_sante_pas_d_avertissement_quand_le_renouvellement_refuse():
    """A second class I hearing aid for the same ear within 4 years (R871-2 CSS: one every 4 years): the contract
    owes nothing — 950 − 240 (SS) = 710 € left — and that is not a 100 % Santé gap of the contract."""
    from simulateur.moteur.etat import EtatBeneficiaire
    c = charger_contrat("cabinets-dentaires")
    etat = EtatBeneficiaire()
    def aide(date):
        return creer_acte(nature="aide-auditive", br="400", frais_reels="950", panier="100-sante", date=date, age=60,
                          oreille="droite")
    r1 = simuler(c, "base", aide("2024-06-01"), etat)
    etat.appliquer(r1)
    r2 = simuler(c, "base", aide("2025-06-01"), etat)
    assert (r1.reste_a_charge, r2.reste_a_charge) == (Decimal("0.00"), Decimal("710.00"))
    assert not [h for h in r2.hypotheses if h.raison == "responsable.cent_pour_cent_sante"]
