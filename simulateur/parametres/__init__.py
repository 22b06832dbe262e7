"""Paramètres réglementaires datés (PMSS, taux de la Sécurité sociale, participations, forfaits,
plafonds du contrat responsable, 100 % Santé…) et le lecteur pur qui choisit la valeur en vigueur
à une date.

Les données vivent dans les fichiers YAML de ce dossier, au format « à la OpenFisca » : chaque
paramètre a un nom pointé global (``pmss``, ``taux_ss.general.medecins``), une unité et une liste
de valeurs datées, chacune avec sa référence juridique et la source où elle a été lue.

Pourquoi un lecteur à part : le moteur ne connaît aucun chiffre réglementaire ; c'est la date de
l'acte qui choisit la valeur, et une date sans valeur connue est une erreur qui nomme le paramètre
(jamais la valeur d'une autre année, silencieusement).

Conventions :

- ``valeur`` est toujours un :class:`~decimal.Decimal` (écrit entre guillemets dans le YAML) ;
- les taux (unité ``pourcent``) sont en points de pourcentage : ``70`` signifie 70 % ;
- ``ValeurDatee.jusqu_au`` est la fin *effective* de la période (incluse) : la borne écrite dans le
  YAML, sinon la veille de la valeur suivante, sinon ``None`` (valeur ouverte, en vigueur à ce jour).
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_right
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from ..domaine.enregistrement import enregistrement

__all__ = [
    "ErreurParametres",
    "ParametreIndisponible",
    "Parametres",
    "ReconductionRefusee",
    "ValeurDatee",
    "charger_parametres",
    "lire_fichier_parametres",
    "lire_parametres",
]

DOSSIER = Path(__file__).parent

UNITES = frozenset({"euro", "pourcent", "nombre", "jours", "mois", "annees", "booleen"})

# How far past the last published value a date may go (docs/situations.md, « Au-delà des paramètres
# publiés »): the parameters are known up to `Parametres.connus_jusqu_au` (the latest date any value
# covers); an act up to the end of the HORIZON_ANNEES-th civil year after it is computed with the
# last values (carried forward, flagged as assumptions); beyond, it is refused: rates, tariffs and
# ceilings change over such spans and a result would mean nothing.
HORIZON_ANNEES = 5

_CLES_PARAMETRE = frozenset({"description", "unite", "valeurs"})
_CLES_VALEUR = frozenset({"depuis", "jusqu_au", "valeur", "reference", "source"})
_NOM = r"[a-z0-9_-]+(?:\.[a-z0-9_-]+)*"          # patterns of the YAML reader, compiled (by `re`'s own cache)
_NOMBRE = r"-?[0-9]+(?:\.[0-9]+)?"               # only when a file is read: a cached start never pays for them

_TAG_STR = "tag:yaml.org,2002:str"
_TAG_DATE = "tag:yaml.org,2002:timestamp"


class ParametreIndisponible(LookupError):
    """Aucune valeur du paramètre à la date demandée, ou paramètre inconnu.

    As a value for the renderers (`rendu.messages`): `nom` (the key), `date`, and when the series
    exists `description` (its `description:` line) and `periodes` ((debut, fin or None), …: the dates
    it covers, merged). `str(e)` stays a plain sentence for Python callers."""

    def __init__(self, message: str, nom: str, date: dt.date | None = None, description: str = "",
                 periodes: tuple = ()) -> None:
        super().__init__(message)
        self.nom = nom
        self.date = date
        self.description = description
        self.periodes = tuple(periodes)


class ReconductionRefusee(ParametreIndisponible):
    """A value past the last published one, which strict mode refuses to carry forward."""


class ErreurParametres(ValueError):
    """Fichiers de paramètres invalides. Toutes les erreurs trouvées sont réunies
    (``self.erreurs``), chacune préfixée par ``fichier:ligne``."""

    def __init__(self, erreurs: list[str]) -> None:
        self.erreurs = list(erreurs)
        entete = f"{len(self.erreurs)} erreur(s) dans les paramètres réglementaires :"
        super().__init__("\n".join([entete, *("  " + e for e in self.erreurs)]))


@enregistrement(frozen=True, eq=True)
class ValeurDatee:
    """Une valeur d'un paramètre et sa période de validité (bornes incluses)."""

    nom: str
    valeur: Decimal
    depuis: dt.date
    jusqu_au: dt.date | None
    reference: str
    source: str
    reconduite: bool = False      # past the series' last published value: that value carried forward

    def en_vigueur(self, date: dt.date) -> bool:
        return self.depuis <= date and (self.jusqu_au is None or date <= self.jusqu_au)


