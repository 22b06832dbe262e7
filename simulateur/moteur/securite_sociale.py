"""The Sécurité sociale part of one act: rate, gross payment, participation forfaitaire, franchises.

Rules (docs/calcul.md §2): `ss_brut = round(min(BR, FR) × taux)`; the participation forfaitaire
(L160-13 II CSS: 2 € since 2024-05-15, 50 € a year, not before 18) and the franchises
(L160-13 III: per box, per paramedical act, per trip; 50 € a year; daily caps) are withheld and
stay with the patient: `RSS = ss_brut − PF − franchises`, never below 0. Hospital "actes lourds"
(≥ 120 €): 100 % of the BR minus the regulatory forfait. Régime local d'Alsace-Moselle: its own rates,
and the forfait journalier it pays.

The patient's situation (docs/situations.md; rules and dates in parametres/situations.yaml):
- maternité, ALD (care related to it), AT/MP: the situation's rate (100 %) for every reimbursed nature;
- each situation exempts, or not, the participation forfaitaire, the franchises and the regulatory
  forfaits (journalier, patient urgences, actes lourds): `exoneration.<situation>.<participation>`; an
  exempted forfait is paid by the Sécurité sociale (100 % of it, within the frais réels);
- hors parcours (L162-5-3, R322-1-1 CSS): the doctors' acts lose 40 points of rate, the loss (the
  majoration) capped per act; not under 16. `PartSS.ss_brut_normal` is what the SS would have paid in
  the pathway: what a contrat responsable layer computes from (calcul.py).
"""
from __future__ import annotations

from decimal import Decimal

from ..domaine.champs import SITUATIONS
from ..domaine.erreurs import ActeInvalide
from ..domaine.montant import CENT, ZERO, arrondi
from ..domaine.natures import TAUX_MEDICAMENTS, Nature
from .etat import Consommation
from .resultat import Calcul, Etape

_NOMS_TAUX: dict = {}


class PartSS:
    """The Sécurité sociale of one act: `taux` (points, the rate applied to the BR), `ss_brut`, `pf` and
    `franchise` withheld, `rss` = net payment; `consommations` of the PF / franchise counters; `etape`
    (or None). Hors parcours: `taux_normal` (= `taux`) and `ss_brut_normal` (in the pathway),
    `majoration` (euros deducted: `ss_brut` = `ss_brut_normal` − `majoration`, capped per act), `sans_effet`
    (hors parcours asked but no majoration by rule: (motif, details) — « nature », « taux » or « age »
    with the minimum age —, else None)."""
    __slots__ = ("taux", "ss_brut", "pf", "franchise", "rss", "consommations", "etape", "taux_normal", "ss_brut_normal",
                 "majoration", "sans_effet")

_TAUX_SITUATION = ("maternite", "at_mp", "ald")     # situations with their own rate (situation.<s>.taux)


def situations(acte) -> tuple:
    """The situations of the act (maternite, ald, css, at_mp), in that order; () in the ordinary case."""
    if not (acte.maternite or acte.ald or acte.css or acte.at_mp):
        return ()
    return tuple(s for s in SITUATIONS if getattr(acte, s))


def exoneration(acte, participation: str, lire) -> str | None:
    """The first situation of the act that exempts `participation` (participation_forfaitaire, franchises,
    forfait_journalier, forfait_patient_urgences, forfait_actes_lourds) at its date, or None."""
    for s in situations(acte):
        if lire.optionnel(f"exoneration.{s}.{participation}") == 1:
            return s
    return None


def _taux_situation(acte, taux: Decimal, lire, calcul) -> Decimal:
    """The highest rate among the act's situations with a rate (maternité, AT/MP, ALD), if above `taux`."""
    for s in _TAUX_SITUATION:
        if getattr(acte, s):
            t = lire(f"situation.{s}.taux")
            if t > taux:
                taux = t
                calcul is not None and calcul.append(Calcul("ss.situation", situation=s, taux=t))
    return taux


