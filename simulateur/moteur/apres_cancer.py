"""The forfait of the global care pathway after a cancer (art. L1415-8 CSP; décret 2020-1665; arrêté
of 24/12/2020): paid by the Assurance Maladie through the ARS, a payer distinct from the Sécurité
sociale. Bilans and follow-up consultations at their regulatory tariff, no dépassement, within
`apres_cancer.forfait_annuel` per patient and per civil year, at most `max_bilans` bilans and
`max_suivis` follow-ups in the combinations the budget allows at tariff (1 + 6, 2 + 4, 3 + 2), and
only within `delai_mois` months after the end of the treatment (`fin_traitement`, required).
"""
from __future__ import annotations

from decimal import Decimal

from ..domaine.erreurs import ActeInvalide
from ..domaine.montant import ZERO, arrondi
from .etat import Consommation, ajouter_mois
from .resultat import Calcul, Etape

BILAN, SUIVI = "apres-cancer-bilan", "apres-cancer-suivi"


def _hors_delai(acte, delai: int, calcul):
    """The reason the forfait does not pay at this date (a Calcul for the explanation, and the cap), or None."""
    limite = ajouter_mois(acte.fin_traitement, delai)
    if acte.date < acte.fin_traitement:
        return Calcul("apres_cancer.avant_fin", date=acte.date, fin=acte.fin_traitement), Calcul("borne.apres_cancer_avant")
    if acte.date >= limite:
        return (Calcul("apres_cancer.apres_delai", date=acte.date, fin=acte.fin_traitement, delai=delai, limite=limite),
                Calcul("borne.apres_cancer_delai", delai=delai))
    return None


def _consultations(nat_code, acte, etat, lire, reste: Decimal, calcul):
    """(consultations paid by the forfait, amount, consumptions) within the counts and the budget."""
    annee = acte.date.year
    tarifs = {BILAN: lire("apres_cancer.bilan"), SUIVI: lire("apres_cancer.suivi")}
    maxima = {BILAN: int(lire("apres_cancer.max_bilans")), SUIVI: int(lire("apres_cancer.max_suivis"))}
    budget = lire("apres_cancer.forfait_annuel")
    pris = {k: int(etat.consomme(annee, ("apres-cancer", k))) for k in tarifs}
    deja_euros = etat.consomme(annee, ("apres-cancer", "euros"))
    engage = sum((tarifs[k] * pris[k] for k in tarifs), ZERO)      # the budget at tariff fixes the combinations
    tarif, maximum = tarifs[nat_code], maxima[nat_code]
    n = 0
    while n < acte.quantite and pris[nat_code] + n < maximum and engage + tarif * (n + 1) <= budget:
        n += 1
    paye = arrondi(max(min(acte.frais_reels, tarif * n, budget - deja_euros, reste), ZERO))
    if calcul is not None:
        calcul.append(Calcul("apres_cancer.annee", bilans=pris[BILAN], max_bilans=maxima[BILAN], suivis=pris[SUIVI],
                             max_suivis=maxima[SUIVI], verse=deja_euros, budget=budget, engage=engage))
        calcul.append(Calcul("apres_cancer.paye", n=n, quantite=acte.quantite, tarif=tarif, fr=acte.frais_reels, paye=paye))
        if n < acte.quantite:
            calcul.append(Calcul("apres_cancer.epuise", budget=budget))
        if n and acte.frais_reels > tarif * n:
            calcul.append(Calcul("apres_cancer.sans_depassement", tarif=tarif * n))
    conso = []
    if n:
        conso.append(Consommation(annee, ("apres-cancer", nat_code), Decimal(n)))
    if paye:
        conso.append(Consommation(annee, ("apres-cancer", "euros"), paye))
    return n, paye, conso


def forfait_apres_cancer(nat, acte, etat, lire, reste: Decimal, expliquer: bool):
    """(amount paid by the forfait, consumptions, Etape or None); `reste` is what the Sécurité sociale
    left to pay (the forfait never pays more). Raises ActeInvalide when `fin_traitement` is missing."""
    if acte.fin_traitement is None:
        raise ActeInvalide("requis-apres-cancer", "fin_traitement")
    calcul = [] if expliquer else None
    delai = int(lire("apres_cancer.delai_mois"))
    hors = _hors_delai(acte, delai, calcul)
    paye, conso, borne = ZERO, [], None
    if hors is not None:
        calcul is not None and calcul.append(hors[0])
        borne = hors[1]
    else:
        n, paye, conso = _consultations(nat.code, acte, etat, lire, reste, calcul)
        if n < acte.quantite:
            borne = Calcul("borne.apres_cancer_epuise")
    etape = None
    if expliquer:
        etape = Etape(Calcul("forfait_apres_cancer"), paye, Calcul("apres_cancer.regle"), calcul, lire.prendre(), borne)
    return paye, conso, etape
