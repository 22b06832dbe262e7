"""The pure calculation of one act: Sécurité sociale first, then each layer (CALCUL.md).

No I/O, no CLI: `simuler(contrat, formule, acte, etat)` returns a `Resultat` that carries its own
explanation (which contract line, which dated parameters, which cap bound each amount) and what
the act consumed of the beneficiary's annual state.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from decimal import Decimal

from ..contrat import expressions as ex
from ..contrat.chargeur import Contrat, Ligne, condition_age
from ..domaine.erreurs import ActeInvalide, ErreurSimulateur
from ..moteur.etat import Consommation, EtatBeneficiaire, ajouter_mois
from ..domaine.montant import arrondi, texte_fr, texte_taux
from ..domaine.natures import TAUX_MEDICAMENTS, Nature, nature as trouver_nature
from ..parametres import ParametreIndisponible, ValeurDatee, charger_parametres

ZERO = Decimal(0)
CENT = Decimal(100)
NATURES_MEDECIN = frozenset({"consultation-generaliste", "consultation-specialiste", "actes-techniques", "imagerie", "densitometrie",
                             "hospitalisation-honoraires"})
_VIDE = EtatBeneficiaire()


@dataclass(slots=True, eq=False)
class Acte:
    nature: str
    date: dt.date
    br: Decimal
    frais_reels: Decimal
    quantite: int = 1
    dptm: bool | None = None
    panier: str | None = None
    limite: Decimal | None = None
    age: int | None = None
    regime: str = "general"
    taux: Decimal | None = None
    monture: Decimal | None = None
    verres: tuple | None = None          # sorted pair of lens classes
    psychiatrie: bool = False
    smr: str | None = None
    acte_lourd: bool = False
    oreille: str | None = None
    changement_vue: bool = False
    date_adhesion: dt.date | None = None
    certificat_radiation: bool = False
    fin_traitement: dt.date | None = None


@dataclass(slots=True, eq=False)
class Etape:
    """One line of the explanation tree: who paid, why, what bound it."""
    payeur: str
    montant: Decimal
    regle: str = ""
    calcul: list = field(default_factory=list)
    parametres: list = field(default_factory=list)
    borne: str = ""


@dataclass(slots=True, eq=False)
class Part:
    niveau: str
    colonne: str
    montant: Decimal
    garantie: str
    ligne: str            # file:line of the guarantee cell, or ""
    libelle: str
    convention: str


@dataclass(slots=True, eq=False)
class Resultat:
    contrat: str
    formule: str
    nature: str
    date: dt.date
    frais_reels: Decimal
    base_remboursement: Decimal
    taux_securite_sociale: Decimal
    ss_brut: Decimal
    securite_sociale: Decimal
    participation_forfaitaire: Decimal
    parts: list
    total_rembourse: Decimal
    reste_a_charge: Decimal
    forfait_apres_cancer: Decimal = ZERO
    explication: list = field(default_factory=list)
    consommations: list = field(default_factory=list)
    renouvellements: list = field(default_factory=list)

    def en_dict(self) -> dict:
        """The machine form of INTERFACE.md (amounts as strings with two decimals)."""
        from ..domaine.montant import texte_json
        d = {
            "contrat": self.contrat, "formule": self.formule, "nature": self.nature, "date": self.date.isoformat(),
            "frais_reels": texte_json(self.frais_reels), "base_remboursement": texte_json(self.base_remboursement),
            "taux_securite_sociale": texte_taux(self.taux_securite_sociale),
            "securite_sociale": texte_json(self.securite_sociale),
            "participation_forfaitaire": texte_json(self.participation_forfaitaire),
            "forfait_apres_cancer": texte_json(self.forfait_apres_cancer),
            "parts": [{"niveau": p.niveau, "colonne": p.colonne, "montant": texte_json(p.montant), "garantie": p.garantie,
                       "ligne": p.ligne, "libelle": p.libelle, "convention": p.convention} for p in self.parts],
            "total_rembourse": texte_json(self.total_rembourse), "reste_a_charge": texte_json(self.reste_a_charge),
        }
        return d

    def explication_dict(self) -> list:
        from ..domaine.montant import texte_json
        return [{"payeur": e.payeur, "montant": texte_json(e.montant), "regle": e.regle, "calcul": list(e.calcul),
                 "parametres": [{"nom": p.nom, "valeur": texte_taux(p.valeur), "depuis": p.depuis.isoformat(),
                                 "reference": p.reference, "source": p.source} for p in e.parametres],
                 "borne": e.borne} for e in self.explication]


_MEMO_PARAMETRES: dict = {}   # id(parametres) -> (parametres, {(nom, date): ValeurDatee}): dated values never change


class _Lecture:
    """Reads dated parameters at the act's date and remembers which were read, for the explanation."""
    __slots__ = ("p", "date", "lus", "garder", "memo")

    def __init__(self, parametres, date, garder=True):
        self.p = parametres
        self.date = date
        self.lus = []
        self.garder = garder   # False in batches: nothing to explain, nothing to remember
        memo = _MEMO_PARAMETRES.get(id(parametres))
        if memo is None or memo[0] is not parametres:
            memo = _MEMO_PARAMETRES[id(parametres)] = (parametres, {})
        self.memo = memo[1]

    def __call__(self, nom: str, date: dt.date | None = None) -> Decimal:
        cle = (nom, date or self.date)
        v = self.memo.get(cle)
        if v is None:
            if len(self.memo) > 200_000:
                self.memo.clear()
            v = self.memo[cle] = self.p.valeur(*cle)
        if self.garder:
            self.lus.append(v)
        return v.valeur

    def optionnel(self, nom: str) -> Decimal | None:
        try:
            return self(nom)
        except ParametreIndisponible:
            return None

    def prendre(self) -> list:
        lus, self.lus = self.lus, []
        return lus


