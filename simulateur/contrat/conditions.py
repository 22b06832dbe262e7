"""The conditions of a guarantee line (`si: {dptm: oui, panier: [100-sante, maitrise]}`).

The keys are the act's fields marked `condition` in `domaine.champs.CHAMPS` plus the derived ones
(`correction`: the class of both lenses; `taux`: the Sécurité sociale rate). Each value is read with
the field's own vocabulary (the same spellings as on the command line: `100 % Santé` is
`100-sante`); every key also takes a list, meaning any of the values (`age: ["< 6", "> 60"]`).
"""
from __future__ import annotations

import re

from ..domaine.champs import CLASSES_VERRES, CONDITIONS, CONDITIONS_DERIVEES, PAR_NOM, POSITIONS_DENT, cle_texte, lire_verres
from ..domaine.erreurs import ActeInvalide
from ..domaine.montant import MontantInvalide, lire_decimal
from ..domaine.natures import suggestion
from ..fichiers.yaml_strict import LecteurYaml, est_texte
from .modele import condition_age

CLES = CONDITIONS + tuple(CONDITIONS_DERIVEES)
_AGE = re.compile(r"(<=|>=|<|>|=)\s*(\d{1,3})")


def _valeur(cle: str, t: str):
    """(value, None) or (None, (message, hint)) for one text of condition `cle`."""
    tv = t.strip()
    if cle == "age":
        m = _AGE.fullmatch(tv)
        return ((m[1], int(m[2])), None) if m else (None, (f"condition d'âge « {t[:40]} » invalide",
                                                          "écrivez par exemple \"<= 20\" ou \"> 20\""))
    if cle == "verres":
        try:
            return lire_verres(tv), None
        except ActeInvalide:
            return None, (f"couple de verres « {t[:40]} » invalide",
                          "écrivez par exemple simple+complexe (classes : simple, complexe, tres-complexe)")
    if cle == "correction":
        classes = {cle_texte(c): c for c in CLASSES_VERRES}
        v = classes.get(cle_texte(tv))
        return (v, None) if v else (None, (f"classe de verre « {t[:40]} » inconnue", "classes : simple, complexe, tres-complexe"))
    if cle == "position_dent":
        positions = {cle_texte(x): x for x in POSITIONS_DENT}
        v = positions.get(cle_texte(tv))
        return (v, None) if v else (None, (f"position de dent « {t[:40]} » inconnue", "positions : " + ", ".join(POSITIONS_DENT)))
    if cle == "taux":
        try:
            return lire_decimal(tv.replace("%", "")), None
        except MontantInvalide:
            return None, (f"taux « {t[:40]} » illisible", "un pourcentage, ex. 65")
    champ = PAR_NOM[cle]
    try:
        return champ.lire(tv), None
    except ActeInvalide:
        if champ.type == "booleen":
            return None, (f"« {t[:40]} » n'est pas oui/non", "écrivez oui ou non")
        return None, (f"valeur « {t[:40]} » inconnue pour « {cle} »{suggestion(cle_texte(tv), champ.valeurs)}",
                      "valeurs : " + ", ".join(champ.valeurs))


def _liste(lect: LecteurYaml, cle, noeud, chemin):
    valeurs, textes = [], []
    for t, x in lect.textes(noeud, chemin):
        v, pb = _valeur(cle, t)
        if pb is not None:
            lect.pb(x, pb[0], chemin, pb[1])
        else:
            valeurs.append(v)
            textes.append(t.strip())
    if not valeurs:
        lect.pb(noeud, f"liste vide pour « {cle} »", chemin, "donnez au moins une valeur")
        return None
    return frozenset(valeurs), " ou ".join(textes)


def lire_conditions(lect: LecteurYaml, noeud, chemin: str) -> dict:
    """`si:` → {key: value or frozenset of values, "_texte": {key: the text as written}}."""
    m = lect.mapping(noeud, chemin, CLES)
    if m is None:
        return {}
    si: dict = {"_texte": {}}
    for cle, (v, _k) in m.items():
        c = f"{chemin}.{cle}"
        if not est_texte(v):
            lu = _liste(lect, cle, v, c)
            if lu is not None:
                si[cle], si["_texte"][cle] = lu
                if cle == "age":      # a list of age conditions (any holds): a tuple, in the file's order
                    si[cle] = tuple(sorted(lu[0]))
            continue
        t = lect.texte(v, c)
        if t is None:
            continue
        valeur, pb = _valeur(cle, t)
        if pb is not None:
            lect.pb(v, pb[0], c, pb[1])
            continue
        si[cle] = valeur
        si["_texte"][cle] = t
    return si


def recouvrement(a: dict, b: dict) -> bool:
    """Whether some act satisfies both lines' conditions (then both would apply: an error)."""
    for cle in set(a) & set(b):
        if cle == "_texte":
            continue
        if cle == "age":
            if not any(age_accepte(a[cle], age) and age_accepte(b[cle], age) for age in range(0, 131)):
                return False
            continue
        ea = a[cle] if isinstance(a[cle], frozenset) else frozenset([a[cle]])
        eb = b[cle] if isinstance(b[cle], frozenset) else frozenset([b[cle]])
        if not ea & eb:
            return False
    return True


def age_accepte(cond, age: int) -> bool:
    """An age condition (op, years) or a tuple of them (any holds)."""
    if cond and type(cond[0]) is tuple:
        return any(condition_age(c, age) for c in cond)
    return condition_age(cond, age)
