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
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

__all__ = [
    "ErreurParametres",
    "ParametreIndisponible",
    "Parametres",
    "ValeurDatee",
    "charger_parametres",
    "lire_parametres",
]

DOSSIER = Path(__file__).parent

UNITES = frozenset({"euro", "pourcent", "nombre", "jours", "mois", "annees"})

_CLES_PARAMETRE = frozenset({"description", "unite", "valeurs"})
_CLES_VALEUR = frozenset({"depuis", "jusqu_au", "valeur", "reference", "source"})
_NOM = re.compile(r"[a-z0-9_-]+(?:\.[a-z0-9_-]+)*")
_NOMBRE = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")

_TAG_STR = "tag:yaml.org,2002:str"
_TAG_DATE = "tag:yaml.org,2002:timestamp"


class ParametreIndisponible(LookupError):
    """Aucune valeur du paramètre à la date demandée, ou paramètre inconnu."""

    def __init__(self, message: str, nom: str, date: dt.date | None = None) -> None:
        super().__init__(message)
        self.nom = nom
        self.date = date


class ErreurParametres(ValueError):
    """Fichiers de paramètres invalides. Toutes les erreurs trouvées sont réunies
    (``self.erreurs``), chacune préfixée par ``fichier:ligne``."""

    def __init__(self, erreurs: list[str]) -> None:
        self.erreurs = list(erreurs)
        entete = f"{len(self.erreurs)} erreur(s) dans les paramètres réglementaires :"
        super().__init__("\n".join([entete, *("  " + e for e in self.erreurs)]))


@dataclass(frozen=True, slots=True)
class ValeurDatee:
    """Une valeur d'un paramètre et sa période de validité (bornes incluses)."""

    nom: str
    valeur: Decimal
    depuis: dt.date
    jusqu_au: dt.date | None
    reference: str
    source: str

    def en_vigueur(self, date: dt.date) -> bool:
        return self.depuis <= date and (self.jusqu_au is None or date <= self.jusqu_au)


@dataclass(frozen=True, slots=True)
class _Serie:
    nom: str
    description: str
    unite: str
    debuts: tuple[dt.date, ...]
    valeurs: tuple[ValeurDatee, ...]


def _texte_date(date: dt.date) -> str:
    return date.isoformat()


def _periodes_connues(valeurs: tuple[ValeurDatee, ...]) -> str:
    """Les périodes couvertes, fusionnées quand elles se touchent : « du X au Y », « depuis le X »."""
    blocs: list[list[dt.date | None]] = []
    for v in valeurs:
        if blocs:
            fin = blocs[-1][1]
            if fin is not None and fin + dt.timedelta(days=1) == v.depuis:
                blocs[-1][1] = v.jusqu_au
                continue
        blocs.append([v.depuis, v.jusqu_au])
    morceaux = [
        f"depuis le {_texte_date(d)}" if f is None else f"du {_texte_date(d)} au {_texte_date(f)}"
        for d, f in blocs
    ]
    return " ; ".join(morceaux)


class Parametres:
    """L'ensemble des paramètres chargés ; lecture seule, recherche par dichotomie sur la date."""

    __slots__ = ("_series",)

    def __init__(self, series: dict[str, _Serie]) -> None:
        self._series = series

    def _serie(self, nom: str, date: dt.date | None = None) -> _Serie:
        serie = self._series.get(nom)
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


# --------------------------------------------------------------------------------------------
# Chargement et validation


