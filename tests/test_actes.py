"""The dated catalogue of act codes (parametres/actes/*.yaml): values by date with their sources, the
loader's strictness, `--acte` and `--dent`, the standard examples from their codes, `simulateur actes`,
and a dental quote in CSV (exemples/devis-dentaire.csv) with its totals computed by hand."""
from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from simulateur.cli import app
from simulateur.comparaison import charger_exemples
from simulateur.contrat.depot import charger_contrat
from simulateur.domaine.acte import creer_acte
from simulateur.domaine.erreurs import ActeInvalide
from simulateur.moteur.calcul import simuler
from simulateur.parametres import ErreurParametres
from simulateur.parametres.catalogue import charger_catalogue, lire_catalogue

D = Decimal
RACINE = Path(__file__).resolve().parent.parent
runner = CliRunner()


def lancer(*args):
    return runner.invoke(app, list(args), env={"COLUMNS": "120", "NO_COLOR": "1", "TERM": "dumb"})


@pytest.fixture(scope="module")
def cat():
    return charger_catalogue()


@pytest.fixture(scope="module")
def cd():
    return charger_contrat("cabinets-dentaires")


def br(cat, code, date):
    return cat.trouver(code).br(dt.date.fromisoformat(date)).valeur


# ------------------------------------------------------------------ dated values

def test_generaliste_25_puis_26_50_le_1er_novembre_2023_puis_30_le_22_decembre_2024(cat):
    # Règlement arbitral (JO 30/04/2023) : G 25 → 26,50 € le 01/11/2023 ; convention 2024-2029 : 30 € le 22/12/2024.
    assert br(cat, "G", "2023-10-31") == D("25.00")
    assert br(cat, "G", "2023-11-01") == br(cat, "G", "2024-12-21") == D("26.50")
    assert br(cat, "G", "2024-12-22") == br(cat, "G", "2025-06-01") == D("30.00")


def test_detartrage_43_38_en_2025(cat):
    # HBJD001 : 28,92 € (CCAM, affichages réglementaires) puis 43,38 € (convention dentaire 2023), date d'effet au
    # plus tard le 01/06/2024 (BR des exemples APRIL) — non confirmé, dit dans ccam.yaml.
    assert br(cat, "HBJD001", "2024-05-31") == D("28.92")
    assert br(cat, "HBJD001", "2024-06-01") == br(cat, "HBJD001", "2025-06-01") == D("43.38")
    v = cat.trouver("HBJD001").br(dt.date(2025, 6, 1))
    assert "APRIL" in v.source and "non confirmé" in v.reference


def test_detartrage_2025_dans_le_moteur(cd):
    # 43,38 × 60 % = 26,028 → 26,03 € (exemple-type D2) ; base « 100 % BR » : 43,38 − 26,03 = 17,35.
    r = simuler(cd, "base", creer_acte(acte="HBJD001", frais_reels="43.38", date="2025-06-01"))
    assert (r.base_remboursement, r.securite_sociale, r.parts[0].montant) == (D("43.38"), D("26.03"), D("17.35"))


def test_critere_simuler_acte_g():
    # simulateur simuler cabinets-dentaires --formule base --acte G --frais-reels 30 --date 2025-06-01 :
    # BR 30 € ; SS 70 % × 30 − 2 € = 19 €.
    r = lancer("simuler", "cabinets-dentaires", "--formule", "base", "--acte", "G", "--frais-reels", "30", "--date",
               "2025-06-01", "--format", "json")
    assert r.exit_code == 0, r.stderr
    d = json.loads(r.stdout)
    assert (d["base_remboursement"], d["securite_sociale"], d["nature"]) == ("30.00", "19.00", "consultation-generaliste")


def test_panier_date_de_la_couronne_zircone_sur_molaire(cat):
    e = cat.trouver("HBLD073")
    assert e.panier_a(dt.date(2025, 12, 31)).panier == "maitrise"
    assert e.panier_a(dt.date(2026, 1, 1)).panier == "100-sante"


def test_chaque_valeur_a_reference_et_source(cat):
    for e in cat.entrees.values():
        for v in e.base_remboursement + e.limite:
            assert isinstance(v.valeur, Decimal) and v.reference.strip() and v.source.strip(), e.code
        if e.nature is not None:
            from simulateur.domaine.natures import NATURES
            assert NATURES[e.nature].taux == e.groupe_taux, e.code


# ------------------------------------------------------------------ the standard examples, from their codes

def _exemples_avec_code():
    return [e for e in charger_exemples() if e.options.get("acte")]


