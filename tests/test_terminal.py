"""The command line in a terminal, in a pipe and in a spreadsheet user's hands (issue 13).

- Goldens of whole outputs at 60, 80 and 200 columns and piped (no COLUMNS, stdout not a terminal:
  no width limit), for every command that prints a table. Every line fits the width, no line ends
  with a space, no code is cut; every amount of the goldens comes from a scenario computed by hand
  (the comment of each case gives it).
- The conventions: --version / -V, -h, examples and allowed values in the help, shell completion,
  the parser in French (no English word reaches the user), all missing options named at once.
- One --format everywhere: table, json, csv; an unknown format is exit 2.
"""
from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from rich.cells import cell_len
from typer.testing import CliRunner

from simulateur.cli import app
from test_cli import EXEMPLE, golden

RACINE = Path(__file__).resolve().parent.parent
runner = CliRunner()
LARGEURS = (60, 80, 200, None)            # None: piped, no COLUMNS


def lancer(largeur, *args):
    env = {"NO_COLOR": "1", "TERM": "dumb", "COLUMNS": None if largeur is None else str(largeur)}
    return runner.invoke(app, list(args), env=env)


def nom_largeur(largeur) -> str:
    return "tube" if largeur is None else str(largeur)


def verifier_lignes(texte: str, largeur) -> None:
    for ligne in texte.split("\n"):
        assert ligne == ligne.rstrip(" "), f"espaces en fin de ligne : {ligne!r}"
        if largeur is not None:
            assert cell_len(ligne) <= largeur, f"ligne de {cell_len(ligne)} colonnes > {largeur} : {ligne!r}"


def normal(texte: str) -> str:
    """Spaces as a reader sees them (the tables keep amounts together with no-break spaces)."""
    return texte.replace("\u00a0", " ").replace("\u202f", " ")


# ------------------------------------------------------------------ goldens

# The act of the issue: a specialist DPTM, BR 31,50 €, FR 80 €, 2025-06-01, on the six CARCEPT formulas.
CARCEPT = ["comparer", "carcept-evolution-sante", "--formules", "aleas,eco,f100,f150,f200,f250", "--nature",
           "consultation-specialiste", "--dptm", "--br", "31,50", "--frais-reels", "80", "--date", "2025-06-01"]
# By hand (notice CARCEPT Évolution Santé, annex 1, « Consultations, visites, actes de spécialité — médecin adhérent au CAS
# (DPTM) », levels Sécurité sociale included): SS 31,50 × 70 % = 22,05 − PF 2 € = 20,05 (net).
#   aleas « Sécurité sociale »  : 0             → total 20,05 ; RAC 59,95
#   eco, f100 100 % BR          : 31,50 − 22,05 = 9,45  → total 29,50 ; RAC 50,50
#   f150 150 % BR               : 47,25 − 22,05 = 25,20 → total 45,25 ; RAC 34,75
#   f200 200 % BR               : 63,00 − 22,05 = 40,95 → total 61,00 ; RAC 19,00
#   f250 250 % BR               : 78,75 − 22,05 = 56,70 → total 76,75 ; RAC 3,25 (the lowest, starred)
MONTANTS_CARCEPT = ["80,00 €", "20,05 €", "0,00 €", "9,45 €", "25,20 €", "40,95 €", "56,70 €", "29,50 €", "45,25 €",
                    "61,00 €", "76,75 €", "59,95 €", "50,50 €", "34,75 €", "19,00 €", "3,25 €", "2,00 €"]

