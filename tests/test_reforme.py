"""Reform scenarios: `--parametres FICHIER.yaml` on `simuler`, `lot` and `comparer`, read and checked like the
shipped parameters, each series of the file replacing the shipped series of the same name.

Hand computations: régime général rates (taux_ss.yaml: doctors 70 %, medicines SMR majeur 65 %, auxiliaries
60 %), PF 2 € (décret 2024-113) and franchises 1 € / 1 € / 4 €, daily caps 4 € and 8 € (décret 2024-114);
the scenario of exemples/reforme-plfss-2026.yaml (PLFSS 2026, art. 18, abandoned): PF 4 €, franchises 2 € /
2 € / 8 €, annual franchise cap 100 €, daily caps unchanged. Contracts: `cabinets-dentaires` (AG2R's « Résumé de
garanties Santé — CCN des Cabinets dentaires ») and `production-agricole` (avenant n° 6 du 17 avril 2018,
annexe 1).
"""
from __future__ import annotations

import csv
import io
import json
import os
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from simulateur.cli import app
from simulateur.parametres import ErreurParametres, charger_parametres, lire_fichier_parametres

RACINE = Path(__file__).resolve().parent.parent
REFORME = RACINE / "exemples" / "reforme-plfss-2026.yaml"
PORTEFEUILLE = RACINE / "exemples" / "portefeuille-2026.csv"
runner = CliRunner()

PF_4 = """\
participation_forfaitaire.montant:
  description: PF à 4 € (scénario)
  unite: euro
  valeurs:
    - depuis: 2005-01-01
      valeur: "4"
      reference: "scénario"
      source: "test"
"""


def test_avec_remplace_la_serie_entiere(tmp_path):
    f = tmp_path / "pf.yaml"
    f.write_text(PF_4, encoding="utf-8")
    livres = charger_parametres()
    p = livres.avec(lire_fichier_parametres(f))
    import datetime as dt
    assert p.valeur("participation_forfaitaire.montant", dt.date(2010, 1, 1)).valeur == Decimal("4")
    assert livres.valeur("participation_forfaitaire.montant", dt.date(2010, 1, 1)).valeur == Decimal("1")
    assert p.valeur("pmss", dt.date(2025, 6, 1)).valeur == livres.valeur("pmss", dt.date(2025, 6, 1)).valeur
    assert len(p) == len(livres)


def test_fichier_verifie_comme_les_parametres_livres(tmp_path):
    """A value written as a YAML number, and an unknown name: refused, each with file:line and a hint."""
    f = tmp_path / "casse.yaml"
    f.write_text(PF_4.replace('valeur: "4"', "valeur: 4"), encoding="utf-8")
    with pytest.raises(ErreurParametres) as e:
        lire_fichier_parametres(f)
    assert "casse.yaml:6" in str(e.value) and "guillemets" in str(e.value)
    f.write_text(PF_4.replace("participation_forfaitaire.montant", "participation_forfaitaire.montnt"), encoding="utf-8")
    with pytest.raises(ErreurParametres) as e:
        charger_parametres().avec(lire_fichier_parametres(f))
    assert "casse.yaml:1" in str(e.value) and "« participation_forfaitaire.montant »" in str(e.value)


def _serie(nom: str, unite: str, valeur: str) -> str:
    return (f"{nom}:\n  description: scénario\n  unite: {unite}\n  valeurs:\n    - depuis: 2018-01-01\n"
            f"      valeur: \"{valeur}\"\n      reference: \"scénario\"\n      source: \"test\"\n")


