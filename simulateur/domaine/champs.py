"""The fields of an act, declared once.

Every input of an act — what the patient paid, the base de remboursement, the doctor's DPTM
status, the basket… — is one `Champ` of the table `CHAMPS`. From this table come:

- the `Acte` class and `creer_acte` (the Python keyword arguments, their defaults, their checks);
- the options of `simulateur simuler` and `simulateur comparer` (`--frais-reels`, `--dptm/--non-dptm`,
  their help, their metavar, their allowed values);
- the columns of every batch file (`lot`, `comparer --actes`): the column is the field's name;
- the `acte` echo of the JSON output, and the condition keys a contract line may use in `si:`;
- the reference table of docs/interface.md (`python -m simulateur.domaine.champs` prints it).

Adding a field is one entry here, plus its use in the engine. A field's parser turns a text (a CLI
argument, a CSV cell, a Python value) into the act's value, or raises `ActeInvalide` naming the
field: the same parser, hence the same answer, whatever the front end.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import field
from decimal import Decimal

from .enregistrement import enregistrement
from .erreurs import ActeInvalide, apercu  # noqa: F401  (apercu: re-exported)
from .montant import CENT, MontantInvalide, lire_decimal, lire_montant, texte_json, texte_taux

DATE_MIN = dt.date(1900, 1, 1)
DATE_MAX = dt.date(2100, 12, 31)
CLASSES_VERRES = ("simple", "complexe", "tres-complexe")
VRAI = frozenset({"oui", "o", "true", "vrai", "1", "yes", "y", "x"})
FAUX = frozenset({"non", "n", "false", "faux", "0", "no"})


def cle_texte(texte: str) -> str:
    """Lower case, no accents, only letters and digits: `100 % Santé` → `100sante`, `Maîtrisé` →
    `maitrise`. Used to match spellings of a value (documents write `100 % Santé`, `100% santé`)."""
    t = unicodedata.normalize("NFKD", str(texte)).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]", "", t)


@enregistrement(frozen=True)
class Champ:
    """One input of an act.

    nom: Python keyword, CSV column and JSON key (`frais_reels`); type: montant | taux | date |
    entier | booleen | choix | verres | nature; aide: the help line; libelle: how messages name the
    value (« frais réels »); defaut: the value when not given; requis: no default at all.
    valeurs: allowed values (choix), synonymes: other spellings → value (matched by `cle_texte`).
    condition: a contract line may select on it (`si: {panier: 100-sante}`).
    colonne: a batch file must have this column (`lot`, `comparer --actes`).
    negatif: the CLI's negative flag of a yes/no field with no default (`--non-dptm`).
    """
    nom: str
    type: str
    aide: str
    libelle: str
    defaut: object = None
    requis: bool = False
    court: str = ""
    negatif: str = ""
    valeurs: tuple = ()
    synonymes: dict = field(default_factory=dict)
    condition: bool = False
    colonne: bool = False
    bornes: tuple = ()
    indice: str = ""            # what to give, when the field is missing (« ce que le patient a payé »)
    absent: str = "absent"      # the word agreed with `libelle` (« frais réels absents », « nature absente »)
    exemple: str = ""           # a value for the help and the docs

    @property
    def option(self) -> str:
        """The command-line flag: `frais_reels` → `--frais-reels`."""
        return "--" + self.nom.replace("_", "-")

    @property
    def metavar(self) -> str:
        if self.valeurs:
            return "|".join(self.valeurs)
        return {"montant": "MONTANT", "taux": "POURCENT", "date": "AAAA-MM-JJ", "entier": "N", "booleen": "oui|non", "dent": "NN",
                "verres": "CLASSE+CLASSE", "nature": "NATURE", "acte": "CODE"}.get(self.type, "TEXTE")

    def lire(self, texte):
        """The act's value for `texte` (str, or already a Python value), or ActeInvalide naming the field."""
        if type(texte) is int and self.type not in ("montant", "taux", "entier") and not -10 ** 18 < texte < 10 ** 18:
            texte = "(nombre de plus de 18 chiffres)"      # a huge Python int (cannot even be written as text)
        return _LECTEURS[self.type](self, texte)

    def machine(self, valeur):
        """The value in the JSON echo of an act (`lire(machine(v)) == v`): amounts and rates as text with a
        point, dates ISO, lens pairs `simple+complexe`, yes/no as true/false, None as null."""
        if valeur is None or isinstance(valeur, (bool, int, str)):
            return valeur
        if self.type == "montant":
            return texte_json(valeur)
        if self.type == "taux":
            return texte_taux(valeur)
        if self.type == "date":
            return valeur.isoformat()
        if self.type == "verres":
            return "+".join(valeur)
        return str(valeur)


