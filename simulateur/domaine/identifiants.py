"""Beneficiary ids: one documented normalisation, the same for every front end.

Spreadsheet exports decorate ids: a trailing no-break space, a zero-width space, an accent typed in
one of Unicode's two forms. `normaliser_beneficiaire` removes the surrounding white space (Unicode's,
so no-break and narrow no-break spaces too, plus zero-width spaces and byte-order marks) and puts
the text in Unicode NFC form. Case is kept: `Paul` and `paul` are two beneficiaries.
"""
from __future__ import annotations

import unicodedata

_BORDS = " \t\r\n\v\f\u00a0\u2007\u202f\u200b\u200c\u200d\u2060\ufeff\u3000\u1680\u2000\u2001\u2002\u2003\u2004\u2005" \
         "\u2006\u2008\u2009\u200a\u205f\u0085\u2028\u2029"


def normaliser_beneficiaire(texte) -> str:
    """`"  paul\\u00a0"` → `"paul"`; `"Zoe\\u0301"` → `"Zoé"` (NFC). None → ""."""
    if texte is None:
        return ""
    t = str(texte).strip(_BORDS)
    return t if t.isascii() else unicodedata.normalize("NFC", t).strip(_BORDS)
