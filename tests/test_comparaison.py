"""`simulateur comparer` and `simulateur exemples` (issue 5).

Every expected euro below is computed BY HAND from the guarantee table of AG2R LA MONDIALE's « Résumé
de garanties Santé — CCN des Cabinets dentaires, Base obligatoire + Options 1, 2 et 3 » (undated, after
01/01/2021; « Résumé AG2R » below, the row is cited) and docs/calcul.md, never by the engine:
ss_brut = round(min(BR, FR) × taux), SS = ss_brut − PF; the Base
(« y compris la Sécurité sociale ») pays `expression − déjà`, an option (« en complément ») pays
the expression; every layer within what is left of the frais réels.
"""
from __future__ import annotations

import json
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from simulateur.cli import app

RACINE = Path(__file__).resolve().parent.parent
runner = CliRunner()

# docs/calcul.md §6 act: specialist DPTM, BR 31,50 €, FR 80 €, 2025-06-01, adult, régime général
ACTE_SPECIALISTE = ["--nature", "consultation-specialiste", "--br", "31,50", "--frais-reels", "80", "--date", "2025-06-01", "--dptm"]


class _Sortie:
    """The CliRunner result, with stdout's no-break spaces (kept inside table cells) read as spaces."""

    def __init__(self, r):
        self.exit_code, self.stderr = r.exit_code, r.stderr
        self.stdout = r.stdout.replace("\u00a0", " ")


def lancer(*args):
    return _Sortie(runner.invoke(app, list(args), env={"COLUMNS": "120", "NO_COLOR": "1", "TERM": "dumb"}))


def json_ok(r):
    assert r.exit_code == 0, (r.exit_code, r.stdout, r.stderr)
    return json.loads(r.stdout)


def contrat_livre(ident: str) -> bool:
    return (RACINE / "contrats" / f"{ident}.yaml").is_file()


# ------------------------------------------------------------------ one act, the four cabinets-dentaires formulas

def test_quatre_formules_cabinets_dentaires_un_acte_json():
    # Résumé AG2R, « Spécialistes (consultations et visites) — DPTM » : Base 100 % BR ;
    # Option 1 + 120 % BR ; Option 2 + 150 % BR ; Option 3 + 200 % BR.
    # SS : 31,50 × 70 % = 22,05 ; PF 2 € → 20,05. Base : 31,50 − 22,05 = 9,45 (reste 80 − 31,50 = 48,50).
    #   base     : rien de plus               → RAC 80 − 20,05 − 9,45         = 50,50
    #   option-1 : 120 % × 31,50 = 37,80      → RAC 80 − 20,05 − 9,45 − 37,80 = 12,70
    #   option-2 : 150 % × 31,50 = 47,25      → RAC 3,25 (docs/calcul.md §6)
    #   option-3 : 200 % × 31,50 = 63 > 48,50 → 48,50, RAC 2,00 (la PF seule)
    d = json_ok(lancer("comparer", "cabinets-dentaires", "--formules", "base,option-1,option-2,option-3", *ACTE_SPECIALISTE,
                       "--format", "json"))
    assert [x["formule"] for x in d] == ["base", "option-1", "option-2", "option-3"]
    assert all(x["contrat"] == "cabinets-dentaires" and x["securite_sociale"] == "20.05" for x in d)
    assert all(x["participation_forfaitaire"] == "2.00" and x["frais_reels"] == "80.00" for x in d)
    assert [[(p["niveau"], p["montant"]) for p in x["parts"]] for x in d] == [
        [("base", "9.45")],
        [("base", "9.45"), ("option", "37.80")],
        [("base", "9.45"), ("option", "47.25")],
        [("base", "9.45"), ("option", "48.50")],
    ]
    assert [x["total_rembourse"] for x in d] == ["29.50", "67.30", "76.75", "78.00"]
    assert [x["reste_a_charge"] for x in d] == ["50.50", "12.70", "3.25", "2.00"]
    assert [x["meilleur_reste_a_charge"] for x in d] == [False, False, False, True]
    assert [x["cle"] for x in d] == ["base", "option-1", "option-2", "option-3"]