@pytest.mark.parametrize("nom, unite, valeur, message", [
    # a rate: 0 to 100 % (taux_ss.yaml, unite pourcent) — « -10 » made the SS pay -3,15 € on a BR of 31,50
    ("taux_ss.general.medecins", "pourcent", "-10", 'un taux est un pourcentage entre "0" et "100" ; reçu « -10 »'),
    ("taux_ss.general.medecins", "pourcent", "150", 'un taux est un pourcentage entre "0" et "100" ; reçu « 150 »'),
    ("situation.maternite.taux", "pourcent", "100.5", 'un taux est un pourcentage entre "0" et "100" ; reçu « 100.5 »'),
    # euros: ≥ 0, to the cent
    ("participation_forfaitaire.montant", "euro", "-2", "un montant en euros est positif ou nul, au plus 100 000 000, "
                                                        "au centime (ex. \"22.50\") ; reçu « -2 »"),
    ("participation_forfaitaire.montant", "euro", "2.001", "un montant en euros est positif ou nul, au plus 100 000 000, "
                                                           "au centime (ex. \"22.50\") ; reçu « 2.001 »"),
    # the PMSS: strictly positive (the base of « % PMSS » guarantees)
    ("pmss", "euro", "0", "le plafond mensuel de la Sécurité sociale est strictement positif"),
    ("pmss", "euro", "-5", "le plafond mensuel de la Sécurité sociale est strictement positif"),
    # ages, durations, counts: whole numbers ≥ 0
    ("participation_forfaitaire.age_exoneration", "annees", "-1", "un nombre d'années (âge, délai) est un entier de 0 à "
                                                                  "200 ; reçu « -1 »"),
    ("renouvellement.optique.adulte_annees", "annees", "1.5", "un nombre d'années (âge, délai) est un entier de 0 à "
                                                              "200 ; reçu « 1.5 »"),
    ("apres_cancer.delai_mois", "mois", "-12", "un nombre de mois est un entier de 0 à 2 400 ; reçu « -12 »"),
    ("apres_cancer.max_bilans", "nombre", "-1", "un nombre (d'actes, de séances) est un entier de 0 à 1 000 000 ; reçu « -1 »"),
    ("exoneration.css.franchises", "booleen", "2", 'unité booleen : la valeur est "1" (oui) ou "0" (non) ; reçu « 2 »'),
    # an upper bound for each kind (hostile test 4: a PF of 10^40 € made the columnar engine fail, the line engine
    # compute); 100 000 000 € is the bound of amounts everywhere else
    ("participation_forfaitaire.montant", "euro", "100000000.01", "un montant en euros est positif ou nul, au plus "
                                                                  "100 000 000, au centime"),
    ("apres_cancer.max_bilans", "nombre", "1000001", "un nombre (d'actes, de séances) est un entier de 0 à 1 000 000"),
])
def test_valeur_hors_bornes_refusee(tmp_path, nom, unite, valeur, message):
    """Each kind of value has its range, checked by the one parameter reader (hostile test A2: a scenario
    with a rate of -10 % or 150 %, a PMSS of -5 or 0, was accepted and the SS paid -3,15 € or 45,25 € on a
    BR of 31,50 €): refused with `fichier:ligne` (line 6, the `valeur:` line), exit 2 on the command line."""
    f = tmp_path / "bornes.yaml"
    f.write_text(_serie(nom, unite, valeur), encoding="utf-8")
    with pytest.raises(ErreurParametres) as e:
        lire_fichier_parametres(f)
    assert e.value.erreurs[0].startswith(f"bornes.yaml:6: {nom} : {message}")
    r = runner.invoke(app, ["simuler", "cabinets-dentaires", "-f", "option-2", "-n", "consultation-specialiste", "--br",
                            "31,50", "--frais-reels", "80", "--date", "2025-06-01", "--parametres", str(f)])
    assert r.exit_code == 2 and f"bornes.yaml:6: {nom} : {message}" in r.stderr and r.stdout == ""


