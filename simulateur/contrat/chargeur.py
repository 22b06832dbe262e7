"""Loading a contract file: strict YAML, every problem reported at once with file:line and a hint."""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import yaml

from ..domaine.erreurs import ContratInvalide, ContratIntrouvable, Probleme
from ..contrat.expressions import Expression, ExpressionInvalide, ParActe, ParJour, analyser
from ..domaine.montant import MontantInvalide, lire_montant
from ..domaine.natures import NATURES, suggestion

try:  # the C parser keeps the CLI fast; marks (line numbers) are kept either way
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _Loader = yaml.SafeLoader

CONVENTIONS = ("inclut-ss", "en-complement")
PANIERS = ("100-sante", "maitrise", "libre")
CLASSES_VERRES = ("simple", "complexe", "tres-complexe")
SMR = ("majeur", "important", "modere", "faible", "irremplacable")
TAILLE_MAX = 2_000_000
NOEUDS_MAX = 200_000
# Bounds that keep hostile files linear (the "did you mean" suggestions and the overlap check are
# quadratic); real contracts are far below (000: 4 columns, at most 4 lines per nature).
ENTREES_MAX = 100            # niveaux, colonnes, formules
LIGNES_PAR_NATURE_MAX = 50


@dataclass(slots=True, eq=False)
class Niveau:
    id: str
    libelle: str
    convention: str
    citation: str = ""


@dataclass(slots=True, eq=False)
class Colonne:
    id: str
    niveau: str
    libelle: str


@dataclass(slots=True, eq=False)
class Formule:
    id: str
    libelle: str
    colonnes: tuple[str, ...]
    responsable: bool | None = None   # None: the contract's `responsable`; else this formula's own status


@dataclass(slots=True, eq=False)
class Ligne:
    index: int
    libelle: str
    section: str
    natures: tuple[str, ...]
    si: dict
    cellules: dict            # colonne -> Expression
    ligne: int                # line in the YAML file
    cellule_lignes: dict      # colonne -> line
    note: str = ""
    composition: dict | None = None   # {"monture": nature, "verres": nature}: valued from those natures' lines
    compteurs: str = ""               # lines with the same name share their annual state (envelopes, counts, days)

    def condition_texte(self) -> str:
        return ", ".join(f"{k} {v}" if k == "age" else f"{k}={v}" for k, v in self.si_texte.items()) if self.si else ""

    @property
    def si_texte(self) -> dict:
        return self.si.get("_texte", {})


@dataclass(slots=True, eq=False)
class PlafondAnnuel:
    libelle: str
    natures: tuple[str, ...]
    montant: Decimal
    au_dela: str              # "ticket-moderateur" | "rien"
    ligne: int


@dataclass(slots=True, eq=False)
class DelaiDeStage:
    duree_mois: int
    natures_ticket_moderateur: tuple[str, ...]
    natures_exclues: tuple[str, ...]
    sauf_certificat: bool
    libelle: str
    ligne: int


@dataclass(slots=True, eq=False)
class ExceptionResponsable:
    """A known, documented departure from a contrat responsable rule (`contrat.exceptions_responsable`).

    `simulateur valider` reports the findings it covers as « exception déclarée » instead of failing;
    the engine ignores it. Rule ids are checked by `simulateur.validation` (see docs/format-contrat.md).
    """
    regle: str                 # a rule id of simulateur.validation.REGLES, or "toutes"
    motif: str
    formules: tuple[str, ...]  # empty: every formula
    natures: tuple[str, ...]   # empty: every nature
    ligne: int


@dataclass(slots=True, eq=False)
class Contrat:
    id: str
    nom: str
    assureur: str
    source: str
    responsable: bool
    fichier: str
    niveaux: dict
    colonnes: dict
    formules: dict
    lignes: list
    notes: str = ""
    plafonds_annuels: list = field(default_factory=list)
    delai_de_stage: DelaiDeStage | None = None
    par_nature: dict = field(default_factory=dict)
    exceptions_responsable: list = field(default_factory=list)

    def formule(self, id_formule: str) -> Formule:
        try:
            return self.formules[id_formule]
        except KeyError:
            from ..domaine.erreurs import ErreurSimulateur
            raise ErreurSimulateur(
                f"formule inconnue « {id_formule} » pour le contrat {self.id}{suggestion(id_formule, self.formules)} "
                f"(formules : {', '.join(self.formules)})"
            ) from None

    def sections(self):
        vues, ordre = {}, []
        for l in self.lignes:
            if l.section not in vues:
                vues[l.section] = []
                ordre.append(l.section)
            vues[l.section].append(l)
        return [(s, vues[s]) for s in ordre]


