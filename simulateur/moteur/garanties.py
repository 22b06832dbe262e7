"""Valuing a guarantee cell for an act: each term of the parsed expression (docs/format-contrat.md).

`valeur_expression` returns the sum of the terms that do not depend on an annual envelope, the
envelopes with what is left of them this year, and what the act would consume of the per-day and
per-act counters. `valeur_composee` values an optical equipment from the frame's and the lenses'
lines (carcept-evolution-sante). Everything is Decimal euros; explanation steps are `Calcul` values.
"""
from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from ..contrat import expressions as ex
from ..domaine.erreurs import ActeInvalide
from ..domaine.montant import CENT, ZERO
from ..domaine.natures import nature as trouver_nature
from .etat import Consommation
from .resultat import Calcul
from .securite_sociale import forfait_reglementaire


class Valeur:
    """A cell's value for one act: `somme` (non-envelope terms), `details` (Calcul list or None),
    `envs` [(term, left this year, key)], `conso` (days used), `comptes` (per-act counts)."""
    __slots__ = ("somme", "details", "envs", "conso", "comptes")

    def __init__(self, somme, details=None, envs=(), conso=(), comptes=()):
        self.somme, self.details, self.envs, self.conso, self.comptes = somme, details, envs, conso, comptes


def _par_jour(t, q, cle, etat, annee, details, conso):
    """Days of this act (one act is one stay): the first `carence` days unpaid, at most `par_sejour`; then
    the yearly tiers (`jours_max` at `montant`, the rest at `puis`)."""
    jours = max(q - t.carence, 0)
    if t.par_sejour is not None:
        jours = min(jours, t.par_sejour)
    if (t.carence or t.par_sejour is not None) and details is not None:
        details.append(Calcul("terme.jours_sejour", jours=q, carence=t.carence, par_sejour=t.par_sejour, retenus=jours))
    if t.jours_max is None:
        v = t.montant * jours
        details is not None and details.append(Calcul("terme.par_jour", montant=t.montant, jours=jours, valeur=v))
        return v
    pris = int(etat.consomme(annee, cle))
    dans = max(min(jours, t.jours_max - pris), 0)
    apres = jours - dans
    v = t.montant * dans + (t.puis or ZERO) * apres
    details is not None and details.append(Calcul("terme.paliers_jours", pris=pris, jours_max=t.jours_max, dans=dans,
                                                  montant=t.montant, apres=apres, puis=t.puis or ZERO, valeur=v))
    conso.append(Consommation(annee, cle, Decimal(jours)))
    return v


def _par_acte(t, q, cle, etat, annee, details, comptes):
    """`montant` per act (or per eye, per ear: the act's quantity) while the period's count allows; the count
    runs over `annees` consecutive years (« 2 par période de 4 années civiles »)."""
    pris = int(sum((etat.consomme(a, cle) for a in range(annee - t.annees + 1, annee + 1)), ZERO))
    n = max(min(q, t.par_an - pris), 0)
    v = t.montant * n
    details is not None and details.append(Calcul("terme.par_acte", pris=pris, par_an=t.par_an, n=n, montant=t.montant, valeur=v,
                                                  annees=t.annees))
    if n:
        comptes.append(Consommation(annee, cle, Decimal(n)))
    return v


def _enveloppe(t, cle, etat, annee, q, lire, details, envs):
    """An envelope: what is left of it this period, at most `par_acte` × quantity (« 50 € maximum par séance »),
    nothing once `nombre` acts were paid from it this period. `envs` gets (term, available, key, period)."""
    if t.fraction_pmss is not None:
        pmss = lire("pmss")
        total = pmss * t.fraction_pmss
        details is not None and details.append(Calcul("terme.enveloppe_pmss", texte=t.texte, annee=annee, pmss=pmss,
                                                      fraction=t.fraction_pmss, valeur=total))
    else:
        total = t.montant
    dispo = max(total - etat.consomme(annee, cle), ZERO)
    if t.par_acte is not None and dispo > t.par_acte * q:
        dispo = t.par_acte * q
        details is not None and details.append(Calcul("terme.enveloppe_par_acte", par_acte=t.par_acte, quantite=q, valeur=dispo))
    if t.nombre is not None:
        pris = int(etat.consomme(annee, cle + ("nombre",)))
        if pris >= t.nombre:
            dispo = ZERO
            details is not None and details.append(Calcul("terme.enveloppe_nombre", pris=pris, nombre=t.nombre))
    envs.append((t, dispo, cle, annee))


