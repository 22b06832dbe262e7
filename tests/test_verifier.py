"""`simulateur verifier`: statements (what was paid) checked against the contract, row by row (issue 15).

Every expected euro is computed by hand, in the comment beside it, from the guarantee table of the
shipped contract `cabinets-dentaires` (AG2R Prévoyance, CCN des cabinets dentaires, Base obligatoire +
Options ; the row of the table is named « … » and is the same row in contrats/cabinets-dentaires.yaml)
and from the Sécurité sociale rules: rate 70 % for doctors (art. R160-5 CSS), 65 % for medicines
(SMR majeur ou important), 100 % for orthodontics started before 16 ; participation forfaitaire 2 € per
consultation since 2024-05-15, none under 18, 50 € per year at most (art. L160-13 II CSS, décision
UNCAM du 21/03/2024) ; franchise 1 € per box since 2024-03-31 (décret 2024-114). The Base includes the
Sécurité sociale (« y compris les prestations versées par la Sécurité sociale ») ; the options are
« en complément ». Rounding: half up to the cent, once per payer.
"""
from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from simulateur import charger_contrat, creer_acte, simuler
from simulateur.cli import app
from simulateur.verification import ColonnesVersees, verifier_ligne

RACINE = Path(__file__).resolve().parent.parent
EXEMPLE = RACINE / "exemples" / "releves-famille-2025.csv"
runner = CliRunner()
CONTRAT = ["--contrat", "cabinets-dentaires"]


def verifier(tmp_path, texte: str, *args, nom="releves.csv"):
    """Runs `simulateur verifier` on `texte` (CSV output unless --format/--sortie says otherwise);
    returns (result, rows of the CSV output as dicts)."""
    f = tmp_path / nom
    f.write_text(texte, encoding="utf-8")
    options = list(args)
    if "--format" not in options and "--sortie" not in options and "-o" not in options:
        options += ["--format", "csv"]
    r = runner.invoke(app, ["verifier", str(f), *options])
    lignes = []
    if r.exit_code in (0, 1) and "csv" in options:
        premiere = r.stdout.split("\n", 1)[0]
        sep = ";" if premiere.count(";") > premiere.count(",") else ","
        lignes = list(csv.DictReader(io.StringIO(r.stdout), delimiter=sep))
    return r, lignes


def colonnes(lignes, *cles):
    return [tuple(l[c] for c in cles) for l in lignes]


ENTETE = "beneficiaire,date,nature,br,frais_reels,dptm,age,ss_verse,complementaire_verse\n"


# ------------------------------------------------------------------ conforming rows

def test_lignes_conformes_code_0(tmp_path):
    # « Généralistes — DPTM » : Base 100 % BR, Option 2 + 100 % BR. BR = FR = 30 : SS brute 30 × 70 % = 21,00.
    #   adulte : PF 2 → SS 19,00 ; Base 30 − 21 = 9,00 ; Option : reste 30 − 21 − 9 = 0 → 0 ; complémentaire 9,00.
    #   enfant de 7 ans : pas de PF → SS 21,00 ; complémentaire 9,00.
    # « Spécialistes — DPTM » : Base 100 % BR, Option 2 + 150 % BR. BR 60, FR 85 : SS brute 42 ; PF 2 → SS 40,00 ;
    #   Base 60 − 42 = 18 ; Option 150 % × 60 = 90, limité au reste 85 − 42 − 18 = 25 ; complémentaire 43,00.
    # « Médicaments non remboursés : contraception » : Base crédit 50 € par année civile, Option 2 « – » : 27 → 27.
    texte = ENTETE + ("claire,2025-01-09,consultation-generaliste,30,30,oui,42,19.00,9.00\n"
                      "tom,2025-01-14,consultation-generaliste,30,30,oui,7,21.00,9.00\n"
                      "marc,2025-04-02,consultation-specialiste,60,85,oui,44,40.00,43.00\n"
                      "claire,2025-02-11,contraception-non-remboursee,,27,,42,0,27.00\n")
    r, lignes = verifier(tmp_path, texte, *CONTRAT, "--formule", "option-2")
    assert r.exit_code == 0, r.stderr
    assert colonnes(lignes, "ss_attendu", "complementaire_attendu", "ecart_securite_sociale", "ecart_complementaire",
                    "verdict") == [("19.00", "9.00", "0.00", "0.00", "conforme"), ("21.00", "9.00", "0.00", "0.00", "conforme"),
                                   ("40.00", "43.00", "0.00", "0.00", "conforme"), ("0.00", "27.00", "0.00", "0.00", "conforme")]
    assert all(l["raison"] == "" and l["erreur"] == "" for l in lignes)
    # the lot columns are there, in lot's order, before the verification columns
    assert list(lignes[0])[9:] == ["securite_sociale", "participation_forfaitaire", "part_base", "part_option",
                                   "total_rembourse", "reste_a_charge", "erreur", "forfait_apres_cancer", "ss_attendu",
                                   "complementaire_attendu", "ecart_securite_sociale", "ecart_complementaire", "verdict",
                                   "raison"]
    assert (lignes[2]["part_base"], lignes[2]["part_option"]) == ("18.00", "25.00")
    assert "4 ligne(s) : 4 conforme(s), 0 moins-perçu, 0 trop-perçu, 0 non vérifiable(s)" in r.stderr


