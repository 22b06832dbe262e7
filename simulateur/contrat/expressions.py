"""Guarantee expressions, as the documents write them, parsed once into a small tree.

No `eval`: each term is recognised by a pattern and becomes an object that knows how to value
itself for an act. The source text is kept for explanations and for `simulateur contrat`.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import field
from decimal import Decimal

from ..domaine.enregistrement import enregistrement

CENT = Decimal(100)


class ExpressionInvalide(ValueError):
    """A guarantee cell the parser does not understand: the message says what, `indice` the accepted forms
    (FORMES) when the cell's shape is unknown."""

    def __init__(self, message: str, indice: str = ""):
        super().__init__(message)
        self.indice = indice


FORMES = (
    "formes acceptées : « 100 % BR », « + 120 % BR », « Sécurité sociale + 50 € », « 30 € / jour », "
    "« crédit 50 € par année civile », « 40 € / an », « crédit annuel 2 % PMSS », « 1/3 PMSS », "
    "« 40 € par acte, limité à 4 actes par an », « 25 € / verre », « 100 % FR », « ticket modérateur », "
    "« 60 € par an, 50 € maximum par séance », « 20 € / an après 2 ans », « 200 € par œil et par an », "
    "« 40 € / jour, 60 jours par séjour », « 90 % des frais réels dans la limite de 150 % BR », "
    "« 50 % des frais réels, au minimum le ticket modérateur », « 400 € (Sécurité sociale comprise) », "
    "« 100 % FR limité au forfait réglementaire », « 125 % BR dans la limite des HLF », "
    "« RSS + 100 % des frais restant à charge après SS, dans la limite des PLV », "
    "« forfait de 200 € dont au maximum 100 € pour la monture », « – » (voir docs/format-contrat.md)"
)


def normaliser(texte: str) -> str:
    """Lower case, no accents, one space, decimal point: what the patterns match against."""
    t = texte.replace("œ", "oe").replace("Œ", "oe")
    t = unicodedata.normalize("NFKD", t)
    t = "".join(c for c in t if not unicodedata.combining(c)).lower()
    t = t.replace("\u2019", "'").replace("\u2013", "-").replace("\u2014", "-")
    t = re.sub(r"(\d),(\d)", r"\1.\2", t)
    t = re.sub(r"(\d)\s+(\d{3})(?!\d)", r"\1\2", t)   # 1 700 -> 1700
    t = re.sub(r"\s+", " ", t).strip()
    t = re.sub(r"\s*€\s*", " € ", t)
    t = re.sub(r"\s*%\s*", " % ", t)
    t = re.sub(r"\s*/\s*", " / ", t)
    t = re.sub(r"\s*\+\s*", " + ", t)
    t = re.sub(r"\s*,\s*", ", ", t)
    t = re.sub(r"\s+", " ", t).strip()
    return t


# ---------------------------------------------------------------- terms

@enregistrement
class Terme:
    texte: str
    anciennete: int = 0        # « après 2 ans » : the term pays only from this many full years of membership
    enveloppe = False          # annual envelope: valued after the other terms
    inclusif_force = False     # names the SS payment: the sum is a total, SS included

    def decrire(self) -> str:
        return self.texte


@enregistrement
class TauxBR(Terme):
    taux: Decimal = Decimal(0)


@enregistrement
class SecuriteSociale(Terme):
    inclusif_force = True


@enregistrement
class FraisReels(Terme):
    taux: Decimal = CENT


@enregistrement
class TicketModerateur(Terme):
    """`ticket modérateur`, `100 % TM`: the SS payment plus `taux` % of the ticket modérateur (min(BR, FR) −
    SS), a total SS included whatever the level's convention (« 100 % TM » pays the whole TM)."""
    inclusif_force = True
    taux: Decimal = CENT


@enregistrement
class Fixe(Terme):
    montant: Decimal = Decimal(0)


@enregistrement
class ParUnite(Terme):
    """`25 € / verre`, `80 € / appareil`, `200 € / œil`: × quantity (or × lenses of an equipment)."""
    montant: Decimal = Decimal(0)
    unite: str = ""


