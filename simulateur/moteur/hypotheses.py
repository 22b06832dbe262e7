"""What a simulation assumed, as values, and the steps around the engine that decide it.

A patient knows what they paid, the act's code and their situation; the rest comes from the rules,
and every value that was not given is shown (`Resultat.hypotheses`, worded by `rendu.hypotheses`):

- `completer`: the act completed from the rules at its date — the act code's nature, base de
  remboursement, basket and HLF / PLV from the dated catalogue (`parametres.catalogue`), and the
  100 % Santé price caps from the dated parameters;
- `horizon`: a date past the last published parameters is computed with the last values (shown),
  up to the horizon (`parametres.HORIZON_ANNEES`), and refused beyond;
- `sans_entrees_inutiles`: an input a guarantee needs but the act does not give is tried at its
  extreme values (the frame's price at 0 and at the frais réels, each DPTM status, each lens pair,
  each basket, ages…); when every result is the same, the input is not needed and the assumption
  says so; otherwise the engine's refusal stands and names the input to give;
- `hypotheses`: the whole list — also the inputs left at their ordinary value (date of today, an
  adult, in the care pathway, régime général, no particular situation) and the parameters carried
  forward past their last published value.

Pure: no I/O but the catalogue and parameters (read once per process), no French sentence.
"""
from __future__ import annotations

import dataclasses
from functools import lru_cache

from ..domaine.champs import CLASSES_VERRES, CONDITIONS_DERIVEES, PAR_NOM, SITUATIONS, position_dent
from ..domaine.erreurs import ActeInvalide
from ..domaine.montant import ZERO, arrondi
from ..domaine.natures import NATURES
from .securite_sociale import situations

PANIERS = PAR_NOM["panier"].valeurs
PAIRES_VERRES = tuple((a, b) for i, a in enumerate(CLASSES_VERRES) for b in CLASSES_VERRES[i:])
DENTS_PAR_POSITION = (11, 13, 14, 15, 16)      # one permanent tooth per position: incisive … molaire
AGE_ADULTE = (18, 130)                          # « adulte » : the ages an act without age is assumed to have
AGES_TOUS = (0, 130)                            # the ages a contract line's age condition is tried at
MANQUANTES = frozenset({"requis-optique", "requis-responsable", "condition-manquante", "requis-dent", "requis"})
PROFONDEUR = 3                                  # inputs tried together, at most
_GROUPES_ACTES_LOURDS = frozenset({"medecins", "hospitalisation", "dentaire", "biologie"})   # acts, not products
_ETAPES_HORS_PARCOURS = frozenset({"consultation-generaliste", "consultation-specialiste", "actes-techniques", "imagerie"})


class Hypothese:
    """One assumption: `champ` (a field of the act, or `parametre`, `situation`), the value used (`valeur`:
    Decimal euros, date, text, True/False, None), `raison` (a key that `rendu.hypotheses` words) and the
    values of the explanation (`details`: code, reference, source, date of effect, values tried…)."""
    __slots__ = ("champ", "valeur", "raison", "details")

    def __init__(self, champ: str, valeur, raison: str, **details):
        self.champ, self.valeur, self.raison, self.details = champ, valeur, raison, details

    def __repr__(self):
        return f"Hypothese({self.champ!r}, {self.valeur!r}, {self.raison!r})"


# ------------------------------------------------------------------ the horizon of dated parameters

def horizon(acte, params) -> list:
    """[] in the usual case; the assumption that every parameter is the last one known when the act is
    after the parameters' last published date. Raises ActeInvalide (`date-hors-horizon`) past the horizon."""
    connus = params.connus_jusqu_au
    if acte.date <= connus:
        return []
    if acte.date > params.horizon:
        raise ActeInvalide("date-hors-horizon", "date", acte.date.isoformat(), connus=connus, horizon=params.horizon)
    return [Hypothese("date", acte.date, "parametres.au_dela", connus=connus, horizon=params.horizon)]


