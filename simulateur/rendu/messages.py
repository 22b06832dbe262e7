"""French wording of the errors the library raises as values (`ActeInvalide`, `FormuleInconnue`).

The same error reads differently where it happened: on the command line it names the option
(`--monture`), in a batch the column (« la colonne monture »), in Python the keyword (`monture=`).
`message(erreur, contexte)` with contexte `cli`, `lot` or `api`.
"""
from __future__ import annotations

from ..domaine.champs import PAR_NOM
from .texte import date as _date
from .texte import euros

CONTEXTES = ("cli", "lot", "api")


def surface(champ: str | None, contexte: str) -> str:
    """How the user gives this field here: `--dptm ou --non-dptm`, « la colonne dptm », `dptm=`."""
    if not champ:
        return ""
    c = PAR_NOM.get(champ)
    if contexte == "lot":
        return f"la colonne {champ}"
    if contexte == "api":
        return f"{champ}="
    if c is None:
        return "--" + champ.replace("_", "-")
    return f"{c.option} ou {c.negatif}" if c.negatif else c.option


def _donnez(champ: str, contexte: str) -> str:
    return ("renseignez " if contexte == "lot" else "donnez ") + surface(champ, contexte)


def _libelle(champ: str | None) -> str:
    c = PAR_NOM.get(champ or "")
    return c.libelle if c is not None else (champ or "")


def _indice(champ: str) -> str:
    c = PAR_NOM.get(champ)
    return f" ({c.indice})" if c is not None and c.indice else ""


def _ou(valeurs) -> str:
    v = list(valeurs)
    return v[0] if len(v) == 1 else ", ".join(v[:-1]) + " ou " + v[-1]


def _proches(p) -> str:
    return (" ; vouliez-vous dire " + " ou ".join(f"« {x} »" for x in p) + " ?") if p else ""


def _requis(e, ctx):
    if e.champ == "age" and e.details.get("plage"):
        bas, haut = e.details["plage"]
        return (f"âge absent : le code {e.details.get('code_acte', '')} vaut pour les {bas} à {haut} ans et le résultat dépend "
                f"de l'âge : {_donnez('age', ctx)}")
    if e.champ == "br" and e.details.get("nature"):
        return (f"base de remboursement absente : la nature {e.details['nature']} est remboursée par la Sécurité sociale, "
                f"{_donnez('br', ctx)}")
    c = PAR_NOM.get(e.champ or "")
    absent = c.absent if c is not None else "absent"
    return f"{_libelle(e.champ)} {absent} : {_donnez(e.champ, ctx)}{_indice(e.champ)}"


_MONTANTS = {
    "booleen": "{v} est un booléen, pas un montant ; écrivez le montant en texte (ex. \"31.50\")",
    "flottant": "un nombre à virgule flottante n'est pas accepté, écrivez-le en texte (ex. \"31.50\")",
    "illisible": "« {v} » n'est pas un montant (exemples valides : 31.50, 31,50, 31,50 €, 1 234,56)",
    "infini": "« {v} » n'est pas un montant fini",
    "negatif": "{v} est négatif ; un montant est toujours positif ou nul",
    "decimales": "« {v} » a plus de deux décimales ; les montants sont au centime",
    "trop-grand": "« {v} » est trop grand (100 000 000 € au plus)",
}


_POURCENTS = {
    "flottant": "un nombre à virgule flottante n'est pas accepté, écrivez-le en texte (ex. \"70\")",
    "illisible": "« {v} » n'est pas un pourcentage (exemples valides : 70, 60 %, 30,5, 12.5 %)",
    "infini": "« {v} » n'est pas un pourcentage fini (entre 0 et 100)",
}


def texte_pourcentage(raison: str, valeur) -> str:
    """Why a text is not a percentage (a rate field: `taux`), with the value echoed safely."""
    from ..domaine.champs import apercu
    return _POURCENTS.get(raison, "« {v} » n'est pas un pourcentage (entre 0 et 100)").format(v=apercu(valeur))


def _pourcentage(raison):
    return lambda e, ctx: f"{_libelle(e.champ)} : {texte_pourcentage(raison, e.valeur)}"


def texte_montant(raison: str, valeur) -> str:
    """Why a text is not an amount (the money parser's `raison`), with the value echoed safely."""
    from ..domaine.champs import apercu
    return _MONTANTS.get(raison, "« {v} » n'est pas un montant").format(v=apercu(valeur))


