"""Hand-computed cases, written as YAML a domain expert can read (tests/scenarios/*.yaml).

Each case names the table row it comes from and shows the computation; the expected euros are
never produced by the engine itself.
"""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from simulateur import charger_contrat, creer_acte, simuler
from simulateur.domaine.erreurs import ErreurSimulateur
from simulateur.moteur.etat import EtatBeneficiaire
from simulateur.parametres import ParametreIndisponible
from simulateur.rendu.messages import message

DOSSIER = Path(__file__).parent / "scenarios"


def _cas():
    for fichier in sorted(DOSSIER.glob("*.yaml")):
        for i, cas in enumerate(yaml.safe_load(fichier.read_text(encoding="utf-8")) or []):
            yield pytest.param(cas, id=f"{fichier.stem}[{i}] {cas.get('nom', '')}"[:150])


def _texte(v):
    return None if v is None else str(v)


@pytest.mark.parametrize("cas", list(_cas()))
def test_scenario(cas):
    contrat = charger_contrat(cas["contrat"])
    etat = EtatBeneficiaire()
    actes = cas.get("actes") or [{"acte": cas["acte"], "attendu": cas.get("attendu"), "erreur": cas.get("erreur")}]
    for n, etape in enumerate(actes, 1):
        acte_d = {k: _texte(v) if k not in ("quantite", "age") else v for k, v in etape["acte"].items()}
        formule = etape.get("formule", cas.get("formule"))
        attendu_erreur = etape.get("erreur") or (cas.get("erreur") if len(actes) == 1 else None)
        if attendu_erreur:
            with pytest.raises((ErreurSimulateur, ParametreIndisponible)) as e:
                simuler(contrat, formule, creer_acte(**acte_d), etat)
            texte = message(e.value, "cli")        # the words the command line shows
            for mot in ([attendu_erreur] if isinstance(attendu_erreur, str) else attendu_erreur):
                assert mot.lower() in texte.lower(), f"acte {n} : « {mot} » absent du message : {texte}"
            continue
        r = simuler(contrat, formule, creer_acte(**acte_d), etat)
        att = etape["attendu"]
        obtenu = {"securite_sociale": r.securite_sociale, "participation_forfaitaire": r.participation_forfaitaire,
                  "reste_a_charge": r.reste_a_charge, "total_rembourse": r.total_rembourse,
                  "forfait_apres_cancer": r.forfait_apres_cancer}
        for cle, valeur in att.items():
            if cle == "parts":
                parts = {p.niveau: p.montant for p in r.parts}
                for niveau, montant in valeur.items():
                    assert parts.get(niveau) == Decimal(str(montant)), (
                        f"acte {n}, niveau {niveau} : attendu {montant}, obtenu {parts.get(niveau)}\n{r.explication_dict()}")
            else:
                assert obtenu[cle] == Decimal(str(valeur)), f"acte {n}, {cle} : attendu {valeur}, obtenu {obtenu[cle]}"
        # invariants that hold for every case
        assert r.securite_sociale + r.forfait_apres_cancer + sum(p.montant for p in r.parts) + r.reste_a_charge == r.frais_reels
        assert all(p.montant >= 0 for p in r.parts) and r.reste_a_charge >= r.participation_forfaitaire
        etat.appliquer(r)
