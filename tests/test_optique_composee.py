"""Composed optics equipment (`composition: {monture: …, verres: …}`, docs/format-contrat.md « Lignes
composées ») in a formula of two levels: a base written Sécurité sociale included (`inclut-ss`) and a
top-up written `en-complement`. The top-up pays on each component (the frame, the two lenses) only
what is LEFT of its price after the Sécurité sociale's share and the base's part on it.

Common figures (every case): class B equipment, BR 0,15 € shared in thirds (0,05 € per element),
SS 60 % (LPP, art. R160-5 8° CSS) = 0,09 €, i.e. 0,03 € on the frame and 0,06 € on the two lenses.
Contrat responsable: frame at most 100 € SS included, simple + simple equipment at most 420 € SS
included (art. R871-2 3° CSS, décret 2019-21 du 11/01/2019).
"""
from __future__ import annotations

import csv
import io
import textwrap
from decimal import Decimal

import pytest
from typer.testing import CliRunner

from simulateur import creer_acte, simuler
from simulateur.cli import app
from simulateur.contrat import lire_contrat
from simulateur.rendu.explication import explication_dict

D = Decimal

CONTRAT = textwrap.dedent("""\
    contrat: {id: essai-optique, nom: Essai optique, source: essai, responsable: true}
    niveaux:
      base: {libelle: Garantie, convention: inclut-ss}
      renfort: {libelle: Renfort, convention: en-complement}
    colonnes:
      conf: {niveau: base, libelle: Confort}
      conf90: {niveau: base, libelle: Confort 90}
      renf: {niveau: renfort, libelle: Renfort}
    formules:
      confort-plus: {colonnes: [conf, renf]}
      confort90-plus: {colonnes: [conf90, renf]}
    garanties:
      - section: Optique
        lignes:
          - libelle: Monture
            nature: optique-monture
            conf: 100 % BR + 50 €
            conf90: 100 % BR + 90 €
            renf: + 30 €
          - libelle: Verre simple
            nature: optique-verre
            si: {correction: simple}
            conf: 100 % BR + 60 € par verre
            conf90: 100 % BR + 60 € par verre
            renf: + 20 € / verre
          - libelle: Équipement
            nature: optique-equipement
            si: {panier: [maitrise, libre]}
            composition: {monture: optique-monture, verres: optique-verre}
    """)


@pytest.fixture(scope="module")
def contrat():
    return lire_contrat(CONTRAT, "essai-optique.yaml")


def _resultat(contrat, formule, frais_reels, monture):
    acte = creer_acte(nature="optique-equipement", date="2025-06-01", br="0.15", frais_reels=frais_reels,
                      monture=monture, verres="simple+simple", panier="libre", age=40)
    r = simuler(contrat, formule, acte)
    explication_dict(r)          # every step of the explanation can be worded (PHRASES)
    return r


def test_monture_bon_marche_le_renfort_ne_la_repaie_pas(contrat):
    # FR 340, monture 40, verres 300.
    # Confort (inclut-ss) : monture min(0,05 + 50, prix 40, plafond 100) = 40 ; verres 2 × (0,05 + 60) = 120,10 (≤ 300) ;
    #   total 160,10 − SS 0,09 = 160,01 ; part sur la monture 40 − 0,03 = 39,97, sur les verres 120,10 − 0,06 = 120,04.
    # Renfort (en-complement) : reste sur la monture 40 − 0,03 − 39,97 = 0 → 0 (au lieu de 30) ;
    #   reste sur les verres 300 − 0,06 − 120,04 = 179,90 → 2 × 20 = 40. Renfort 40,00.
    # Total 0,09 + 160,01 + 40 = 200,10 ; reste à charge 340 − 200,10 = 139,90 (plafond équipement 420 non atteint).
    r = _resultat(contrat, "confort-plus", "340", "40")
    assert r.securite_sociale == D("0.09")
    assert {p.niveau: p.montant for p in r.parts} == {"base": D("160.01"), "renfort": D("40.00")}
    assert r.total_rembourse == D("200.10") and r.reste_a_charge == D("139.90")


