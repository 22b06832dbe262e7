"""One replay loop for every batch front end: `simulateur lot`, `simuler_lot`, `comparer --actes`.

The expected amounts of the first tests are computed by hand from the guarantee table of AG2R's
« Résumé de garanties Santé — CCN des Cabinets dentaires » (contrat `cabinets-dentaires`, « Résumé
AG2R » below); the property test checks the three front ends against each other and against
`simuler` replayed by hand, over random portfolios with hostile beneficiary ids.
"""
from __future__ import annotations

import csv
import io
import json
import unicodedata
from decimal import Decimal

from hypothesis import given, strategies as st
from typer.testing import CliRunner

from conftest import reglages
from simulateur import charger_contrat, creer_acte, simuler, simuler_lot
from simulateur.cli import app
from simulateur.domaine.identifiants import normaliser_beneficiaire
from simulateur.lot.lecture import Table
from simulateur.moteur.etat import EtatBeneficiaire

runner = CliRunner()


def lot(tmp_path, texte: str, *args):
    f = tmp_path / "actes.csv"
    f.write_text(texte, encoding="utf-8")
    r = runner.invoke(app, ["lot", str(f), *args])
    return r, list(csv.DictReader(io.StringIO(r.stdout)))


def test_identifiant_avec_espace_insecable_un_seul_beneficiaire(tmp_path):
    """The fault that made the two pipelines disagree: `paul` and `paul\\u00a0` (a spreadsheet's no-break
    space) are one beneficiary, in the CLI and in the API alike.
    Résumé AG2R, Option 1, « Ostéodensitométrie non remboursée » : crédit 50 € par année civile ; FR 40 € twice
    in 2025 → 40 € then 10 € (not 40 + 40 €, which two beneficiaries would get)."""
    texte = ("beneficiaire,date,nature,br,frais_reels\n"
             "paul,2025-02-01,densitometrie-non-remboursee,,40\n"
             "paul\u00a0,2025-09-01,densitometrie-non-remboursee,,40\n")
    r, lignes = lot(tmp_path, texte, "--contrat", "cabinets-dentaires", "--formule", "option-1")
    assert r.exit_code == 0, r.stderr
    assert [l["total_rembourse"] for l in lignes] == ["40.00", "10.00"]
    api = simuler_lot([{"beneficiaire": "paul", "date": "2025-02-01", "nature": "densitometrie-non-remboursee",
                        "frais_reels": "40"},
                       {"beneficiaire": "\u202fpaul\u00a0", "date": "2025-09-01", "nature": "densitometrie-non-remboursee",
                        "frais_reels": "40"}], "cabinets-dentaires", "option-1")
    assert [str(x.resultat.total_rembourse) for x in api] == ["40.00", "10.00"]


def test_guillemet_isole_dans_une_cellule_ne_perd_aucune_ligne(tmp_path):
    """A stray quote inside an unquoted cell (`écran 27"`, `O"Neil`) is text, as the csv module reads it: the
    former hand-written splitter swallowed every following row (4 rows in, 1 out, exit 0).
    Biologie, Base 100 % BR (Résumé AG2R) : BR = FR = 10 → SS 6,00 − PF 2 = 4,00 ; base 4,00 ; RAC 2,00."""
    texte = ("beneficiaire,date,nature,br,frais_reels,note\n"
             'O"Neil,2025-01-10,biologie,10,10,écran 27"\n'
             'A,2025-01-11,biologie,10,10,ok\n'
             'B,2025-01-12,biologie,10,10,dit "bonjour"\n'
             'C,2025-01-13,biologie,10,10,\n')
    r, lignes = lot(tmp_path, texte, "--contrat", "cabinets-dentaires", "--formule", "base")
    assert r.exit_code == 0, r.stderr
    assert len(lignes) == 4
    assert [l["beneficiaire"] for l in lignes] == ['O"Neil', "A", "B", "C"]
    assert [l["note"] for l in lignes] == ['écran 27"', "ok", 'dit "bonjour"', ""]
    assert [(l["securite_sociale"], l["part_base"], l["reste_a_charge"]) for l in lignes] == [("4.00", "4.00", "2.00")] * 4


def test_guillemet_ouvert_jamais_ferme_refuse_en_nommant_la_ligne(tmp_path):
    """A quote that opens a cell and never closes would swallow the rows after it: refused (exit 2), with the line."""
    texte = ("beneficiaire,date,nature,br,frais_reels\n"
             "A,2025-01-10,biologie,10,10\n"
             'B,2025-01-11,"biologie,10,10\n'
             "C,2025-01-12,biologie,10,10\n")
    r, lignes = lot(tmp_path, texte, "--contrat", "cabinets-dentaires", "--formule", "base")
    assert r.exit_code == 2 and r.stdout == ""
    assert "ligne 3" in r.stderr and "guillemet" in r.stderr and "Traceback" not in r.stderr