def _yaml():
    import yaml  # importé à la demande : `--help` n'en a pas besoin

    return yaml, getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _lire_fichier(chemin: Path, series: dict[str, _Serie], origines: dict[str, str],
                  erreurs: list[str]) -> None:
    yaml, chargeur = _yaml()
    nom_fichier = chemin.name
    try:
        racine = yaml.compose(chemin.read_text(encoding="utf-8"), Loader=chargeur)
    except (OSError, UnicodeDecodeError) as exc:
        erreurs.append(f"{nom_fichier}: lecture impossible : {exc}")
        return
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        ligne = f":{mark.line + 1}" if mark is not None else ""
        erreurs.append(f"{nom_fichier}{ligne}: YAML invalide : {getattr(exc, 'problem', exc)}")
        return
    if racine is None:
        return  # fichier vide : rien à lire

    def ou(noeud) -> str:
        return f"{nom_fichier}:{noeud.start_mark.line + 1}"

    def mapping(noeud, chemin_cle: str, autorisees: frozenset[str]) -> dict | None:
        """Un mapping YAML → dict clé → nœud ; refuse clés en double, inconnues, non textuelles."""
        if not isinstance(noeud, yaml.MappingNode):
            erreurs.append(f"{ou(noeud)}: {chemin_cle} : un dictionnaire (clé: valeur) est attendu")
            return None
        resultat: dict = {}
        for cle_n, val_n in noeud.value:
            if not isinstance(cle_n, yaml.ScalarNode) or cle_n.tag != _TAG_STR:
                erreurs.append(f"{ou(cle_n)}: {chemin_cle} : clé non textuelle")
                continue
            cle = cle_n.value
            if cle in resultat:
                erreurs.append(f"{ou(cle_n)}: {chemin_cle} : clé « {cle} » en double")
                continue
            if autorisees and cle not in autorisees:
                attendues = ", ".join(sorted(autorisees))
                erreurs.append(
                    f"{ou(cle_n)}: {chemin_cle} : clé inconnue « {cle} » (clés permises : {attendues})"
                )
                continue
            resultat[cle] = val_n
        return resultat

    def texte(noeud, chemin_cle: str) -> str | None:
        if not isinstance(noeud, yaml.ScalarNode) or noeud.tag != _TAG_STR or not noeud.value.strip():
            erreurs.append(f"{ou(noeud)}: {chemin_cle} : texte non vide attendu")
            return None
        return noeud.value.strip()

    def date(noeud, chemin_cle: str) -> dt.date | None:
        if isinstance(noeud, yaml.ScalarNode) and noeud.tag == _TAG_DATE:
            try:
                return dt.date.fromisoformat(noeud.value)
            except ValueError:
                pass
        valeur = noeud.value if isinstance(noeud, yaml.ScalarNode) else "…"
        erreurs.append(
            f"{ou(noeud)}: {chemin_cle} : date AAAA-MM-JJ attendue (sans guillemets), reçu « {valeur} »"
        )
        return None

    def nombre(noeud, chemin_cle: str) -> Decimal | None:
        if not isinstance(noeud, yaml.ScalarNode):
            erreurs.append(f"{ou(noeud)}: {chemin_cle} : un nombre entre guillemets est attendu")
            return None
        if noeud.tag != _TAG_STR or noeud.style not in ('"', "'"):
            erreurs.append(
                f"{ou(noeud)}: {chemin_cle} : la valeur {noeud.value} doit être écrite entre "
                f"guillemets (valeur: \"{noeud.value}\") : jamais de nombre flottant ou entier YAML"
            )
            return None
        if not _NOMBRE.fullmatch(noeud.value):
            erreurs.append(
                f"{ou(noeud)}: {chemin_cle} : « {noeud.value} » n'est pas un nombre décimal "
                f"(chiffres, point décimal, ex. \"22.50\")"
            )
            return None
        return Decimal(noeud.value)

    params = mapping(racine, nom_fichier, frozenset())
    if params is None:
        return
    lignes_noms: dict = {}
    for cle_n, _ in racine.value:
        if isinstance(cle_n, yaml.ScalarNode):
            lignes_noms.setdefault(cle_n.value, cle_n)  # la première occurrence, comme `mapping`
    for nom, noeud in params.items():
        ici = ou(lignes_noms[nom])  # la ligne du nom du paramètre
        if not _NOM.fullmatch(nom):
            erreurs.append(
                f"{ici}: nom de paramètre « {nom} » invalide (minuscules, chiffres, _ et -, "
                f"parties séparées par des points)"
            )
            continue
        if nom in origines:
            erreurs.append(f"{ici}: paramètre « {nom} » déjà défini dans {origines[nom]}")
            continue
        champs = mapping(noeud, nom, _CLES_PARAMETRE)
        if champs is None:
            continue
        manquantes = _CLES_PARAMETRE - champs.keys()
        if manquantes:
            erreurs.append(f"{ici}: {nom} : clé(s) manquante(s) : {', '.join(sorted(manquantes))}")
            continue
        description = texte(champs["description"], f"{nom}.description")
        unite = texte(champs["unite"], f"{nom}.unite")
        if unite is not None and unite not in UNITES:
            erreurs.append(
                f"{ou(champs['unite'])}: {nom}.unite : « {unite} » inconnue "
                f"(unités permises : {', '.join(sorted(UNITES))})"
            )
            unite = None
        liste = champs["valeurs"]
        if not isinstance(liste, yaml.SequenceNode) or not liste.value:
            erreurs.append(f"{ou(liste)}: {nom}.valeurs : une liste non vide de valeurs datées est attendue")
            continue

        brutes: list[tuple[dt.date, dt.date | None, Decimal, str, str, str]] = []
        valide = description is not None and unite is not None
        for rang, v_noeud in enumerate(liste.value):
            chemin_v = f"{nom}.valeurs[{rang}]"
            v = mapping(v_noeud, chemin_v, _CLES_VALEUR)
            if v is None:
                valide = False
                continue
            manquantes = {"depuis", "valeur", "reference", "source"} - v.keys()
            if manquantes:
                erreurs.append(
                    f"{ou(v_noeud)}: {chemin_v} : clé(s) manquante(s) : {', '.join(sorted(manquantes))}"
                )
                valide = False
                continue
            depuis = date(v["depuis"], f"{chemin_v}.depuis")
            jusqu_au = date(v["jusqu_au"], f"{chemin_v}.jusqu_au") if "jusqu_au" in v else None
            montant = nombre(v["valeur"], f"{chemin_v}.valeur")
            reference = texte(v["reference"], f"{chemin_v}.reference")
            source = texte(v["source"], f"{chemin_v}.source")
            if None in (depuis, montant, reference, source) or ("jusqu_au" in v and jusqu_au is None):
                valide = False
                continue
            if jusqu_au is not None and jusqu_au < depuis:
                erreurs.append(
                    f"{ou(v_noeud)}: {chemin_v} : jusqu_au ({jusqu_au}) est avant depuis ({depuis})"
                )
                valide = False
                continue
            brutes.append((depuis, jusqu_au, montant, reference, source, ou(v_noeud)))
        if not valide:
            continue

        # Ordre et recouvrements : chaque période commence après la fin de la précédente.
        valeurs: list[ValeurDatee] = []
        for i, (depuis, jusqu_au, montant, reference, source, lieu) in enumerate(brutes):
            if i:
                prec_depuis, prec_fin = brutes[i - 1][0], brutes[i - 1][1]
                if depuis <= prec_depuis:
                    erreurs.append(
                        f"{lieu}: {nom} : valeurs non triées ({depuis} vient après {prec_depuis}) ; "
                        f"rangez les valeurs par date croissante"
                    )
                    valide = False
                    break
                if prec_fin is not None and depuis <= prec_fin:
                    erreurs.append(
                        f"{lieu}: {nom} : la période commençant le {depuis} chevauche la précédente "
                        f"(qui court jusqu'au {prec_fin})"
                    )
                    valide = False
                    break
            if jusqu_au is None and i + 1 < len(brutes):
                fin = brutes[i + 1][0] - dt.timedelta(days=1)
            else:
                fin = jusqu_au
            valeurs.append(ValeurDatee(nom, montant, depuis, fin, reference, source))
        if not valide:
            continue
        series[nom] = _Serie(
            nom=nom,
            description=description,  # type: ignore[arg-type]
            unite=unite,  # type: ignore[arg-type]
            debuts=tuple(v.depuis for v in valeurs),
            valeurs=tuple(valeurs),
        )
        origines[nom] = ici


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


@lru_cache(maxsize=1)
def charger_parametres() -> Parametres:
    """Les paramètres du paquet, lus une seule fois par processus."""
    from ..fichiers.cache import charger
    return charger("parametres", sorted(DOSSIER.glob("*.yaml")), lire_parametres)
