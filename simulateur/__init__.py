"""simulateur — French health-insurance reimbursement simulator (Sécurité sociale + complémentaire).

The Python API the CLI is built on:

    from simulateur import charger_contrat, creer_acte, simuler
    contrat = charger_contrat("cabinets-dentaires")
    r = simuler(contrat, "option-2", creer_acte(nature="consultation-specialiste", date="2025-06-01",
                                                br="31.50", frais_reels="80", dptm=True))
    r.reste_a_charge  # Decimal('3.25')
"""
from __future__ import annotations

__version__ = "0.1.0"

from .domaine.acte import creer_acte
from .contrat.chargeur import Contrat, charger_contrat, lire_contrat
from .domaine.erreurs import ActeInvalide, ContratIntrouvable, ContratInvalide, ErreurSimulateur
from .moteur.etat import EtatBeneficiaire
from .moteur.calcul import Acte, Resultat, simuler

__all__ = ["Acte", "ActeInvalide", "Contrat", "ContratIntrouvable", "ContratInvalide", "ErreurSimulateur",
           "EtatBeneficiaire", "Resultat", "charger_contrat", "creer_acte", "lire_contrat", "simuler"]
__all__ += ["simuler_lot"]; from .lot.pipeline import simuler_lot  # noqa: E402,E702  batches with annual state (simulateur/lot.py)
