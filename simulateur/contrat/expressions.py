"""Guarantee expressions, as the documents write them, parsed once into a small tree.

No `eval`: each term is recognised by a pattern and becomes an object that knows how to value
itself for an act. The source text is kept for explanations and for `simulateur contrat`.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

CENT = Decimal(100)


class ExpressionInvalide(ValueError):
    """A guarantee cell the parser does not understand; the message gives the accepted forms."""


FORMES = (
    "formes acceptées : « 100 % BR », « + 120 % BR », « Sécurité sociale + 50 € », « 30 € / jour », "
    "« crédit 50 € par année civile », « 40 € / an », « crédit annuel 2 % PMSS », « 1/3 PMSS », "
    "« 40 € par acte, limité à 4 actes par an », « 25 € / verre », « 100 % FR », "
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

@dataclass(slots=True, eq=False)
class Terme:
    texte: str
    enveloppe = False          # annual envelope: valued after the other terms
    inclusif_force = False     # names the SS payment: the sum is a total, SS included

    def decrire(self) -> str:
        return self.texte


@dataclass(slots=True, eq=False)
class TauxBR(Terme):
    taux: Decimal = Decimal(0)


@dataclass(slots=True, eq=False)
class SecuriteSociale(Terme):
    inclusif_force = True


@dataclass(slots=True, eq=False)
class FraisReels(Terme):
    taux: Decimal = CENT


@dataclass(slots=True, eq=False)
class Fixe(Terme):
    montant: Decimal = Decimal(0)


@dataclass(slots=True, eq=False)
class ParUnite(Terme):
    """`25 € / verre`, `80 € / appareil`, `200 € / œil`: × quantity (or × lenses of an equipment)."""
    montant: Decimal = Decimal(0)
    unite: str = ""


@dataclass(slots=True, eq=False)
class ParJour(Terme):
    """`30 € / jour`, optionally capped in days per civil year, optionally tiered."""
    montant: Decimal = Decimal(0)
    jours_max: int | None = None          # `, 15 jours / an`
    puis: Decimal | None = None           # `pendant 60 jours par an, puis 25 € / jour`


@dataclass(slots=True, eq=False)
class ParActe(Terme):
    """`40 € par acte, limité à 4 actes par an`."""
    montant: Decimal = Decimal(0)
    par_an: int = 0


@dataclass(slots=True, eq=False)
class PartPMSS(Terme):
    """`1/3 PMSS`, `2 % PMSS`: a one-off amount in PMSS of the act's year."""
    fraction: Decimal = Decimal(0)


@dataclass(slots=True, eq=False)
class Enveloppe(Terme):
    """`crédit 50 € par année civile`, `40 € / an`: what is left this civil year."""
    enveloppe = True
    montant: Decimal | None = None
    fraction_pmss: Decimal | None = None


@dataclass(slots=True, eq=False)
class LimiteForfait(Terme):
    """`100 % FR limité au forfait réglementaire`: FR within the nature's dated forfait × quantity."""


@dataclass(slots=True, eq=False)
class CentPourCentSante(Terme):
    """`RSS + 100 % des frais restant à charge après SS, dans la limite des PLV`."""
    inclusif_force = True
    limite: str = "PLV"


@dataclass(slots=True, eq=False)
class ForfaitOptique(Terme):
    """`forfait de 200 € dont au maximum 100 € pour la monture`."""
    montant: Decimal = Decimal(0)
    monture_max: Decimal | None = None


@dataclass(slots=True, eq=False)
class Expression:
    texte: str
    termes: list = field(default_factory=list)
    additif: bool = False            # leading "+": added on top even in an inclusive level
    limite: str | None = None        # "HLF" / "PLV": SS + every layer ≤ the act's limit
    rien: bool = False               # "–", "néant", "Sécurité sociale" alone: nothing beyond the SS

    inclusif_force: bool = False      # a term names the SS payment: the sum is a total, SS included