# ------------------------------------------------------------------ parsers, one per type

def _montant(c: Champ, texte):
    try:
        return lire_montant(texte)
    except MontantInvalide as e:
        raise ActeInvalide("montant-" + e.raison, c.nom, apercu(texte)) from None


def _taux(c: Champ, texte):
    t = texte if isinstance(texte, (int, Decimal)) and not isinstance(texte, bool) else str(texte).replace("%", "")
    try:
        v = lire_decimal(t)
    except MontantInvalide as e:           # a percentage, not an amount: its own codes and wording
        raise ActeInvalide("taux-" + e.raison, c.nom, apercu(texte)) from None
    if not 0 <= v <= CENT:
        raise ActeInvalide("taux-hors-bornes", c.nom, apercu(texte))
    return v + 0 if v else Decimal(0)


def lire_date(texte, champ: str = "date") -> dt.date:
    """`2025-06-01` or `01/06/2025` (a `datetime.date` passes through), between DATE_MIN and DATE_MAX."""
    if isinstance(texte, dt.datetime):
        texte = texte.date()
    if isinstance(texte, dt.date):
        d = texte
    else:
        d = _date_de_texte(str(texte).strip(), champ, texte)
    if not DATE_MIN <= d <= DATE_MAX:
        raise ActeInvalide("date-hors-bornes", champ, d.isoformat(), min=DATE_MIN, max=DATE_MAX)
    return d


def _date_de_texte(t: str, champ: str, brut) -> dt.date:
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", t) or re.fullmatch(r"(\d{2})/(\d{2})/(\d{4})", t)
    if m is None or not t.isascii():
        raise ActeInvalide("date-illisible", champ, apercu(brut))
    a, mo, j = (m[1], m[2], m[3]) if "-" in t else (m[3], m[2], m[1])
    try:
        return dt.date(int(a), int(mo), int(j))
    except ValueError:
        raise ActeInvalide("date-impossible", champ, apercu(brut)) from None


def _date(c: Champ, texte):
    return lire_date(texte, c.nom)


def _entier(c: Champ, texte):
    if isinstance(texte, bool):
        raise ActeInvalide("entier-illisible", c.nom, apercu(texte))
    if isinstance(texte, int):
        v, t = texte, (str(texte) if abs(texte) < 10 ** 18 else "(nombre de plus de 18 chiffres)")
    else:
        t = str(texte).strip()
        if not re.fullmatch(r"[+-]?[0-9]{1,9}", t):
            if c.bornes and re.fullmatch(r"[+-]?[0-9]+", t):       # an integer, far too large: say its bounds
                raise ActeInvalide("entier-hors-bornes", c.nom, apercu(t), min=c.bornes[0], max=c.bornes[1])
            raise ActeInvalide("entier-illisible", c.nom, apercu(texte))
        v = int(t)
    if c.bornes and not c.bornes[0] <= v <= c.bornes[1]:
        raise ActeInvalide("entier-hors-bornes", c.nom, apercu(t), min=c.bornes[0], max=c.bornes[1])
    return v


def lire_booleen(texte, champ: str):
    """oui/non, true/false, 1/0, x (a ticked cell); None and "" stay None (not given)."""
    if texte is None or isinstance(texte, bool):
        return texte
    t = str(texte).strip().lower()
    if t == "":
        return None
    if t in VRAI:
        return True
    if t in FAUX:
        return False
    raise ActeInvalide("booleen-illisible", champ, apercu(texte))


def _booleen(c: Champ, texte):
    return lire_booleen(texte, c.nom)


def _choix(c: Champ, texte):
    cle = cle_texte(texte)
    for v in c.valeurs:
        if cle == cle_texte(v):
            return v
    for autre, v in c.synonymes.items():
        if cle == cle_texte(autre):
            return v
    raise ActeInvalide("choix-inconnu", c.nom, apercu(texte), valeurs=c.valeurs)


def _rang(classe: str):
    """Canonical order of a lens pair, the order of the regulation's names (simple-complexe…)."""
    return (CLASSES_VERRES.index(classe) if classe in CLASSES_VERRES else 9, classe)