@enregistrement
class ParJour(Terme):
    """`30 € / jour`, optionally capped in days per year, optionally tiered; per stay (one act is one
    stay): at most `par_sejour` days, the first `carence` days not paid (« à partir du 4e jour »)."""
    montant: Decimal = Decimal(0)
    jours_max: int | None = None          # `, 15 jours / an`
    puis: Decimal | None = None           # `pendant 60 jours par an, puis 25 € / jour`
    par_sejour: int | None = None         # `, 60 jours par séjour`
    carence: int = 0                      # `à partir du 4e jour` : 3
    annee: str = ""                       # civile | adhesion | "" (the contract's)


@enregistrement
class ParActe(Terme):
    """`40 € par acte, limité à 4 actes par an`; `200 € par œil et par an` (2 a year, the quantity being
    eyes); `2 par période de 4 années civiles` (`annees`: the count runs over this many years)."""
    montant: Decimal = Decimal(0)
    par_an: int = 0
    annees: int = 1
    unite: str = "acte"
    annee: str = ""                       # civile | adhesion | "" (the contract's)


@enregistrement
class PartPMSS(Terme):
    """`1/3 PMSS`, `2 % PMSS`: a one-off amount in PMSS of the act's year."""
    fraction: Decimal = Decimal(0)


@enregistrement
class Enveloppe(Terme):
    """`crédit 50 € par année civile`, `40 € / an`: what is left this civil year."""
    enveloppe = True
    montant: Decimal | None = None
    fraction_pmss: Decimal | None = None
    par_acte: Decimal | None = None       # `, 50 € maximum par séance` (× quantity)
    nombre: int | None = None             # `, 2 actes maximum` (acts, × quantity, per year)
    annee: str = ""                       # `par année d'adhésion` / `par année civile` / "" (the contract's)


@enregistrement
class LimiteForfait(Terme):
    """`100 % FR limité au forfait réglementaire`: FR within the nature's dated forfait × quantity."""


@enregistrement
class CentPourCentSante(Terme):
    """`RSS + 100 % des frais restant à charge après SS, dans la limite des PLV`."""
    inclusif_force = True
    limite: str = "PLV"


@enregistrement
class ForfaitOptique(Terme):
    """`forfait de 200 € dont au maximum 100 € pour la monture`."""
    montant: Decimal = Decimal(0)
    monture_max: Decimal | None = None


@enregistrement
class Expression:
    texte: str
    termes: list = field(default_factory=list)
    additif: bool = False            # leading "+": added on top even in an inclusive level
    limite: str | None = None        # "HLF" / "PLV": SS + every layer ≤ the act's limit
    rien: bool = False               # "–", "néant", "Sécurité sociale" alone: nothing beyond the SS

    inclusif_force: bool = False      # a term names the SS payment: the sum is a total, SS included
    plafond: "Expression | None" = None    # `…, dans la limite de 150 % BR`: at most this (same convention)
    plancher: "Expression | None" = None   # `…, au minimum le ticket modérateur`: at least this


TERMES = (TauxBR, SecuriteSociale, FraisReels, Fixe, ParUnite, ParJour, ParActe, PartPMSS, Enveloppe, LimiteForfait,
          CentPourCentSante, ForfaitOptique, TicketModerateur)


# ---------------------------------------------------------------- parser

_N = r"(\d+(?:\.\d+)?)"
_RIEN = {"", "-", "_", "--", "neant", "non", "non pris en charge", "sans objet", "0", "0 €"}
_BR = r"(?:de la )?br(?:ss)?"
_FR = r"(?:{n} % (?:des )?(?:fr|frais reels)|(?:100 % des )?frais reels)".format(n=_N)
# a yearly period as documents write it, then « par bénéficiaire / par assuré »
_AN = r"(?:par annee civile|par annee d'adhesion|par annee d'assurance|par annee|par an|/ an|annuel(?:le)?)"
_PAR_PERSONNE = r"(?:,? (?:et )?(?:/|par) (?:beneficiaire|assure|personne))?"


def _annee(texte: str | None) -> str:
    """civile | adhesion | "" (not said: the contract's year) for a period phrase."""
    texte = texte or ""
    if "adhesion" in texte or "assurance" in texte:
        return "adhesion"
    return "civile" if "civile" in texte else ""


