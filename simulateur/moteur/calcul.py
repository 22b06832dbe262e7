"""The pure calculation of one act: the Sécurité sociale first, then the forfait après cancer, then
each layer of the formula (docs/calcul.md).

No I/O, no command-line words, no formatting: `simuler(contrat, formule, acte, etat)` returns a
`Resultat` that carries what each payer pays, its explanation as values (which contract line, which
dated parameters, which cap bound each amount) and what the act consumed of the beneficiary's
annual state. Each payer pays only what the payers before it left: every part is ≥ 0 and the parts
add up to the frais réels, by construction.
"""
from __future__ import annotations

from ..domaine.acte import Acte
from ..domaine.erreurs import ActeInvalide
from ..domaine.montant import ZERO
from ..domaine.natures import NATURES, nature as trouver_nature
from ..parametres import charger_parametres
from .apres_cancer import forfait_apres_cancer
from .couches import ActeEnCours, couche
from .etat import EtatBeneficiaire
from .hypotheses import (Hypothese, acte_lourd_possible, avertissements, cent_pour_cent_sante_non_couvert, completer,
                         horizon, reconduits, sans_entrees_inutiles)
from .lecture import LectureParametres
from .periodes import Calendrier, cles_renouvellement, delai_de_stage, note_delai_de_stage, refus_renouvellement
from .plafonds import NATURES_MEDECIN, montant_plafond, plafonds_reglementaires, vise_le_panier
from .resultat import Calcul, Etape, Part, Resultat
from .securite_sociale import securite_sociale, situations
from .selection import choisir_ligne

_VIDE = EtatBeneficiaire()

__all__ = ["Acte", "NATURES_MEDECIN", "Part", "Resultat", "choisir_ligne", "simuler"]


def _preparer(contrat, form, acte, nat, etat, lire, ss, forfait_ac, expliquer, explication) -> ActeEnCours:
    """The line of the act and everything its layers share: caps, renewal refusal, waiting period."""
    a = ActeEnCours()
    a.contrat, a.acte, a.nat, a.etat, a.lire, a.expliquer = contrat, acte, nat, etat, lire, expliquer
    a.choisir = choisir_ligne
    a.taux, a.ss_brut, a.forfait_ac = ss.taux_normal, ss.ss_brut, forfait_ac
    a.ligne = choisir_ligne(contrat, acte, ss.taux_normal)
    a.responsable = contrat.est_responsable(form.id)
    a.caps = plafonds_reglementaires(a.responsable, nat, acte, acte.br, acte.frais_reels, lire) if form.colonnes else []
    if ss.majoration and a.responsable:
        # Hors parcours (L871-1 CSS): a contrat responsable never pays the majoration nor the authorised
        # overrun; its layers pay what they would have paid in the pathway (from the normal SS), no more
        # than the ticket modérateur of the pathway (docs/situations.md).
        a.ss_brut = ss.ss_brut_normal
        a.caps = a.caps + [(min(acte.br, acte.frais_reels), Calcul("borne.hors_parcours", majoration=ss.majoration,
                                                                   normal=ss.ss_brut_normal))]
    if a.ligne is None and form.colonnes and expliquer:
        explication.append(Etape(Calcul("contrat"), ZERO, Calcul("contrat.sans_ligne", contrat=contrat.id, nature=acte.nature),
                                 [Calcul("contrat.aucune_couche")]))
    a.refus = refus_renouvellement(contrat, nat, acte, etat, lire) if a.ligne is not None else None
    a.tm_total = max(min(acte.br, acte.frais_reels) - a.ss_brut, ZERO)
    a.stage = delai_de_stage(contrat, acte, a.responsable) if contrat.delai_de_stage is not None else None
    a.note_stage = note_delai_de_stage(contrat, acte, a.responsable) if expliquer else None
    a.cal = Calendrier(contrat.annee, acte)
    a.plafond_annuel, a.montant_plafond = _plafond_annuel(contrat, form, acte, a) if contrat.plafonds_annuels else (None, None)
    a.deja = a.ss_brut + forfait_ac
    a.verse_avant = ZERO
    a.composantes = (ZERO, ZERO)     # (frame, lenses) paid by the layers so far on a composed optics line
    a.consommations = list(ss.consommations)
    return a