def taux_ss(nat: Nature, acte, lire, calcul=None) -> Decimal:
    """The rate (percentage points) for this act, in the care pathway: the act's `taux` if given, else the
    régime's rate for the nature's group at the act's date (`taux_ss.<regime>.<groupe>`), 100 for an acte
    lourd, the situation's rate when higher (maternité, AT/MP, ALD: 100). A regulatory forfait a
    situation exempts (forfait journalier in maternity…) is paid at 100 %."""
    if acte.taux is not None:
        if not (ZERO <= acte.taux <= CENT):
            raise ActeInvalide("taux-hors-bornes", "taux", str(acte.taux))
        return acte.taux
    if nat.taux is None:
        if nat.forfait and situations(acte):
            s = exoneration(acte, nat.forfait.split(".")[0], lire)
            if s is not None:
                calcul is not None and calcul.append(Calcul("ss.forfait_exonere", situation=s, nature=nat.code))
                return CENT
        if nat.taux_local and acte.regime == "alsace-moselle":
            return lire(f"taux_ss.alsace-moselle.{nat.taux_local}")
        return ZERO
    groupe = nat.taux
    if nat.code == "medicaments" and acte.smr:
        groupe = TAUX_MEDICAMENTS.get(acte.smr, groupe)
    if acte.acte_lourd:
        return CENT
    nom = _NOMS_TAUX.get((acte.regime, groupe))
    if nom is None:
        nom = _NOMS_TAUX[(acte.regime, groupe)] = f"taux_ss.{acte.regime}.{groupe}"
    taux = lire(nom)
    if acte.maternite or acte.ald or acte.at_mp:
        taux = _taux_situation(acte, taux, lire, calcul)
    return taux


def forfait_reglementaire(nat: Nature, acte, lire) -> Decimal:
    """The nature's regulatory forfait at the act's date (forfait journalier: psychiatric or not)."""
    nom = nat.forfait
    if nom == "forfait_journalier":
        nom += ".psychiatrie" if acte.psychiatrie else ".general"
    elif nom == "forfait_patient_urgences.normal" and (acte.ald or acte.at_mp):
        if any(getattr(acte, s) and lire.optionnel(f"situation.{s}.fpu_minore") == 1 for s in ("ald", "at_mp")):
            nom = "forfait_patient_urgences.minore"
    return lire(nom)


def _brut(nat: Nature, acte, taux: Decimal, lire, calcul) -> Decimal:
    """Gross payment, never above the frais réels (each payer pays at most what is left)."""
    fr, br, q = acte.frais_reels, acte.br, acte.quantite
    base = min(br, fr)
    if nat.taux is None and taux and nat.forfait:
        exonere = exoneration(acte, nat.forfait.split(".")[0], lire) if situations(acte) else None
        if exonere or nat.taux_local:
            base = min(fr, forfait_reglementaire(nat, acte, lire) * q)
            calcul is not None and calcul.append(Calcul("ss.forfait" if exonere else "ss.regime_local", nature=nat.code, fr=fr,
                                                        quantite=q, base=base))
    if acte.acte_lourd and nat.taux is not None:
        exonere = exoneration(acte, "forfait_actes_lourds", lire) if situations(acte) else None
        forfait = ZERO if exonere else lire("forfait_actes_lourds.montant")
        exonere and calcul is not None and calcul.append(Calcul("ss.acte_lourd_exonere", situation=exonere))
        brut = max(arrondi(base * taux / CENT) - forfait, ZERO)
        calcul is not None and calcul.append(Calcul("ss.acte_lourd", base=base, taux=taux, forfait=forfait, resultat=brut))
    else:
        brut = arrondi(base * taux / CENT)
        if calcul is not None:
            if taux:
                calcul.append(Calcul("ss.taux", forfait=nat.taux is None, base=base, br=br, fr=fr, taux=taux, resultat=brut))
            else:
                calcul.append(Calcul("ss.non_rembourse" if nat.taux is None else "ss.taux_zero"))
    return min(brut, fr)


def _mineur(acte, lire) -> bool:
    """Under the age of exemption (18: no participation forfaitaire, no franchise)."""
    return acte.age is not None and acte.age < lire("participation_forfaitaire.age_exoneration")


def _participation(nat: Nature, acte, etat, ss_brut, lire, calcul, conso) -> Decimal:
    """The participation forfaitaire withheld: unit × quantity, within the annual cap and the SS payment."""
    if not nat.pf or nat.hospitalier or not ss_brut > 0:
        return ZERO
    if _mineur(acte, lire):
        calcul is not None and calcul.append(Calcul("ss.pf_mineur", age=int(lire("participation_forfaitaire.age_exoneration"))))
        return ZERO
    s = exoneration(acte, "participation_forfaitaire", lire) if situations(acte) else None
    if s is not None:
        calcul is not None and calcul.append(Calcul("ss.pf_exoneree", situation=s))
        return ZERO
    annee, q = acte.date.year, acte.quantite
    unite = lire("participation_forfaitaire.montant")
    plafond = lire("participation_forfaitaire.plafond_annuel")
    deja = etat.consomme(annee, ("pf",))
    pf = min(unite * q, max(plafond - deja, ZERO), ss_brut)
    calcul is not None and calcul.append(Calcul("ss.pf", unite=unite, quantite=q, retenu=pf, plafond=plafond, deja=deja))
    if pf:
        conso.append(Consommation(annee, ("pf",), pf))
    return pf