# ------------------------------------------------------------------ annual state

CONTRACEPTION = "beneficiaire,date,nature,br,frais_reels,age,ss_verse,complementaire_verse\n"


def test_enveloppe_consommee_par_les_lignes_precedentes_trop_percu(tmp_path):
    # « Contraception » : Base crédit 50 € par année civile (Option 2 « – »). FR 27 trois fois en 2025 :
    # 27 → 27 (reste 23) ; 27 → 23 (reste 0) ; 27 → 0. La complémentaire a payé 27, 23, puis encore 27 :
    # troisième ligne trop-perçu 27 − 0 = +27,00. Le 10/01/2026, enveloppe neuve : 27 → 27, conforme.
    texte = CONTRACEPTION + ("claire,2025-02-11,contraception-non-remboursee,,27,42,0,27\n"
                             "claire,2025-05-06,contraception-non-remboursee,,27,42,0,23\n"
                             "claire,2025-09-16,contraception-non-remboursee,,27,42,0,27\n"
                             "claire,2026-01-10,contraception-non-remboursee,,27,43,0,27\n")
    r, lignes = verifier(tmp_path, texte, *CONTRAT, "--formule", "option-2")
    assert r.exit_code == 1
    assert colonnes(lignes, "complementaire_attendu", "ecart_complementaire", "verdict") == [
        ("27.00", "0.00", "conforme"), ("23.00", "0.00", "conforme"), ("0.00", "27.00", "trop-percu"),
        ("27.00", "0.00", "conforme")]
    assert "complémentaire : versé 27,00 €, attendu 0,00 €" in lignes[2]["raison"]


def test_etat_annuel_du_contrat_pas_des_versements(tmp_path):
    # Même enveloppe (Base crédit 50 € par année civile), FR 30 trois fois. Selon le contrat : 30 ; 20 ; 0.
    # La complémentaire a payé 10 (oubli), puis 30, puis 0. L'état suit le CONTRAT : la 2e ligne est jugée contre
    # les 20 € qui restent selon le contrat (pas contre les 40 € qui resteraient d'après les versements) :
    #   ligne 2 : 10 − 30 = −20 (moins-perçu) ; ligne 3 : 30 − 20 = +10 (trop-perçu) ; ligne 4 : 0 − 0, conforme.
    # La somme des écarts (−10) est bien l'écart de l'année : versé 40, dû 50.
    # Lignes dans le désordre : le rejeu suit les dates.
    texte = CONTRACEPTION + ("A,2025-09-01,contraception-non-remboursee,,30,30,0,0\n"
                             "A,2025-02-01,contraception-non-remboursee,,30,30,0,10\n"
                             "A,2025-06-01,contraception-non-remboursee,,30,30,0,30\n")
    r, lignes = verifier(tmp_path, texte, *CONTRAT, "--formule", "base")
    assert r.exit_code == 1
    assert colonnes(lignes, "date", "complementaire_attendu", "ecart_complementaire", "verdict") == [
        ("2025-09-01", "0.00", "0.00", "conforme"), ("2025-02-01", "30.00", "-20.00", "moins-percu"),
        ("2025-06-01", "20.00", "10.00", "trop-percu")]
    assert sum(Decimal(l["ecart_complementaire"]) for l in lignes) == Decimal("-10")
    # summary: écarts per payer split by sign, the largest first
    assert "moins-perçu" in r.stderr and "-20,00 €" in r.stderr and "+10,00 €" in r.stderr
    assert r.stderr.index("ligne 3 (A, 2025-02-01") < r.stderr.index("ligne 4 (A, 2025-06-01")


# ------------------------------------------------------------------ complementary underpaid