def _plafond_annuel(contrat, form, acte, a) -> tuple:
    """(the contract's annual ceiling that concerns this act, its amount for the formula) or (None, None)."""
    code = contrat.nature_du_contrat(acte.nature)
    for p in contrat.plafonds_annuels:
        if code in p.natures and vise_le_panier(p.paniers, acte, a.responsable):
            montant = montant_plafond(p, form, a.cal)
            if montant is not None:
                return p, montant
    return None, None


def _couches_payees(contrat, form, a: ActeEnCours) -> tuple:
    """The layers that pay: the formula's, or during a waiting period « limité à la formule X » each level's
    column in formula X (a level X has no column for pays nothing)."""
    if a.stage != "formule":
        return form.couches
    reduite = {niv.id: (c, col, niv) for c, col, niv in contrat.formules[contrat.delai_de_stage.formule].couches}
    return tuple(reduite.get(niv.id, (None, col, niv)) for _c, col, niv in form.couches)


def _couches(a: ActeEnCours, contrat, form, explication) -> list:
    parts = []
    libelle = a.ligne.libelle if a.ligne is not None else ""
    for col_id, col, niv in _couches_payees(contrat, form, a):
        paye, ref, garantie, etape = couche(a, col_id, col, niv)
        etape is not None and explication.append(etape)
        parts.append(Part(col.niveau, col.id, paye, garantie, ref, libelle, niv.convention))
        a.deja += paye
        a.verse_avant += paye
    return parts


def simuler(contrat, formule: str, acte: Acte, etat: EtatBeneficiaire | None = None, parametres=None,
            expliquer: bool = True, strict: bool = False) -> Resultat:
    """One act through the Sécurité sociale, then each layer of the formula; `etat` is only read.

    contrat: a loaded `Contrat`; formule: one of its formula ids; acte: from `creer_acte`; etat: the
    beneficiary's annual state before this act (None: an empty year); parametres: the dated
    regulatory parameters (default: the shipped ones); expliquer=False (batches) skips building the
    explanation, every amount is the same; strict: refuse a parameter past its last published value
    instead of carrying it forward.

    Around the calculation (moteur.hypotheses): the act is completed from its code (catalogue) and the
    100 % Santé caps; an input a guarantee needs but the act lacks is tried at its extreme values and
    is not asked for when the results agree. The result carries the act as computed (`acte`, its JSON
    echo replays it) and every assumption (`hypotheses`).

    Raises ActeInvalide (an input the act lacks for this contract, named by its field; a date past the
    horizon of the parameters; care before `date_adhesion`, `soins-avant-adhesion`, for every contract), FormuleInconnue, ParametreIndisponible (no value at that date;
    ReconductionRefusee in strict mode).
    """
    params = parametres or charger_parametres()
    if acte.date_adhesion is not None and acte.date < acte.date_adhesion:
        # One rule for every contract (docs/format-contrat.md, « Délai de stage »): a contract covers
        # nothing before the member joined, with or without a waiting period.
        raise ActeInvalide("soins-avant-adhesion", "date_adhesion", date=acte.date, adhesion=acte.date_adhesion,
                           contrat=contrat.id)
    avant = horizon(acte, params) if acte.date > params.connus_jusqu_au else []

    def calculer(a):
        lus = ()
        if a.acte is None and a.nature is not None and (a.limite is not None or a.panier != "100-sante"):
            complet, hyps = a, ()                     # nothing to complete (the usual batch row)
        else:
            lire_acte = LectureParametres(params, a.date, False, strict)
            complet, hyps = completer(a, lire_acte)
            lus = lire_acte.reconduits
        lire = LectureParametres(params, complet.date, expliquer, strict)
        r = _simuler(contrat, formule, complet, etat, lire, expliquer)
        if complet.css or lus or lire.reconduits:
            hyps = list(hyps) + (avertissements(complet, r) if complet.css else [])
            if lus or lire.reconduits:
                hyps += reconduits({v.nom: v for v in list(lus) + lire.reconduits}.values(), complet.date, params)
        if not complet.acte_lourd and complet.br:
            hyps = list(hyps) + acte_lourd_possible(complet, params)
        if complet.panier == "100-sante" and r.reste_a_charge > 0:
            hyps = list(hyps) + cent_pour_cent_sante_non_couvert(complet, r, contrat, formule)
        r.acte, r.hypotheses_moteur = complet, list(hyps) + list(r.hypotheses_moteur)
        if complet.age is None and situations(complet):
            r.exonerations = _exonerantes(complet, params)
        return r

    r, essais = sans_entrees_inutiles(calculer, acte, contrat)
    if essais:
        r.acte = acte          # an input tried at several values: the echo keeps it absent, as given
    if avant or essais:
        r.hypotheses_moteur = avant + list(r.hypotheses_moteur) + essais
    return r


