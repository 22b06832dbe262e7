"""`domaine.enregistrement`: the data classes of the contract model, built without generated code (start-up
time), behave as `@dataclass(slots=True, eq=False)` / `@dataclass(frozen=True, slots=True)` would for every
use the project makes of them; and the disk cache's JSON form of contracts and parameters is lossless."""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
from decimal import Decimal

import pytest

from simulateur.domaine.enregistrement import enregistrement


@enregistrement
class Point:
    """A test record."""
    x: int
    y: int = 0
    etiquettes: list = dataclasses.field(default_factory=list)
    cache: tuple = dataclasses.field(default=(), metadata={"derive": True})


@enregistrement
class Point3(Point):
    z: Decimal = Decimal("1.50")


@enregistrement(frozen=True, eq=True)
class Valeur:
    nom: str
    montant: Decimal


def test_construction_comme_dataclass():
    p = Point(1, etiquettes=["a"])
    assert (p.x, p.y, p.etiquettes, p.cache) == (1, 0, ["a"], ())
    assert Point(x=2, y=3).y == 3
    a, b = Point(1), Point(1)
    a.etiquettes.append("x")
    assert b.etiquettes == []                       # a fresh list per instance (default_factory)
    assert a != b and a == a                        # eq=False: identity
    q = Point3(1, 2, [], (), Decimal("2"))          # inherited fields first, in order
    assert (q.x, q.y, q.z) == (1, 2, Decimal("2")) and Point3(0).z == Decimal("1.50")
    assert not hasattr(p, "__dict__")               # slots


@pytest.mark.parametrize("appel, message", [
    (lambda: Point(), "argument « x » manquant"),
    (lambda: Point(1, x=2), "argument « x » donné deux fois"),
    (lambda: Point(1, w=2), "argument inconnu « w »"),
    (lambda: Point(1, 2, [], (), 5), "au plus 4 arguments positionnels, 5 donnés"),
])
def test_erreurs_d_appel(appel, message):
    with pytest.raises(TypeError, match=message):
        appel()


def test_fields_replace_repr():
    p = Point(1, 2)
    assert [f.name for f in dataclasses.fields(Point3)] == ["x", "y", "etiquettes", "cache", "z"]
    assert dataclasses.fields(Point)[3].metadata["derive"] is True
    r = dataclasses.replace(p, y=5)
    assert (r.x, r.y, type(r)) == (1, 5, Point) and p.y == 2
    assert repr(Point3(1)) == "Point3(x=1, y=0, etiquettes=[], cache=(), z=Decimal('1.50'))"
    assert Point.__doc__ == "A test record." and Point3.__doc__ == "Point3(x, y, etiquettes, cache, z)"


def test_fige_egalite_par_valeur():
    v = Valeur("pmss", Decimal("3925"))
    with pytest.raises(dataclasses.FrozenInstanceError):
        v.montant = Decimal(0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        del v.nom
    assert v == Valeur("pmss", Decimal("3925.00")) and v != Valeur("pmss", Decimal("3925.01"))
    assert {v: 1}[Valeur("pmss", Decimal("3925"))] == 1
    assert v.__eq__(("pmss", Decimal("3925"))) is NotImplemented


def test_cache_contrats_sans_perte():
    """Every shipped contract → JSON → contract gives back the same JSON (every field, every Decimal's digits)."""
    from simulateur.contrat.depot import charger_contrat, contrats_livres
    from simulateur.contrat.serialisation import contrat_depuis_donnees, contrat_vers_donnees
    for p in contrats_livres():
        c = charger_contrat(str(p))
        d = json.loads(json.dumps(contrat_vers_donnees(c)))
        assert contrat_vers_donnees(contrat_depuis_donnees(d)) == contrat_vers_donnees(c), p.stem


def test_cache_serialisation_valeur_par_defaut_non_ecrite():
    """A field equal to its default is not written; a Decimal with other digits is (0.00 is not 0)."""
    from simulateur.contrat import expressions as ex
    from simulateur.contrat.serialisation import depuis_donnees, vers_donnees
    assert vers_donnees(ex.Fixe("50 €", montant=Decimal("50"))) == {"#c": "Fixe", "texte": "50 €", "montant": {"#d": "50"}}
    assert vers_donnees(ex.Fixe("0 €")) == {"#c": "Fixe", "texte": "0 €"}
    d = vers_donnees(ex.Fixe("0,00 €", montant=Decimal("0.00")))
    assert d["montant"] == {"#d": "0.00"} and str(depuis_donnees(d).montant) == "0.00"
    with pytest.raises(TypeError):
        depuis_donnees({"#c": "Fixe", "texte": 1.5e300, "montant": [1.5]})


def test_cache_parametres_sans_perte():
    """The shipped parameters → JSON → parameters: every series, every dated value, the same last known date."""
    from simulateur.parametres import _depuis_donnees, _vers_donnees, lire_parametres
    p = lire_parametres()
    q = _depuis_donnees(json.loads(json.dumps(_vers_donnees(p))))
    assert q.connus_jusqu_au == p.connus_jusqu_au and q.noms() == p.noms()
    for nom in p.noms():
        assert q.historique(nom) == p.historique(nom) and q.unite(nom) == p.unite(nom), nom
    assert q.valeur("pmss", dt.date(2025, 6, 1)).valeur == Decimal("3925")    # arrêté du 19/12/2024


def test_copie_et_pickle_d_un_enregistrement_fige():
    """A frozen record is copied and pickled as a frozen dataclass is (its `__setattr__` refuses: the state goes
    through `__getstate__` / `__setstate__`); so is a simulation's result (a process pool returns it)."""
    import copy
    import pickle
    from simulateur import charger_contrat, creer_acte, simuler
    from simulateur.parametres import charger_parametres
    v = charger_parametres().valeur("pmss", dt.date(2025, 6, 1))
    assert copy.copy(v) == v and copy.deepcopy(v) == v and pickle.loads(pickle.dumps(v)) == v
    assert pickle.loads(pickle.dumps(v)).valeur == Decimal("3925")          # arrêté du 19/12/2024
    w = Valeur("x", Decimal("1.50"))
    assert copy.deepcopy(w) == w and copy.copy(w).montant == Decimal("1.50")
    a = creer_acte(nature="consultation-specialiste", br="31.50", frais_reels="80", dptm=True, date="2025-06-01")
    r = pickle.loads(pickle.dumps(simuler(charger_contrat("cabinets-dentaires"), "option-2", a)))
    assert (r.reste_a_charge, [p.montant for p in r.parts]) == (Decimal("3.25"), [Decimal("9.45"), Decimal("47.25")])
