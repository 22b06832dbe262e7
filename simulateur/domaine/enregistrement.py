"""`@enregistrement`: a data class like `@dataclass(slots=True, eq=False)`, built without generating code.

`dataclasses` writes each class's `__init__` and `__repr__` as source text and compiles it when the
module is imported: for the thirty-odd classes of a contract (model, expressions, natures) that is
about 10 ms of every `simulateur` process, a third of what the command itself adds to Python's own
start-up. Here `dataclasses` still does the field bookkeeping (`dataclasses.fields`, `replace`,
defaults, `field(default_factory=…, metadata=…)` all work as usual), but with `init=False,
repr=False`, and the class gets one shared `__init__` and `__repr__` that read the field list.

Same behaviour as the generated methods for what the project uses: positional or keyword arguments
in field order, defaults and default factories, a TypeError for a missing, unknown or repeated
argument; equality stays identity (`eq=False`), or compares the fields' values (`eq=True`, with a
hash when `frozen=True`); instances have `__slots__`. Only for classes built
once per contract or per message: the act (`domaine.acte`), built per row, keeps `dataclasses`' own
compiled `__init__`. A class without a docstring gets its name and fields as one, as with `dataclass`.
"""
from __future__ import annotations

import dataclasses

_MANQUE = dataclasses.MISSING


def _specification(classe) -> tuple:
    """((name, default, factory), …) of the fields `__init__` takes, in order."""
    return tuple((f.name, f.default, f.default_factory) for f in dataclasses.fields(classe) if f.init)


def _init(self, *args, **kwargs):
    spec = type(self)._enregistrement
    if len(args) > len(spec):
        raise TypeError(f"{type(self).__name__}() attend au plus {len(spec)} arguments positionnels, "
                        f"{len(args)} donnés")
    for (nom, defaut, fabrique), valeur in zip(spec, args):
        if nom in kwargs:
            raise TypeError(f"{type(self).__name__}() : argument « {nom} » donné deux fois")
        kwargs[nom] = valeur
    for nom, defaut, fabrique in spec:
        valeur = kwargs.pop(nom, _MANQUE)
        if valeur is _MANQUE:
            if defaut is not _MANQUE:
                valeur = defaut
            elif fabrique is not _MANQUE:
                valeur = fabrique()
            else:
                raise TypeError(f"{type(self).__name__}() : argument « {nom} » manquant")
        object.__setattr__(self, nom, valeur)
    if kwargs:
        raise TypeError(f"{type(self).__name__}() : argument inconnu « {next(iter(kwargs))} »")


def representation(self) -> str:
    """`Classe(champ=valeur, …)` of a data class's fields, as the `__repr__` `dataclasses` would write."""
    champs = ", ".join(f"{f.name}={getattr(self, f.name)!r}" for f in dataclasses.fields(self) if f.repr)
    return f"{type(self).__qualname__}({champs})"


def _valeurs(self) -> tuple:
    return tuple(getattr(self, f.name) for f in dataclasses.fields(self) if f.compare)


def _eq(self, autre):
    if autre.__class__ is not self.__class__:
        return NotImplemented
    return _valeurs(self) == _valeurs(autre)


def _hash(self) -> int:
    return hash(_valeurs(self))


def _etat(self) -> list:
    """The fields' values: what `copy` and `pickle` keep of a frozen record (its `__setattr__` refuses)."""
    return [getattr(self, f.name) for f in dataclasses.fields(self)]


def _restaurer(self, etat: list) -> None:
    for f, valeur in zip(dataclasses.fields(self), etat):
        object.__setattr__(self, f.name, valeur)


def _fige(self, nom, valeur=None):
    raise dataclasses.FrozenInstanceError(f"cannot assign to field {nom!r}")


def _fige_del(self, nom):
    raise dataclasses.FrozenInstanceError(f"cannot delete field {nom!r}")


def enregistrement(classe=None, /, *, frozen: bool = False, eq: bool = False):
    """Class decorator: `classe` as `@dataclass(slots=True, eq=False)` would make it (see the module's
    docstring), its `__init__` and `__repr__` shared rather than generated. `@enregistrement(frozen=True,
    eq=True)` is `@dataclass(frozen=True, slots=True)`: assignment raises `FrozenInstanceError`, equality
    and hash are those of the fields' values. Returns the new class (with `__slots__`, as
    `dataclass(slots=True)` does)."""
    if classe is None:
        return lambda c: _enregistrer(c, frozen, eq)
    return _enregistrer(classe, frozen, eq)


def _enregistrer(classe, frozen: bool, eq: bool):
    sans_doc = not classe.__doc__
    if sans_doc:                 # else dataclasses computes an `inspect.signature`, the cost saved here
        classe.__doc__ = classe.__name__
    classe = dataclasses.dataclass(init=False, repr=False, eq=False, slots=True)(classe)
    classe._enregistrement = _specification(classe)
    classe.__init__ = _init
    classe.__repr__ = representation
    if eq:
        classe.__eq__ = _eq
        classe.__hash__ = _hash if frozen else None
    if frozen:
        classe.__setattr__ = _fige
        classe.__delattr__ = _fige_del
        classe.__getstate__ = _etat          # copy, deepcopy and pickle go through these, as for a frozen dataclass
        classe.__setstate__ = _restaurer
    if sans_doc:
        classe.__doc__ = f"{classe.__name__}({', '.join(nom for nom, _, _ in classe._enregistrement)})"
    return classe