def _envelope_pmss(m, t):
    if re.search(r"credit|par an|/ an|annuel|annee", t):
        return Enveloppe(t, fraction_pmss=Decimal(m[1]) / CENT, annee=_annee(t))
    return PartPMSS(t, fraction=Decimal(m[1]) / CENT)


_SOURCES_MOTIFS = [
    # (regex on a normalised term, builder)
    (rf"^{_N} % {_BR}$", lambda m, t: TauxBR(t, taux=Decimal(m[1]))),
    (rf"^{_N} % / {_N} % br$", lambda m, t: SecuriteSociale(t)),
    # production-agricole « 65 % à 90 % BR » (cure thermale, socle) : la fourchette des taux du régime
    # de base, c'est-à-dire rien au-delà de la Sécurité sociale
    (rf"^{_N} % a {_N} % br$", lambda m, t: SecuriteSociale(t)),
    (r"^(securite sociale|rss|remboursement securite sociale)$", lambda m, t: SecuriteSociale(t)),
    (r"^(?:(\d+(?:\.\d+)?) % (?:du |des )?)?(?:le )?(?:ticket moderateur|tm)$",
     lambda m, t: TicketModerateur(t, taux=Decimal(m[1]) if m[1] else CENT)),
    (rf"^{_FR}$", lambda m, t: FraisReels(t, taux=Decimal(m[1]) if m[1] else CENT)),
    (rf"^{_FR} limite au forfait reglementaire(?: en vigueur)?$", lambda m, t: LimiteForfait(t)),
    (r"^(?:prise en charge|100 % (?:du )?forfait(?: reglementaire)?)$", lambda m, t: LimiteForfait(t)),
    (r"^100 % (?:des |du )?(plv|hlf)$", lambda m, t: CentPourCentSante(t, limite=m[1].upper())),
    (rf"^forfait (?:de )?{_N} € dont (?:au )?maximum {_N} € pour la monture$",
     lambda m, t: ForfaitOptique(t, montant=Decimal(m[1]), monture_max=Decimal(m[2]))),
    (rf"^forfait (?:de )?{_N} €$", lambda m, t: Fixe(t, montant=Decimal(m[1]))),
    (rf"^(?:credit (?:annuel )?(?:de )?)?{_N} % (?:du )?pmss(?: par an| / an| annuel| par annee civile| par annee d'adhesion)?$",
     _envelope_pmss),
    (r"^(\d{1,9}) / (\d{1,9}) (?:du )?pmss$", lambda m, t: PartPMSS(t, fraction=_fraction(m[1], m[2]))),
    (rf"^{_N} € / (\d{{1,9}}) seances? ({_AN}){_PAR_PERSONNE}$",
     lambda m, t: ParActe(t, montant=Decimal(m[1]), par_an=int(m[2]), annee=_annee(m[3]))),
    (rf"^(\d{{1,9}}) (?:seances?|actes?|consultations?) (?:x|×|de|a) {_N} €(?: ({_AN}))?{_PAR_PERSONNE}$",
     lambda m, t: ParActe(t, montant=Decimal(m[2]), par_an=int(m[1]), unite="seance", annee=_annee(m[3]))),
    (rf"^{_N} € (?:/|par) (oeil|oreille),? (?:et )?({_AN})$",
     lambda m, t: ParActe(t, montant=Decimal(m[1]), par_an=2, unite=m[2], annee=_annee(m[3]))),
    (rf"^{_N} € (?:/|par) (verre|appareil|aide auditive|oeil|oreille|dent|implant|seance|acte|consultation|boite|unite|naissance|enfant)$",
     lambda m, t: ParUnite(t, montant=Decimal(m[1]), unite=m[2])),
    (rf"^{_N} €$", lambda m, t: Fixe(t, montant=Decimal(m[1]))),
]

