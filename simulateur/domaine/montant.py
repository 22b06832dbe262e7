"""Money: Decimal only, parsed from French or English writing, rounded in one place."""
from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENTIME = Decimal("0.01")
ZERO = Decimal("0")
CENT = Decimal("100")

_NETTOYER = re.compile(r"[\s\u00a0\u202f€]|EUR|euros?", re.IGNORECASE)


class MontantInvalide(ValueError):
    """A value that is not an amount: the message says why, in French."""


def arrondi(x: Decimal) -> Decimal:
    """The only rounding of the project: half up, to the cent (CALCUL.md §4)."""
    return x.quantize(CENTIME, rounding=ROUND_HALF_UP)


def lire_montant(texte: str | int | Decimal, *, quoi: str = "montant", negatif: bool = False, centimes: bool = True) -> Decimal:
    """Parse `31.50`, `31,50`, `31,50 €`, `1 234,56`; refuse floats so no binary error sneaks in."""
    if isinstance(texte, bool) or isinstance(texte, float):
        raise MontantInvalide(f"{quoi} : un nombre à virgule flottante n'est pas accepté, écrivez-le en texte (ex. \"31.50\")")
    if isinstance(texte, Decimal):
        valeur = texte
    elif isinstance(texte, int):
        valeur = Decimal(texte)
    else:
        brut = _NETTOYER.sub("", str(texte))
        if brut.count(",") == 1 and "." not in brut:
            brut = brut.replace(",", ".")
        elif "," in brut and "." in brut:
            # 1.234,56 (French thousands) or 1,234.56 (English thousands)
            if brut.rfind(",") > brut.rfind("."):
                brut = brut.replace(".", "").replace(",", ".")
            else:
                brut = brut.replace(",", "")
        if not brut or not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", brut):
            raise MontantInvalide(f"{quoi} : « {texte} » n'est pas un montant (exemples valides : 31.50, 31,50, 31,50 €)")
        try:
            valeur = Decimal(brut)
        except InvalidOperation:  # pragma: no cover - the regex already filtered
            raise MontantInvalide(f"{quoi} : « {texte} » n'est pas un montant") from None
    if not valeur.is_finite():
        raise MontantInvalide(f"{quoi} : « {texte} » n'est pas un montant fini")
    if valeur < 0 and not negatif:
        raise MontantInvalide(f"{quoi} : {texte} est négatif ; un montant est toujours positif ou nul")
    if centimes and valeur != valeur.quantize(CENTIME):
        raise MontantInvalide(f"{quoi} : « {texte} » a plus de deux décimales ; les montants sont au centime")
    if abs(valeur) > Decimal("100000000"):
        raise MontantInvalide(f"{quoi} : « {texte} » est trop grand (100 000 000 € au plus)")
    return valeur


def texte_json(x: Decimal) -> str:
    """JSON form: a string with exactly two decimals."""
    return str(arrondi(x))


def texte_fr(x: Decimal, *, euro: bool = True) -> str:
    """French form for people: `1 234,56 €` (narrow no-break space for thousands)."""
    q = arrondi(x)
    signe = "-" if q < 0 else ""
    entier, _, dec = f"{abs(q):.2f}".partition(".")
    groupes = []
    while len(entier) > 3:
        groupes.insert(0, entier[-3:])
        entier = entier[:-3]
    groupes.insert(0, entier)
    s = signe + "\u202f".join(groupes) + "," + dec
    return s + " €" if euro else s


def texte_taux(x: Decimal) -> str:
    """`70`, `62.5`: a rate without useless zeros."""
    s = format(x.normalize(), "f")
    return s