CAS = {
    # docs/calcul.md §6 (the worked example): SS 20,05 ; base 9,45 ; option 47,25 ; RAC 3,25.
    "simuler": EXEMPLE[:],
    "comparer": CARCEPT,
    # tests/test_comparaison.py::test_panier_enveloppes_par_formule and ::test_panier_cotisations_cout_net, by hand:
    # totals 104,50 / 228,00 / 283,00 / 283,00 ; RAC 190,50 / 67,00 / 12,00 / 12,00 ; premiums 30 / 35,50 / 41 / 55 €
    # a month → net cost 550,50 / 493,00 / 504,00 / 672,00.
    "comparer-panier": ["comparer", "cabinets-dentaires", "--actes", "tests/donnees/panier-5-actes.csv", "--cotisations",
                        "base=30,option-1=35.50,option-2=41,option-3=55"],
    # tests/test_comparaison.py::test_exemples_option_2 and ::test_exemples_table_toutes_formules, by hand: S1 9 / 2 ;
    # S3 9,45 / 2 ; D1 428 / 0 ; A1 710 / 0 for every formula (the options add nothing) ; O3 199,91 / 264,91 /
    # 349,91 / 365,91, RAC 166 / 101 / 16 / 0.
    "exemples": ["exemples", "cabinets-dentaires", "--ids", "S1,S3,D1,O3,A1"],
    "contrats": ["contrats"],
    "contrat": ["contrat", "cabinets-dentaires"],
    "natures": ["natures"],
}
VALIDER = ["valider", "cabinets-dentaires", "--date", "2025-06-01"]


@pytest.mark.parametrize("largeur", LARGEURS, ids=nom_largeur)
@pytest.mark.parametrize("cas", list(CAS))
def test_golden_largeur(cas, largeur, monkeypatch):
    monkeypatch.chdir(RACINE)
    r = lancer(largeur, *CAS[cas])
    assert r.exit_code == 0, (r.stdout, r.stderr)
    verifier_lignes(r.stdout, largeur)
    golden(f"{cas}-{nom_largeur(largeur)}.txt", r.stdout)


def test_valider_lignes_de_messages():
    """`valider` prints one line per problem (`fichier:ligne: …`, as linters do, for grep and editors): the same
    text at every width, never padded; the terminal wraps what is longer than its width."""
    sorties = {nom_largeur(l): lancer(l, *VALIDER) for l in LARGEURS}
    assert {r.exit_code for r in sorties.values()} == {0}
    assert len({r.stdout for r in sorties.values()}) == 1
    verifier_lignes(sorties["tube"].stdout, None)
    golden("valider.txt", sorties["tube"].stdout)


@pytest.mark.parametrize("largeur", LARGEURS, ids=nom_largeur)
def test_comparaison_du_ticket_tout_est_la(largeur):
    """The issue's comparison: every formula and every amount, at 60, 80, 200 columns and piped."""
    r = lancer(largeur, *CARCEPT)
    assert r.exit_code == 0, r.stderr
    texte = normal(r.stdout)
    for f in ("aleas", "eco", "f100", "f150", "f200", "f250"):
        assert re.search(rf"(^|\s){f}(\s|$)", texte, re.M), f
    for m in MONTANTS_CARCEPT:
        assert m in texte, (m, largeur)
    assert "3,25 € ★" in texte                                 # f250, the lowest reste à charge
    assert "80," + "\n" not in texte and "80,\n" not in texte


def test_codes_jamais_coupes():
    """At 60 columns, every contract id, formula id and nature code is printed whole on one line."""
    from simulateur.domaine.natures import NATURES
    sortie = lancer(60, "natures").stdout + lancer(60, "contrats").stdout + lancer(60, "contrat", "cabinets-dentaires").stdout
    mots = set(re.findall(r"[a-z0-9]+(?:-[a-z0-9]+)+", sortie))
    for code in NATURES:
        if "-" in code:
            assert code in mots, code
    for ident in ("cabinets-dentaires", "carcept-evolution-sante", "production-agricole", "option-1", "option-3"):
        assert ident in mots
    coupes = [m for m in mots if m.endswith("-") or m.startswith("-")]
    assert not coupes


def test_tube_sans_limite_de_largeur():
    """Piped, the table of six formulas is one table: each row on one line, however long."""
    texte = normal(lancer(None, *CARCEPT).stdout)
    ligne = next(l for l in texte.split("\n") if l.strip().startswith("Reste à charge"))
    for m in ("59,95 €", "50,50 €", "34,75 €", "19,00 €", "3,25 € ★"):
        assert m in ligne