def test_chaque_acte_code_des_exemples_types_est_au_catalogue(cat):
    codes = {e.id: e.options["acte"] for e in _exemples_avec_code()}
    # Tous les exemples qui ont un code (H1, H2, H3, H6, O5, O6 n'en ont pas : forfait, chambre, GHS, refus SS).
    assert sorted(codes) == sorted(["H4", "H5", "S1", "S2", "S3", "S4", "S5", "S6", "S7", "S8", "D1", "D2", "D3", "D4",
                                    "O1", "O2", "O3", "O4", "A1", "A2"])
    for ident, code in codes.items():
        assert cat.trouver(code) is not None, (ident, code)


@pytest.mark.parametrize("ex", _exemples_avec_code(), ids=lambda e: e.id)
def test_exemple_type_retrouve_br_et_securite_sociale_depuis_son_code(cd, ex):
    """The code alone (no --nature, --br, --panier, --limite) gives the printed BR and Sécu payment."""
    options = {k: v for k, v in ex.options.items() if k not in ("panier", "limite")}
    r = simuler(cd, "base", creer_acte(date=ex.date, frais_reels=ex.frais_reels, **options))
    assert r.nature == ex.nature
    assert (r.base_remboursement, r.securite_sociale) == (ex.br, ex.securite_sociale)


# ------------------------------------------------------------------ --dent, codes by tooth, coefficients

def test_dent_choisit_le_code_du_materiau(cd):
    # Couronne céramo-métallique : incisive (11) → HBLD634, 100 % Santé, HLF 515 € (2025) ; molaire (36) → HBLD734,
    # libre. Base : 100 % Santé « RSS + 100 % … dans la limite des HLF » = 500 − 72 = 428 € ; libre « 125 % BR »
    # = 150 − 72 = 78 €.
    r = simuler(cd, "base", creer_acte(acte="COURONNE-CERAMO-METALLIQUE", dent="11", frais_reels="500", date="2025-06-01"))
    assert (r.acte.panier, r.acte.limite, r.parts[0].montant) == ("100-sante", D("515.00"), D("428.00"))
    r = simuler(cd, "base", creer_acte(acte="COURONNE-CERAMO-METALLIQUE", dent="36", frais_reels="500", date="2025-06-01"))
    assert (r.acte.panier, r.acte.limite, r.parts[0].montant) == ("libre", None, D("78.00"))
    with pytest.raises(ActeInvalide) as e:
        simuler(cd, "base", creer_acte(acte="COURONNE-CERAMO-METALLIQUE", frais_reels="500", date="2025-06-01"))
    assert e.value.champ == "dent"


def test_dent_hors_du_code(cd):
    with pytest.raises(ActeInvalide) as e:
        simuler(cd, "base", creer_acte(acte="HBLD634", dent="36", frais_reels="500", date="2025-06-01"))
    assert (e.value.code, e.value.details["autre"]) == ("dent-hors-acte", "HBLD734")
    r = lancer("simuler", "cabinets-dentaires", "-f", "base", "--acte", "HBLD634", "--dent", "36", "--frais-reels", "500")
    assert r.exit_code == 2 and "HBLD734" in r.stderr


def test_lettre_cle_a_coefficient(cd):
    # AMS 8,4 (kinésithérapie, 2025) : 8,4 × 2,21 = 18,564 → 18,56 € ; SS 60 % = 11,136 → 11,14 − franchise 1 €
    # = 10,14 € ; base « 100 % BR » : 18,56 − 11,14 = 7,42 €.
    r = simuler(cd, "base", creer_acte(acte="AMS 8,4", frais_reels="18.56", date="2025-06-01"))
    assert (r.base_remboursement, r.securite_sociale, r.parts[0].montant) == (D("18.56"), D("10.14"), D("7.42"))


def test_option_donnee_l_emporte_sur_le_catalogue(cd):
    r = simuler(cd, "base", creer_acte(acte="G", br="25", frais_reels="25", date="2025-06-01", dptm=True))
    assert r.base_remboursement == D("25.00")
    assert not any(h.raison == "catalogue.br" for h in r.hypotheses)


def test_code_inconnu_propose_les_proches():
    r = lancer("simuler", "cabinets-dentaires", "-f", "base", "--acte", "HBLD63", "--frais-reels", "500")
    assert r.exit_code == 2 and "code d'acte inconnu" in r.stderr and "HBLD634" in r.stderr


def test_code_sans_tarif_a_la_date():
    r = lancer("simuler", "cabinets-dentaires", "-f", "base", "--acte", "HBLD099", "--frais-reels", "1000", "--date",
               "2025-06-01")
    assert r.exit_code == 2 and "pas de base de remboursement au 2025-06-01" in r.stderr


# ------------------------------------------------------------------ simulateur actes

