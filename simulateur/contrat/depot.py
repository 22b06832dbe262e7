"""Finding contracts: a shipped id (`cabinets-dentaires`, wherever the package is installed) or the
path of a YAML file; reading them once per process.
"""
from __future__ import annotations

import os
from pathlib import Path

from ..domaine.erreurs import ContratIntrouvable, ContratInvalide, Probleme, apercu, raison_systeme
from ..domaine.natures import suggestion
from .modele import Contrat

NOM_MAX = 4096
TAILLE_MAX_OCTETS = 8_000_000     # checked before reading; the loader then bounds the text (chargeur.TAILLE_MAX)


def dossier_contrats() -> Path:
    """The shipped contracts: $SIMULATEUR_CONTRATS, else the package's `contrats` folder."""
    env = os.environ.get("SIMULATEUR_CONTRATS")
    if env:
        return Path(env)
    try:
        from .. import contrats as _paquet  # the top-level contrats/ folder, installed as simulateur.contrats
        return Path(list(_paquet.__path__)[0])
    except ImportError:  # running from a source tree that was not installed
        return Path(__file__).resolve().parents[2] / "contrats"


def contrats_livres() -> list[Path]:
    return sorted(p for p in dossier_contrats().glob("*.yaml"))


def _est_chemin(nom: str) -> bool:
    return nom.endswith((".yaml", ".yml")) or os.sep in nom or "/" in nom


def chemin_contrat(nom: str) -> Path:
    """The file of a contract id or path; raises ContratIntrouvable with the shipped ids and a "did you mean"."""
    nom = str(nom)
    if not nom.strip() or len(nom) > NOM_MAX or "\x00" in nom:
        raise ContratIntrouvable(f"contrat « {_court(nom)} » : nom vide, trop long ou illisible")
    p = Path(nom)
    try:
        if _est_chemin(nom):
            if nom.endswith(("/", os.sep)) and not p.is_dir():     # pathlib drops the slash: « f.yaml/ » would read f.yaml
                raise ContratIntrouvable(f"{_court(nom)} : un chemin qui finit par « / » désigne un dossier ; retirez la barre "
                                         "oblique pour le fichier")
            if p.is_dir():
                raise ContratIntrouvable(f"{_court(nom)} : c'est un dossier, pas un fichier de contrat (.yaml)")
            if not _fichier(p):
                raise ContratIntrouvable(f"fichier de contrat introuvable : {_court(nom)}")
            return p
        candidat = dossier_contrats() / f"{nom}.yaml"
        if candidat.is_file():
            return candidat
        if _fichier(p):
            return p
    except OSError as e:
        raise ContratIntrouvable(f"contrat « {_court(nom)} » illisible ({raison_systeme(e)})") from None
    ids = [x.stem for x in contrats_livres()]
    raise ContratIntrouvable(f"contrat inconnu « {_court(nom)} »{suggestion(nom, ids)} (contrats livrés : {', '.join(ids)} ; "
                             "ou donnez le chemin d'un fichier .yaml)", inconnu=nom)


def _fichier(p: Path) -> bool:
    """A file that can be read: a regular file, or a pipe / device (`<(cat contrat.yaml)`, /dev/stdin),
    read once by `lire_texte` — never a folder."""
    return p.exists() and not p.is_dir()


def _court(texte, n: int = 80) -> str:
    return apercu(texte, n)


def est_livre(chemin: Path) -> bool:
    try:
        return chemin.resolve().parent == dossier_contrats().resolve()
    except OSError:
        return False


def nom_affiche(chemin: Path, nom: str) -> str:
    """How messages name the file: `contrats/<id>.yaml` for a shipped contract, else the path as given."""
    return f"contrats/{chemin.name}" if est_livre(chemin) and not _est_chemin(nom) else nom


def lire_texte(chemin: Path, affiche: str) -> str:
    """The file's text (UTF-8, BOM allowed), its size checked before reading and never more than
    TAILLE_MAX_OCTETS read (a device or a pipe that never ends is refused, not read forever).

    Raises ContratIntrouvable (cannot be opened: missing, a folder, rights) or ContratInvalide
    (illisible: too large, not UTF-8)."""
    trop = ContratInvalide([Probleme(affiche, None, f"fichier trop grand ({TAILLE_MAX_OCTETS // 1_000_000} Mo au plus)",
                                     indice="un contrat ou un fichier de paramètres fait quelques dizaines de Ko")], illisible=True)
    try:
        with open(chemin, "rb") as f:
            if os.fstat(f.fileno()).st_size > TAILLE_MAX_OCTETS:
                raise trop
            donnees = f.read(TAILLE_MAX_OCTETS + 1)
    except OSError as e:
        raise ContratIntrouvable(f"impossible de lire {_court(affiche, 200)} : {raison_systeme(e)}") from None
    if len(donnees) > TAILLE_MAX_OCTETS:
        raise trop
    try:
        return donnees.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ContratInvalide([Probleme(affiche, None, f"le fichier n'est pas en UTF-8 (octet {e.start})",
                                        indice="réenregistrez-le en UTF-8")], illisible=True) from None


def _lire(texte: str, affiche: str) -> Contrat:
    from .chargeur import lire_contrat      # YAML and the parser are loaded only when a file must be parsed
    return lire_contrat(texte, affiche)


_CACHE: dict = {}


def charger_contrat(nom: str | os.PathLike) -> Contrat:
    """A shipped contract by id (« cabinets-dentaires »), or a YAML file by path (str or `os.PathLike`) → the
    `Contrat`; parsed once per process and per content.

    Raises ContratIntrouvable (an unknown id, with the shipped ids and a suggestion; a missing or
    unreadable file; a folder), ContratInvalide (the file's problems, each with `fichier:ligne`) — both
    `ErreurSimulateur` — and TypeError (French) when `nom` is neither a text nor a path (None, a number…).
    """
    if not isinstance(nom, (str, os.PathLike)):
        raise TypeError("charger_contrat : identifiant de contrat livré (ex. \"cabinets-dentaires\") ou chemin "
                        f"d'un fichier .yaml attendu, reçu {'None' if nom is None else type(nom).__name__}")
    chemin = chemin_contrat(str(nom))
    affiche = nom_affiche(chemin, str(nom))
    texte = lire_texte(chemin, affiche)
    cle = (affiche, texte)
    c = _CACHE.get(cle)
    if c is None:
        from ..fichiers.cache import charger
        from .serialisation import contrat_depuis_donnees, contrat_vers_donnees
        c = charger("contrat", affiche, texte, lambda: _lire(texte, affiche), contrat_vers_donnees, contrat_depuis_donnees)
        if len(_CACHE) > 32:
            _CACHE.clear()
        _CACHE[cle] = c
    return c