def test_panier_tube_garde_toutes_les_colonnes(monkeypatch):
    """`comparer --actes … > out.txt` used to drop the option-3 column; piped, all four are there."""
    monkeypatch.chdir(RACINE)
    texte = normal(lancer(None, *CAS["comparer-panier"]).stdout)
    entete = next(l for l in texte.split("\n") if "option-3" in l)
    assert all(f in entete for f in ("base", "option-1", "option-2", "option-3"))
    assert "672,00 €" in texte and "493,00 € ★" in texte


# ------------------------------------------------------------------ conventions

def test_version():
    from simulateur import __version__
    for option in ("--version", "-V"):
        r = lancer(80, option)
        assert r.exit_code == 0 and r.stdout == f"simulateur {__version__}\n"


def test_h_est_l_aide():
    for commande in ([], ["simuler"], ["lot"], ["natures"]):
        r = lancer(80, *commande, "-h")
        assert r.exit_code == 0 and r.stdout.startswith("Utilisation : simulateur"), r.stdout
        assert r.stdout == lancer(80, *commande, "--help").stdout


COMMANDES = ["simuler", "contrats", "contrat", "natures", "lot", "comparer", "exemples", "valider"]


@pytest.mark.parametrize("commande", COMMANDES)
def test_aide_en_francais_avec_exemple(commande):
    r = lancer(100, commande, "--help")
    assert r.exit_code == 0
    assert "Exemple" in r.stdout and f"simulateur {commande}" in r.stdout.split("Exemple", 1)[1]
    for anglais in ("Show this message", "[required]", "[default", "Usage:", "Commands:", "<str>", "<int>", "Arguments:\n  contrat"):
        assert anglais not in r.stdout, anglais


def test_aide_valeurs_permises():
    aide = lancer(120, "simuler", "--help").stdout
    for v in ("--format table|json|csv", "--panier 100-sante|maitrise|libre", "--regime general|alsace-moselle",
              "--nature NATURE", "--br MONTANT", "--date AAAA-MM-JJ", "-f, --formule FORMULE", "CONTRAT"):
        assert v in aide, v
    assert "--resume beneficiaire|categorie|mois" in lancer(120, "lot", "--help").stdout
    assert "--format csv|json|jsonl|xlsx" in lancer(120, "lot", "--help").stdout


def test_aide_ne_coupe_pas_les_codes():
    aide = lancer(80, "simuler", "--help").stdout
    assert "consultation-specialiste" in aide and "consultation-\n" not in aide


def test_toutes_les_options_manquantes_en_une_fois():
    r = lancer(80, "simuler")
    assert r.exit_code == 2 and r.stdout == ""
    premiere = r.stderr.split("\n")[0]
    for nom in ("CONTRAT", "--formule", "--frais-reels"):     # the nature may come from --acte: not required by the parser
        assert nom in premiere, r.stderr
    assert "exemple : simulateur simuler" in r.stderr and "aide : simulateur simuler --help" in r.stderr
    r = lancer(80, "simuler", "cabinets-dentaires", "--nature", "biologie")
    assert "--formule" in r.stderr and "--frais-reels" in r.stderr and "--nature" not in r.stderr.split("\n")[0]


MAUVAIS_APPELS = [
    [], ["simuler"], ["simuler", "x"], ["simuler", "x", "-f"], ["simuler", "x", "--zz"], ["simul"], ["--zz"],
    ["simuler", "x", "y", "-f", "a", "-n", "b", "--frais-reels", "1"], ["natures", "--format", "xml"],
    ["lot"], ["lot", "a.csv", "--resume", "semaine"], ["lot", "a.csv", "--decimale", "x"], ["lot", "a.csv", "--format", "xml"],
    ["comparer", "--formules"], ["valider"], ["valider", "x", "--format", "html"], ["contrat"], ["exemples", "--ids"],
    ["simuler", "x", "-f", "a", "-n", "b", "--frais-reels", "1", "--explique=3"], ["contrats", "--format"],
    ["natures", "a", "b"], ["simuler", "--formule"], ["-V", "--zz"], ["lot", "a.csv", "--silencieux=oui"],
]
MOTS_ANGLAIS = ["usage", "error", "missing", "no such", "try '", "for help", "invalid", "requires", "unexpected", "did you mean",
                "possible options", "does not", "show this", "not a valid", "choose from", "aborted", "[required]",
                "[default", "got ", "is not", "option '", "argument '", "command"]