def _forfait_optique(t, acte, fr, details):
    if acte.monture is None:
        raise ActeInvalide("requis-optique", "monture", ligne=t.texte)
    if acte.monture > fr:
        raise ActeInvalide("monture-superieure", "monture", monture=acte.monture, frais_reels=fr)
    couvert = (fr - acte.monture) + (min(acte.monture, t.monture_max) if t.monture_max is not None else acte.monture)
    v = min(t.montant, couvert)
    details is not None and details.append(Calcul("terme.forfait_optique", montant=t.montant, verres=fr - acte.monture,
                                                  monture=acte.monture, monture_max=t.monture_max, couvert=couvert, valeur=v))
    return v


def _terme(t, nat, acte, br, fr, ss_brut, lire, details):
    """A term that needs no annual state: its value in euros."""
    cls = type(t)
    if cls is ex.TauxBR:
        v = br * t.taux / CENT
        details is not None and details.append(Calcul("terme.taux_br", taux=t.taux, br=br, valeur=v))
    elif cls is ex.SecuriteSociale:
        v = ss_brut
        details is not None and details.append(Calcul("terme.securite_sociale", valeur=v))
    elif cls is ex.FraisReels:
        v = fr * t.taux / CENT
        details is not None and details.append(Calcul("terme.frais_reels", taux=t.taux, valeur=v))
    elif cls is ex.Fixe:
        v = t.montant
        details is not None and details.append(Calcul("terme.fixe", valeur=v))
    elif cls is ex.TicketModerateur:
        tm = max(min(br, fr) - ss_brut, ZERO)
        v = ss_brut + tm * t.taux / CENT
        details is not None and details.append(Calcul("terme.ticket_moderateur", taux=t.taux, ticket_moderateur=tm, ss=ss_brut,
                                                      valeur=v))
    elif cls is ex.ParUnite:
        n = 2 if (t.unite == "verre" and acte.nature == "optique-equipement") else acte.quantite
        v = t.montant * n
        details is not None and details.append(Calcul("terme.par_unite", montant=t.montant, unite=t.unite, n=n, valeur=v))
    elif cls is ex.PartPMSS:
        pmss = lire("pmss")
        v = pmss * t.fraction
        details is not None and details.append(Calcul("terme.part_pmss", texte=t.texte, annee=acte.date.year, pmss=pmss,
                                                      fraction=t.fraction, valeur=v))
    elif cls is ex.LimiteForfait:
        if not nat.forfait:
            raise ActeInvalide("forfait-absent", None, garantie=t.texte, nature=nat.code)
        forfait = forfait_reglementaire(nat, acte, lire)
        v = min(fr, forfait * acte.quantite)
        details is not None and details.append(Calcul("terme.limite_forfait", fr=fr, forfait=forfait, quantite=acte.quantite,
                                                      valeur=v))
    elif cls is ex.CentPourCentSante:
        if acte.limite is None:
            raise ActeInvalide("limite-requise", "limite", ligne=t.texte, quoi=t.limite)
        v = min(fr, acte.limite)
        details is not None and details.append(Calcul("terme.cent_pour_cent_sante", fr=fr, nom=t.limite, limite=acte.limite,
                                                      valeur=v))
    elif cls is ex.ForfaitOptique:
        v = _forfait_optique(t, acte, fr, details)
    else:  # pragma: no cover - the parser makes no other term
        raise TypeError(f"terme non géré : {t!r}")
    return v


