"""One complementary layer of the formula, for one act (docs/calcul.md §3, docs/format-contrat.md).

`deja` = what the Sécurité sociale (gross) and the lower layers paid, `reste` = FR − deja. The layer
pays `min(max(plafond de la ligne, 0), reste, caps)`: the line's ceiling is `expression − deja` in a
level that includes the SS (`inclut-ss`) and the expression itself in a level added on top
(`en-complement`, or a leading `+`); caps bind SS + every layer (HLF / PLV, contrat responsable
ceilings, waiting period). Then annual envelopes, the contract's annual ceiling and the yearly
counts, all read from the beneficiary's state and returned as consumptions.
"""
from __future__ import annotations

from decimal import Decimal

from ..domaine.erreurs import ActeInvalide
from ..domaine.montant import ZERO, arrondi
from .etat import Consommation
from .garanties import repartir, valeur_composee, valeur_expression
from .plafonds import plafond_annuel
from .resultat import Calcul, Etape

# Caps without values, made once (they are attached to every layer's payment, explained or not)
BORNE_FRAIS_REELS, BORNE_LIGNE = Calcul("borne.frais_reels"), Calcul("borne.ligne")
BORNE_RENOUVELLEMENT, BORNE_STAGE = Calcul("borne.renouvellement"), Calcul("borne.stage")


class ActeEnCours:
    """Everything the layers of one act share: the act, its line, the SS, the caps, the state read."""
    __slots__ = ("contrat", "acte", "nat", "etat", "lire", "expliquer", "ligne", "taux", "ss_brut", "forfait_ac",
                 "deja", "verse_avant", "caps", "refus", "stage", "note_stage", "plafond_annuel", "tm_total",
                 "responsable", "consommations", "choisir", "cal", "montant_plafond", "composantes")


def _bornes(a: ActeEnCours, cellule, garantie, reste, responsable=True):
    """(room left under every cap, the Calcul of the cap that leaves least room). `responsable`: False for a
    non-responsable level (a surcomplémentaire), which the contrat responsable ceilings do not bind."""
    acte, deja = a.acte, a.deja
    caps = a.caps if responsable else ()
    if not cellule.limite and not caps and a.stage != "tm":
        return max(reste, ZERO), BORNE_FRAIS_REELS      # the usual case: only what is left to pay
    bornes = [(reste, BORNE_FRAIS_REELS)]
    if cellule.limite:
        if acte.limite is None:
            raise ActeInvalide("limite-requise", "limite", ligne=a.ligne.libelle, garantie=garantie, quoi=cellule.limite)
        bornes.append((acte.limite - deja, Calcul("borne.limite", nom=cellule.limite, limite=acte.limite)))
    for montant, calcul in caps:
        bornes.append((montant - deja, calcul))
    if a.stage == "tm":
        bornes.append((a.tm_total - (deja - a.ss_brut - a.forfait_ac),
                       Calcul("borne.stage_ticket_moderateur", libelle=a.contrat.delai_de_stage.libelle)))
    place, borne = bornes[0]
    for b in bornes:
        if b[0] < place:
            place, borne = b
    return max(place, ZERO), borne


def _valeur(a: ActeEnCours, cellule, col_id, inclusif, responsable=True):
    acte, ligne = a.acte, a.ligne
    if ligne.composition:
        return valeur_composee(a.contrat, ligne, col_id, acte, acte.br, acte.frais_reels, a.ss_brut, a.lire, a.taux, inclusif,
                               a.responsable and responsable, a.expliquer, a.choisir, a.composantes)
    cle = (a.contrat.id, "compteurs", ligne.compteurs, col_id) if ligne.compteurs else (a.contrat.id, ligne.index, col_id)
    return valeur_expression(cellule, a.nat, acte, acte.br, acte.frais_reels, a.ss_brut, a.lire, a.etat, cle, a.expliquer,
                             a.cal)


def _enveloppes(a, v, inclusif, paye, hors_env, place, borne, calcul, conso):
    """What the envelopes funded, consumed in order; the cap becomes the envelope when it is used up."""
    dispo = sum((e[1] for e in v.envs), ZERO)
    utilise = a.deja + paye - v.somme if inclusif else paye - hors_env
    utilise = arrondi(min(max(utilise, ZERO), dispo))
    if utilise == dispo and paye < place:
        borne = Calcul("borne.enveloppe", texte=v.envs[-1][0].texte)
    for env, valeur_env, cle_env, annee in v.envs:
        pris = min(valeur_env, utilise)
        utilise -= pris
        if pris > 0:
            conso.append(Consommation(annee, cle_env, pris))
            if env.nombre is not None:      # « 2 actes maximum »: this act is one (× quantity) of them
                conso.append(Consommation(annee, cle_env + ("nombre",), Decimal(a.acte.quantite)))
        calcul is not None and calcul.append(Calcul("enveloppe.utilisee", texte=env.texte, reste=valeur_env, pris=pris))
    return borne


def _borne_expression(a: ActeEnCours, sous, niveau, cellule, calcul):
    """What a floor or ceiling clause of the cell (« au minimum le ticket modérateur », « dans la limite de
    150 % BR », « dans la limite de 1 700 € ») lets the layer pay, in the level's convention: in an
    `inclut-ss` level the clause is a total (Sécurité sociale and lower levels included), even after a
    leading « + » (« + 100 € / oreille, dans la limite de 1 700 € »)."""
    acte = a.acte
    inclusif = (niveau.convention == "inclut-ss" and not sous.additif) or sous.inclusif_force
    v = valeur_expression(sous, a.nat, acte, acte.br, acte.frais_reels, a.ss_brut, a.lire, a.etat, (), a.expliquer, a.cal)
    if calcul is not None and v.details:
        calcul.extend(v.details)
    return v.somme - a.deja if inclusif else v.somme