def _exonerantes(acte: Acte, params) -> tuple:
    """The act's situations (maternite, ald, css, at_mp order) that exempt it from the participation
    forfaitaire or the franchises at its date (parameters `exoneration.<situation>.participation_forfaitaire`
    and `.franchises`: art. L160-13 II and III CSS, docs/situations.md); () when none does."""
    lire = LectureParametres(params, acte.date, False, False)
    return tuple(s for s in situations(acte)
                 if any(lire.optionnel(f"exoneration.{s}.{p}") == 1 for p in ("participation_forfaitaire", "franchises")))


def _simuler(contrat, formule: str, acte: Acte, etat, lire: LectureParametres, expliquer: bool) -> Resultat:
    """The calculation itself, on a complete act (nature, BR): SS, forfait après cancer, each layer."""
    nat = NATURES.get(acte.nature) or trouver_nature(acte.nature)
    form = contrat.formule(formule)
    etat = etat or _VIDE
    fr = acte.frais_reels
    if acte.quantite < 1:
        raise ActeInvalide("quantite-invalide", "quantite", acte.quantite)
    explication: list = []
    ss = securite_sociale(nat, acte, etat, lire, expliquer)
    ss.etape is not None and explication.append(ss.etape)
    forfait_ac = ZERO
    conso_ac = ()
    if nat.categorie == "apres-cancer":
        forfait_ac, conso_ac, etape = forfait_apres_cancer(nat, acte, etat, lire, fr - ss.ss_brut, expliquer)
        etape is not None and explication.append(etape)
    a = _preparer(contrat, form, acte, nat, etat, lire, ss, forfait_ac, expliquer, explication)
    a.consommations.extend(conso_ac)
    parts = _couches(a, contrat, form, explication)
    renouvellements = []
    if a.ligne is not None and nat.renouvellement and a.verse_avant > 0:
        for cle, _permis, livre in cles_renouvellement(contrat, nat, acte):
            renouvellements.extend([(cle, acte.date)] * livre)
    total = ss.rss + forfait_ac + a.verse_avant
    r = Resultat(contrat.id, form.id, acte.nature, acte.date, fr, acte.br, ss.taux, ss.ss_brut, ss.rss, ss.pf + ss.franchise,
                 parts, total, fr - total, forfait_ac, explication, a.consommations, renouvellements, ss.majoration)
    r.renouvellement_refuse = a.refus is not None
    if ss.sans_effet is not None:        # « hors » asked, no majoration by rule: said, as the other inputs without effect
        motif, details = ss.sans_effet
        r.hypotheses_moteur = (Hypothese("parcours", "hors", "parcours.hors_sans_effet", motif=motif, **details),)
    return r