@pytest.mark.parametrize("args", MAUVAIS_APPELS, ids=lambda a: " ".join(a) or "(rien)")
def test_analyseur_en_francais(args):
    r = lancer(80, *args)
    texte = (r.stdout + r.stderr).lower()
    assert "traceback" not in texte
    for mot in MOTS_ANGLAIS:
        assert mot not in texte.replace("commande", "").replace("commandes", ""), (mot, r.stdout + r.stderr)
    if args:
        assert r.exit_code == 2, (r.exit_code, r.stderr)
        assert r.stderr.startswith("erreur : "), r.stderr


def test_option_inconnue_propose():
    r = lancer(80, "simuler", "cabinets-dentaires", "--frais-reel", "1")
    assert "option inconnue : --frais-reel" in r.stderr and "--frais-reels" in r.stderr
    r = lancer(80, "comparr")
    assert "commande inconnue : « comparr »" in r.stderr and "« comparer »" in r.stderr


# ------------------------------------------------------------------ completion

def test_completion_contrats_formules_natures():
    from simulateur.cli.completion import (SOURCES_ACTES, completer_actes, completer_contrats, completer_formules,
                                           completer_natures)
    assert [v for v, _ in completer_contrats("ca")] == ["cabinets-dentaires", "carcept-evolution-sante"]

    class Ctx:
        params = {"contrat": "carcept-evolution-sante"}
    assert [v for v, _ in completer_formules(Ctx(), "f1")] == ["f100", "f150"]
    Ctx.params = {"contrat": "cabinets-dentaires", "formules": None}
    assert [v for v, _ in completer_formules(Ctx(), "base,option-")] == ["base,option-1", "base,option-2", "base,option-3"]
    Ctx.params = {"contrat": None, "formules": None}
    assert [v for v, _ in completer_formules(Ctx(), "carcept-evolution-sante:f2")] == ["carcept-evolution-sante:f200",
                                                                                        "carcept-evolution-sante:f250"]
    assert [v for v, _ in completer_natures("consultation-s")] == ["consultation-specialiste"]
    assert ("consultation-specialiste", "Consultation ou visite de spécialiste") in completer_natures("spécia")
    assert "optique-monture" in [v for v, _ in completer_natures("monture")]       # by its label
    # act codes: the dated catalogue's codes (G, GS… for « G »), and what another source adds
    assert [v for v, _ in completer_actes("HBJD")] == ["HBJD001"]
    assert "G" in [v for v, _ in completer_actes("g")]
    SOURCES_ACTES.append(lambda t: [("B0101", "acte de biologie")] if "B0101".startswith(t) else [])
    try:
        assert [v for v, _ in completer_actes("B01")] == ["B0101"]
    finally:
        SOURCES_ACTES.pop()


def _completer(ligne: str) -> list[str]:
    mots = ligne.split(" ")
    env = {"_SIMULATEUR_COMPLETE": "complete_bash", "COMP_WORDS": ligne, "COMP_CWORD": str(len(mots) - 1)}
    r = runner.invoke(app, [], env=env, prog_name="simulateur")
    return r.stdout.split()


def test_completion_dans_le_shell():
    """What bash gets at each Tab (the program run with _SIMULATEUR_COMPLETE=complete_bash)."""
    assert "simuler" in _completer("simulateur sim")
    assert "--frais-reels" in _completer("simulateur simuler --frais")
    assert _completer("simulateur simuler car") == ["carcept-evolution-sante"]
    assert _completer("simulateur simuler carcept-evolution-sante --formule f2") == ["f200", "f250"]
    assert _completer("simulateur simuler x --nature consultation-g") == ["consultation-generaliste"]
    assert _completer("simulateur simuler x --format c") == ["csv"]
    assert _completer("simulateur lot a.csv --resume m") == ["mois"]
    assert "--install-completion" in _completer("simulateur --inst")


def test_completion_script_en_francais():
    r = lancer(80, "--show-completion", "bash")
    assert r.exit_code in (0, 2)
    aide = lancer(100, "--help").stdout
    assert "Installe la complétion" in aide and "Install completion" not in aide


