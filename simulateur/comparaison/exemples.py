"""The standard reimbursement examples (`simulateur exemples`): the common list of acts and prices that
insurers print since the 2019 « lisibilité des garanties » commitment, read from
`exemples/exemples-types.yaml` with the project's one YAML reader, and computed for each formula.

Each example carries its act (nature, prices, BR, the act's fields its guarantee needs, with the
names of `domaine.champs.CHAMPS`), the Sécurité sociale payment the documents print (a check) and
its source.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from ..domaine.champs import NOMS
from ..domaine.erreurs import ContratInvalide, ErreurSimulateur, apercu
from ..domaine.montant import ZERO, MontantInvalide, lire_montant
from ..domaine.natures import CATEGORIES, NATURES, suggestion
from ..fichiers.yaml_strict import LecteurYaml, composer

CHAMPS_ACTE = tuple(n for n in NOMS if n not in ("nature", "date", "br", "frais_reels"))
CLES = ("id", "libelle", "categorie", "nature", "frais_reels", "br", "securite_sociale", "date", "source", "note",
        "hypothese") + CHAMPS_ACTE
OBLIGATOIRES = ("id", "libelle", "categorie", "nature", "frais_reels", "br", "securite_sociale", "date", "source")


@dataclass(slots=True, eq=False)
class ExempleType:
    """One act of the standard list, with its printed prices and source."""
    id: str
    libelle: str
    categorie: str
    nature: str
    frais_reels: Decimal
    br: Decimal
    securite_sociale: Decimal          # the Sécu payment printed by the documents
    date: object                       # datetime.date of the prices
    options: dict                      # the act's other fields (creer_acte keywords, as text)
    source: str
    note: str = ""
    hypothese: str = ""        # an input the documents do not give, supplied by this list (shown to the user)

    def acte(self):
        from ..domaine.acte import creer_acte
        return creer_acte(nature=self.nature, date=self.date, br=self.br, frais_reels=self.frais_reels, **self.options)


def chemin_exemples() -> Path:
    """The shipped list: $SIMULATEUR_EXEMPLES_TYPES, else exemples-types.yaml of the package."""
    env = os.environ.get("SIMULATEUR_EXEMPLES_TYPES")
    if env:
        return Path(env)
    candidats = [Path(__file__).resolve().parents[2] / "exemples" / "exemples-types.yaml"]
    try:  # the package ships exemples/ as simulateur.exemples
        from .. import exemples as _paquet  # type: ignore[attr-defined]
        candidats.insert(0, Path(list(_paquet.__path__)[0]) / "exemples-types.yaml")
    except ImportError:
        pass
    for c in candidats:
        if c.is_file():
            return c
    raise ErreurSimulateur("liste des exemples-types introuvable (exemples-types.yaml) : donnez-la avec --fichier")


def _exemple(lect: LecteurYaml, noeud, i: int, vus: set) -> ExempleType | None:
    c = f"exemples[{i}]"
    m = lect.mapping(noeud, c, CLES, OBLIGATOIRES)
    if not m or any(k not in m for k in OBLIGATOIRES):
        return None
    t = {k: lect.texte(v, f"{c}.{k}", vide_ok=k in ("note", "hypothese")) for k, (v, _) in m.items()}
    if any(t[k] is None for k in OBLIGATOIRES):
        return None
    ident = t["id"]
    if ident in vus:
        lect.pb(m["id"][0], f"identifiant « {ident} » en double", c + ".id")
    vus.add(ident)
    if t["categorie"] not in CATEGORIES:
        lect.pb(m["categorie"][0], f"catégorie inconnue « {t['categorie']} »{suggestion(t['categorie'], CATEGORIES)}", c + ".categorie")
    try:
        montants = [lire_montant(t[k]) for k in ("frais_reels", "br", "securite_sociale")]
    except MontantInvalide as e:
        lect.pb(noeud, f"exemple {ident} : montant illisible « {e.texte} »", c)
        return None
    ex = ExempleType(ident, t["libelle"], t["categorie"], t["nature"], *montants, t["date"],
                     {k: t[k] for k in CHAMPS_ACTE if k in t}, t["source"], t.get("note") or "", t.get("hypothese") or "")
    try:
        ex.date = ex.acte().date        # the act must be valid whatever the contract
    except ErreurSimulateur as e:
        lect.pb(noeud, f"exemple {ident} : {e}", c)
        return None
    return ex


def charger_exemples(chemin=None) -> list[ExempleType]:
    """Reads and checks the list; every problem is reported at once, with `fichier:ligne`."""
    chemin = Path(chemin) if chemin is not None else chemin_exemples()
    from ..contrat.depot import lire_texte
    texte = lire_texte(chemin, str(chemin))
    racine = composer(texte, str(chemin))
    lect = LecteurYaml(str(chemin))
    lect.balises(racine)
    top = lect.mapping(racine, "", ("source_commune", "exemples"), ("exemples",)) or {}
    out, vus = [], set()
    for i, noeud in enumerate((lect.liste(top["exemples"][0], "exemples") or []) if "exemples" in top else []):
        ex = _exemple(lect, noeud, i, vus)
        if ex is not None:
            out.append(ex)
    if lect.problemes:
        raise ContratInvalide(lect.problemes)
    return out


@dataclass(slots=True, eq=False)
class CelluleExemple:
    """One example for one formula: the result, or why it cannot be computed (shown as « – »): the
    contract has no line for the act (`raison`), or refuses it (`erreur`, an error value)."""
    resultat: object = None            # Resultat
    raison: str = ""
    erreur: object = None

    @property
    def complementaire(self) -> Decimal | None:
        return None if self.resultat is None else sum((p.montant for p in self.resultat.parts), ZERO)


@dataclass(slots=True, eq=False)
class LigneExemple:
    exemple: ExempleType
    securite_sociale: Decimal | None   # computed (the same for every formula of the régime général)
    cellules: list                     # one CelluleExemple per compared formula, in order


def _cellule(c, acte) -> CelluleExemple:
    from ..moteur.calcul import simuler
    from ..parametres import ParametreIndisponible
    try:
        r = simuler(c.contrat, c.formule, acte, expliquer=False)
    except (ErreurSimulateur, ParametreIndisponible) as e:
        return CelluleExemple(None, "", e)
    if r.parts and not any(p.ligne for p in r.parts):          # no line of the contract for the act
        cond = ", ".join(f"{k} {v}" for k, v in (("panier", acte.panier), ("DPTM", {True: "oui", False: "non"}.get(acte.dptm)))
                         if v is not None)
        return CelluleExemple(r, f"pas de ligne pour « {NATURES[r.nature].libelle} »"
                                 + (f" ({cond})" if cond else "") + " dans le tableau de garanties")
    return CelluleExemple(r, "")


def calculer_exemples(cibles: list, exemples: list[ExempleType]) -> list[LigneExemple]:
    """Every example through every formula, from an empty year; never stops on one that cannot be computed."""
    lignes = []
    for ex in exemples:
        acte = ex.acte()
        cellules = [_cellule(c, acte) for c in cibles]
        ss = next((x.resultat.securite_sociale for x in cellules if x.resultat is not None), None)
        lignes.append(LigneExemple(ex, ss, [x if not x.raison else CelluleExemple(None, x.raison) for x in cellules]))
    return lignes


def pourquoi(cible, cellule, contexte: str = "cli") -> str:
    """Why an example cannot be computed for a formula, in French (`contrat : raison`)."""
    from ..rendu.messages import message
    quoi = message(cellule.erreur, contexte) if cellule.erreur is not None else cellule.raison
    return f"{cible.contrat.id} : {quoi}"


def exemples_choisis(exemples: list[ExempleType], texte: str | None) -> list[ExempleType]:
    """--ids H1,S3 (case-insensitive), in the list's order; an unknown id is named."""
    from . import ComparaisonInvalide, _separer
    if not texte:
        return exemples
    ids = {e.id.upper(): e for e in exemples}
    voulus = [m.upper() for m in _separer(texte, "--ids")]
    for v in voulus:
        if voulus.count(v) > 1:
            raise ComparaisonInvalide(f"l'exemple « {apercu(v)} » est donné deux fois dans --ids")
        if v not in ids:
            raise ComparaisonInvalide(f"exemple inconnu « {apercu(v)} »{suggestion(v, ids)} (exemples : {', '.join(ids)})")
    return [e for e in exemples if e.id.upper() in voulus]