def _montant(raison):
    return lambda e, ctx: f"{_libelle(e.champ)} : {texte_montant(raison, e.valeur)}"


def _condition(e, ctx):
    d = e.details
    return (f"la garantie « {d.get('ligne', '')} » du contrat {d.get('contrat', '')} dépend de « {d.get('cle', e.champ)} », "
            f"que l'acte ne précise pas : {_donnez(e.champ, ctx)}{_indice(e.champ)}")


def _limite(e, ctx):
    d = e.details
    quoi = d.get("quoi", "HLF ou PLV")
    garantie = f" ({d['garantie']})" if d.get("garantie") else ""
    return (f"la garantie « {d.get('ligne', '')} »{garantie} est limitée aux {quoi} : "
            f"{_donnez('limite', ctx)} (le {quoi} de l'acte)")


def _optique(e, ctx):
    quoi = "donnez la part de la monture dans les frais réels" if e.champ == "monture" else \
        "donnez les classes des deux verres (ex. simple+complexe)"
    return f"« {e.details.get('ligne', '')} » : l'équipement est remboursé monture + verres ; {quoi} avec {surface(e.champ, ctx)}"


def _responsable(e, ctx):
    quoi = "la part de la monture" if e.champ == "monture" else "les classes des verres (ex. simple+simple)"
    return f"contrat responsable, équipement de classe B : donnez {quoi} avec {surface(e.champ, ctx)}"


def _acte_inconnu(e, ctx):
    return (f"code d'acte inconnu : « {e.valeur} »{_proches(e.details.get('proches'))} ; la liste : simulateur actes "
            f"(ou donnez la nature et la base de remboursement sans {surface('acte', ctx)})")


def _sans_tarif(e, ctx):
    periodes = " ; ".join(f"du {_date(d)} au {_date(f)}" if f else f"depuis le {_date(d)}" for d, f in e.details["periodes"])
    return (f"le code {e.valeur} n'a pas de base de remboursement au {_date(e.details['date'])} (connue {periodes}) ; "
            f"vérifiez la date des soins, ou {_donnez('br', ctx)}")


def _dent_hors_acte(e, ctx):
    d = e.details
    autre = f" ; pour une dent « {d['position']} » : {d['autre']}" if d.get("autre") else ""
    return (f"dent {e.valeur} ({d['position']}) : le code {d['code_acte']} ne s'applique pas à cette dent ({d['libelle']}){autre}")


def _hors_horizon(e, ctx):
    d = e.details
    return (f"date des soins {e.valeur} trop lointaine : les paramètres réglementaires sont publiés jusqu'au "
            f"{_date(d['connus'])} et ne sont reconduits que jusqu'au {_date(d['horizon'])} (taux, tarifs et plafonds "
            "changent sur une telle durée) ; vérifiez l'année")


