"""The command line as scripts see it: goldens of whole outputs, messages and exit codes."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from simulateur.cli import app

GOLDENS = Path(__file__).parent / "goldens"
CASSES = Path(__file__).parent / "contrats_casses"
runner = CliRunner()

# docs/calcul.md §6: the worked example (cabinets-dentaires, Base + Option 2, specialist DPTM)
EXEMPLE = ["simuler", "cabinets-dentaires", "--formule", "option-2", "--nature", "consultation-specialiste",
           "--br", "31,50", "--frais-reels", "80", "--date", "2025-06-01", "--dptm"]


def lancer(*args):
    return runner.invoke(app, list(args), env={"COLUMNS": "100", "NO_COLOR": "1", "TERM": "dumb"})


def golden(nom: str, texte: str):
    """The output must equal the golden file; `SIMULATEUR_GOLDEN=maj` rewrites it (check the diff before committing).
    A missing golden file fails: a test that writes its own expectation cannot fail."""
    chemin = GOLDENS / nom
    if os.environ.get("SIMULATEUR_GOLDEN") == "maj":
        chemin.write_text(texte, encoding="utf-8")
    assert chemin.exists(), f"fichier de référence absent : {chemin} (SIMULATEUR_GOLDEN=maj le crée ; vérifiez-le avant de le committer)"
    assert texte == chemin.read_text(encoding="utf-8"), f"sortie différente de {chemin} (SIMULATEUR_GOLDEN=maj pour la régénérer après vérification)"


def test_exemple_calcul_json():
    r = lancer(*EXEMPLE, "--format", "json")
    assert r.exit_code == 0, r.stderr
    d = json.loads(r.stdout)
    # docs/calcul.md §6, computed by hand there: SS 20,05 ; base 9,45 ; option 47,25 ; RAC 3,25
    assert d["securite_sociale"] == "20.05"
    assert d["participation_forfaitaire"] == "2.00"
    assert [(p["niveau"], p["montant"], p["garantie"]) for p in d["parts"]] == [("base", "9.45", "100 % BR"), ("option", "47.25", "+ 150 % BR")]
    assert d["total_rembourse"] == "76.75" and d["reste_a_charge"] == "3.25"
    assert d["taux_securite_sociale"] == "70" and d["base_remboursement"] == "31.50" and d["frais_reels"] == "80.00"
    golden("simuler-exemple.json", r.stdout)


def test_exemple_calcul_table():
    r = lancer(*EXEMPLE)
    assert r.exit_code == 0
    assert "20,05 €" in r.stdout and "9,45 €" in r.stdout and "47,25 €" in r.stdout and "3,25 €" in r.stdout
    golden("simuler-exemple.txt", r.stdout)


def test_explique_cite_la_ligne_et_le_parametre():
    r = lancer(*EXEMPLE, "--explique")
    assert r.exit_code == 0
    assert "contrats/cabinets-dentaires.yaml:" in r.stdout
    assert "participation_forfaitaire.montant = 2" in r.stdout
    assert "limité par" in r.stdout
    r = lancer(*EXEMPLE, "--explique", "--format", "json")
    d = json.loads(r.stdout)
    assert d["explication"][0]["payeur"] == "Sécurité sociale"
    assert any(p["nom"] == "taux_ss.general.medecins" for p in d["explication"][0]["parametres"])


def test_montant_francais_avec_milliers():
    # cabinets-dentaires, hospitalisation, frais de séjour Base 100 % BR: BR 3 541 €, FR 3 541 €, SS 80 % = 2 832,80, base 708,20
    r = lancer("simuler", "cabinets-dentaires", "-f", "base", "-n", "hospitalisation-sejour", "--br", "3541",
               "--frais-reels", "3 541,00 €", "--date", "2025-03-01")
    assert r.exit_code == 0, r.stderr
    assert "2\u202f832,80 €" in r.stdout and "708,20 €" in r.stdout


def test_contrats_json():
    r = lancer("contrats", "--format", "json")
    assert r.exit_code == 0
    d = {c["id"]: c for c in json.loads(r.stdout)}
    assert d["cabinets-dentaires"]["formules"] == ["base", "option-1", "option-2", "option-3"]


def test_contrat_table():
    r = lancer("contrat", "cabinets-dentaires")
    assert r.exit_code == 0
    assert "Option 3" in r.stdout and "optique-equipement" in r.stdout
    golden("contrat-cabinets-dentaires.txt", r.stdout)
    d = json.loads(lancer("contrat", "cabinets-dentaires", "--format", "json").stdout)
    # Résumé de garanties AG2R (cabinets dentaires), Optique classe B: "forfait de 200 € dont au
    # maximum 100 € pour la monture", + 65 €, + 150 €, + 220 €
    classe_b = next(l for l in d["garanties"] if "optique-equipement" in l["natures"] and l["si"].get("panier") == "libre")
    assert classe_b["cellules"] == {"base": "forfait de 200 € dont au maximum 100 € pour la monture",
                                    "option-1": "+ 65 €", "option-2": "+ 150 €", "option-3": "+ 220 €"}


def test_natures():
    r = lancer("natures", "--format", "json")
    codes = [n["code"] for n in json.loads(r.stdout)]
    for code in ("consultation-generaliste", "optique-equipement", "aide-auditive", "apres-cancer-bilan", "maternite"):
        assert code in codes


@pytest.mark.parametrize("texte, code", [("lunettes", "optique-equipement"), ("Paire de lunettes", "optique-equipement"),
                                         ("kiné", "auxiliaires-medicaux"), ("Ostéopathe", "medecine-douce"), ("IRM", "imagerie"),
                                         ("appareil auditif", "aide-auditive"), ("spécialiste", "consultation-specialiste")])
def test_natures_par_leur_nom_courant(texte, code):
    """What patients call a nature (`domaine.natures.SYNONYMES`): `-n lunettes` found nothing. The same
    resolution for `--nature`, a batch cell and `natures TEXTE`."""
    from simulateur.domaine.natures import resoudre
    assert resoudre(texte).code == code
    r = lancer("natures", texte, "--format", "json")
    assert r.exit_code == 0 and json.loads(r.stdout)[0]["code"] == code


@pytest.mark.parametrize("args, mots", [
    (["simuler", "inconnu", "-f", "base", "-n", "biologie", "--br", "10", "--frais-reels", "10"], ["contrat inconnu", "inconnu"]),
    (["simuler", "cabinets-dentair", "-f", "base", "-n", "biologie", "--br", "10", "--frais-reels", "10"], ["cabinets-dentaires"]),
    (["simuler", "cabinets-dentaires", "-f", "option-9", "-n", "biologie", "--br", "10", "--frais-reels", "10"], ["formule inconnue", "option-9"]),
    (["simuler", "cabinets-dentaires", "-f", "base", "-n", "consultation-generalist", "--br", "30", "--frais-reels", "30"],
     ["nature inconnue", "consultation-generaliste"]),
    (["simuler", "cabinets-dentaires", "-f", "base", "-n", "biologie", "--br", "-10", "--frais-reels", "10"], ["négatif"]),
    (["simuler", "cabinets-dentaires", "-f", "base", "-n", "biologie", "--br", "dix", "--frais-reels", "10"], ["n'est pas un montant"]),
    (["simuler", "cabinets-dentaires", "-f", "base", "-n", "biologie", "--br", "10", "--frais-reels", "10", "--date", "2025-02-30"],
     ["impossible"]),
    # DPTM or not changes the option's amount (+ 100 % BR or + 80 % BR, frais réels 80 €): it is asked for
    (["simuler", "cabinets-dentaires", "-f", "option-1", "-n", "consultation-generaliste", "--br", "30", "--frais-reels", "80",
      "--date", "2025-06-01"], ["DPTM", "--dptm"]),
    (["simuler", "cabinets-dentaires", "-f", "base", "-n", "dentaire-prothese", "--br", "120", "--frais-reels", "500",
      "--date", "2025-06-01"], ["panier"]),
    (["simuler", "cabinets-dentaires", "-f", "base", "-n", "biologie", "--br", "10", "--frais-reels", "10", "--date", "2017-01-01"],
     ["taux_ss.general.biologie"]),
])
def test_erreurs(args, mots):
    r = lancer(*args)
    assert r.exit_code == 2, (r.exit_code, r.stdout, r.stderr)
    assert "Traceback" not in r.stderr and r.stdout == ""
    for mot in mots:
        assert mot in r.stderr, r.stderr


def test_contrat_syntaxe(tmp_path):
    f = tmp_path / "casse.yaml"
    f.write_text("contrat:\n  id: x\n  nom: [oups\n", encoding="utf-8")
    r = lancer("simuler", str(f), "-f", "base", "-n", "biologie", "--br", "10", "--frais-reels", "10")
    assert r.exit_code == 2
    assert f"{f}:" in r.stderr and "syntaxe YAML" in r.stderr and "Traceback" not in r.stderr


def test_contrat_cle_inconnue(tmp_path):
    source = (Path(__file__).parent.parent / "contrats" / "cabinets-dentaires.yaml").read_text(encoding="utf-8")
    f = tmp_path / "cle.yaml"
    f.write_text(source.replace("  responsable:", "  responsabel: true\n  responsable:", 1), encoding="utf-8")
    r = lancer("simuler", str(f), "-f", "base", "-n", "biologie", "--br", "10", "--frais-reels", "10")
    assert r.exit_code == 2
    assert "clé inconnue « responsabel »" in r.stderr and "responsable" in r.stderr
    ligne = next(i for i, l in enumerate(f.read_text().splitlines(), 1) if "responsabel" in l)
    assert f"{f}:{ligne}:" in r.stderr


def test_docs_table_des_champs_a_jour():
    """docs/interface.md holds the table of the act's fields as the code makes it (one declaration, CHAMPS)."""
    from simulateur.domaine.champs import table_markdown
    texte = (Path(__file__).parent.parent / "docs" / "interface.md").read_text(encoding="utf-8")
    assert table_markdown() in texte, "python -m simulateur.domaine.champs docs/interface.md met la table à jour"


