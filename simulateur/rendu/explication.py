"""French wording of the engine's explanation values (`moteur.resultat.Calcul`, `Etape`).

`phrase(calcul)` words one step; `arbre(resultat)` is the Rich tree of `--explique`;
`explication_dict(resultat)` the JSON form: the words (`regle`, `calcul`, `borne`) beside the values
they were made from (`details`).
"""
from __future__ import annotations

from decimal import Decimal

from ..domaine.montant import texte_json, texte_taux
from ..domaine.natures import NATURES
from .texte import euros, nombre


def _e(x) -> str:
    return euros(x)


def _t(x) -> str:
    return nombre(x)


def _ss_taux(v):
    base = _e(v["base"]) if v["forfait"] else f"min(BR {_e(v['br'])}, FR {_e(v['fr'])})"
    return f"{base} × {_t(v['taux'])} % = {_e(v['resultat'])}"


def _deja(v, quoi="déjà retenu"):
    return f" (plafond annuel {_e(v['plafond'])}, {quoi} {_e(v['deja'])})" if v.get("deja") else ""


def _paliers(v):
    s = f"{v['pris']} jours déjà pris cette année sur {v['jours_max']} : {v['dans']} jours × {_e(v['montant'])}"
    if v["apres"]:
        s += f" + {v['apres']} jours × {_e(v['puis'])}"
    return s + f" = {_e(v['valeur'])}"


def _element(v):
    ou = (f"{v['fichier']}:{v['ligne']} « {v['libelle']} »" if v["ligne"] is not None else f"aucune ligne {v['nature']}")
    return f"{ou} : « {v['texte']} » (BR {_e(v['br'])}, SS {_e(v['ss'])}, × {v['n']}) = {_e(v['valeur'])}"


def _monture_reste(v):
    prix = (f"min(prix {_e(v['monture'])}, plafond responsable {_e(v['plafond'])})" if v["plafond"] is not None
            else f"prix {_e(v['monture'])}")
    return (f"monture retenue : {_e(v['valeur'])} (reste sur la monture : {prix} − SS {_e(v['ss'])} − niveaux "
            f"précédents {_e(v['avant'])})")


def _renouvellement(v):
    quoi = {"monture": "monture", "verres": "verres", "?": "aide auditive"}.get(v["element"], f"aide auditive ({v['element']})")
    return (f"renouvellement ({quoi}) non pris en charge avant le {v['permis'].isoformat()} (dernière délivrance le "
            f"{v['derniere'].isoformat()}, période de {v['ans']} an(s))")


def _trop(v):
    quoi = {"monture": "monture", "verres": "verres", "?": "aides auditives"}.get(v["element"], "aide auditive")
    return (f"renouvellement ({quoi}) : {v['livre']} délivrés par cet acte pour {v['permis']} permis par période ; "
            "non pris en charge (donnez l'oreille de chaque aide auditive, un acte par oreille)")


def _inclusif(v):
    env = f" + enveloppe disponible {_e(v['enveloppe'])}" if v["enveloppe"] is not None else ""
    return f"{_e(v['somme'])}{env} − déjà payé {_e(v['deja'])} = {_e(v['plafond'])}"


def _convention(v):
    s = ("convention : montant total, Sécurité sociale et niveaux précédents inclus" if v["inclusif"]
         else "convention : montant ajouté en complément")
    return s + (f" (« {v['citation']} »)" if v["citation"] else "")


def _annee(v) -> str:
    return "cette année d'adhésion" if v.get("adhesion") else "cette année"


def _plafond_annuel(v):
    s = f"{v['libelle']} {_e(v['montant'])} : déjà versé {_e(v['pris'])} {_annee(v)}, reste {_e(v['reste'])}"
    return s + (f" ; au-delà, ticket modérateur {_e(v['ticket_moderateur'])}" if v["ticket_moderateur"] is not None else "")


