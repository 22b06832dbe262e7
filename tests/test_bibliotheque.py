"""The library of shipped contracts and the authoring aids: `simulateur contrats` (insurer, family, date of
the document), `comparer` across contracts, `simulateur contrat nouveau`, the contract cache with the new
model classes, and every explanation key worded.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from simulateur import charger_contrat, creer_acte, simuler
from simulateur.cli import app
from simulateur.contrat import contrats_livres, lire_contrat
from simulateur.contrat.validation import valider_contrat

RACINE = Path(__file__).resolve().parent.parent
runner = CliRunner()
FAMILLES_ATTENDUES = {"individuelle", "collective", "senior", "tns", "entree-de-gamme"}


def lancer(*args):
    return runner.invoke(app, list(args), env={"COLUMNS": "200", "NO_COLOR": "1", "TERM": "dumb"})


def test_au_moins_huit_contrats_de_familles_differentes():
    contrats = [charger_contrat(str(p)) for p in contrats_livres()]
    assert len(contrats) >= 8
    assert FAMILLES_ATTENDUES <= {c.famille for c in contrats}
    for c in contrats:
        assert c.famille and c.assureur and c.source, c.id


def test_contrats_json_famille_et_date():
    r = lancer("contrats", "--format", "json")
    assert r.exit_code == 0, r.stderr
    d = {c["id"]: c for c in json.loads(r.stdout)}
    # les clés d'avant restent
    assert {"id", "nom", "assureur", "source", "responsable", "formules", "formules_responsables", "niveaux"} <= set(d["april-senior-gan"])
    assert d["april-senior-gan"]["famille"] == "senior" and d["april-senior-gan"]["date_source"] == "2026-03"
    assert d["mcci-mccinova"]["famille"] == "entree-de-gamme" and d["mcci-mccinova"]["responsable"] is False
    assert d["april-sante-tns"]["famille"] == "tns" and "n2+renfort-2" in d["april-sante-tns"]["formules"]
    assert d["production-agricole"]["date_source"] == "2018-04-17"


def test_contrats_table():
    r = lancer("contrats")
    assert r.exit_code == 0
    for mot in ("Famille", "senior", "tns", "entree-de-gamme", "2018-04-17", "72 formules"):
        assert mot in r.stdout, mot


def test_comparer_entre_contrats_du_marche():
    # spécialiste DPTM, BR 31,50, frais 54, 01/04/2026, adulte : SS 22,05 − 2 = 20,05
    # april-senior-gan n1 125 % : 39,375 − 22,05 = 17,325 → 17,33 ; mcci-flexia premium 300 % : 94,50 − 22,05, borné aux
    # frais restants 54 − 22,05 = 31,95 ; april-sante-mix hospi-3+soins-3 150 % : 47,25 − 22,05 = 25,20
    r = lancer("comparer", "--formules", "april-senior-gan:n1,mcci-flexia:premium,april-sante-mix:hospi-3+soins-3",
               "--nature", "consultation-specialiste", "--br", "31,50", "--frais-reels", "54", "--dptm", "--age", "40",
               "--date", "2026-04-01", "--format", "json")
    assert r.exit_code == 0, r.stderr
    d = json.loads(r.stdout)
    assert [sum(float(p["montant"]) for p in x["parts"]) for x in d] == [17.33, 31.95, 25.20]
    assert [x["meilleur_reste_a_charge"] for x in d] == [False, True, False]


def test_comparer_tous_les_contrats_livres():
    # une formule de chaque contrat livré sur le même acte : tous calculent (pas d'erreur d'acte)
    cibles = ",".join(f"{p.stem}:{next(iter(charger_contrat(str(p)).formules))}" for p in contrats_livres())
    r = lancer("comparer", "--formules", cibles, "--nature", "biologie", "--br", "20", "--frais-reels", "30",
               "--date", "2026-04-01", "--format", "json")
    assert r.exit_code == 0, r.stderr
    assert len(json.loads(r.stdout)) == len(contrats_livres())


def test_contrat_nouveau(tmp_path):
    cible = tmp_path / "mon-assureur.yaml"
    r = lancer("contrat", "nouveau", str(cible))
    assert r.exit_code == 0, r.stderr
    texte = cible.read_text(encoding="utf-8")
    assert "id: mon-assureur" in texte and "convention: inclut-ss" in texte and "# " in texte
    # le programme dit partout « DPTM » (médecin adhérent à l'OPTAM / OPTAM-CO) : le squelette aussi
    assert "DPTAM" not in texte and "médecins DPTM" in texte
    c = lire_contrat(texte, str(cible))
    assert [p for p in valider_contrat(c) if p.gravite in ("erreur", "regle")] == []
    r = lancer("contrat", "nouveau", str(cible))
    assert r.exit_code == 2 and "existe déjà" in r.stderr          # jamais écrasé
    r = lancer("contrat", "nouveau")
    assert r.exit_code == 0 and r.stdout.startswith("# Squelette de contrat")
    r = lancer("contrat", "cabinets-dentaires", "en-trop")
    assert r.exit_code == 2


def test_cache_des_contrats_avec_les_nouvelles_formes():
    """Every shipped contract goes to the cache's JSON form and back, and computes the same."""
    from simulateur.contrat.serialisation import contrat_depuis_donnees, contrat_vers_donnees
    acte = creer_acte(nature="dentaire-prothese", date="2026-04-01", br="120", frais_reels="900", panier="libre", dent="36",
                      date_adhesion="2023-01-01")
    for p in contrats_livres():
        c = charger_contrat(str(p))
        copie = contrat_depuis_donnees(json.loads(json.dumps(contrat_vers_donnees(c))))
        assert list(copie.formules) == list(c.formules) and len(copie.modules) == len(c.modules)
        for f in list(c.formules)[:3]:
            a, b = simuler(c, f, acte, expliquer=False), simuler(copie, f, acte, expliquer=False)
            assert [x.montant for x in a.parts] == [x.montant for x in b.parts], (p.stem, f)