def _minimum_maximum(a: ActeEnCours, cellule, niveau, paye, place, borne, calcul):
    """The cell's own floor and ceiling clauses applied to the layer's payment (never beyond `place`)."""
    if cellule.plafond is not None:
        haut = _borne_expression(a, cellule.plafond, niveau, cellule, calcul)
        if haut < paye:
            paye, borne = max(haut, ZERO), Calcul("borne.expression", texte=cellule.plafond.texte)
    if cellule.plancher is not None:
        bas = min(_borne_expression(a, cellule.plancher, niveau, cellule, calcul), place)
        if bas > paye:
            paye = bas
            calcul is not None and calcul.append(Calcul("couche.minimum", texte=cellule.plancher.texte, valeur=bas))
    return paye, borne


def payer(a: ActeEnCours, cellule, col_id, niveau, calcul):
    """What the layer pays for the act when its cell has something to pay: (amount, the cap's Calcul)."""
    acte = a.acte
    inclusif = (niveau.convention == "inclut-ss" and not cellule.additif) or cellule.inclusif_force
    responsable = niveau.responsable is not False
    if calcul is not None:
        calcul.append(Calcul("couche.convention", inclusif=inclusif, citation=niveau.citation))
        a.note_stage is not None and calcul.append(a.note_stage)
        responsable or calcul.append(Calcul("couche.non_responsable"))
    v = _valeur(a, cellule, col_id, inclusif, responsable)
    ligne_composee = bool(a.ligne.composition)
    if calcul is not None and v.details:
        calcul.extend(v.details)
    dispo = sum((e[1] for e in v.envs), ZERO) if v.envs else ZERO
    plafond = v.somme
    if inclusif:
        # an envelope of an inclusive level is part of the level's total (docs/format-contrat.md)
        plafond = v.somme + dispo - a.deja
        if calcul is not None and (a.deja or v.envs):
            calcul.append(Calcul("couche.inclusif", somme=v.somme, enveloppe=dispo if v.envs else None, deja=a.deja,
                                 plafond=plafond))
    place, borne_commune = _bornes(a, cellule, cellule.texte, acte.frais_reels - a.deja, responsable)
    paye, borne = max(plafond, ZERO), BORNE_LIGNE
    if place < paye:
        paye, borne = place, borne_commune
    hors_env = paye
    if v.envs and not inclusif:
        paye += max(min(dispo, place - paye), ZERO)     # additive level: the envelopes pay what the other terms left
    if cellule.plafond is not None or cellule.plancher is not None:
        paye, borne = _minimum_maximum(a, cellule, niveau, paye, place, borne, calcul)
    conso = list(v.conso) if v.conso else []
    if a.plafond_annuel is not None and paye > 0:
        paye, b = plafond_annuel(a.plafond_annuel, a.montant_plafond, a.contrat, a.etat, a.cal, paye,
                                 a.tm_total - (a.deja - a.ss_brut - a.forfait_ac), a.verse_avant, calcul, conso)
        borne = b or borne
    paye = arrondi(paye)
    if ligne_composee:
        # what this layer paid on the frame and on the lenses: the next levels pay only what is left of each
        m, v_ = repartir(paye, v.parts)
        a.composantes = (a.composantes[0] + m, a.composantes[1] + v_)
    if v.envs:
        borne = _enveloppes(a, v, inclusif, paye, hors_env, place, borne, calcul, conso)
    if v.comptes and a.verse_avant + paye > 0:
        conso.extend(v.comptes)     # a yearly count is used when the contract pays this act (this level or a lower one)
    if conso:
        a.consommations.extend(conso)
    return paye, borne


def couche(a: ActeEnCours, col_id: str, colonne, niveau):
    """(the Part's amount, its reference `fichier:ligne`, the guarantee text, the Etape or None)."""
    ligne = a.ligne
    cellule = ligne.cellules.get(col_id) if ligne is not None and col_id is not None else None
    ref = ligne.references.get(col_id, "") if ligne is not None else ""
    garantie = cellule.texte if cellule is not None else "–"
    calcul = [] if a.expliquer else None
    paye, borne = ZERO, None
    if a.stage == "formule" and calcul is not None:
        calcul.append(a.note_stage)
    if cellule is None or cellule.rien or ligne is None:
        calcul is not None and calcul.append(Calcul("couche.rien" if cellule is not None else "couche.vide"))
    elif a.refus is not None:
        calcul is not None and calcul.append(a.refus)
        borne = BORNE_RENOUVELLEMENT
    elif a.stage == "exclu":
        d = a.contrat.delai_de_stage
        calcul is not None and calcul.append(Calcul("stage.exclu", libelle=d.libelle, duree=d.duree_mois, jours=d.duree_jours))
        borne = BORNE_STAGE
    else:
        paye, borne = payer(a, cellule, col_id, niveau, calcul)
    etape = None
    if a.expliquer:
        payeur = Calcul("couche", niveau=niveau.id, colonne=col_id, libelle_niveau=niveau.libelle, libelle_colonne=colonne.libelle)
        regle = (Calcul("couche.regle", reference=ref, ligne=ligne.libelle, condition=ligne.condition_texte() if ligne.si else "",
                        colonne=col_id or colonne.id, garantie=garantie) if ligne is not None else Calcul("couche.sans_ligne"))
        etape = Etape(payeur, paye, regle, calcul, a.lire.prendre(), borne)
    return paye, ref, garantie, etape
