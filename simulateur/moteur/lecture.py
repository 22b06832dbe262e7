"""Reading dated regulatory parameters at the act's date, remembering which were read (for the explanation)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ..parametres import ParametreIndisponible, ReconductionRefusee

_MEMO: dict = {}   # id(parametres) -> (parametres, {(nom, date): ValeurDatee}): dated values never change
_MEMO_MAX = 200_000


class LectureParametres:
    """`lire("pmss")` → the Decimal value in force at the act's date; with `garder`, each value read
    (a `ValeurDatee`: value, date of effect, reference, source) is kept until `prendre()`.

    Past the last published value of a series (the PMSS of a year not yet published), the last value
    is carried forward (`ValeurDatee.reconduite`) and kept in `reconduits`, so that the result can
    show it as an assumption; with `strict`, it is refused (ParametreIndisponible)."""
    __slots__ = ("p", "date", "lus", "garder", "memo", "strict", "reconduits")

    def __init__(self, parametres, date: dt.date, garder: bool = True, strict: bool = False):
        self.p = parametres
        self.date = date
        self.lus: list = []
        self.garder = garder
        self.strict = strict
        self.reconduits: list = []
        memo = _MEMO.get(id(parametres))
        if memo is None or memo[0] is not parametres:
            if len(_MEMO) > 16:
                _MEMO.clear()
            memo = _MEMO[id(parametres)] = (parametres, {})
        self.memo = memo[1]

    def valeur_datee(self, nom: str, date: dt.date | None = None):
        cle = (nom, date or self.date)
        v = self.memo.get(cle)
        if v is None:
            if len(self.memo) > _MEMO_MAX:
                self.memo.clear()
            try:
                v = self.memo[cle] = self.p.valeur(*cle)
            except ParametreIndisponible as e:      # remembered too: an absent value stays absent
                v = self.memo[cle] = _reconduite(self.p, cle, e)
        if v.__class__ is ParametreIndisponible:
            raise v.with_traceback(None)
        if v.reconduite:
            if self.strict:
                raise ReconductionRefusee(
                    f"aucune valeur publiée du paramètre « {nom} » au {cle[1].isoformat()} (dernière valeur : "
                    f"{v.valeur}, du {v.depuis.isoformat()} au {v.jusqu_au.isoformat()}) ; le mode strict refuse de "
                    "reconduire la dernière valeur publiée", nom=nom, date=cle[1])
            if v not in self.reconduits:
                self.reconduits.append(v)
        if self.garder:
            self.lus.append(v)
        return v

    def __call__(self, nom: str, date: dt.date | None = None) -> Decimal:
        """The value of `nom` at the act's date (or `date`). Raises ParametreIndisponible."""
        v = self.memo.get((nom, date or self.date))
        if v is None or v.__class__ is ParametreIndisponible or v.reconduite:
            return self.valeur_datee(nom, date).valeur
        if self.garder:
            self.lus.append(v)
        return v.valeur

    def optionnel(self, nom: str) -> Decimal | None:
        """The value, or None when the parameter has none at that date (or does not exist)."""
        try:
            return self(nom)
        except ReconductionRefusee:
            raise
        except ParametreIndisponible:
            return None

    def prendre(self) -> list:
        """The values read since the last call, in order (and forget them)."""
        lus, self.lus = self.lus, []
        return lus


def _reconduite(p, cle, erreur):
    """The series' last value carried forward past its end, or the error (before the first value, a gap)."""
    try:
        return p.valeur_reconduite(*cle)
    except ParametreIndisponible:
        return erreur
