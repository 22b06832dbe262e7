"""Caps that bind several payers at once (docs/calcul.md §3): the contrat responsable ceilings
(R871-2 CSS), and a contract's annual ceilings (carcept-evolution-sante: 2 500 € of dental prostheses
a civil year).

Each cap is a value: `(amount, Calcul)` — the amount that SS + every layer may reach, and what it
is, for the explanation.
"""
from __future__ import annotations

from ..domaine.erreurs import ActeInvalide
from ..domaine.montant import CENT, ZERO, arrondi
from .etat import Consommation
from .resultat import Calcul

# Doctors' natures: the non-DPTM ceilings apply to their fees (R871-2 2°)
NATURES_MEDECIN = frozenset({"consultation-generaliste", "consultation-specialiste", "actes-techniques", "imagerie",
                             "densitometrie", "hospitalisation-honoraires", "readaptation-honoraires"})


def _optique_classe_b(acte, fr, lire) -> list:
    if acte.verres is None:
        raise ActeInvalide("requis-responsable", "verres")
    caps = []
    cle = "-".join(acte.verres)
    plafond = lire.optionnel(f"responsable.optique.plafond.{cle}")
    if plafond is not None:
        caps.append((plafond, Calcul("borne.responsable_equipement", verres=cle, plafond=plafond)))
    monture_max = lire.optionnel("responsable.monture_plafond")
    if monture_max is not None:
        if acte.monture is None:
            raise ActeInvalide("requis-responsable", "monture")
        caps.append(((fr - acte.monture) + min(acte.monture, monture_max),
                     Calcul("borne.responsable_monture", plafond=monture_max)))
    return caps


def plafonds_reglementaires(responsable: bool, nat, acte, br, fr, lire) -> list:
    """Caps binding SS + every layer of a responsable formula: class B optics by lens pair and frame
    (100 €), class II hearing aid per ear (1 700 €), non-DPTM doctors (BR + 100 % BR).

    Optics and hearing aids: an act without `panier` is treated as class B / class II (libre), the
    only classes of the documents written before the 100 % Santé.
    """
    if not responsable:
        return []
    code = nat.code
    libre = acte.panier is None or acte.panier == "libre"
    if code == "optique-equipement" and libre:
        return _optique_classe_b(acte, fr, lire)
    if code == "optique-monture" and libre:
        m = lire.optionnel("responsable.monture_plafond")
        return [] if m is None else [(m, Calcul("borne.responsable_monture", plafond=m))]
    if code == "aide-auditive" and libre:
        p = lire.optionnel("responsable.aide_auditive_plafond")
        return [] if p is None else [(p * acte.quantite, Calcul("borne.responsable_aide_auditive", plafond=p))]
    if code in NATURES_MEDECIN and acte.dptm is False:
        d = lire.optionnel("responsable.non_dptm.depassement_max_br")
        return [] if d is None else [(br + br * d / CENT, Calcul("borne.responsable_non_dptm", taux=d))]
    return []


def montant_plafond(p, formule, cal):
    """The amount of ceiling `p` for this formula at the act's seniority, or None (no ceiling for it).

    `p.par_colonne`: the amount of the formula's column (« 1 400 / 1 500 / 1 600 / 1 800 € selon le
    niveau »); `paliers`: ((years of membership, amount), …) — the last step reached (« 1 800 € en
    années 1 et 2, 2 500 € ensuite »); without a known seniority, the first step.
    """
    paliers = p.paliers or ((0, p.montant),)
    if p.par_colonne:
        paliers = next((p.par_colonne[c] for c in formule.colonnes if c in p.par_colonne), None)
        if paliers is None:
            return None
    anciennete = cal.anciennete if cal is not None else None
    montant = paliers[0][1]
    for annees, m in paliers:
        if anciennete is not None and anciennete >= annees:
            montant = m
    return montant


def plafond_annuel(p, montant, contrat, etat, cal, paye, tm_reste, verse_avant, calcul, conso):
    """A contract's annual ceiling: (amount paid, the cap's Calcul if it bound, else None).

    Everything the contract pays for the listed natures counts, per civil or membership year (`p.annee`,
    else the contract's); an act that crosses the ceiling gets what is left of it, and with `au_dela:
    ticket-moderateur` never less than its ticket modérateur (which is also what every act gets once the
    ceiling is reached).
    """
    annee, suffixe = cal.periode(p.annee)
    cle = (contrat.id, "plafond-annuel", p.libelle) + suffixe
    pris = etat.consomme(annee, cle) + verse_avant
    reste_plafond = max(montant - pris, ZERO)
    borne = None
    if paye > reste_plafond:
        tm = p.au_dela == "ticket-moderateur"
        plancher = max(min(tm_reste, paye), ZERO) if tm else ZERO
        calcul is not None and calcul.append(Calcul("plafond_annuel.reste", libelle=p.libelle, montant=montant, pris=pris,
                                                    reste=reste_plafond, ticket_moderateur=plancher if tm else None,
                                                    adhesion=bool(suffixe)))
        paye = max(reste_plafond, plancher)
        borne = Calcul("borne.plafond_annuel", libelle=p.libelle, montant=montant, adhesion=bool(suffixe))
    conso.append(Consommation(annee, cle, arrondi(paye)))
    return paye, borne


def vise_le_panier(paniers, acte, responsable: bool) -> bool:
    """Whether a ceiling or a waiting period limited to `paniers` (None: all) concerns this act. A 100 %
    Santé act of a responsable formula is never concerned (R871-2 CSS: no reste à charge up to the price
    limits); optics and hearing aids without a basket are class B / class II (`libre`)."""
    panier = acte.panier
    if panier == "100-sante" and responsable:
        return False
    if paniers is None:
        return True
    return (panier or "libre") in paniers
