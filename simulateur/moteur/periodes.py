"""Rules that depend on earlier dates: renewal periods (optics, hearing aids) and waiting periods.

Renewal (R871-2 3° CSS and the LPP; docs/calcul.md §5): optics, one equipment every 2 years from 16,
every year before 16 or on a change of sight, the frame and the lenses counted separately
(cabinets-dentaires, renvoi (2)); hearing aids, one per ear every 4 years. Waiting period: a
contract's `delai_de_stage`.
Periods of the yearly counters: the civil year or the membership year (`Calendrier`).
"""
from __future__ import annotations

import datetime as dt

from .etat import ajouter_mois
from .plafonds import vise_le_panier
from .resultat import Calcul


def cles_renouvellement(contrat, nat, acte) -> list:
    """(key, deliveries allowed per period, deliveries this act makes) for each renewable element.

    Optics: the frame and the lenses are renewed separately; an equipment delivers both. Hearing
    aids: one per ear per period; an aid whose ear is not given counts against both ears together
    (two per period), so a pair bought the same day is never refused.
    """
    if nat.renouvellement == "optique":
        monture = ((contrat.id, "renouvellement", "optique", "monture"), 1, 1)
        equipement = acte.nature == "optique-equipement"
        verres = ((contrat.id, "renouvellement", "optique", "verres"), 2, 2 if equipement else acte.quantite)
        if equipement:
            return [monture, verres]
        return [monture] if acte.nature == "optique-monture" else [verres]
    if nat.renouvellement == "aide-auditive":
        if acte.oreille:
            return [((contrat.id, "renouvellement", "aide-auditive", acte.oreille), 1, 1)]
        return [((contrat.id, "renouvellement", "aide-auditive", "?"), 2, acte.quantite)]
    return []


def _periode_annees(nat, acte, lire) -> int:
    if nat.renouvellement == "optique":
        jeune = acte.age is not None and acte.age < int(lire("renouvellement.optique.age_jeune"))
        nom = "jeune_annees" if (jeune or acte.changement_vue) else "adulte_annees"
        return int(lire("renouvellement.optique." + nom))
    return int(lire("renouvellement.aide_auditive_annees"))


def refus_renouvellement(contrat, nat, acte, etat, lire) -> Calcul | None:
    """Why the contract pays nothing for this renewable item now (a Calcul), or None.

    An act delivering more items than a period allows (three hearing aids without `oreille`) is
    refused for the items beyond: the contract pays nothing for the act, and the reason says so.
    """
    if not nat.renouvellement:
        return None
    for cle, permis_nb, livre in cles_renouvellement(contrat, nat, acte):
        element = cle[-1]
        if livre > permis_nb:
            return Calcul("renouvellement.trop", element=element, livre=livre, permis=permis_nb)
        dates = etat.derniers.get(cle) if etat.derniers else None
        if not dates:
            continue
        ans = _periode_annees(nat, acte, lire)
        recentes = sorted(d for d in dates if acte.date < ajouter_mois(d, 12 * ans))
        if len(recentes) + livre > permis_nb:
            permis = ajouter_mois(recentes[len(recentes) + livre - permis_nb - 1], 12 * ans)
            return Calcul("renouvellement.refus", element=element, permis=permis, derniere=recentes[-1], ans=ans)
    return None


def fin_du_delai(d, adhesion: dt.date) -> dt.date:
    """The first day after the waiting period (`duree_jours` days, else `duree_mois` months, from the adhesion)."""
    return adhesion + dt.timedelta(days=d.duree_jours) if d.duree_jours else ajouter_mois(adhesion, d.duree_mois)