# ------------------------------------------------------------------ --format everywhere

FORMATS = {
    "simuler": EXEMPLE[1:],
    "comparer": CARCEPT[1:],
    "exemples": ["cabinets-dentaires", "--ids", "S1,S3"],
    "contrats": [],
    "contrat": ["cabinets-dentaires"],
    "natures": [],
    "valider": ["cabinets-dentaires", "--date", "2025-06-01"],
}


@pytest.mark.parametrize("commande", list(FORMATS))
def test_format_inconnu_code_2(commande):
    r = lancer(80, commande, *FORMATS[commande], "--format", "xml")
    assert r.exit_code == 2 and r.stdout == ""
    assert "--format « xml » inconnu" in r.stderr and "table, json, csv" in r.stderr


@pytest.mark.parametrize("commande", list(FORMATS))
def test_format_csv_et_json(commande):
    rc = lancer(80, commande, *FORMATS[commande], "--format", "csv")
    rj = lancer(80, commande, *FORMATS[commande], "--format", "json")
    assert rc.exit_code == 0 and rj.exit_code == 0, (rc.stderr, rj.stderr)
    lignes = list(csv.DictReader(io.StringIO(rc.stdout)))
    assert lignes
    json.loads(rj.stdout)


def test_format_csv_simuler():
    # docs/calcul.md §6: SS 20,05 ; base 9,45 ; option 47,25 ; RAC 3,25 — the JSON amounts, one row.
    [l] = list(csv.DictReader(io.StringIO(lancer(80, *EXEMPLE, "--format", "csv").stdout)))
    assert (l["securite_sociale"], l["part_base"], l["part_option"], l["total_rembourse"], l["reste_a_charge"]) == \
           ("20.05", "9.45", "47.25", "76.75", "3.25")
    assert l["contrat"] == "cabinets-dentaires" and l["nature"] == "consultation-specialiste"


def test_format_csv_comparer():
    lignes = list(csv.DictReader(io.StringIO(lancer(80, *CARCEPT, "--format", "csv").stdout)))
    # the hand computation above (MONTANTS_CARCEPT)
    assert [(l["cle"], l["part_formule"], l["reste_a_charge"], l["meilleur_reste_a_charge"]) for l in lignes] == [
        ("aleas", "0.00", "59.95", "false"), ("eco", "9.45", "50.50", "false"), ("f100", "9.45", "50.50", "false"),
        ("f150", "25.20", "34.75", "false"), ("f200", "40.95", "19.00", "false"), ("f250", "56.70", "3.25", "true")]


def test_valider_texte_reste_un_alias_de_table():
    a = lancer(80, "valider", "cabinets-dentaires", "--date", "2025-06-01", "--format", "texte")
    b = lancer(80, "valider", "cabinets-dentaires", "--date", "2025-06-01")
    assert a.exit_code == b.exit_code == 0 and a.stdout == b.stdout


def test_valider_json_garde_ses_cles():
    d = json.loads(lancer(80, "valider", "cabinets-dentaires", "--date", "2025-06-01", "--format", "json").stdout)
    assert set(d) == {"date", "code_sortie", "fichiers"}
    assert set(d["fichiers"][0]) == {"fichier", "contrat", "statut", "responsable", "problemes"}


# ------------------------------------------------------------------ natures: labels, spellings, search

@pytest.mark.parametrize("texte", ["consultation-specialiste", "consultation spécialiste", "Consultation de spécialiste",
                                   "CONSULTATION_SPECIALISTE", "Consultation ou visite de spécialiste",
                                   "spécialiste consultation"])
def test_nature_par_libelle_cli(texte):
    r = lancer(80, "simuler", "cabinets-dentaires", "-f", "option-2", "-n", texte, "--br", "31,50", "--frais-reels", "80",
               "--date", "2025-06-01", "--dptm", "--format", "json")
    assert r.exit_code == 0, r.stderr
    d = json.loads(r.stdout)
    # docs/calcul.md §6: RAC 3,25 whatever the spelling of the nature
    assert d["nature"] == "consultation-specialiste" and d["reste_a_charge"] == "3.25"
    assert d["acte"]["nature"] == "consultation-specialiste"