def reconduits(valeurs, date, params) -> list:
    """The parameters carried forward to `date` past their last published value (`ValeurDatee.reconduite`)."""
    return [Hypothese("parametre", v.valeur, "parametre.reconduit", nom=v.nom, depuis=v.depuis, jusqu_au=v.jusqu_au,
                      reference=v.reference, source=v.source, date=date, unite=params.unite(v.nom)) for v in valeurs]


# ------------------------------------------------------------------ the act completed from the rules

def completer(acte, lire, catalogue=None):
    """(the act completed, its assumptions) — the act itself when nothing is missing.

    `lire` reads the dated parameters at the act's date. Raises ActeInvalide: an unknown code, a code
    without tariff at that date, a tooth or an age the code does not apply to, a « selon la dent »
    code without `dent` (`requis-dent`, with the teeth to try), a code for an age range without `age`
    (`requis`, with the range: the ages to try).
    """
    if acte.acte is None and acte.nature is not None and (acte.limite is not None or acte.panier != "100-sante"):
        return acte, ()
    hyps: list = []
    if acte.acte is not None:
        acte = _depuis_catalogue(acte, catalogue, hyps)
    if acte.limite is None and acte.panier == "100-sante":
        acte = _limite_100_sante(acte, lire, hyps)
    return acte, hyps


def _entree(acte, catalogue):
    from ..parametres.catalogue import charger_catalogue
    cat = catalogue or charger_catalogue()
    e = cat.trouver(acte.acte)
    if e is not None:
        return cat, e, None
    avec = cat.avec_coefficient(acte.acte)
    if avec is not None:
        return cat, avec[0], avec[1]
    raise ActeInvalide("acte-inconnu", "acte", acte.acte, proches=cat.proches(acte.acte))


def _depuis_catalogue(acte, catalogue, hyps: list):
    cat, e, coefficient = _entree(acte, catalogue)
    if e.selon_dent:
        if acte.dent is None:
            raise ActeInvalide("requis-dent", "dent", code_acte=e.code, candidats=DENTS_PAR_POSITION)
        position = position_dent(acte.dent)
        code = e.code_selon_dent(position)
        hyps.append(Hypothese("acte", code, "catalogue.selon_dent", code=e.code, dent=acte.dent, position=position))
        e = cat.trouver(code)
    _verifier_dent_age(acte, cat, e)
    if e.age and acte.age is None:
        raise ActeInvalide("requis", "age", code_acte=e.code, plage=_plage(e.age))
    fixe = {}
    if acte.nature is None:
        fixe["nature"] = e.nature
        hyps.append(Hypothese("nature", e.nature, "catalogue.nature", code=e.code, libelle=e.libelle))
    if acte.br is None:
        v = e.br(acte.date)
        if v is None:
            raise ActeInvalide("acte-sans-tarif", "acte", e.code, date=acte.date,
                               periodes=tuple((x.depuis, x.jusqu_au) for x in e.base_remboursement))
        br = arrondi(v.valeur * coefficient) if coefficient is not None else v.valeur
        fixe["br"] = br
        hyps.append(Hypothese("br", br, "catalogue.br", code=e.code, unitaire=v.valeur, coefficient=coefficient, depuis=v.depuis,
                              reference=v.reference, source=v.source, officiel=e.officiel))
    p = e.panier_a(acte.date) if acte.panier is None else None
    if p is not None:
        fixe["panier"] = p.panier
        hyps.append(Hypothese("panier", p.panier, "catalogue.panier", code=e.code, depuis=p.depuis if p.reference else None,
                              reference=p.reference, source=p.source))
    lim = e.limite_a(acte.date) if acte.limite is None else None
    if lim is not None:
        fixe["limite"] = lim.valeur
        hyps.append(Hypothese("limite", lim.valeur, "catalogue.limite", code=e.code, panier=fixe.get("panier", acte.panier),
                              depuis=lim.depuis, reference=lim.reference, source=lim.source))
    return dataclasses.replace(acte, **fixe) if fixe else acte