def test_scenario_garde_l_unite_et_refuse_les_caracteres_de_controle(tmp_path):
    """A scenario that gives a rate in euros would escape the rate's bounds (hostile test 4: « 250 » euros as
    taux_ss.general.medecins made the SS pay 250 % of the BR): refused. A control character in a text
    (`reference` with ESC [2J) would reach the terminal with --explique: refused too."""
    f = tmp_path / "unite.yaml"
    f.write_text(_serie("taux_ss.general.medecins", "euro", "250"), encoding="utf-8")
    with pytest.raises(ErreurParametres) as e:
        charger_parametres().avec(lire_fichier_parametres(f))
    assert "unité « euro » différente de celle du paramètre livré (« pourcent »)" in e.value.erreurs[0]
    f.write_text(_serie("participation_forfaitaire.montant", "euro", "2").replace('"scénario"', '"x\\e[2J"'), encoding="utf-8")
    with pytest.raises(ErreurParametres) as e:
        lire_fichier_parametres(f)
    assert "caractère de contrôle U+001B" in e.value.erreurs[0]


def test_bornes_atteintes_acceptees(tmp_path):
    """The ends of each range are accepted (a rate of 0 % and of 100 %, a PF of 0 €, an age of 0) and read
    back unchanged."""
    import datetime as dt
    for nom, unite, valeur in [("taux_ss.general.medecins", "pourcent", "0"), ("taux_ss.general.medecins", "pourcent", "100"),
                               ("participation_forfaitaire.montant", "euro", "0"),
                               ("participation_forfaitaire.age_exoneration", "annees", "0")]:
        f = tmp_path / "bornes.yaml"
        f.write_text(_serie(nom, unite, valeur), encoding="utf-8")
        assert lire_fichier_parametres(f).valeur(nom, dt.date(2025, 6, 1)).valeur == Decimal(valeur)


def test_simuler_et_comparer_avec_un_scenario(tmp_path):
    """000 Base + Option 2, specialist DPTM, BR 31,50, FR 80, 2025-06-01 (docs, worked example) with a PF of 4 €:
    SS 31,50 × 70 % = 22,05 − 4 = 18,05; base 31,50 − 22,05 = 9,45; option 150 % × 31,50 = 47,25;
    total 74,75; reste à charge 80 − 74,75 = 5,25 (instead of 3,25 with the PF of 2 €)."""
    f = tmp_path / "pf.yaml"
    f.write_text(PF_4, encoding="utf-8")
    acte = ["--nature", "consultation-specialiste", "--br", "31.50", "--frais-reels", "80", "--date", "2025-06-01", "--dptm"]
    r = runner.invoke(app, ["simuler", "cabinets-dentaires", "-f", "option-2", *acte, "--format", "json", "--parametres", str(f)])
    assert r.exit_code == 0, r.stderr
    d = json.loads(r.stdout)
    assert (d["securite_sociale"], d["participation_forfaitaire"], d["reste_a_charge"]) == ("18.05", "4.00", "5.25")
    r = runner.invoke(app, ["comparer", "cabinets-dentaires", "--formules", "option-2", *acte, "--format", "json",
                            "--parametres", str(f)])
    assert r.exit_code == 0, r.stderr
    assert '"reste_a_charge": "5.25"' in r.stdout
    r = runner.invoke(app, ["simuler", "cabinets-dentaires", "-f", "option-2", *acte, "--parametres", str(tmp_path / "x.yaml")])
    assert r.exit_code == 2 and "introuvable" in r.stderr


def _lot(*options) -> list[dict]:
    r = runner.invoke(app, ["lot", str(PORTEFEUILLE), "-s", *options])
    assert r.exit_code == 0, r.stderr
    return list(csv.DictReader(io.StringIO(r.stdout)))


