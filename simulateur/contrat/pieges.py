"""The traps of a brochure reader, found in a loaded contract (`simulateur valider`, docs/format-contrat.md).

Pure: `pieges(contrat)` returns `Probleme` values, one readable line each:

- `euros-inclus`: an amount in euros alone (« 200 € / an ») in a level whose convention includes the
  Sécurité sociale and the lower levels (`inclut-ss`), on a level that has lower levels in some formula
  (a renfort) or on a nature the Sécurité sociale pays: the amount then includes them, where the
  brochure most often means « en plus » (written `+ 200 € / an`). Optics equipment and hearing aids are
  left out: their forfaits do include the Sécurité sociale (R871-2 ceilings are written so);
- `panier-100-sante`: an annual ceiling or a waiting period that does not say which baskets it
  concerns, and could reach a 100 % Santé act (the engine never applies it to one, in a responsable
  formula: R871-2 CSS); one that names the 100 % Santé basket is a rule finding;
- `modules`: many formulas written one by one that combine the columns of several levels, which a
  `modules:` section would make.
"""
from __future__ import annotations

from ..domaine.erreurs import Probleme
from ..domaine.natures import NATURES
from . import expressions as ex

_EUROS = (ex.Fixe, ex.Enveloppe, ex.ParUnite, ex.ParActe, ex.ParJour, ex.PartPMSS)
_FORFAITS_SS_INCLUSE = frozenset({"optique-equipement", "optique-monture", "optique-verre", "aide-auditive"})
# natures that have a 100 % Santé basket (dental prostheses, optics, hearing aids): domain of the rule
DOMAINES_100_SANTE = {"dentaire-prothese": "dentaire", "dentaire-inlay-core": "dentaire", "optique-equipement": "optique",
                      "optique-monture": "optique", "optique-verre": "optique", "aide-auditive": "audition"}
FORMULES_ECRITES_MAX = 12


def _euros_seuls(e) -> bool:
    return (not e.rien and not e.additif and not e.inclusif_force and bool(e.termes)
            and all(isinstance(t, _EUROS) for t in e.termes) and e.plancher is None)


def _colonnes_avec_dessous(contrat, ligne) -> set:
    """Columns that come, in some formula, above a column that pays this line by a rate (« 100 % BR ») or a
    total: there, an amount in euros alone reads as « en plus ». Above columns that are themselves euros
    alone (« 25 € / jour » then « 30 € / jour »), the layout of totals per level (production-agricole) is
    consistent."""
    out = set()
    for f in contrat.formules.values():
        for k, col in enumerate(f.colonnes[1:], 1):
            dessous = [ligne.cellules[c] for c in f.colonnes[:k] if c in ligne.cellules and not ligne.cellules[c].rien]
            if dessous and not all(_euros_seuls(e) or all(isinstance(t, _EUROS) for t in e.termes) for e in dessous):
                out.add(col)
    return out


def resume_colonnes(cols: list) -> str:
    return ", ".join(cols) if len(cols) <= 4 else f"{cols[0]} … {cols[-1]} ({len(cols)} colonnes)"


def _euros_inclus(contrat) -> list[Probleme]:
    pbs = []
    for l in contrat.lignes:
        if l.composition:
            continue
        rembourse = any(NATURES[n].taux is not None and n not in _FORFAITS_SS_INCLUSE for n in l.natures)
        dessous = _colonnes_avec_dessous(contrat, l)
        par_niveau: dict = {}
        for col, e in l.cellules.items():
            niv = contrat.niveaux.get(contrat.colonnes[col].niveau)
            if niv is None or niv.convention != "inclut-ss" or not _euros_seuls(e):
                continue
            if col in dessous or rembourse:
                par_niveau.setdefault(niv.id, []).append((col, e, col in dessous))
        for niv_id, cellules in par_niveau.items():
            quoi = "les niveaux précédents" if any(x[2] for x in cellules) else "la Sécurité sociale"
            exemple = cellules[0][1].texte.strip()
            pbs.append(Probleme(contrat.fichier, l.cellule_lignes.get(cellules[0][0], l.ligne),
                                f"« {l.libelle} » : « {exemple} » (colonnes {resume_colonnes([x[0] for x in cellules])}) est un total "
                                f"du niveau {niv_id} (inclut-ss) qui comprend {quoi} ; pour « en plus », écrivez « + {exemple} »", "",
                                "un forfait en euros d'un renfort ou d'un acte remboursé s'ajoute le plus souvent : « + » en tête, "
                                "ou un niveau convention: en-complement", gravite="avertissement"))
    return pbs


