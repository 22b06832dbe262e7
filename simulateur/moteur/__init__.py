"""The pure calculation: one act through the Sécurité sociale and each layer, and the annual state."""
from .calcul import Acte, Part, Resultat, choisir_ligne, simuler
from .etat import EtatBeneficiaire

__all__ = ["Acte", "EtatBeneficiaire", "Part", "Resultat", "choisir_ligne", "simuler"]