_MUETTE = Etape("", ZERO)   # batches (expliquer=False): one scratch step, never shown


def _fr(x: Decimal) -> str:
    return texte_fr(x)


# ------------------------------------------------------------------ line selection

def _valeur_condition(acte: Acte, cle: str, ss_taux: Decimal):
    if cle == "dptm":
        return acte.dptm
    if cle == "panier":
        return acte.panier
    if cle == "age":
        return acte.age
    if cle == "psychiatrie":
        return acte.psychiatrie
    if cle == "verres":
        return acte.verres
    if cle == "correction":
        return acte.verres[0] if acte.verres and acte.verres[0] == acte.verres[1] else None
    if cle == "taux":
        return ss_taux
    if cle == "smr":
        return acte.smr
    if cle == "acte_lourd":
        return acte.acte_lourd
    return None


_OPTIONS = {"dptm": "--dptm ou --non-dptm (le médecin adhère-t-il à l'OPTAM / OPTAM-CO, DPTM ?)",
            "panier": "--panier 100-sante, maitrise ou libre",
            "age": "--age (âge du bénéficiaire en années)",
            "verres": "--verres (classes des deux verres, ex. simple+complexe)",
            "correction": "--verres (classe du verre)",
            "smr": "--smr (majeur, modere, faible)"}


_MEMO_LIGNES: dict = {}


def choisir_ligne(contrat: Contrat, acte: Acte, ss_taux: Decimal) -> Ligne | None:
    """The contract line for this act's nature and variant, remembered per variant (batches repeat them)."""
    cle = (acte.nature, acte.dptm, acte.panier, acte.age, acte.psychiatrie, acte.verres, ss_taux, acte.smr, acte.acte_lourd)
    memo = _MEMO_LIGNES.get(id(contrat))
    if memo is None or memo[0] is not contrat:
        if len(_MEMO_LIGNES) > 64:
            _MEMO_LIGNES.clear()
        memo = _MEMO_LIGNES[id(contrat)] = (contrat, {})
    try:
        return memo[1][cle]
    except KeyError:
        pass
    ligne = _choisir_ligne(contrat, acte, ss_taux)
    if len(memo[1]) < 100_000:
        memo[1][cle] = ligne
    return ligne


def _choisir_ligne(contrat: Contrat, acte: Acte, ss_taux: Decimal) -> Ligne | None:
    candidates = contrat.par_nature.get(acte.nature)
    if not candidates:
        return None
    manquants: dict[str, Ligne] = {}
    for ligne in candidates:
        ok = True
        manque = None
        for cle, attendu in ligne.si.items():
            if cle == "_texte":
                continue
            v = _valeur_condition(acte, cle, ss_taux)
            if v is None:
                manque = cle
                continue
            if cle == "age":
                if not condition_age(attendu, v):
                    ok = False
                    break
            elif type(attendu) is frozenset:
                if v not in attendu:
                    ok = False
                    break
            elif v != attendu:
                ok = False
                break
        if ok and manque is None:
            return ligne
        if ok and manque is not None:
            manquants.setdefault(manque, ligne)
    if manquants:
        cle, ligne = next(iter(manquants.items()))
        raise ActeInvalide(
            f"la garantie « {ligne.libelle} » du contrat {contrat.id} dépend de « {cle} », que l'acte ne précise pas : "
            f"ajoutez {_OPTIONS.get(cle, '--' + cle)}")
    return None


# ------------------------------------------------------------------ the calculation

