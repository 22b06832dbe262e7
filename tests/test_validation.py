"""`simulateur valider` and the contrat responsable rules (simulateur/validation.py).

One fixture per kind of broken contract (tests/contrats_casses/*.yaml): each names the words its
message must contain, the line it must point at (the line marked « CASSÉ » in the file) and the
exit code. The rule fixtures are the témoin contract (temoin-valide.yaml, valid) with one line
broken, so each must trip exactly its own rule.
"""
from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from simulateur.cli import app
from simulateur.contrat import charger_contrat, contrats_livres, lire_contrat
from simulateur.domaine.erreurs import ContratInvalide
from simulateur.contrat.validation import REGLES, formules_responsables, valider_contrat

CASSES = Path(__file__).parent / "contrats_casses"
JOUR = dt.date(2026, 11, 23)          # a fixed reference date: the tests do not move with the calendar
runner = CliRunner()


def lancer(*args):
    return runner.invoke(app, list(args), env={"COLUMNS": "200", "NO_COLOR": "1", "TERM": "dumb"})


def ligne_cassee(nom: str) -> int:
    lignes = (CASSES / nom).read_text(encoding="utf-8").splitlines()
    return next(i for i, l in enumerate(lignes, 1) if "# CASSÉ" in l)


def charger(nom: str):
    return lire_contrat((CASSES / nom).read_text(encoding="utf-8"), f"tests/contrats_casses/{nom}")


# ------------------------------------------------------------------ format errors: file, line, words, exit code

FORMAT = [
    # fichier, code, mots du message, ligne marquée ?
    ("syntaxe.yaml", 2, ["syntaxe YAML invalide"], True),
    ("vide.yaml", 2, ["fichier vide"], False),
    ("pas-un-contrat.yaml", 2, ["n'est pas un contrat", "contrat:"], True),
    ("cle-inconnue.yaml", 1, ["clé inconnue « plafond »", "garanties[1].lignes[1].plafond", "clés permises ici"], True),
    ("cle-en-double.yaml", 1, ["clé « base » en double", "déjà à la ligne"], True),
    ("nature-inconnue.yaml", 1, ["nature inconnue « hospitalisation-sejours »", "vouliez-vous dire « hospitalisation-sejour »"], True),
    ("expression-invalide.yaml", 1, ["garantie illisible", "100 % BRR", "formes acceptées"], True),
    ("convention-invalide.yaml", 1, ["convention « inclus-ss » inconnue", "inclut-ss"], True),
    ("formule-colonne-inconnue.yaml", 1, ["colonne inconnue « optoin »", "vouliez-vous dire « option »"], True),
    ("lignes-recouvrantes.yaml", 1, ["s'appliquent toutes deux", "forfait-journalier"], True),
    ("balise-python.yaml", 1, ["balise YAML « !!python/object/apply:os.system » refusée", "ni exécutée"], True),
    ("alias-milliard.yaml", 2, ["trop complexe", "alias"], False),
    ("exception-regle-inconnue.yaml", 1, ["règle inconnue « monture-optique »", "vouliez-vous dire « optique-monture »"], True),
]


@pytest.mark.parametrize("nom, code, mots, marquee", FORMAT, ids=[f[0] for f in FORMAT])
def test_fichier_casse(nom, code, mots, marquee):
    chemin = f"tests/contrats_casses/{nom}"
    debut = time.perf_counter()
    r = lancer("valider", str(CASSES / nom))
    assert time.perf_counter() - debut < 10
    assert r.exit_code == code, (r.exit_code, r.stdout, r.stderr)
    assert "Traceback" not in r.stdout + r.stderr
    for mot in mots:
        assert mot in r.stdout, r.stdout
    if marquee:
        ligne = ligne_cassee(nom)
        assert f"{nom}:{ligne}:" in r.stdout, (ligne, r.stdout)
    assert (f"{nom} : illisible" in r.stdout) == (code == 2)
    assert chemin.split("/")[-1] in r.stdout


