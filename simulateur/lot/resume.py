"""Totals of a batch per group (`simulateur lot --resume beneficiaire|categorie|mois`).

Each row without error adds its amounts — already rounded to the cent per payer by the engine — to
its group: the beneficiary (as normalised by the batch), the category of care of its nature
(`natures.CATEGORIES`), or the month of the act (AAAA-MM). The groups' totals therefore add up to the
batch's totals (`Bilan.totaux`) to the cent, by construction; `tests/test_lot.py` checks it.
"""
from __future__ import annotations

from decimal import Decimal

from ..domaine.montant import ZERO, texte_json
from ..domaine.natures import CATEGORIES, NATURES

CLES = ("beneficiaire", "categorie", "mois")
MONTANTS = ("frais_reels", "securite_sociale", "participation_forfaitaire", "forfait_apres_cancer")
FIN = ("total_rembourse", "reste_a_charge")


class Resume:
    """Totals per group: `ajouter(entree, resultat)` for each row without error, then `groupes()`."""

    def __init__(self, cle: str):
        if cle not in CLES:
            raise ValueError(cle)
        self.cle = cle
        self.totaux: dict = {}
        self.niveaux: list[str] = []

    def _groupe(self, entree, r) -> str:
        if self.cle == "beneficiaire":
            return entree.beneficiaire
        if self.cle == "categorie":
            return NATURES[r.nature].categorie
        return r.date.strftime("%Y-%m")

    def ajouter(self, entree, r) -> None:
        g = self._groupe(entree, r)
        t = self.totaux.get(g)
        if t is None:
            t = self.totaux[g] = {"actes": 0, **{k: ZERO for k in MONTANTS + FIN}}
        t["actes"] += 1
        for k in MONTANTS + FIN:
            t[k] += getattr(r, k)
        for p in r.parts:
            k = f"part_{p.niveau}"
            if p.niveau not in self.niveaux:
                self.niveaux.append(p.niveau)
            t[k] = t.get(k, ZERO) + p.montant

    def _ordre(self) -> list:
        if self.cle == "categorie":
            return [k for k in CATEGORIES if k in self.totaux] + [k for k in self.totaux if k not in CATEGORIES]
        if self.cle == "mois":
            return sorted(self.totaux)
        return list(self.totaux)          # beneficiaries: in order of first appearance in the file

    def colonnes(self) -> list[str]:
        return [self.cle, "actes", *MONTANTS, *[f"part_{n}" for n in self.niveaux], "complementaire", *FIN]

    def groupes(self) -> list[dict]:
        """One dict per group (Decimal amounts, `complementaire` = the sum of the layers), in order:
        beneficiaries as they first appear, categories in catalogue order, months in time order."""
        out = []
        for g in self._ordre():
            t = self.totaux[g]
            parts = {f"part_{n}": t.get(f"part_{n}", ZERO) for n in self.niveaux}
            d = {self.cle: g, "actes": t["actes"], **{k: t[k] for k in MONTANTS}, **parts,
                 "complementaire": sum(parts.values(), ZERO), **{k: t[k] for k in FIN}}
            out.append(d)
        return out

    def total(self) -> dict:
        """The sum of the groups (equal to the batch's totals)."""
        somme: dict = {self.cle: "total", "actes": 0}
        for d in self.groupes():
            for k, v in d.items():
                if k != self.cle:
                    somme[k] = somme.get(k, ZERO if isinstance(v, Decimal) else 0) + v
        return somme

    def libelle(self, g: str) -> str:
        """How a group is named for people (a category's label)."""
        return CATEGORIES.get(g, g) if self.cle == "categorie" else g


def en_machine(d: dict) -> dict:
    """A group's totals for CSV / JSON: amounts as two-decimal strings."""
    return {k: texte_json(v) if isinstance(v, Decimal) else v for k, v in d.items()}