# « 40 € par acte, limité à 4 actes par an », « 30 € / séance, max 3 séances », « 100 € par appareil, 2
# par période de 4 années civiles »
_PAR_ACTE = (rf"^{_N} € (?:/|par) (acte|seance|consultation|appareil|aide auditive|oreille|equipement|implant|dent|couronne|"
             rf"prothese|cure|bilan|vaccin)s?,? "
             rf"(?:limite a |dans la limite de |max |maximum |au plus )?(\d{{1,9}})"
             rf"(?: (actes?|seances?|consultations?|appareils?|aides auditives|equipements?|implants?|dents?|couronnes?|"
             rf"protheses?|cures?|bilans?|vaccins?))?(?: (?:maximum|max|au plus))?"
             rf"(?: (?:({_AN})|(?:par periode de|sur|tous les) (\d{{1,9}}) (?:annees civiles|exercices civils|ans)))?{_PAR_PERSONNE}$")
_ENVELOPPE = (rf"^(?:(?:credit|forfait) (?:annuel )?(?:de )?)?{_N} € ({_AN}){_PAR_PERSONNE}(.*)$",
              rf"^(?:credit|forfait) annuel (?:de )?{_N} €(){_PAR_PERSONNE}(.*)$",
              rf"^credit (?:de )?{_N} €(){_PAR_PERSONNE}(.*)$")
_MODS_ENVELOPPE = (
    (rf"^,? (?:dans la limite de |limite a |dont )?{_N} € (?:maximum |max |au plus )?(?:/|par) (?:seance|acte|consultation)"
     r"(?: au plus| maximum| max)?", "par_acte"),
    (rf"^,? (?:dans la limite de |limite a |max |maximum )?(\d{{1,9}}) (?:actes?|seances?|consultations?)(?: maximum| max| au plus)?"
     rf"(?: {_AN})?", "nombre"),
)
_JOUR = rf"^{_N} € (?:/|par) jour(.*)$"
_MODS_JOUR = (
    (rf"^,? pendant (\d{{1,9}}) jours (?:maximum )?({_AN}), puis {_N} € (?:/|par) jour", "paliers"),
    (r"^,? (?:pendant |dans la limite de |limite a )?(\d{1,9}) jours (?:maximum |max )?par sejour", "par_sejour"),
    (rf"^,? (?:pendant |dans la limite de |limite a )?(\d{{1,9}}) jours (?:maximum |max )?({_AN})", "jours_max"),
    (r"^,? a partir du (\d{1,9})(?:e|eme|er|ieme) jour(?: consecutif)?(?: d'hospitalisation| de chaque sejour| du sejour| par sejour)?",
     "carence"),
    (r"^,? illimite", None),
)
_ANCIENNETE = (r",? (?:apres|a partir de|au-dela de) (\d{1,9}) ans?(?: d'adhesion| d'anciennete)?$",
               r",? (?:a partir de la|des la) (\d{1,9})(?:e|eme|re|ere|ieme) annee(?: d'adhesion)?$")
_CENT_SANTE_SOURCE = (
    r"^(?:rss|securite sociale) \+ 100 % des frais (?:restant|restants) a (?:charge|sa charge)"
    r"(?: apres (?:ss|securite sociale|rss))?(?:, )?(?: ?dans la limite des (hlf|plv))$"
)
_LIMITE_SOURCE = r",? dans la limite des (hlf|plv)$"
# « 400 € (Sécurité sociale comprise) », « 100 €, part du régime obligatoire incluse » : the cell says itself that its
# amount is a total, SS included, whatever the level's convention
_SS_COMPRISE = (r",? \(?(?:y compris (?:la )?(?:securite sociale|ss|secu)|(?:la )?part (?:de la |du )?(?:securite sociale|ss|secu|"
                r"regime obligatoire) (?:incluse|comprise)|(?:securite sociale|ss|secu|secu|regime obligatoire) (?:incluse|comprise|"
                r"inclus|compris))\)?$")
_BORNES = (r"^(.+?),? (?:au minimum|minimum|avec un minimum de|au moins) (.+)$",
           r"^(.+?),? (?:dans la limite de|limite a|plafonne a) (?!\d+(?:\.\d+)? € (?:maximum |max )?(?:/|par) (?:seance|acte|consultation)|"
           r"\d+ (?:actes?|seances?|consultations?|jours?|appareils?|equipements?|implants?|dents?|couronnes?|protheses?|cures?|"
           r"bilans?|vaccins?)\b)(.+)$")