def test_syntaxe_donne_ligne_et_colonne():
    with pytest.raises(ContratInvalide) as e:
        charger("syntaxe.yaml")
    p = e.value.problemes[0]
    assert e.value.illisible and p.ligne == ligne_cassee("syntaxe.yaml") and p.colonne is not None


def test_tous_les_problemes_en_une_fois():
    r = lancer("valider", str(CASSES / "plusieurs-erreurs.yaml"))
    assert r.exit_code == 1
    lignes = (CASSES / "plusieurs-erreurs.yaml").read_text(encoding="utf-8").splitlines()
    marquees = [i for i, l in enumerate(lignes, 1) if "# CASSÉ" in l]
    assert len(marquees) == 3
    for i in marquees:
        assert f"plusieurs-erreurs.yaml:{i}:" in r.stdout
    assert "clé inconnue « couleur »" in r.stdout and "nature inconnue" in r.stdout and "garantie illisible" in r.stdout
    assert "3 erreurs" in r.stdout


def test_balise_python_jamais_executee(tmp_path):
    temoin = Path("/tmp/simulateur-balise-python")
    if temoin.exists():
        temoin.unlink()
    with pytest.raises(ContratInvalide) as e:
        charger("balise-python.yaml")
    assert "refusée" in str(e.value)
    assert not temoin.exists()
    # anywhere in the file, whatever the kind of node, and also for local tags
    source = (CASSES / "temoin-valide.yaml").read_text(encoding="utf-8")
    for avant, apres in (("niveaux:\n", "niveaux: !!python/object:collections.OrderedDict\n"),
                         ('base: "100 % BR"\n', 'base: !!python/name:os.system "100 % BR"\n'),
                         ('  source: "', '  source: !perso "')):
        with pytest.raises(ContratInvalide) as e:
            lire_contrat(source.replace(avant, apres, 1), "x.yaml")
        assert "balise YAML" in str(e.value) and "refusée" in str(e.value)
    assert lire_contrat(source.replace('  source: "', '  source: !!str "', 1), "x.yaml")   # standard tags are fine


def test_milliard_de_rires_vite():
    debut = time.perf_counter()
    with pytest.raises(ContratInvalide) as e:
        charger("alias-milliard.yaml")
    assert time.perf_counter() - debut < 5
    assert e.value.illisible and "trop complexe" in str(e.value)


def test_fichier_introuvable_et_non_utf8(tmp_path):
    r = lancer("valider", str(tmp_path / "absent.yaml"))
    assert r.exit_code == 2 and "introuvable" in r.stdout
    f = tmp_path / "latin1.yaml"
    f.write_bytes("contrat:\n  nom: \"Sécurité\"\n".encode("latin-1"))
    r = lancer("valider", str(f))
    assert r.exit_code == 2 and "UTF-8" in r.stdout


def test_trop_grand_et_trop_d_entrees(tmp_path):
    from simulateur.contrat.chargeur import TAILLE_MAX
    with pytest.raises(ContratInvalide) as e:
        lire_contrat("contrat: {}\n" + "#" * TAILLE_MAX, "gros.yaml")
    assert e.value.illisible and "trop grand" in str(e.value)
    tete = 'contrat: {id: x, nom: x, source: x, responsable: true}\nniveaux: {n: {libelle: N, convention: inclut-ss}}\n'
    colonnes = "colonnes:\n" + "".join(f"  c{i}: {{niveau: n}}\n" for i in range(3000))
    formules = "formules:\n" + "".join(f"  f{i}: {{colonnes: [z{i}]}}\n" for i in range(3000))
    debut = time.perf_counter()
    with pytest.raises(ContratInvalide) as e:
        lire_contrat(tete + colonnes + formules + "garanties: []\n", "x.yaml")
    assert time.perf_counter() - debut < 5, "les suggestions « vouliez-vous dire » ne doivent pas devenir quadratiques"
    assert "trop d'entrées dans « colonnes »" in str(e.value)
    lignes = "garanties:\n  - section: S\n    lignes:\n" + "".join(
        f"      - {{libelle: L{i}, nature: biologie, c: 100 % BR}}\n" for i in range(5000))
    debut = time.perf_counter()
    with pytest.raises(ContratInvalide) as e:
        lire_contrat(tete + "colonnes: {c: {niveau: n}}\nformules: {f: {colonnes: [c]}}\n" + lignes, "x.yaml")
    assert time.perf_counter() - debut < 10, "la vérification des recouvrements ne doit pas devenir quadratique"
    assert "trop de lignes pour la nature biologie" in str(e.value)