# ------------------------------------------------------------------ YAML nodes

class _Lecteur:
    """Walks the composed YAML nodes (C parser), keeping marks; refuses duplicates and unknown keys."""

    def __init__(self, fichier: str):
        self.fichier = fichier
        self.problemes: list[Probleme] = []
        self.noeuds = 0

    def pb(self, noeud, message, chemin="", indice=""):
        ligne = noeud.start_mark.line + 1 if noeud is not None else None
        col = noeud.start_mark.column + 1 if noeud is not None else None
        self.problemes.append(Probleme(self.fichier, ligne, message, chemin, indice, col))

    def compter(self):
        self.noeuds += 1
        if self.noeuds > NOEUDS_MAX:
            raise ContratInvalide([Probleme(self.fichier, None, f"fichier trop complexe (plus de {NOEUDS_MAX} nœuds YAML, alias compris)",
                                            indice="les ancres/alias YAML ne doivent pas se multiplier")], illisible=True)

    def mapping(self, noeud, chemin, permises=None, requises=()):
        """Returns {key: (value_node, key_node)} or None."""
        self.compter()
        if not isinstance(noeud, yaml.MappingNode):
            self.pb(noeud, f"on attend ici une table de clés (« clé: valeur »), pas {self._genre(noeud)}", chemin)
            return None
        vu = {}
        for k, v in noeud.value:
            self.compter()
            if not isinstance(k, yaml.ScalarNode):
                self.pb(k, "clé invalide (une clé est un simple texte)", chemin)
                continue
            cle = k.value
            if cle == "<<":
                self.pb(k, "les fusions YAML « << » ne sont pas acceptées", chemin, "recopiez les clés")
                continue
            if cle in vu:
                self.pb(k, f"clé « {cle} » en double (déjà à la ligne {vu[cle][1].start_mark.line + 1})",
                        f"{chemin}.{cle}" if chemin else cle, "supprimez ou renommez l'une des deux")
                continue
            if permises is not None and cle not in permises:
                self.pb(k, f"clé inconnue « {cle} »{suggestion(cle, permises)}", f"{chemin}.{cle}" if chemin else cle,
                        "clés permises ici : " + ", ".join(permises))
                continue
            vu[cle] = (v, k)
        for r in requises:
            if r not in vu:
                self.pb(noeud, f"clé obligatoire « {r} » absente", chemin, f"ajoutez « {r}: … »")
        return vu

    def texte(self, noeud, chemin, vide_ok=False):
        self.compter()
        if not isinstance(noeud, yaml.ScalarNode):
            self.pb(noeud, f"on attend un texte, pas {self._genre(noeud)}", chemin)
            return None
        if not vide_ok and noeud.value.strip() == "":
            self.pb(noeud, "valeur vide", chemin)
            return None
        return noeud.value

    def booleen(self, noeud, chemin):
        t = self.texte(noeud, chemin)
        if t is None:
            return None
        v = t.strip().lower()
        if v in ("true", "oui", "yes", "vrai"):
            return True
        if v in ("false", "non", "no", "faux"):
            return False
        self.pb(noeud, f"« {t} » n'est pas oui/non", chemin, "écrivez true ou false")
        return None

    def liste(self, noeud, chemin):
        self.compter()
        if not isinstance(noeud, yaml.SequenceNode):
            self.pb(noeud, f"on attend une liste (« - élément »), pas {self._genre(noeud)}", chemin)
            return None
        return noeud.value

    @staticmethod
    def _genre(noeud):
        if isinstance(noeud, yaml.MappingNode):
            return "une table"
        if isinstance(noeud, yaml.SequenceNode):
            return "une liste"
        return f"le texte « {getattr(noeud, 'value', '')} »"