def _paniers(contrat, quoi: str, libelle: str, natures, paniers, ligne: int) -> list[Probleme]:
    domaines = [DOMAINES_100_SANTE[n] for n in natures if n in DOMAINES_100_SANTE]
    if not domaines:
        return []
    if paniers is None:
        return [Probleme(contrat.fichier, ligne, f"{quoi} « {libelle} » ne dit pas les paniers qu'il vise : tel qu'écrit, il "
                         f"atteindrait le 100 % Santé ({domaines[0]}) ; le simulateur ne l'applique jamais à un acte 100 % Santé "
                         "d'une formule responsable (R871-2 CSS)", "",
                         "écrivez paniers: [maitrise, libre] (« hors 100 % Santé ») ; ou [libre] pour la seule classe B / II",
                         gravite="avertissement")]
    if "100-sante" in paniers and any(contrat.est_responsable(f) for f in contrat.formules):
        from .validation import ProblemeRegle, REGLES
        regle = f"cent-pour-cent-sante-{domaines[0]}"
        return [ProblemeRegle(contrat.fichier, ligne, f"[{REGLES[regle].article}] {quoi} « {libelle} » vise le panier 100 % "
                              "Santé : un contrat responsable n'y laisse aucun reste à charge ; le simulateur ne l'applique pas à "
                              "ces actes", "", "retirez 100-sante de paniers", gravite="regle", regle=regle,
                              article=REGLES[regle].article)]
    return []


def _produit(contrat, formules, niveaux) -> bool:
    """Whether the formulas are every combination of their levels' columns (a level absent from some formula
    counting as one more choice): what `modules:` generates. A renfort sold with some levels only (« Renfort
    100 : Rev 2 à Rev 6 ») is not such a product, and `modules:` would make formulas that do not exist."""
    choix = {n: set() for n in niveaux}
    ecrites = set()
    for f in formules:
        par_niveau = {contrat.colonnes[c].niveau: c for c in f.colonnes if c in contrat.colonnes}
        combinaison = tuple(par_niveau.get(n) for n in sorted(niveaux))
        ecrites.add(combinaison)
        for n, c in zip(sorted(niveaux), combinaison):
            choix[n].add(c)
    total = 1
    for options in choix.values():
        total *= len(options)
    return len(ecrites) == total


def _modules(contrat) -> list[Probleme]:
    ecrites = [f for f in contrat.formules.values() if not (contrat.modules and f.id == "+".join(f.colonnes))]
    combinees = [f for f in ecrites if len(f.colonnes) >= 2]
    niveaux = {contrat.colonnes[c].niveau for f in combinees for c in f.colonnes if c in contrat.colonnes}
    if len(combinees) < FORMULES_ECRITES_MAX or len(niveaux) < 2 or not _produit(contrat, combinees, niveaux):
        return []
    return [Probleme(contrat.fichier, None, f"{len(combinees)} formules écrites une à une combinent les colonnes de "
                     f"{len(niveaux)} niveaux ({', '.join(sorted(niveaux))}) : une section modules: les engendrerait", "formules",
                     "voir docs/format-contrat.md, « Modules choisis indépendamment et renforts »", gravite="avertissement")]


def pieges(contrat) -> list[Probleme]:
    """Every trap of `contrat` (see the module's docstring), in the file's order."""
    pbs = _euros_inclus(contrat)
    for p in contrat.plafonds_annuels:
        pbs += _paniers(contrat, "le plafond", p.libelle, p.natures, p.paniers, p.ligne)
    d = contrat.delai_de_stage
    if d is not None:
        pbs += _paniers(contrat, "le délai", d.libelle, d.natures_ticket_moderateur + d.natures_exclues, d.paniers, d.ligne)
    return pbs + _modules(contrat) + _formules_identiques(contrat) + _nom_du_fichier(contrat)


def _formules_identiques(contrat) -> list[Probleme]:
    """Two formulas with the same columns and status pay the same: a copy-paste slip, usually."""
    vues, pbs = {}, []
    for f in contrat.formules.values():
        cle = (tuple(f.colonnes), f.responsable)
        if cle in vues:
            pbs.append(Probleme(contrat.fichier, None, f"les formules « {vues[cle]} » et « {f.id} » ont les mêmes colonnes "
                                f"({', '.join(f.colonnes)}) : elles paient la même chose", "formules",
                                "vérifiez les colonnes de l'une des deux", gravite="avertissement"))
        else:
            vues[cle] = f.id
    return pbs


def _nom_du_fichier(contrat) -> list[Probleme]:
    """`contrat.id` different from the file's name: a batch's `contrat` column (with --contrats-dossier) names
    the file, not the id."""
    import os
    nom = os.path.basename(contrat.fichier)
    base, ext = os.path.splitext(nom)
    if ext not in (".yaml", ".yml") or base == contrat.id or not os.path.isfile(contrat.fichier):
        return []                # a text read under a name of the caller's (`lire_contrat(texte, "x.yaml")`): no file
    return [Probleme(contrat.fichier, None, f"l'identifiant « {contrat.id} » diffère du nom du fichier « {nom} »", "contrat.id",
                     f"une colonne contrat d'un lot (--contrats-dossier) désigne le fichier : « {base} » ; renommez l'un ou "
                     "l'autre", gravite="avertissement")]