# ------------------------------------------------------------------ contrat responsable rules: one fixture per rule

REGLES_CASSEES = [
    ("regle-ticket-moderateur.yaml", "ticket-moderateur", ["ticket modérateur non couvert", "R871-2 1°"]),
    ("regle-forfait-journalier.yaml", "forfait-journalier", ["forfait journalier non couvert", "23,00 €"]),
    ("regle-depassement-non-dptm.yaml", "depassement-non-dptm", ["médecin non DPTM", "au-delà de 100 % de la BR", "R871-2 2°"]),
    ("regle-ecart-dptm.yaml", "ecart-dptm", ["sans l'écart de 20 % de la BR", "R871-2 2°"]),
    ("regle-optique-plafond.yaml", "optique-plafond", ["plafond de 420,00 €", "simple + simple", "R871-2 3°"]),
    ("regle-optique-plancher.yaml", "optique-plancher", ["sous le plancher de 50,00 €"]),
    ("regle-optique-monture.yaml", "optique-monture", ["plus de 100,00 € pour la monture"]),
    ("regle-aide-auditive-plafond.yaml", "aide-auditive-plafond", ["plus de 1\u202f700,00 €", "classe II"]),
    ("regle-100-sante-dentaire.yaml", "cent-pour-cent-sante-dentaire", ["couronne 100 % Santé au HLF", "reste à charge non nul"]),
    ("regle-100-sante-optique.yaml", "cent-pour-cent-sante-optique", ["équipement de classe A au PLV", "reste à charge non nul"]),
    ("regle-100-sante-audition.yaml", "cent-pour-cent-sante-audition", ["aide auditive de classe I au PLV", "reste à charge non nul"]),
]


def test_temoin_valide():
    assert [p for p in valider_contrat(charger("temoin-valide.yaml"), JOUR)] == []
    r = lancer("valider", str(CASSES / "temoin-valide.yaml"), "--date", JOUR.isoformat())
    assert r.exit_code == 0 and "valide" in r.stdout and r.stderr == ""


@pytest.mark.parametrize("nom, regle, mots", REGLES_CASSEES, ids=[r[1] for r in REGLES_CASSEES])
def test_regle_cassee(nom, regle, mots):
    pbs = valider_contrat(charger(nom), JOUR)
    assert {p.gravite for p in pbs} == {"regle"}, [str(p) for p in pbs]
    assert {p.regle for p in pbs} == {regle}, [str(p) for p in pbs]         # exactly its own rule
    ligne = ligne_cassee(nom)
    assert all(p.ligne == ligne for p in pbs), [(p.ligne, ligne) for p in pbs]
    texte = "\n".join(str(p) for p in pbs)
    for mot in mots + [REGLES[regle].article]:
        assert mot in texte, texte
    assert all(p.formules for p in pbs), "chaque constat nomme la ou les formules"
    r = lancer("valider", str(CASSES / nom), "--date", JOUR.isoformat())
    assert r.exit_code == 1 and f"{nom}:{ligne}: règle :" in r.stdout, r.stdout


def test_participation_forfaitaire_jamais_payee(monkeypatch):
    """No contract can make the engine pay the PF (it is withheld before any layer): the check is
    tested against a forged result, to prove it would catch a regression of the engine."""
    from simulateur.contrat import validation
    vrai = validation.simuler

    def faux(contrat, formule, acte, etat=None, **kw):
        r = vrai(contrat, formule, acte, etat, **kw)
        if acte.nature == "consultation-generaliste" and r.participation_forfaitaire:
            r.parts[0].montant += r.participation_forfaitaire      # a layer that pays the PF back
            r.reste_a_charge -= r.participation_forfaitaire
        return r

    monkeypatch.setattr(validation, "simuler", faux)
    pbs = valider_contrat(charger("temoin-valide.yaml"), JOUR)
    pf = [p for p in pbs if p.regle == "participation-forfaitaire"]
    assert pf and "participation forfaitaire" in str(pf[0]) and "L871-1" in str(pf[0])


