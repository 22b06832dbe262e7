"""Hostile input: the parsers answer with a clear error, never another exception, never a hang.

Fuzzed with Hypothesis (fixed seed): the guarantee-expression parser (`analyser`), the contract
loader (`lire_contrat`) on random text and on truncated / mutated versions of the shipped files,
then the validation and the engine on whatever still loads, and the batch CSV reader
(`simulateur.lot.lire_actes`) on random, truncated and mutated versions of the example files.
A deadline per example catches a catastrophic regex or a quadratic path.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
import io
from pathlib import Path

import pytest
from hypothesis import given, strategies as st

from simulateur import creer_acte, simuler
from simulateur.contrat import Contrat, contrats_livres, lire_contrat
from simulateur.domaine.erreurs import ContratInvalide, ErreurSimulateur
from simulateur.contrat.expressions import Expression, ExpressionInvalide, analyser
from simulateur.domaine.natures import NATURES
from simulateur.parametres import ParametreIndisponible
from simulateur.contrat.validation import valider_contrat

RACINE = Path(__file__).resolve().parent.parent
LIVRES = {p.name: p.read_text(encoding="utf-8") for p in contrats_livres()}
TEMOIN = (Path(__file__).parent / "contrats_casses" / "temoin-valide.yaml").read_text(encoding="utf-8")
SOURCES = sorted(LIVRES.items()) + [("temoin-valide.yaml", TEMOIN)]
REFUS = (ErreurSimulateur, ParametreIndisponible)


from conftest import reglages as _reglages  # noqa: E402  (SIMULATEUR_TESTS_FACTEUR, SIMULATEUR_TESTS_HASARD)


def reglages(n: int, delai_ms: int | None = 2000):
    return _reglages(n, delai_ms)


# ------------------------------------------------------------------ the expression parser

JETONS = ["100", "120", "0,5", "1 700", "2/3", "%", "BR", "FR", "€", "+", "/", ",", "par", "an", "jour", "jours", "acte",
          "actes", "séance", "verre", "appareil", "œil", "crédit", "annuel", "année civile", "PMSS", "du", "des", "de", "la",
          "limité à", "dans la limite des", "HLF", "PLV", "RSS", "Sécurité sociale", "frais réels", "forfait", "dont",
          "au maximum", "pour la monture", "pendant", "maximum", "puis", "illimité", "prise en charge", "réglementaire",
          "restant à charge après SS", "–", "néant", "en complément", "bénéficiaire", "1", "4", "60", "(", ")", "..", "-"]
expressions = st.one_of(
    st.text(max_size=120),
    st.lists(st.sampled_from(JETONS), max_size=14).map(" ".join),
    st.lists(st.sampled_from(JETONS), max_size=30).map("".join),
)


@reglages(2500, delai_ms=500)
@given(texte=expressions)
def test_analyser_ne_plante_jamais(texte):
    try:
        e = analyser(texte)
    except ExpressionInvalide as err:
        assert str(err)              # a message, in French, with the accepted forms
        return
    assert isinstance(e, Expression) and e.texte is not None
    assert e.rien or e.termes


@reglages(300, delai_ms=500)
@given(texte=st.text(min_size=301, max_size=5000))
def test_analyser_refuse_les_expressions_trop_longues(texte):
    with pytest.raises(ExpressionInvalide, match="trop longue"):
        analyser(texte)


def test_analyser_valeurs_non_texte():
    for v in (1.5, True, False):
        with pytest.raises(ExpressionInvalide):
            analyser(v)
    assert analyser(None).rien and analyser(0).rien


# Well-formed guarantees, built from the accepted forms (docs/format-contrat.md) with random figures.
_N = st.one_of(st.integers(0, 999).map(str), st.integers(0, 99_999).map(lambda c: f"{c // 100},{c % 100:02d}"))
_TERMES = st.one_of(
    _N.map(lambda n: f"{n} % BR"), _N.map(lambda n: f"{n} €"), _N.map(lambda n: f"{n} € / jour"),
    st.tuples(_N, st.integers(1, 400)).map(lambda t: f"{t[0]} € / jour, {t[1]} jours / an"),
    st.tuples(_N, st.integers(1, 100), _N).map(lambda t: f"{t[0]} € / jour pendant {t[1]} jours par an, puis {t[2]} € / jour"),
    _N.map(lambda n: f"crédit {n} € par année civile"), _N.map(lambda n: f"{n} € / an"),
    _N.map(lambda n: f"crédit annuel {n} % PMSS"), st.tuples(st.integers(1, 9), st.integers(1, 9)).map(lambda t: f"{t[0]}/{t[1]} PMSS"),
    st.tuples(_N, st.integers(0, 10)).map(lambda t: f"{t[0]} € par acte, limité à {t[1]} actes par an"),
    st.tuples(_N, st.sampled_from(["verre", "appareil", "œil", "séance", "boîte"])).map(lambda t: f"{t[0]} € / {t[1]}"),
    st.sampled_from(["100 % FR", "frais réels", "100 % FR limité au forfait réglementaire", "prise en charge",
                     "Sécurité sociale", "RSS"]),
    st.tuples(_N, _N).map(lambda t: f"forfait de {t[0]} € dont au maximum {t[1]} € pour la monture"),
)
GARANTIES = st.one_of(
    st.tuples(st.booleans(), st.lists(_TERMES, min_size=1, max_size=3),
              st.sampled_from(["", ", dans la limite des HLF", " dans la limite des PLV"])).map(
        lambda t: ("+ " if t[0] else "") + " + ".join(t[1]) + t[2]),
    st.just("RSS + 100 % des frais restant à charge après SS, dans la limite des PLV"),
)


@reglages(1000, delai_ms=500)
@given(texte=GARANTIES)
def test_formes_acceptees_analysees(texte):
    try:
        analyser(texte)
    except ExpressionInvalide as e:     # a well-formed sum may still be refused (e.g. two envelopes): with a message
        assert str(e)


# An expression that parses must also be computable: put it in a one-line contract and simulate.
CONTRAT_UNE_LIGNE = """contrat: {{id: fuzz, nom: fuzz, source: fuzz, responsable: {resp}}}
niveaux: {{n: {{libelle: N, convention: {conv}}}}}
colonnes: {{c: {{niveau: n}}}}
formules: {{f: {{colonnes: [c]}}}}
garanties:
  - section: S
    lignes:
      - {{libelle: L, nature: {nature}, c: {cellule}}}