# Other ways documents write the same things, rewritten to the forms above before matching:
# - the régime obligatoire's payment: « AMO », « RO », « SS », « Sécu », « régime obligatoire » alone or « 100 % RO »;
# - « 125 % BR - SS », « 125 % BR-RSS », « BR - MR » (montant remboursé), « 125 % (BR - SS) », « 125 % BR moins la
#   SS », « sous déduction de la SS »: « à hauteur de 125 % de la BR, moins le remboursement de la SS » — a total,
#   SS included (a limit after it, « …, dans la limite de 200 € », is read as any limit of the level);
# - « remboursement intégral » (des frais réels): 100 % of the frais réels;
# - « maxi 4 actes / an »: at most 4 acts a year.
_RO = r"(?:amo|ro|rss|ss|mr|secu|securite sociale|regime obligatoire|remboursement (?:de la )?(?:securite sociale|ss|ro))"
_SYNONYMES = (
    (rf"^{_N} % \(?(?:de la )?br(?:ss)?\)? ?(?:-|moins(?: le remboursement de)?(?: la| le)?|sous deduction (?:du remboursement )?"
     rf"(?:de la |du )?) ?{_RO}\)?(,.*)?$", r"\1 % br\2, securite sociale incluse"),
    (rf"^{_N} % \((?:de la )?br ?- ?{_RO}\)(,.*)?$", r"\1 % br\2, securite sociale incluse"),
    (rf"(^| \+ )(?:100 % (?:du |de la )?)?{_RO}(?=$| \+ )", r"\1securite sociale"),
    (r"^remboursement integral(?: des frais reels)?(?=$|,| dans| \+)", "frais reels"),
    (r"\bmaxi\b", "max"),
)
_COMPILES: dict = {}


def _motifs() -> dict:
    """Patterns are compiled on first parse only: a cached contract never pays for them."""
    if not _COMPILES:
        c = re.compile
        _COMPILES.update(
            termes=[(c(m), f) for m, f in _SOURCES_MOTIFS], cent_sante=c(_CENT_SANTE_SOURCE), limite=c(_LIMITE_SOURCE),
            par_acte=c(_PAR_ACTE), enveloppe=[c(m) for m in _ENVELOPPE], mods_enveloppe=[(c(m), k) for m, k in _MODS_ENVELOPPE],
            jour=c(_JOUR), mods_jour=[(c(m), k) for m, k in _MODS_JOUR], anciennete=[c(m) for m in _ANCIENNETE],
            plancher=c(_BORNES[0]), plafond=c(_BORNES[1]), ss_comprise=c(_SS_COMPRISE),
            synonymes=[(c(m), r) for m, r in _SYNONYMES])
    return _COMPILES


def analyser(texte, _sous: bool = False) -> Expression:
    """Parse one cell. Raises ExpressionInvalide with the accepted forms."""
    if texte is None:
        return Expression("–", rien=True)
    if not isinstance(texte, str):
        if isinstance(texte, bool) or isinstance(texte, float):
            raise ExpressionInvalide(f"« {texte} » n'est pas une expression de garantie", FORMES)
        texte = str(texte)
    if len(texte) > 300:
        raise ExpressionInvalide("expression trop longue (300 caractères au plus)")
    t = normaliser(texte)
    if t in _RIEN:
        return Expression(texte, rien=True)
    autre = next((c for c in t if c.isdigit() and not c.isascii()), None)
    if autre is not None:      # « ١٥٠ % BR »: refused, as everywhere else (amounts, batch cells)
        raise ExpressionInvalide(f"« {texte} » : chiffre « {autre} » d'une autre écriture ; écrivez les nombres avec 0 à 9")
    expr = Expression(texte)
    if t.startswith("+ "):
        expr.additif = True
        t = t[2:]
    if t.startswith("en complement "):
        expr.additif = True
        t = t[len("en complement "):]
    motifs = _motifs()
    for motif, forme in motifs["synonymes"]:
        t = motif.sub(forme, t)
    m = motifs["cent_sante"].match(t)
    if m:
        expr.termes = [CentPourCentSante(texte.strip(), limite=m[1].upper())]
        expr.limite = m[1].upper()
        expr.inclusif_force = True
        return expr
    t = re.sub(r",? (?:illimite|dans la limite des frais (?:reels|engages)(?: engages)?)$", "", t)
    m = motifs["ss_comprise"].search(t)
    ss_comprise = m is not None
    if ss_comprise:
        t = t[: m.start()].strip()
    m = motifs["limite"].search(t)
    if m:
        expr.limite = m[1].upper()
        t = t[: m.start()].strip()
    t = _bornes(expr, t, texte, motifs, _sous)
    for morceau in (p.strip() for p in t.split(" + ")):
        terme = _terme(morceau, motifs)
        if terme is None:
            raise ExpressionInvalide(f"« {texte} » : je ne comprends pas « {morceau} »", FORMES)
        hors = hors_bornes(terme)
        if hors is not None:
            raise ExpressionInvalide(f"« {texte} » : {hors}")
        expr.termes.append(terme)
    if all(isinstance(x, SecuriteSociale) for x in expr.termes):
        expr.rien = True
    expr.inclusif_force = ss_comprise or any(x.inclusif_force for x in expr.termes)
    if _sous and any(x.enveloppe or isinstance(x, (ParActe, ParJour)) or x.anciennete for x in expr.termes):
        raise ExpressionInvalide(f"« {texte} » : un minimum ou une limite ne peut pas être une enveloppe ni un compteur")
    return expr