@enregistrement(frozen=True, eq=True)
class _Serie:
    nom: str
    description: str
    unite: str
    debuts: tuple[dt.date, ...]
    valeurs: tuple[ValeurDatee, ...]


def _texte_date(date: dt.date) -> str:
    return date.isoformat()


def periodes_couvertes(valeurs: tuple[ValeurDatee, ...]) -> tuple:
    """The periods a series covers, merged when they touch: ((debut, fin or None), …)."""
    blocs: list[list[dt.date | None]] = []
    for v in valeurs:
        if blocs:
            fin = blocs[-1][1]
            if fin is not None and fin + dt.timedelta(days=1) == v.depuis:
                blocs[-1][1] = v.jusqu_au
                continue
        blocs.append([v.depuis, v.jusqu_au])
    return tuple((d, f) for d, f in blocs)


def _periodes_connues(valeurs: tuple[ValeurDatee, ...]) -> str:
    """Les périodes couvertes, fusionnées quand elles se touchent : « du X au Y », « depuis le X »."""
    blocs = periodes_couvertes(valeurs)
    morceaux = [
        f"depuis le {_texte_date(d)}" if f is None else f"du {_texte_date(d)} au {_texte_date(f)}"
        for d, f in blocs
    ]
    return " ; ".join(morceaux)