def delai_de_stage(contrat, acte, responsable: bool = True) -> str | None:
    """None (no waiting period applies), "tm" (ticket modérateur only), "exclu" (not covered) or "formule"
    (paid as the formula `delai_de_stage.formule`).

    Without `date_adhesion` no waiting period is applied (the member is assumed to have joined long
    enough ago); the explanation says so (`note_delai_de_stage`). A period limited to some baskets
    (`paniers`) concerns only their acts, and never a 100 % Santé act of a responsable formula.
    """
    d = contrat.delai_de_stage
    if d is None or acte.date_adhesion is None:
        return None
    if acte.date < acte.date_adhesion:       # refused before, for every contract (moteur.calcul.simuler)
        return None
    if d.sauf_certificat and acte.certificat_radiation:
        return None
    if acte.date >= fin_du_delai(d, acte.date_adhesion):
        return None
    return _effet_du_delai(contrat, d, acte, responsable)


def _effet_du_delai(contrat, d, acte, responsable: bool) -> str | None:
    if not vise_le_panier(d.paniers, acte, responsable):
        return None
    code = contrat.nature_du_contrat(acte.nature)
    if code in d.natures_exclues:
        return "exclu"
    if code in d.natures_ticket_moderateur:
        return "tm"
    return "formule" if d.formule else None


def note_delai_de_stage(contrat, acte, responsable: bool = True) -> Calcul | None:
    """What the explanation says of the waiting period for this act (or None: it does not concern it)."""
    d = contrat.delai_de_stage
    if d is None:
        return None
    code = contrat.nature_du_contrat(acte.nature)
    if (not d.formule and code not in d.natures_ticket_moderateur and code not in d.natures_exclues) \
            or not vise_le_panier(d.paniers, acte, responsable):
        return None
    if acte.date_adhesion is None:
        return Calcul("stage.sans_adhesion", libelle=d.libelle, duree=d.duree_mois)
    if d.sauf_certificat and acte.certificat_radiation:
        return Calcul("stage.leve", libelle=d.libelle)
    fin = fin_du_delai(d, acte.date_adhesion)
    if acte.date >= fin:
        return Calcul("stage.termine", libelle=d.libelle, fin=fin, adhesion=acte.date_adhesion)
    if _effet_du_delai(contrat, d, acte, responsable) == "formule":
        return Calcul("stage.formule", libelle=d.libelle, fin=fin - dt.timedelta(days=1), formule=d.formule)
    return Calcul("stage.en_cours", libelle=d.libelle, fin=fin - dt.timedelta(days=1), adhesion=acte.date_adhesion)


class Calendrier:
    """How the yearly counters of one act are counted (docs/format-contrat.md, « Année d'adhésion »).

    `periode(mode)` → (period number, key suffix): the civil year `(2025, ())`, or the membership year
    « d'une date anniversaire de l'adhésion à l'autre » `(adhesion year + full years, ("adhesion",
    date))`, numbered so that consecutive membership years are consecutive numbers (a count over « 2
    années » sums two numbers). `mode` is a term's own (`civile`, `adhesion`) or "" for the contract's.
    Without `date_adhesion` a membership year cannot be placed: the civil year is used and `sans_adhesion`
    says so. `anciennete`: full years of membership at the act's date (None without `date_adhesion`).
    """
    __slots__ = ("annee", "defaut", "adhesion", "anciennete", "_adh")

    def __init__(self, defaut: str, acte):
        self.annee, self.defaut, self.adhesion = acte.date.year, defaut or "civile", acte.date_adhesion
        self.anciennete, self._adh = None, None
        if self.adhesion is not None and acte.date >= self.adhesion:
            n = acte.date.year - self.adhesion.year
            if ajouter_mois(self.adhesion, 12 * n) > acte.date:
                n -= 1
            self.anciennete = n
            self._adh = (self.adhesion.year + n, ("adhesion", self.adhesion.isoformat()))

    def periode(self, mode: str = "") -> tuple:
        if (mode or self.defaut) == "adhesion" and self._adh is not None:
            return self._adh
        return self.annee, ()

    def sans_adhesion(self, mode: str = "") -> bool:
        """The term counts per membership year but the act gives no adhesion date (civil year used)."""
        return (mode or self.defaut) == "adhesion" and self._adh is None