@pytest.mark.parametrize("moteur", ["ligne", "colonnes"])
def test_exemple_portefeuille_2026_aujourd_hui_et_reforme(moteur):
    """exemples/portefeuille-2026.csv under today's rules and under exemples/reforme-plfss-2026.yaml.

    Row 1, Claire, GP DPTM, BR = FR = 30 (000 option-2): SS 30 × 70 % = 21 − PF 2 = 19,00; base 30 − 21 = 9,00;
      option « + 100 % BR » nothing left; reste à charge 2,00. Reform: PF 4 → SS 17,00, reste à charge 4,00.
    Row 2, Claire, 3 boxes SMR majeur, BR = FR = 12: 12 × 65 % = 7,80 − 3 × 1 € = 4,80; base 12 − 7,80 = 4,20;
      reste à charge 3,00. Reform: 3 × 2 € = 6 → SS 1,80, reste à charge 6,00.
    Row 12, Marc, 3 paramedical acts the same day, BR = FR = 15,70 (001 option-1): 15,70 × 60 % = 9,42 − 3 × 1 € =
      6,42; socle 15,70 − 9,42 = 6,28. Reform: 3 × 2 € = 6, but the daily cap is 4 € → SS 5,42, reste à charge 4,00.
    Row 13, Marc, 2 trips BR = FR = 96: 96 × 55 % = 52,80 − 2 × 4 € = 8 (= the daily cap of 8 €) → 44,80; reform:
      2 × 8 € = 16, capped at 8 € the day → the same 44,80.
    Tom is 9: no PF, no franchise, in both. Whole portfolio: PF and franchises 39,00 € → 68,00 € (+ 29 €), all of
    it moved from the Sécurité sociale to the patients (no complementary layer pays them)."""
    aujourd_hui = _lot("--moteur", moteur)
    reforme = _lot("--moteur", moteur, "--parametres", str(REFORME))

    def montants(l):
        return l["securite_sociale"], l["participation_forfaitaire"], l["reste_a_charge"]

    assert [montants(aujourd_hui[k]) for k in (0, 1, 11, 12)] == [("19.00", "2.00", "2.00"), ("4.80", "3.00", "3.00"),
                                                                  ("6.42", "3.00", "3.00"), ("44.80", "8.00", "8.00")]
    assert [montants(reforme[k]) for k in (0, 1, 11, 12)] == [("17.00", "4.00", "4.00"), ("1.80", "6.00", "6.00"),
                                                              ("5.42", "4.00", "4.00"), ("44.80", "8.00", "8.00")]
    assert (aujourd_hui[7]["participation_forfaitaire"], reforme[7]["participation_forfaitaire"]) == ("0.00", "0.00")

    def total(lignes, c):
        return sum(Decimal(l[c]) for l in lignes)

    assert (total(aujourd_hui, "participation_forfaitaire"), total(reforme, "participation_forfaitaire")) == (
        Decimal("39.00"), Decimal("68.00"))
    assert total(aujourd_hui, "securite_sociale") - total(reforme, "securite_sociale") == Decimal("29.00")
    for c in ("part_base", "part_option", "part_socle"):
        assert total([l for l in aujourd_hui if l[c]], c) == total([l for l in reforme if l[c]], c)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="pas de tubes nommés")
def test_scenario_par_un_tube_lu_une_fois_dossier_et_peripherique_refuses(tmp_path):
    """`--parametres <(cat f.yaml)`: a pipe is read once (the PF of 4 € applies: SS 22,05 − 4 = 18,05, as in
    test_simuler_et_comparer_avec_un_scenario); a folder is named as such; /dev/zero is refused by its size, never
    read until the memory runs out."""
    import threading
    tube = tmp_path / "pf.yaml"
    os.mkfifo(tube)
    threading.Thread(target=lambda: tube.write_text(PF_4, encoding="utf-8"), daemon=True).start()
    acte = ["--nature", "consultation-specialiste", "--br", "31.50", "--frais-reels", "80", "--date", "2025-06-01", "--dptm"]
    r = runner.invoke(app, ["simuler", "cabinets-dentaires", "-f", "option-2", *acte, "--format", "json", "--parametres", str(tube)])
    assert r.exit_code == 0, r.stderr
    assert json.loads(r.stdout)["securite_sociale"] == "18.05"
    r = runner.invoke(app, ["simuler", "cabinets-dentaires", "-f", "option-2", *acte, "--parametres", str(tmp_path)])
    assert r.exit_code == 2 and "c'est un dossier" in r.stderr
    if os.path.exists("/dev/zero"):
        r = runner.invoke(app, ["simuler", "cabinets-dentaires", "-f", "option-2", *acte, "--parametres", "/dev/zero"])
        assert r.exit_code == 2 and "fichier trop grand" in r.stderr