def valeur_expression(expr, nat, acte, br, fr, ss_brut, lire, etat, cle_base: tuple, expliquer: bool, cal=None) -> Valeur:
    """The value of `expr` for the act (amounts in the act's `br` / `fr` / `ss_brut`).

    `cal` (moteur.periodes.Calendrier) places the yearly counters (civil or membership year) and gives
    the seniority that terms « après 2 ans » need; None: the act's civil year, seniority unknown.
    """
    termes = expr.termes
    if not expliquer and len(termes) == 1 and type(termes[0]) is ex.TauxBR and not termes[0].anciennete:
        return Valeur(br * termes[0].taux / CENT)     # the most common cell ("100 % BR", "+ 120 % BR")
    details = [] if expliquer else None
    somme, envs, conso, comptes = ZERO, [], [], []
    q = acte.quantite
    for i, t in enumerate(termes):
        if t.anciennete and not _ancien(t, cal, details):
            continue
        cls = type(t)
        if cls is ex.Enveloppe or cls is ex.ParJour or cls is ex.ParActe:
            annee, suffixe = cal.periode(t.annee) if cal is not None else (acte.date.year, ())
            if details is not None and cal is not None and cal.sans_adhesion(t.annee):
                details.append(Calcul("terme.annee_civile_faute_d_adhesion", texte=t.texte))
            cle = cle_base + (i,) + suffixe
            if cls is ex.Enveloppe:
                _enveloppe(t, cle, etat, annee, q, lire, details, envs)
            elif cls is ex.ParJour:
                somme += _par_jour(t, q, cle, etat, annee, details, conso)
            else:
                somme += _par_acte(t, q, cle, etat, annee, details, comptes)
        else:
            somme += _terme(t, nat, acte, br, fr, ss_brut, lire, details)
    return Valeur(somme, details, envs, conso, comptes)


def _ancien(t, cal, details) -> bool:
    """Whether a term « après N ans » applies: N full years of membership at the act's date. Without
    `date_adhesion` the seniority is unknown and the term is not paid (the explanation says so)."""
    anciennete = cal.anciennete if cal is not None else None
    if details is not None:
        details.append(Calcul("terme.anciennete", texte=t.texte, requis=t.anciennete, anciennete=anciennete))
    return anciennete is not None and anciennete >= t.anciennete


# ------------------------------------------------------------------ optics composed of frame + lenses (carcept-evolution-sante)

def _composante(contrat, col_id, acte, sous, n, ss_c, inclusif, lire, details, choisir, taux):
    ligne = choisir(contrat, sous, taux)
    cell = ligne.cellules.get(col_id) if ligne is not None else None
    if cell is None or cell.rien:
        v = ss_c if inclusif else ZERO
    else:
        v = valeur_expression(cell, trouver_nature(sous.nature), sous, sous.br, sous.frais_reels, ss_c, lire, _VIDE,
                              (), False).somme
    if details is not None:
        details.append(Calcul("compose.element", fichier=contrat.fichier,
                              ligne=(ligne.cellule_lignes.get(col_id, ligne.ligne) if ligne is not None else None),
                              libelle=ligne.libelle if ligne is not None else "", nature=sous.nature,
                              texte=cell.texte if cell is not None else "–", br=sous.br, ss=ss_c, n=n, valeur=v))
    return v


class _EtatVide:
    @staticmethod
    def consomme(annee, cle):
        return ZERO


_VIDE = _EtatVide()


class ValeurComposee(Valeur):
    """The value of a composed line for one layer, and `parts` (frame, lenses): what the layer's value
    attributes to each component (negative in an inclusive level whose total on a component is below
    what the SS and the previous levels already paid on it)."""
    __slots__ = ("parts",)

    def __init__(self, somme, details, parts):
        super().__init__(somme, details)
        self.parts = parts


def repartir(paye: Decimal, parts: tuple) -> tuple:
    """(frame, lenses) share of what a layer paid for a composed equipment: the frame first, up to its
    part, the lenses the rest. `paye` ≤ the sum of the positive parts (a layer pays at most its line's
    value), up to the rounding to the cent."""
    monture = min(max(parts[0], ZERO), paye)
    return monture, paye - monture


def _plafond_monture(responsable, acte, lire):
    """The contrat responsable frame ceiling (SS included, R871-2 3° CSS) or None."""
    if responsable and acte.panier != "100-sante":
        return lire.optionnel("responsable.monture_plafond")
    return None


def _monture(contrat, ligne, col_id, acte, tiers_br, tiers_ss, inclusif, responsable, lire, details, choisir, taux):
    comp = ligne.composition
    v = _composante(contrat, col_id, acte, replace(acte, nature=comp["monture"], quantite=1, br=tiers_br,
                                                   frais_reels=acte.monture), 1, tiers_ss, inclusif, lire, details, choisir, taux)
    if not inclusif:
        return v
    retenu = min(v, acte.monture)
    m_max = _plafond_monture(responsable, acte, lire)
    if m_max is not None and m_max < retenu:
        retenu = m_max
        details is not None and details.append(Calcul("compose.monture_plafond", plafond=m_max))
    if retenu < v:
        details is not None and details.append(Calcul("compose.monture_retenue", valeur=retenu, monture=acte.monture))
    return retenu