def simuler(contrat: Contrat, formule: str, acte: Acte, etat: EtatBeneficiaire | None = None, parametres=None,
            expliquer: bool = True) -> Resultat:
    """One act through SS then each layer of the formula; `etat` is only read.

    `expliquer=False` (batches) skips writing the explanation text; every amount is the same.
    """
    expl = expliquer
    nat = trouver_nature(acte.nature)
    form = contrat.formule(formule)
    etat = etat or _VIDE
    lire = _Lecture(parametres or charger_parametres(), acte.date, expl)
    annee = acte.date.year
    fr, br, q = acte.frais_reels, acte.br, acte.quantite
    if fr < 0 or br < 0:
        raise ActeInvalide("un montant négatif n'est pas un acte : frais réels et BR sont positifs ou nuls")
    if q < 1:
        raise ActeInvalide(f"quantité {q} invalide : au moins 1 (jours, séances, boîtes)")
    explication: list[Etape] = []
    consommations: list[Consommation] = []

    # 1. Sécurité sociale ---------------------------------------------------------------
    taux = _taux_ss(nat, acte, lire)
    calcul_ss = []
    base = min(br, fr)
    if nat.taux is None and taux and nat.taux_local:
        base = min(fr, _forfait(nat, acte, lire) * q)
        expl and calcul_ss.append(f"régime local d'Alsace-Moselle : {nat.libelle.lower()} pris en charge, "
                                  f"min(FR {_fr(fr)}, forfait réglementaire × {q}) = {_fr(base)}")
    if acte.acte_lourd and nat.taux is not None:
        forfait_al = lire("forfait_actes_lourds.montant")
        ss_brut = max(arrondi(base * taux / CENT) - forfait_al, ZERO)
        expl and calcul_ss.append(f"acte lourd : {_fr(base)} × {texte_taux(taux)} % − forfait actes lourds {_fr(forfait_al)} = {_fr(ss_brut)}")
    else:
        ss_brut = arrondi(base * taux / CENT)
        if taux:
            expl and calcul_ss.append((f"{_fr(base)}" if nat.taux is None else f"min(BR {_fr(br)}, FR {_fr(fr)})")
                                      + f" × {texte_taux(taux)} % = {_fr(ss_brut)}")
        else:
            expl and calcul_ss.append("nature non remboursée par la Sécurité sociale : 0 €" if nat.taux is None else "taux 0 %")
    pf = ZERO
    franchise = ZERO
    if ss_brut > 0 and nat.pf and not nat.hospitalier and not (acte.age is not None and acte.age < int(lire("participation_forfaitaire.age_exoneration"))):
        unite = lire("participation_forfaitaire.montant")
        plafond = lire("participation_forfaitaire.plafond_annuel")
        deja_pf = etat.consomme(annee, ("pf",))
        pf = min(unite * q, max(plafond - deja_pf, ZERO), ss_brut)
        expl and calcul_ss.append(f"participation forfaitaire {_fr(unite)} × {q} retenue : {_fr(pf)}"
                         + (f" (plafond annuel {_fr(plafond)}, déjà retenu {_fr(deja_pf)})" if deja_pf else ""))
        if pf:
            consommations.append(Consommation(annee, ("pf",), pf))
    elif nat.pf and ss_brut > 0 and acte.age is not None and acte.age < int(lire("participation_forfaitaire.age_exoneration")):
        expl and calcul_ss.append("pas de participation forfaitaire avant 18 ans")
    if ss_brut > 0 and nat.franchise and not (acte.age is not None and acte.age < int(lire("participation_forfaitaire.age_exoneration"))):
        unite = lire(f"franchise.{nat.franchise}")
        plafond = lire("franchise.plafond_annuel")
        deja_fr = etat.consomme(annee, ("franchise",))
        franchise = min(unite * q, max(plafond - deja_fr, ZERO), ss_brut - pf)
        cle_jour = None
        if nat.franchise != "medicaments":
            plafond_jour = lire.optionnel(f"franchise.plafond_journalier.{nat.franchise}")
            if plafond_jour is not None:
                cle_jour = ("franchise-jour", nat.franchise, acte.date.toordinal())
                deja_jour = etat.consomme(annee, cle_jour)
                if franchise > plafond_jour - deja_jour:
                    franchise = max(plafond_jour - deja_jour, ZERO)
                    expl and calcul_ss.append(f"plafond journalier des franchises ({nat.franchise}) {_fr(plafond_jour)}, "
                                              f"déjà retenu ce jour {_fr(deja_jour)}")
        expl and calcul_ss.append(f"franchise médicale {_fr(unite)} × {q} retenue : {_fr(franchise)}"
                                  + (f" (plafond annuel {_fr(plafond)}, déjà retenu {_fr(deja_fr)})" if deja_fr else ""))
        if franchise:
            consommations.append(Consommation(annee, ("franchise",), franchise))
            if cle_jour:
                consommations.append(Consommation(annee, cle_jour, franchise))
    rss = ss_brut - pf - franchise
    if expl:
        explication.append(Etape("Sécurité sociale", rss, f"taux {texte_taux(taux)} % ({acte.regime})", calcul_ss, lire.prendre()))

    # 2. Forfait après cancer (003) -----------------------------------------------------------
    forfait_ac = ZERO
    if nat.categorie == "apres-cancer":
        forfait_ac = _forfait_apres_cancer(nat, acte, etat, lire, explication, consommations, expl)

    # 3. Complementary layers ---------------------------------------------------------------------
    ligne = choisir_ligne(contrat, acte, taux)
    deja = ss_brut + forfait_ac
    parts: list[Part] = []
    responsable = contrat.responsable if form.responsable is None else form.responsable
    caps = _plafonds_reglementaires(responsable, nat, acte, br, fr, lire) if form.colonnes else []
    if ligne is None and form.colonnes:
        explication.append(Etape("Contrat", ZERO, f"le contrat {contrat.id} n'a pas de ligne pour la nature {acte.nature}",
                                 ["aucune couche complémentaire ne paie"]))
    refus = _refus(contrat, nat, acte, etat, lire, ligne) if ligne is not None else None
    tm_total = max(min(br, fr) - ss_brut, ZERO)
    stage = _delai_de_stage(contrat, acte)
    note_stage = _note_delai_de_stage(contrat, acte) if expl and contrat.delai_de_stage is not None else ""
    plafond_annuel = next((p for p in contrat.plafonds_annuels if acte.nature in p.natures), None)
    verse_avant = ZERO
    for col_id in form.colonnes:
        col = contrat.colonnes[col_id]
        niv = contrat.niveaux[col.niveau]
        cellule = ligne.cellules.get(col_id) if ligne is not None else None
        if ligne is not None:
            memo_ref = _REFS.get((id(ligne), col_id))
            if memo_ref is not None and memo_ref[0] is ligne:
                ref = memo_ref[1]
            else:
                if len(_REFS) > 100_000:
                    _REFS.clear()
                ref = f"{contrat.fichier}:{ligne.cellule_lignes.get(col_id, ligne.ligne)}"
                _REFS[(id(ligne), col_id)] = (ligne, ref)
        else:
            ref = ""
        garantie = cellule.texte if cellule is not None else "–"
        etape = Etape(f"{niv.libelle} ({col.libelle})" if niv.libelle != col.libelle else niv.libelle, ZERO,
                      (f"{ref} « {ligne.libelle} »" + (f" [{ligne.condition_texte()}]" if ligne.si else "") +
                       f", colonne {col_id} : « {garantie} »") if ligne is not None else "aucune ligne") if expl else _MUETTE
        reste = fr - deja
        paye = ZERO
        if cellule is None or cellule.rien or ligne is None:
            expl and etape.calcul.append("rien au-delà de la Sécurité sociale" if cellule is not None and cellule.rien else "cette colonne ne prévoit rien pour cette ligne")
        elif refus:
            expl and etape.calcul.append(refus)
            etape.borne = "renouvellement"
        elif stage == "exclu" :
            expl and etape.calcul.append(f"{contrat.delai_de_stage.libelle} : non pris en charge pendant les {contrat.delai_de_stage.duree_mois} premiers mois")
            etape.borne = "délai de stage"
        else:
            inclusif = (niv.convention == "inclut-ss" and not cellule.additif) or cellule.inclusif_force
            expl and etape.calcul.append(("convention : montant total, Sécurité sociale et niveaux précédents inclus"
                                 if inclusif else "convention : montant ajouté en complément")
                                + (f" (« {niv.citation} »)" if niv.citation else ""))
            note_stage and etape.calcul.append(note_stage)
            cle_base = (contrat.id, "compteurs", ligne.compteurs, col_id) if ligne.compteurs else (contrat.id, ligne.index, col_id)
            if ligne.composition:
                somme, details = _valeur_composee(contrat, ligne, col_id, acte, br, fr, ss_brut, lire, taux, inclusif,
                                                  responsable, expl)
                envs, conso, comptes = (), [], ()
            else:
                somme, details, envs, conso, comptes = _valeur(cellule, nat, acte, br, fr, ss_brut, lire, etat, annee, cle_base, expl)
            expl and etape.calcul.extend(details)
            dispo_env = sum((e[1] for e in envs), ZERO) if envs else ZERO
            if inclusif:
                # an envelope of an inclusive level is part of the level's total (docs/format-contrat.md)
                plafond = somme + dispo_env - deja
                if deja or envs:
                    expl and etape.calcul.append(f"{_fr(somme)}" + (f" + enveloppe disponible {_fr(dispo_env)}" if envs else "")
                                                 + f" − déjà payé {_fr(deja)} = {_fr(plafond)}")
            else:
                plafond = somme
            bornes = [(reste, "frais réels restant à charge")]
            if cellule.limite:
                if acte.limite is None:
                    raise ActeInvalide(f"la garantie « {ligne.libelle} » ({garantie}) est limitée aux {cellule.limite} : "
                                       f"donnez le {cellule.limite} de l'acte avec --limite")
                bornes.append((acte.limite - deja, f"{cellule.limite} {_fr(acte.limite)} (SS et toutes les couches incluses)"))
            for montant, libelle in caps:
                bornes.append((montant - deja, libelle))
            if stage == "tm":
                bornes.append((tm_total - (deja - ss_brut - forfait_ac), f"{contrat.delai_de_stage.libelle} : ticket modérateur seulement"))
            place, borne_commune = bornes[0]
            for b in bornes:
                if b[0] < place:
                    place, borne_commune = b
            if place < ZERO:
                place = ZERO
            paye, borne = (max(plafond, ZERO), "plafond de la ligne")
            if place < paye:
                paye, borne = place, borne_commune
            hors_env = paye
            if envs and not inclusif:
                # additive level: the annual envelopes pay what the other terms left
                paye += max(min(dispo_env, place - paye), ZERO)
            if plafond_annuel is not None and paye > 0:
                paye, b = _plafond_annuel(plafond_annuel, contrat, etat, annee, paye, tm_total - (deja - ss_brut - forfait_ac),
                                          verse_avant, etape, conso, expl)
                borne = b or borne
            paye = arrondi(paye)
            if envs:
                # what the envelopes funded: inclusive, the level's total above its other terms; additive, above them
                utilise = deja + paye - somme if inclusif else paye - hors_env
                utilise = arrondi(min(max(utilise, ZERO), dispo_env))
                if utilise == dispo_env and paye < place:
                    borne = f"enveloppe « {envs[-1][0].texte} »"
                for env, valeur_env, cle_env in envs:
                    pris = min(valeur_env, utilise)
                    utilise -= pris
                    if pris > 0:
                        conso.append(Consommation(annee, cle_env, pris))
                    expl and etape.calcul.append(f"enveloppe « {env.texte} » : reste {_fr(valeur_env)} cette année → utilisé {_fr(pris)}")
            if comptes and verse_avant + paye > 0:
                # a yearly count is used when the contract pays this act (this level or a lower one)
                conso.extend(comptes)
            etape.borne = borne
            consommations.extend(conso)
        if expl:
            etape.montant = paye
            etape.parametres = lire.prendre()
            explication.append(etape)
        parts.append(Part(col.niveau, col_id, paye, garantie, ref, ligne.libelle if ligne is not None else "",
                          niv.convention))
        deja += paye
        verse_avant += paye

    consommations_r = []
    if ligne is not None and nat.renouvellement and verse_avant > 0:
        for cle, _permis, livre in _cles_renouvellement(contrat, nat, acte):
            consommations_r.extend([(cle, acte.date)] * livre)

    total = rss + forfait_ac + verse_avant
    rac = fr - total
    assert rac >= 0, "la somme des payeurs dépasse les frais réels"
    return Resultat(contrat.id, form.id, acte.nature, acte.date, fr, br, taux, ss_brut, rss, pf + franchise, parts, total, rac,
                    forfait_ac, explication, consommations, consommations_r)