def _composer(texte: str, fichier: str):
    if len(texte) > TAILLE_MAX:
        raise ContratInvalide([Probleme(fichier, None, f"fichier trop grand ({len(texte)} caractères, {TAILLE_MAX} au plus)")], illisible=True)
    try:
        noeud = yaml.compose(texte, Loader=_Loader)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        ligne = mark.line + 1 if mark else None
        col = mark.column + 1 if mark else None
        quoi = (e.problem or e.context or "erreur de syntaxe").strip()
        raise ContratInvalide([Probleme(fichier, ligne, f"syntaxe YAML invalide : {quoi}", colonne=col,
                                        indice="vérifiez l'indentation, les deux-points et les guillemets de cette ligne")],
                              illisible=True) from None
    except yaml.YAMLError as e:
        raise ContratInvalide([Probleme(fichier, None, f"YAML illisible : {e}")], illisible=True) from None
    except (UnicodeDecodeError, ValueError) as e:  # pragma: no cover
        raise ContratInvalide([Probleme(fichier, None, f"fichier illisible : {e}")], illisible=True) from None
    if noeud is None:
        raise ContratInvalide([Probleme(fichier, None, "fichier vide : ce n'est pas un contrat",
                                        indice="voir docs/format-contrat.md pour le squelette d'un contrat")], illisible=True)
    if not isinstance(noeud, yaml.MappingNode) or not any(
            isinstance(k, yaml.ScalarNode) and k.value == "contrat" for k, _ in noeud.value):
        raise ContratInvalide([Probleme(fichier, noeud.start_mark.line + 1, "ce fichier n'est pas un contrat (pas de clé « contrat: » au premier niveau)",
                                        indice="voir docs/format-contrat.md pour le squelette d'un contrat")], illisible=True)
    return noeud


_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")


def _composition(lect: _Lecteur, noeud, chemin):
    """`composition: {monture: optique-monture, verres: optique-verre}` (docs/format-contrat.md)."""
    m = lect.mapping(noeud, chemin, ("monture", "verres"), ("monture", "verres"))
    if not m or len(m) != 2:
        return None
    out = {}
    for cle, (v, _k) in m.items():
        t = lect.texte(v, f"{chemin}.{cle}")
        if t is None:
            return None
        if t not in NATURES:
            lect.pb(v, f"nature inconnue « {t} »{suggestion(t, NATURES)}", f"{chemin}.{cle}", "la liste des natures : simulateur natures")
            return None
        out[cle] = t
    return out


_ENUMERES = {"panier": PANIERS, "correction": CLASSES_VERRES, "smr": SMR}


def _condition(lect: _Lecteur, noeud, chemin):
    m = lect.mapping(noeud, chemin, ("dptm", "panier", "age", "psychiatrie", "verres", "correction", "taux", "smr", "acte_lourd"))
    if m is None:
        return {}
    si = {"_texte": {}}
    for cle, (v, _k) in m.items():
        c = f"{chemin}.{cle}"
        if cle in _ENUMERES and isinstance(v, yaml.SequenceNode):
            # `smr: [majeur, important]`: the line applies to any of the listed values
            valeurs = []
            for x in v.value:
                tx = lect.texte(x, c)
                if tx is None:
                    continue
                if tx.strip().lower() not in _ENUMERES[cle]:
                    lect.pb(x, f"valeur « {tx} » inconnue pour « {cle} »{suggestion(tx.strip().lower(), _ENUMERES[cle])}", c,
                            "valeurs : " + ", ".join(_ENUMERES[cle]))
                else:
                    valeurs.append(tx.strip().lower())
            if not valeurs:
                lect.pb(v, f"liste vide pour « {cle} »", c, "donnez au moins une valeur")
                continue
            si["_texte"][cle] = " ou ".join(valeurs)
            si[cle] = frozenset(valeurs)
            continue
        t = lect.texte(v, c)
        if t is None:
            continue
        si["_texte"][cle] = t
        tv = t.strip().lower()
        if cle in ("dptm", "psychiatrie", "acte_lourd"):
            b = lect.booleen(v, c)
            if b is not None:
                si[cle] = b
        elif cle == "panier":
            if tv not in PANIERS:
                lect.pb(v, f"panier inconnu « {t} »{suggestion(tv, PANIERS)}", c, "paniers : " + ", ".join(PANIERS))
            else:
                si[cle] = tv
        elif cle == "age":
            mm = re.fullmatch(r"(<=|>=|<|>|=)\s*(\d{1,3})", tv)
            if not mm:
                lect.pb(v, f"condition d'âge « {t} » invalide", c, "écrivez par exemple \"<= 20\" ou \"> 20\"")
            else:
                si[cle] = (mm[1], int(mm[2]))
        elif cle == "verres":
            parts = tuple(sorted((p.strip() for p in tv.split("+")),
                                 key=lambda x: (CLASSES_VERRES.index(x) if x in CLASSES_VERRES else 9, x)))
            if len(parts) != 2 or any(p not in CLASSES_VERRES for p in parts):
                lect.pb(v, f"couple de verres « {t} » invalide", c, "écrivez par exemple simple+complexe (classes : simple, complexe, tres-complexe)")
            else:
                si[cle] = parts
        elif cle == "correction":
            if tv not in CLASSES_VERRES:
                lect.pb(v, f"classe de verre « {t} » inconnue", c, "classes : simple, complexe, tres-complexe")
            else:
                si[cle] = tv
        elif cle == "taux":
            try:
                si[cle] = lire_montant(t.replace("%", ""), quoi="taux", centimes=False)
            except MontantInvalide as e:
                lect.pb(v, str(e), c)
        elif cle == "smr":
            if tv not in SMR:
                lect.pb(v, f"SMR « {t} » inconnu", c, "valeurs : " + ", ".join(SMR))
            else:
                si[cle] = tv
    return si