def test_quatre_formules_cabinets_dentaires_un_acte_table():
    r = lancer("comparer", "cabinets-dentaires", "--formules", "base,option-1,option-2,option-3", *ACTE_SPECIALISTE)
    assert r.exit_code == 0, r.stderr
    out = r.stdout
    for montant in ("20,05 €", "9,45 €", "37,80 €", "47,25 €", "48,50 €", "50,50 €", "12,70 €", "3,25 €"):
        assert montant in out
    assert "2,00 € ★" in out                                   # the lowest reste à charge is starred
    assert "Reste à charge le plus bas pour cet acte : option-3 (2,00 €)" in out
    # the stacked bars: one per formula, the three characters of the legend
    assert "█ Sécurité sociale" in out and "▓ complémentaire" in out and "░ reste à charge" in out
    assert "reste 50,50 € (63 %)" in out                       # 50,50 / 80 = 63,1 %
    assert r.stdout.count("█") >= 4


def test_formules_dans_l_ordre_donne():
    d = json_ok(lancer("comparer", "cabinets-dentaires", "--formules", "option-3,base", *ACTE_SPECIALISTE, "--format", "json"))
    assert [x["formule"] for x in d] == ["option-3", "base"]


def test_toutes_les_formules_par_defaut():
    d = json_ok(lancer("comparer", "cabinets-dentaires", *ACTE_SPECIALISTE, "--format", "json"))
    assert [(x["formule"], x["reste_a_charge"]) for x in d] == [("base", "50.50"), ("option-1", "12.70"), ("option-2", "3.25"),
                                                               ("option-3", "2.00")]


def test_formules_qualifiees_sans_contrat():
    d = json_ok(lancer("comparer", "--formules", "cabinets-dentaires:option-2,cabinets-dentaires:base", *ACTE_SPECIALISTE,
                       "--format", "json"))
    assert [(x["cle"], x["reste_a_charge"]) for x in d] == [("cabinets-dentaires:option-2", "3.25"), ("cabinets-dentaires:base", "50.50")]


@pytest.mark.skipif(not contrat_livre("carcept-evolution-sante"), reason="contrat carcept-evolution-sante pas encore livré")
def test_comparaison_entre_contrats():
    # cabinets-dentaires option-2 : 3,25 € (ci-dessus).
    # Notice d'information CARCEPT Évolution Santé, annexe 1, « Consultations, visites, actes de spécialité — médecin CAS » (CAS = DPTM),
    # F150 : 150 % BR, niveau Sécurité sociale incluse (« Elles intègrent les remboursements de la
    # Sécurité sociale ») : 150 % × 31,50 = 47,25 − 22,05 = 25,20 (reste 57,95) → 25,20.
    # RAC 80 − 20,05 − 25,20 = 34,75.
    d = json_ok(lancer("comparer", "--formules", "cabinets-dentaires:option-2,carcept-evolution-sante:f150", *ACTE_SPECIALISTE,
                       "--format", "json"))
    assert [(x["contrat"], x["formule"]) for x in d] == [("cabinets-dentaires", "option-2"), ("carcept-evolution-sante", "f150")]
    assert d[1]["securite_sociale"] == "20.05"
    assert [p["montant"] for p in d[1]["parts"]] == ["25.20"]
    assert [x["reste_a_charge"] for x in d] == ["3.25", "34.75"]
    assert [x["meilleur_reste_a_charge"] for x in d] == [True, False]


# ------------------------------------------------------------------ a basket

PANIER = """beneficiaire;date;nature;br;frais_reels;dptm;age
adulte;2025-10-06;densitometrie-non-remboursee;;45,00;;45
adulte;2025-02-03;consultation-specialiste;31,50;60,00;oui;45
conjoint;2025-05-05;densitometrie-non-remboursee;;45,00;;47
adulte;2025-03-10;densitometrie-non-remboursee;;45,00;;45
conjoint;2025-04-01;lentilles-non-remboursees;;100,00;;47
"""