def _plage(conditions) -> tuple[int, int]:
    from ..parametres.catalogue import plage_age
    return plage_age(conditions)


def _verifier_dent_age(acte, cat, e) -> None:
    from ..parametres.catalogue import accepte_age
    if acte.dent is not None and e.dents and acte.dent not in e.dents:
        position = position_dent(acte.dent)
        raise ActeInvalide("dent-hors-acte", "dent", str(acte.dent), code_acte=e.code, libelle=e.libelle, position=position,
                           autre=cat.code_pour_position(e.code, position))
    if acte.age is not None and e.age and not accepte_age(e.age, acte.age):
        raise ActeInvalide("age-hors-acte", "age", str(acte.age), code_acte=e.code, condition=e.age_texte)


def _limite_100_sante(acte, lire, hyps: list):
    """The PLV of a 100 % Santé item whose cap does not depend on the act's code: a hearing aid (by age:
    20 or under, or over), a class A frame. Other items (lenses, dental prostheses) have no default."""
    nom = None
    if acte.nature == "aide-auditive":
        jeune = acte.age is not None and acte.age <= lire("cent_pour_cent_sante.aide_auditive.age_max_jeune")
        nom = "cent_pour_cent_sante.aide_auditive." + ("plv_jeune" if jeune else "plv_adulte")
    elif acte.nature == "optique-monture":
        nom = "cent_pour_cent_sante.monture_plv"
    if nom is None:
        return acte
    v = lire.valeur_datee(nom)
    hyps.append(Hypothese("limite", v.valeur, "parametres.limite", nom=nom, depuis=v.depuis, reference=v.reference,
                          source=v.source, age=acte.age))
    return dataclasses.replace(acte, limite=v.valeur)


def avertissements(acte, resultat=None) -> list:
    """Facts of the act worth a warning: an overrun billed to a CSS beneficiary by a doctor or an auxiliary.

    The warning follows what was computed (`resultat`, the act's Resultat): `details["reste"]` is the part
    of the overrun left to the patient, min(overrun, reste_a_charge) — with the CSS neither participation
    forfaitaire nor franchise is withheld, so what the patient keeps is unpaid overrun first — and
    `details["paye"]` the part the contract paid (euros, Decimal)."""
    if acte.css and acte.frais_reels > acte.br:
        nat = NATURES.get(acte.nature)
        if nat is not None and nat.taux in ("medecins", "auxiliaires", "sage-femme") and not nat.hospitalier:
            depassement = acte.frais_reels - acte.br
            reste = depassement if resultat is None else min(depassement, max(resultat.reste_a_charge, ZERO))
            return [Hypothese("css", depassement, "css.depassement", br=acte.br, frais_reels=acte.frais_reels,
                              reste=reste, paye=depassement - reste)]
    return []


def acte_lourd_possible(acte, params) -> list:
    """[] in the usual case; the assumption « not an acte lourd » when the act was not said to be one
    (`acte_lourd` not given), its nature is a medical, dental or biology act or hospital fees (rate groups
    `_GROUPES_ACTES_LOURDS`: not a device, a drug, optics or a transport), outside the situations
    that pay it in full anyway, and its tariff per unit (BR / quantité, euros) reaches the dated threshold
    `forfait_actes_lourds.seuil` (120 €): such an act may carry the forfait « actes lourds » instead of the
    ticket modérateur (art. R160-16 CSS), which only the patient's bill tells (`details["seuil"]`)."""
    if acte.acte_lourd or _donne(acte, "acte_lourd") or situations(acte) or acte.taux is not None:
        return []
    nat = NATURES.get(acte.nature)
    if nat is None or nat.taux not in _GROUPES_ACTES_LOURDS or not acte.br:
        return []
    seuil = _seuil_acte_lourd(params, acte.date)
    if acte.br / acte.quantite < seuil:
        return []
    return [Hypothese("acte_lourd", False, "acte_lourd.non_precise", seuil=seuil, br=acte.br)]