"""


@reglages(2000)
@given(texte=st.one_of(GARANTIES, GARANTIES, st.lists(st.sampled_from(JETONS), min_size=1, max_size=12).map(" ".join)),
       nature=st.sampled_from(sorted(NATURES)), conv=st.sampled_from(["inclut-ss", "en-complement"]),
       resp=st.booleans(), br=st.integers(0, 300_000), fr=st.integers(0, 300_000), q=st.integers(1, 40))
def test_expression_analysee_est_calculable(texte, nature, conv, resp, br, fr, q):
    try:
        analyser(texte)
    except ExpressionInvalide:
        return
    import json
    source = CONTRAT_UNE_LIGNE.format(resp=str(resp).lower(), conv=conv, nature=nature, cellule=json.dumps(texte, ensure_ascii=False))
    contrat = lire_contrat(source, "fuzz.yaml")
    try:
        acte = creer_acte(nature=nature, date="2025-06-01", br=str(br / 100), frais_reels=str(fr / 100), quantite=q,
                          dptm=True, panier="libre", age=40, verres="simple+complexe", monture=str(fr / 200), limite=str(fr / 100))
        r = simuler(contrat, "f", acte)
    except REFUS:
        return
    assert r.securite_sociale + sum(p.montant for p in r.parts) + r.reste_a_charge == r.frais_reels
    assert all(p.montant >= 0 for p in r.parts) and r.reste_a_charge >= r.participation_forfaitaire


# ------------------------------------------------------------------ the contract loader

@st.composite
def contrats_abimes(draw):
    """A shipped contract (or the témoin), truncated, with lines dropped, doubled, swapped, re-indented or bytes changed."""
    nom, texte = draw(st.sampled_from(SOURCES))
    lignes = texte.splitlines(keepends=True)
    for _ in range(draw(st.integers(1, 4))):
        if not lignes:
            break
        i = draw(st.integers(0, len(lignes) - 1))
        geste = draw(st.sampled_from(["tronquer", "supprimer", "doubler", "echanger", "indenter", "desindenter",
                                      "caractere", "couper-ligne", "vider-valeur", "alias"]))
        if geste == "tronquer":
            lignes = lignes[:i] + ([lignes[i][: draw(st.integers(0, len(lignes[i])))]] if lignes else [])
        elif geste == "supprimer":
            del lignes[i]
        elif geste == "doubler":
            lignes.insert(i, lignes[i])
        elif geste == "echanger":
            j = draw(st.integers(0, len(lignes) - 1))
            lignes[i], lignes[j] = lignes[j], lignes[i]
        elif geste == "indenter":
            lignes[i] = "  " + lignes[i]
        elif geste == "desindenter":
            lignes[i] = lignes[i].lstrip(" ")
        elif geste == "caractere":
            pos = draw(st.integers(0, len(lignes[i])))
            c = draw(st.one_of(st.sampled_from(list(":-[]{}&*!|>'\"#%@`,?\t\x00\ufeff")), st.characters()))
            lignes[i] = lignes[i][:pos] + c + lignes[i][pos + draw(st.integers(0, 1)):]
        elif geste == "couper-ligne":
            pos = draw(st.integers(0, len(lignes[i])))
            lignes[i] = lignes[i][:pos] + "\n" + lignes[i][pos:]
        elif geste == "vider-valeur":
            if ":" in lignes[i]:
                lignes[i] = lignes[i].split(":", 1)[0] + ":\n"
        elif geste == "alias":
            lignes[i] = lignes[i].replace(": ", ": *a ", 1)
    return nom, "".join(lignes)


@reglages(600)
@given(entree=contrats_abimes())
def test_chargeur_contrat_abime(entree):
    nom, texte = entree
    try:
        contrat = lire_contrat(texte, nom)
    except ContratInvalide as e:
        assert e.problemes and all(p.message for p in e.problemes)
        assert all(isinstance(p.ligne, int) or p.ligne is None for p in e.problemes)
        return
    assert isinstance(contrat, Contrat)


@reglages(200, delai_ms=20_000)
@given(entree=contrats_abimes(), data=st.data())
def test_contrat_abime_qui_se_charge_reste_calculable(entree, data):
    """Whatever still loads can be validated and simulated: only clear refusals."""
    nom, texte = entree
    try:
        contrat = lire_contrat(texte, nom)
    except ContratInvalide:
        return
    for p in valider_contrat(contrat, dt.date(2025, 6, 1)):
        assert p.gravite != "erreur" or "erreur interne" not in p.message, str(p)
    nature = data.draw(st.sampled_from(sorted(contrat.par_nature) or sorted(NATURES)))
    for f in contrat.formules:
        try:
            acte = creer_acte(nature=nature, date="2025-06-01", br="100", frais_reels="250", dptm=False, panier="libre",
                              age=30, verres="simple+simple", monture="100", limite="250")
            simuler(contrat, f, acte)
        except REFUS:
            pass


@reglages(600)
@given(texte=st.one_of(st.text(max_size=400), st.binary(max_size=400).map(lambda b: b.decode("utf-8", "replace")),
                       st.lists(st.sampled_from(["contrat:", "  id: x", "niveaux:", "- ", "&a", "*a", "!!python/object:os.system",
                                                 "{", "}", "[", "]", ": ", "\n", "  ", "garanties:", "lignes:", "'", '"', "?"]),
                                max_size=40).map("".join)))
def test_chargeur_texte_quelconque(texte):
    try:
        lire_contrat(texte, "quelconque.yaml")
    except ContratInvalide as e:
        assert e.problemes


def test_chargeur_refuse_trop_grand_vite():
    import time
    from simulateur.contrat.chargeur import TAILLE_MAX
    debut = time.perf_counter()
    with pytest.raises(ContratInvalide, match="trop grand"):
        lire_contrat("a" * (TAILLE_MAX + 1), "gros.yaml")
    assert time.perf_counter() - debut < 1


# ------------------------------------------------------------------ the batch CSV reader

lot = pytest.importorskip("simulateur.lot", reason="simulateur.lot absent")
EXEMPLES = [p.read_text(encoding="utf-8") for p in sorted((RACINE / "exemples").glob("*.csv"))] or [
    "beneficiaire,date,nature,br,frais_reels\nx,2025-01-09,consultation-generaliste,30.00,30.00\n"]


@st.composite
def csv_abimes(draw):
    texte = draw(st.sampled_from(EXEMPLES))
    geste = draw(st.sampled_from(["tronquer", "caracteres", "lignes", "aleatoire", "separateur"]))
    if geste == "tronquer":
        return texte[: draw(st.integers(0, len(texte)))]
    if geste == "caracteres":
        for _ in range(draw(st.integers(1, 8))):
            pos = draw(st.integers(0, len(texte)))
            c = draw(st.one_of(st.sampled_from(list(',;"\n\r\t\x00\ufeff€-.')), st.characters()))
            texte = texte[:pos] + c + texte[pos + draw(st.integers(0, 1)):]
        return texte
    if geste == "lignes":
        lignes = texte.splitlines(keepends=True)
        lignes = draw(st.lists(st.sampled_from(lignes), max_size=20)) if lignes else []
        return "".join(lignes[:1] + lignes)
    if geste == "separateur":
        return texte.replace(",", draw(st.sampled_from([";", "\t", "|", ""])))
    return draw(st.text(max_size=300))


@reglages(600)
@given(texte=csv_abimes())
def test_lecteur_csv_abime(texte):
    try:
        lignes = list(lot.lire_actes(io.StringIO(texte)))
    except ErreurSimulateur as e:
        assert str(e)
        return
    for l in lignes:
        assert (l.acte is None) == (l.erreur is not None) or l.erreur is not None
    # and the batch computes every row or says why, without raising
    for res in lot.simuler_lot(lignes, "cabinets-dentaires", "option-2"):
        assert (res.resultat is None) == (res.erreur is not None)


@reglages(400)
@given(donnees=st.one_of(csv_abimes().map(lambda t: t.encode("utf-8", "surrogatepass")), st.binary(max_size=400),
                         st.sampled_from(EXEMPLES).flatmap(lambda t: st.integers(0, len(t.encode())).map(lambda i: t.encode()[:i]))))
def test_executer_lot_abime(donnees):
    """The command's own reader (`simulateur lot`): bytes in, only LotInvalide / ErreurSimulateur out."""
    sortie = io.StringIO()
    try:
        bilan = lot.executer_lot(donnees, sortie, contrat="cabinets-dentaires", formule="option-2", fichier="fuzz.csv")
    except ErreurSimulateur as e:
        assert str(e)
        return
    assert bilan is not None


def test_lire_actes_retour_chariot_isole():
    texte = "beneficiaire,date,nature,br,frais_reels\rx,2025-01-09,consultation-generaliste,30.00,30.00\r"
    lignes = list(lot.lire_actes(io.StringIO(texte)))
    assert len(lignes) == 1 and lignes[0].erreur is None and lignes[0].acte.frais_reels == Decimal("30.00")


def test_executer_lot_fins_de_ligne_cr():
    donnees = b"beneficiaire,date,nature,br,frais_reels,dptm\rx,2025-01-09,consultation-generaliste,30.00,30.00,oui\r"
    sortie = io.StringIO()
    lot.executer_lot(donnees, sortie, contrat="cabinets-dentaires", formule="option-2", fichier="cr.csv")
    assert "2025-01-09" in sortie.getvalue().split("\n", 1)[-1], "la ligne d'acte a disparu"