def _regle_couche(v):
    cond = f" [{v['condition']}]" if v["condition"] else ""
    return f"{v['reference']} « {v['ligne']} »{cond}, colonne {v['colonne']} : « {v['garantie']} »"


def _forfait_optique(v):
    mm = v["monture_max"] if v["monture_max"] is not None else v["monture"]
    return (f"forfait {_e(v['montant'])}, verres {_e(v['verres'])} + monture min({_e(v['monture'])}, {_e(mm)}) = "
            f"{_e(v['couvert'])} → {_e(v['valeur'])}")


def _annee_ac(v):
    return (f"cette année : {v['bilans']} bilan(s) sur {v['max_bilans']}, {v['suivis']} suivi(s) sur {v['max_suivis']}, "
            f"{_e(v['verse'])} versés sur {_e(v['budget'])} (au tarif : {_e(v['engage'])})")


_SITUATIONS = {"maternite": "maternité", "ald": "affection de longue durée", "css": "complémentaire santé solidaire",
               "at_mp": "accident du travail ou maladie professionnelle"}


def _hors_parcours(v):
    sans = v.get("sans_plafond", v["majoration"])
    plafond = (f"{_e(sans)}, plafonnée à {_e(v['plafond'])} par acte" if v["plafonnee"]
               else f"{_e(v['majoration'])} (plafond {_e(v['plafond'])} par acte)")
    return (f"hors parcours de soins : taux réduit de {_t(v['points'])} points, soit une majoration de {plafond} "
            f"— {_e(v['normal'])} − {_e(v['majoration'])} = {_e(v['resultat'])} ; la majoration n'est jamais remboursée par "
            "un contrat responsable")