def _panier(tmp_path):
    f = tmp_path / "panier.csv"
    f.write_text(PANIER, encoding="utf-8")
    return str(f)


def test_panier_enveloppes_par_formule(tmp_path):
    # Rejoué par bénéficiaire, dans l'ordre des dates, état annuel propre à chaque formule.
    # Résumé AG2R « Densitométrie osseuse » (non remboursée SS, SS 0) : Base – ; Option 1 crédit 50 € ;
    # Options 2 et 3 crédit 80 € par année civile (une enveloppe par bénéficiaire).
    #   adulte, 10/03 puis 06/10, 45 € chacune : option-1 45 + 5 = 50 ; option-2/3 45 + 35 = 80.
    #   conjoint, 45 € : 45 partout sauf base (0).
    # « Spécialistes — DPTM », BR 31,50, FR 60 : SS 20,05 ; Base 9,45 ; reste 28,50 ; options 1/2/3 :
    #   37,80 / 47,25 / 63 bornés à 28,50.
    # « Lentilles refusées SS » : Base crédit 75 € ; Option 1 – ; Option 2 + crédit 25 € ; Option 3
    #   + crédit 75 € ; FR 100 : base 75 ; option-2 25 ; option-3 min(75, reste 25) = 25.
    # Totaux (FR 295) :
    #   base     : SS 20,05 ; base 9,45 + 75 = 84,45 ; option 0                        → total 104,50 ; RAC 190,50
    #   option-1 : option 28,50 + 50 + 45 = 123,50                                      → total 228,00 ; RAC 67,00
    #   option-2 : option 28,50 + 80 + 45 + 25 = 178,50                                 → total 283,00 ; RAC 12,00
    #   option-3 : idem option-2                                                        → total 283,00 ; RAC 12,00
    # Par catégorie : soins courants (FR 195) remboursé 29,50 / 153,00 / 183,00 / 183,00 ;
    #                 optique (FR 100) remboursé 75 / 75 / 100 / 100.
    d = json_ok(lancer("comparer", "cabinets-dentaires", "--formules", "base,option-1,option-2,option-3",
                       "--actes", _panier(tmp_path), "--format", "json"))
    assert [x["formule"] for x in d] == ["base", "option-1", "option-2", "option-3"]
    assert all(x["actes"] == 5 and x["frais_reels"] == "295.00" and x["securite_sociale"] == "20.05" for x in d)
    assert [[p["montant"] for p in x["parts"]] for x in d] == [["84.45"], ["84.45", "123.50"], ["84.45", "178.50"], ["84.45", "178.50"]]
    assert [x["total_rembourse"] for x in d] == ["104.50", "228.00", "283.00", "283.00"]
    assert [x["reste_a_charge"] for x in d] == ["190.50", "67.00", "12.00", "12.00"]
    assert [x["meilleur_reste_a_charge"] for x in d] == [False, False, True, True]     # a tie: both
    cats = [{c["categorie"]: (c["total_rembourse"], c["reste_a_charge"]) for c in x["par_categorie"]} for x in d]
    assert cats[0] == {"soins-courants": ("29.50", "165.50"), "optique": ("75.00", "25.00")}
    assert cats[1] == {"soins-courants": ("153.00", "42.00"), "optique": ("75.00", "25.00")}
    assert cats[2] == {"soins-courants": ("183.00", "12.00"), "optique": ("100.00", "0.00")}
    assert cats[3] == cats[2]
    assert all(x["erreurs"] == [] for x in d)