def test_erreur_du_moteur_signalee_sans_plantage(monkeypatch):
    from simulateur.contrat import validation

    def casse(*a, **kw):
        raise ZeroDivisionError("division par zéro")

    monkeypatch.setattr(validation, "simuler", casse)
    pbs = valider_contrat(charger("temoin-valide.yaml"), JOUR)
    assert pbs and all(p.gravite == "erreur" for p in pbs)
    assert "erreur interne du simulateur" in str(pbs[0]) and "ZeroDivisionError" in str(pbs[0])


def test_exception_declaree():
    nom = "exception-declaree.yaml"
    pbs = valider_contrat(charger(nom), JOUR)
    assert pbs and {p.gravite for p in pbs} == {"exception"}
    assert all("exception déclarée (ligne " in str(p) and "antérieur à la réforme" in str(p) for p in pbs)
    assert f"(ligne {ligne_cassee(nom)} :" in str(pbs[0])
    r = lancer("valider", str(CASSES / nom), "--date", JOUR.isoformat())
    assert r.exit_code == 0 and "exception" in r.stdout


def test_exception_sans_objet_et_formules_ciblees():
    source = (CASSES / "temoin-valide.yaml").read_text(encoding="utf-8")
    c = lire_contrat(source.replace("  responsable: true\n", "  responsable: true\n  exceptions_responsable:\n"
                                    "    - {regle: forfait-journalier, motif: inutile}\n", 1), "x.yaml")
    pbs = valider_contrat(c, JOUR)
    assert [p.gravite for p in pbs] == ["avertissement"] and "sans objet" in pbs[0].message
    # an exception limited to one formula leaves the other formula's finding a violation
    casse = (CASSES / "regle-100-sante-dentaire.yaml").read_text(encoding="utf-8")
    c = lire_contrat(casse.replace("  responsable: true\n", "  responsable: true\n  exceptions_responsable:\n"
                                   "    - {regle: cent-pour-cent-sante-dentaire, formules: [base], motif: m}\n", 1), "x.yaml")
    pbs = valider_contrat(c, JOUR)
    assert {(p.gravite, p.formules) for p in pbs} == {("exception", ("base",)), ("regle", ("option",))}
    with pytest.raises(ContratInvalide) as e:
        lire_contrat(source.replace("  responsable: true\n", "  responsable: true\n  exceptions_responsable:\n"
                                    "    - {regle: toutes, formules: [optoin], motif: m}\n", 1), "x.yaml")
    assert "formule inconnue « optoin »" in str(e.value)


def test_formule_non_responsable_non_verifiee():
    casse = (CASSES / "regle-100-sante-dentaire.yaml").read_text(encoding="utf-8")
    c = lire_contrat(casse.replace("  option: {libelle: Base + Option, colonnes: [base, option]}",
                                   "  option: {libelle: Base + Option, colonnes: [base, option], responsable: false}", 1), "x.yaml")
    assert formules_responsables(c) == ["base"]
    assert {p.formules for p in valider_contrat(c, JOUR)} == {("base",)}
    c = lire_contrat(casse.replace("  responsable: true\n", "  responsable: false\n", 1), "x.yaml")
    assert valider_contrat(c, JOUR) == []