TERMES = (TauxBR, SecuriteSociale, FraisReels, Fixe, ParUnite, ParJour, ParActe, PartPMSS, Enveloppe, LimiteForfait,
          CentPourCentSante, ForfaitOptique)


# ---------------------------------------------------------------- parser

_N = r"(\d+(?:\.\d+)?)"
_RIEN = {"", "-", "_", "--", "neant", "non", "non pris en charge", "sans objet", "0", "0 €"}

_SOURCES_MOTIFS = [
    # (regex on a normalised term, builder)
    (rf"^{_N} % br$", lambda m, t: TauxBR(t, taux=Decimal(m[1]))),
    (rf"^{_N} % / {_N} % br$", lambda m, t: SecuriteSociale(t)),
    # 001 « 65 % à 90 % BR » (cure thermale, socle) : la fourchette des taux du régime de base,
    # c'est-à-dire rien au-delà de la Sécurité sociale
    (rf"^{_N} % a {_N} % br$", lambda m, t: SecuriteSociale(t)),
    (r"^(securite sociale|rss|remboursement securite sociale)$", lambda m, t: SecuriteSociale(t)),
    (rf"^(?:{_N} % (?:des )?fr|(?:100 % des )?frais reels)$",
     lambda m, t: FraisReels(t, taux=Decimal(m[1]) if m[1] else CENT)),
    (rf"^(?:{_N} % (?:des )?fr|(?:100 % des )?frais reels) limite au forfait reglementaire(?: en vigueur)?$",
     lambda m, t: LimiteForfait(t)),
    (r"^prise en charge$", lambda m, t: LimiteForfait(t)),
    (rf"^forfait (?:de )?{_N} € dont (?:au )?maximum {_N} € pour la monture$",
     lambda m, t: ForfaitOptique(t, montant=Decimal(m[1]), monture_max=Decimal(m[2]))),
    (rf"^forfait (?:de )?{_N} €$", lambda m, t: Fixe(t, montant=Decimal(m[1]))),
    (rf"^(?:credit (?:annuel )?(?:de )?)?{_N} % (?:du )?pmss(?: par an| annuel| par annee civile)?$",
     lambda m, t: (Enveloppe(t, fraction_pmss=Decimal(m[1]) / CENT)
                   if re.search(r"credit|par an|annuel|annee", t) else PartPMSS(t, fraction=Decimal(m[1]) / CENT))),
    (r"^(\d+) / (\d+) (?:du )?pmss$", lambda m, t: PartPMSS(t, fraction=_fraction(m[1], m[2]))),
    (rf"^(?:credit (?:annuel )?(?:de )?)?{_N} € (?:par annee civile|par an|/ an|annuel)(?: / beneficiaire| par beneficiaire)?$",
     lambda m, t: Enveloppe(t, montant=Decimal(m[1]))),
    (rf"^credit (?:annuel )?(?:de )?{_N} €$", lambda m, t: Enveloppe(t, montant=Decimal(m[1]))),
    (rf"^{_N} € (?:/|par) jour pendant (\d+) jours (?:maximum )?par an, puis {_N} € (?:/|par) jour$",
     lambda m, t: ParJour(t, montant=Decimal(m[1]), jours_max=int(m[2]), puis=Decimal(m[3]))),
    (rf"^{_N} € (?:/|par) jour pendant (\d+) jours (?:maximum )?par an$",
     lambda m, t: ParJour(t, montant=Decimal(m[1]), jours_max=int(m[2]), puis=Decimal(0))),
    (rf"^{_N} € (?:/|par) jour, (\d+) jours (?:/|par) an$",
     lambda m, t: ParJour(t, montant=Decimal(m[1]), jours_max=int(m[2]))),
    (rf"^{_N} € (?:/|par) jour(?:, illimite)?$", lambda m, t: ParJour(t, montant=Decimal(m[1]))),
    (rf"^{_N} € (?:/|par) (?:acte|seance)s?, (?:limite a |dans la limite de )?(\d+) (?:actes |seances )?(?:/|par) an(?: / beneficiaire| par beneficiaire)?$",
     lambda m, t: ParActe(t, montant=Decimal(m[1]), par_an=int(m[2]))),
    (rf"^{_N} € / (\d+) seances? (?:par an|/ an)(?: / beneficiaire| par beneficiaire)?$",
     lambda m, t: ParActe(t, montant=Decimal(m[1]), par_an=int(m[2]))),
    (rf"^{_N} € (?:/|par) (verre|appareil|oeil|seance|acte|boite|unite)$",
     lambda m, t: ParUnite(t, montant=Decimal(m[1]), unite=m[2])),
    (rf"^{_N} €$", lambda m, t: Fixe(t, montant=Decimal(m[1]))),
]

