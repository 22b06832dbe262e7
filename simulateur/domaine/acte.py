"""The act: its class and `creer_acte`, both made from the table of fields (`domaine.champs.CHAMPS`).

`creer_acte(**textes)` is the one place that checks an act's inputs, whatever the front end:
the command line, a CSV cell, a notebook. Each field is read by its own parser; then the rules that
tie fields together (a base de remboursement is needed for a nature the Sécurité sociale pays; the
frame is part of the frais réels). `ConvertisseurActes` does the same for a batch, caching each
distinct cell text so that a million rows parse each `31.50` once.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import operator
from decimal import Decimal

from .champs import CHAMPS, NOMS, PAR_NOM, lire_booleen, lire_date, lire_verres  # noqa: F401  (re-exported)
from .enregistrement import representation
from .erreurs import ActeInvalide
from .natures import NATURES, suggestion

PANIERS = PAR_NOM["panier"].valeurs
CLASSES = ("simple", "complexe", "tres-complexe")
_SANS_DEFAUT = ("nature", "date", "br", "frais_reels")


def _classe_acte():
    """`Acte`: a slotted class with one attribute per field, in the table's order (positional
    construction follows that order; `dataclasses.replace` works), and `donnes`: the names of the
    fields the user gave (a frozenset), or None when unknown — what is not given is an assumption
    the result shows (`Resultat.hypotheses`)."""
    champs = [(c.nom, object) if c.nom in _SANS_DEFAUT else (c.nom, object, dataclasses.field(default=c.defaut))
              for c in CHAMPS]
    champs.append(("donnes", object, dataclasses.field(default=None)))
    # `__init__` generated (an act is built per row of a batch: the fastest one); `__repr__` shared (start-up)
    classe = dataclasses.make_dataclass("Acte", champs, slots=True, eq=False, repr=False)
    classe.__repr__ = representation
    classe.__module__ = __name__
    classe.__doc__ = ("One act, every input checked (build it with `creer_acte`). Amounts are Decimal euros, "
                      "dates `datetime.date`; the attributes are the fields of `simulateur.domaine.champs.CHAMPS`.")
    return classe


Acte = _classe_acte()
_NATURES_NON_REMBOURSEES = frozenset(code for code, n in NATURES.items() if n.taux is None)
_ZERO = Decimal(0)


def verifier_acte(a: "Acte") -> "Acte":
    """The rules between fields, on an act whose every field was read. Returns it; raises ActeInvalide.

    - `nature` absent: required, unless an act code (`acte`) gives it (the engine reads the catalogue);
    - `br` absent: 0 for a nature the Sécurité sociale does not pay, required otherwise — unless an act
      code gives it;
    - `monture` (the frame's share of the price) is at most the frais réels.
    """
    if a.nature is None and a.acte is None:
        raise ActeInvalide("requis", "nature")
    if a.br is None and a.acte is None:
        if a.nature not in _NATURES_NON_REMBOURSEES:
            raise ActeInvalide("requis", "br", nature=a.nature)
        a.br = _ZERO
    if a.monture is not None and a.monture > a.frais_reels:
        raise ActeInvalide("monture-superieure", "monture", monture=a.monture, frais_reels=a.frais_reels)
    return a


def _vide(x) -> bool:
    return x is None or (isinstance(x, str) and x.strip() == "")


def creer_acte(**entrees) -> "Acte":
    """An `Acte` from its fields given as text or Python values (`nature="biologie", br="31,50",
    dptm=True, date="2025-06-01"`…): the keywords are the names of `CHAMPS`.

    A field left out or empty takes its default; `date` defaults to today. Raises `ActeInvalide`
    (its `champ` names the field) for a value the field's parser refuses or a missing required
    field, and `TypeError` for an unknown keyword.
    """
    inconnus = [k for k in entrees if k not in PAR_NOM]
    if inconnus:
        raise TypeError(f"creer_acte : champ inconnu « {inconnus[0]} »{suggestion(inconnus[0], NOMS)} "
                        f"(champs : {', '.join(NOMS)})")
    v = {}
    for c in CHAMPS:
        x = entrees.get(c.nom)
        if _vide(x):
            if c.requis:
                raise ActeInvalide("requis", c.nom)
            v[c.nom] = c.defaut
        else:
            v[c.nom] = c.lire(x)
    if v["date"] is None:
        v["date"] = dt.date.today()
    v["donnes"] = frozenset(k for k, x in entrees.items() if not _vide(x))
    return verifier_acte(Acte(**v))


class ConvertisseurActes:
    """Cells of a batch row → Acte, with the parsers of the fields and a cache per distinct text.

    `colonnes` maps a field name to its cell index in the row. `acte(cellules)` returns the Acte or
    raises ActeInvalide exactly as `creer_acte` would for the same texts (same parsers, same checks,
    in the same order); a row without the `date` column value is refused (`requis`, date): a batch
    orders each beneficiary's acts by date.
    """

    TAILLE_CACHE = 100_000        # distinct texts per field; beyond, the field's cache restarts
    FREQUENTS = ("nature", "date", "br", "frais_reels")    # read one by one; the other cells as one combination

    def __init__(self, colonnes: dict[str, int]):
        lus = [(k, c, colonnes[c.nom]) for k, c in enumerate(CHAMPS) if c.nom in colonnes]
        self.caches = {c.nom: {} for _, c, _ in lus}
        self.frequents = [(k, c, i) for k, c, i in lus if c.nom in self.FREQUENTS]
        self.autres = [(k, c, i) for k, c, i in lus if c.nom not in self.FREQUENTS]
        self.modele = [c.defaut for c in CHAMPS] + [None]   # absent columns: the fields' defaults; then `donnes`
        self.p_donnes = len(CHAMPS)
        self.p_nature, self.p_br = NOMS.index("nature"), NOMS.index("br")
        self.donnes: dict = {}            # (the other cells' given fields, nature given, br given) → frozenset
        self.combinaisons: dict = {}      # the other cells' texts → the act's values (positional) or the first refusal
        self.p_date = NOMS.index("date")
        self.places_frequents = [k for k, _, _ in self.frequents]
        idx = [i for _, _, i in self.autres]
        self.cle_autres = (operator.itemgetter(*idx) if len(idx) > 1 else
                           (lambda c, i=idx[0]: (c[i],)) if idx else (lambda c: ()))

    def valeur(self, c, texte):
        """The field's value for a cell text (cached per text), or ActeInvalide."""
        cache = self.caches[c.nom]
        v = cache.get(texte)
        if v is None:
            if _vide(texte):
                v = ActeInvalide("requis", c.nom) if (c.requis or c.nom == "date") else (c.defaut,)
            else:
                try:
                    v = (c.lire(texte),)
                except ActeInvalide as e:
                    v = e
            if len(cache) >= self.TAILLE_CACHE:
                cache.clear()
            cache[texte] = v
        if v.__class__ is tuple:
            return v[0]
        raise v.with_traceback(None)      # the same value each time; no traceback accumulates

    def _combinaison(self, cellules):
        cle = self.cle_autres(cellules)
        v = self.combinaisons.get(cle)
        if v is None:
            v = self.modele.copy()
            try:
                for k, c, i in self.autres:
                    v[k] = self.valeur(c, cellules[i])
                v[self.p_donnes] = frozenset(c.nom for _, c, i in self.autres if not _vide(cellules[i]))
            except ActeInvalide as e:
                v = e
            if len(self.combinaisons) >= self.TAILLE_CACHE:
                self.combinaisons.clear()
            self.combinaisons[cle] = v
        return v

    def acte(self, cellules) -> "Acte":
        """The Acte of a row's cells (indexable by the columns' indices), or ActeInvalide — the same
        values and the same first refusal as `creer_acte` (fields in the table's order)."""
        premiers = []
        for _, c, i in self.frequents:
            x = self.caches[c.nom].get(cellules[i])
            premiers.append(x[0] if x.__class__ is tuple else self.valeur(c, cellules[i]))
        v = self.combinaisons.get(self.cle_autres(cellules))
        if v is None:
            v = self._combinaison(cellules)
        if v.__class__ is not list:
            raise v.with_traceback(None)
        v = v.copy()
        for k, x in zip(self.places_frequents, premiers):
            v[k] = x
        if v[self.p_date] is None:
            raise ActeInvalide("requis", "date")
        v[self.p_donnes] = self._donnes(v[self.p_donnes], v[self.p_nature] is not None, v[self.p_br] is not None)
        return verifier_acte(Acte(*v))

    def _donnes(self, autres, nature: bool, br: bool) -> frozenset:
        """The fields a row gives: its non-empty cells (date and frais réels always)."""
        cle = (autres, nature, br)
        d = self.donnes.get(cle)
        if d is None:
            d = autres | {"date", "frais_reels"} | ({"nature"} if nature else set()) | ({"br"} if br else set())
            if len(self.donnes) < 10_000:
                self.donnes[cle] = d
        return d


def acte_en_dict(acte) -> dict:
    """Every field of the act, in the machine form of the JSON outputs (`acte` object): enough to rebuild
    the same act with `creer_acte(**acte_en_dict(a))` and replay its result."""
    return {c.nom: c.machine(getattr(acte, c.nom)) for c in CHAMPS}


__all__ = ["Acte", "acte_en_dict", "CLASSES", "ConvertisseurActes", "PANIERS", "creer_acte", "lire_booleen", "lire_date", "lire_verres",
           "verifier_acte"]