def lire_contrat(texte: str, fichier: str = "<contrat>") -> Contrat:
    """Parse a contract text; raises ContratInvalide listing every problem found."""
    racine = _composer(texte, fichier)
    lect = _Lecteur(fichier)
    _balises(racine, lect)
    top = lect.mapping(racine, "", ("contrat", "niveaux", "colonnes", "formules", "garanties", "plafonds_annuels", "delai_de_stage"),
                       ("contrat", "niveaux", "colonnes", "formules", "garanties")) or {}

    meta = {}
    if "contrat" in top:
        m = lect.mapping(top["contrat"][0], "contrat", ("id", "nom", "assureur", "source", "responsable", "notes", "date_effet",
                                                        "exceptions_responsable"),
                         ("id", "nom", "source", "responsable")) or {}
        meta["_exceptions"] = m["exceptions_responsable"][0] if "exceptions_responsable" in m else None
        for cle in ("id", "nom", "assureur", "source", "notes", "date_effet"):
            if cle in m:
                meta[cle] = lect.texte(m[cle][0], f"contrat.{cle}")
        if "responsable" in m:
            meta["responsable"] = lect.booleen(m["responsable"][0], "contrat.responsable")
        if meta.get("id") and not _ID.match(meta["id"]):
            lect.pb(m["id"][0], f"identifiant « {meta['id']} » invalide", "contrat.id", "minuscules, chiffres et tirets")

    niveaux = {}
    if "niveaux" in top:
        m = _borner(lect, top["niveaux"][0], "niveaux", lect.mapping(top["niveaux"][0], "niveaux") or {})
        for nid, (v, k) in m.items():
            c = f"niveaux.{nid}"
            mm = lect.mapping(v, c, ("libelle", "convention", "citation"), ("libelle", "convention")) or {}
            conv = lect.texte(mm["convention"][0], c + ".convention") if "convention" in mm else None
            if conv is not None and conv not in CONVENTIONS:
                lect.pb(mm["convention"][0], f"convention « {conv} » inconnue{suggestion(conv, CONVENTIONS)}", c + ".convention",
                        "inclut-ss (les montants incluent la SS et les niveaux précédents) ou en-complement (ils s'ajoutent)")
                conv = None
            niveaux[nid] = Niveau(nid, (lect.texte(mm["libelle"][0], c) if "libelle" in mm else nid) or nid, conv or "inclut-ss",
                                  (lect.texte(mm["citation"][0], c + ".citation") if "citation" in mm else "") or "")
        if not m:
            lect.pb(top["niveaux"][0], "aucun niveau déclaré", "niveaux")

    colonnes = {}
    if "colonnes" in top:
        m = _borner(lect, top["colonnes"][0], "colonnes", lect.mapping(top["colonnes"][0], "colonnes") or {})
        for cid, (v, k) in m.items():
            c = f"colonnes.{cid}"
            mm = lect.mapping(v, c, ("niveau", "libelle"), ("niveau",)) or {}
            niv = lect.texte(mm["niveau"][0], c + ".niveau") if "niveau" in mm else None
            if niv is not None and niv not in niveaux:
                lect.pb(mm["niveau"][0], f"niveau inconnu « {niv} »{suggestion(niv, niveaux)}", c + ".niveau",
                        "niveaux déclarés : " + ", ".join(niveaux))
            colonnes[cid] = Colonne(cid, niv or "", (lect.texte(mm["libelle"][0], c) if "libelle" in mm else cid) or cid)

    formules = {}
    if "formules" in top:
        m = _borner(lect, top["formules"][0], "formules", lect.mapping(top["formules"][0], "formules") or {})
        ordre_niveaux = list(niveaux)
        for fid, (v, k) in m.items():
            c = f"formules.{fid}"
            mm = lect.mapping(v, c, ("libelle", "colonnes", "responsable"), ("colonnes",)) or {}
            cols = []
            if "colonnes" in mm:
                for item in lect.liste(mm["colonnes"][0], c + ".colonnes") or []:
                    t = lect.texte(item, c + ".colonnes")
                    if t is None:
                        continue
                    if t not in colonnes:
                        lect.pb(item, f"colonne inconnue « {t} »{suggestion(t, colonnes)}", c + ".colonnes",
                                "colonnes déclarées : " + ", ".join(colonnes))
                    else:
                        cols.append(t)
                niv = [colonnes[x].niveau for x in cols]
                if len(set(niv)) != len(niv):
                    lect.pb(mm["colonnes"][0], "deux colonnes du même niveau dans une formule", c + ".colonnes",
                            "une formule prend au plus une colonne par niveau")
                elif niv != sorted(niv, key=lambda n: ordre_niveaux.index(n) if n in ordre_niveaux else 99):
                    lect.pb(mm["colonnes"][0], "colonnes dans le désordre des niveaux", c + ".colonnes",
                            "donnez-les dans l'ordre des niveaux : " + ", ".join(ordre_niveaux))
            resp = lect.booleen(mm["responsable"][0], c + ".responsable") if "responsable" in mm else None
            formules[fid] = Formule(fid, (lect.texte(mm["libelle"][0], c) if "libelle" in mm else fid) or fid, tuple(cols), resp)

    exceptions = _exceptions(lect, meta.get("_exceptions"), formules)

    lignes: list[Ligne] = []
    if "garanties" in top:
        sections = lect.liste(top["garanties"][0], "garanties") or []
        for i, sec in enumerate(sections):
            c = f"garanties[{i}]"
            ms = lect.mapping(sec, c, ("section", "lignes", "note"), ("section", "lignes")) or {}
            titre = (lect.texte(ms["section"][0], c + ".section") if "section" in ms else "") or ""
            for j, ln in enumerate((lect.liste(ms["lignes"][0], c + ".lignes") or []) if "lignes" in ms else []):
                cl = f"{c}.lignes[{j}]"
                permises = ("libelle", "nature", "natures", "si", "note", "composition", "compteurs") + tuple(colonnes)
                ml = lect.mapping(ln, cl, permises, ("libelle",)) or {}
                if not ml:
                    continue
                libelle = (lect.texte(ml["libelle"][0], cl + ".libelle") if "libelle" in ml else "") or ""
                natures = []
                if "nature" in ml and "natures" in ml:
                    lect.pb(ml["natures"][1], "« nature » et « natures » à la fois", cl, "gardez l'une des deux")
                if "nature" in ml:
                    t = lect.texte(ml["nature"][0], cl + ".nature")
                    natures = [(t, ml["nature"][0])] if t else []
                elif "natures" in ml:
                    natures = [(lect.texte(x, cl + ".natures"), x) for x in (lect.liste(ml["natures"][0], cl + ".natures") or [])]
                else:
                    lect.pb(ln, "ligne sans nature", cl, "ajoutez « nature: <code> » (liste : simulateur natures)")
                codes = []
                for code, noeud in natures:
                    if code is None:
                        continue
                    if code not in NATURES:
                        lect.pb(noeud, f"nature inconnue « {code} »{suggestion(code, NATURES)}", cl + ".nature",
                                "la liste des natures : simulateur natures")
                    else:
                        codes.append(code)
                si = _condition(lect, ml["si"][0], cl + ".si") if "si" in ml else {}
                cellules, clignes = {}, {}
                for col in colonnes:
                    if col in ml:
                        v = ml[col][0]
                        t = lect.texte(v, f"{cl}.{col}", vide_ok=True)
                        if t is None:
                            continue
                        try:
                            cellules[col] = analyser(t)
                        except ExpressionInvalide as e:
                            lect.pb(v, f"garantie illisible : {e}", f"{cl}.{col}")
                            continue
                        clignes[col] = v.start_mark.line + 1
                note = (lect.texte(ml["note"][0], cl + ".note") if "note" in ml else "") or ""
                compteurs = (lect.texte(ml["compteurs"][0], cl + ".compteurs") if "compteurs" in ml else "") or ""
                composition = None
                if "composition" in ml:
                    composition = _composition(lect, ml["composition"][0], cl + ".composition")
                    if cellules:
                        lect.pb(ml["composition"][1], "une ligne composée n'a pas de cellules propres", cl,
                                "retirez les colonnes : les montants viennent des lignes de la monture et des verres")
                    if composition:
                        texte = "monture + 2 verres, selon leurs lignes"
                        cellules = {col: Expression(texte) for col in colonnes}
                lignes.append(Ligne(len(lignes), libelle, titre, tuple(codes), si, cellules,
                                    ln.start_mark.line + 1, clignes, note, composition, compteurs))

    plafonds = []
    if "plafonds_annuels" in top:
        for i, p in enumerate(lect.liste(top["plafonds_annuels"][0], "plafonds_annuels") or []):
            c = f"plafonds_annuels[{i}]"
            mp = lect.mapping(p, c, ("libelle", "natures", "montant", "au_dela"), ("libelle", "natures", "montant")) or {}
            if not mp:
                continue
            nat = []
            for x in (lect.liste(mp["natures"][0], c + ".natures") or []) if "natures" in mp else []:
                t = lect.texte(x, c + ".natures")
                if t and t not in NATURES:
                    lect.pb(x, f"nature inconnue « {t} »{suggestion(t, NATURES)}", c + ".natures")
                elif t:
                    nat.append(t)
            montant = Decimal(0)
            if "montant" in mp:
                t = lect.texte(mp["montant"][0], c + ".montant")
                try:
                    montant = lire_montant(t or "", quoi="montant du plafond")
                except MontantInvalide as e:
                    lect.pb(mp["montant"][0], str(e), c + ".montant")
            au_dela = (lect.texte(mp["au_dela"][0], c + ".au_dela") if "au_dela" in mp else "rien") or "rien"
            if au_dela not in ("ticket-moderateur", "rien"):
                lect.pb(mp["au_dela"][0], f"« {au_dela} » inconnu", c + ".au_dela", "ticket-moderateur ou rien")
            plafonds.append(PlafondAnnuel((lect.texte(mp["libelle"][0], c) if "libelle" in mp else "") or "", tuple(nat),
                                          montant, au_dela, p.start_mark.line + 1))

    delai = None
    if "delai_de_stage" in top:
        v = top["delai_de_stage"][0]
        md = lect.mapping(v, "delai_de_stage", ("libelle", "duree_mois", "ticket_moderateur", "exclues", "sauf_certificat_radiation"),
                          ("duree_mois",)) or {}
        def _natures(cle):
            out = []
            for x in (lect.liste(md[cle][0], f"delai_de_stage.{cle}") or []) if cle in md else []:
                t = lect.texte(x, f"delai_de_stage.{cle}")
                if t and t not in NATURES:
                    lect.pb(x, f"nature inconnue « {t} »{suggestion(t, NATURES)}", f"delai_de_stage.{cle}")
                elif t:
                    out.append(t)
            return tuple(out)
        duree = lect.texte(md["duree_mois"][0], "delai_de_stage.duree_mois") if "duree_mois" in md else None
        if duree is not None and not duree.isdigit():
            lect.pb(md["duree_mois"][0], f"durée « {duree} » invalide", "delai_de_stage.duree_mois", "un nombre de mois, ex. 6")
            duree = None
        delai = DelaiDeStage(int(duree or 0), _natures("ticket_moderateur"), _natures("exclues"),
                             bool(lect.booleen(md["sauf_certificat_radiation"][0], "delai_de_stage.sauf_certificat_radiation"))
                             if "sauf_certificat_radiation" in md else False,
                             (lect.texte(md["libelle"][0], "delai_de_stage.libelle") if "libelle" in md else "") or "délai de stage",
                             v.start_mark.line + 1)

    if lect.problemes:
        raise ContratInvalide(lect.problemes)

    contrat = Contrat(meta.get("id") or Path(fichier).stem, meta.get("nom") or "", meta.get("assureur") or "",
                      meta.get("source") or "", bool(meta.get("responsable")), fichier, niveaux, colonnes, formules, lignes,
                      meta.get("notes") or "", plafonds, delai)
    contrat.exceptions_responsable = exceptions
    for l in lignes:
        for n in l.natures:
            contrat.par_nature.setdefault(n, []).append(l)
    problemes = _coherence(contrat)
    if problemes:
        raise ContratInvalide(problemes)
    return contrat


