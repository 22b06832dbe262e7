"""`simulateur lot` for spreadsheet users (issue 13): .xlsx in and out, totals per beneficiary,
category or month.

The acts below, on contract cabinets-dentaires, formula option-2, computed by hand:
- A, 2025-01-10, general practitioner DPTM, BR = FR = 30 € : SS 30 × 70 % = 21 − PF 2 = 19 ; « Généralistes —
  DPTM » Base 100 % BR (SS included) : 30 − 21 = 9 ; Option 2 + 100 % BR, nothing left to pay → 0 ; RAC 2.
- A, 2025-02-03, specialist DPTM, BR 31,50, FR 80 (docs/calcul.md, the worked example) : SS 20,05 ; Base 9,45 ;
  Option 47,25 ; RAC 3,25.
- B, 2025-02-15, general practitioner as A's first act : SS 19 ; Base 9 ; Option 0 ; RAC 2.
Per beneficiary: A FR 110, SS 39,05, PF 4, base 18,45, option 47,25, total 104,75, RAC 5,25 ;
                 B FR 30, SS 19, PF 2, base 9, option 0, total 28, RAC 2.
Per month: 2025-01 FR 30, SS 19, RAC 2 ; 2025-02 FR 110, SS 20,05 + 19 = 39,05, base 18,45, option 47,25, RAC 5,25.
All: FR 140, SS 58,05, PF 6, base 27,45, option 47,25, total 132,75, RAC 7,25 (140 = 132,75 + 7,25).
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import sys
from decimal import Decimal

import pytest
from typer.testing import CliRunner

from simulateur.cli import app

runner = CliRunner()
ACTES = ("beneficiaire,date,nature,br,frais_reels,dptm,age\n"
         "A,2025-01-10,consultation-generaliste,30,30,oui,40\n"
         "A,2025-02-03,consultation-specialiste,31.50,80,oui,40\n"
         "B,2025-02-15,consultation-generaliste,30,30,oui,40\n")
CONTRAT = ["-c", "cabinets-dentaires", "-f", "option-2"]


def fichier(tmp_path, texte=ACTES, nom="actes.csv"):
    f = tmp_path / nom
    f.write_text(texte, encoding="utf-8")
    return str(f)


def lot(*args):
    return runner.invoke(app, ["lot", *args], env={"COLUMNS": "120", "NO_COLOR": "1"})


# ------------------------------------------------------------------ --resume

def test_resume_par_beneficiaire_fichier(tmp_path):
    sortie = tmp_path / "par-benef.csv"
    r = lot(fichier(tmp_path), *CONTRAT, "--resume", "beneficiaire", "--resume-sortie", str(sortie), "-s")
    assert r.exit_code == 0, r.stderr
    lignes = list(csv.DictReader(io.StringIO(sortie.read_text(encoding="utf-8"))))
    assert [(l["beneficiaire"], l["actes"], l["frais_reels"], l["securite_sociale"], l["participation_forfaitaire"],
             l["part_base"], l["part_option"], l["complementaire"], l["total_rembourse"], l["reste_a_charge"]) for l in lignes] == [
        ("A", "2", "110.00", "39.05", "4.00", "18.45", "47.25", "65.70", "104.75", "5.25"),
        ("B", "1", "30.00", "19.00", "2.00", "9.00", "0.00", "9.00", "28.00", "2.00")]
    assert "écrits" in r.stderr and str(sortie) in r.stderr


def test_resume_par_mois_json_somme_egale_au_total(tmp_path):
    sortie = tmp_path / "mois.json"
    r = lot(fichier(tmp_path), *CONTRAT, "--resume", "mois", "--resume-sortie", str(sortie), "--format", "json")
    assert r.exit_code == 0, r.stderr
    groupes = json.loads(sortie.read_text(encoding="utf-8"))
    assert [(g["mois"], g["frais_reels"], g["securite_sociale"], g["reste_a_charge"]) for g in groupes] == [
        ("2025-01", "30.00", "19.00", "2.00"), ("2025-02", "110.00", "39.05", "5.25")]
    # the groups add up to the batch, row by row, to the cent
    rangs = json.loads(r.stdout)
    for cle in ("frais_reels", "securite_sociale", "participation_forfaitaire", "total_rembourse", "reste_a_charge"):
        assert sum(Decimal(g[cle]) for g in groupes) == sum(Decimal(x[cle]) for x in rangs)
    assert sum(Decimal(g["total_rembourse"]) for g in groupes) == Decimal("132.75")


def test_resume_par_categorie_sur_la_sortie_d_erreur(tmp_path):
    r = lot(fichier(tmp_path), *CONTRAT, "--resume", "categorie")
    assert r.exit_code == 0, r.stderr
    texte = r.stderr.replace("\u202f", " ").replace("\u00a0", " ")
    assert "Totaux par catégorie de soins" in texte
    ligne = next(l for l in texte.splitlines() if l.strip().startswith("Soins courants"))
    # FR 140, SS 58,05, complémentaire 27,45 + 47,25 = 74,70, RAC 7,25
    assert ligne.split()[2:] == ["3", "140,00", "€", "58,05", "€", "74,70", "€", "7,25", "€"]
    assert any(l.strip().startswith("Total") and "7,25 €" in l for l in texte.splitlines())


def test_resume_sortie_sans_resume(tmp_path):
    r = lot(fichier(tmp_path), *CONTRAT, "--resume-sortie", str(tmp_path / "x.csv"))
    assert r.exit_code == 2 and "--resume" in r.stderr


def test_resume_ignore_les_lignes_en_erreur(tmp_path):
    texte = ACTES + "B,2025-03-01,nature-qui-n-existe-pas,10,10,,40\n"
    sortie = tmp_path / "r.csv"
    r = lot(fichier(tmp_path, texte), *CONTRAT, "--resume", "beneficiaire", "--resume-sortie", str(sortie), "-s")
    assert r.exit_code == 1                                        # a row in error
    b = [l for l in csv.DictReader(io.StringIO(sortie.read_text(encoding="utf-8"))) if l["beneficiaire"] == "B"][0]
    assert b["actes"] == "1" and b["frais_reels"] == "30.00"


# ------------------------------------------------------------------ .xlsx

openpyxl = pytest.importorskip("openpyxl")


def classeur(tmp_path, feuilles=("Actes",), nom="actes.xlsx"):
    """The acts above in a workbook as a spreadsheet holds them: numbers, dates, TRUE for oui."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for titre in feuilles:
        ws = wb.create_sheet(titre)
        ws.append(["Bénéficiaire", "Date", "Nature", "BR", "Frais réels", "DPTM", "Âge"])
        ws.append(["A", dt.datetime(2025, 1, 10), "consultation-generaliste", 30, 30.0, True, 40])
        ws.append(["A", dt.datetime(2025, 2, 3), "Consultation de spécialiste", 31.5, 80, True, 40])
        ws.append(["B", dt.date(2025, 2, 15), "consultation-generaliste", 29.999999999999996, 30, "oui", 40])
    f = tmp_path / nom
    wb.save(f)
    return str(f)


