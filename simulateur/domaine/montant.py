"""Money: `Decimal` only, parsed from French or English writing, rounded in one place.

Formatting for people (`31,50 €`) is not here: it belongs to the renderers (`simulateur.rendu.texte`).
The machine form of JSON and CSV (`"31.50"`) is `texte_json`.
"""
from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENTIME = Decimal("0.01")
ZERO = Decimal("0")
CENT = Decimal("100")
MONTANT_MAX = Decimal("100000000")          # 100 000 000 €: far above any act, far below overflow

_NETTOYER = re.compile(r"[\s\u00a0\u202f€]|EUR|euros?", re.IGNORECASE)
_NOMBRE = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")


class MontantInvalide(ValueError):
    """A text that is not an amount. `raison` is a stable code (booleen, flottant, illisible, infini, negatif,
    decimales, trop-grand); `texte` is what was given. The renderer words it."""

    def __init__(self, raison: str, texte: str = ""):
        self.raison = raison
        self.texte = texte
        super().__init__(f"{raison}: {texte}")


def arrondi(x: Decimal) -> Decimal:
    """The only rounding of the project: half up, to the cent (each payer, once, when final)."""
    return x.quantize(CENTIME, rounding=ROUND_HALF_UP)


def lire_decimal(texte: str | int | Decimal) -> Decimal:
    """`31.50`, `31,50`, `31,50 €`, `1 234,56`, `1.234,56`, `1,234.56` → Decimal (sign allowed).

    Raises MontantInvalide (raison booleen, flottant, illisible, infini). Floats are refused so that no
    binary rounding error can enter; a boolean (True, False) is not an amount (Python counts it as
    1 or 0: refused, not read); digits must be ASCII; spaces are only thousands separators between
    groups of three digits (`8 0` is refused, not read as 80).
    """
    if isinstance(texte, bool):
        raise MontantInvalide("booleen", repr(texte))
    if isinstance(texte, float):
        raise MontantInvalide("flottant", repr(texte))
    if isinstance(texte, Decimal):
        valeur = texte
    elif isinstance(texte, int):
        valeur = Decimal(texte)
    else:
        valeur = _decimal_de_texte(str(texte))
    if not valeur.is_finite():
        raise MontantInvalide("infini", str(texte))
    return valeur


def _decimal_de_texte(brut0: str) -> Decimal:
    t = brut0.strip()
    if not t.isascii():
        t = t.replace("\u00a0", " ").replace("\u202f", " ").replace("€", " ")
        if not t.isascii():
            raise MontantInvalide("illisible", brut0)
    t = re.sub(r"(?i)\s*(eur|euros?)\s*$", "", t).strip()
    if re.search(r"\d\s+\d", t) and not re.fullmatch(r"[+-]?\d{1,3}(?: \d{3})+(?:[.,]\d*)?", t):
        raise MontantInvalide("illisible", brut0)        # `8 0`: not a thousands grouping
    brut = _NETTOYER.sub("", t)
    if brut.count(",") == 1 and "." not in brut:
        brut = brut.replace(",", ".")
    elif "," in brut and "." in brut:
        # 1.234,56 (French thousands) or 1,234.56 (English thousands)
        if brut.rfind(",") > brut.rfind("."):
            brut = brut.replace(".", "").replace(",", ".")
        else:
            brut = brut.replace(",", "")
    if not brut or len(brut) > 40 or not _NOMBRE.fullmatch(brut):
        raise MontantInvalide("illisible", brut0)
    try:
        return Decimal(brut)
    except InvalidOperation:  # pragma: no cover - the regex already filtered
        raise MontantInvalide("illisible", brut0) from None


def lire_montant(texte: str | int | Decimal, *, negatif: bool = False, centimes: bool = True) -> Decimal:
    """An amount in euros: `lire_decimal`, then ≥ 0 (unless `negatif`), at most two decimals (unless
    not `centimes`), at most MONTANT_MAX. `-0` is read as 0. Raises MontantInvalide."""
    valeur = lire_decimal(texte)
    if valeur < 0 and not negatif and valeur != 0:
        raise MontantInvalide("negatif", _texte(texte))
    if abs(valeur) > MONTANT_MAX:
        raise MontantInvalide("trop-grand", _texte(texte))
    if centimes and valeur.as_tuple().exponent < -2 and valeur != valeur.quantize(CENTIME):
        raise MontantInvalide("decimales", _texte(texte))
    if valeur == 0:
        valeur = abs(valeur) + ZERO      # `-0`, `-0.00` → 0 (never printed `-0.00`)
    return valeur


def _texte(x) -> str:
    """The value as given, for a message (a Python int of thousands of digits cannot even be printed)."""
    if isinstance(x, int) and abs(x) >= 10 ** 40:
        return "(nombre de plus de 40 chiffres)"
    return str(x)


def texte_json(x: Decimal) -> str:
    """Machine form (JSON, CSV with a point): a string with exactly two decimals, `-0.00` never."""
    q = arrondi(x)
    return str(q if q != 0 else abs(q))


def texte_taux(x: Decimal) -> str:
    """`70`, `62.5`: a rate (or any Decimal) without useless zeros, machine form."""
    return format(x.normalize(), "f")