PHRASES = {
    # payers
    "securite_sociale": lambda v: "Sécurité sociale",
    "forfait_apres_cancer": lambda v: "Forfait après cancer (ARS)",
    "contrat": lambda v: "Contrat",
    "couche": lambda v: (f"{v['libelle_niveau']} ({v['libelle_colonne']})" if v["libelle_niveau"] != v["libelle_colonne"]
                         else v["libelle_niveau"]),
    # Sécurité sociale
    "ss.regle": lambda v: f"taux {_t(v['taux'])} % ({v['regime']})",
    "ss.regime_local": lambda v: (f"régime local d'Alsace-Moselle : {NATURES[v['nature']].libelle.lower()} pris en charge, "
                                  f"min(FR {_e(v['fr'])}, forfait réglementaire × {v['quantite']}) = {_e(v['base'])}"),
    "ss.acte_lourd": lambda v: (f"acte lourd : {_e(v['base'])} × {_t(v['taux'])} % − forfait actes lourds {_e(v['forfait'])} "
                                f"= {_e(v['resultat'])}"),
    "ss.taux": _ss_taux,
    "ss.non_rembourse": lambda v: "nature non remboursée par la Sécurité sociale : 0 €",
    "ss.taux_zero": lambda v: "taux 0 %",
    "ss.pf": lambda v: f"participation forfaitaire {_e(v['unite'])} × {v['quantite']} retenue : {_e(v['retenu'])}" + _deja(v),
    "ss.pf_mineur": lambda v: f"pas de participation forfaitaire avant {v['age']} ans",
    "ss.franchise_jour": lambda v: (f"plafond journalier des franchises ({v['genre']}) {_e(v['plafond'])}, déjà retenu ce jour "
                                    f"{_e(v['deja'])}"),
    "ss.franchise": lambda v: f"franchise médicale {_e(v['unite'])} × {v['quantite']} retenue : {_e(v['retenu'])}" + _deja(v),
    # the patient's situation (docs/situations.md)
    "ss.situation": lambda v: f"{_SITUATIONS[v['situation']]} : taux {_t(v['taux'])} % de la BR",
    "ss.forfait_exonere": lambda v: (f"{_SITUATIONS[v['situation']]} : {NATURES[v['nature']].libelle.lower()} pris en charge "
                                     "par la Sécurité sociale"),
    "ss.forfait": lambda v: f"min(FR {_e(v['fr'])}, forfait réglementaire × {v['quantite']}) = {_e(v['base'])}",
    "ss.acte_lourd_exonere": lambda v: f"{_SITUATIONS[v['situation']]} : pas de forfait actes lourds",
    "ss.pf_exoneree": lambda v: f"{_SITUATIONS[v['situation']]} : pas de participation forfaitaire",
    "ss.franchise_exoneree": lambda v: f"{_SITUATIONS[v['situation']]} : pas de franchise médicale",
    "ss.hors_parcours": _hors_parcours,
    "ss.hors_parcours_sans_effet": lambda v: ("hors parcours de soins : sans effet pour cette nature (la majoration ne vise "
                                              "que les actes et consultations des médecins, hors hôpital)"),
    "ss.hors_parcours_mineur": lambda v: f"hors parcours de soins : pas de majoration avant {v['age']} ans",
    # après cancer
    "apres_cancer.regle": lambda v: "parcours de soins global après cancer (article L1415-8 du code de la santé publique), "
                                    "financé par l'Assurance Maladie",
    "apres_cancer.avant_fin": lambda v: (f"soins du {v['date'].isoformat()} antérieurs à la fin du traitement "
                                         f"({v['fin'].isoformat()}) : le parcours suit le traitement, le forfait ne paie pas"),
    "apres_cancer.apres_delai": lambda v: (f"soins du {v['date'].isoformat()} au-delà des {v['delai']} mois qui suivent la fin "
                                           f"du traitement ({v['fin'].isoformat()}, limite {v['limite'].isoformat()}) : "
                                           "le forfait ne paie pas"),
    "apres_cancer.annee": _annee_ac,
    "apres_cancer.paye": lambda v: (f"{v['n']} consultation(s) sur {v['quantite']} dans le forfait × tarif {_e(v['tarif'])}, "
                                    f"limité aux frais réels {_e(v['fr'])} = {_e(v['paye'])}"),
    "apres_cancer.epuise": lambda v: ("forfait épuisé pour cette consultation (nombre de bilans ou de suivis, ou combinaison "
                                      f"1 + 6, 2 + 4, 3 + 2 dans les {_e(v['budget'])}) : le contrat prend le relais s'il a une "
                                      "ligne pour cette nature"),
    "apres_cancer.sans_depassement": lambda v: (f"pas de dépassement d'honoraires dans le forfait : au-delà du tarif "
                                                f"({_e(v['tarif'])}), les frais ne relèvent pas du forfait"),
    # contract and layers
    "contrat.sans_ligne": lambda v: f"le contrat {v['contrat']} n'a pas de ligne pour la nature {v['nature']}",
    "contrat.aucune_couche": lambda v: "aucune couche complémentaire ne paie",
    "couche.regle": _regle_couche,
    "couche.sans_ligne": lambda v: "aucune ligne",
    "couche.rien": lambda v: "rien au-delà de la Sécurité sociale",
    "couche.vide": lambda v: "cette colonne ne prévoit rien pour cette ligne",
    "couche.convention": _convention,
    "couche.inclusif": _inclusif,
    "renouvellement.refus": _renouvellement,
    "renouvellement.trop": _trop,
    "stage.exclu": lambda v: (f"{v['libelle']} : non pris en charge pendant les "
                              + (f"{v['jours']} premiers jours" if v.get("jours") else f"{v['duree']} premiers mois")),
    "stage.formule": lambda v: (f"{v['libelle']} en cours jusqu'au {v['fin'].isoformat()} inclus : remboursement limité à la "
                                f"formule {v['formule']}"),
    "stage.sans_adhesion": lambda v: (f"{v['libelle']} non appliqué : date d'adhésion non fournie (--date-adhesion, colonne date_adhesion) ; le calcul "
                                      f"suppose une adhésion de plus de {v['duree']} mois"),
    "stage.leve": lambda v: f"{v['libelle']} levé : certificat de radiation fourni",
    "stage.termine": lambda v: f"{v['libelle']} terminé le {v['fin'].isoformat()} (adhésion le {v['adhesion'].isoformat()})",
    "stage.en_cours": lambda v: (f"{v['libelle']} en cours jusqu'au {v['fin'].isoformat()} inclus (adhésion le "
                                 f"{v['adhesion'].isoformat()}, sans certificat de radiation)"),
    # terms of a guarantee
    "terme.taux_br": lambda v: f"{_t(v['taux'])} % × BR {_e(v['br'])} = {_e(v['valeur'])}",
    "terme.securite_sociale": lambda v: f"Sécurité sociale (brute) = {_e(v['valeur'])}",
    "terme.frais_reels": lambda v: f"{_t(v['taux'])} % des frais réels = {_e(v['valeur'])}",
    "terme.fixe": lambda v: f"forfait {_e(v['valeur'])}",
    "terme.par_unite": lambda v: f"{_e(v['montant'])} / {v['unite']} × {v['n']} = {_e(v['valeur'])}",
    "terme.par_jour": lambda v: f"{_e(v['montant'])} / jour × {v['jours']} jours = {_e(v['valeur'])}",
    "terme.paliers_jours": _paliers,
    "terme.par_acte": lambda v: (f"{v['pris']} acte(s) déjà pris "
                                 + (f"ces {v['annees']} années" if v.get("annees", 1) > 1 else "cette année")
                                 + f" sur {v['par_an']} : {v['n']} × {_e(v['montant'])} = {_e(v['valeur'])}"),
    "terme.jours_sejour": lambda v: (f"séjour de {v['jours']} jour(s)"
                                     + (f", les {v['carence']} premiers non pris en charge" if v["carence"] else "")
                                     + (f", au plus {v['par_sejour']} jours par séjour" if v["par_sejour"] is not None else "")
                                     + f" : {v['retenus']} jour(s) retenus"),
    "terme.enveloppe_par_acte": lambda v: (f"au plus {_e(v['par_acte'])} par séance ou acte × {v['quantite']} = "
                                           f"{_e(v['valeur'])}"),
    "terme.enveloppe_nombre": lambda v: f"{v['pris']} acte(s) déjà payés sur {v['nombre']} : enveloppe fermée pour cet acte",
    "terme.ticket_moderateur": lambda v: (f"Sécurité sociale {_e(v['ss'])} + {_t(v['taux'])} % du ticket modérateur "
                                          f"{_e(v['ticket_moderateur'])} = {_e(v['valeur'])}"),
    "terme.anciennete": lambda v: (f"« {v['texte']} » : à partir de {v['requis']} an(s) d'adhésion ; "
                                   + ("ancienneté inconnue (date d'adhésion non fournie, --date-adhesion, ou postérieure aux "
                                      "soins) : non compté"
                                      if v["anciennete"] is None else
                                      f"ancienneté {v['anciennete']} an(s) : "
                                      + ("compté" if v["anciennete"] >= v["requis"] else "pas encore"))),
    "terme.annee_civile_faute_d_adhesion": lambda v: (f"« {v['texte']} » se compte par année d'adhésion ; date d'adhésion "
                                                      "non fournie (--date-adhesion) ou postérieure aux soins : compté par "
                                                      "année civile"),
    "couche.minimum": lambda v: f"minimum « {v['texte']} » : {_e(v['valeur'])}",
    "couche.non_responsable": lambda v: ("niveau non responsable (surcomplémentaire) : les plafonds du contrat responsable "
                                         "ne le bornent pas"),
    "terme.part_pmss": lambda v: (f"{v['texte']} : PMSS {v['annee']} {_e(v['pmss'])} × {_t(v['fraction'])} = "
                                  f"{_e(v['valeur'])}"),
    "terme.enveloppe_pmss": lambda v: (f"enveloppe annuelle {v['texte']} : PMSS {v['annee']} {_e(v['pmss'])} × "
                                       f"{_t(v['fraction'])} = {_e(v['valeur'])}"),
    "terme.limite_forfait": lambda v: (f"frais réels {_e(v['fr'])} limités au forfait réglementaire {_e(v['forfait'])} × "
                                       f"{v['quantite']} = {_e(v['valeur'])}"),
    "terme.cent_pour_cent_sante": lambda v: (f"100 % Santé : min(FR {_e(v['fr'])}, {v['nom']} {_e(v['limite'])}) = "
                                             f"{_e(v['valeur'])}"),
    "terme.forfait_optique": _forfait_optique,
    "compose.element": _element,
    "compose.monture_plafond": lambda v: f"monture : plafond responsable {_e(v['plafond'])} (SS incluse)",
    "compose.monture_retenue": lambda v: f"monture retenue : {_e(v['valeur'])} (prix de la monture {_e(v['monture'])})",
    "compose.verres_retenus": lambda v: f"verres retenus : {_e(v['valeur'])} (prix des deux verres, FR − monture)",
    "compose.monture_reste": _monture_reste,
    "compose.verres_reste": lambda v: (f"verres retenus : {_e(v['valeur'])} (reste sur les verres : prix {_e(v['prix'])} "
                                       f"− SS {_e(v['ss'])} − niveaux précédents {_e(v['avant'])})"),
    "compose.total": lambda v: f"équipement : monture {_e(v['monture'])} + verres {_e(v['verres'])} = {_e(v['valeur'])}",
    "enveloppe.utilisee": lambda v: f"enveloppe « {v['texte']} » : disponible {_e(v['reste'])} → utilisé {_e(v['pris'])}",
    "plafond_annuel.reste": _plafond_annuel,
    # caps
    "borne.frais_reels": lambda v: "frais réels restant à charge",
    "borne.hors_parcours": lambda v: (f"hors parcours, contrat responsable : ticket modérateur du parcours seulement (calcul "
                                      f"sur la Sécurité sociale du parcours, {_e(v['normal'])}) ; la majoration de "
                                      f"{_e(v['majoration'])} et les dépassements ne sont pas pris en charge"),
    "borne.ligne": lambda v: "plafond de la ligne",
    "borne.limite": lambda v: f"{v['nom']} {_e(v['limite'])} (SS et toutes les couches incluses)",
    "borne.responsable_equipement": lambda v: f"plafond responsable équipement {v['verres']} {_e(v['plafond'])} (SS incluse)",
    "borne.responsable_monture": lambda v: f"plafond responsable monture {_e(v['plafond'])} (SS incluse)",
    "borne.responsable_aide_auditive": lambda v: (f"plafond responsable aide auditive {_e(v['plafond'])} par oreille "
                                                  "(SS incluse)"),
    "borne.responsable_non_dptm": lambda v: f"plafond responsable médecin non DPTM : BR + {_t(v['taux'])} % BR (SS incluse)",
    "borne.stage_ticket_moderateur": lambda v: f"{v['libelle']} : ticket modérateur seulement",
    "borne.stage": lambda v: "délai de stage",
    "borne.renouvellement": lambda v: "renouvellement",
    "borne.enveloppe": lambda v: f"enveloppe « {v['texte']} »",
    "borne.plafond_annuel": lambda v: (f"{v['libelle']} ({_e(v['montant'])} par année "
                                       + ("d'adhésion)" if v.get("adhesion") else "civile)")),
    "borne.expression": lambda v: f"limite « {v['texte']} »",
    "borne.apres_cancer_avant": lambda v: "parcours après la fin du traitement",
    "borne.apres_cancer_delai": lambda v: f"délai de {v['delai']} mois après la fin du traitement",
    "borne.apres_cancer_epuise": lambda v: "forfait après cancer épuisé",
}