def _taux_ss(nat: Nature, acte: Acte, lire: _Lecture) -> Decimal:
    if acte.taux is not None:
        if not (ZERO <= acte.taux <= CENT):
            raise ActeInvalide(f"taux {acte.taux} % invalide : entre 0 et 100")
        return acte.taux
    if nat.taux is None:
        if nat.taux_local and acte.regime == "alsace-moselle":
            return lire(f"taux_ss.alsace-moselle.{nat.taux_local}")
        return ZERO
    if acte.regime not in ("general", "alsace-moselle"):
        raise ActeInvalide(f"régime inconnu « {acte.regime} » : general ou alsace-moselle")
    groupe = nat.taux
    if nat.code == "medicaments" and acte.smr:
        groupe = TAUX_MEDICAMENTS.get(acte.smr, groupe)
    if acte.acte_lourd:
        return CENT
    nom = _NOMS_TAUX.get((acte.regime, groupe))
    if nom is None:
        nom = _NOMS_TAUX[(acte.regime, groupe)] = f"taux_ss.{acte.regime}.{groupe}"
    return lire(nom)


_NOMS_TAUX: dict = {}
_REFS: dict = {}   # (id(ligne), colonne) -> (ligne, "fichier:ligne"), identity-checked


def _valeur(expr: ex.Expression, nat: Nature, acte: Acte, br, fr, ss_brut, lire, etat, annee, cle_base, expl=True):
    """Sum of the non-envelope terms; envelopes are returned with what is left of them.

    Returns (somme, details, envelopes, day consumptions, per-act count consumptions): the caller
    records the counts only when the contract pays something for the act.
    """
    termes = expr.termes
    if not expl and len(termes) == 1 and type(termes[0]) is ex.TauxBR:
        # the most common cell ("100 % BR", "+ 120 % BR"), valued without the general loop
        return br * termes[0].taux / CENT, None, (), [], ()
    somme = ZERO
    details: list[str] = []
    envs = []
    conso: list[Consommation] = []
    comptes: list[Consommation] = []
    q = acte.quantite
    for i, t in enumerate(termes):
        cle = cle_base + (i,)
        if isinstance(t, ex.TauxBR):
            v = br * t.taux / CENT
            expl and details.append(f"{texte_taux(t.taux)} % × BR {_fr(br)} = {_fr(v)}")
        elif isinstance(t, ex.SecuriteSociale):
            v = ss_brut
            expl and details.append(f"Sécurité sociale (brute) = {_fr(v)}")
        elif isinstance(t, ex.FraisReels):
            v = fr * t.taux / CENT
            expl and details.append(f"{texte_taux(t.taux)} % des frais réels = {_fr(v)}")
        elif isinstance(t, ex.Fixe):
            v = t.montant
            expl and details.append(f"forfait {_fr(v)}")
        elif isinstance(t, ex.ParUnite):
            n = 2 if (t.unite == "verre" and acte.nature == "optique-equipement") else q
            v = t.montant * n
            expl and details.append(f"{_fr(t.montant)} / {t.unite} × {n} = {_fr(v)}")
        elif isinstance(t, ex.ParJour):
            if t.jours_max is None:
                v = t.montant * q
                expl and details.append(f"{_fr(t.montant)} / jour × {q} jours = {_fr(v)}")
            else:
                pris = int(etat.consomme(annee, cle))
                dans = max(min(q, t.jours_max - pris), 0)
                apres = q - dans
                v = t.montant * dans + (t.puis or ZERO) * apres
                expl and details.append(f"{pris} jours déjà pris cette année sur {t.jours_max} : {dans} jours × {_fr(t.montant)}"
                               + (f" + {apres} jours × {_fr(t.puis or ZERO)}" if apres else "") + f" = {_fr(v)}")
                conso.append(Consommation(annee, cle, Decimal(q)))
        elif isinstance(t, ex.ParActe):
            pris = int(etat.consomme(annee, cle))
            n = max(min(q, t.par_an - pris), 0)
            v = t.montant * n
            expl and details.append(f"{pris} acte(s) déjà pris cette année sur {t.par_an} : {n} × {_fr(t.montant)} = {_fr(v)}")
            if n:
                comptes.append(Consommation(annee, cle, Decimal(n)))
        elif isinstance(t, ex.PartPMSS):
            pmss = lire("pmss")
            v = pmss * t.fraction
            expl and details.append(f"{t.texte} : PMSS {annee} {_fr(pmss)} × {texte_taux(t.fraction)} = {_fr(v)}")
        elif isinstance(t, ex.Enveloppe):
            if t.fraction_pmss is not None:
                pmss = lire("pmss")
                total = pmss * t.fraction_pmss
                expl and details.append(f"enveloppe annuelle {t.texte} : PMSS {annee} {_fr(pmss)} × {texte_taux(t.fraction_pmss)} = {_fr(total)}")
            else:
                total = t.montant
            pris = etat.consomme(annee, cle)
            envs.append((t, max(total - pris, ZERO), cle))
            continue
        elif isinstance(t, ex.LimiteForfait):
            if not nat.forfait:
                raise ActeInvalide(f"« {t.texte} » : la nature {nat.code} n'a pas de forfait réglementaire")
            forfait = _forfait(nat, acte, lire)
            v = min(fr, forfait * q)
            expl and details.append(f"frais réels {_fr(fr)} limités au forfait réglementaire {_fr(forfait)} × {q} = {_fr(v)}")
        elif isinstance(t, ex.CentPourCentSante):
            if acte.limite is None:
                raise ActeInvalide(f"la garantie 100 % Santé « {t.texte} » est limitée au {t.limite} : donnez-le avec --limite")
            v = min(fr, acte.limite)
            expl and details.append(f"100 % Santé : min(FR {_fr(fr)}, {t.limite} {_fr(acte.limite)}) = {_fr(v)}")
        elif isinstance(t, ex.ForfaitOptique):
            if acte.monture is None:
                raise ActeInvalide(f"« {t.texte} » : donnez la part de la monture dans les frais réels avec --monture")
            if acte.monture > fr:
                raise ActeInvalide(f"monture {_fr(acte.monture)} supérieure aux frais réels {_fr(fr)}")
            couvert = (fr - acte.monture) + (min(acte.monture, t.monture_max) if t.monture_max is not None else acte.monture)
            v = min(t.montant, couvert)
            expl and details.append(f"forfait {_fr(t.montant)}, verres {_fr(fr - acte.monture)} + monture min({_fr(acte.monture)}, "
                           f"{_fr(t.monture_max or acte.monture)}) = {_fr(couvert)} → {_fr(v)}")
        else:  # pragma: no cover
            raise ErreurSimulateur(f"terme non géré : {t!r}")
        somme += v
    return somme, details, envs, conso, comptes