def test_commande_actes_json():
    d = json.loads(lancer("actes", "couronne", "incisive", "--date", "2025-06-01", "--format", "json").stdout)
    par_code = {x["code"]: x for x in d}
    assert par_code["HBLD634"]["base_remboursement"]["valeur"] == "120.00"
    assert par_code["HBLD634"]["limite"]["valeur"] == "515.00" and par_code["HBLD634"]["panier"] == "100-sante"
    assert par_code["HBLD634"]["taux_securite_sociale"] == "60"
    g = json.loads(lancer("actes", "G", "--date", "2024-06-01", "--format", "json").stdout)
    assert g[0]["code"] == "G" and g[0]["base_remboursement"]["valeur"] == "26.50"


def test_commande_actes_table():
    r = lancer("actes", "detartrage", "--date", "2025-06-01")
    assert r.exit_code == 0 and "HBJD001" in r.stdout and "43,38 €" in r.stdout and "60 %" in r.stdout
    assert lancer("actes", "--format", "xml").exit_code == 2


# ------------------------------------------------------------------ the loader's strictness

def _ecrire(tmp_path, texte):
    (tmp_path / "a.yaml").write_text(texte, encoding="utf-8")
    return tmp_path


ENTREE = '''X1:
  libelle: "test"
  nomenclature: CCAM
  nature: dentaire-soins
  groupe_taux: dentaire
  base_remboursement:
    - depuis: 2020-01-01
      valeur: {valeur}
      reference: "r"
      source: "s"
'''


def test_catalogue_refuse_un_nombre_non_quote(tmp_path):
    with pytest.raises(ErreurParametres, match="entre guillemets"):
        lire_catalogue(_ecrire(tmp_path, ENTREE.format(valeur="28.92")))
    assert len(lire_catalogue(_ecrire(tmp_path, ENTREE.format(valeur='"28.92"')))) == 1


def test_catalogue_refuse_une_base_negative(tmp_path):
    """A BR (or HLF / PLV) is euros ≥ 0 like every euro parameter: « -28.92 » refused at its `valeur:` line (8)."""
    with pytest.raises(ErreurParametres) as e:
        lire_catalogue(_ecrire(tmp_path, ENTREE.format(valeur='"-28.92"')))
    assert "a.yaml:8: actes.X1.base_remboursement : un montant en euros est positif ou nul" in str(e.value)


@pytest.mark.parametrize("remplacer, mot", [
    (("groupe_taux: dentaire", "groupe_taux: medecins"), "groupe de taux"),
    (("nature: dentaire-soins", "nature: dentaire-soin"), "nature « dentaire-soin » inconnue"),
    (("nomenclature: CCAM", "nomenclature: CIM"), "nomenclature « CIM » inconnue"),
    (('      source: "s"\n', '      source: "s"\n  dents: "11-19"\n'), "dents"),
    (('      source: "s"\n', '      source: "s"\n  panier: gratuit\n'), "panier « gratuit » inconnu"),
    (('      source: "s"\n', '      source: "s"\n  age: "environ 6"\n'), "âge"),
    (('      reference: "r"\n', ''), "reference"),
    (('libelle: "test"', 'libelle: "test"\n  couleur: rouge'), "clé inconnue « couleur »"),
])
def test_catalogue_refuse_une_entree_invalide(tmp_path, remplacer, mot):
    texte = ENTREE.format(valeur='"28.92"').replace(*remplacer)
    with pytest.raises(ErreurParametres) as e:
        lire_catalogue(_ecrire(tmp_path, texte))
    assert mot in str(e.value) and "a.yaml:" in str(e.value)


def test_catalogue_selon_dent_nomme_des_codes_existants(tmp_path):
    texte = ENTREE.format(valeur='"28.92"') + '''COURONNE-X:
  libelle: "x"
  selon_dent: {incisive: X1, canine: X1, premolaire-1: X1, premolaire-2: X1, molaire: X9}
'''
    with pytest.raises(ErreurParametres, match="« X9 », qui n'est pas un code du catalogue"):
        lire_catalogue(_ecrire(tmp_path, texte))


# ------------------------------------------------------------------ a quote in CSV