def test_panier_cotisations_cout_net(tmp_path):
    # Cotisations mensuelles 30 / 35,50 / 41 / 55 € → annuelles 360 / 426 / 492 / 660 €.
    # Coût net = annuelle + RAC (test précédent) : 550,50 / 493,00 / 504,00 / 672,00 → option-1 la moins chère,
    # alors que le reste à charge le plus bas est celui des options 2 et 3.
    args = ["comparer", "cabinets-dentaires", "--formules", "base,option-1,option-2,option-3", "--actes", _panier(tmp_path),
            "--cotisations", "base=30,option-1=35,50,option-2=41.00,option-3=55 €"]
    d = json_ok(lancer(*args, "--format", "json"))
    assert [x["cotisation_mensuelle"] for x in d] == ["30.00", "35.50", "41.00", "55.00"]
    assert [x["cotisation_annuelle"] for x in d] == ["360.00", "426.00", "492.00", "660.00"]
    assert [x["cout_net"] for x in d] == ["550.50", "493.00", "504.00", "672.00"]
    assert [x["moins_cher"] for x in d] == [False, True, False, False]
    r = lancer(*args)
    assert r.exit_code == 0, r.stderr
    assert "Formule la moins chère pour ce panier, cotisations comprises : option-1 (coût net 493,00 € sur un an)" in r.stdout
    assert "Reste à charge le plus bas pour ce panier : option-2 et option-3 (12,00 €)" in r.stdout
    assert "493,00 € ★" in r.stdout and "Soins courants (4 actes)" in r.stdout and "Optique (1 acte)" in r.stdout


def test_panier_ligne_en_erreur_code_1(tmp_path):
    f = tmp_path / "p.csv"
    f.write_text("beneficiaire,date,nature,br,frais_reels\na,2025-01-10,biologie,10,10\na,2025-01-11,natur-inconnue,10,10\n",
                 encoding="utf-8")
    r = lancer("comparer", "cabinets-dentaires", "--formules", "base,option-2", "--actes", str(f), "--format", "json")
    assert r.exit_code == 1, (r.stdout, r.stderr)
    d = json.loads(r.stdout)
    assert d[0]["actes"] == 1 and d[0]["erreurs"][0]["ligne"] == 3
    assert "nature inconnue" in r.stderr and ":3" in r.stderr


def test_panier_colonnes_contrat_formule_ignorees(tmp_path):
    # « Généralistes — DPTM », BR 30 = FR 30 : SS 21 − 2 = 19 ; Base 9 ; RAC 2, quelle que soit la formule
    # écrite dans la ligne (la comparaison impose la sienne).
    f = tmp_path / "p.csv"
    f.write_text("beneficiaire,date,nature,br,frais_reels,dptm,contrat,formule\n"
                 "a,2025-01-10,consultation-generaliste,30,30,oui,cabinets-dentaires,option-3\n", encoding="utf-8")
    r = lancer("comparer", "cabinets-dentaires", "--formules", "base", "--actes", str(f), "--format", "json")
    d = json_ok(r)
    assert d[0]["formule"] == "base" and d[0]["parts"][0]["montant"] == "9.00" and d[0]["reste_a_charge"] == "2.00"
    assert "colonnes contrat / formule ignorées (lignes 2)" in r.stderr


def test_panier_readme(tmp_path):
    """The README's basket: every payer adds up, the same frais réels for every formula."""
    d = json_ok(lancer("comparer", "cabinets-dentaires", "--formules", "base,option-1,option-2,option-3",
                       "--actes", str(RACINE / "exemples" / "panier-annuel.csv"), "--format", "json"))
    for x in d:
        parts = sum(Decimal(p["montant"]) for p in x["parts"])
        assert Decimal(x["securite_sociale"]) + parts + Decimal(x["reste_a_charge"]) == Decimal(x["frais_reels"])
        assert x["erreurs"] == []
    assert len({x["frais_reels"] for x in d}) == 1
    rac = [Decimal(x["reste_a_charge"]) for x in d]
    assert rac == sorted(rac, reverse=True)                     # each option pays at least what the previous one does


# ------------------------------------------------------------------ pictures