def _forfait(nat: Nature, acte: Acte, lire) -> Decimal:
    """The nature's regulatory forfait at the act's date (forfait journalier: psychiatric or not)."""
    nom = nat.forfait
    if nom == "forfait_journalier":
        nom += ".psychiatrie" if acte.psychiatrie else ".general"
    return lire(nom)


def _valeur_composee(contrat, ligne, col_id, acte, br, fr, ss_brut, lire, taux, inclusif, responsable, expl):
    """A composed line (`composition: {monture: …, verres: …}`): frame row + one lens row per lens class.

    The equipment's BR and SS are shared equally between the frame and the two lenses (class B:
    0,05 € each). The frame part is bounded by the frame's price (`monture`) and, in a contrat
    responsable, by the frame ceiling (SS included); the lenses together by their price
    (FR − monture). Inclusive level: a component whose cell pays nothing beyond the SS counts its SS share.
    """
    comp = ligne.composition
    if acte.monture is None:
        raise ActeInvalide(f"« {ligne.libelle} » : l'équipement est remboursé monture + verres ; donnez la part de la monture "
                           "dans les frais réels avec --monture")
    if acte.verres is None:
        raise ActeInvalide(f"« {ligne.libelle} » : l'équipement est remboursé monture + verres ; donnez les classes des deux "
                           "verres avec --verres (ex. simple+complexe)")
    if acte.monture > fr:
        raise ActeInvalide(f"monture {_fr(acte.monture)} supérieure aux frais réels {_fr(fr)}")
    tiers_br, tiers_ss = br / 3, ss_brut / 3
    details: list[str] = []

    def composante(sous, n):
        l = choisir_ligne(contrat, sous, taux)
        cell = l.cellules.get(col_id) if l is not None else None
        ss_c = tiers_ss * n
        if cell is None or cell.rien:
            v = ss_c if inclusif else ZERO
            texte = cell.texte if cell is not None else "–"
        else:
            v = _valeur(cell, trouver_nature(sous.nature), sous, sous.br, sous.frais_reels, ss_c, lire, _VIDE, acte.date.year,
                        (), False)[0]
            texte = cell.texte
        if expl:
            ou = f"{contrat.fichier}:{l.cellule_lignes.get(col_id, l.ligne)} « {l.libelle} »" if l is not None else f"aucune ligne {sous.nature}"
            details.append(f"{ou} : « {texte} » (BR {_fr(sous.br)}, SS {_fr(ss_c)}, × {n}) = {_fr(v)}")
        return v

    monture = acte.monture
    v_m = composante(replace(acte, nature=comp["monture"], quantite=1, br=tiers_br, frais_reels=monture), 1)
    v_m2 = min(v_m, monture)
    if responsable and acte.panier != "100-sante":
        try:  # already read (and cited) by _plafonds_reglementaires for this act
            m_max = lire.p.valeur("responsable.monture_plafond", lire.date).valeur
        except ParametreIndisponible:
            m_max = None
        if m_max is not None and m_max < v_m2:
            v_m2 = m_max
            expl and details.append(f"monture : plafond responsable {_fr(m_max)} (SS incluse)")
    if v_m2 < v_m:
        expl and details.append(f"monture retenue : {_fr(v_m2)} (prix de la monture {_fr(monture)})")
    prix_verres = fr - monture
    v_v = ZERO
    for classe in sorted(set(acte.verres)):
        n = acte.verres.count(classe)
        v_v += composante(replace(acte, nature=comp["verres"], quantite=n, verres=(classe, classe), br=tiers_br * n,
                                  frais_reels=prix_verres), n)
    if v_v > prix_verres:
        expl and details.append(f"verres retenus : {_fr(prix_verres)} (prix des deux verres, FR − monture)")
        v_v = prix_verres
    expl and details.append(f"équipement : monture {_fr(v_m2)} + verres {_fr(v_v)} = {_fr(v_m2 + v_v)}")
    return v_m2 + v_v, details


