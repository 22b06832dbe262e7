"""The columnar engine equals the line engine, row by row, cent by cent.

The line engine (`simulateur lot --moteur ligne`) is the reference — its amounts are checked by hand
elsewhere (test_scenarios, test_lot). Here every output row and every column of the columnar path
must be the same text as the line path's, on random portfolios over EVERY shipped contract and
formula (Hypothesis, fixed seed), on a portfolio of 100 000 acts, on years that exhaust every
counter (few beneficiaries, many acts), and under reform scenarios; plus the lemma behind the
cumulative forms, and the whitelist (what is not compiled falls back, whole components of it).
"""
from __future__ import annotations

import dataclasses
import io
from decimal import Decimal

import pytest
from hypothesis import given, strategies as st

polars = pytest.importorskip("polars")

from conftest import reglages  # noqa: E402
from portefeuilles import csv_texte, formules, portefeuille  # noqa: E402
from simulateur.contrat import expressions as ex  # noqa: E402
from simulateur.contrat.depot import charger_contrat  # noqa: E402
from simulateur.lot.commande import executer_lot  # noqa: E402
from simulateur.lot.portefeuille.execution import executer_portefeuille  # noqa: E402
from simulateur.moteur.colonnes import plan as pl_plan  # noqa: E402
from simulateur.moteur.colonnes import types  # noqa: E402
from simulateur.parametres import charger_parametres, lire_fichier_parametres  # noqa: E402


def les_deux(texte: str, parametres=None, chemin=None, encodage="utf-8", **options):
    """(line output, columnar output, line Bilan, columnar Bilan) of the same batch text (given as bytes, or
    read from the file `chemin` written in `encodage`)."""
    data = texte.encode(encodage)
    ligne = io.StringIO()
    b1 = executer_lot(data, ligne, fichier="actes.csv", parametres=parametres, **options)
    colonnes = io.BytesIO()
    if chemin is not None:
        chemin.write_bytes(data)
        b2 = executer_portefeuille(str(chemin), colonnes, fichier="actes.csv", parametres=parametres, **options)
    else:
        b2 = executer_portefeuille("-", colonnes, donnees=data, fichier="actes.csv", parametres=parametres, **options)
    return ligne.getvalue(), colonnes.getvalue().decode("utf-8"), b1, b2


def identiques(texte: str, parametres=None, **options):
    """Asserts that both engines write the same rows, columns and summary; returns the columnar Bilan."""
    l1, l2, b1, b2 = les_deux(texte, parametres, **options)
    a, b = l1.split("\n"), l2.split("\n")
    assert len(a) == len(b)
    differences = [(k + 1, x, y) for k, (x, y) in enumerate(zip(a, b)) if x != y]
    assert not differences, differences[:3]
    assert (b1.lignes, b1.erreurs, b1.vides, b1.totaux, b1.premieres_erreurs) == \
        (b2.lignes, b2.erreurs, b2.vides, b2.totaux, b2.premieres_erreurs)
    return b2


# ------------------------------------------------------------------ identity

@reglages(20)
@given(graine=st.integers(0, 10 ** 6), n=st.integers(40, 600), par_beneficiaire=st.sampled_from([3, 15, 60]),
       sep=st.sampled_from([",", ";"]))