def test_graphique_png(tmp_path):
    pytest.importorskip("matplotlib")
    f = tmp_path / "c.png"
    r = lancer("comparer", "cabinets-dentaires", "--formules", "base,option-2", *ACTE_SPECIALISTE, "--graphique", str(f))
    assert r.exit_code == 0, r.stderr
    assert f.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "graphique écrit" in r.stderr


def test_graphique_svg(tmp_path):
    pytest.importorskip("matplotlib")
    f = tmp_path / "c.svg"
    r = lancer("comparer", "cabinets-dentaires", "--formules", "base,option-2", "--actes", _panier(tmp_path),
               "--cotisations", "base=30,option-2=41", "--graphique", str(f), "--format", "json")
    assert r.exit_code == 0, r.stderr
    texte = f.read_text(encoding="utf-8")
    assert texte.lstrip().startswith("<?xml") and "<svg" in texte


def test_graphique_sans_matplotlib(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)        # import matplotlib → ImportError
    r = lancer("comparer", "cabinets-dentaires", "--formules", "base,option-2", *ACTE_SPECIALISTE,
               "--graphique", str(tmp_path / "c.png"))
    assert r.exit_code == 2
    assert "matplotlib" in r.stderr and "pip install" in r.stderr and "Traceback" not in r.stderr
    assert r.stdout == ""


def test_graphique_extension(tmp_path):
    r = lancer("comparer", "cabinets-dentaires", "--formules", "base,option-2", *ACTE_SPECIALISTE,
               "--graphique", str(tmp_path / "c.jpg"))
    assert r.exit_code == 2 and ".png ou .svg" in r.stderr


def test_barres_proportionnelles():
    from simulateur.rendu.comparaison import repartir
    assert repartir([Decimal("20.05"), Decimal("56.70"), Decimal("3.25")], 40) == [10, 28, 2]
    assert sum(repartir([Decimal("1"), Decimal("1"), Decimal("1")], 40)) == 40
    assert repartir([Decimal("0.01"), Decimal("999"), Decimal("0")], 10) == [1, 9, 0]   # visible, never lost
    assert repartir([Decimal(0)] * 3, 40) == [0, 0, 0]


# ------------------------------------------------------------------ standard examples

def test_exemples_option_2():
    # cabinets-dentaires, Base + Option 2, exemples-types (liste commune des exemples GAN 07/2025 et APRIL 03/2025,
    # exemples/exemples-types.yaml), à partir d'une année vierge :
    # S1 généraliste secteur 1, 30 € = BR : SS 21 − 2 = 19 ; « Généralistes — DPTM » Base 100 % BR :
    #    30 − 21 = 9 ; plus rien à payer → complémentaire 9, RAC 2 (la PF).
    # S3 spécialiste secteur 1, 31,50 € = BR : SS 22,05 − 2 = 20,05 ; Base 9,45 → RAC 2.
    # D1 couronne 100 % Santé, 500 €, BR 120, HLF 500 : SS 60 % = 72 ; « Dentaire 100 % Santé, autres
    #    prothèses » Base RSS + 100 % des frais restants dans la limite des HLF : 500 − 72 = 428 ; Option 2 « – »
    #    → complémentaire 428, RAC 0.
    # O3 équipement classe B, verres simples, 366 €, BR 0,15 (monture 100 €, hypothèse du fichier) :
    #    SS 0,09 ; « Équipements de classe B » Base forfait 200 € dont 100 € monture, SS incluse :
    #    200 − 0,09 = 199,91 ; Option 2 + 150 € (reste 166 ; plafond responsable 420 € et monture 100 €
    #    non atteints) → complémentaire 349,91, RAC 366 − 0,09 − 349,91 = 16.
    # A1 aide auditive classe I, > 20 ans, 950 €, BR 400, PLV 950 : SS 240 ; Base RSS + 100 % des frais
    #    restants dans la limite des PLV : 710 ; Option 2 « – » → complémentaire 710, RAC 0.
    d = json_ok(lancer("exemples", "cabinets-dentaires", "--formules", "option-2", "--ids", "S1,S3,D1,O3,A1", "--format", "json"))
    assert [x["id"] for x in d] == ["S1", "S3", "D1", "O3", "A1"]
    attendu = {"S1": ("19.00", "9.00", "2.00"), "S3": ("20.05", "9.45", "2.00"), "D1": ("72.00", "428.00", "0.00"),
               "O3": ("0.09", "349.91", "16.00"), "A1": ("240.00", "710.00", "0.00")}
    for x in d:
        ss, compl, rac = attendu[x["id"]]
        f = x["formules"][0]
        assert (x["securite_sociale"], f["complementaire"], f["reste_a_charge"]) == (ss, compl, rac), x["id"]
        assert f["contrat"] == "cabinets-dentaires" and f["formule"] == "option-2"