def _plafonds_reglementaires(responsable: bool, nat: Nature, acte: Acte, br, fr, lire) -> list:
    """Caps binding SS + every layer (contrat responsable, R871-2), for a formula that is responsable.

    Optics and hearing aids: an act without `panier` is treated as class B / class II (libre), the
    only classes of the documents written before the 100 % Santé.
    """
    caps = []
    if not responsable:
        return caps
    code = nat.code
    libre = acte.panier is None or acte.panier == "libre"
    if code == "optique-equipement" and libre:
        if acte.verres is None:
            raise ActeInvalide("contrat responsable, équipement de classe B : donnez les classes des verres avec --verres (ex. simple+simple)")
        cle = "-".join(acte.verres)
        plafond = lire.optionnel(f"responsable.optique.plafond.{cle}")
        if plafond is not None:
            caps.append((plafond, f"plafond responsable équipement {cle} {_fr(plafond)} (SS incluse)"))
        monture_max = lire.optionnel("responsable.monture_plafond")
        if monture_max is not None:
            if acte.monture is None:
                raise ActeInvalide("contrat responsable, équipement de classe B : donnez la part de la monture avec --monture")
            caps.append(((fr - acte.monture) + min(acte.monture, monture_max),
                         f"plafond responsable monture {_fr(monture_max)} (SS incluse)"))
    elif code == "optique-monture" and libre:
        monture_max = lire.optionnel("responsable.monture_plafond")
        if monture_max is not None:
            caps.append((monture_max, f"plafond responsable monture {_fr(monture_max)} (SS incluse)"))
    elif code == "aide-auditive" and libre:
        p = lire.optionnel("responsable.aide_auditive_plafond")
        if p is not None:
            caps.append((p * acte.quantite, f"plafond responsable aide auditive {_fr(p)} par oreille (SS incluse)"))
    elif code in NATURES_MEDECIN and acte.dptm is False:
        d = lire.optionnel("responsable.non_dptm.depassement_max_br")
        if d is not None:
            caps.append((br + br * d / CENT, f"plafond responsable médecin non DPTM : BR + {texte_taux(d)} % BR (SS incluse)"))
    return caps