def test_colonnes_egales_ligne_sur_des_portefeuilles_au_hasard(graine, n, par_beneficiaire, sep):
    """Random portfolios over every shipped (contract, formula) — beneficiary b has formula b modulo 14 —,
    two civil years, errors, optics and hearing renewals, reforms of the rate… Every row equal."""
    beneficiaires = max(len(formules()), n // par_beneficiaire)
    identiques(csv_texte(portefeuille(graine, n, beneficiaires), sep))


CONVENTIONNELS = ("cabinets-dentaires", "production-agricole", "carcept-evolution-sante", "mcci-mccinova")


def test_chaque_formule_livree_est_couverte_et_calculee_en_colonnes():
    """The portfolio of the property test reaches every shipped formula, every row equal. Under contracts
    whose constructs are all compiled, most rows are computed in columns (the others: optics and hearing
    renewals, après-cancer, carcept-evolution-sante's dental ceiling, errors, a condition the row leaves empty — its
    beneficiary's year —, and what shares their year's counters): 39 % of them replayed on this portfolio
    when written. The market contracts fall back more (annual dental ceilings across layers, a
    non-responsable layer, per-membership-year counters with an adhesion date): 65 % of their rows, 62 %
    of all. The bounds fail if the compiled constructs stop being computed in columns."""
    lignes = portefeuille(7, 4000, 280)
    assert {(d["contrat"], d["formule"]) for d in lignes} == set(formules())
    bilan = identiques(csv_texte(lignes, ";"))
    assert bilan.rejouees < 0.8 * bilan.lignes
    conventionnels = [d for d in lignes if d["contrat"] in CONVENTIONNELS]
    bilan = identiques(csv_texte(conventionnels, ";"))
    assert bilan.rejouees < 0.45 * bilan.lignes


def test_cent_mille_actes_identiques():
    """100 000 acts (every formula, 2 000 beneficiaries over two years): every output row equal."""
    bilan = identiques(csv_texte(portefeuille(2025, 100_000, 2_000)))
    assert bilan.lignes == 100_000


@pytest.mark.parametrize("graine", [11, 12])
def test_compteurs_epuises_peu_de_beneficiaires_beaucoup_d_actes(graine):
    """Twenty beneficiaries, 600 acts each over two years: the participation forfaitaire and franchise caps
    (50 € a year each, daily caps), the envelopes, yearly counts and day tiers all run out."""
    identiques(csv_texte(portefeuille(graine, 12_000, 20)))


REFORME = """\
participation_forfaitaire.montant:
  description: Participation forfaitaire (scénario)
  unite: euro
  valeurs:
    - depuis: 2005-01-01
      jusqu_au: 2025-06-30
      valeur: "2"
      reference: "scénario de test"
      source: "test"
    - depuis: 2025-07-01
      valeur: "4"
      reference: "scénario de test"
      source: "test"
franchise.plafond_annuel:
  description: Plafond annuel des franchises (scénario)
  unite: euro
  valeurs:
    - depuis: 2008-01-01
      jusqu_au: 2025-03-31
      valeur: "50"
      reference: "scénario de test"
      source: "test"
    - depuis: 2025-04-01
      valeur: "100"
      reference: "scénario de test"
      source: "test"
pmss:
  description: PMSS (scénario)
  unite: euro
  valeurs:
    - depuis: 2018-01-01
      valeur: "4000.03"
      reference: "scénario de test"
      source: "test"
"""


def test_scenario_de_reforme_identique(tmp_path):
    """A reform with a PF of 4 € from July 2025, a franchise cap changing on 1 April 2025 (not one value over
    the year: those acts fall back) and a PMSS of 4 000,03 € (a 1/3 PMSS that is not a whole number of cents,
    and envelopes of 2 % PMSS = 80,0006 €: fall back): both engines give the same rows."""
    f = tmp_path / "reforme.yaml"
    f.write_text(REFORME, encoding="utf-8")
    p = charger_parametres().avec(lire_fichier_parametres(f))
    identiques(csv_texte(portefeuille(3, 6000, 60)), parametres=p)


def test_contrat_et_formule_en_ligne_de_commande_et_decimales_en_virgule():
    """The command line's contract and formula for rows without override; decimal comma forced."""
    lignes = [{k: v for k, v in d.items() if k not in ("contrat", "formule")} for d in portefeuille(5, 800, 40)]
    identiques(csv_texte(lignes), contrat="cabinets-dentaires", formule="option-3", decimale="virgule")


def test_fichiers_hostiles_identiques():
    """BOM, `;` and decimal commas, blank lines and lines of separators, short rows, rows with extra cells
    (blank or not), an id with a no-break space, quotes, a record over two lines, an unknown nature."""
    texte = ("\ufeffbeneficiaire;date;nature;br;frais_reels;dptm;note\n"
             "paul;2025-02-01;consultation-specialiste;31,50;80;oui;\n"
             "\n"
             ";;;;;;\n"
             "paul\u00a0;2025-02-02;biologie;10;10\n"
             "marie;2025-03-01;biologie;10;10;;;;\n"
             "marie;2025-03-02;biologie;10;10;;x;y\n"
             'luc;2025-03-02;biologie;10;10;;"a;b"\n'
             'luc;2025-03-03;biologie;10;10;;"deux\nlignes"\n'
             "luc;2025-03-04;inconnue;10;10;;\n")
    identiques(texte, contrat="cabinets-dentaires", formule="option-2")
    identiques(texte.replace('"', ""), contrat="production-agricole", formule="option-1")


@pytest.mark.parametrize("encodage,fin", [("utf-8", "\n"), ("utf-8-sig", "\r\n"), ("cp1252", "\n"), ("utf-16", "\n"),
                                          ("utf-8", "\r")])
def test_fichiers_lus_par_blocs_encodages_et_fins_de_ligne(tmp_path, encodage, fin):
    """A file read by blocks (or in memory: UTF-16, lone carriage returns): UTF-8 with or without BOM,
    Windows-1252 (an « é » that is not UTF-8), CRLF and classic Mac line ends — the line path's rows."""
    texte = csv_texte(portefeuille(13, 400, 40), ";").replace("B0000", "Bé000").replace("\n", fin)
    identiques(texte, chemin=tmp_path / "actes.csv", encodage=encodage)


def test_petits_blocs_et_taches_memes_resultats(tmp_path, monkeypatch):
    """Blocks of 2 000 bytes, tasks of 3 blocks, blank lines here and there: the places, line numbers and
    blank lines counted across block boundaries are the line path's."""
    from simulateur.lot.portefeuille import lecture
    monkeypatch.setattr(lecture, "TAILLE_BLOC", 2000)
    monkeypatch.setattr(lecture, "BLOCS_PAR_TACHE", 3)
    lignes = csv_texte(portefeuille(14, 600, 60)).split("\n")
    texte = "\n".join(l if k % 37 else l + "\n" for k, l in enumerate(lignes))
    bilan = identiques(texte, chemin=tmp_path / "actes.csv")
    assert bilan.vides > 10


def test_partitions_nombreuses_memes_resultats(monkeypatch):
    """Partitions of about 300 rows (ten of them): the same output as one partition."""
    from simulateur.lot.portefeuille import execution
    texte = csv_texte(portefeuille(9, 3000, 300))
    monkeypatch.setattr(execution, "RANGEES_PARTITION", 300)
    bilan = identiques(texte)
    assert bilan.lignes == 3000


# ------------------------------------------------------------------ the lemma of the cumulative forms

@reglages(200)
@given(demandes=st.lists(st.integers(0, 5000), max_size=40), plafond=st.integers(0, 20_000))
def test_somme_saturee_egale_la_regle_sequentielle(demandes, plafond):
    """u_i = min(d_i, max(C − U_{i−1}, 0)) act after act equals min(C, D_i) − min(C, D_i − d_i) (cumuls.py)."""
    from simulateur.moteur.colonnes.cumuls import cumul_contigu, sature
    attendus, utilise = [], 0
    for d in demandes:
        u = min(d, max(plafond - utilise, 0))
        attendus.append(u)
        utilise += u
    df = polars.DataFrame({"g": [1] * len(demandes), "d": demandes}, schema={"g": polars.Int64, "d": polars.Int64})
    u, _reste = sature(polars.col("d"), cumul_contigu(polars.col("d"), ["g"]), polars.lit(plafond))
    assert df.select(u=u)["u"].to_list() == attendus


# ------------------------------------------------------------------ the whitelist

def test_champs_inconnus_derives_de_la_table_des_champs():
    """Every field of CHAMPS is compiled, known-but-not-compiled, or unknown — a field added later by another
    change is unknown (its rows send their beneficiary to the line engine) without any list to edit."""
    from simulateur.domaine.champs import CHAMPS
    noms = {c.nom for c in CHAMPS}
    assert noms == set(types.COMPILES) | set(types.REPLI_COMPOSANTE) | set(types.INCONNUS)
    assert not set(types.INCONNUS) & (set(types.COMPILES) | set(types.REPLI_COMPOSANTE))


def test_un_champ_inconnu_donne_envoie_le_beneficiaire_au_moteur_ligne(monkeypatch):
    """Pretend that `oreille` is a field added by another change: the rows where it is given, and every
    other row of their beneficiaries, are computed by the line engine — the output is still the line's."""
    monkeypatch.setattr(types, "INCONNUS", types.INCONNUS + ("oreille",))
    texte = ("beneficiaire,date,nature,br,frais_reels,oreille\n"
             "a,2025-01-02,biologie,10,10,\n"
             "a,2025-01-03,biologie,10,10,droite\n"
             "b,2025-01-03,biologie,10,10,\n")
    bilan = identiques(texte, contrat="cabinets-dentaires", formule="base")
    assert bilan.rejouees == 2          # both rows of « a »; « b » in columns


def _niveau(convention="inclut-ss"):
    from simulateur.contrat.modele import Niveau
    return Niveau("n", "N", convention)


def test_liste_blanche_des_termes():
    """Compiled: rates, SS, euros, per unit / day / act, PMSS, envelopes, forfait, 100 % Santé. Not compiled
    (the line engine): the frame forfait, two stateful terms in one cell, an amount finer than the µ€, an
    unknown term class (a subclass made by another change) or an unknown field of a known term."""
    cles = pl_plan.Cles()
    c = pl_plan.compiler_cellule
    assert c(ex.analyser("100 % BR + 50 € / an"), _niveau(), ("x",), cles).statut == "ok"
    assert c(ex.analyser("75 € / jour pendant 60 jours par an, puis 25 € / jour"), _niveau(), ("x",), cles).statut == "ok"
    assert c(ex.analyser("1/3 PMSS"), _niveau(), ("x",), cles).statut == "ok"
    assert c(ex.analyser("–"), _niveau(), ("x",), cles).statut == "rien"
    assert c(ex.analyser("forfait de 200 € dont au maximum 100 € pour la monture"), _niveau(), ("x",), cles).statut == "repli"
    assert c(ex.analyser("40 € / an + crédit 50 € par année civile"), _niveau(), ("x",), cles).statut == "repli"
    assert c(ex.analyser("12.3456789 €"), _niveau(), ("x",), cles).statut == "repli"

    @dataclasses.dataclass(slots=True, eq=False)
    class EnveloppeBiennale(ex.Enveloppe):
        annees: int = 2

    e = ex.analyser("crédit 50 € par année civile")
    e.termes = [EnveloppeBiennale(e.termes[0].texte, montant=Decimal(50))]
    assert c(e, _niveau(), ("x",), cles).statut == "inconnu"


def test_un_champ_ajoute_au_format_de_contrat_fait_replier():
    """A field added to a structure of the contract format (issue 11), at a value other than its default:
    the plan does not know it and does not compile what uses it."""
    @dataclasses.dataclass(slots=True, eq=False)
    class LigneEtendue:
        index: int = 0
        plafond_par_acte: Decimal | None = None

    assert pl_plan.inconnus(LigneEtendue(), {"index"}) == []
    assert pl_plan.inconnus(LigneEtendue(plafond_par_acte=Decimal(10)), {"index"}) == ["plafond_par_acte"]


COMPTEURS = """\
contrat:
  id: compteurs-partages
  nom: "Contrat fabriqué pour les tests (compteurs partagés)"
  source: "tests/test_colonnes.py"
  responsable: false
niveaux:
  base: {libelle: Base, convention: en-complement}
colonnes:
  base: {niveau: base, libelle: Base}
formules:
  base: {libelle: Base, colonnes: [base]}
garanties:
  - section: Médecines douces
    lignes:
      - libelle: Ostéopathie
        nature: medecine-douce
        compteurs: douces
        base: "40 € / an"
      - libelle: Nutritionniste
        nature: nutritionniste
        compteurs: douces
        base: "30 € par séance, 2 par an"
      - libelle: Sevrage
        nature: sevrage-tabagique
        compteurs: tabac
        base: "50 € / an"
      - libelle: Vaccins
        nature: vaccins-non-rembourses
        compteurs: tabac
        base: "50 € / an"
"""


def test_cles_partagees_de_sortes_differentes_font_replier(tmp_path):
    """Two lines sharing `compteurs` whose first term is an envelope in one and a yearly count in the other:
    the key has no single ceiling, both cells fall back (plan._coherence); two lines sharing an envelope of
    the same amount are compiled, and consume one envelope: 50 € a year for sevrage + vaccins together.
    Sevrage 30 € then vaccins 30 € the same year: 30 €, then what is left, 20 €."""
    f = tmp_path / "compteurs.yaml"
    f.write_text(COMPTEURS, encoding="utf-8")
    c = charger_contrat(str(f))
    cellules = pl_plan.compiler_contrat(c, pl_plan.Cles())
    statuts = {l.libelle: cellules[(l.index, "base")].statut for l in c.lignes}
    assert statuts == {"Ostéopathie": "repli", "Nutritionniste": "repli", "Sevrage": "ok", "Vaccins": "ok"}
    texte = ("beneficiaire,date,nature,br,frais_reels\n"
             "a,2025-01-02,sevrage-tabagique,,30\n"
             "a,2025-02-02,vaccins-non-rembourses,,30\n"
             "a,2025-03-02,medecine-douce,,30\n"
             "a,2025-03-03,nutritionniste,,30\n")
    l1, l2, _b1, b2 = les_deux(texte, contrat=str(f), formule="base")
    assert l1 == l2
    assert [x.split(",")[-4] for x in l2.split("\n")[1:3]] == ["30.00", "20.00"]     # total_rembourse
    assert b2.rejouees == 2