def test_exemples_table_toutes_formules():
    r = lancer("exemples", "cabinets-dentaires")
    assert r.exit_code == 0, r.stderr
    for ident in ("H1", "H6", "S1", "S8", "D1", "D4", "O1", "O6", "A1", "A2"):
        assert f" {ident} " in r.stdout
    assert "option-3" in r.stdout and "remb." in r.stdout and "reste" in r.stdout
    # O3 (test ci-dessous pour option-2) : complémentaire base 199,91 ; option-1 + 65 € → 264,91 ;
    # option-2 + 150 € → 349,91 ; option-3 + 220 € borné au reste 166 → 365,91 ; RAC 166 / 101 / 16 / 0.
    lignes = r.stdout.splitlines()
    i = next(k for k, l in enumerate(lignes) if l.lstrip().startswith("O3 "))
    assert [x.split()[-1] for x in lignes[i].split("€")[-5:-1]] == ["199,91", "264,91", "349,91", "365,91"]
    assert [x.split()[-1] for x in lignes[i + 1].split("€")[-5:-1]] == ["166,00", "101,00", "16,00", "0,00"]


def test_exemples_securite_sociale_imprimee():
    """The engine finds the Sécu amount printed by the documents for every standard example."""
    d = json_ok(lancer("exemples", "cabinets-dentaires", "--formules", "base", "--format", "json"))
    assert len(d) == 26
    assert [x["id"] for x in d if x["securite_sociale"] != x["securite_sociale_imprimee"]] == []


def test_exemples_non_calculables(tmp_path):
    f = tmp_path / "ex.yaml"
    f.write_text("""exemples:
  - {id: X1, libelle: sans DPTM, categorie: soins-courants, nature: consultation-specialiste, frais_reels: "100.00",
     br: "31.50", securite_sociale: "20.05", date: 2025-01-01, age: 40, source: test}
  - {id: X2, libelle: implant, categorie: dentaire, nature: implantologie, frais_reels: "1000.00", br: "0.00",
     securite_sociale: "0.00", date: 2025-01-01, source: test}
  - {id: X3, libelle: détartrage, categorie: dentaire, nature: dentaire-soins, frais_reels: "43.38", br: "43.38",
     securite_sociale: "26.03", date: 2025-01-01, source: test}
""", encoding="utf-8")
    r = lancer("exemples", "cabinets-dentaires", "--formules", "base,option-2", "--fichier", str(f))
    assert r.exit_code == 0, r.stderr
    assert "– (1)" in r.stdout and "– (2)" in r.stdout
    assert "(1) X1 : cabinets-dentaires : " in r.stdout and "--dptm" in r.stdout
    assert "(2) X2 : cabinets-dentaires : pas de ligne pour « Implantologie »" in r.stdout
    assert "17,35 €" in r.stdout                                 # X3 still computed: 43,38 − 26,03
    d = json_ok(lancer("exemples", "cabinets-dentaires", "--formules", "base", "--fichier", str(f), "--format", "json"))
    # X1 without DPTM status: the base pays « 100 % BR » on both lines (31,50 − 22,05 = 9,45), so the status is
    # not needed for the base alone; option 2 pays + 150 % BR (DPTM: 47,25) or + 100 % BR (non DPTM: 31,50) of
    # the 68,50 € left: the status is needed there.
    assert d[0]["formules"][0]["complementaire"] == "9.45" and "erreur" in d[1]["formules"][0]
    assert d[2]["formules"][0]["complementaire"] == "17.35"
    d = json_ok(lancer("exemples", "cabinets-dentaires", "--formules", "option-2", "--fichier", str(f), "--format", "json"))
    assert "erreur" in d[0]["formules"][0] and "--dptm" in d[0]["formules"][0]["erreur"]