def test_part_complementaire_sous_payee_par_niveau(tmp_path):
    # « Orthodontie remboursée SS » : Base 125 % BR, Option 2 + 50 % BR. BR 193,50 au taux 100 % : SS 193,50 ;
    # Base 125 % × 193,50 = 241,875 − 193,50 = 48,375 → 48,38 ; Option 50 % × 193,50 = 96,75 ; complémentaire
    # 145,13. Le relevé : base 48,38, option 0 (oubliée) : écart option −96,75, base 0, complémentaire −96,75.
    texte = ("beneficiaire;date;nature;br;frais_reels;age;ss_verse;complementaire_verse;verse_base;verse_option\n"
             "lea;2025-03-12;orthodontie;193,50;650,00;12;193,50;48,38;48,38;0,00\n"
             "lea;2025-09-09;orthodontie;193,50;650,00;12;193,50;145,13;48,38;96,75\n")
    r, lignes = verifier(tmp_path, texte, *CONTRAT, "--formule", "option-2")
    assert r.exit_code == 1
    assert list(lignes[0])[-8:] == ["ss_attendu", "complementaire_attendu", "ecart_securite_sociale",
                                    "ecart_complementaire", "ecart_base", "ecart_option", "verdict", "raison"]
    # `;` separator: amounts with a decimal comma, as the input
    assert colonnes(lignes, "complementaire_attendu", "ecart_complementaire", "ecart_base", "ecart_option", "verdict") == [
        ("145,13", "-96,75", "0,00", "-96,75", "moins-percu"), ("145,13", "0,00", "0,00", "0,00", "conforme")]
    assert "niveau option : versé 0,00 €, attendu 96,75 €" in lignes[0]["raison"]


def test_niveaux_sans_total_complementaire(tmp_path):
    # Sans colonne complementaire_verse, le total est la somme des niveaux quand tous sont donnés :
    # 48,38 + 90,00 = 138,38 contre 145,13 → −6,75 (option −6,75). Un niveau manquant : non vérifiable.
    texte = ("beneficiaire,date,nature,br,frais_reels,age,ss_verse,verse_base,verse_option\n"
             "lea,2025-03-12,orthodontie,193.50,650.00,12,193.50,48.38,90.00\n"
             "lea,2025-09-09,orthodontie,193.50,650.00,12,193.50,48.38,\n")
    r, lignes = verifier(tmp_path, texte, *CONTRAT, "--formule", "option-2")
    assert colonnes(lignes, "ecart_complementaire", "ecart_option", "verdict") == [
        ("-6.75", "-6.75", "moins-percu"), ("", "", "non-verifiable")]
    assert "verse_option vide" in lignes[1]["raison"]


# ------------------------------------------------------------------ participation forfaitaire

def test_participation_forfaitaire_retenue_a_tort_enfant(tmp_path):
    # Généraliste DPTM, BR = FR = 30, enfant de 7 ans : pas de PF avant 18 ans (L160-13 II CSS) → SS 21,00.
    # Le relevé montre 19,00 (2 € retenus) : Sécurité sociale −2,00, moins-perçu.
    texte = ENTETE + "tom,2025-01-14,consultation-generaliste,30,30,oui,7,19.00,9.00\n"
    r, lignes = verifier(tmp_path, texte, *CONTRAT, "--formule", "option-2")
    assert r.exit_code == 1
    assert colonnes(lignes, "ss_attendu", "ecart_securite_sociale", "ecart_complementaire", "verdict") == [
        ("21.00", "-2.00", "0.00", "moins-percu")]
    assert "Sécurité sociale : versé 19,00 €, attendu 21,00 €" in lignes[0]["raison"]


def test_participation_forfaitaire_au_dela_du_plafond_annuel(tmp_path):
    # 26 consultations de généraliste en 2025 (une par semaine), BR = FR = 30, adulte : PF 2 € jusqu'au plafond de
    # 50 € par an (L160-13 II CSS), atteint à la 25e (25 × 2 = 50). La 26e : PF 0 → SS 21,00, mais le relevé
    # retient encore 2 € (19,00) : moins-perçu −2,00 ; les 25 premières (19,00 ; Base 9,00) sont conformes.
    import datetime as dt
    dates = [(dt.date(2025, 1, 6) + dt.timedelta(weeks=k)).isoformat() for k in range(26)]
    texte = ENTETE + "".join(f"paul,{d},consultation-generaliste,30,30,oui,45,19.00,9.00\n" for d in dates)
    r, lignes = verifier(tmp_path, texte, *CONTRAT, "--formule", "base")
    assert r.exit_code == 1
    assert [l["verdict"] for l in lignes] == ["conforme"] * 25 + ["moins-percu"]
    assert (lignes[25]["participation_forfaitaire"], lignes[25]["ss_attendu"], lignes[25]["ecart_securite_sociale"]) == (
        "0.00", "21.00", "-2.00")