MESSAGES = {
    "requis": _requis,
    "montant-booleen": _montant("booleen"),
    "montant-flottant": _montant("flottant"), "montant-illisible": _montant("illisible"), "montant-infini": _montant("infini"),
    "montant-negatif": _montant("negatif"), "montant-decimales": _montant("decimales"),
    "montant-trop-grand": _montant("trop-grand"),
    "taux-flottant": _pourcentage("flottant"), "taux-illisible": _pourcentage("illisible"),
    "taux-infini": _pourcentage("infini"),
    "taux-hors-bornes": lambda e, ctx: f"taux « {e.valeur} » invalide : un pourcentage entre 0 et 100",
    "date-illisible": lambda e, ctx: (f"{_libelle(e.champ)} « {e.valeur} » illisible ; écrivez AAAA-MM-JJ (ex. 2025-06-01) "
                                      "ou JJ/MM/AAAA"),
    "date-impossible": lambda e, ctx: f"{_libelle(e.champ)} « {e.valeur} » impossible (ce jour n'existe pas) ; format AAAA-MM-JJ",
    "date-hors-bornes": lambda e, ctx: (f"{_libelle(e.champ)} {e.valeur} hors des dates possibles "
                                       f"({_date(e.details['min'])} à {_date(e.details['max'])})"),
    "entier-illisible": lambda e, ctx: f"{_libelle(e.champ)} « {e.valeur} » : écrivez un nombre entier",
    "entier-hors-bornes": lambda e, ctx: (f"{_libelle(e.champ)} {e.valeur} invalide : entre {e.details['min']} "
                                          f"et {e.details['max']}"),
    "booleen-illisible": lambda e, ctx: f"{_libelle(e.champ)} « {e.valeur} » : écrivez oui ou non",
    "choix-inconnu": lambda e, ctx: f"{_libelle(e.champ)} « {e.valeur} » inconnu : {_ou(e.details['valeurs'])}",
    "verres-illisible": lambda e, ctx: (f"verres « {e.valeur} » : donnez les classes des deux verres, ex. simple+complexe "
                                        "(classes : simple, complexe, tres-complexe)"),
    "dent-invalide": lambda e, ctx: (f"dent « {e.valeur} » : un numéro FDI à deux chiffres (11 à 18, 21 à 28, 31 à 38, "
                                     "41 à 48 ; dents de lait 51 à 55 … 81 à 85)"),
    "nature-inconnue": lambda e, ctx: (f"nature inconnue : « {e.valeur} »{_proches(e.details.get('proches'))} "
                                       "(la liste : simulateur natures)"),
    "nature-ambigue": lambda e, ctx: (f"nature « {e.valeur} » ambiguë : {_ou(e.details.get('candidats', ()))} ? "
                                      f"Donnez le code (simulateur natures {e.valeur} les montre)"),
    "monture-superieure": lambda e, ctx: (f"monture {euros(e.details['monture'])} supérieure aux frais réels "
                                          f"{euros(e.details['frais_reels'])} : {surface('monture', ctx)} est la part de "
                                          "la monture dans les frais réels"),
    "condition-manquante": _condition,
    "limite-requise": _limite,
    "requis-optique": _optique,
    "requis-responsable": _responsable,
    "requis-apres-cancer": lambda e, ctx: (f"parcours de soins global après cancer : {_donnez('fin_traitement', ctx)} "
                                           "(AAAA-MM-JJ) ; le forfait n'est dû que dans les 12 mois qui suivent la fin "
                                           "du traitement"),
    "forfait-absent": lambda e, ctx: (f"« {e.details.get('garantie', '')} » : la nature {e.details.get('nature', '')} "
                                      "n'a pas de forfait réglementaire"),
    "soins-avant-adhesion": lambda e, ctx: (f"soins du {_date(e.details['date'])} antérieurs à la date d'adhésion "
                                            f"{_date(e.details['adhesion'])} : le contrat {e.details['contrat']} ne les couvre pas "
                                            f"(aucun contrat ne couvre des soins d'avant l'adhésion) ; vérifiez la date des "
                                            f"soins et {surface('date_adhesion', ctx)}"),
    "quantite-invalide": lambda e, ctx: f"quantité {e.valeur} invalide : au moins 1 (jours, séances, boîtes)",
    "acte-illisible": lambda e, ctx: (f"code d'acte « {e.valeur} » illisible : 1 à 40 caractères, ex. G, CS+MPC+MCS, HBJD001, "
                                      "AMS 8,4 (liste : simulateur actes)"),
    "acte-inconnu": _acte_inconnu,
    "acte-sans-tarif": _sans_tarif,
    "dent-hors-acte": _dent_hors_acte,
    "age-hors-acte": lambda e, ctx: (f"âge {e.valeur} : le code {e.details['code_acte']} vaut pour un âge {e.details['condition']} ; "
                                     "vérifiez l'âge ou le code"),
    "requis-dent": lambda e, ctx: (f"le code {e.details['code_acte']} dépend de la dent (incisive, canine, prémolaire, molaire) et le "
                                   f"résultat aussi : {_donnez('dent', ctx)} (numéro FDI, ex. 36)"),
    "date-hors-horizon": _hors_horizon,
}


_CATALOGUES = {"actes": "aucun code d'acte", "natures": "aucune nature"}


def recherche_sans_mot(commande: str, texte: str) -> str:
    """`simulateur actes '['` / `natures '.*'`: a search text with no word to look for (exit 2)."""
    from ..domaine.champs import apercu
    return (f"« {apercu(texte)} » : aucun mot à chercher (lettres ou chiffres ; les caractères spéciaux ne sont "
            f"pas des motifs) ; sans texte, la commande montre tout le catalogue : simulateur {commande}")


def recherche_vide(commande: str, texte: str) -> str:
    """`simulateur actes zzzz` / `natures zzzz`: nothing matches (exit 1)."""
    from ..domaine.champs import apercu
    return (f"{_CATALOGUES.get(commande, 'rien')} ne correspond à « {apercu(texte)} » ; "
            f"la liste complète : simulateur {commande}")


