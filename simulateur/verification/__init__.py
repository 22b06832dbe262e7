"""Reconciling statements with the contract (`simulateur verifier`): what each payer actually paid,
row by row, against what the contract says with the beneficiary's annual state.

`ecarts` is the pure comparison (cells and a simulated Resultat in, a Verification out: Decimal
euros, a verdict, reason codes); `ecriture` the writers (CSV, JSON, table); `commande` the pipeline
on the batch machinery (`lot`'s reader and its one replay loop). French wording: `rendu.verification`.
"""
from .ecarts import (MODES_SS, VERDICTS, BilanVerification, ColonnesVersees, EcartNiveau, Raison, Verification,
                     lire_verse, verifier_ligne)

__all__ = ["BilanVerification", "ColonnesVersees", "EcartNiveau", "MODES_SS", "Raison", "VERDICTS", "Verification",
           "lire_verse", "verifier_ligne"]