def test_securite_sociale_brute_ou_nette(tmp_path):
    # Généraliste DPTM, BR = FR = 30, adulte : SS brute 21,00, nette 19,00 (PF 2 €). Un relevé qui imprime 21,00
    # (la PF retenue sur une autre ligne) est conforme avec --ss-verse brut, trop-perçu de 2,00 en net (défaut).
    texte = ENTETE + "claire,2025-01-09,consultation-generaliste,30,30,oui,42,21.00,9.00\n"
    r, lignes = verifier(tmp_path, texte, *CONTRAT, "--formule", "option-2")
    assert r.exit_code == 1
    assert colonnes(lignes, "ss_attendu", "ecart_securite_sociale", "verdict") == [("19.00", "2.00", "trop-percu")]
    assert "nette de la participation forfaitaire" in r.stderr
    r, lignes = verifier(tmp_path, texte, *CONTRAT, "--formule", "option-2", "--ss-verse", "brut")
    assert r.exit_code == 0, r.stderr
    assert colonnes(lignes, "ss_attendu", "ecart_securite_sociale", "verdict") == [("21.00", "0.00", "conforme")]
    assert "avant la participation forfaitaire" in r.stderr and "ne sont pas vérifiées" in r.stderr
    r = runner.invoke(app, ["verifier", str(tmp_path / "releves.csv"), *CONTRAT, "-f", "option-2", "--ss-verse", "moitie"])
    assert r.exit_code == 2 and "net ou brut" in r.stderr


# ------------------------------------------------------------------ rows that cannot be checked, bad rows

def test_lignes_non_verifiables(tmp_path):
    # Généraliste DPTM adulte, formule base : SS 19,00, Base 9,00 (voir plus haut).
    texte = ("beneficiaire,date,nature,br,frais_reels,dptm,age,ss_verse,complementaire_verse,verse_base,verse_option\n"
             "A,2025-01-09,consultation-generaliste,30,30,oui,42,,9.00,,\n"            # SS inconnue (cellule vide)
             "A,2025-01-10,consultation-generaliste,30,30,oui,42,19.00,abc,,\n"        # illisible
             "A,2025-01-11,consultation-generaliste,30,30,oui,42,19.00,9.00,,5.00\n"   # niveau que la formule n'a pas
             "A,2025-01-12,consultation-generaliste,30,30,oui,42,19.00,9.00,5.00,\n"   # total ≠ somme des niveaux
             "A,2025-01-13,consultation-inconnue,30,30,oui,42,19.00,9.00,,\n"          # acte en erreur
             "A,2025-01-14,consultation-generaliste,30,30,oui,42,19.00,-9.00,,\n"      # montant négatif
             "A,2025-01-15,consultation-generaliste,30,30,oui,42,19.00,9.00,,0\n")     # 0 pour un niveau absent : rien à redire
    r, lignes = verifier(tmp_path, texte, *CONTRAT, "--formule", "base")
    assert r.exit_code == 1
    assert [l["verdict"] for l in lignes] == ["non-verifiable"] * 6 + ["conforme"]
    raisons = [l["raison"] for l in lignes]
    assert "ss_verse vide" in raisons[0] and "écrivez 0" in raisons[0]
    assert "complementaire_verse" in raisons[1] and "« abc » n'est pas un montant" in raisons[1]
    assert "la formule base n'a pas de niveau option" in raisons[2]
    assert "le relevé se contredit" in raisons[3]
    assert "ligne en erreur" in raisons[4] and "nature inconnue" in lignes[4]["erreur"] and "ligne 6" in lignes[4]["erreur"]
    assert "négatif" in raisons[5]
    # the simulated amounts are still given where the act could be simulated
    assert lignes[0]["ss_attendu"] == "19.00" and lignes[0]["ecart_securite_sociale"] == ""
    # JSON: the reasons as codes
    r = runner.invoke(app, ["verifier", str(tmp_path / "releves.csv"), *CONTRAT, "-f", "base", "--format", "json"])
    objets = json.loads(r.stdout)
    assert [[x["code"] for x in o["raisons"]] for o in objets] == [
        ["verse-absent"], ["verse-illisible"], ["niveau-hors-formule"], ["complementaire-incoherent"], ["ligne-en-erreur"],
        ["verse-illisible"], []]
    assert "non vérifiables :" in r.stderr and "… et 1 autre(s)" in r.stderr