def test_date_de_reference():
    # 15 € par jour : insuffisant à toute date ; 20 € par jour : suffisant jusqu'au 28/02/2026 (FJ 20 €), plus après (23 €)
    source = (CASSES / "regle-forfait-journalier.yaml").read_text(encoding="utf-8").replace('"15 € / jour"', '"20 € / jour"')
    c = lire_contrat(source, "x.yaml")
    assert valider_contrat(c, dt.date(2025, 6, 1)) == []
    assert {p.regle for p in valider_contrat(c, dt.date(2026, 3, 1))} == {"forfait-journalier"}
    # aides auditives : le 100 % Santé ne s'impose qu'aux contrats depuis le 01/01/2021
    c = charger("regle-100-sante-audition.yaml")
    assert [p for p in valider_contrat(c, dt.date(2020, 6, 1)) if p.gravite == "regle"] == []
    r = lancer("valider", str(CASSES / "regle-100-sante-audition.yaml"), "--date", "2020-06-01")
    assert r.exit_code == 0 and "2020-06-01" in r.stdout
    r = lancer("valider", str(CASSES / "temoin-valide.yaml"), "--date", "2020-02-30")
    assert r.exit_code == 2 and "impossible" in r.stderr and r.stdout == ""


# ------------------------------------------------------------------ the command line

def test_plusieurs_fichiers_code_le_plus_grave():
    r = lancer("valider", str(CASSES / "temoin-valide.yaml"), str(CASSES / "regle-ecart-dptm.yaml"), "--date", JOUR.isoformat())
    assert r.exit_code == 1 and "2 fichiers : 1 valide(s), 1 avec problèmes, 0 illisible(s)" in r.stdout
    r = lancer("valider", str(CASSES / "regle-ecart-dptm.yaml"), str(CASSES / "vide.yaml"), "--date", JOUR.isoformat())
    assert r.exit_code == 2 and "ecart" not in r.stderr


def test_format_json():
    r = lancer("valider", str(CASSES / "regle-ecart-dptm.yaml"), str(CASSES / "syntaxe.yaml"), "--format", "json",
               "--date", JOUR.isoformat())
    assert r.exit_code == 2
    d = json.loads(r.stdout)
    assert d["date"] == JOUR.isoformat() and d["code_sortie"] == 2
    regle, syntaxe = d["fichiers"]
    assert regle["statut"] == "problemes" and regle["contrat"] == "regle-ecart-dptm" and regle["responsable"] is True
    p = regle["problemes"][0]
    assert p["gravite"] == "regle" and p["regle"] == "ecart-dptm" and p["article"] == "R871-2 2° CSS"
    assert p["ligne"] == ligne_cassee("regle-ecart-dptm.yaml") and p["formules"] == ["option"] and p["indice"]
    assert syntaxe["statut"] == "illisible" and syntaxe["contrat"] is None
    assert syntaxe["problemes"][0]["ligne"] == ligne_cassee("syntaxe.yaml") and syntaxe["problemes"][0]["colonne"]


def test_strict_et_format_inconnu():
    r = lancer("valider", "cabinets-dentaires", "--date", JOUR.isoformat())
    assert r.exit_code == 0 and "avertissement" in r.stdout and "sage-femme" in r.stdout
    r = lancer("valider", "cabinets-dentaires", "--date", JOUR.isoformat(), "--strict")
    assert r.exit_code == 1
    r = lancer("valider", "cabinets-dentaires", "--format", "xml")
    assert r.exit_code == 2 and "format" in r.stderr


# ------------------------------------------------------------------ the shipped contracts

# Every shipped contract passes: no violation left, only documented exceptions (production-agricole and
# carcept-evolution-sante predate the 2020-2021 reforms and declare them in contrat.exceptions_responsable)
# and warnings. Checked at dates around the changes of the dated parameters too.
DATES = [JOUR, dt.date(2021, 1, 1), dt.date(2024, 5, 15), dt.date(2026, 3, 1), dt.date(2026, 4, 1)]


@pytest.mark.parametrize("chemin", contrats_livres(), ids=lambda p: p.stem)
def test_contrats_livres(chemin):
    c = charger_contrat(str(chemin))
    for jour in DATES:
        pbs = valider_contrat(c, jour)
        graves = [str(p) for p in pbs if p.gravite in ("regle", "erreur")]
        assert not graves, f"{jour} :\n" + "\n".join(graves)
        for p in pbs:
            if p.gravite == "exception":
                assert "exception déclarée (ligne " in p.message and p.ligne