class Parametres:
    """L'ensemble des paramètres chargés ; lecture seule, recherche par dichotomie sur la date."""

    __slots__ = ("_series", "_connus", "_origines")

    def __init__(self, series: dict[str, _Serie], origines: dict[str, str] | None = None) -> None:
        # nom -> _Serie; from the disk cache, nom -> its JSON data, built on first use (`_serie`): a
        # command reads a few of the series, and start-up time is not spent on the others
        self._series = series
        self._origines = origines or {}      # nom -> "fichier:ligne" où la série a été lue (messages)
        self._connus = None

    @property
    def connus_jusqu_au(self) -> dt.date:
        """The latest date a published value covers (the end of a bounded last value, else its start):
        beyond it, every value is the last one known, carried forward."""
        if self._connus is None:
            dates = [d for s in self._series.values() if (d := _fin_connue(s)) is not None]
            self._connus = max(dates) if dates else dt.date.min
        return self._connus

    @property
    def horizon(self) -> dt.date:
        """The last date an act may have: 31 December of the HORIZON_ANNEES-th year after `connus_jusqu_au`."""
        return dt.date(min(self.connus_jusqu_au.year + HORIZON_ANNEES, 9999), 12, 31)

    def valeur_reconduite(self, nom: str, date: dt.date) -> ValeurDatee:
        """`valeur(nom, date)`, except past the end of the series' LAST value (a value bounded to its
        year, as the PMSS): that value, carried forward and marked `reconduite` (its `depuis` and
        `jusqu_au` unchanged, so that the assumption can say which year's value is used).

        A date before the first value or in a gap between two values still raises ParametreIndisponible."""
        try:
            return self.valeur(nom, date)
        except ParametreIndisponible:
            serie = self._serie(nom, date)
            derniere = serie.valeurs[-1]
            if derniere.jusqu_au is None or date <= derniere.jusqu_au:
                raise
            return ValeurDatee(nom, derniere.valeur, derniere.depuis, derniere.jusqu_au, derniere.reference,
                               derniere.source, True)

    def _serie(self, nom: str, date: dt.date | None = None) -> _Serie:
        serie = self._series.get(nom)
        if type(serie) is list:
            serie = self._series[nom] = _serie_depuis_donnees(nom, serie)
        if serie is None:
            import difflib  # seulement sur le chemin d'erreur

            proches = difflib.get_close_matches(nom, self._series, n=1)
            indice = f" ; vouliez-vous dire « {proches[0]} » ?" if proches else ""
            quand = f" (demandé au {_texte_date(date)})" if date is not None else ""
            raise ParametreIndisponible(
                f"paramètre inconnu « {nom} »{quand}{indice}", nom=nom, date=date
            )
        return serie

    def valeur(self, nom: str, date: dt.date) -> ValeurDatee:
        """La valeur de ``nom`` en vigueur le jour ``date``.

        Lève :class:`ParametreIndisponible` si le paramètre est inconnu ou n'a pas de valeur
        à cette date (avant la première valeur, après une valeur bornée, dans un trou)."""
        if isinstance(date, dt.datetime):
            date = date.date()
        elif not isinstance(date, dt.date):
            raise TypeError(f"date attendue (datetime.date), reçu {type(date).__name__} : {date!r}")
        serie = self._serie(nom, date)
        i = bisect_right(serie.debuts, date) - 1
        if i >= 0:
            v = serie.valeurs[i]
            if v.jusqu_au is None or date <= v.jusqu_au:
                return v
        raise ParametreIndisponible(
            f"aucune valeur du paramètre « {nom} » au {_texte_date(date)} "
            f"(valeurs connues {_periodes_connues(serie.valeurs)})",
            nom=nom,
            date=date,
            description=serie.description,
            periodes=periodes_couvertes(serie.valeurs),
        )

    def noms(self) -> list[str]:
        return sorted(self._series)

    def historique(self, nom: str) -> list[ValeurDatee]:
        return list(self._serie(nom).valeurs)

    def unite(self, nom: str) -> str:
        return self._serie(nom).unite

    def description(self, nom: str) -> str:
        return self._serie(nom).description

    def __contains__(self, nom: object) -> bool:
        return nom in self._series

    def __len__(self) -> int:
        return len(self._series)

    def __repr__(self) -> str:
        return f"<Parametres : {len(self._series)} paramètres>"

    def avec(self, autres: "Parametres") -> "Parametres":
        """Ces paramètres, où chaque série de ``autres`` remplace celle du même nom (scénario de réforme :
        ``charger_parametres().avec(lire_fichier_parametres("reforme.yaml"))``). Une série remplacée l'est
        en entier : toutes ses valeurs datées viennent de ``autres``. Lève :class:`ErreurParametres` si
        ``autres`` nomme un paramètre inconnu ici (une faute de frappe ne doit rien changer en silence)."""
        inconnus = [n for n in autres._series if n not in self._series]
        if inconnus:
            import difflib  # seulement sur le chemin d'erreur

            erreurs = []
            for n in inconnus:
                proches = difflib.get_close_matches(n, self._series, n=1)
                indice = f" ; vouliez-vous dire « {proches[0]} » ?" if proches else ""
                erreurs.append(f"{autres._origines.get(n, n)}: paramètre inconnu « {n} » : un scénario ne remplace que des "
                               f"paramètres existants (ceux des fichiers livrés, simulateur/parametres/*.yaml){indice}")
            raise ErreurParametres(erreurs)
        autres_unites = [(n, autres.unite(n), self.unite(n)) for n in autres._series if autres.unite(n) != self.unite(n)]
        if autres_unites:    # a rate given as euros would escape the rate's bounds (0–100 %)
            raise ErreurParametres([f"{autres._origines.get(n, n)}: paramètre « {n} » : unité « {u} » différente de celle du "
                                    f"paramètre livré (« {v} ») : un scénario garde l'unité de la série qu'il remplace"
                                    for n, u, v in autres_unites])
        return Parametres({**self._series, **autres._series})


# --------------------------------------------------------------------------------------------
# Chargement et validation (le lecteur YAML du projet : simulateur.fichiers.yaml_strict)


