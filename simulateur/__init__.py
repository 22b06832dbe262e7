"""simulateur — French health-insurance reimbursement simulator (Sécurité sociale + complémentaire).

The Python API the command line is built on:

    from simulateur import charger_contrat, creer_acte, simuler
    contrat = charger_contrat("cabinets-dentaires")
    r = simuler(contrat, "option-2", creer_acte(nature="consultation-specialiste", date="2025-06-01",
                                                br="31.50", frais_reels="80", dptm=True))
    r.reste_a_charge  # Decimal('3.25')

`simuler` also takes a shipped contract's id or a YAML path (loaded as `charger_contrat` does). Errors:
a value that cannot be used raises an `ErreurSimulateur` (its text is the French message); an argument
of the wrong kind (None, a dict where an `Acte` is expected…) raises `TypeError`, in French too.

Batches (each beneficiary's annual state replayed in date order): `simuler_lot(actes, contrat, formule)`;
portfolios on the columnar engine (polars frames, Arrow tables, Dask frames; the optional extra
`simulateur[portefeuille]`): `simuler_portefeuille(actes, contrat, formule)`.

The layout: `domaine/` (money, natures, the act and its fields), `parametres/` (dated regulatory
data), `contrat/` (the contract format: loader, expressions, linter), `moteur/` (the pure
calculation and the annual state), `lot/` (batch readers, the replay loop, writers; `lot/portefeuille/` the columnar path),
`verification/` (statements against the contract),
`comparaison/` (formulas side by side), `rendu/` (French wording, tables, charts), `cli/` (the
commands), `fichiers/` (safe YAML reading, file writing, cache).
"""
from __future__ import annotations

__version__ = "0.2.0"

# Public names, imported on first use (the command line starts faster when it needs few of them).
_OU = {
    "Acte": "domaine.acte", "creer_acte": "domaine.acte",
    "ActeInvalide": "domaine.erreurs", "ContratIntrouvable": "domaine.erreurs", "ContratInvalide": "domaine.erreurs",
    "ErreurSimulateur": "domaine.erreurs", "FormuleInconnue": "domaine.erreurs",
    "Contrat": "contrat.modele", "lire_contrat": "contrat.chargeur", "charger_contrat": "contrat.depot",
    "EtatBeneficiaire": "moteur.etat", "Resultat": "moteur.resultat", "simuler": "api",
    "simuler_lot": "lot", "ResultatLot": "lot", "lire_actes": "lot",
    "simuler_portefeuille": "lot.portefeuille",
}

__all__ = sorted(_OU)


def __getattr__(nom: str):
    module = _OU.get(nom)
    if module is None:
        raise AttributeError(f"module 'simulateur' has no attribute {nom!r}")
    import importlib
    valeur = getattr(importlib.import_module(f"{__name__}.{module}"), nom)
    globals()[nom] = valeur
    return valeur


def __dir__():
    return sorted(set(globals()) | set(_OU))