def lire_verres(texte, champ: str = "verres"):
    """`simple+complexe` (or a pair) → the sorted pair of lens classes; one class means both lenses."""
    if isinstance(texte, (tuple, list)):
        parts = [str(x) for x in texte]
    else:
        parts = str(texte).replace(",", "+").split("+")
    parts = tuple(sorted((_CLASSES.get(cle_texte(p), p.strip()) for p in parts), key=_rang))
    if len(parts) == 1:
        parts = parts * 2
    if len(parts) != 2 or any(p not in CLASSES_VERRES for p in parts):
        raise ActeInvalide("verres-illisible", champ, apercu(texte))
    return parts


_CLASSES = {cle_texte(c): c for c in CLASSES_VERRES}


def _verres(c: Champ, texte):
    return lire_verres(texte, c.nom)


POSITIONS_DENT = ("incisive", "canine", "premolaire-1", "premolaire-2", "molaire")


def position_dent(dent: int | None) -> str | None:
    """The position of an FDI tooth number: incisive (x1, x2), canine (x3), premolaire-1 (x4), premolaire-2
    (x5), molaire (x6–x8); temporary teeth (quadrants 5–8): incisive, canine, molaire (x4, x5)."""
    if dent is None:
        return None
    quadrant, rang = divmod(dent, 10)
    if quadrant >= 5:
        return ("incisive", "incisive", "canine", "molaire", "molaire")[rang - 1]
    return ("incisive", "incisive", "canine", "premolaire-1", "premolaire-2", "molaire", "molaire", "molaire")[rang - 1]


def _dent(c: Champ, texte):
    """An FDI tooth number: quadrant 1–4 (permanent, teeth 1–8) or 5–8 (temporary, teeth 1–5)."""
    t = str(texte).strip()
    if not (t.isascii() and t.isdigit() and len(t) == 2):
        raise ActeInvalide("dent-invalide", c.nom, apercu(texte))
    quadrant, rang = divmod(int(t), 10)
    if not ((1 <= quadrant <= 4 and 1 <= rang <= 8) or (5 <= quadrant <= 8 and 1 <= rang <= 5)):
        raise ActeInvalide("dent-invalide", c.nom, t)
    return int(t)


def _acte(c: Champ, texte):
    """An act code as written on an invoice (`G`, `CS+MPC+MCS`, `HBLD634`, `AMS 8,4`): upper case, spaces
    collapsed; 1 to 40 printable characters. Whether the catalogue knows it is the engine's check."""
    t = " ".join(str(texte).split()).upper()
    if not t or len(t) > 40 or not t.isprintable():
        raise ActeInvalide("acte-illisible", c.nom, apercu(texte))
    return t


def _nature(c: Champ, texte):
    from .natures import nature
    return nature(str(texte).strip()).code


_LECTEURS = {"montant": _montant, "taux": _taux, "date": _date, "entier": _entier, "booleen": _booleen,
             "choix": _choix, "verres": _verres, "nature": _nature, "dent": _dent, "acte": _acte}


# ------------------------------------------------------------------ the table