def _bornes(expr: Expression, t: str, texte: str, motifs, sous: bool) -> str:
    """Splits « …, au minimum X » (floor) and « … dans la limite de X » (ceiling) off the cell; returns the rest."""
    for cle in ("plancher", "plafond"):
        m = motifs[cle].match(t)
        if m is None:
            continue
        if sous:
            raise ExpressionInvalide(f"« {texte} » : un seul minimum ou une seule limite par expression")
        borne = re.sub(r"^(?:le |la |l')", "", m[2].strip())
        try:
            setattr(expr, cle, analyser(borne, _sous=True))
        except ExpressionInvalide as e:
            raise ExpressionInvalide(f"« {texte} » : {'minimum' if cle == 'plancher' else 'limite'} illisible ({e})",
                                     e.indice) from None
        t = m[1].strip()
    return t


def _terme(morceau: str, motifs):
    anciennete = 0
    for motif in motifs["anciennete"]:
        m = motif.search(morceau)
        if m:
            anciennete = int(m[1]) - (1 if "annee" in m[0] else 0)
            morceau = morceau[: m.start()].strip()
            break
    terme = _terme_simple(morceau, motifs)
    if terme is not None:
        terme.anciennete = anciennete
    return terme


def _terme_simple(morceau: str, motifs):
    for motif, fabrique in motifs["termes"]:
        m = motif.match(morceau)
        if m:
            return fabrique(m, morceau)
    m = motifs["par_acte"].match(morceau)
    if m and (m[4] is None or _meme_unite(m[2], m[4])):
        unite = {"seance": "seance", "consultation": "seance"}.get(m[2], m[2])
        return ParActe(morceau, montant=Decimal(m[1]), par_an=int(m[3]), annees=int(m[6]) if m[6] else 1, unite=unite,
                       annee=_annee(m[5]))
    m = motifs["jour"].match(morceau)
    if m:
        return _par_jour(morceau, Decimal(m[1]), m[2], motifs)
    for motif in motifs["enveloppe"]:
        m = motif.match(morceau)
        if m:
            return _enveloppe(morceau, Decimal(m[1]), m[2], m[3], motifs)
    return None


_UNITES_EGALES = {"seance": "acte", "consultation": "acte", "aide auditive": "appareil"}


def _unite(u: str) -> str:
    """A unit of count in the singular, sessions and consultations as acts, hearing aids as appliances."""
    u = "aide auditive" if u == "aides auditives" else u.removesuffix("s")
    return _UNITES_EGALES.get(u, u)


def _meme_unite(unite: str, comptee: str) -> bool:
    """« 250 € par implant, 2 implants par an »: the counted unit is the paid one (« 250 € par implant, 2
    couronnes par an » is not understood)."""
    return _unite(unite) == _unite(comptee)


def _modificateurs(reste: str, table) -> list | None:
    """[(kind, match)] for the modifiers after a term (« , 50 € maximum par séance »), or None if one is unknown."""
    out = []
    reste = reste.strip()
    while reste:
        for motif, genre in table:
            m = motif.match(reste if reste.startswith(",") else " " + reste)
            if m:
                out.append((genre, m))
                reste = (reste if reste.startswith(",") else " " + reste)[m.end():].strip()
                break
        else:
            return None
    return out


