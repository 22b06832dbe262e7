"""The contract format: the model (`modele`), the strict loader (`chargeur`), guarantee expressions
and conditions, finding shipped contracts (`depot`), the JSON form of the cache (`serialisation`),
and the linter of the contrat responsable rules (`validation`)."""

_OU = {"lire_contrat": "chargeur", "charger_contrat": "depot", "chemin_contrat": "depot", "contrats_livres": "depot",
       "dossier_contrats": "depot", "Colonne": "modele", "Contrat": "modele", "Formule": "modele", "Ligne": "modele",
       "Niveau": "modele"}
__all__ = sorted(_OU)


def __getattr__(nom: str):
    module = _OU.get(nom)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {nom!r}")
    import importlib
    return getattr(importlib.import_module(f"{__name__}.{module}"), nom)