# The range of each kind of value (`unite`): (minimum, maximum or None, whole number only, what it is).
# A rate beyond 0–100 % or a negative amount would make the Sécurité sociale pay less than 0 or more
# than the base: refused when the file is read, never computed.
BORNES = {
    "pourcent": (Decimal(0), Decimal(100), False, "un taux est un pourcentage entre \"0\" et \"100\""),
    "euro": (Decimal(0), Decimal(100_000_000), False,
             "un montant en euros est positif ou nul, au plus 100 000 000, au centime (ex. \"22.50\")"),
    "annees": (Decimal(0), Decimal(200), True, "un nombre d'années (âge, délai) est un entier de 0 à 200"),
    "mois": (Decimal(0), Decimal(2400), True, "un nombre de mois est un entier de 0 à 2 400"),
    "jours": (Decimal(0), Decimal(100_000), True, "un nombre de jours est un entier de 0 à 100 000"),
    "nombre": (Decimal(0), Decimal(1_000_000), True, "un nombre (d'actes, de séances) est un entier de 0 à 1 000 000"),
    "booleen": (Decimal(0), Decimal(1), True, "unité booleen : la valeur est \"1\" (oui) ou \"0\" (non)"),
}
# Series that must be strictly positive, whatever their unit: the base of other amounts.
STRICTEMENT_POSITIFS = {
    "pmss": "le plafond mensuel de la Sécurité sociale est strictement positif : il sert de base aux garanties "
            "« % PMSS » (arrêté annuel, ex. \"3925\" en 2025)",
}


def hors_bornes(nom: str, unite: str, valeur: Decimal) -> str | None:
    """Why `valeur` is out of the range of its kind (`BORNES[unite]`, `STRICTEMENT_POSITIFS[nom]`), in
    French with the value received, or None when it is in range."""
    if nom in STRICTEMENT_POSITIFS and valeur <= 0:
        return f"{STRICTEMENT_POSITIFS[nom]} ; reçu « {valeur} »"
    borne = BORNES.get(unite)
    if borne is None:
        return None
    bas, haut, entier, quoi = borne
    decimales = -valeur.as_tuple().exponent if valeur.as_tuple().exponent < 0 else 0
    if (valeur < bas or (haut is not None and valeur > haut) or (entier and valeur != valeur.to_integral_value())
            or (unite == "euro" and decimales > 2 and valeur != valeur.quantize(Decimal("0.01")))):
        return f"{quoi} ; reçu « {valeur} »"
    return None