def _enveloppe(texte: str, montant: Decimal, periode: str, reste: str, motifs):
    mods = _modificateurs(reste, motifs["mods_enveloppe"])
    if mods is None:
        return None
    env = Enveloppe(texte, montant=montant, annee=_annee(periode))
    for genre, m in mods:
        if genre == "par_acte":
            env.par_acte = Decimal(m[1])
        else:
            env.nombre = int(m[1])
    return env


def _par_jour(texte: str, montant: Decimal, reste: str, motifs):
    mods = _modificateurs(reste, motifs["mods_jour"])
    if mods is None:
        return None
    t = ParJour(texte, montant=montant)
    for genre, m in mods:
        if genre == "paliers":
            t.jours_max, t.annee, t.puis = int(m[1]), _annee(m[2]), Decimal(m[3])
        elif genre == "jours_max":
            t.jours_max, t.annee = int(m[1]), _annee(m[2])
            if m[0].lstrip(", ").startswith("pendant"):
                t.puis = Decimal(0)
        elif genre == "par_sejour":
            t.par_sejour = int(m[1])
        elif genre == "carence":
            t.carence = max(int(m[1]) - 1, 0)
    return t


# Bounds of the numbers a cell may hold: what the documents write is far below, and every amount the
# engine derives from them stays exact in Decimal (28 digits). A cell beyond is refused by the loader,
# with its file:line (so `valider` refuses it too), rather than failing in `simuler` (issue 10).
MONTANT_MAX = Decimal(100_000_000)       # euros in one term (the acts' own bound, domaine.montant)
TAUX_MAX = Decimal(10_000)               # percent of the BR, the FR or the PMSS (100 times the base)
JOURS_MAX = 366                          # days in a civil year
ACTES_MAX = 1_000                        # acts or sessions counted per civil year


def _fraction(n: str, d: str):
    """`n/d PMSS` as a Decimal, or None for a division by zero (refused by `hors_bornes`)."""
    return Decimal(n) / Decimal(d) if int(d) else None


def _nombre(v) -> str:
    t = format(v.normalize(), "f") if isinstance(v, Decimal) else str(v)
    return t if len(t) <= 30 else t[:30] + "…"


def hors_bornes(t) -> str | None:
    """Why a term's numbers cannot be computed (a French fragment), or None when they are within bounds."""
    if isinstance(t, PartPMSS) and t.fraction is None:
        return "division par zéro (écrivez par exemple 1/3 PMSS)"
    for nom in ("montant", "puis", "monture_max", "par_acte"):
        v = getattr(t, nom, None)
        if v is not None and v > MONTANT_MAX:
            return f"montant {_nombre(v)} € trop grand (100 000 000 € au plus)"
        if v is not None and v != v.quantize(Decimal("0.01")):      # as everywhere else: amounts are in cents
            return (f"montant {_nombre(v)} € : plus de deux décimales ; les montants sont au centime (une brochure "
                    "à la typographie anglaise écrit « 1,500 € » pour 1 500 € : écrivez 1500 €)")
    taux = getattr(t, "taux", None)
    if taux is not None and taux > TAUX_MAX:
        return f"taux {_nombre(taux)} % trop grand (10 000 % au plus)"
    for nom in ("fraction", "fraction_pmss"):
        v = getattr(t, nom, None)
        if v is not None and v > TAUX_MAX / CENT:
            return f"{_nombre(v * CENT)} % du PMSS : trop grand (10 000 % au plus, soit 100 PMSS)"
    jours = getattr(t, "jours_max", None)
    if jours is not None and not 1 <= jours <= JOURS_MAX:
        return f"{_nombre(jours)} jours par an : entre 1 et {JOURS_MAX}"
    par_an = getattr(t, "par_an", None)
    if par_an is not None and not 1 <= par_an <= ACTES_MAX:
        return f"{_nombre(par_an)} actes par an : entre 1 et 1 000 (une garantie qui ne paie rien s'écrit « – »)"
    return None