def test_decoupage_rapide_egal_au_module_csv():
    """A record without quote characters is split on the separator: exactly what `csv` returns for it."""
    lignes = ["a,b,,d", ",,,", "é,ü, espace ,fin", "1.234,56", "x"]
    t = Table("beneficiaire,date,nature,br,frais_reels\n" + "\n".join(lignes) + "\n", "t.csv")
    obtenus = [t.cellules(d, f) for _n, d, f in t.enregistrements()]
    assert obtenus == [next(csv.reader([l])) for l in lignes]


# ------------------------------------------------------------------ property: every front end, one answer

# Ids that differ only by what the normalisation removes (white space, no-break spaces, Unicode form) are one
# beneficiary; ids that differ by case or by a quote are distinct ones.
BASES = ["paul", "Paul", "zoé", 'O"Neil', "d'Artagnan", "a,b", "x y"]
DECORS = ["", " ", "\u00a0", "\u202f", "\t", "\u200b"]
NATURES = [  # (nature, br, frais réels choices): envelopes, yearly counts and PF caps of cabinets-dentaires, Option 3
    ("contraception-non-remboursee", "", ("9.90", "30.00", "45.00")),
    ("medecine-douce", "", ("50.00", "60.00")),
    ("vaccins-non-rembourses", "", ("12.90", "58.00")),
    ("biologie", "10.00", ("10.00",)),
]


@st.composite
def portefeuilles(draw):
    n = draw(st.integers(1, 30))
    lignes = []
    for _ in range(n):
        base = draw(st.sampled_from(BASES))
        forme = draw(st.sampled_from(["NFC", "NFD"]))
        ident = draw(st.sampled_from(DECORS)) + unicodedata.normalize(forme, base) + draw(st.sampled_from(DECORS))
        nature, br, frs = draw(st.sampled_from(NATURES))
        mois, jour = draw(st.integers(1, 12)), draw(st.integers(1, 28))
        lignes.append({"beneficiaire": ident, "date": f"2025-{mois:02d}-{jour:02d}", "nature": nature, "br": br,
                       "frais_reels": draw(st.sampled_from(frs)), "age": "40"})
    return lignes


def _attendu(lignes, contrat, formule):
    """`simuler` by hand: each normalised beneficiary's acts in date order (ties: file order), one state each."""
    etats, sortie = {}, [None] * len(lignes)
    ordre = sorted(range(len(lignes)), key=lambda k: (normaliser_beneficiaire(lignes[k]["beneficiaire"]), lignes[k]["date"], k))
    for k in ordre:
        d = dict(lignes[k])
        ben = normaliser_beneficiaire(d.pop("beneficiaire"))
        r = simuler(contrat, formule, creer_acte(**{c: (v or None) for c, v in d.items()}), etats.setdefault(ben, EtatBeneficiaire()))
        etats[ben].appliquer(r)
        sortie[k] = str(r.total_rembourse)
    return sortie


@reglages(60)
@given(lignes=portefeuilles())
def test_lot_api_et_comparer_donnent_les_memes_montants(tmp_path_factory, lignes):
    contrat = charger_contrat("cabinets-dentaires")
    attendu = _attendu(lignes, contrat, "option-3")
    f = tmp_path_factory.mktemp("p") / "p.csv"
    with open(f, "w", newline="", encoding="utf-8") as g:
        w = csv.DictWriter(g, fieldnames=list(lignes[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(lignes)
    r = runner.invoke(app, ["lot", str(f), "--contrat", "cabinets-dentaires", "--formule", "option-3", "-s"])
    assert r.exit_code == 0, r.stderr
    cli = [l["total_rembourse"] for l in csv.DictReader(io.StringIO(r.stdout))]
    api = [str(x.resultat.total_rembourse) for x in simuler_lot(lignes, contrat, "option-3")]
    assert cli == api == attendu
    r = runner.invoke(app, ["comparer", "cabinets-dentaires", "--formules", "option-3", "--actes", str(f), "--format", "json"])
    assert r.exit_code == 0, r.stderr
    assert Decimal(json.loads(r.stdout)[0]["total_rembourse"]) == sum(Decimal(x) for x in attendu)