class _LectureFichier:
    """Lit un fichier de paramètres avec le lecteur YAML du projet ; les problèmes sont des `Probleme`."""

    def __init__(self, chemin: Path, nom: str):
        from ..fichiers.yaml_strict import LecteurYaml
        self.chemin, self.nom = chemin, nom
        self.lect = LecteurYaml(nom)

    def pb(self, noeud, message: str, chemin_cle: str = "") -> None:
        self.lect.pb(noeud, f"{chemin_cle} : {message}" if chemin_cle else message)

    def date(self, noeud, chemin_cle: str) -> dt.date | None:
        if getattr(noeud, "tag", "") == _TAG_DATE:
            try:
                return dt.date.fromisoformat(noeud.value)
            except ValueError:
                pass
        valeur = getattr(noeud, "value", "…") if not isinstance(getattr(noeud, "value", ""), list) else "…"
        self.pb(noeud, f"date AAAA-MM-JJ attendue (sans guillemets), reçu « {str(valeur)[:40]} »", chemin_cle)
        return None

    def nombre(self, noeud, chemin_cle: str) -> Decimal | None:
        valeur = getattr(noeud, "value", None)
        if not isinstance(valeur, str):
            self.pb(noeud, "un nombre entre guillemets est attendu", chemin_cle)
            return None
        if noeud.tag != _TAG_STR or noeud.style not in ('"', "'"):
            self.pb(noeud, f"la valeur {valeur[:40]} doit être écrite entre guillemets (valeur: \"{valeur[:40]}\") : "
                           "jamais de nombre flottant ou entier YAML", chemin_cle)
            return None
        if not re.fullmatch(_NOMBRE, valeur):
            self.pb(noeud, f"« {valeur[:40]} » n'est pas un nombre décimal (chiffres, point décimal, ex. \"22.50\")", chemin_cle)
            return None
        return Decimal(valeur)

    def texte(self, noeud, chemin_cle: str) -> str | None:
        """A non-empty text, through the project's YAML reader (a control character is refused: it would
        reach the terminal with `--explique`)."""
        if getattr(noeud, "tag", "") != _TAG_STR or not str(getattr(noeud, "value", "")).strip():
            self.pb(noeud, "texte non vide attendu", chemin_cle)
            return None
        t = self.lect.texte(noeud, chemin_cle)
        return t.strip() if t is not None else None

    def valeur(self, noeud, chemin_v: str):
        """(depuis, jusqu_au, valeur, reference, source, lieu) of one dated value, or None."""
        v = self.lect.mapping(noeud, chemin_v, tuple(sorted(_CLES_VALEUR)))
        if v is None:
            return None
        manquantes = {"depuis", "valeur", "reference", "source"} - v.keys()
        if manquantes:
            self.pb(noeud, f"clé(s) manquante(s) : {', '.join(sorted(manquantes))}", chemin_v)
            return None
        depuis = self.date(v["depuis"][0], f"{chemin_v}.depuis")
        jusqu_au = self.date(v["jusqu_au"][0], f"{chemin_v}.jusqu_au") if "jusqu_au" in v else None
        montant = self.nombre(v["valeur"][0], f"{chemin_v}.valeur")
        reference = self.texte(v["reference"][0], f"{chemin_v}.reference")
        source = self.texte(v["source"][0], f"{chemin_v}.source")
        if None in (depuis, montant, reference, source) or ("jusqu_au" in v and jusqu_au is None):
            return None
        if jusqu_au is not None and jusqu_au < depuis:
            self.pb(noeud, f"jusqu_au ({jusqu_au}) est avant depuis ({depuis})", chemin_v)
            return None
        return depuis, jusqu_au, montant, reference, source, noeud

    def bornes(self, nom: str, unite: str, brutes: list) -> bool:
        """Every value within the range of its kind (`BORNES` by `unite`, `STRICTEMENT_POSITIFS` by name):
        a problem at the value's `fichier:ligne` for each one out of range; True if all are in range.
        The same check for the shipped files, a `--parametres` scenario and the acts' catalogue."""
        bon = True
        for b in brutes:
            probleme = hors_bornes(nom, unite, b[2])
            if probleme:
                noeud = next((v for k, v in getattr(b[5], "value", ()) if getattr(k, "value", None) == "valeur"), b[5])
                self.pb(noeud, f"{nom} : {probleme}")
                bon = False
        return bon

    def periodes(self, nom: str, brutes: list) -> list[ValeurDatee] | None:
        """The dated values in order, each period after the previous one; None if they overlap or are unsorted."""
        valeurs: list[ValeurDatee] = []
        for i, (depuis, jusqu_au, montant, reference, source, noeud) in enumerate(brutes):
            if i:
                prec_depuis, prec_fin = brutes[i - 1][0], brutes[i - 1][1]
                if depuis <= prec_depuis:
                    self.pb(noeud, f"{nom} : valeurs non triées ({depuis} vient après {prec_depuis}) ; rangez les valeurs "
                                   "par date croissante")
                    return None
                if prec_fin is not None and depuis <= prec_fin:
                    self.pb(noeud, f"{nom} : la période commençant le {depuis} chevauche la précédente (qui court jusqu'au "
                                   f"{prec_fin})")
                    return None
            fin = brutes[i + 1][0] - dt.timedelta(days=1) if jusqu_au is None and i + 1 < len(brutes) else jusqu_au
            valeurs.append(ValeurDatee(nom, montant, depuis, fin, reference, source))
        return valeurs

    def serie(self, nom: str, noeud, cle_noeud) -> _Serie | None:
        if not re.fullmatch(_NOM, nom):
            self.pb(cle_noeud, f"nom de paramètre « {nom[:60]} » invalide (minuscules, chiffres, _ et -, parties séparées "
                               "par des points)")
            return None
        champs = self.lect.mapping(noeud, nom, tuple(sorted(_CLES_PARAMETRE)))
        if champs is None:
            return None
        manquantes = _CLES_PARAMETRE - champs.keys()
        if manquantes:
            self.pb(cle_noeud, f"{nom} : clé(s) manquante(s) : {', '.join(sorted(manquantes))}")
            return None
        description = self.texte(champs["description"][0], f"{nom}.description")
        unite = self.texte(champs["unite"][0], f"{nom}.unite")
        if unite is not None and unite not in UNITES:
            self.pb(champs["unite"][0], f"« {unite[:40]} » inconnue (unités permises : {', '.join(sorted(UNITES))})", f"{nom}.unite")
            unite = None
        liste = champs["valeurs"][0]
        if not getattr(liste, "value", None) or not isinstance(liste.value, list) or liste.id != "sequence":
            self.pb(liste, "une liste non vide de valeurs datées est attendue", f"{nom}.valeurs")
            return None
        brutes = [self.valeur(x, f"{nom}.valeurs[{k}]") for k, x in enumerate(liste.value)]
        if description is None or unite is None or None in brutes:
            return None
        if not self.bornes(nom, unite, brutes):
            return None
        valeurs = self.periodes(nom, brutes)
        if valeurs is None:
            return None
        return _Serie(nom, description, unite, tuple(v.depuis for v in valeurs), tuple(valeurs))