def _franchise(nat: Nature, acte, etat, reste_ss, lire, calcul, conso) -> Decimal:
    """The franchise withheld: unit × quantity, within the annual cap, the daily cap (paramedical acts,
    transport) and what the SS pays after the PF."""
    if not nat.franchise or not reste_ss > 0 or _mineur(acte, lire):
        return ZERO
    s = exoneration(acte, "franchises", lire) if situations(acte) else None
    if s is not None:
        calcul is not None and calcul.append(Calcul("ss.franchise_exoneree", situation=s))
        return ZERO
    annee, q = acte.date.year, acte.quantite
    unite = lire(f"franchise.{nat.franchise}")
    plafond = lire("franchise.plafond_annuel")
    deja = etat.consomme(annee, ("franchise",))
    franchise = min(unite * q, max(plafond - deja, ZERO), reste_ss)
    cle_jour = None
    if nat.franchise != "medicaments":
        plafond_jour = lire.optionnel(f"franchise.plafond_journalier.{nat.franchise}")
        if plafond_jour is not None:
            cle_jour = ("franchise-jour", nat.franchise, acte.date.toordinal())
            deja_jour = etat.consomme(annee, cle_jour)
            if franchise > plafond_jour - deja_jour:
                franchise = max(plafond_jour - deja_jour, ZERO)
                calcul is not None and calcul.append(Calcul("ss.franchise_jour", genre=nat.franchise, plafond=plafond_jour,
                                                            deja=deja_jour))
    calcul is not None and calcul.append(Calcul("ss.franchise", unite=unite, quantite=q, retenu=franchise, plafond=plafond,
                                                deja=deja))
    if franchise:
        conso.append(Consommation(annee, ("franchise",), franchise))
        if cle_jour:
            conso.append(Consommation(annee, cle_jour, franchise))
    return franchise


def _hors_parcours(s: PartSS, nat: Nature, acte, lire, calcul) -> None:
    """Hors parcours: the doctors' acts (rate group `medecins`) outside hospital, from 16, at the régime's
    or the situation's rate minus the majoration's points; the majoration is capped per act (R322-1-1).
    A rate given with the act (`taux`) is the rate applied: no majoration on top of it."""
    if nat.taux != "medecins" or nat.hospitalier or acte.taux is not None or acte.acte_lourd:
        calcul is not None and calcul.append(Calcul("ss.hors_parcours_sans_effet", nature=nat.code))
        s.sans_effet = ("taux", {}) if acte.taux is not None else ("nature", {"nature": nat.code})
        return
    age_min = lire("situation.hors_parcours.age_minimum")
    if acte.age is not None and acte.age < age_min:
        calcul is not None and calcul.append(Calcul("ss.hors_parcours_mineur", age=int(age_min)))
        s.sans_effet = ("age", {"age": int(age_min)})
        return
    points = lire("situation.hors_parcours.majoration")
    plafond = lire("situation.hors_parcours.plafond_majoration")
    base = min(acte.br, acte.frais_reels)
    reduit = arrondi(base * max(s.taux - points, ZERO) / CENT)
    majoration = min(max(s.ss_brut_normal - reduit, ZERO), plafond)
    s.majoration = majoration
    s.ss_brut = s.ss_brut_normal - majoration
    # s.taux stays the rate applied to the BR (the pathway's): the majoration is deducted after it, capped,
    # so that « taux × BR − majoration » is what was computed (30 % × BR only when the cap does not bind).
    calcul is not None and calcul.append(Calcul("ss.hors_parcours", points=points, normal=s.ss_brut_normal, majoration=majoration,
                                                plafond=plafond, plafonnee=majoration < s.ss_brut_normal - reduit,
                                                sans_plafond=max(s.ss_brut_normal - reduit, ZERO), resultat=s.ss_brut))


def securite_sociale(nat: Nature, acte, etat, lire, expliquer: bool) -> PartSS:
    """The Sécurité sociale of `acte` given the beneficiary's annual state `etat` (only read)."""
    s = PartSS()
    calcul = [] if expliquer else None
    s.taux = s.taux_normal = taux_ss(nat, acte, lire, calcul)
    s.ss_brut = s.ss_brut_normal = _brut(nat, acte, s.taux, lire, calcul)
    s.majoration, s.sans_effet = ZERO, None
    if acte.parcours == "hors":
        _hors_parcours(s, nat, acte, lire, calcul)
    s.consommations = []
    s.pf = _participation(nat, acte, etat, s.ss_brut, lire, calcul, s.consommations)
    s.franchise = _franchise(nat, acte, etat, s.ss_brut - s.pf, lire, calcul, s.consommations)
    s.rss = s.ss_brut - s.pf - s.franchise
    s.etape = (Etape(Calcul("securite_sociale"), s.rss, Calcul("ss.regle", taux=s.taux, regime=acte.regime), calcul,
                     lire.prendre()) if expliquer else None)
    return s