def test_nature_ambigue():
    r = lancer(80, "simuler", "cabinets-dentaires", "-f", "base", "-n", "consultation", "--br", "30", "--frais-reels", "30",
               "--dptm")
    assert r.exit_code == 2
    assert "ambiguë" in r.stderr and "consultation-generaliste" in r.stderr and "consultation-specialiste" in r.stderr


def test_nature_par_libelle_api_et_lot(tmp_path):
    from simulateur import creer_acte
    assert creer_acte(nature="Soins dentaires", frais_reels="10", br="10").nature == "dentaire-soins"
    f = tmp_path / "a.csv"
    # « Généralistes — DPTM », BR 30 = FR 30 : SS 21 − 2 = 19 ; Base 9 ; RAC 2 (test_comparaison)
    f.write_text("beneficiaire,date,nature,br,frais_reels,dptm\nA,2025-06-01,Consultation de généraliste,30,30,oui\n",
                 encoding="utf-8")
    r = runner.invoke(app, ["lot", str(f), "-c", "cabinets-dentaires", "-f", "base", "--format", "json", "-s"])
    assert r.exit_code == 0, r.stderr
    [d] = json.loads(r.stdout)
    assert d["nature"] == "consultation-generaliste" and d["reste_a_charge"] == "2.00" and d["parts"][0]["montant"] == "9.00"


def test_natures_recherche():
    r = lancer(200, "natures", "spécialiste", "--format", "json")
    assert [n["code"] for n in json.loads(r.stdout)] == ["consultation-specialiste"]
    r = lancer(200, "natures", "opti", "--format", "csv")
    codes = [l["code"] for l in csv.DictReader(io.StringIO(r.stdout))]
    assert codes[:3] == ["optique-equipement", "optique-monture", "optique-verre"] and "lentilles" in codes
    r = lancer(200, "natures", "xyzzy")
    assert r.exit_code == 1 and "aucune nature" in r.stderr


# ------------------------------------------------------------------ example files of the package

def test_exemples_fichiers_et_copie(tmp_path, monkeypatch):
    r = lancer(200, "exemples", "--fichiers", "--format", "json")
    noms = {d["fichier"]: Path(d["chemin"]) for d in json.loads(r.stdout)}
    assert {"famille-2025.csv", "panier-annuel.csv", "exemples-types.yaml"} <= set(noms)
    assert all(p.is_file() for p in noms.values())
    monkeypatch.chdir(tmp_path)
    r = lancer(80, "exemples", "--copier", "famille-2025.csv")
    assert r.exit_code == 0 and (tmp_path / "famille-2025.csv").read_bytes() == noms["famille-2025.csv"].read_bytes()
    r = lancer(80, "exemples", "--copier", "famille-2025.csv")
    assert r.exit_code == 2 and "existe déjà" in r.stderr            # never over an existing file
    r = lancer(80, "lot", "panier-annuel.csv", "-c", "cabinets-dentaires", "-f", "base")
    assert r.exit_code == 2 and "simulateur exemples --copier panier-annuel.csv" in r.stderr


@pytest.mark.parametrize("cas", list(CAS))
def test_toutes_les_largeurs(cas, monkeypatch):
    """From 40 to 200 columns, every line fits and every amount of the piped output is still there."""
    monkeypatch.chdir(RACINE)
    montants = set(re.findall(r"\d[\d ]*,\d\d €", normal(lancer(None, *CAS[cas]).stdout)))
    for largeur in range(40, 201, 9):
        r = lancer(largeur, *CAS[cas])
        assert r.exit_code == 0, r.stderr
        verifier_lignes(r.stdout, largeur)
        texte = normal(r.stdout)
        for m in montants:
            assert m in texte, (m, largeur)