def phrase(calcul) -> str:
    """The French sentence of one explanation value (an unknown key is shown as is, never lost)."""
    if calcul is None:
        return ""
    f = PHRASES.get(calcul.cle)
    if f is None:
        return calcul.cle + " " + ", ".join(f"{k}={v}" for k, v in calcul.valeurs.items())
    return f(calcul.valeurs)


_TAUX = frozenset({"taux", "fraction"})


def _json(v, cle=""):
    if isinstance(v, Decimal):
        return texte_taux(v) if cle in _TAUX or v != v.quantize(Decimal("0.01")) else texte_json(v)
    if hasattr(v, "isoformat"):
        return v.isoformat()
    if isinstance(v, (tuple, list)):
        return [_json(x) for x in v]
    return v


def valeurs_json(calcul) -> dict | None:
    """A Calcul as JSON: {"cle": …, values (Decimal as strings, dates ISO)}."""
    if calcul is None:
        return None
    return {"cle": calcul.cle, **{k: _json(v, k) for k, v in calcul.valeurs.items()}}


def explication_dict(r) -> list:
    """`--explique --format json`: per payer, the words and the values (`details`)."""
    return [{"payeur": phrase(e.payeur), "montant": texte_json(e.montant), "regle": phrase(e.regle),
             "calcul": [phrase(c) for c in e.calcul],
             "parametres": [{"nom": p.nom, "valeur": texte_taux(p.valeur), "depuis": p.depuis.isoformat(),
                             "reference": p.reference, "source": p.source} for p in e.parametres],
             "borne": phrase(e.borne),
             "details": {"payeur": valeurs_json(e.payeur), "regle": valeurs_json(e.regle),
                         "calcul": [valeurs_json(c) for c in e.calcul], "borne": valeurs_json(e.borne)}}
            for e in r.explication]


