"""French wording of the assumptions of a result (`moteur.hypotheses.Hypothese`).

`phrase(h)` words one assumption; `bloc(resultat)` is the « Hypothèses » block printed under the
table of `simuler`; `hypotheses_dict(liste)` the JSON list (`hypotheses`): for each assumption the
field, the value used (machine form), the reason's key, the French sentence and, when the value
comes from a dated source, its date of effect, reference and source.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ..domaine.champs import PAR_NOM
from ..domaine.montant import texte_json
from .texte import euros, nombre


def _valeur_texte(champ: str, v) -> str:
    """A tried or assumed value for people: euros, oui/non, a lens pair, a tooth, an age."""
    if v is None:
        return "non précisé"
    c = PAR_NOM.get(champ)
    if isinstance(v, bool):
        return {"dptm": "DPTM" if v else "non DPTM"}.get(champ, "oui" if v else "non")
    if c is not None and c.type == "montant" and isinstance(v, Decimal):
        return euros(v)
    if champ == "verres" and isinstance(v, tuple):
        return "+".join(v)
    if champ == "age":
        return f"{v} ans"
    if champ == "dent":
        return f"dent {v}"
    return str(v)


def _essais(h) -> str:
    valeurs = [_valeur_texte(h.champ, v) for v in h.details["essais"]]
    liste = ", ".join(valeurs[:-1]) + " et " + valeurs[-1] if len(valeurs) > 1 else valeurs[0]
    c = PAR_NOM.get(h.champ)
    libelle = c.libelle if c is not None else h.champ
    accord = {"absente": "non précisée", "absents": "non précisés"}.get(c.absent if c is not None else "", "non précisé")
    return f"{libelle} {accord} : sans effet ici, le résultat est le même pour {liste} (détail du calcul avec {valeurs[0]})"


def _source(d: dict) -> str:
    """Since when, and the reference (the source itself is given by `--explique`)."""
    morceaux = []
    if d.get("depuis") is not None:
        morceaux.append(f"en vigueur depuis le {d['depuis'].isoformat()}")
    if d.get("reference"):
        morceaux.append(d["reference"])
    return " ; ".join(morceaux)


def _catalogue(d: dict) -> str:
    """The short provenance of a catalogue value in a one-line assumption: its code and since when it
    applies; the reference and the source (long, with their reservations) are in `simulateur actes CODE`
    and in the JSON details."""
    depuis = f", en vigueur depuis le {d['depuis'].isoformat()}" if d.get("depuis") is not None else ""
    return f"{d['code']}{depuis} ; référence et source : simulateur actes {d['code']} --format json"


def _br(h) -> str:
    d = h.details
    calcul = (f"{nombre(d['coefficient'])} × {euros(d['unitaire'])} = {euros(h.valeur)}" if d.get("coefficient") is not None
              else euros(h.valeur))
    quoi = "code" if d.get("officiel", True) else "clé descriptive"
    return f"base de remboursement {calcul}, d'après le catalogue des actes ({quoi} {_catalogue(d)})"


def _reconduit(h) -> str:
    d = h.details
    annee_valeur = d["depuis"].year if d["jusqu_au"] and d["depuis"].year == d["jusqu_au"].year else None
    annee_acte = d["date"].year if d.get("date") else None
    if d["nom"] == "pmss" and annee_valeur and annee_acte:
        tete = f"PMSS {annee_valeur} reconduit : valeur {annee_acte} non publiée"
    else:
        tete = (f"{d['nom']} : dernière valeur publiée (du {d['depuis'].isoformat()} au {d['jusqu_au'].isoformat()}) "
                f"reconduite au {d['date'].isoformat() if d.get('date') else '?'}")
    valeur = {"euro": euros(h.valeur), "pourcent": f"{nombre(h.valeur)} %"}.get(d.get("unite"), nombre(h.valeur))
    return f"{tete} ({valeur} ; {d['reference']})"


def _au_dela(h) -> str:
    d = h.details
    return (f"soins du {h.valeur.isoformat()}, après les derniers paramètres publiés (connus jusqu'au "
            f"{d['connus'].isoformat()}) : les valeurs en vigueur à cette date sont supposées inchangées ; une date "
            f"après le {d['horizon'].isoformat()} est refusée")


_SITUATIONS = {"css": "pour un bénéficiaire de la complémentaire santé solidaire", "maternite": "en période de maternité",
               "ald": "en affection de longue durée", "at_mp": "pour un accident du travail ou une maladie professionnelle"}


def _adulte(h) -> str:
    """The adult assumption, as computed: PF and franchises « dues » only when the result withheld some."""
    if h.details.get("pf"):
        return "âge non précisé : adulte (18 ans ou plus, participation forfaitaire et franchises dues)"
    if h.details.get("exonere"):
        situations = [_SITUATIONS.get(x, x) for x in h.details.get("situations", ())]
        pourquoi = f" {' et '.join(situations)}" if situations else ""
        return (f"âge non précisé : adulte (18 ans ou plus ; ici ni participation forfaitaire ni franchise "
                f"retenue{pourquoi})")
    return "âge non précisé : adulte (18 ans ou plus)"


def _css_depassement(h) -> str:
    """The overrun billed to a CSS beneficiary, and what became of it in this result (`details["reste"]`,
    `details["paye"]`: moteur.hypotheses.avertissements)."""
    d = h.details
    tete = (f"dépassement de {euros(h.valeur)} facturé à un bénéficiaire de la complémentaire santé solidaire : interdit "
            "aux médecins et auxiliaires médicaux, sauf exigence particulière du patient")
    reste, paye = d.get("reste", h.valeur), d.get("paye", Decimal(0))
    if not paye:
        return tete + " ; il reste à sa charge"
    if not reste:
        return tete + f" ; s'il est facturé, le contrat le paie ici en entier ({euros(paye)})"
    return tete + f" ; s'il est facturé, le contrat en paie ici {euros(paye)} et {euros(reste)} restent à sa charge"


def _hors_sans_effet(h) -> str:
    """« hors » asked, no majoration by rule (moteur.securite_sociale: `PartSS.sans_effet`)."""
    d = h.details
    if d["motif"] == "age":
        return (f"hors parcours de soins : sans effet avant {d['age']} ans (la majoration ne s'applique qu'à partir "
                f"de {d['age']} ans, art. L162-5-3 du code de la sécurité sociale) ; taux du parcours appliqué")
    if d["motif"] == "taux":
        return "hors parcours de soins : sans effet, le taux donné avec l'acte est appliqué tel quel (sans majoration)"
    return ("hors parcours de soins : sans effet pour cette nature (la majoration ne vise que les actes et "
            "consultations des médecins, hors hôpital) ; taux du parcours appliqué")


PHRASES = {
    "date.aujourdhui": lambda h: f"date des soins non précisée : aujourd'hui, {h.valeur.isoformat()}",
    "age.adulte": _adulte,
    "parcours.hors_sans_effet": _hors_sans_effet,
    "parcours.dans": lambda h: ("parcours de soins non précisé : dans le parcours (orientation par le médecin traitant "
                                "ou accès direct)"),
    "regime.general": lambda h: "régime non précisé : régime général (la MSA suit le régime général)",
    "situation.ordinaire": lambda h: ("situation non précisée : ni maternité, ni affection de longue durée, ni complémentaire "
                                      "santé solidaire, ni accident du travail ou maladie professionnelle"),
    "catalogue.nature": lambda h: f"nature {h.valeur}, d'après le catalogue des actes ({h.details['code']} : "
                                  f"{h.details['libelle']})",
    "catalogue.br": _br,
    "catalogue.panier": lambda h: f"panier {h.valeur}, d'après le catalogue des actes ({h.details['code']})",
    "catalogue.limite": lambda h: f"HLF / PLV {euros(h.valeur)}, d'après le catalogue des actes ({_catalogue(h.details)})",
    "catalogue.selon_dent": lambda h: (f"code {h.valeur} : {h.details['code']} sur la dent {h.details['dent']} "
                                       f"({h.details['position']})"),
    "parametres.limite": lambda h: (f"PLV {euros(h.valeur)}, prix limite de vente 100 % Santé des paramètres datés "
                                    f"({h.details['nom']} ; {_source(h.details)})"),
    "entree.non_necessaire": _essais,
    "parametre.reconduit": _reconduit,
    "parametres.au_dela": _au_dela,
    "css.depassement": _css_depassement,
    "responsable.cent_pour_cent_sante": lambda h: (
        f"100 % Santé non couvert : la formule {h.details['formule']} est déclarée responsable mais, telle que transcrite, "
        f"laisse {euros(h.details['reste'])} à charge sur un acte 100 % Santé facturé dans la limite de "
        f"{euros(h.details['limite'])} ; un contrat responsable doit le prendre en charge en entier (art. R871-2 du code de "
        "la sécurité sociale) : vérifiez le document (simulateur valider signale la ligne)"),
    "acte_lourd.non_precise": lambda h: (
        f"acte lourd non précisé : ticket modérateur appliqué ; un acte de tarif d'au moins "
        f"{euros(h.details['seuil'])} (ou de coefficient 60 ou plus) peut relever du forfait « actes lourds » à la "
        "place (Sécurité sociale à 100 % moins ce forfait) : la facture le dit, précisez alors --acte-lourd"),
}


def phrase(h) -> str:
    """The French sentence of one assumption (an unknown key is shown as is, never lost)."""
    f = PHRASES.get(h.raison)
    if f is None:
        return f"{h.raison} : {h.champ} = {h.valeur}"
    return f(h)


def machine(champ: str, v):
    """The value in machine form (JSON): amounts with two decimals, dates ISO, lens pairs `a+b`."""
    if v is None or isinstance(v, (bool, int, str)):
        return v
    if isinstance(v, Decimal):
        c = PAR_NOM.get(champ)
        montant = (c is not None and c.type == "montant") or champ in ("br", "limite", "css")
        return texte_json(v) if montant else format(v.normalize(), "f")
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, tuple):
        return "+".join(str(x) for x in v)
    return str(v)


def hypotheses_dict(liste) -> list:
    """`hypotheses` of the JSON outputs: one object per assumption."""
    out = []
    for h in liste:
        d = {"champ": h.champ, "valeur": machine(h.champ, h.valeur), "raison": h.raison, "texte": phrase(h)}
        for cle in ("code", "nom", "reference", "source"):
            if h.details.get(cle):
                d[cle] = h.details[cle]
        if h.details.get("depuis") is not None:
            d["depuis"] = h.details["depuis"].isoformat()
        if "essais" in h.details:
            d["essais"] = [machine(h.champ, v) for v in h.details["essais"]]
        out.append(d)
    return out


def bloc(resultat):
    """The « Hypothèses » block under the table of `simuler` (a Rich grid: one bullet per assumption,
    wrapped lines indented), or None when there is none."""
    from rich.table import Table
    liste = resultat.hypotheses
    if not liste:
        return None
    t = Table.grid(padding=(0, 1))
    t.title, t.title_justify, t.title_style = "Hypothèses", "left", "bold"
    t.add_column(width=3, justify="right")
    t.add_column(overflow="fold")
    for h in liste:
        t.add_row("•", phrase(h))
    return t