def cent_pour_cent_sante_non_couvert(acte, resultat, contrat, formule: str) -> list:
    """[] in the usual case; a warning when a formula the contract declares responsable leaves a reste à
    charge on a 100 % Santé act billed within its price limit (frais réels ≤ `acte.limite`, HLF / PLV): a
    responsable contract must pay all of it (art. L871-1 and R871-2 CSS, 100 % Santé). The contract as
    transcribed is computed as it is; `simulateur valider` names the line (`details["reste"]`, euros)."""
    if acte.panier != "100-sante" or acte.limite is None or acte.frais_reels > acte.limite or resultat.reste_a_charge <= 0:
        return []
    if resultat.renouvellement_refuse:     # within the renewal period nothing is due (R871-2 too): not a gap
        return []
    if not contrat.est_responsable(formule):
        return []
    retenu = resultat.participation_forfaitaire
    reste = resultat.reste_a_charge - max(retenu, ZERO)
    if reste <= 0:
        return []
    return [Hypothese("panier", "100-sante", "responsable.cent_pour_cent_sante", reste=reste, limite=acte.limite,
                      formule=formule)]


@lru_cache(maxsize=4096)
def _seuil_acte_lourd(params, date):
    """`forfait_actes_lourds.seuil` at `date` (euros; memoised: a batch asks it for most of its rows)."""
    return params.valeur_reconduite("forfait_actes_lourds.seuil", date).valeur


# ------------------------------------------------------------------ inputs that do not matter

def _empreinte(r) -> tuple:
    """What must agree for two results to be « the same »: every amount and what the act consumed."""
    return (r.securite_sociale, r.participation_forfaitaire, r.forfait_apres_cancer, r.total_rembourse, r.reste_a_charge,
            tuple(p.montant for p in r.parts), tuple((c.annee, c.cle, c.quantite) for c in r.consommations),
            tuple(r.renouvellements))


def candidats(e: ActeInvalide, acte, contrat) -> tuple:
    """The values to try for the input an engine refusal names, () when it is not a missing input of a
    field with a known range. The extremes of an amount (frame: 0 and the frais réels, the engine's
    dependence on it being monotone), every value of a choice, the ages that change a line."""
    champ = e.champ
    if e.code not in MANQUANTES or champ is None or champ not in PAR_NOM or getattr(acte, champ, 0) is not None:
        return ()
    if "candidats" in e.details:
        return tuple(e.details["candidats"])
    if champ == "monture":
        return (ZERO, acte.frais_reels)
    if champ == "verres":
        return PAIRES_VERRES
    if champ == "dptm":
        return (True, False)
    if champ == "panier":
        return PANIERS
    if champ == "dent":
        return DENTS_PAR_POSITION
    if champ == "age":
        # a line of the contract that depends on the age (a child's line, « au-delà du 20e anniversaire »): every
        # age may change the result, children's included — an adult is not silently assumed against the line
        return ages(acte, contrat, e.details.get("plage") or AGES_TOUS)
    return ()


def ages(acte, contrat, plage: tuple) -> tuple:
    """The ages of `plage` (adults, or the act code's range) at its ends and around every age threshold of
    the contract's lines for the nature: the ages where a line, hence the result, may change."""
    bas, haut = plage
    essais = {bas, haut}
    for ligne in contrat.par_nature.get(acte.nature, ()) if contrat is not None else ():
        cond = ligne.si.get("age")
        if not cond:
            continue
        # (op, years), or a list of them (`age: ["< 6", "> 60"]`: any holds), every threshold counts
        for _op, n in (cond if type(cond[0]) is tuple else (cond,)):
            essais.update(x for x in (n - 1, n, n + 1) if bas <= x <= haut)
    return tuple(sorted(essais))