def test_lignes_invalides_une_erreur_sur_la_ligne_rien_de_perdu(tmp_path):
    # Contraception, Base crédit 50 € : les lignes en erreur ne consomment rien ; la ligne 2 (30) et la dernière
    # (30 → 20, reste de l'enveloppe) sont vérifiées normalement. Une ligne vide est ignorée (et comptée).
    texte = (CONTRACEPTION +
             "A,2025-02-01,contraception-non-remboursee,,30,30,0,30\n"
             "A,2025-13-01,contraception-non-remboursee,,30,30,0,30\n"       # date impossible
             ",2025-03-01,contraception-non-remboursee,,30,30,0,30\n"        # pas de bénéficiaire
             "A,2025-04-01,contraception-non-remboursee,,trente,30,0,30\n"   # frais réels illisibles
             "A,2025-05-01,contraception-non-remboursee,,30,30,0,30,en trop\n"   # une cellule de trop
             "\n"
             "A,2025-06-01,contraception-non-remboursee,,30,30,0,20\n")
    r, lignes = verifier(tmp_path, texte, *CONTRAT, "--formule", "base")
    assert r.exit_code == 1
    assert len(lignes) == 6
    assert [l["verdict"] for l in lignes] == ["conforme"] + ["non-verifiable"] * 4 + ["conforme"]
    assert [l["erreur"].split(" : ")[0] for l in lignes[1:5]] == ["ligne 3", "ligne 4", "ligne 5", "ligne 6"]
    assert lignes[5]["complementaire_attendu"] == "20.00"
    assert "1 ligne(s) vide(s) ignorée(s)" in r.stderr


# ------------------------------------------------------------------ tolerance

def test_tolerance(tmp_path):
    # Généraliste DPTM adulte : SS 19,00. Versé 19,01 : +0,01, trop-perçu sans tolérance ; conforme (écart
    # affiché) avec --tolerance 0,01 ou « 0,02 € ». Une tolérance illisible ou négative : code 2.
    texte = ENTETE + "claire,2025-01-09,consultation-generaliste,30,30,oui,42,19.01,9.00\n"
    r, lignes = verifier(tmp_path, texte, *CONTRAT, "-f", "option-2")
    assert r.exit_code == 1 and colonnes(lignes, "ecart_securite_sociale", "verdict") == [("0.01", "trop-percu")]
    for t in ("0,01", "0,02 €"):
        r, lignes = verifier(tmp_path, texte, *CONTRAT, "-f", "option-2", "--tolerance", t)
        assert r.exit_code == 0 and colonnes(lignes, "ecart_securite_sociale", "verdict") == [("0.01", "conforme")]
    assert "tolérance 0,02 € par payeur" in r.stderr
    for t in ("abc", "-1"):
        r, _ = verifier(tmp_path, texte, *CONTRAT, "-f", "option-2", "--tolerance", t)
        assert r.exit_code == 2 and "--tolerance" in r.stderr and "Traceback" not in r.stderr


def test_ecarts_qui_se_compensent():
    # Généraliste DPTM adulte, formule base : SS 19,00, Base 9,00. La Sécurité sociale verse 2 € de moins et la
    # complémentaire 2 € de plus : écart total 0, mais deux payeurs en écart ; le plus grand en valeur absolue
    # (à égalité : la Sécurité sociale) donne le sens : moins-perçu, raison « ecarts-compenses ».
    r = simuler(charger_contrat("cabinets-dentaires"), "base",
                creer_acte(nature="consultation-generaliste", date="2025-01-09", br="30", frais_reels="30", dptm=True, age=42))
    v = verifier_ligne({"ss_verse": "17,00", "complementaire_verse": "11,00"}, r)
    assert (v.ecart_securite_sociale, v.ecart_complementaire, v.ecart_total) == (Decimal("-2"), Decimal("2"), Decimal("0"))
    assert v.verdict == "moins-percu" and [x.code for x in v.raisons] == ["ecarts-compenses"]
    # SS −2, complémentaire +1 : le total (−1) donne le sens
    v = verifier_ligne({"ss_verse": "17,00", "complementaire_verse": "10,00"}, r)
    assert v.verdict == "moins-percu" and v.raisons == []
    # a tolerance of 2 € per payer: conforme
    assert verifier_ligne({"ss_verse": "17,00", "complementaire_verse": "11,00"}, r, tolerance=Decimal("2")).verdict == "conforme"


def test_colonnes_versees_de_l_en_tete():
    c = ColonnesVersees({"beneficiaire": 0, "ss_verse": 3, "verse_base": 5, "verse_": 6, "complementaire_verse": 4})
    assert (c.ss, c.complementaire, c.niveaux) == (3, 4, {"base": 5})
    assert c.cellules(["A", "x", "y", "1", "2", "3", "4"]) == {"ss_verse": "1", "complementaire_verse": "2", "verse_base": "3"}
    assert c.inconnus(["base", "option"]) == [] and ColonnesVersees({"verse_x": 1}).inconnus(["base"]) == ["verse_x"]
    assert ColonnesVersees({"beneficiaire": 0}).vide


# ------------------------------------------------------------------ outputs

