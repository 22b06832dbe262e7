"""Contracts built of modules whose levels are chosen independently (`modules:`), plus optional renforts.

A brochure such as « Module Hospitalisation N1–N6, Module Frais de santé N1–N6 (au plus 2 niveaux
d'écart), + Renfort Famille ou Renfort Senior au niveau du module Frais de santé » is 72 formulas if
each combination is written out. `modules:` says it once; the loader makes the formulas:

    modules:
      - niveau: hospitalisation
        colonnes: [hospi-1, hospi-2, hospi-3, hospi-4, hospi-5, hospi-6]
      - niveau: soins
        colonnes: [soins-1, soins-2, soins-3, soins-4, soins-5, soins-6]
        ecart_max: {hospitalisation: 2}
      - niveau: renfort
        facultatif: true
        meme_rang_que: soins
        colonnes: [famille-1, famille-2, famille-3, famille-4, famille-5, famille-6]
      - niveau: renfort
        facultatif: true
        meme_rang_que: soins
        colonnes: [senior-1, senior-2, senior-3, senior-4, senior-5, senior-6]

A column's rank is its position in its module's list (« - » leaves a rank empty: « pas de renfort au
niveau 1 »). Modules on the same level are alternatives (a formula has one column per level). Each
formula made is named by its columns joined with « + » (`hospi-3+soins-4+famille-4`), and labelled
with their labels.
"""
from __future__ import annotations

import itertools

from ..domaine.natures import suggestion
from ..fichiers.yaml_strict import ligne as ligne_de
from .modele import Formule, Module

FORMULES_ENGENDREES_MAX = 2000


def lire_modules(L) -> list[Module]:
    """The `modules:` section: [Module]; problems go to the reader (unknown level or column, bad ties)."""
    lect = L.lect
    modules, noeuds = [], []
    for i, noeud in enumerate(lect.liste(L.top["modules"][0], "modules") or []):
        c = f"modules[{i}]"
        m = lect.mapping(noeud, c, ("niveau", "colonnes", "facultatif", "ecart_max", "meme_rang_que", "libelle"),
                         ("niveau", "colonnes")) or {}
        if "niveau" not in m or "colonnes" not in m:
            continue          # the missing key is already reported
        niveau = lect.texte(m["niveau"][0], c + ".niveau") or ""
        if niveau not in L.niveaux:
            lect.pb(m["niveau"][0], f"niveau inconnu « {niveau[:40]} »{suggestion(niveau, L.niveaux)}", c + ".niveau",
                    "niveaux déclarés : " + ", ".join(L.niveaux))
            continue
        colonnes = _colonnes(L, m["colonnes"][0], c + ".colonnes", niveau)
        facultatif = bool(lect.booleen(m["facultatif"][0], c + ".facultatif")) if "facultatif" in m else False
        ecarts = _ecarts(L, m["ecart_max"][0], c + ".ecart_max") if "ecart_max" in m else {}
        meme = lect.texte(m["meme_rang_que"][0], c + ".meme_rang_que") if "meme_rang_que" in m else ""
        if meme and meme not in L.niveaux:
            lect.pb(m["meme_rang_que"][0], f"niveau inconnu « {meme[:40]} »{suggestion(meme, L.niveaux)}", c + ".meme_rang_que")
            meme = ""
        modules.append(Module(niveau, colonnes, facultatif, ecarts, meme or "", ligne_de(noeud)))
        noeuds.append(noeud)
    _verifier_liens(L, modules, noeuds)
    return modules


def _colonnes(L, noeud, chemin: str, niveau: str) -> tuple:
    out = []
    for t, x in L.lect.textes(noeud, chemin):
        if t.strip() in ("-", "–", "—", ""):
            out.append(None)
        elif t not in L.colonnes:
            L.lect.pb(x, f"colonne inconnue « {t[:40]} »{suggestion(t, L.colonnes)}", chemin,
                      "colonnes déclarées : " + ", ".join(L.colonnes))
        elif L.colonnes[t].niveau != niveau:
            L.lect.pb(x, f"la colonne « {t} » est du niveau {L.colonnes[t].niveau}, pas {niveau}", chemin)
        else:
            out.append(t)
    return tuple(out)


def _ecarts(L, noeud, chemin: str) -> dict:
    out = {}
    for niveau, (v, _k) in (L.lect.mapping(noeud, chemin) or {}).items():
        t = L.lect.texte(v, f"{chemin}.{niveau}") or ""
        if niveau not in L.niveaux:
            L.lect.pb(v, f"niveau inconnu « {niveau[:40]} »{suggestion(niveau, L.niveaux)}", chemin)
        elif not (t.isascii() and t.isdigit() and int(t) <= 100):
            L.lect.pb(v, f"écart « {t[:20]} » invalide", f"{chemin}.{niveau}", "un nombre de rangs, ex. 2")
        else:
            out[niveau] = int(t)
    return out


def _verifier_liens(L, modules: list[Module], noeuds: list) -> None:
    """Ties name a level that has exactly one module, declared before."""
    vus: dict = {}
    for m, noeud in zip(modules, noeuds):
        for autre in list(m.ecart_max) + ([m.meme_rang_que] if m.meme_rang_que else []):
            if vus.get(autre) != 1:
                L.lect.pb(noeud, f"module du niveau {m.niveau} : « {autre} » doit être le niveau d'un seul module, déclaré avant",
                          "modules", "déclarez d'abord le module auquel celui-ci se rapporte")
        vus[m.niveau] = vus.get(m.niveau, 0) + 1


def _choix_par_niveau(modules: list[Module]) -> list[list]:
    """Per level (in the modules' order): the possible (module, rank) pairs, (None, None) when all are optional."""
    niveaux: dict = {}
    for m in modules:
        niveaux.setdefault(m.niveau, []).append(m)
    choix = []
    for mods in niveaux.values():
        options = [(m, r) for m in mods for r, col in enumerate(m.colonnes) if col is not None]
        if all(m.facultatif for m in mods):
            options.insert(0, (None, None))     # without the optional module first: hospi-3+soins-4, then its renforts
        choix.append(options)
    return choix


def _admis(combinaison) -> bool:
    """Whether the ranks chosen respect every module's ties (one (module, rank) pair per level)."""
    rangs = {m.niveau: r for m, r in combinaison if m is not None}
    for m, r in combinaison:
        if m is None:
            continue
        for niveau, ecart in m.ecart_max.items():
            if niveau in rangs and abs(rangs[niveau] - r) > ecart:
                return False
        if m.meme_rang_que and rangs.get(m.meme_rang_que) != r:
            return False
    return True


def engendrer(modules: list[Module], colonnes: dict, niveaux: dict) -> tuple[list[Formule], int]:
    """The formulas of every allowed combination, in the modules' order, and how many there were in all
    (the caller refuses more than FORMULES_ENGENDREES_MAX)."""
    choix = _choix_par_niveau(modules)
    total = 1
    for options in choix:
        total *= max(len(options), 1)
    if total > FORMULES_ENGENDREES_MAX * 20:
        return [], total
    ordre = list(niveaux)
    formules = []
    for combinaison in itertools.product(*choix):
        if not _admis(combinaison):
            continue
        cols = sorted((m.colonnes[r] for m, r in combinaison if m is not None), key=lambda c: ordre.index(colonnes[c].niveau))
        if not cols:
            continue
        fid = "+".join(cols)
        formules.append(Formule(fid, " + ".join(colonnes[c].libelle for c in cols), tuple(cols), None))
    return formules, len(formules)