def test_contrats_livres_en_ligne_de_commande():
    chemins = [str(p) for p in contrats_livres()]
    r = lancer("valider", *chemins, "--date", JOUR.isoformat())
    assert r.exit_code == 0, r.stdout
    assert f"{len(chemins)} fichiers : {len(chemins)} valide(s)" in r.stdout or len(chemins) == 1
    r = lancer("valider", "cabinets-dentaires", "--date", JOUR.isoformat())
    assert r.exit_code == 0 and "contrats/cabinets-dentaires.yaml : valide" in r.stdout


# libyaml's English problems, in French with the line:column of libyaml's mark and a hint of their own
# (hostile test C4: « syntaxe YAML invalide : found a tab character that violates indentation »).
@pytest.mark.parametrize("texte, ou, debut", [
    ("a:\n  b: 1\n\t c: 2\n", "3:1", "tabulation dans l'indentation"),
    ("a:\n\tb: 1\n", "2:1", "tabulation dans l'indentation"),                 # libyaml: « cannot start any token »
    ("a: b: c\n", "1:5", "deux-points inattendu : une valeur contient « : » sans guillemets"),
    ("a: \"abc\n", "2:1", "fin de fichier inattendue : un guillemet, un crochet ou une accolade n'est pas fermé"),
    ("a: @x\n", "1:4", "caractère « @ » en tête de valeur : il ne peut pas commencer une valeur YAML"),
    ("a:\n  b: 1\n c: 2\n", "3:2", "clé attendue : la ligne n'est pas alignée sur les clés de son bloc"),
    ("[" * 2000 + "]" * 2000, "1:1001", "imbrication trop profonde"),
    ("a: [1, 2\n", "2:1", "virgule ou crochet fermant attendu dans la liste [ … ]"),
    ("- a\nb: 1\n", "2:1", "élément de liste « - » attendu"),
    ("a: 1\n---\nb: 2\n", "2:1", "un seul document attendu"),
    ("a: b\nc: \x07\n", "2:4", "caractère de contrôle U+0007 interdit dans un fichier YAML"),
])
def test_syntaxe_yaml_en_francais(texte, ou, debut):
    from simulateur.fichiers.yaml_strict import composer
    with pytest.raises(ContratInvalide) as e:
        composer(texte, "f.yaml")
    p = e.value.problemes[0]
    message, indice = str(p).split("\n  indice : ")
    assert message.startswith(f"f.yaml:{ou}: ") and debut in message
    assert indice and not any(m in message + indice for m in ("found", "expected", "character", "nesting", "allowed"))


# What libyaml does not name, read from the text at its mark (hostile test n° 2, item 10): the alias or anchor's
# name (libyaml says « found undefined alias » without it), the end marker « ... » (libyaml asks for a « --- »
# after a « % » directive the file does not have), the character that starts the value, with its own hint.
@pytest.mark.parametrize("texte, ou, message, indice", [
    ("a: 1\nlibelle: *nope\n", "2:10", "alias « *nope » non défini", "définissez l'ancre « &nope » avant l'alias"),
    ("a: [1, *zz]\n", "1:8", "alias « *zz » non défini", "« &zz »"),
    ("a: &a 1\nb: &a 2\nc: *a\n", "2:4", "ancre « &a » définie deux fois (première : ligne 1)",
     "donnez à chaque ancre un nom différent"),
    ("a: 1\n...\nb: 2\n", "3:1", "lignes après « ... », la marque de fin de document", "retirez la ligne « ... »"),
    ("a: %x\n", "1:4", "caractère « % » en tête de valeur", "une valeur qui commence par % s'écrit entre guillemets"),
    ("a: `x\n", "1:4", "caractère « ` » en tête de valeur", "une valeur qui commence par ` s'écrit entre guillemets"),
    # a real « % » directive without « --- » keeps its own message
    ("%YAML 1.1\na: 1\n", "2:1", "début de document « --- » attendu après une directive « % »", "retirez la ligne « %… »"),
])
def test_syntaxe_yaml_nomme_ce_que_libyaml_tait(texte, ou, message, indice):
    from simulateur.fichiers.yaml_strict import composer
    with pytest.raises(ContratInvalide) as e:
        composer(texte, "f.yaml")
    dit, conseil = str(e.value.problemes[0]).split("\n  indice : ")
    assert dit.startswith(f"f.yaml:{ou}: syntaxe YAML invalide : {message}") and indice in conseil


