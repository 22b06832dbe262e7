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
    """The portfolio of the property test reaches every shipped formula, every row equal. Most rows are
    computed in columns; the others: optics and hearing renewals, après-cancer, annual dental ceilings
    across layers, errors, acts with an adhesion date under per-membership-year contracts, a condition the
    row leaves empty that the Sécurité sociale reads — its beneficiary's year —, and what shares their
    counters. Measured on this harsh portfolio (errors and renewals are frequent) on 2026-12-01: 23 % of
    the rows of the collective contracts replayed (172 / 740), 24 % of the market contracts' (772 / 3 260),
    24 % of all (945 / 4 000) — before the non-responsable layers, the known fields of a cell's own state
    (« après 2 ans », « 50 € maximum par séance »…) and the missing conditions that the SS does not read
    were compiled: 39 %, 65 % and 62 %. The bounds fail if the compiled constructs stop being computed in
    columns."""
    lignes = portefeuille(7, 4000, 280)
    assert {(d["contrat"], d["formule"]) for d in lignes} == set(formules())
    bilan = identiques(csv_texte(lignes, ";"))
    assert bilan.rejouees < 0.30 * bilan.lignes
    conventionnels = [d for d in lignes if d["contrat"] in CONVENTIONNELS]
    bilan = identiques(csv_texte(conventionnels, ";"))
    assert bilan.rejouees < 0.30 * bilan.lignes


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
    with pytest.raises(ex.ExpressionInvalide, match="plus de deux décimales"):      # refused by the format itself
        ex.analyser("12.3456789 €")

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


def test_niveau_non_responsable_calcule_en_colonnes():
    """Santé TNS APRIL, formula n4 + Renfort 4 (contrats/april-sante-tns.yaml): the top-up level is
    `responsable: false`, so the contrat responsable ceiling of non-DPTM doctors (BR + 100 % BR, R871-2 2°)
    binds the socle but not the surcomplémentaire. Specialist, non DPTM, BR 30 €, FR 150 €, 2025: SS 70 % ×
    30 = 21 € − 2 € of participation forfaitaire = 19 €; socle « 200 % BR » = 60 € SS included, within the
    ceiling 60 €: 60 − 21 = 39 €; Renfort 4 « + 80 % BR » = 24 € on top (a responsable level would have
    0 € of room left); total 19 + 39 + 24 = 82 €, reste à charge 150 − 82 = 68 €. Computed in columns."""
    texte = ("beneficiaire,date,nature,br,frais_reels,dptm,age\n"
             "a,2025-03-10,consultation-specialiste,30,150,non,40\n")
    l1, l2, _b1, b2 = les_deux(texte, contrat="april-sante-tns", formule="n4+renfort-4")
    assert l1 == l2
    entete, ligne = l2.split("\n")[:2]
    resultat = dict(zip(entete.split(","), ligne.split(",")))
    assert (resultat["securite_sociale"], resultat["part_socle"], resultat["part_surco"], resultat["total_rembourse"],
            resultat["reste_a_charge"]) == ("19.00", "39.00", "24.00", "82.00", "68.00")
    assert b2.rejouees == 0


def test_enveloppe_par_seance_replie_sa_composante_seulement():
    """APRIL Senior GAN, n1: « 60 € par an, 50 € maximum par séance » (an envelope with a cap per session, not
    compiled): its acts go to the line engine with their component — the acts sharing its envelope —, not
    with their whole beneficiary. Two sessions of 70 € the same year: 50 € (the cap per session), then the
    10 € left of the 60 €; the pharmacy of the same beneficiary is computed in columns."""
    texte = ("beneficiaire,date,nature,br,frais_reels,smr,age\n"
             "a,2025-02-01,medecine-douce,,70,,70\n"
             "a,2025-02-03,medicaments,10,10,majeur,70\n"
             "a,2025-05-01,medecine-douce,,70,,70\n")
    l1, l2, _b1, b2 = les_deux(texte, contrat="april-senior-gan", formule="n1")
    assert l1 == l2
    entete, *lignes = l2.split("\n")
    total = entete.split(",").index("total_rembourse")
    assert [lignes[0].split(",")[total], lignes[2].split(",")[total]] == ["50.00", "10.00"]
    assert b2.rejouees == 2


def test_condition_manquante_hors_securite_sociale_replie_l_acte_seul():
    """APRIL Senior GAN: the medical supplies line reads the basket (« maitrise ou libre »); an act without
    `panier` is tried by the line engine at every basket (moteur.hypotheses) — 100 % BR with a basket
    maîtrisé or libre, nothing without a line for 100 % Santé: different results, an error row that names
    the basket. The basket is not read by the Sécurité sociale: the act falls back with the keys of the lines
    it may take (none with state here), not with its beneficiary's year (the biology, in columns)."""
    texte = ("beneficiaire,date,nature,br,frais_reels,age\n"
             "a,2025-02-01,fournitures-medicales,10,10,70\n"
             "a,2025-02-03,biologie,10,10,70\n")
    l1, l2, b1, b2 = les_deux(texte, contrat="april-senior-gan", formule="n1")
    assert l1 == l2
    assert b1.erreurs == 1 and "panier" in l2.split("\n")[1]
    assert b2.rejouees == 1


def test_champs_connus_non_compiles_replient_la_composante():
    """Fields the line engine knows whose state is the cell's own keys (« après 2 ans », « 50 € maximum par
    séance », « 2 actes maximum », « à partir du 4e jour », a floor or ceiling clause without state): the cell
    falls back with its component (« repli »). A count over several civil years (« 2 par période de 4
    années civiles ») reads other years' keys: unknown, its beneficiary falls back whole."""
    cles = pl_plan.Cles()
    c = pl_plan.compiler_cellule
    for texte in ("20 € / an après 2 ans", "60 € par an, 50 € maximum par séance", "150 € par an, 2 actes maximum",
                  "30 € / jour à partir du 4e jour", "90 % des frais réels, dans la limite de 150 % BR",
                  "50 % des frais réels, au minimum le ticket modérateur"):
        assert c(ex.analyser(texte), _niveau(), ("x",), cles).statut == "repli", texte
    e = ex.analyser("40 € par acte, 2 par an")
    e.termes = [dataclasses.replace(e.termes[0], annees=4)]
    assert c(e, _niveau(), ("x",), cles).statut == "inconnu"