def _cles_renouvellement(contrat, nat: Nature, acte: Acte) -> list:
    """(key, deliveries allowed per period, deliveries this act makes) for each renewable element.

    Optics: the frame and the lenses are renewed separately (000 footnote (2): "counted from the
    delivery of the last element, separately for each element"); an equipment delivers both.
    Hearing aids: one per ear per period; an aid whose ear is not given counts against both ears
    together (two per period), so a pair bought the same day is never refused.
    """
    if nat.renouvellement == "optique":
        monture = ((contrat.id, "renouvellement", "optique", "monture"), 1, 1)
        verres = ((contrat.id, "renouvellement", "optique", "verres"), 2, 2 if acte.nature == "optique-equipement" else acte.quantite)
        if acte.nature == "optique-equipement":
            return [monture, verres]
        return [monture] if acte.nature == "optique-monture" else [verres]
    if nat.renouvellement == "aide-auditive":
        if acte.oreille:
            return [((contrat.id, "renouvellement", "aide-auditive", acte.oreille), 1, 1)]
        return [((contrat.id, "renouvellement", "aide-auditive", "?"), 2, acte.quantite)]
    return []


def _refus(contrat, nat: Nature, acte: Acte, etat: EtatBeneficiaire, lire, ligne) -> str | None:
    """Renewal periods (optics, hearing aids): the contract pays nothing before the next allowed date."""
    if not nat.renouvellement or not etat.derniers:
        return None
    for cle, permis_nb, livre in _cles_renouvellement(contrat, nat, acte):
        dates = etat.derniers.get(cle)
        if not dates:
            continue
        if nat.renouvellement == "optique":
            age_jeune = int(lire("renouvellement.optique.age_jeune"))
            jeune = acte.age is not None and acte.age < age_jeune
            ans = int(lire("renouvellement.optique.jeune_annees" if (jeune or acte.changement_vue) else "renouvellement.optique.adulte_annees"))
        else:
            ans = int(lire("renouvellement.aide_auditive_annees"))
        recentes = sorted(d for d in dates if acte.date < ajouter_mois(d, 12 * ans))
        if len(recentes) + livre > permis_nb:
            permis = ajouter_mois(recentes[len(recentes) + livre - permis_nb - 1], 12 * ans)
            quoi = {"monture": "monture", "verres": "verres"}.get(cle[-1], f"aide auditive ({cle[-1]})" if cle[-1] != "?" else "aide auditive")
            return (f"renouvellement ({quoi}) non pris en charge avant le {permis.isoformat()} "
                    f"(dernière délivrance le {recentes[-1].isoformat()}, période de {ans} an(s))")
    return None


def _delai_de_stage(contrat: Contrat, acte: Acte) -> str | None:
    """None (no waiting period), "tm" (ticket modérateur only) or "exclu" (not covered).

    Without `date_adhesion` no waiting period is applied (the member is assumed to have joined
    long enough ago); the explanation says so (_note_delai_de_stage).
    """
    d = contrat.delai_de_stage
    if d is None or acte.date_adhesion is None:
        return None
    if acte.date < acte.date_adhesion:
        raise ActeInvalide(f"soins du {acte.date.isoformat()} antérieurs à la date d'adhésion {acte.date_adhesion.isoformat()} : "
                           f"le contrat {contrat.id} ne les couvre pas")
    if d.sauf_certificat and acte.certificat_radiation:
        return None
    if acte.date >= ajouter_mois(acte.date_adhesion, d.duree_mois):
        return None
    if acte.nature in d.natures_exclues:
        return "exclu"
    if acte.nature in d.natures_ticket_moderateur:
        return "tm"
    return None


def _note_delai_de_stage(contrat: Contrat, acte: Acte) -> str:
    d = contrat.delai_de_stage
    if acte.nature not in d.natures_ticket_moderateur and acte.nature not in d.natures_exclues:
        return ""
    if acte.date_adhesion is None:
        return (f"{d.libelle} non appliqué : date d'adhésion non fournie (--date-adhesion) ; le calcul suppose une adhésion "
                f"de plus de {d.duree_mois} mois")
    if d.sauf_certificat and acte.certificat_radiation:
        return f"{d.libelle} levé : certificat de radiation fourni"
    fin = ajouter_mois(acte.date_adhesion, d.duree_mois)
    if acte.date >= fin:
        return f"{d.libelle} terminé le {fin.isoformat()} (adhésion le {acte.date_adhesion.isoformat()})"
    return (f"{d.libelle} en cours jusqu'au {(fin - dt.timedelta(days=1)).isoformat()} inclus (adhésion le "
            f"{acte.date_adhesion.isoformat()}, sans certificat de radiation)")