def test_exemples_fichier_invalide(tmp_path):
    f = tmp_path / "ex.yaml"
    f.write_text('exemples:\n  - {id: X1, libelle: x, categorie: dentair, nature: dentaire-soins, frais_reels: 43.38, br: "1",'
                 ' securite_sociale: "0", date: 2025-01-01, source: s, couleur: rouge}\n', encoding="utf-8")
    r = lancer("exemples", "cabinets-dentaires", "--fichier", str(f))
    assert r.exit_code == 2 and "Traceback" not in r.stderr
    assert "clé inconnue « couleur »" in r.stderr and "catégorie inconnue « dentair »" in r.stderr
    # the one YAML reader: a key given twice is refused with its line (the former reader kept the last one silently)
    f.write_text('exemples:\n  - id: X1\n    libelle: x\n    libelle: y\n', encoding="utf-8")
    r = lancer("exemples", "cabinets-dentaires", "--fichier", str(f))
    assert r.exit_code == 2 and f"{f}:4:" in r.stderr and "clé « libelle » en double (déjà à la ligne 3)" in r.stderr


def test_exemples_id_inconnu():
    r = lancer("exemples", "cabinets-dentaires", "--ids", "S1,Z9")
    assert r.exit_code == 2 and "exemple inconnu « Z9 »" in r.stderr


# ------------------------------------------------------------------ bad input

@pytest.mark.parametrize("args, mots", [
    (["comparer", "cabinets-dentaires", "--formules", "base,option-9,option-2", *ACTE_SPECIALISTE],
     ["formule inconnue « option-9 »", "vouliez-vous dire", "cabinets-dentaires"]),
    (["comparer", "--formules", "cabinets-dentaires:option-2,cabinets-dentaires:opton-3", *ACTE_SPECIALISTE],
     ["« opton-3 »", "« option-3 »"]),
    (["comparer", "--formules", "cabinets-dentair:option-2", *ACTE_SPECIALISTE], ["contrat inconnu", "cabinets-dentaires"]),
    (["comparer", "--formules", "base,option-2", *ACTE_SPECIALISTE], ["de quel contrat", "contrat:formule"]),
    (["comparer", "cabinets-dentaires", "--formules", "base,base", *ACTE_SPECIALISTE], ["deux fois"]),
    (["comparer", "cabinets-dentaires", "--formules", "base,option-2", *ACTE_SPECIALISTE, "--cotisations", "base=30,option-3=50"],
     ["cotisation donnée pour « option-3 »", "n'est pas comparée", "base, option-2"]),
    (["comparer", "cabinets-dentaires", "--formules", "base,option-2", *ACTE_SPECIALISTE, "--cotisations", "base=30"],
     ["cotisation absente pour « option-2 »"]),
    (["comparer", "cabinets-dentaires", "--formules", "base,option-2", *ACTE_SPECIALISTE, "--cotisations", "base=30,option-2=beaucoup"],
     ["cotisation mensuelle de option-2", "n'est pas un montant"]),
    (["comparer", "cabinets-dentaires", "--formules", "base,option-2", "--nature", "consultation-specialiste", "--br", "31,50",
      "--frais-reels", "80", "--date", "2025-06-01"], ["--dptm"]),
    (["comparer", "cabinets-dentaires", "--formules", "base", "--actes", "panier.csv", "--nature", "biologie"],
     ["avec --actes", "--nature"]),
    (["comparer", "cabinets-dentaires", "--formules", "base", *ACTE_SPECIALISTE, "--format", "xml"], ["format « xml »"]),
    (["exemples", "cabinets-dentaires", "--formules", "option-7"], ["formule inconnue « option-7 »"]),
    (["exemples"], ["donnez un CONTRAT"]),
    (["comparer", *ACTE_SPECIALISTE], ["donnez un CONTRAT"]),
    (["comparer", "cabinets-dentaires", "--actes", "/nexiste/pas.csv"], ["/nexiste/pas.csv"]),
])
def test_erreurs(args, mots):
    r = lancer(*args)
    assert r.exit_code == 2, (r.exit_code, r.stdout, r.stderr)
    assert "Traceback" not in r.stderr and r.stdout == ""
    for mot in mots:
        assert mot in r.stderr, r.stderr