_BALISES_PERMISES = frozenset("tag:yaml.org,2002:" + t for t in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq"))


def _balises(racine, lect: _Lecteur) -> None:
    """Refuses every explicit YAML tag but the standard ones (`!!python/object`, `!foo`…).

    `yaml.compose` never constructs objects, so nothing is executed anyway; refusing says so instead
    of silently reading the node as plain data. Each node is visited once (aliases share nodes).
    """
    vus, pile = set(), [racine]
    while pile:
        n = pile.pop()
        if id(n) in vus:
            continue
        vus.add(id(n))
        if n.tag not in _BALISES_PERMISES:
            lect.pb(n, f"balise YAML « {n.tag.replace('tag:yaml.org,2002:', '!!')} » refusée : aucune balise n'est interprétée ni exécutée",
                    indice="supprimez la balise ; un contrat ne contient que du texte, des listes et des tables")
        if isinstance(n, yaml.MappingNode):
            for k, v in n.value:
                pile.append(k)
                pile.append(v)
        elif isinstance(n, yaml.SequenceNode):
            pile.extend(n.value)


def _exceptions(lect: _Lecteur, noeud, formules: dict) -> list[ExceptionResponsable]:
    """`contrat.exceptions_responsable`: [{regle, motif, formules?, natures?}] (rule ids checked by validation.py)."""
    if noeud is None:
        return []
    out = []
    for i, item in enumerate(lect.liste(noeud, "contrat.exceptions_responsable") or []):
        c = f"contrat.exceptions_responsable[{i}]"
        m = lect.mapping(item, c, ("regle", "motif", "formules", "natures"), ("regle", "motif")) or {}
        if "regle" not in m or "motif" not in m:
            continue
        listes = {}
        for cle, permis in (("formules", formules), ("natures", NATURES)):
            listes[cle] = []
            for x in (lect.liste(m[cle][0], f"{c}.{cle}") or []) if cle in m else []:
                t = lect.texte(x, f"{c}.{cle}")
                if t and t not in permis:
                    lect.pb(x, f"{cle[:-1]} inconnue « {t} »{suggestion(t, permis)}", f"{c}.{cle}",
                            (f"formules déclarées : {', '.join(permis)}" if cle == "formules" else "la liste : simulateur natures"))
                elif t:
                    listes[cle].append(t)
        regle, motif = lect.texte(m["regle"][0], c + ".regle"), lect.texte(m["motif"][0], c + ".motif")
        if regle and motif:
            out.append(ExceptionResponsable(regle.strip(), motif.strip(), tuple(listes["formules"]), tuple(listes["natures"]),
                                            item.start_mark.line + 1))
    return out


def _borner(lect: _Lecteur, noeud, chemin: str, m: dict) -> dict:
    if len(m) <= ENTREES_MAX:
        return m
    lect.pb(noeud, f"trop d'entrées dans « {chemin} » ({len(m)}, {ENTREES_MAX} au plus)", chemin,
            "un contrat a quelques niveaux, colonnes et formules ; seules les premières sont lues")
    return dict(list(m.items())[:ENTREES_MAX])


def _coherence(contrat: Contrat) -> list[Probleme]:
    """Checks that need the whole file: lines that would both apply to the same act, composed lines."""
    trop = [(n, ls) for n, ls in contrat.par_nature.items() if len(ls) > LIGNES_PAR_NATURE_MAX]
    if trop:  # the checks below are quadratic in the lines of a nature: refuse before running them
        return [Probleme(contrat.fichier, ls[LIGNES_PAR_NATURE_MAX].ligne,
                         f"trop de lignes pour la nature {n} ({len(ls)}, {LIGNES_PAR_NATURE_MAX} au plus)",
                         indice="une nature a quelques lignes (variantes dptm, panier, âge…)") for n, ls in trop]
    pbs = []
    for l in contrat.lignes:
        if not l.composition:
            continue
        for role, nature in l.composition.items():
            composantes = contrat.par_nature.get(nature, [])
            if not composantes:
                pbs.append(Probleme(contrat.fichier, l.ligne, f"la ligne composée « {l.libelle} » renvoie à la nature {nature} ({role}), "
                                    "qui n'a aucune ligne dans ce contrat", indice=f"ajoutez une ligne « nature: {nature} »"))
            for c in composantes:
                if c.composition:
                    pbs.append(Probleme(contrat.fichier, c.ligne, f"la ligne « {c.libelle} » est elle-même composée",
                                        indice="une composition renvoie à des lignes simples"))
                for col, e in c.cellules.items():
                    if any(t.enveloppe or isinstance(t, (ParActe, ParJour)) for t in e.termes):
                        pbs.append(Probleme(contrat.fichier, c.cellule_lignes.get(col, c.ligne),
                                            f"« {e.texte} » (ligne « {c.libelle} », colonne {col}) : une ligne qui entre dans une "
                                            "composition ne peut pas porter d'enveloppe annuelle ni de compteur",
                                            indice="écrivez un montant par monture ou par verre (« 100 % BR + 50 € », « 25 € / verre »)"))
    for nature, lignes in contrat.par_nature.items():
        for i, a in enumerate(lignes):
            for b in lignes[i + 1:]:
                if _recouvrement(a.si, b.si):
                    pbs.append(Probleme(contrat.fichier, b.ligne,
                                        f"les lignes « {a.libelle} » (ligne {a.ligne}) et « {b.libelle} » s'appliquent toutes deux "
                                        f"à la nature {nature}", indice="distinguez-les par une condition « si: » (dptm, panier, age…)"))
    return pbs


def _recouvrement(a: dict, b: dict) -> bool:
    for cle in set(a) & set(b):
        if cle == "_texte":
            continue
        if cle == "age":
            if not _ages_compatibles(a[cle], b[cle]):
                return False
        elif isinstance(a[cle], frozenset) or isinstance(b[cle], frozenset):
            ea = a[cle] if isinstance(a[cle], frozenset) else frozenset([a[cle]])
            eb = b[cle] if isinstance(b[cle], frozenset) else frozenset([b[cle]])
            if not ea & eb:
                return False
        elif a[cle] != b[cle]:
            return False
    return True


def _ages_compatibles(x, y) -> bool:
    return any(condition_age(x, age) and condition_age(y, age) for age in range(0, 131))


def condition_age(cond, age: int) -> bool:
    op, n = cond
    return {"<=": age <= n, ">=": age >= n, "<": age < n, ">": age > n, "=": age == n}[op]


# ------------------------------------------------------------------ finding contracts

def dossier_contrats() -> Path:
    env = os.environ.get("SIMULATEUR_CONTRATS")
    if env:
        return Path(env)
    try:
        from .. import contrats as _paquet
        return Path(list(_paquet.__path__)[0])
    except ImportError:  # running from a source tree that was not installed
        return Path(__file__).resolve().parents[2] / "contrats"


def contrats_livres() -> list[Path]:
    return sorted(p for p in dossier_contrats().glob("*.yaml"))


def chemin_contrat(nom: str) -> Path:
    p = Path(nom)
    if nom.endswith((".yaml", ".yml")) or os.sep in nom or "/" in nom:
        if not p.is_file():
            raise ContratIntrouvable(f"fichier de contrat introuvable : {nom}")
        return p
    candidat = dossier_contrats() / f"{nom}.yaml"
    if candidat.is_file():
        return candidat
    if p.is_file():
        return p
    ids = [x.stem for x in contrats_livres()]
    raise ContratIntrouvable(f"contrat inconnu « {nom} »{suggestion(nom, ids)} (contrats livrés : {', '.join(ids)} ; "
                             "ou donnez le chemin d'un fichier .yaml)")


_CACHE: dict = {}


def charger_contrat(nom: str | os.PathLike) -> Contrat:
    """A shipped contract by id, or a YAML file by path; parsed once per process."""
    chemin = chemin_contrat(str(nom))
    cle = str(chemin.resolve())
    try:
        stat = chemin.stat()
        marque = (stat.st_mtime_ns, stat.st_size)
    except OSError:
        marque = None
    if cle in _CACHE and _CACHE[cle][0] == marque:
        return _CACHE[cle][1]
    livre = chemin.resolve().parent == dossier_contrats().resolve()
    if livre:
        from ..fichiers.cache import charger
        contrat = charger("contrat-" + chemin.stem, [chemin], lambda: _lire_fichier(chemin, f"contrats/{chemin.name}"))
    else:
        contrat = _lire_fichier(chemin, str(nom))
    _CACHE[cle] = (marque, contrat)
    return contrat


def _lire_fichier(chemin: Path, affiche: str) -> Contrat:
    try:
        texte = chemin.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise ContratInvalide([Probleme(affiche, None, "le fichier n'est pas en UTF-8", indice="réenregistrez-le en UTF-8")],
                              illisible=True) from None
    except OSError as e:
        raise ContratIntrouvable(f"impossible de lire {chemin} : {e.strerror}") from None
    return lire_contrat(texte, affiche)
