"""Which line of the contract applies to an act: its nature, then the line's conditions (`si:`).

The condition keys are those of the act's fields marked `condition` in `domaine.champs.CHAMPS`,
plus the derived ones (`CONDITIONS_DERIVEES`). The choice is remembered per contract and per
combination of the values those keys read — the memo key is made from the contract's own
condition keys (`Contrat.champs_conditions`), never written by hand, so that a new condition key
cannot be forgotten in it.
"""
from __future__ import annotations

from decimal import Decimal

from ..contrat.modele import Contrat, Ligne, condition_age
from ..domaine.champs import CONDITIONS_DERIVEES, position_dent
from ..domaine.erreurs import ActeInvalide
from ..domaine.natures import NATURES

# Optics and hearing aids without a basket are class B / class II (`libre`): the only classes of the
# documents written before the 100 % Santé (docs/format-contrat.md), also when lines differ by basket;
# so is medical equipment (the 100 % Santé hair prostheses must be said).
_PANIER_LIBRE_PAR_DEFAUT = frozenset(code for code, n in NATURES.items() if n.categorie in ("optique", "audition", "appareillage"))

_MEMO: dict = {}          # id(contrat) -> (contrat, {memo key: Ligne | None})
_MEMO_MAX = 100_000


def valeur_condition(acte, cle: str, taux: Decimal):
    """The value the act has for a condition key (None: the act does not say)."""
    if cle == "correction":
        v = acte.verres
        return v[0] if v and v[0] == v[1] else None
    if cle == "taux":
        return taux
    if cle == "position_dent":
        return position_dent(acte.dent)
    if cle == "panier" and acte.panier is None and acte.nature in _PANIER_LIBRE_PAR_DEFAUT:
        return "libre"
    return getattr(acte, cle, None)


def choisir_ligne(contrat: Contrat, acte, taux: Decimal) -> Ligne | None:
    """The contract line for this act's nature and variant, or None (no line: the contract pays nothing).

    Raises ActeInvalide (code `condition-manquante`, naming the act field to give) when the lines of
    the nature differ by a condition the act does not state (e.g. DPTM status not given).
    """
    memo = _MEMO.get(id(contrat))
    if memo is None or memo[0] is not contrat:
        if len(_MEMO) > 64:
            _MEMO.clear()
        memo = _MEMO[id(contrat)] = (contrat, {})
    cle = (acte.nature, taux, contrat.lire_conditions(acte))
    try:
        return memo[1][cle]
    except KeyError:
        pass
    ligne = _choisir(contrat, acte, taux)
    if len(memo[1]) < _MEMO_MAX:
        memo[1][cle] = ligne
    return ligne


def _accepte(cle: str, attendu, v) -> bool:
    if cle == "age":
        if type(attendu) is tuple and attendu and type(attendu[0]) is tuple:     # a list of age conditions: any
            return any(condition_age(c, v) for c in attendu)
        return condition_age(attendu, v)
    if type(attendu) is frozenset:
        return v in attendu
    return v == attendu


def _choisir(contrat: Contrat, acte, taux: Decimal) -> Ligne | None:
    manquant = None
    for ligne in contrat.par_nature.get(acte.nature, ()):
        ok, manque = True, None
        for cle, attendu in ligne.si.items():
            if cle == "_texte":
                continue
            v = valeur_condition(acte, cle, taux)
            if v is None:
                manque = cle
            elif not _accepte(cle, attendu, v):
                ok = False
                break
        if ok and manque is None:
            return ligne
        if ok and manquant is None:
            manquant = (manque, ligne)
    if manquant is not None:
        cle, ligne = manquant
        raise ActeInvalide("condition-manquante", CONDITIONS_DERIVEES.get(cle, cle) or cle, cle=cle, ligne=ligne.libelle,
                           contrat=contrat.id)
    return None