def test_chaque_cle_d_explication_a_sa_phrase():
    from simulateur.rendu.explication import PHRASES
    cles = set()
    for fichier in (RACINE / "simulateur" / "moteur").glob("*.py"):
        cles |= set(re.findall(r'Calcul\("([a-z_.]+)"', fichier.read_text(encoding="utf-8")))
    assert cles and not cles - set(PHRASES), sorted(cles - set(PHRASES))


@pytest.mark.parametrize("chemin", contrats_livres(), ids=lambda p: p.stem)
def test_contrat_livre_cite_sa_source(chemin):
    """Each shipped contract names its document (title, insurer, date, where it is published) and says how it
    reads the ambiguous cells (a « Lectures » paragraph in its header comments)."""
    c = charger_contrat(str(chemin))
    texte = chemin.read_text(encoding="utf-8")
    if c.id not in ("cabinets-dentaires", "carcept-evolution-sante", "production-agricole"):
        assert c.date_source and c.publication
    assert "Lecture" in texte or "lecture" in texte


def test_formes_etendues_pour_le_moteur_en_colonnes():
    """The constructs of issue 11 a contract uses are named (an engine that compiles contracts hands those to
    the line engine); the contracts written before them use none."""
    from simulateur.contrat.formes import formes_etendues
    assert formes_etendues(charger_contrat("cabinets-dentaires")) == set()
    assert formes_etendues(charger_contrat("production-agricole")) == set()
    assert {"niveau-non-responsable", "plafond-paliers", "delai-paniers", "annee-adhesion"} <= formes_etendues(
        charger_contrat("april-sante-tns"))
    assert {"delai-formule", "delai-jours", "jours-par-sejour"} <= formes_etendues(charger_contrat("mcci-mccinova"))
    assert {"anciennete", "plafond-par-formule", "minimum-de-case"} <= formes_etendues(charger_contrat("april-sante-mix"))


def test_lot_par_annee_d_adhesion(tmp_path):
    # Santé TNS n1, médecine naturelle « 30 €/séance, max 3 séances » par année d'adhésion (adhésion le 01/09/2025) :
    # 30, 30, 30, puis 0 (4e séance de l'année d'adhésion) ; le 02/09/2026, nouvelle année : 30 (même calcul que
    # tests/scenarios/april-sante-tns.yaml, ici par un lot, lignes dans le désordre)
    f = tmp_path / "actes.csv"
    f.write_text("beneficiaire;date;nature;br;frais_reels;date_adhesion\n"
                 "a;2026-09-02;medecine-douce;;60;2025-09-01\n" + "".join(
                     f"a;2026-0{m}-05;medecine-douce;;60;2025-09-01\n" for m in (4, 1, 3, 2)), encoding="utf-8")
    r = lancer("lot", str(f), "--contrat", "april-sante-tns", "--formule", "n1", "--format", "json")
    assert r.exit_code == 0, r.stderr
    par_date = {l["date"]: l["parts"][0]["montant"] for l in json.loads(r.stdout)}
    assert par_date == {"2026-09-02": "30.00", "2026-04-05": "0.00", "2026-01-05": "30.00", "2026-03-05": "30.00",
                        "2026-02-05": "30.00"}