def _lire_fichier(chemin: Path, series: dict[str, _Serie], origines: dict[str, str], erreurs: list[str]) -> None:
    """Reads one parameter file into `series`; every problem found goes to `erreurs` as `fichier:ligne: …`."""
    from ..contrat.depot import lire_texte
    from ..domaine.erreurs import ContratIntrouvable, ContratInvalide
    from ..fichiers.yaml_strict import composer
    L = _LectureFichier(chemin, chemin.name)
    try:        # read once, size-bounded: a scenario may come through a pipe (`--parametres <(…)`)
        racine = composer(lire_texte(chemin, chemin.name), chemin.name)
    except ContratIntrouvable as exc:
        erreurs.append(f"{chemin.name}: lecture impossible : {exc}")
        return
    except ContratInvalide as exc:
        if "vide" not in str(exc):
            erreurs.extend(str(p).replace("\n  indice :", " ; indice :") for p in exc.problemes)
        return
    L.lect.balises(racine)
    params = L.lect.mapping(racine, chemin.name) or {}
    for nom, (noeud, cle_noeud) in params.items():
        ici = f"{chemin.name}:{cle_noeud.start_mark.line + 1}"
        if nom in origines:
            L.pb(cle_noeud, f"paramètre « {nom} » déjà défini dans {origines[nom]}")
            continue
        serie = L.serie(nom, noeud, cle_noeud)
        if serie is not None:
            series[nom] = serie
            origines[nom] = ici
    erreurs.extend(f"{p.fichier}:{p.ligne}: {p.message}" for p in L.lect.problemes)


def lire_parametres(dossier: Path | str | None = None) -> Parametres:
    """Lit et valide tous les ``*.yaml`` d'un dossier (par défaut celui de ce paquet), sans cache.

    Lève :class:`ErreurParametres` avec toutes les erreurs trouvées, chacune avec ``fichier:ligne``."""
    racine = DOSSIER if dossier is None else Path(dossier)
    series: dict[str, _Serie] = {}
    origines: dict[str, str] = {}
    erreurs: list[str] = []
    fichiers = sorted(racine.glob("*.yaml"))
    if not fichiers:
        erreurs.append(f"{racine}: aucun fichier de paramètres (*.yaml)")
    for chemin in fichiers:
        _lire_fichier(chemin, series, origines, erreurs)
    if erreurs:
        raise ErreurParametres(erreurs)
    return Parametres(series)