def test_actes_format_commun_et_codes_entiers():
    """`simulateur actes` has the common --format, and its table never splits a code (blocks when narrow)."""
    r = lancer(60, "actes", "couronne", "zircone", "--date", "2025-06-01")
    assert r.exit_code == 0, r.stderr
    assert "COURONNE-ZIRCONE" in r.stdout and "HBLD350" in r.stdout
    assert all(len(l) <= 60 for l in r.stdout.splitlines())
    r = lancer(80, "actes", "G", "--date", "2025-06-01", "--format", "csv")
    ligne_g = next(l for l in r.stdout.splitlines() if l.startswith("G,"))
    assert ",30.00," in ligne_g           # G au 2025-06-01 : 30 € depuis le 22/12/2024 (convention médicale 2024-2029)
    assert lancer(80, "actes", "G", "--format", "xml").exit_code == 2


# docs/verifier.md, « Exemple travaillé » (computed by hand there, row by row): line 10, Léa's orthodontics, the
# Option 2 « + 50 % BR » of 193,50 € is missing: paid 48,38, expected 145,13 → moins-perçu −96,75 ; line 11, the
# third contraception of Claire after her 50 € credit is spent: paid 27,00, expected 0,00 → trop-perçu +27,00.
VERIFIER = ["verifier", "exemples/releves-famille-2025.csv", "-c", "cabinets-dentaires", "-f", "option-2"]


@pytest.mark.parametrize("largeur", LARGEURS, ids=nom_largeur)
def test_verifier_golden_largeur(largeur, monkeypatch):
    monkeypatch.chdir(RACINE)
    r = lancer(largeur, *VERIFIER)
    assert r.exit_code == 1, (r.stdout, r.stderr)              # two écarts
    verifier_lignes(r.stdout, largeur)
    golden(f"verifier-{nom_largeur(largeur)}.txt", r.stdout)


def test_verifier_toutes_les_largeurs(monkeypatch):
    """From 40 to 200 columns the reconciliation fits the width, keeps every nature code whole and every amount
    (a table when it fits, one block per row otherwise)."""
    monkeypatch.chdir(RACINE)
    natures = {l.split(";")[2] for l in (RACINE / VERIFIER[1]).read_text(encoding="utf-8").splitlines()[1:]}
    assert "contraception-non-remboursee" in natures
    for largeur in range(40, 201, 9):
        r = lancer(largeur, *VERIFIER)
        assert r.exit_code == 1, r.stderr
        verifier_lignes(r.stdout, largeur)
        mots = set(re.findall(r"[a-z0-9]+(?:-[a-z0-9]+)+", r.stdout))
        assert {n for n in natures if "-" in n} <= mots, (largeur, natures - mots)
        assert all(re.search(rf"(^|\s){n}(\s|$)", r.stdout, re.M) for n in natures), largeur
        for m in ("-96,75", "+27,00", "145,13", "48,38", "193,50"):
            assert m in r.stdout, (m, largeur)
        if "Verdict" not in r.stdout:       # blocks: each amount beside its own label (line 11: paid 27,00, expected 0)
            texte = normal(r.stdout)
            onze = texte[texte.index("ligne 11 "):texte.index("ligne 12 ")]
            assert "versée 27,00" in onze and "attendue 0,00" in onze, (largeur, onze)


# ------------------------------------------------------------------ narrower than the narrowest layout

# The largest amount an act may have (domaine.montant: 100 000 000 € excluded): 99 999 999,99 €. By hand,
# cabinets-dentaires Option 2, specialist DPTM, BR 31,50, 2025-06-01 (docs/calcul.md §6): SS 20,05, base 9,45,
# option 47,25, total 76,75 → reste à charge 99 999 999,99 − 76,75 = 99 999 923,24 €.
GEANT = ["--nature", "consultation-specialiste", "--dptm", "--br", "31,50", "--frais-reels", "99999999,99", "--date",
         "2025-06-01"]
ETROITS = {
    "simuler": ["simuler", "cabinets-dentaires", "-f", "option-2", *GEANT],
    "comparer": ["comparer", "cabinets-dentaires", *GEANT],
    "exemples": CAS["exemples"],
    "contrats": ["contrats"],
    "contrat": ["contrat", "cabinets-dentaires"],
    "natures": ["natures"],
    "actes": ["actes", "couronne", "--date", "2025-06-01"],
    "verifier": ["verifier", "{releves}", "-c", "cabinets-dentaires", "-f", "option-2"],
}
MOT_CODE = r"[A-Za-z0-9]+(?:[-:][A-Za-z0-9]+)+|[A-Z]{3,4}\d{3}"


