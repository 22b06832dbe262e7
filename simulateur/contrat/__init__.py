"""The contract format: the strict loader, guarantee expressions, finding shipped contracts, the linter."""
from .chargeur import (Colonne, Contrat, Formule, Ligne, Niveau, charger_contrat, chemin_contrat, contrats_livres,
                       dossier_contrats, lire_contrat)

__all__ = ["Colonne", "Contrat", "Formule", "Ligne", "Niveau", "charger_contrat", "chemin_contrat", "contrats_livres",
           "dossier_contrats", "lire_contrat"]