def _plafond_annuel(p, contrat, etat, annee, paye, tm_reste, verse_avant, etape, conso, expl=True):
    """A contract's annual ceiling (e.g. 004: 2 500 € of dental prostheses + implants per civil year).

    Everything the contract pays for the listed natures counts; an act that crosses the ceiling
    gets what is left of it, and with `au_dela: ticket-moderateur` never less than its ticket
    modérateur (which is also what every act gets once the ceiling is reached).
    """
    cle = (contrat.id, "plafond-annuel", p.libelle)
    pris = etat.consomme(annee, cle) + verse_avant
    reste_plafond = max(p.montant - pris, ZERO)
    borne = None
    if paye > reste_plafond:
        plancher = max(min(tm_reste, paye), ZERO) if p.au_dela == "ticket-moderateur" else ZERO
        nouveau = max(reste_plafond, plancher)
        expl and etape.calcul.append(f"{p.libelle} {_fr(p.montant)} : déjà versé {_fr(pris)} cette année, reste {_fr(reste_plafond)}"
                            + (f" ; au-delà, ticket modérateur {_fr(plancher)}" if p.au_dela == "ticket-moderateur" else ""))
        paye = nouveau
        borne = f"{p.libelle} ({_fr(p.montant)} par année civile)"
    conso.append(Consommation(annee, cle, arrondi(paye)))
    return paye, borne


def _forfait_apres_cancer(nat, acte, etat, lire, explication, consommations, expl=True) -> Decimal:
    """The 003 forfait (Assurance Maladie via the ARS): bilans and follow-up consultations paid at
    their regulatory tariff, no dépassement, within `apres_cancer.forfait_annuel` per patient and
    per civil year, at most `max_bilans` bilans and `max_suivis` follow-ups in the combinations the
    budget allows at tariff (1 + 6, 2 + 4, 3 + 2), and only within `delai_mois` months after the end
    of the treatment (`fin_traitement`, required).
    """
    if acte.fin_traitement is None:
        raise ActeInvalide("parcours de soins global après cancer : donnez la date de fin du traitement avec --fin-traitement "
                           "(AAAA-MM-JJ) ; le forfait n'est dû que dans les 12 mois qui la suivent")
    annee = acte.date.year
    calcul: list[str] = []
    delai = int(lire("apres_cancer.delai_mois"))
    limite = ajouter_mois(acte.fin_traitement, delai)
    paye = ZERO
    borne = ""
    if acte.date < acte.fin_traitement:
        expl and calcul.append(f"soins du {acte.date.isoformat()} antérieurs à la fin du traitement ({acte.fin_traitement.isoformat()}) : "
                               "le parcours suit le traitement, le forfait ne paie pas")
        borne = "parcours après la fin du traitement"
    elif acte.date >= limite:
        expl and calcul.append(f"soins du {acte.date.isoformat()} au-delà des {delai} mois qui suivent la fin du traitement "
                               f"({acte.fin_traitement.isoformat()}, limite {limite.isoformat()}) : le forfait ne paie pas")
        borne = f"délai de {delai} mois après la fin du traitement"
    else:
        tarifs = {"apres-cancer-bilan": lire("apres_cancer.bilan"), "apres-cancer-suivi": lire("apres_cancer.suivi")}
        maxima = {"apres-cancer-bilan": int(lire("apres_cancer.max_bilans")), "apres-cancer-suivi": int(lire("apres_cancer.max_suivis"))}
        budget = lire("apres_cancer.forfait_annuel")
        pris = {k: int(etat.consomme(annee, ("apres-cancer", k))) for k in tarifs}
        deja_euros = etat.consomme(annee, ("apres-cancer", "euros"))
        engage = sum((tarifs[k] * pris[k] for k in tarifs), ZERO)      # the budget at tariff: fixes the combinations
        tarif, maximum = tarifs[nat.code], maxima[nat.code]
        n = 0
        while n < acte.quantite and pris[nat.code] + n < maximum and engage + tarif * (n + 1) <= budget:
            n += 1
        paye = arrondi(max(min(acte.frais_reels, tarif * n, budget - deja_euros), ZERO))
        if expl:
            calcul.append(f"cette année : {pris['apres-cancer-bilan']} bilan(s) sur {maxima['apres-cancer-bilan']}, "
                          f"{pris['apres-cancer-suivi']} suivi(s) sur {maxima['apres-cancer-suivi']}, {_fr(deja_euros)} versés "
                          f"sur {_fr(budget)} (au tarif : {_fr(engage)})")
            calcul.append(f"{n} consultation(s) sur {acte.quantite} dans le forfait × tarif {_fr(tarif)}, "
                          f"limité aux frais réels {_fr(acte.frais_reels)} = {_fr(paye)}")
            if n < acte.quantite:
                calcul.append("forfait épuisé pour cette consultation (nombre de bilans ou de suivis, ou combinaison "
                              f"1 + 6, 2 + 4, 3 + 2 dans les {_fr(budget)}) : le contrat prend le relais s'il a une ligne pour cette nature")
            if n and acte.frais_reels > tarif * n:
                calcul.append(f"pas de dépassement d'honoraires dans le forfait : au-delà du tarif ({_fr(tarif * n)}), "
                              "les frais ne relèvent pas du forfait")
        if n < acte.quantite:
            borne = "forfait après cancer épuisé"
        if n:
            consommations.append(Consommation(annee, ("apres-cancer", nat.code), Decimal(n)))
        if paye:
            consommations.append(Consommation(annee, ("apres-cancer", "euros"), paye))
    explication.append(Etape("Forfait après cancer (ARS)", paye,
                             "parcours de soins global après cancer (003), financé par l'Assurance Maladie" if expl else "",
                             calcul, lire.prendre(), borne))
    return paye
