"""The arguments of the public Python API checked before the calculation: `simuler` (the one the package
exports; `moteur.calcul.simuler` stays the pure engine and receives only checked values).

A wrong KIND of argument (None, a dict where an `Acte` is expected…) is a `TypeError` with a French
message saying what to give; a wrong VALUE is one of the project's errors (`ErreurSimulateur`).
"""
from __future__ import annotations

import os


def nom_type(x) -> str:
    """« None » or the Python type's name, for the messages."""
    return "None" if x is None else type(x).__name__


def contrat_de(contrat, fonction: str):
    """A loaded `Contrat`, or a shipped id / YAML path (str or `os.PathLike`) loaded by `charger_contrat`.

    Raises TypeError (French) for another kind of value; ContratIntrouvable / ContratInvalide from the loader."""
    from .contrat.modele import Contrat
    if isinstance(contrat, Contrat):
        return contrat
    if isinstance(contrat, (str, os.PathLike)):
        from .contrat.depot import charger_contrat
        return charger_contrat(contrat)
    raise TypeError(f"{fonction} : contrat attendu (un Contrat de charger_contrat, un identifiant de contrat livré "
                    f"comme \"cabinets-dentaires\" ou le chemin d'un fichier .yaml), reçu {nom_type(contrat)}")


def simuler(contrat, formule: str, acte, etat=None, parametres=None, expliquer: bool = True, strict: bool = False):
    """One act through the Sécurité sociale, then each layer of the formula → `Resultat` (amounts in euros,
    `Decimal` to the cent: `securite_sociale`, `parts`, `total_rembourse`, `reste_a_charge`…).

    contrat: a `Contrat` (`charger_contrat`), or a shipped contract's id (« cabinets-dentaires ») or the
    path of a YAML file, loaded as `charger_contrat` does (parsed once per process); formule: one of its
    formula ids (« option-2 »); acte: an `Acte` built with `creer_acte(...)`; etat: the beneficiary's
    `EtatBeneficiaire` before this act (None: an empty year; for a year of acts, `simuler_lot` keeps it);
    parametres, expliquer, strict: as `simulateur.moteur.calcul.simuler`.

    Raises TypeError (French message) when `contrat`, `formule`, `acte` or `etat` is not of the kind
    above (a dict or None as the act: build it with `creer_acte`); ContratIntrouvable / ContratInvalide
    (loading by id or path); FormuleInconnue; ActeInvalide (an input the act lacks for this contract,
    care before `date_adhesion`, a date past the parameters' horizon); ParametreIndisponible. All but
    TypeError are `ErreurSimulateur`.
    """
    from .domaine.acte import Acte
    from .moteur.calcul import simuler as calculer
    from .moteur.etat import EtatBeneficiaire
    contrat = contrat_de(contrat, "simuler")
    if not isinstance(formule, str):
        raise TypeError(f"simuler : formule attendue en texte (un identifiant de formule du contrat, "
                        f"ex. \"{next(iter(contrat.formules), 'base')}\"), reçu {nom_type(formule)}")
    if not isinstance(acte, Acte):
        raise TypeError(f"simuler : acte attendu (un Acte), reçu {nom_type(acte)} ; construisez-le avec "
                        "creer_acte(nature=..., date=..., br=..., frais_reels=...)"
                        + (", par exemple creer_acte(**votre_dict)" if isinstance(acte, dict) else ""))
    if etat is not None and not isinstance(etat, EtatBeneficiaire):
        raise TypeError(f"simuler : etat attendu (un EtatBeneficiaire, ou None pour une année vierge), reçu {nom_type(etat)}")
    return calculer(contrat, formule, acte, etat, parametres, expliquer, strict)


__all__ = ["contrat_de", "nom_type", "simuler"]
