"""Rules that depend on earlier dates: renewal periods (optics, hearing aids) and waiting periods.

Renewal (R871-2 3° CSS and the LPP; docs/calcul.md §5): optics, one equipment every 2 years from 16,
every year before 16 or on a change of sight, the frame and the lenses counted separately (000,
renvoi (2)); hearing aids, one per ear every 4 years. Waiting period: a contract's `delai_de_stage`.
"""
from __future__ import annotations

import datetime as dt

from ..domaine.erreurs import ActeInvalide
from .etat import ajouter_mois
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


def delai_de_stage(contrat, acte) -> str | None:
    """None (no waiting period applies), "tm" (ticket modérateur only) or "exclu" (not covered).

    Without `date_adhesion` no waiting period is applied (the member is assumed to have joined long
    enough ago); the explanation says so (`note_delai_de_stage`).
    """
    d = contrat.delai_de_stage
    if d is None or acte.date_adhesion is None:
        return None
    if acte.date < acte.date_adhesion:
        raise ActeInvalide("soins-avant-adhesion", "date_adhesion", date=acte.date, adhesion=acte.date_adhesion,
                           contrat=contrat.id)
    if d.sauf_certificat and acte.certificat_radiation:
        return None
    if acte.date >= ajouter_mois(acte.date_adhesion, d.duree_mois):
        return None
    if acte.nature in d.natures_exclues:
        return "exclu"
    if acte.nature in d.natures_ticket_moderateur:
        return "tm"
    return None


def note_delai_de_stage(contrat, acte) -> Calcul | None:
    """What the explanation says of the waiting period for this act (or None: it does not concern it)."""
    d = contrat.delai_de_stage
    if d is None or (acte.nature not in d.natures_ticket_moderateur and acte.nature not in d.natures_exclues):
        return None
    if acte.date_adhesion is None:
        return Calcul("stage.sans_adhesion", libelle=d.libelle, duree=d.duree_mois)
    if d.sauf_certificat and acte.certificat_radiation:
        return Calcul("stage.leve", libelle=d.libelle)
    fin = ajouter_mois(acte.date_adhesion, d.duree_mois)
    if acte.date >= fin:
        return Calcul("stage.termine", libelle=d.libelle, fin=fin, adhesion=acte.date_adhesion)
    return Calcul("stage.en_cours", libelle=d.libelle, fin=fin - dt.timedelta(days=1), adhesion=acte.date_adhesion)