class _Parametre:
    """A dated parameter's line of the tree: its name, then `reste` (« = valeur (depuis …) »), dim. A name
    wider than the line is broken after a dot or an underscore (never inside a word: it stays findable in
    the parameter files); the rest wraps between words as any text."""

    def __init__(self, nom: str, reste: str):
        self.nom, self.reste = nom, reste

    def __rich_console__(self, console, options):
        import re
        from rich.text import Text
        lignes, courante = [], ""
        for morceau in re.findall(r"[^._]+[._]?|[._]", self.nom):
            if courante and len(courante) + len(morceau) > options.max_width:
                lignes.append(courante)
                courante = morceau
            else:
                courante += morceau
        yield Text("\n".join(lignes + [courante]) + self.reste, style="dim")


def arbre(r):
    """The Rich tree of `--explique`: per payer, the rule, the steps, the cap, the dated parameters."""
    from rich.markup import escape
    from rich.tree import Tree
    racine = Tree(f"[bold]Explication[/] — {escape(r.nature)} du {r.date.isoformat()}, frais réels {_e(r.frais_reels)}, "
                  f"BR {_e(r.base_remboursement)}")
    for e in r.explication:
        n = racine.add(f"[bold]{escape(phrase(e.payeur))}[/] : {_e(e.montant)}")
        if e.regle is not None:
            n.add(f"règle : {escape(phrase(e.regle))}")
        for c in e.calcul:
            n.add(escape(phrase(c)))
        if e.borne is not None:
            n.add(f"[yellow]limité par : {escape(phrase(e.borne))}[/]")
        for p in e.parametres:
            n.add(_Parametre(p.nom, f" = {texte_taux(p.valeur)} (depuis le {p.depuis.isoformat()} ; {p.reference})"))
    racine.add(f"[bold]Reste à charge[/] = {_e(r.frais_reels)} − {_e(r.total_rembourse)} = {_e(r.reste_a_charge)}")
    return racine