def test_xlsx_en_entree(tmp_path):
    r = lot(classeur(tmp_path), *CONTRAT, "--format", "json", "-s")
    assert r.exit_code == 0, r.stderr
    d = json.loads(r.stdout)
    # 29.999999999999996 (a formula's float) is read as Excel shows it: 30
    assert [(x["ligne"], x["beneficiaire"], x["nature"], x["reste_a_charge"]) for x in d] == [
        (2, "A", "consultation-generaliste", "2.00"), (3, "A", "consultation-specialiste", "3.25"),
        (4, "B", "consultation-generaliste", "2.00")]
    assert [p["montant"] for p in d[1]["parts"]] == ["9.45", "47.25"]


def test_xlsx_date_avec_heure_est_le_jour(tmp_path):
    """A date-time cell (an export's « 2025-01-05 23:59 ») is the day of care; it was « illisible » (hostile test 4).
    G 30 € on 2025-01-05: SS 70 % = 21 − PF 2 = 19, cabinets-dentaires option-2 pays 100 % BR → 9, reste 2,00."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["beneficiaire", "date", "nature", "br", "frais_reels"])
    ws.append(["A", dt.datetime(2025, 1, 5, 23, 59), "consultation-generaliste", 30, 30])
    f = tmp_path / "heure.xlsx"
    wb.save(f)
    r = lot(str(f), *CONTRAT, "--format", "json", "-s")
    assert r.exit_code == 0, r.stderr
    (d,) = json.loads(r.stdout)
    assert (d["date"], d["reste_a_charge"]) == ("2025-01-05", "2.00")


def test_xlsx_feuille_nommee(tmp_path):
    f = classeur(tmp_path, feuilles=("Notes", "Actes"))
    r = lot(f, *CONTRAT, "--format", "json", "-s")              # the first sheet is read by default
    assert r.exit_code == 0 and len(json.loads(r.stdout)) == 3
    r = lot(f, *CONTRAT, "--feuille", "Acte", "-s")
    assert r.exit_code == 2 and "pas de feuille « Acte »" in r.stderr and "« Actes »" in r.stderr
    r = lot(fichier(tmp_path), *CONTRAT, "--feuille", "Actes")
    assert r.exit_code == 2 and "--feuille" in r.stderr


def test_xlsx_en_sortie(tmp_path):
    sortie = tmp_path / "resultats.xlsx"
    r = lot(fichier(tmp_path), *CONTRAT, "-o", str(sortie), "-s")    # the format from the extension
    assert r.exit_code == 0, r.stderr
    ws = openpyxl.load_workbook(sortie).active
    lignes = list(ws.iter_rows(values_only=True))
    entete = lignes[0]
    assert entete[:7] == ("beneficiaire", "date", "nature", "br", "frais_reels", "dptm", "age")
    i = {nom: k for k, nom in enumerate(entete)}
    assert [(l[i["securite_sociale"]], l[i["part_base"]], l[i["part_option"]], l[i["reste_a_charge"]]) for l in lignes[1:]] == [
        (19, 9, 0, 2), (20.05, 9.45, 47.25, 3.25), (19, 9, 0, 2)]
    assert lignes[1][i["date"]] == dt.datetime(2025, 1, 10)           # a date, not a text
    assert ws.cell(row=3, column=i["reste_a_charge"] + 1).number_format == "#,##0.00"


def test_xlsx_vers_xlsx_et_resume_xlsx(tmp_path):
    sortie, resume = tmp_path / "r.xlsx", tmp_path / "benef.xlsx"
    r = lot(classeur(tmp_path), *CONTRAT, "-o", str(sortie), "--resume", "beneficiaire", "--resume-sortie", str(resume))
    assert r.exit_code == 0, r.stderr
    ws = openpyxl.load_workbook(resume).active
    assert ws.title == "par-beneficiaire"
    lignes = list(ws.iter_rows(values_only=True))
    i = {nom: k for k, nom in enumerate(lignes[0])}
    assert [(l[0], l[i["total_rembourse"]], l[i["reste_a_charge"]]) for l in lignes[1:]] == [("A", 104.75, 5.25), ("B", 28, 2)]


def test_xlsx_sans_openpyxl(tmp_path, monkeypatch):
    f = classeur(tmp_path)
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    r = lot(f, *CONTRAT)
    assert r.exit_code == 2 and "pip install" in r.stderr and "tableur" in r.stderr and "Traceback" not in r.stderr


def test_xlsx_api_et_comparer(tmp_path):
    """The same reader for every batch front end: `lire_actes` and `comparer --actes` read a workbook too."""
    from simulateur import lire_actes
    f = classeur(tmp_path)
    assert [l.acte.nature for l in lire_actes(f)] == ["consultation-generaliste", "consultation-specialiste",
                                                       "consultation-generaliste"]
    r = runner.invoke(app, ["comparer", "cabinets-dentaires", "--formules", "option-2", "--actes", f, "--format", "json"])
    assert r.exit_code == 0, r.stderr
    assert json.loads(r.stdout)[0]["reste_a_charge"] == "7.25"


def test_classeur_illisible(tmp_path):
    f = tmp_path / "faux.xlsx"
    f.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    r = lot(str(f), *CONTRAT)
    assert r.exit_code == 2 and r.stderr == (f"erreur : {f} : archive zip abîmée ou incomplète, pas un classeur .xlsx lisible ; "
                                             "indice : ouvrez-le dans un tableur et enregistrez-le en .xlsx, ou en « CSV UTF-8 »\n")


def test_format_xlsx_sans_sortie_dans_un_terminal(tmp_path, monkeypatch):
    from simulateur.cli import lot as module
    assert module.format_sortie(None, "a.XLSX") == "xlsx" and module.format_sortie(None, "a.jsonl") == "jsonl"
    assert module.format_sortie(None, None) == "csv" and module.format_sortie("json", "a.xlsx") == "json"


def test_sortie_xlsx_sans_openpyxl_avant_tout_calcul(tmp_path, monkeypatch):
    sortie = tmp_path / "r.xlsx"
    sortie.write_bytes(b"ancien")
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    r = lot(fichier(tmp_path), *CONTRAT, "-o", str(sortie))
    assert r.exit_code == 2 and "tableur" in r.stderr
    assert sortie.read_bytes() == b"ancien"                 # never clobbered
    assert "acte(s)" not in r.stderr                        # refused before the batch was computed