def test_verres_bon_marche_le_renfort_ne_les_repaie_pas(contrat):
    # FR 530, monture 500, verres 30.
    # Confort : monture min(50,05, 500, 100) = 50,05 ; verres min(120,10, 30) = 30 ; total 80,05 − 0,09 = 79,96 ;
    #   part sur la monture 50,05 − 0,03 = 50,02, sur les verres 30 − 0,06 = 29,94.
    # Renfort : monture min(30, min(500, 100) − 0,03 − 50,02 = 49,95) = 30 ;
    #   verres : reste 30 − 0,06 − 29,94 = 0 → 0 (au lieu de « verres retenus 30 »). Renfort 30,00.
    # Total 0,09 + 79,96 + 30 = 110,05 ; reste à charge 530 − 110,05 = 419,95.
    r = _resultat(contrat, "confort-plus", "530", "500")
    assert {p.niveau: p.montant for p in r.parts} == {"base": D("79.96"), "renfort": D("30.00")}
    assert r.total_rembourse == D("110.05") and r.reste_a_charge == D("419.95")


def test_plafond_responsable_de_la_monture_sur_le_renfort(contrat):
    # FR 500, monture 200, verres 300.
    # Confort 90 : monture min(0,05 + 90, 200, 100) = 90,05 ; verres 120,10 ; total 210,15 − 0,09 = 210,06 ;
    #   part sur la monture 90,05 − 0,03 = 90,02, sur les verres 120,04.
    # Renfort : monture min(30, min(200, plafond 100) − 0,03 − 90,02 = 9,95) = 9,95 (la monture reçoit en tout
    #   0,03 + 90,02 + 9,95 = 100, le plafond responsable SS incluse) ; verres min(40, 300 − 0,06 − 120,04 = 179,90) = 40.
    # Renfort 49,95 ; total 0,09 + 210,06 + 49,95 = 260,10 ; reste à charge 500 − 260,10 = 239,90.
    r = _resultat(contrat, "confort90-plus", "500", "200")
    assert {p.niveau: p.montant for p in r.parts} == {"base": D("210.06"), "renfort": D("49.95")}
    assert r.total_rembourse == D("260.10") and r.reste_a_charge == D("239.90")
    textes = str(explication_dict(r))
    assert "monture retenue : 9,95 €" in textes and "plafond responsable 100,00 €" in textes


def test_lot_deux_equipements_moteur_colonnes_comme_moteur_ligne(tmp_path):
    # Les deux premiers cas, pour deux bénéficiaires (un équipement chacun : pas de renouvellement en jeu).
    # Le moteur en colonnes renvoie l'optique au moteur ligne (docs/portefeuille.md) : même sortie octet pour octet.
    pytest.importorskip("polars")
    f_contrat = tmp_path / "essai-optique.yaml"
    f_contrat.write_text(CONTRAT, encoding="utf-8")
    f = tmp_path / "actes.csv"
    f.write_text("beneficiaire,date,nature,br,frais_reels,panier,age,monture,verres\n"
                 "anne,2025-06-01,optique-equipement,0.15,340,libre,40,40,simple+simple\n"
                 "paul,2025-06-01,optique-equipement,0.15,530,libre,40,500,simple+simple\n", encoding="utf-8")
    runner = CliRunner()
    sorties = {}
    for moteur in ("ligne", "colonnes"):
        r = runner.invoke(app, ["lot", str(f), "-c", str(f_contrat), "-f", "confort-plus", "--moteur", moteur])
        assert r.exit_code == 0, r.stderr
        sorties[moteur] = r.stdout
    assert sorties["colonnes"] == sorties["ligne"]
    lignes = list(csv.DictReader(io.StringIO(sorties["colonnes"])))
    assert [(l["securite_sociale"], l["part_base"], l["part_renfort"], l["total_rembourse"], l["reste_a_charge"])
            for l in lignes] == [("0.09", "160.01", "40.00", "200.10", "139.90"),
                                 ("0.09", "79.96", "30.00", "110.05", "419.95")]