def parametre_indisponible(e) -> str:
    """A regulatory parameter with no value at the date of the care (`parametres.ParametreIndisponible`
    with its `periodes`): named by its description, the key in parentheses; before the first value,
    the first date it is known and that earlier care cannot be simulated; in a gap or after a bounded
    value, the periods known."""
    from ..domaine.erreurs import apercu
    quoi = f"« {apercu(e.description, 200)} » ({e.nom})" if e.description else f"« {e.nom} »"
    debut = e.periodes[0][0]
    if e.date < debut:
        return (f"date des soins {_date(e.date)} trop ancienne : le paramètre réglementaire {quoi} n'est connu qu'à "
                f"partir du {_date(debut)} ; des soins antérieurs ne peuvent pas être simulés ; donnez une date des "
                f"soins à partir du {_date(debut)}")
    connues = " ; ".join(f"du {_date(d)} au {_date(f)}" if f else f"depuis le {_date(d)}" for d, f in e.periodes)
    return (f"le paramètre réglementaire {quoi} n'a pas de valeur au {_date(e.date)} (valeurs connues : "
            f"{connues}) ; vérifiez la date des soins")


def montant_invalide(e, quoi: str) -> str:
    """A MontantInvalide (money parser) worded for the value `quoi` (« cotisation mensuelle de base »)."""
    return f"{quoi} : {texte_montant(e.raison, e.texte)}"


class _Apercu:
    """The error seen by the wording functions: its echoed value made safe to print (no control
    character, no line break, at most 60 characters: `domaine.champs.apercu`)."""
    __slots__ = ("code", "champ", "valeur", "details")

    def __init__(self, e):
        from ..domaine.champs import apercu
        self.code, self.champ, self.details = e.code, e.champ, e.details
        self.valeur = apercu(e.valeur) if e.valeur is not None else None


def message(erreur, contexte: str = "api") -> str:
    """The French message of an error value, for `contexte` (cli, lot, api). Whatever its origin (a
    cell, an option, a contract file), the text is safe to print: no control character, each line
    at most `domaine.erreurs.APERCU_LIGNE_MAX` characters."""
    from ..domaine.erreurs import nettoyer
    return nettoyer(_message(erreur, contexte))


def _message(erreur, contexte: str) -> str:
    from ..domaine.champs import apercu
    from ..domaine.erreurs import ErreurDansFormule, FormuleInconnue
    if isinstance(erreur, FormuleInconnue):
        from ..domaine.natures import proches
        return (f"formule inconnue « {apercu(erreur.formule)} » pour le contrat {erreur.contrat}"
                f"{_proches(proches(erreur.formule, erreur.formules))} (formules : {', '.join(erreur.formules)})")
    if isinstance(erreur, ErreurDansFormule):
        return f"formule {apercu(erreur.cle)} : {_message(erreur.cause, contexte)}"
    if getattr(erreur, "periodes", None) and getattr(erreur, "date", None) is not None:
        return parametre_indisponible(erreur)
    if not isinstance(getattr(erreur, "details", None), dict):
        return str(erreur)           # an error of another kind (ParametreIndisponible…): its own words
    f = MESSAGES.get(getattr(erreur, "code", ""))
    if f is None:
        return f"{_libelle(getattr(erreur, 'champ', None))} : {getattr(erreur, 'code', erreur)}"
    return f(_Apercu(erreur), contexte)


def texte_retouches(retouches, nom: str) -> list[str]:
    """The cells of a workbook changed to fit a sheet (`lot.tableur.Retouches`), in French: one line per
    kind of change (none when nothing changed), with the first cell (sheet row, column)."""
    from ..domaine.erreurs import apercu

    def ou(premiere) -> str:
        rangee, lettre, colonne = premiere
        return f"rangée {rangee} (l'en-tête est la rangée 1), colonne {lettre}" + (f" ({apercu(colonne, 40)})" if colonne else "")

    lignes = []
    if retouches.illegaux:
        lignes.append(f"{apercu(nom, 200)} : {retouches.illegaux} cellule(s) avec un caractère de contrôle qu'un classeur "
                      f"ne peut pas contenir : chacun remplacé par « \ufffd » (première : {ou(retouches.premier_illegal)}) ; le CSV "
                      "ou le JSON garde la valeur exacte")
    if retouches.longues:
        lignes.append(f"{apercu(nom, 200)} : {retouches.longues} cellule(s) de plus de 32 767 caractères (la limite d'Excel) "
                      f"coupée(s) à 32 767 (première : {ou(retouches.premiere_longue)}) ; le CSV ou le JSON garde la "
                      "valeur entière")
    return lignes