def test_sortie_json(tmp_path):
    # Orthodontie (voir plus haut) : complémentaire attendue 145,13, versée 48,38 → −96,75.
    texte = ENTETE + ("lea,2025-03-12,orthodontie,193.50,650.00,,12,193.50,48.38\n"
                      "lea,2025-03-13,pas-une-nature,193.50,650.00,,12,193.50,48.38\n")
    r, _ = verifier(tmp_path, texte, *CONTRAT, "-f", "option-2", "--format", "json")
    assert r.exit_code == 1
    o = json.loads(r.stdout)
    assert len(o) == 2
    assert {k: o[0][k] for k in ("ligne", "beneficiaire", "securite_sociale", "ss_verse", "complementaire_verse",
                                 "comparaison_ss", "ss_attendu", "complementaire_attendu", "ecart_securite_sociale",
                                 "ecart_complementaire", "verdict")} == {
        "ligne": 2, "beneficiaire": "lea", "securite_sociale": "193.50", "ss_verse": "193.50", "complementaire_verse": "48.38",
        "comparaison_ss": "net", "ss_attendu": "193.50", "complementaire_attendu": "145.13", "ecart_securite_sociale": "0.00",
        "ecart_complementaire": "-96.75", "verdict": "moins-percu"}
    assert [p["montant"] for p in o[0]["parts"]] == ["48.38", "96.75"] and "explication" not in o[0]
    assert o[1]["verdict"] == "non-verifiable" and o[1]["erreur"].startswith("ligne 3 : nature inconnue")
    assert o[1]["ss_attendu"] is None and o[1]["ss_verse"] == "193.50"
    assert o[1]["raisons"][0]["code"] == "ligne-en-erreur"


def test_sortie_fichier_csv_atomique_et_json_par_extension(tmp_path):
    texte = ENTETE + "claire,2025-01-09,consultation-generaliste,30,30,oui,42,19.00,9.00\n"
    f = tmp_path / "releves.csv"
    f.write_text(texte, encoding="utf-8")
    sortie = tmp_path / "verifie.csv"
    r = runner.invoke(app, ["verifier", str(f), *CONTRAT, "-f", "option-2", "-o", str(sortie)])
    assert r.exit_code == 0, r.stderr
    assert r.stdout == "" and f"→ {sortie}" in r.stderr
    lignes = list(csv.DictReader(sortie.open(encoding="utf-8")))
    assert colonnes(lignes, "ss_verse", "ss_attendu", "verdict") == [("19.00", "19.00", "conforme")]
    sortie_json = tmp_path / "verifie.json"
    r = runner.invoke(app, ["verifier", str(f), *CONTRAT, "-f", "option-2", "-o", str(sortie_json), "-s"])
    assert r.exit_code == 0 and r.stderr == ""
    assert json.loads(sortie_json.read_text(encoding="utf-8"))[0]["verdict"] == "conforme"
    # the input as output: refused before anything is written; the input is intact
    r = runner.invoke(app, ["verifier", str(f), *CONTRAT, "-f", "option-2", "-o", str(f)])
    assert r.exit_code == 2 and "fichier d'entrée" in r.stderr and f.read_text(encoding="utf-8") == texte
    # an unusable file: the previous output is intact
    (tmp_path / "sans.csv").write_text("beneficiaire,date,nature,br,frais_reels\nA,2025-01-01,biologie,10,10\n", encoding="utf-8")
    r = runner.invoke(app, ["verifier", str(tmp_path / "sans.csv"), *CONTRAT, "-f", "option-2", "-o", str(sortie)])
    assert r.exit_code == 2 and "aucune colonne de montant versé" in r.stderr
    assert list(csv.DictReader(sortie.open(encoding="utf-8")))[0]["verdict"] == "conforme"


def test_libelles_et_montants_francais(tmp_path):
    # En-tête écrit comme dans un tableur (accents, majuscules, espaces), montants « 21,00 € » : lus comme lot.
    # Enfant, généraliste DPTM : SS 21,00, Base 9,00 (voir plus haut).
    texte = ("Bénéficiaire;Date;Nature;BR;Frais réels;DPTM;Âge;SS versé;Complémentaire versé\n"
             "Tom;14/01/2025;consultation-generaliste;30,00 €;30,00 €;oui;7;21,00 €;9,00 €\n")
    r, lignes = verifier(tmp_path, texte, *CONTRAT, "-f", "option-2", "--decimale", "point")
    assert r.exit_code == 0, r.stderr
    assert colonnes(lignes, "ss_attendu", "complementaire_attendu", "verdict") == [("21.00", "9.00", "conforme")]