def test_options_colonnes_et_mots_cles_viennent_de_la_table():
    """Every field of CHAMPS is an option of simuler and comparer, a keyword of creer_acte and a key of the JSON echo."""
    from simulateur.domaine.champs import CHAMPS
    aide_s, aide_c = lancer("simuler", "--help").stdout, lancer("comparer", "--help").stdout
    r = json.loads(lancer(*EXEMPLE, "--format", "json").stdout)
    for c in CHAMPS:
        assert c.option in aide_s and c.option in aide_c, c.nom
        assert c.nom in r["acte"], c.nom


@pytest.mark.parametrize("contrat, formule, nature", [
    ("cabinets-dentaires", "option-2", "consultation-specialiste"),       # no waiting period (no delai_de_stage)
    ("carcept-evolution-sante", "f250", "hospitalisation-honoraires"),   # a waiting period (delai_de_stage, art. 5)
])
def test_soins_avant_adhesion_refuses_pour_tout_contrat(contrat, formule, nature):
    """Care dated before the adhesion: one rule for every contract, with or without a waiting period
    (docs/format-contrat.md « Délai de stage » : « une erreur ») — before, cabinets-dentaires paid 9,00 €
    silently (hostile test A3). Exit 2 with the same message; in a batch, the row's error, and the row
    after the adhesion is computed: BR 30, DPTM specialist, 2026-06-01: SS 70 % × 30 = 21 − PF 2 = 19,00."""
    attendu = (f"soins du 2025-06-01 antérieurs à la date d'adhésion 2026-01-01 : le contrat {contrat} ne les couvre pas "
               "(aucun contrat ne couvre des soins d'avant l'adhésion) ; vérifiez la date des soins et ")
    r = lancer("simuler", contrat, "-f", formule, "-n", nature, "--br", "30", "--frais-reels", "30", "--dptm",
               "--date", "2025-06-01", "--date-adhesion", "2026-01-01")
    assert r.exit_code == 2 and r.stdout == "" and r.stderr == f"erreur : {attendu}--date-adhesion\n"
    entree = ("beneficiaire,date,nature,br,frais_reels,dptm,date_adhesion\n"
              f"a,2025-06-01,{nature},30,30,oui,2026-01-01\na,2026-06-01,{nature},30,30,oui,2026-01-01\n")
    r = runner.invoke(app, ["lot", "-", "-c", contrat, "-f", formule, "-s", "--format", "json"], input=entree)
    assert r.exit_code == 1
    lignes = json.loads(r.stdout)
    assert lignes[0]["erreur"] == f"ligne 2 : {attendu}la colonne date_adhesion"
    if nature == "consultation-specialiste":
        assert lignes[1]["erreur"] in ("", None) and lignes[1]["securite_sociale"] == "19.00"


def test_pharmacie_reste_ambigue():
    """« pharmacie » names several natures (pharmacie-non-remboursee, fournitures-medicales…): refused, never read
    as one of them silently."""
    from simulateur.domaine.erreurs import ActeInvalide
    from simulateur.domaine.natures import resoudre
    with pytest.raises(ActeInvalide, match="ambiguë"):
        resoudre("pharmacie")
    assert resoudre("analyse").code == resoudre("analyses").code == "biologie"
