"""Which constructs of the market's brochures a contract uses (docs/format-contrat.md, issue 11).

`formes_etendues(contrat)` names them, so that an engine that compiles contracts (the columnar batch
engine) can hand a contract — or only the lines that use a construct it does not compile — to the line
engine, which is the reference. Pure; no I/O.
"""
from __future__ import annotations

from . import expressions as ex


def formes_de_l_expression(e) -> set[str]:
    """The extended constructs of one parsed cell."""
    out = set()
    if e.plafond is not None:
        out.add("limite-de-case")
    if e.plancher is not None:
        out.add("minimum-de-case")
    for t in e.termes:
        if t.anciennete:
            out.add("anciennete")
        if isinstance(t, ex.TicketModerateur):
            out.add("ticket-moderateur")
        if isinstance(t, ex.Enveloppe) and (t.par_acte is not None or t.nombre is not None):
            out.add("enveloppe-par-acte")
        if isinstance(t, (ex.Enveloppe, ex.ParJour, ex.ParActe)) and t.annee == "adhesion":
            out.add("annee-du-terme")
        if isinstance(t, ex.ParJour) and (t.par_sejour is not None or t.carence):
            out.add("jours-par-sejour")
        if isinstance(t, ex.ParActe) and t.annees > 1:
            out.add("compte-pluriannuel")
    return out


def formes_de_la_ligne(ligne) -> set[str]:
    out = set()
    for e in ligne.cellules.values():
        out |= formes_de_l_expression(e)
    age = ligne.si.get("age")
    if age and type(age[0]) is tuple:
        out.add("liste-d-ages")
    return out


def formes_etendues(contrat) -> set[str]:
    """Every extended construct `contrat` uses: contract-wide ones (membership year, non-responsable level,
    ceilings by formula / seniority / basket, waiting period by basket / in days / as a formula) and the
    cells' ones (see `formes_de_l_expression`). Not a construct: a finer nature (SMR…) paid by its parent's
    lines is already in `Contrat.par_nature` (derived), and line selection stays `moteur.selection`."""
    out = set()
    if contrat.annee == "adhesion":
        out.add("annee-adhesion")
    if any(n.responsable is False for n in contrat.niveaux.values()):
        out.add("niveau-non-responsable")
    for p in contrat.plafonds_annuels:
        out |= {f for f, oui in (("plafond-par-formule", p.par_colonne), ("plafond-paliers", len(p.paliers) > 1),
                                  ("plafond-paniers", p.paniers is not None), ("plafond-annee", p.annee)) if oui}
    d = contrat.delai_de_stage
    if d is not None:
        out |= {f for f, oui in (("delai-paniers", d.paniers is not None), ("delai-formule", d.formule),
                                  ("delai-jours", d.duree_jours)) if oui}
    for ligne in contrat.lignes:
        out |= formes_de_la_ligne(ligne)
    return out