@pytest.mark.parametrize("cas", list(ETROITS))
def test_plus_etroit_que_40_rien_n_est_coupe(cas, monkeypatch, tmp_path):
    """Hostile test A1: at COLUMNS=10 the table showed `12 345` for 12 345 678,90 €, at 5 `8` for 80,00 €. Below
    40 columns (the narrowest layout, disposition.LARGEUR_MIN) every command lays its output out at 40 and
    lets the terminal wrap: at every width from 1 to 39 the output is the 40-column one, and every amount and
    every code of the piped output (no width limit) is there whole — 99 999 999,99 € and 99 999 923,24 € too."""
    monkeypatch.chdir(RACINE)
    releves = tmp_path / "releves.csv"
    # one statement of the same act: SS said paid 99 999 999,99 (expected 20,05: écart +99 999 979,94, a
    # trop-perçu, exit 1), complementary 9,45 + 47,25 = 56,70
    releves.write_text("beneficiaire;date;nature;br;frais_reels;dptm;ss_verse;complementaire_verse\n"
                       "A;2025-06-01;consultation-specialiste;31,50;99999999,99;oui;99999999,99;56,70\n", encoding="utf-8")
    args = [a.replace("{releves}", str(releves)) for a in ETROITS[cas]]
    tube = normal(lancer(None, *args).stdout)
    montants = set(re.findall(r"\d{1,3}(?: \d{3})*,\d\d", tube))
    codes = set(re.findall(MOT_CODE, tube))
    if cas in ("simuler", "comparer", "verifier"):
        assert "99 999 999,99" in montants
    if cas == "simuler":
        assert "99 999 923,24" in montants
    if cas == "verifier":
        assert "99 999 979,94" in montants
    a_40 = lancer(40, *args)
    assert a_40.exit_code == (1 if cas == "verifier" else 0), a_40.stderr
    verifier_lignes(a_40.stdout, 40)
    texte = normal(a_40.stdout)
    for m in montants:
        assert m in texte, (cas, m)
    manquants = codes - set(re.findall(MOT_CODE, texte))
    assert not manquants, (cas, manquants)
    for largeur in range(1, 40):
        assert lancer(largeur, *args).stdout == a_40.stdout, (cas, largeur)


@pytest.mark.parametrize("largeur", [40, 60])
def test_explique_ne_coupe_pas_un_nom_de_parametre(largeur):
    """`--explique` at 40 columns used to fold `participation_forfaitaire.plafond_annuel` inside its words
    (« …plafon » / « d_annuel », hostile test n° 2, item 13): a parameter's name too wide for its line is
    broken after a dot, never inside a word, and each name is found whole once the line breaks after « . »
    are joined. G 30 €, FR 50 € on 2025-06-01: the SS reads taux_ss.general.medecins (70 %),
    participation_forfaitaire.montant (2 €) and .plafond_annuel (50 €) — parametres/*.yaml."""
    r = lancer(largeur, "simuler", "cabinets-dentaires", "-f", "option-2", "-n", "consultation-generaliste", "--br", "30",
               "--frais-reels", "50", "--dptm", "--date", "2025-06-01", "--explique")
    assert r.exit_code == 0, r.output
    lignes = r.stdout.splitlines()
    assert max(len(l) for l in lignes) <= largeur
    textes = [l.lstrip("│├└─ ") for l in lignes]
    joints = "\n".join(textes).replace(".\n", ".")
    for nom, valeur in (("taux_ss.general.medecins", "70"), ("participation_forfaitaire.montant", "2"),
                        ("participation_forfaitaire.plafond_annuel", "50")):
        assert re.search(rf"\n{re.escape(nom)} = {valeur}\s\(depuis", joints), nom
    # no line starts or ends inside a name: each piece of a name ends with a dot or is followed by « = »
    for t in textes:
        if t.startswith("participation_forfaitaire"):
            assert t == "participation_forfaitaire." or t.startswith("participation_forfaitaire.montant =") or \
                t.startswith("participation_forfaitaire.plafond_annuel =")