def test_syntaxe_yaml_inconnue_sans_anglais():
    """A libyaml problem the table does not know is « erreur de syntaxe » (its position still says where):
    never the library's English."""
    from simulateur.fichiers.yaml_strict import traduire, INDICE_SYNTAXE
    assert traduire("found something new") == ("erreur de syntaxe", INDICE_SYNTAXE)


def test_tabulation_dans_un_contrat_et_des_parametres(tmp_path):
    """The same words for a contract (`valider`, exit 2) and a parameter scenario (the same reader)."""
    f = tmp_path / "tab.yaml"
    f.write_text("id: tab\nnom: x\ncontrat:\n  a: 1\n\t b: 2\n", encoding="utf-8")
    r = lancer("valider", str(f))
    assert r.exit_code == 2 and "tab.yaml:5:1: erreur : syntaxe YAML invalide : tabulation dans l'indentation" in r.stdout + r.stderr
    r = lancer("simuler", "cabinets-dentaires", "-f", "base", "-n", "biologie", "--br", "10", "--frais-reels", "10",
               "--parametres", str(f))
    assert r.exit_code == 2 and "tab.yaml:5:1: syntaxe YAML invalide : tabulation dans l'indentation" in r.stderr


@pytest.mark.parametrize("cellule, message", [
    ("40,005 € / jour, 60 jours par an", "montant 40.005 € : plus de deux décimales"),
    ("60 € par an, 30,001 € maximum par séance", "montant 30.001 € : plus de deux décimales"),
])
def test_montant_d_une_case_au_dela_du_centime_refuse(tmp_path, cellule, message):
    """A cell's euro amount beyond the cent (« 40,005 € / jour ») was rounded silently by the engine while the
    command line, the batch cells and the API refuse such an amount: `valider` refuses it with fichier:ligne.
    « 1,500 € » (= 1,50 €, a trailing zero) stays accepted, as on the command line."""
    r = lancer("contrat", "nouveau")
    assert r.exit_code == 0
    texte = r.stdout
    origine = "40 € / jour, 60 jours par an" if "jour" in cellule else "60 € par an, 30 € maximum par séance"
    assert origine in texte
    f = tmp_path / "c.yaml"
    f.write_text(texte.replace(origine, cellule, 1), encoding="utf-8")
    r = lancer("valider", str(f))
    assert r.exit_code == 1 and message in r.stdout, r.stdout
    f.write_text(texte.replace(origine, origine.replace("40 €", "40,000 €").replace("30 €", "30,00 €"), 1), encoding="utf-8")
    assert lancer("valider", str(f)).exit_code == 0


def test_formule_sans_colonne_et_plafond_negatif_dits_en_francais(tmp_path):
    """`colonnes: []` made a formula that pays nothing beyond the SS, accepted by the format; a negative annual
    ceiling was said « illisible (negatif) ». Both are refused with fichier:ligne and a French reason."""
    texte = lancer("contrat", "nouveau").stdout
    f = tmp_path / "c.yaml"
    debut = texte.index("formules:")
    ligne_formule = next(l for l in texte[debut:].splitlines() if "colonnes: [" in l)
    f.write_text(texte.replace(ligne_formule, ligne_formule[:ligne_formule.index("colonnes: [")] + "colonnes: []}", 1),
                 encoding="utf-8")
    r = lancer("valider", str(f))
    assert r.exit_code == 1 and "formule sans colonne" in r.stdout, r.stdout
    plafond = texte + ("plafonds_annuels:\n  - libelle: Dentaire\n    natures: [dentaire-prothese]\n"
                       "    montant: \"-800\"\n")
    f.write_text(plafond, encoding="utf-8")
    r = lancer("valider", str(f))
    assert "montant du plafond illisible : -800 est négatif" in r.stdout, r.stdout
    assert "(negatif)" not in r.stdout