def lire_fichier_parametres(chemin: Path | str) -> Parametres:
    """Lit et valide UN fichier de paramètres (même format et mêmes contrôles que les fichiers livrés) : les
    séries d'un scénario de réforme (``--parametres FICHIER.yaml``), à passer à :meth:`Parametres.avec`.

    Lève :class:`ErreurParametres` (fichier absent ou illisible, ou chaque problème avec ``fichier:ligne``)."""
    chemin = Path(chemin)
    if chemin.is_dir():
        raise ErreurParametres([f"{chemin}: c'est un dossier ; indice : donnez un fichier YAML au format des "
                                "paramètres livrés"])
    if not chemin.exists():                         # a regular file, or a pipe read once (`<(cat f.yaml)`)
        from ..fichiers.exemples import indice_introuvable
        raise ErreurParametres([f"{chemin}: fichier de paramètres introuvable ; indice : {indice_introuvable(chemin)}"])
    series: dict[str, _Serie] = {}
    origines: dict[str, str] = {}
    erreurs: list[str] = []
    _lire_fichier(chemin, series, origines, erreurs)
    if not erreurs and not series:
        erreurs.append(f"{chemin.name}: aucun paramètre dans le fichier")
    if erreurs:
        raise ErreurParametres(erreurs)
    return Parametres(series, origines)


@lru_cache(maxsize=1)
def charger_parametres() -> Parametres:
    """Les paramètres du paquet, lus une seule fois par processus (et gardés dans le cache disque
    `simulateur.fichiers.cache`, en JSON ; clé : version et code du paquet, et les fichiers livrés par leur
    taille et leur date de modification, comme Python pour son propre cache de bytecode)."""
    from ..fichiers.cache import charger, signature_fichiers
    fichiers = sorted(DOSSIER.glob("*.yaml"))
    return charger("parametres", "parametres", signature_fichiers(fichiers), lire_parametres, _vers_donnees,
                   _depuis_donnees)


def _vers_donnees(p: Parametres) -> list:
    """Parameters → JSON data: [[nom, description, unité, [[valeur, depuis, jusqu'au, référence, source], …]], …]."""
    series = [p._serie(nom) for nom in p._series]
    return [[s.nom, s.description, s.unite, [[str(v.valeur), v.depuis.isoformat(), v.jusqu_au.isoformat() if v.jusqu_au else None,
                                            v.reference, v.source] for v in s.valeurs]] for s in series]


def _depuis_donnees(donnees: list) -> Parametres:
    """The inverse of `_vers_donnees`, every value parsed (a damaged entry raises, and the files are read
    again); the `ValeurDatee` objects of a series are built when it is first read (`Parametres._serie`)."""
    series = {}
    for nom, description, unite, valeurs in donnees:
        if not (isinstance(nom, str) and isinstance(description, str) and isinstance(unite, str) and valeurs):
            raise ValueError("entrée de cache invalide")
        lues = [(Decimal(v), dt.date.fromisoformat(d), dt.date.fromisoformat(f) if f else None, str(r), str(s))
                for v, d, f, r, s in valeurs]
        if not all(v[0].is_finite() for v in lues):
            raise ValueError("entrée de cache invalide")
        series[nom] = [nom, description, unite, lues]
    return Parametres(series)


def _serie_depuis_donnees(nom: str, entree: list) -> _Serie:
    _, description, unite, valeurs = entree
    vs = tuple(ValeurDatee(nom, *v) for v in valeurs)
    return _Serie(nom, description, unite, tuple(v.depuis for v in vs), vs)


def _fin_connue(serie) -> dt.date | None:
    """The end of a series' last value if bounded, else its start (`Parametres.connus_jusqu_au`); also for a
    series not built yet (`_depuis_donnees`)."""
    if type(serie) is list:
        _, depuis, jusqu_au, _, _ = serie[3][-1]
        return jusqu_au or depuis
    if not serie.valeurs:
        return None
    v = serie.valeurs[-1]
    return v.jusqu_au or v.depuis