CHAMPS: tuple[Champ, ...] = (
    Champ("nature", "nature", "Nature de l'acte (liste : simulateur natures) ; donnée par le catalogue avec --acte.", "nature",
          absent="absente", colonne=True, court="-n", indice="liste : simulateur natures ; ou un code d'acte, liste : simulateur actes",
          exemple="consultation-specialiste"),
    Champ("date", "date", "Date des soins AAAA-MM-JJ ou JJ/MM/AAAA (défaut : aujourd'hui) ; choisit les paramètres en vigueur.",
          "date des soins", absent="absente", colonne=True, exemple="2025-06-01"),
    Champ("br", "montant", "Base de remboursement (31.50, 31,50 ou 31,50 €) ; 0 par défaut pour une nature non remboursée ; "
          "donnée par le catalogue avec --acte.",
          "base de remboursement", absent="absente", indice="la base de remboursement de la Sécurité sociale", exemple="31,50"),
    Champ("frais_reels", "montant", "Frais réels : ce que le patient a payé.", "frais réels", absent="absents", requis=True, colonne=True,
          indice="ce que le patient a payé", exemple="80"),
    Champ("quantite", "entier", "Jours, séances, boîtes, trajets (défaut 1).", "quantité", defaut=1, court="-q",
          bornes=(1, 10000), exemple="3"),
    Champ("dptm", "booleen", "Médecin adhérent à l'OPTAM / OPTAM-CO (DPTM ; CAS dans les documents anciens).", "statut DPTM",
          negatif="--non-dptm", condition=True, indice="le médecin adhère-t-il à l'OPTAM / OPTAM-CO (DPTM) ?", exemple="oui"),
    Champ("panier", "choix", "Panier : 100-sante, maitrise ou libre (optique classe A = 100-sante, classe B = libre ; "
          "audition classe I = 100-sante, classe II = libre).", "panier", valeurs=("100-sante", "maitrise", "libre"),
          synonymes={"100 % Santé": "100-sante", "RAC 0": "100-sante", "reste à charge zéro": "100-sante",
                     "classe A": "100-sante", "classe I": "100-sante", "tarifs maîtrisés": "maitrise", "modéré": "maitrise",
                     "tarifs libres": "libre", "classe B": "libre", "classe II": "libre"},
          condition=True, exemple="100-sante"),
    Champ("limite", "montant", "HLF ou PLV de l'acte (prothèse dentaire, équipement 100 % Santé, aide auditive classe I) ; "
          "par défaut celui du catalogue (--acte) ou des paramètres 100 % Santé (aide auditive classe I, monture classe A).",
          "limite (HLF ou PLV)", absent="absente", indice="le HLF ou le PLV de l'acte", exemple="500"),
    Champ("age", "entier", "Âge du bénéficiaire en années (participation forfaitaire avant 18 ans ; lignes par âge).", "âge",
          bornes=(0, 130), condition=True, indice="l'âge du bénéficiaire en années", exemple="40"),
    Champ("regime", "choix", "Régime : general (la MSA suit le régime général) ou alsace-moselle.", "régime",
          defaut="general", valeurs=("general", "alsace-moselle"),
          synonymes={"MSA": "general", "agricole": "general", "régime général": "general", "Alsace": "alsace-moselle",
                     "régime local": "alsace-moselle"}, exemple="general"),
    Champ("taux", "taux", "Taux de la Sécurité sociale (pourcentage) à la place du taux réglementaire.", "taux",
          exemple="100"),
    Champ("monture", "montant", "Optique : part de la monture dans les frais réels.", "monture", absent="absente", indice="la part de la monture dans les frais réels", exemple="120"),
    Champ("verres", "verres", "Optique : classes des deux verres, ex. simple+complexe (simple, complexe, tres-complexe).",
          "verres", condition=True, indice="les classes des deux verres, ex. simple+complexe", exemple="simple+simple"),
    Champ("psychiatrie", "booleen", "Séjour en psychiatrie (forfait journalier psychiatrique).", "psychiatrie", defaut=False,
          condition=True),
    Champ("smr", "choix", "Médicaments : service médical rendu (majeur, important, modere, faible, irremplacable).", "SMR",
          valeurs=("majeur", "important", "modere", "faible", "irremplacable"), condition=True, exemple="majeur"),
    Champ("acte_lourd", "booleen", "Acte lourd, à l'hôpital ou en ville : tarif ≥ 120 € ou coefficient ≥ 60 (SS à 100 % moins "
          "le forfait actes lourds, au lieu du ticket modérateur).", "acte lourd",
          defaut=False, condition=True),
    Champ("oreille", "choix", "Aide auditive : droite ou gauche (renouvellement par oreille).", "oreille",
          valeurs=("droite", "gauche"), exemple="droite"),
    Champ("changement_vue", "booleen", "Optique : évolution de la vue (renouvellement après 1 an).", "changement de vue",
          defaut=False),
    Champ("date_adhesion", "date", "Date d'adhésion au contrat (délai de stage).", "date d'adhésion", absent="absente", exemple="2025-01-01"),
    Champ("certificat_radiation", "booleen", "Certificat de radiation d'un contrat précédent (lève le délai de stage).",
          "certificat de radiation", defaut=False),
    Champ("acte", "acte", "Code officiel de l'acte (NGAP : G, CS+MPC+MCS, APC, AMS 8,4… ; CCAM : HBJD001, HBLD634… ; LPP), "
          "lu dans le catalogue daté (simulateur actes) : donne la nature, la base de remboursement, le panier et le HLF / "
          "PLV à la date des soins ; une option donnée l'emporte.", "code d'acte", indice="liste : simulateur actes",
          exemple="HBJD001"),
    Champ("dent", "dent", "Dentaire : numéro de la dent (numérotation FDI : 11 à 48, dents de lait 51 à 85) ; "
          "donne sa position (incisive, canine, prémolaire, molaire).", "dent", absent="absente",
          indice="le numéro FDI de la dent, ex. 36", exemple="36"),
    Champ("fin_traitement", "date", "Après cancer : date de fin du traitement.", "date de fin de traitement", absent="absente", indice="la date de fin du traitement (AAAA-MM-JJ)", exemple="2025-01-15"),
    # The patient's situation (docs/situations.md; rules and dates: parametres/situations.yaml)
    Champ("parcours", "choix", "Parcours de soins coordonnés : dans (défaut) ou hors (médecin consulté sans orientation du "
          "médecin traitant, hors accès direct : taux réduit de 40 points, majoration jamais prise en charge par un contrat "
          "responsable).", "parcours de soins", defaut="dans", valeurs=("dans", "hors"),
          synonymes={"hors parcours": "hors", "hors parcours de soins": "hors", "dans le parcours": "dans",
                     "parcours de soins": "dans"}, exemple="hors"),
    Champ("maternite", "booleen", "Période de maternité (du 1er jour du 6e mois de grossesse au 12e jour après "
          "l'accouchement) : 100 % de la BR, sans participation forfaitaire, franchises ni forfait journalier.", "maternité",
          defaut=False),
    Champ("ald", "booleen", "Soins en rapport avec une affection de longue durée exonérante (partie haute de l'ordonnance "
          "bizone) : 100 % de la BR ; participation forfaitaire et franchises restent dues.", "ALD", defaut=False),
    Champ("css", "booleen", "Bénéficiaire de la complémentaire santé solidaire : ni participation forfaitaire ni franchises ; "
          "pas de dépassement d'honoraires des médecins et auxiliaires.", "CSS", defaut=False),
    Champ("at_mp", "booleen", "Soins liés à un accident du travail ou à une maladie professionnelle : 100 % de la BR, forfait "
          "journalier pris en charge ; participation forfaitaire et franchises dues.", "AT/MP", defaut=False),
)