def test_exemples_fichier_la_note_nomme_le_fichier_lu(tmp_path):
    """With --fichier, the footnote names the file read, not the shipped common list (a user's own prices)."""
    f = tmp_path / "mes-exemples.yaml"
    f.write_bytes((Path(__file__).resolve().parent.parent / "exemples" / "exemples-types.yaml").read_bytes())
    r = runner.invoke(app, ["exemples", "cabinets-dentaires", "--ids", "S1", "--fichier", str(f)], env={"COLUMNS": "200"})
    assert r.exit_code == 0, r.stderr
    assert f"Prix, BR et Sécurité sociale : {f} (--fichier)." in r.stdout and "liste commune" not in r.stdout


@pytest.mark.parametrize("args, message", [
    (["comparer", "cabinets-dentaires", "--formules", "option-2,cabinets-dentaires:option-2"],
     "est donnée deux fois dans --formules (déjà comme cabinets-dentaires:option-2)"),
    (["comparer", "cabinets-dentaires", "--formules", "option-2,,base"], "--formules : élément vide"),
    (["exemples", "cabinets-dentaires", "--ids", "S1,s1"], "l'exemple « S1 » est donné deux fois dans --ids"),
    (["exemples", "cabinets-dentaires", "--ids", "S1,,D1"], "--ids : élément vide"),
], ids=["meme-formule-deux-ecritures", "formule-vide", "id-en-double", "id-vide"])
def test_listes_doublons_et_elements_vides_refuses(args, message):
    """A formula written twice (short and contract:formula), an empty item, an example id twice: refused like
    « option-2,option-2 » already was (exit 2), never a silent duplicate column or a silent skip."""
    acte = ["-n", "consultation-specialiste", "--br", "31,50", "--frais-reels", "80", "--date", "2025-06-01", "--dptm"]
    r = runner.invoke(app, args + (acte if args[0] == "comparer" else []))
    assert r.exit_code == 2 and message in r.stderr, r.stderr
    r = runner.invoke(app, ["comparer", "cabinets-dentaires", "--formules", "base,option-2,", *acte, "--format", "json"])
    assert r.exit_code == 0 and [d["cle"] for d in json.loads(r.stdout)] == ["base", "option-2"]


def test_panier_compte_les_lignes_en_erreur_pas_les_couples(tmp_path):
    """Two bad rows of a basket compared over two formulas are 2 rows in error, not « 4 actes » (one message per
    formula stays, the count is of the basket's rows)."""
    f = tmp_path / "panier.csv"
    f.write_text("beneficiaire,date,nature,br,frais_reels,dptm\npaul,2025-06-01,consultation-specialiste,31.50,80,oui\n"
                 "paul,2025-06-02,zzz,10,10,\npaul,2025-06-03,biologie,-1,10,\n", encoding="utf-8")
    r = runner.invoke(app, ["comparer", "cabinets-dentaires", "--formules", "base,option-2", "--actes", str(f)])
    assert r.exit_code == 1
    assert r.stderr.endswith("2 ligne(s) du panier en erreur (pour 2 formules), non comptée(s) dans les totaux\n"), r.stderr