def test_table_ligne_et_explication(tmp_path):
    # --ligne 3 --explique : seule la ligne 3 est montrée (les autres sont rejouées pour l'état annuel) et expliquée :
    # la ligne du contrat et l'enveloppe (reste 0 € : les deux premières lignes ont pris 27 + 23 = 50 €).
    texte = CONTRACEPTION + ("claire,2025-02-11,contraception-non-remboursee,,27,42,0,27\n"
                             "claire,2025-05-06,contraception-non-remboursee,,27,42,0,23\n"
                             "claire,2025-09-16,contraception-non-remboursee,,27,42,0,27\n")
    (tmp_path / "r.csv").write_text(texte, encoding="utf-8")
    r = runner.invoke(app, ["verifier", str(tmp_path / "r.csv"), *CONTRAT, "-f", "option-2", "--ligne", "4", "--explique"])
    assert r.exit_code == 1
    assert "ligne 4 (claire, 2025-09-16, contraception-non-remboursee) : trop-perçu +27,00 €" in r.stdout
    assert "cabinets-dentaires.yaml" in r.stdout and "crédit 50 € par année civile" in r.stdout
    assert "disponible 0,00 € → utilisé 0,00 €" in r.stdout     # the envelope of the year, used up
    assert "2025-02-11" not in r.stdout            # rows not selected are not shown
    assert "1 ligne(s) : 0 conforme(s), 0 moins-perçu, 1 trop-perçu" in r.stderr
    # the selection decides the exit code: line 2 conforms
    r = runner.invoke(app, ["verifier", str(tmp_path / "r.csv"), *CONTRAT, "-f", "option-2", "--ligne", "2", "--format", "csv"])
    assert r.exit_code == 0 and len(list(csv.DictReader(io.StringIO(r.stdout)))) == 1
    # CSV with --explique: a one-line explanation column
    r = runner.invoke(app, ["verifier", str(tmp_path / "r.csv"), *CONTRAT, "-f", "option-2", "--format", "csv", "--explique"])
    lignes = list(csv.DictReader(io.StringIO(r.stdout)))
    assert [bool(l["explication"]) for l in lignes] == [False, False, True]
    assert "limité par : enveloppe" in lignes[2]["explication"]
    r = runner.invoke(app, ["verifier", str(tmp_path / "r.csv"), *CONTRAT, "-f", "option-2", "--ligne", "9"])
    assert r.exit_code == 2 and "--ligne 9" in r.stderr


# ------------------------------------------------------------------ exit codes

@pytest.mark.parametrize("texte, args, mots", [
    ("beneficiaire,date,nature,br,frais_reels\nA,2025-01-01,biologie,10,10\n", ["-f", "base"], "aucune colonne de montant versé"),
    ("beneficiaire,date,nature,br,frais_reels,verse_mutuelle\nA,2025-01-01,biologie,10,10,1\n", ["-f", "base"],
     "verse_mutuelle : niveau inconnu"),
    ("beneficiaire,date,nature,br,ss_verse\nA,2025-01-01,biologie,10,6\n", ["-f", "base"], "frais_reels"),
    (ENTETE, ["-f", "option-9"], "formule inconnue"),
    (ENTETE, ["-f", "base", "--format", "xml"], "format « xml » inconnu"),
])
def test_entree_inutilisable_code_2(tmp_path, texte, args, mots):
    r, _ = verifier(tmp_path, texte, *CONTRAT, *args)
    assert r.exit_code == 2 and mots in r.stderr and "Traceback" not in r.stderr, r.stderr


def test_code_1_pour_une_ligne_non_verifiable_seule(tmp_path):
    texte = ENTETE + "claire,2025-01-09,consultation-generaliste,30,30,oui,42,19.00,\n"
    r, lignes = verifier(tmp_path, texte, *CONTRAT, "-f", "option-2")
    assert r.exit_code == 1 and lignes[0]["verdict"] == "non-verifiable"


# ------------------------------------------------------------------ the worked example