_CENT_SANTE_SOURCE = (
    r"^(?:rss|securite sociale) \+ 100 % des frais (?:restant|restants) a (?:charge|sa charge)"
    r"(?: apres (?:ss|securite sociale|rss))?(?:, )?(?: ?dans la limite des (hlf|plv))$"
)
_LIMITE_SOURCE = r",? dans la limite des (hlf|plv)$"
_COMPILES: list = []


def _motifs():
    """Patterns are compiled on first parse only: a cached contract never pays for them."""
    if not _COMPILES:
        _COMPILES.append([(re.compile(m), f) for m, f in _SOURCES_MOTIFS])
        _COMPILES.append(re.compile(_CENT_SANTE_SOURCE))
        _COMPILES.append(re.compile(_LIMITE_SOURCE))
    return _COMPILES


def analyser(texte) -> Expression:
    """Parse one cell. Raises ExpressionInvalide with the accepted forms."""
    if texte is None:
        return Expression("–", rien=True)
    if not isinstance(texte, str):
        if isinstance(texte, bool) or isinstance(texte, float):
            raise ExpressionInvalide(f"« {texte} » n'est pas une expression de garantie ; {FORMES}")
        texte = str(texte)
    if len(texte) > 300:
        raise ExpressionInvalide("expression trop longue (300 caractères au plus)")
    t = normaliser(texte)
    if t in _RIEN:
        return Expression(texte, rien=True)
    expr = Expression(texte)
    if t.startswith("+ "):
        expr.additif = True
        t = t[2:]
    if t.startswith("en complement "):
        expr.additif = True
        t = t[len("en complement "):]
    motifs, cent_sante, limite = _motifs()
    m = cent_sante.match(t)
    if m:
        expr.termes = [CentPourCentSante(texte.strip(), limite=m[1].upper())]
        expr.limite = m[1].upper()
        expr.inclusif_force = True
        return expr
    t = re.sub(r", illimite$", "", t)
    m = limite.search(t)
    if m:
        expr.limite = m[1].upper()
        t = t[: m.start()].strip()
    morceaux = [p.strip() for p in t.split(" + ")]
    for morceau in morceaux:
        terme = _terme(morceau, motifs)
        if terme is None:
            raise ExpressionInvalide(f"« {texte} » : je ne comprends pas « {morceau} » ; {FORMES}")
        hors = hors_bornes(terme)
        if hors is not None:
            raise ExpressionInvalide(f"« {texte} » : {hors}")
        expr.termes.append(terme)
    if all(isinstance(x, SecuriteSociale) for x in expr.termes):
        expr.rien = True
    expr.inclusif_force = any(x.inclusif_force for x in expr.termes)
    return expr


def _terme(morceau: str, motifs):
    for motif, fabrique in motifs:
        m = motif.match(morceau)
        if m:
            return fabrique(m, morceau)
    return None


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
    for nom in ("montant", "puis", "monture_max"):
        v = getattr(t, nom, None)
        if v is not None and v > MONTANT_MAX:
            return f"montant {_nombre(v)} € trop grand (100 000 000 € au plus)"
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
