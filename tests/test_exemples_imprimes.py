"""The standard reimbursement examples the insurers print (« exemples de remboursement »), reproduced.

One YAML file per shipped contract in tests/exemples_imprimes/: the document (title, insurer, date),
then each printed example — the act as the insurer describes it, and per formula the figures the
insurer printed: Sécurité sociale, what the contract pays, reste à charge. A single value stands for
every formula. Where a printed figure is wrong, the file gives the right value (tested) with the
printed one under `imprime:` and a `note` that shows the arithmetic; the test also checks that the
printed figure differs, so that the note cannot silently become false.

Every example is computed for a beneficiary with an empty year (no earlier act), as the documents do.
"""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from simulateur import charger_contrat, creer_acte, simuler
from simulateur.rendu.explication import explication_dict

DOSSIER = Path(__file__).parent / "exemples_imprimes"
CHAMPS = ("securite_sociale", "complementaire", "reste_a_charge")


def _cas():
    for fichier in sorted(DOSSIER.glob("*.yaml")):
        doc = yaml.safe_load(fichier.read_text(encoding="utf-8"))
        for i, ex in enumerate(doc["exemples"]):
            yield pytest.param(doc, ex, id=f"{fichier.stem}[{i}] {ex['nom']}"[:120])


def _par_formule(valeur, formules: list, cle: str) -> dict:
    if isinstance(valeur, list):
        assert len(valeur) == len(formules), f"{cle} : {len(valeur)} valeurs pour {len(formules)} formules"
        return {f: Decimal(str(v)) for f, v in zip(formules, valeur)}
    return {f: Decimal(str(valeur)) for f in formules}


def _acte(doc, ex):
    texte = {k: (v if k in ("quantite", "age") else str(v)) for k, v in ex["acte"].items()}
    texte.setdefault("date", str(doc["date"]))
    return creer_acte(**texte)


@pytest.mark.parametrize("doc, ex", list(_cas()))
def test_exemple_imprime(doc, ex):
    contrat = charger_contrat(doc["contrat"])
    formules = ex.get("formules", doc["formules"])
    attendus = {cle: _par_formule(ex[cle], formules, cle) for cle in CHAMPS if cle in ex}
    acte = _acte(doc, ex)
    for f in formules:
        r = simuler(contrat, f, acte)
        obtenu = {"securite_sociale": r.securite_sociale, "complementaire": sum((p.montant for p in r.parts), Decimal(0)),
                  "reste_a_charge": r.reste_a_charge}
        for cle, valeurs in attendus.items():
            assert obtenu[cle] == valeurs[f], f"{ex['nom']}, formule {f}, {cle} : attendu {valeurs[f]}, obtenu {obtenu[cle]}"
        assert all(e["payeur"] and e["calcul"] is not None for e in explication_dict(r))     # every step worded
    for cle, imprime in (ex.get("imprime") or {}).items():
        imprimes = _par_formule(imprime, formules, cle)
        differents = [f for f in formules if imprimes[f] != attendus[cle][f]]
        assert differents, f"{ex['nom']} : le chiffre imprimé ({cle}) est déclaré faux mais égal à la valeur juste"
        assert ex.get("note"), f"{ex['nom']} : un chiffre imprimé faux doit être expliqué (note)"


def test_chaque_contrat_a_exemples_a_ses_exemples():
    """A shipped contract whose source prints examples has its file here (and each file names a shipped contract)."""
    from simulateur.contrat import contrats_livres
    livres = {p.stem for p in contrats_livres()}
    fichiers = {p.stem for p in DOSSIER.glob("*.yaml")}
    assert fichiers <= livres
    for p in DOSSIER.glob("*.yaml"):
        doc = yaml.safe_load(p.read_text(encoding="utf-8"))
        assert doc["contrat"] == p.stem and doc["source"] and doc["exemples"]