def sans_entrees_inutiles(calculer, acte, contrat, profondeur: int = 0):
    """(Resultat, [Hypothese]): `calculer(acte)`, or — when it refuses for a missing input with a known
    range — `calculer` at each of the input's values; the same result for all: that result and the
    assumption « not needed »; different results, or a value that cannot be computed: the refusal,
    which names the input to give (the first one missing: the next is asked for once it is given)."""
    try:
        return calculer(acte), []
    except ActeInvalide as e:
        refus = e
    valeurs = candidats(refus, acte, contrat) if profondeur < PROFONDEUR else ()
    if not valeurs:
        raise refus
    obtenus = []
    for v in valeurs:
        try:
            obtenus.append(sans_entrees_inutiles(calculer, dataclasses.replace(acte, **{refus.champ: v}), contrat,
                                                 profondeur + 1))
        except ActeInvalide:
            obtenus = None          # a value that cannot be computed (another input it needs): ask for this one
            break
    if obtenus is None or any(_empreinte(r) != _empreinte(obtenus[0][0]) for r, _ in obtenus[1:]):
        raise refus
    r, h = obtenus[0]
    cle = next((k for k, v in CONDITIONS_DERIVEES.items() if v == refus.champ), refus.champ) \
        if refus.code == "condition-manquante" else refus.champ
    return r, [Hypothese(refus.champ, valeurs[0], "entree.non_necessaire", essais=tuple(valeurs), cle=cle,
                         raison_refus=refus.code)] + h


# ------------------------------------------------------------------ the whole list

def _donne(acte, nom: str) -> bool:
    """Whether the user gave the field (`Acte.donnes`), or — unknown — whether it differs from its default."""
    if acte.donnes is not None:
        return nom in acte.donnes
    return getattr(acte, nom) != PAR_NOM[nom].defaut


def par_defaut(acte, deja: set, nature: str | None = None, retenu=None, exonerations=()) -> list:
    """The inputs left at their ordinary value that the rules read: date, age, parcours, régime, situation.
    `nature`: the act's nature as computed (an act given by its code has none of its own); `retenu`: the
    participation forfaitaire and franchises the result withheld (euros; None: unknown), so that the
    adult assumption says « dues » only when some were (not with --css or --maternite, which exempt);
    `exonerations`: the act's situations that exempt it (`Resultat.exonerations`), the only ones the
    assumption names (ALD and AT/MP leave the PF and franchises due)."""
    out = []
    nat = NATURES.get(nature or acte.nature)
    rembourse = nat is not None and (nat.taux is not None or nat.forfait is not None)
    if acte.donnes is not None and "date" not in acte.donnes:
        out.append(Hypothese("date", acte.date, "date.aujourdhui"))
    if acte.age is None and "age" not in deja:
        soumis = bool(nat and (nat.pf or nat.franchise))
        out.append(Hypothese("age", None, "age.adulte", pf=soumis and (retenu is None or retenu > 0),
                             exonere=soumis and retenu is not None and retenu == 0,
                             situations=list(exonerations)))
    if nat is not None and nat.code in _ETAPES_HORS_PARCOURS and not _donne(acte, "parcours") and acte.parcours == "dans":
        out.append(Hypothese("parcours", "dans", "parcours.dans"))
    if rembourse and not _donne(acte, "regime") and acte.regime == "general":
        out.append(Hypothese("regime", "general", "regime.general"))
    if rembourse and not any(getattr(acte, s) for s in SITUATIONS) and not any(_donne(acte, s) for s in SITUATIONS):
        out.append(Hypothese("situation", None, "situation.ordinaire"))
    return out


def hypotheses(resultat) -> list:
    """Every assumption of a result: those the engine made (catalogue, parameters, unneeded inputs,
    values carried forward), then the inputs left at their ordinary value."""
    propres = list(resultat.hypotheses_moteur)
    if resultat.acte is None:
        return propres
    deja = {h.champ for h in propres}
    return propres + par_defaut(resultat.acte, deja, resultat.nature, resultat.participation_forfaitaire,
                                resultat.exonerations)


__all__ = ["Hypothese", "PAIRES_VERRES", "acte_lourd_possible", "avertissements", "cent_pour_cent_sante_non_couvert",
           "candidats", "completer", "horizon", "hypotheses",
           "par_defaut", "reconduits", "sans_entrees_inutiles"]