PAR_NOM: dict[str, Champ] = {c.nom: c for c in CHAMPS}
NOMS: tuple[str, ...] = tuple(c.nom for c in CHAMPS)
CONDITIONS: tuple[str, ...] = tuple(c.nom for c in CHAMPS if c.condition)
# Conditions of a contract line (`si:`) that are not act fields but come from one: `correction` (the
# class of both lenses, when they are the same) from `verres`; `taux` (the Sécurité sociale rate the
# engine applies) from the act's nature, date and régime (None: no field to ask for); `position_dent`
# (incisive, canine, premolaire-1, premolaire-2, molaire) from `dent`.
CONDITIONS_DERIVEES: dict[str, str | None] = {"correction": "verres", "taux": None, "position_dent": "dent"}
COLONNES_OBLIGATOIRES: tuple[str, ...] = ("beneficiaire",) + tuple(c.nom for c in CHAMPS if c.colonne)
# A required column that another column can stand for: with an `acte` column (codes), the catalogue gives
# the nature and the base de remboursement, so a quote needs neither column.
COLONNES_REMPLACABLES: dict[str, str] = {"nature": "acte"}
# The patient's situation: fields whose value other than the default changes the Sécurité sociale's rules.
SITUATIONS: tuple[str, ...] = ("maternite", "ald", "css", "at_mp")


def champ(nom: str) -> Champ:
    return PAR_NOM[nom]


def table_markdown() -> str:
    """The reference table of the act's fields (docs/interface.md), made from CHAMPS."""
    lignes = ["| champ (colonne, clé JSON) | option | valeurs | sens |", "|---|---|---|---|"]
    for c in CHAMPS:
        option = f"`{c.option}`" + (f" / `{c.negatif}`" if c.negatif else "") + (f", `{c.court}`" if c.court else "")
        valeurs = ", ".join(f"`{v}`" for v in c.valeurs) if c.valeurs else c.metavar
        defaut = f" Défaut : `{c.defaut}`." if c.defaut not in (None, False) else ""
        lignes.append(f"| `{c.nom}` | {option} | {valeurs} | {c.aide}{defaut} |")
    return "\n".join(lignes)


def mettre_a_jour_docs(chemin) -> bool:
    """Writes the table between the `<!-- champs:debut -->` and `<!-- champs:fin -->` marks of a document;
    True if the file changed."""
    from pathlib import Path
    p = Path(chemin)
    texte = p.read_text(encoding="utf-8")
    debut, fin = "<!-- champs:debut -->\n", "<!-- champs:fin -->"
    i, j = texte.index(debut) + len(debut), texte.index(fin)
    nouveau = texte[:i] + table_markdown() + "\n" + texte[j:]
    if nouveau != texte:
        p.write_text(nouveau, encoding="utf-8")
    return nouveau != texte


if __name__ == "__main__":  # pragma: no cover
    import sys
    if len(sys.argv) > 1:
        print("mis à jour" if mettre_a_jour_docs(sys.argv[1]) else "déjà à jour")
    else:
        print(table_markdown())