def test_devis_dentaire_ligne_a_ligne_et_total():
    """exemples/devis-dentaire.csv through cabinets-dentaires, option 2, 01/06/2025 (BR, paniers, HLF du catalogue).

    HBLD634 (incisive, 100 % Santé, BR 120, HLF 515) 500 € : SS 72 ; base « RSS + 100 % des frais restant … HLF »
      = 500 − 72 = 428 ; option « – » ; reste 0.
    HBLD090 (inlay-core 100 % Santé, BR 90, HLF 175) 175 € : SS 54 ; base 175 − 54 = 121 ; reste 0.
    HBLD491 (2e prémolaire, maîtrisé, HLF 566,50) 560 € : SS 72 ; base 125 % BR = 150 − 72 = 78 ;
      option « + 75 % BR dans la limite des HLF » = 90 (place 566,50 − 150) ; reste 560 − 240 = 320.
    HBLD734 (molaire, libre) 650 € : SS 72 ; base 78 ; option 90 ; reste 410.
    HBJD001 43,38 € : SS 60 % = 26,03 ; base 100 % BR = 17,35 ; reste 0.
    COURONNE-ZIRCONE dent 46 → HBLD073 (maîtrisé jusqu'au 31/12/2025, HLF 453,20) 440 € : SS 72 ; base 78 ;
      option 90 ; reste 200.
    Totaux : frais 2 368,38 ; SS 368,03 ; base 800,35 ; option 270 ; remboursé 1 438,38 ; reste 930.
    """
    r = lancer("lot", str(RACINE / "exemples" / "devis-dentaire.csv"), "-c", "cabinets-dentaires", "-f", "option-2",
               "--format", "json", "-s")
    assert r.exit_code == 0, r.stderr
    d = json.loads(r.stdout)
    attendu = [("72.00", "428.00", "0.00", "0.00"), ("54.00", "121.00", "0.00", "0.00"), ("72.00", "78.00", "90.00", "320.00"),
               ("72.00", "78.00", "90.00", "410.00"), ("26.03", "17.35", "0.00", "0.00"), ("72.00", "78.00", "90.00", "200.00")]
    assert [(x["securite_sociale"], x["parts"][0]["montant"], x["parts"][1]["montant"], x["reste_a_charge"]) for x in d] == attendu
    t = lancer("comparer", "cabinets-dentaires", "--formules", "option-2", "--actes",
               str(RACINE / "exemples" / "devis-dentaire.csv"), "--format", "json")
    total = json.loads(t.stdout)[0]
    assert (total["frais_reels"], total["securite_sociale"], total["total_rembourse"], total["reste_a_charge"]) == \
        ("2368.38", "368.03", "1438.38", "930.00")
    assert [p["montant"] for p in total["parts"]] == ["800.35", "270.00"]


def test_lot_sans_colonnes_nature_ni_br_avec_la_colonne_acte(tmp_path):
    f = tmp_path / "d.csv"
    f.write_text("beneficiaire,date,acte,frais_reels\nx,2025-06-01,G,30\nx,2025-06-01,,30\n", encoding="utf-8")
    r = lancer("lot", str(f), "-c", "cabinets-dentaires", "-f", "base", "--format", "json", "-s")
    d = json.loads(r.stdout)
    assert d[0]["securite_sociale"] == "19.00" and "nature absente" in d[1]["erreur"]
    f.write_text("beneficiaire,date,frais_reels\nx,2025-06-01,30\n", encoding="utf-8")
    r = lancer("lot", str(f), "-c", "cabinets-dentaires", "-f", "base")
    assert r.exit_code == 2 and "nature" in r.stderr


@pytest.mark.parametrize("commande", ["actes", "natures"])
def test_recherche_sans_resultat_code_1(commande):
    """Nothing found is exit 1 for both catalogue searches (docs/interface.md « Codes de sortie »;
    hostile test C9: `actes zzzz` exited 0, `natures zzzz` 1), in every format (JSON: an empty list)."""
    r = lancer(commande, "zzzz")
    assert r.exit_code == 1 and r.stdout == ""
    attendu = "aucun code d'acte" if commande == "actes" else "aucune nature"
    assert r.stderr == f"{attendu} ne correspond à « zzzz » ; la liste complète : simulateur {commande}\n"
    r = lancer(commande, "zzzz", "--format", "json")
    assert r.exit_code == 1 and json.loads(r.stdout) == []


@pytest.mark.parametrize("commande", ["actes", "natures"])
@pytest.mark.parametrize("texte", ["[", ".*", "%%", "٣"])
def test_recherche_sans_mot_refusee(commande, texte):
    """A search with no letter or digit to look for (`[`, `.*`) used to list the whole catalogue (89
    codes): it is refused, exit 2 (no text at all still lists everything)."""
    r = lancer(commande, texte)
    assert r.exit_code == 2 and r.stdout == ""
    assert r.stderr.startswith(f"erreur : « {texte} » : aucun mot à chercher (lettres ou chiffres")
    assert lancer(commande).exit_code == 0


def test_note_de_l_etoile_seulement_avec_une_cle_descriptive():
    """The caption explains « * » only when a row carries it: HBLD634 is an official CCAM code (no star), the
    LPP entries of hearing aids are descriptive keys of the catalogue (starred)."""
    seul = CliRunner().invoke(app, ["actes", "HBLD634", "--date", "2025-06-01"], env={"COLUMNS": "200"})
    assert seul.exit_code == 0 and "HBLD634" in seul.stdout and "clé descriptive" not in seul.stdout
    lpp = CliRunner().invoke(app, ["actes", "LPP", "--date", "2025-06-01"], env={"COLUMNS": "200"})
    assert lpp.exit_code == 0 and " *" in lpp.stdout and "* clé descriptive, pas un code officiel." in lpp.stdout