def _reste_monture(v, acte, ss, avant, responsable, lire, details):
    """An added level's frame part: at most what is left of the frame's price (and, in a contrat
    responsable, of the frame ceiling, SS included) after the SS's share and the previous levels' parts."""
    m_max = _plafond_monture(responsable, acte, lire)
    borne = acte.monture if m_max is None else min(acte.monture, m_max)
    reste = max(borne - ss - avant, ZERO)
    if reste < v:
        details is not None and details.append(Calcul("compose.monture_reste", valeur=reste, monture=acte.monture,
                                                      plafond=m_max, ss=ss, avant=avant))
        return reste
    return max(v, ZERO)


def _reste_verres(v, prix, ss, avant, details):
    """An added level's lenses part: at most what is left of the lenses' price after the SS's share and the
    previous levels' parts."""
    reste = max(prix - ss - avant, ZERO)
    if reste < v:
        details is not None and details.append(Calcul("compose.verres_reste", valeur=reste, prix=prix, ss=ss, avant=avant))
        return reste
    return max(v, ZERO)


def valeur_composee(contrat, ligne, col_id, acte, br, fr, ss_brut, lire, taux, inclusif, responsable, expliquer, choisir,
                    avant=(ZERO, ZERO)) -> ValeurComposee:
    """A composed line (`composition: {monture: …, verres: …}`): frame row + one lens row per lens class.

    The equipment's BR and SS are shared equally between the frame and the two lenses (class B:
    0,05 € each). `avant` = (frame, lenses) parts of the previous levels (`repartir`), euros.
    Inclusive level: the frame is bounded by its price and, in a contrat responsable, by the frame
    ceiling (SS included, R871-2 3° CSS), the lenses together by their price (FR − monture); a
    component whose cell pays nothing beyond the SS counts its SS share; the value is the total, of
    which the layer pays what exceeds the SS and the previous levels. Added level (`en-complement`):
    each component's part is bounded by what is LEFT of its price (and of the frame ceiling) after
    the SS's share and the previous levels' parts on it. Raises ActeInvalide (`monture` or `verres`
    missing, frame above the frais réels).
    """
    if acte.monture is None:
        raise ActeInvalide("requis-optique", "monture", ligne=ligne.libelle)
    if acte.verres is None:
        raise ActeInvalide("requis-optique", "verres", ligne=ligne.libelle)
    if acte.monture > fr:
        raise ActeInvalide("monture-superieure", "monture", monture=acte.monture, frais_reels=fr)
    details = [] if expliquer else None
    tiers_br, tiers_ss = br / 3, ss_brut / 3
    v_m = _monture(contrat, ligne, col_id, acte, tiers_br, tiers_ss, inclusif, responsable, lire, details, choisir, taux)
    prix_verres = fr - acte.monture
    v_v = ZERO
    for classe in sorted(set(acte.verres)):
        n = acte.verres.count(classe)
        sous = replace(acte, nature=ligne.composition["verres"], quantite=n, verres=(classe, classe), br=tiers_br * n,
                       frais_reels=prix_verres)
        v_v += _composante(contrat, col_id, acte, sous, n, tiers_ss * n, inclusif, lire, details, choisir, taux)
    ss_verres = tiers_ss * len(acte.verres)
    if not inclusif:
        v_m = _reste_monture(v_m, acte, tiers_ss, avant[0], responsable, lire, details)
        v_v = _reste_verres(v_v, prix_verres, ss_verres, avant[1], details)
        parts = (v_m, v_v)
    else:
        if v_v > prix_verres:
            details is not None and details.append(Calcul("compose.verres_retenus", valeur=prix_verres))
            v_v = prix_verres
        parts = (v_m - tiers_ss - avant[0], v_v - ss_verres - avant[1])
    details is not None and details.append(Calcul("compose.total", monture=v_m, verres=v_v, valeur=v_m + v_v))
    return ValeurComposee(v_m + v_v, details, parts)
