"""Building an act from text (CLI options, CSV cells, notebooks): one place that checks inputs."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ..domaine.erreurs import ActeInvalide
from ..domaine.montant import MontantInvalide, lire_montant
from ..domaine.natures import NATURES, nature as trouver_nature

PANIERS = ("100-sante", "maitrise", "libre")
CLASSES = ("simple", "complexe", "tres-complexe")
_VRAI = {"oui", "o", "true", "vrai", "1", "yes", "y", "x"}
_FAUX = {"non", "n", "false", "faux", "0", "no"}


def lire_date(texte, quoi="date") -> dt.date:
    if isinstance(texte, dt.date):
        return texte
    t = str(texte).strip()
    try:
        if len(t) == 10 and t[4] == "-":
            return dt.date.fromisoformat(t)
        if len(t) == 10 and t[2] == "/":
            j, m, a = t.split("/")
            return dt.date(int(a), int(m), int(j))
    except ValueError:
        raise ActeInvalide(f"{quoi} « {texte} » impossible (ce jour n'existe pas) ; format AAAA-MM-JJ") from None
    raise ActeInvalide(f"{quoi} « {texte} » illisible ; écrivez AAAA-MM-JJ (ex. 2025-06-01) ou JJ/MM/AAAA")


def lire_booleen(texte, quoi) -> bool | None:
    if texte is None or isinstance(texte, bool):
        return texte
    t = str(texte).strip().lower()
    if t == "":
        return None
    if t in _VRAI:
        return True
    if t in _FAUX:
        return False
    raise ActeInvalide(f"{quoi} « {texte} » : écrivez oui ou non")


def _rang(classe: str):
    """Canonical order of a lens pair, the order of the regulation's names (simple-complexe…)."""
    return (CLASSES.index(classe) if classe in CLASSES else 9, classe)


def lire_verres(texte):
    if texte is None or texte == "":
        return None
    if isinstance(texte, (tuple, list)):
        parts = [str(x) for x in texte]
    else:
        parts = str(texte).replace(",", "+").split("+")
    parts = tuple(sorted((p.strip().lower().replace("très", "tres").replace(" ", "-") for p in parts), key=_rang))
    if len(parts) == 1:
        parts = parts * 2
    if len(parts) != 2 or any(p not in CLASSES for p in parts):
        raise ActeInvalide(f"verres « {texte} » : donnez les classes des deux verres, ex. simple+complexe "
                           "(classes : simple, complexe, tres-complexe)")
    return parts


def _montant(v, quoi):
    try:
        return lire_montant(v, quoi=quoi)
    except MontantInvalide as e:
        raise ActeInvalide(str(e)) from None


def creer_acte(*, nature: str, date=None, br=None, frais_reels=None, quantite=1, dptm=None, panier=None, limite=None,
               age=None, regime="general", taux=None, monture=None, verres=None, psychiatrie=False, smr=None,
               acte_lourd=False, oreille=None, changement_vue=False, date_adhesion=None, certificat_radiation=False,
               fin_traitement=None):
    """Check and convert every input; every refusal is an ActeInvalide in French."""
    from ..moteur.calcul import Acte
    nat = trouver_nature(str(nature).strip()) if nature is not None else None
    if nat is None:
        raise ActeInvalide("nature absente : donnez --nature (liste : simulateur natures)")
    if frais_reels is None or str(frais_reels).strip() == "":
        raise ActeInvalide("frais réels absents : donnez --frais-reels (ce que le patient a payé)")
    fr = _montant(frais_reels, "frais réels")
    if br is None or str(br).strip() == "":
        if nat.taux is not None:
            raise ActeInvalide(f"base de remboursement absente : la nature {nat.code} est remboursée par la Sécurité sociale, donnez --br")
        b = Decimal(0)
    else:
        b = _montant(br, "base de remboursement")
    d = lire_date(date) if date not in (None, "") else dt.date.today()
    try:
        q = int(str(quantite).strip()) if quantite not in (None, "") else 1
    except ValueError:
        raise ActeInvalide(f"quantité « {quantite} » : un nombre entier (jours, séances, boîtes)") from None
    if q < 1 or q > 10000:
        raise ActeInvalide(f"quantité {q} invalide : entre 1 et 10000")
    if panier not in (None, ""):
        panier = str(panier).strip().lower().replace("%", "").replace(" ", "-").replace("100-santé", "100-sante")
        if panier == "maîtrisé":
            panier = "maitrise"
        if panier not in PANIERS:
            raise ActeInvalide(f"panier « {panier} » inconnu : 100-sante, maitrise ou libre")
    else:
        panier = None
    a = None
    if age not in (None, ""):
        try:
            a = int(str(age).strip())
        except ValueError:
            raise ActeInvalide(f"âge « {age} » : un nombre entier d'années") from None
        if not 0 <= a <= 130:
            raise ActeInvalide(f"âge {a} invalide : entre 0 et 130")
    regime = (regime or "general").strip().lower().replace("é", "e")
    if regime in ("msa", "agricole"):
        regime = "general"   # MSA follows the régime général rates (reglementation.md §1.6)
    if regime not in ("general", "alsace-moselle"):
        raise ActeInvalide(f"régime « {regime} » inconnu : general ou alsace-moselle (la MSA suit le régime général)")
    t = None
    if taux not in (None, ""):
        try:
            t = lire_montant(str(taux).replace("%", ""), quoi="taux", centimes=False)
        except MontantInvalide as e:
            raise ActeInvalide(str(e)) from None
        if t > 100:
            raise ActeInvalide(f"taux {taux} % invalide : entre 0 et 100")
    lim = _montant(limite, "limite (HLF/PLV)") if limite not in (None, "") else None
    mont = _montant(monture, "monture") if monture not in (None, "") else None
    if mont is not None and mont > fr:
        raise ActeInvalide(f"monture {mont} € supérieure aux frais réels {fr} € : --monture est la part de la monture dans les frais réels")
    if smr not in (None, ""):
        smr = str(smr).strip().lower().replace("é", "e")
        if smr not in ("majeur", "important", "modere", "faible", "irremplacable"):
            raise ActeInvalide(f"SMR « {smr} » inconnu : majeur, important, modere, faible ou irremplacable")
    else:
        smr = None
    if oreille not in (None, ""):
        oreille = str(oreille).strip().lower()
        if oreille not in ("droite", "gauche"):
            raise ActeInvalide(f"oreille « {oreille} » : droite ou gauche")
    else:
        oreille = None
    return Acte(nat.code, d, b, fr, q, lire_booleen(dptm, "dptm"), panier, lim, a, regime, t, mont, lire_verres(verres),
                bool(lire_booleen(psychiatrie, "psychiatrie")), smr, bool(lire_booleen(acte_lourd, "acte lourd")), oreille,
                bool(lire_booleen(changement_vue, "changement de vue")),
                lire_date(date_adhesion, "date d'adhésion") if date_adhesion not in (None, "") else None,
                bool(lire_booleen(certificat_radiation, "certificat de radiation")),
                lire_date(fin_traitement, "date de fin de traitement") if fin_traitement not in (None, "") else None)


__all__ = ["creer_acte", "lire_date", "NATURES"]