def test_exemple_releves_famille(tmp_path):
    """exemples/releves-famille-2025.csv: a family's year (cabinets-dentaires, Base + Option 2), two wrong payments."""
    sortie = tmp_path / "verifie.csv"
    r = runner.invoke(app, ["verifier", str(EXEMPLE), *CONTRAT, "-f", "option-2", "-o", str(sortie)])
    assert r.exit_code == 1
    lignes = list(csv.DictReader(sortie.open(encoding="utf-8"), delimiter=";"))
    attendus = [
        ("19,00", "9,00", "conforme"),      # claire, généraliste DPTM : SS 21 − PF 2 ; Base 30 − 21
        ("21,00", "9,00", "conforme"),      # tom, 7 ans : pas de PF
        ("5,00", "4,30", "conforme"),       # marc, médicaments BR 12,30 × 65 % = 7,995 → 8,00 ; franchise 3 × 1 € → 5,00 ;
                                            #   Base 100 % BR : 12,30 − 8,00 = 4,30 ; Option 2 « – »
        ("0,00", "27,00", "conforme"),      # claire, contraception, Base crédit 50 € : 27 (reste 23)
        ("193,50", "145,13", "conforme"),   # lea, orthodontie : 100 % ; Base 48,38 (241,875 − 193,50) + Option 96,75
        ("40,00", "43,00", "conforme"),     # marc, spécialiste DPTM BR 60 FR 85 : SS 42 − 2 ; Base 18 + Option min(90, 25)
        ("0,00", "23,00", "conforme"),      # claire, contraception : le reste de l'enveloppe, 23
        ("0,00", "36,50", "conforme"),      # lea, vaccins : Option 2 crédit annuel 2 % PMSS = 2 % × 3 925 = 78,50
        ("193,50", "145,13", "moins-percu"),  # lea, orthodontie : l'Option 2 n'a pas été versée (48,38 au lieu de 145,13)
        ("0,00", "0,00", "trop-percu"),     # claire, contraception : enveloppe épuisée (27 + 23 = 50), 27 versés quand même
        ("0,00", "58,00", "conforme"),      # tom, vaccins : sa propre enveloppe de 78,50
        ("19,00", "24,00", "conforme"),     # marc, généraliste non DPTM BR 30 FR 45 : Base 9 + Option min(80 % × 30, 15) = 15
        ("0,00", "100,00", "conforme"),     # marc, lentilles refusées : Base crédit 75 € + Option 2 crédit 25 €
    ]
    assert colonnes(lignes, "ss_attendu", "complementaire_attendu", "verdict") == attendus
    assert colonnes(lignes[8:10], "ecart_complementaire") == [("-96,75",), ("27,00",)]
    assert "13 ligne(s) : 11 conforme(s), 1 moins-perçu, 1 trop-perçu, 0 non vérifiable(s)" in r.stderr
    # the largest difference first
    assert r.stderr.index("ligne 10 (lea, 2025-09-09, orthodontie) : moins-perçu -96,75 €") < r.stderr.index(
        "ligne 11 (claire, 2025-09-16, contraception-non-remboursee) : trop-perçu +27,00 €")


def test_colonnes_lot_identiques_a_simulateur_lot(tmp_path):
    """The verification is the batch replay with another writer: its lot columns are `lot`'s, row for row."""
    r_lot = runner.invoke(app, ["lot", str(EXEMPLE), *CONTRAT, "-f", "option-2", "-s"])
    r_ver = runner.invoke(app, ["verifier", str(EXEMPLE), *CONTRAT, "-f", "option-2", "-s", "--format", "csv"])
    lot_l = list(csv.DictReader(io.StringIO(r_lot.stdout), delimiter=";"))
    ver_l = list(csv.DictReader(io.StringIO(r_ver.stdout), delimiter=";"))
    assert len(lot_l) == len(ver_l) == 13
    assert [{k: l[k] for k in lot_l[0]} for l in ver_l] == lot_l


# ------------------------------------------------------------------ hostile cells

from hypothesis import given, strategies as st  # noqa: E402

from conftest import reglages  # noqa: E402

# (a NUL byte makes the whole file binary: refused as a file, exit 2 — not a cell's business)
CELLULES_VERSEES = st.one_of(st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=12), st.sampled_from(["", "0", "9,00", "9.00 €", "-1", "1e3", "NaN", "9,001",
                                                                    "1 234,56", "  ", "∞", "\x1b[31m"]))


@reglages(60, 5000)
@given(cellules=st.lists(st.tuples(CELLULES_VERSEES, CELLULES_VERSEES, CELLULES_VERSEES), min_size=1, max_size=6))
def test_cellules_versees_quelconques_une_ligne_chacune_jamais_de_trace(cellules):
    # Whatever the paid cells hold: one output row per input row, a known verdict, no traceback; a
    # readable cell is compared (Base seule : généraliste DPTM adulte, complémentaire attendue 9,00).
    lignes = ["beneficiaire,date,nature,br,frais_reels,dptm,age,ss_verse,complementaire_verse,verse_base"]
    for k, (a, b, c) in enumerate(cellules):
        lignes.append(",".join(["A", f"2025-01-{k + 10:02d}", "consultation-generaliste", "30", "30", "oui", "42"]
                               + ['"' + x.replace('"', '""') + '"' for x in (a, b, c)]))
    from simulateur.verification.commande import executer_verification
    sortie = io.StringIO()
    bilan = executer_verification(("\n".join(lignes) + "\n").encode("utf-8"), sortie, contrat="cabinets-dentaires", formule="base", format="json")
    objets = json.loads(sortie.getvalue())
    assert len(objets) == len(cellules) == bilan.lignes
    assert all(o["verdict"] in ("conforme", "moins-percu", "trop-percu", "non-verifiable") for o in objets)
    assert all(o["complementaire_attendu"] == "9.00" for o in objets)
