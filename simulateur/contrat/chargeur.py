"""Loading a contract file: strict YAML, every problem reported at once with `fichier:ligne` and a hint.

`lire_contrat(texte, fichier)` reads, in order: the header (`contrat:`), the levels and their
convention, the columns, the formulas, the guarantee lines (natures, conditions, one parsed
expression per column), the annual ceilings, the waiting period; then the checks that need the
whole file (composed lines, lines that would both apply to one act). Each step adds `Probleme`
values to one list; a contract with any problem is refused with all of them (`ContratInvalide`).
"""
from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

from ..domaine.erreurs import ContratInvalide, Probleme
from ..domaine.montant import MontantInvalide, lire_montant
from ..domaine.natures import NATURES, suggestion
from ..fichiers.yaml_strict import LecteurYaml, cles_racine, composer, est_texte, ligne as ligne_de
from .conditions import lire_conditions, recouvrement
from .expressions import Expression, ExpressionInvalide, ParActe, ParJour, analyser
from .modele import (ANNEES, CONVENTIONS, Colonne, Contrat, DelaiDeStage, ExceptionResponsable, Formule, Ligne, Niveau,
                     PlafondAnnuel)
from .modules import FORMULES_ENGENDREES_MAX, engendrer, lire_modules

# Bounds that keep hostile files linear (the "did you mean" suggestions and the overlap check are
# quadratic); real contracts are far below (cabinets-dentaires: 4 columns, at most 4 lines per nature).
ENTREES_MAX = 100            # niveaux, colonnes, formules
LIGNES_PAR_NATURE_MAX = 50
TAILLE_MAX = 2_000_000
CLES_RACINE = ("contrat", "niveaux", "colonnes", "formules", "modules", "garanties", "plafonds_annuels", "delai_de_stage")
CLES_CONTRAT = ("id", "nom", "assureur", "source", "responsable", "notes", "date_effet", "exceptions_responsable",
                "famille", "date_source", "publication", "annee")
FAMILLES = ("individuelle", "collective", "senior", "tns", "jeune", "entree-de-gamme", "surcomplementaire")
_DATE_SOURCE = re.compile(r"^\d{4}(-\d{2}){0,2}$")
PANIERS = ("100-sante", "maitrise", "libre")
_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,99}$")
_INDICE_SQUELETTE = "voir docs/format-contrat.md pour le squelette d'un contrat (ou simulateur contrat nouveau)"


class _Lecture:
    """What the steps share: the YAML walker (problems), the root keys, and what earlier steps read."""

    def __init__(self, lect: LecteurYaml, top: dict):
        self.lect, self.top = lect, top
        self.meta: dict = {}
        self.niveaux: dict = {}
        self.colonnes: dict = {}
        self.formules: dict = {}
        self.lignes: list = []
        self.modules: list = []


def _racine(texte: str, fichier: str):
    racine = composer(texte, fichier, taille_max=TAILLE_MAX, indice_vide=_INDICE_SQUELETTE)
    if "contrat" not in cles_racine(racine):
        raise ContratInvalide([Probleme(fichier, ligne_de(racine), "ce fichier n'est pas un contrat (pas de clé « contrat: » "
                                        "au premier niveau)", indice=_INDICE_SQUELETTE)], illisible=True)
    return racine


def _texte(lect, m, cle, chemin, defaut=""):
    return (lect.texte(m[cle][0], f"{chemin}.{cle}") if cle in m else defaut) or defaut


def _entete(L: _Lecture) -> None:
    lect = L.lect
    m = lect.mapping(L.top["contrat"][0], "contrat", CLES_CONTRAT, ("id", "nom", "source", "responsable")) or {}
    for cle in ("id", "nom", "assureur", "source", "notes", "date_effet", "famille", "date_source", "publication", "annee"):
        if cle in m:
            L.meta[cle] = lect.texte(m[cle][0], f"contrat.{cle}")
    _entete_valeurs(L, m)
    if "responsable" in m:
        L.meta["responsable"] = lect.booleen(m["responsable"][0], "contrat.responsable")
    if L.meta.get("id") and not _ID.match(L.meta["id"]):
        lect.pb(m["id"][0], f"identifiant « {L.meta['id'][:100]} » invalide", "contrat.id",
                "minuscules, chiffres et tirets, 100 caractères au plus")
    L.meta["_exceptions"] = m["exceptions_responsable"][0] if "exceptions_responsable" in m else None


def _entete_valeurs(L: _Lecture, m: dict) -> None:
    """`famille`, `date_source`, `annee`: values from a fixed vocabulary (they feed `simulateur contrats`)."""
    lect, meta = L.lect, L.meta
    for cle, permises, indice in (("famille", FAMILLES, "familles : " + ", ".join(FAMILLES)),
                                  ("annee", ANNEES, "civile (du 1er janvier au 31 décembre) ou adhesion (d'une date "
                                   "anniversaire de l'adhésion à l'autre)")):
        v = meta.get(cle)
        if v and v not in permises:
            lect.pb(m[cle][0], f"{cle} « {v[:40]} » inconnue{suggestion(v, permises)}", f"contrat.{cle}", indice)
            meta[cle] = None
    if meta.get("date_source") and not _DATE_SOURCE.match(meta["date_source"]):
        lect.pb(m["date_source"][0], f"date_source « {meta['date_source'][:40]} » invalide", "contrat.date_source",
                "la date du document : AAAA-MM-JJ, AAAA-MM ou AAAA")
        meta["date_source"] = None


def _borner(lect: LecteurYaml, noeud, chemin: str, m: dict) -> dict:
    if len(m) <= ENTREES_MAX:
        return m
    lect.pb(noeud, f"trop d'entrées dans « {chemin} » ({len(m)}, {ENTREES_MAX} au plus)", chemin,
            "un contrat a quelques niveaux, colonnes et formules ; seules les premières sont lues")
    return dict(list(m.items())[:ENTREES_MAX])


def _section(L: _Lecture, cle: str) -> dict:
    noeud = L.top[cle][0]
    return _borner(L.lect, noeud, cle, L.lect.mapping(noeud, cle) or {})


def _niveaux(L: _Lecture) -> None:
    lect = L.lect
    m = _section(L, "niveaux")
    for nid, (v, _k) in m.items():
        c = f"niveaux.{nid}"
        mm = lect.mapping(v, c, ("libelle", "convention", "citation", "responsable"), ("libelle", "convention")) or {}
        conv = lect.texte(mm["convention"][0], c + ".convention") if "convention" in mm else None
        if conv is not None and conv not in CONVENTIONS:
            lect.pb(mm["convention"][0], f"convention « {conv[:40]} » inconnue{suggestion(conv, CONVENTIONS)}", c + ".convention",
                    "inclut-ss (les montants incluent la SS et les niveaux précédents) ou en-complement (ils s'ajoutent)")
            conv = None
        resp = lect.booleen(mm["responsable"][0], c + ".responsable") if "responsable" in mm else None
        L.niveaux[nid] = Niveau(nid, _texte(lect, mm, "libelle", c, nid), conv or "inclut-ss", _texte(lect, mm, "citation", c), resp)
    if not m:
        lect.pb(L.top["niveaux"][0], "aucun niveau déclaré", "niveaux")


def _colonnes(L: _Lecture) -> None:
    lect = L.lect
    for cid, (v, _k) in _section(L, "colonnes").items():
        c = f"colonnes.{cid}"
        mm = lect.mapping(v, c, ("niveau", "libelle"), ("niveau",)) or {}
        niv = lect.texte(mm["niveau"][0], c + ".niveau") if "niveau" in mm else None
        if niv is not None and niv not in L.niveaux:
            lect.pb(mm["niveau"][0], f"niveau inconnu « {niv[:40]} »{suggestion(niv, L.niveaux)}", c + ".niveau",
                    "niveaux déclarés : " + ", ".join(L.niveaux))
        L.colonnes[cid] = Colonne(cid, niv or "", _texte(lect, mm, "libelle", c, cid))


def _colonnes_de_formule(L: _Lecture, noeud, c: str) -> tuple:
    lect = L.lect
    cols = []
    ecrites = list(lect.textes(noeud, c + ".colonnes"))
    for t, item in ecrites:
        if t not in L.colonnes:
            lect.pb(item, f"colonne inconnue « {t[:40]} »{suggestion(t, L.colonnes)}", c + ".colonnes",
                    "colonnes déclarées : " + ", ".join(L.colonnes))
        else:
            cols.append(t)
    niv = [L.colonnes[x].niveau for x in cols]
    ordre = list(L.niveaux)
    if getattr(noeud, "id", "") == "sequence" and not noeud.value:     # `colonnes: []` (a yaml SequenceNode)
        lect.pb(noeud, "formule sans colonne : elle ne paierait rien au-delà de la Sécurité sociale", c + ".colonnes",
                "donnez au moins une colonne, ex. colonnes: [base]")
    if len(set(niv)) != len(niv):
        lect.pb(noeud, "deux colonnes du même niveau dans une formule", c + ".colonnes", "une formule prend au plus une colonne par niveau")
    elif niv != sorted(niv, key=lambda n: ordre.index(n) if n in ordre else 99):
        lect.pb(noeud, "colonnes dans le désordre des niveaux", c + ".colonnes",
                "donnez-les dans l'ordre des niveaux : " + ", ".join(ordre))
    return tuple(cols)


def _modules(L: _Lecture) -> None:
    """`modules:`: the formulas of every allowed combination of the modules' columns (contrat/modules.py)."""
    L.modules = lire_modules(L)
    if L.lect.problemes or not L.modules:
        return
    formules, total = engendrer(L.modules, L.colonnes, L.niveaux)
    noeud = L.top["modules"][0]
    if total > FORMULES_ENGENDREES_MAX:
        L.lect.pb(noeud, f"les modules engendrent {total} formules ({FORMULES_ENGENDREES_MAX} au plus)", "modules",
                  "ajoutez les écarts permis (ecart_max, meme_rang_que) que le document prévoit")
        return
    for f in formules:
        if f.id in L.formules:
            L.lect.pb(noeud, f"la formule « {f.id} » est à la fois écrite dans formules: et engendrée par modules:", "modules")
        L.formules[f.id] = f


def _formules(L: _Lecture) -> None:
    lect = L.lect
    for fid, (v, _k) in _section(L, "formules").items():
        c = f"formules.{fid}"
        mm = lect.mapping(v, c, ("libelle", "colonnes", "responsable"), ("colonnes",)) or {}
        cols = _colonnes_de_formule(L, mm["colonnes"][0], c) if "colonnes" in mm else ()
        resp = lect.booleen(mm["responsable"][0], c + ".responsable") if "responsable" in mm else None
        L.formules[fid] = Formule(fid, _texte(lect, mm, "libelle", c, fid), cols, resp)


def _natures(lect: LecteurYaml, ml: dict, noeud, cl: str) -> tuple:
    if "nature" in ml and "natures" in ml:
        lect.pb(ml["natures"][1], "« nature » et « natures » à la fois", cl, "gardez l'une des deux")
    cle = "nature" if "nature" in ml else "natures" if "natures" in ml else None
    if cle is None:
        lect.pb(noeud, "ligne sans nature", cl, "ajoutez « nature: <code> » (liste : simulateur natures)")
        return ()
    codes = []
    for code, x in lect.textes(ml[cle][0], f"{cl}.{cle}"):
        if code not in NATURES:
            lect.pb(x, f"nature inconnue « {code[:60]} »{suggestion(code, NATURES)}", f"{cl}.{cle}",
                    "la liste des natures : simulateur natures")
        else:
            codes.append(code)
    return tuple(codes)


def _cellules(L: _Lecture, ml: dict, cl: str):
    lect = L.lect
    cellules, clignes = {}, {}
    for col in L.colonnes:
        if col not in ml:
            continue
        v = ml[col][0]
        t = lect.texte(v, f"{cl}.{col}", vide_ok=True)
        if t is None:
            continue
        try:
            cellules[col] = analyser(t)
        except ExpressionInvalide as e:
            lect.pb(v, f"garantie illisible : {e}", f"{cl}.{col}", e.indice)
            continue
        clignes[col] = ligne_de(v)
    return cellules, clignes


def _composition(lect: LecteurYaml, noeud, chemin):
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
            lect.pb(v, f"nature inconnue « {t[:60]} »{suggestion(t, NATURES)}", f"{chemin}.{cle}", "la liste des natures : simulateur natures")
            return None
        out[cle] = t
    return out


def _ligne(L: _Lecture, ln, titre: str, cl: str) -> Ligne | None:
    lect = L.lect
    ml = lect.mapping(ln, cl, ("libelle", "nature", "natures", "si", "note", "composition", "compteurs") + tuple(L.colonnes),
                      ("libelle",)) or {}
    if not ml:
        return None
    codes = _natures(lect, ml, ln, cl)
    si = lire_conditions(lect, ml["si"][0], cl + ".si") if "si" in ml else {}
    cellules, clignes = _cellules(L, ml, cl)
    composition = None
    if "composition" in ml:
        composition = _composition(lect, ml["composition"][0], cl + ".composition")
        if cellules:
            lect.pb(ml["composition"][1], "une ligne composée n'a pas de cellules propres", cl,
                    "retirez les colonnes : les montants viennent des lignes de la monture et des verres")
        if composition:
            cellules = {col: Expression("monture + 2 verres, selon leurs lignes") for col in L.colonnes}
    return Ligne(len(L.lignes), _texte(lect, ml, "libelle", cl), titre, codes, si, cellules, ligne_de(ln), clignes,
                 _texte(lect, ml, "note", cl), composition, _texte(lect, ml, "compteurs", cl))


def _garanties(L: _Lecture) -> None:
    lect = L.lect
    for i, sec in enumerate(lect.liste(L.top["garanties"][0], "garanties") or []):
        c = f"garanties[{i}]"
        ms = lect.mapping(sec, c, ("section", "lignes", "note"), ("section", "lignes")) or {}
        titre = _texte(lect, ms, "section", c)
        for j, ln in enumerate((lect.liste(ms["lignes"][0], c + ".lignes") or []) if "lignes" in ms else []):
            ligne = _ligne(L, ln, titre, f"{c}.lignes[{j}]")
            if ligne is not None:
                L.lignes.append(ligne)


def _liste_natures(lect: LecteurYaml, noeud, chemin: str) -> tuple:
    out = []
    for t, x in lect.textes(noeud, chemin):
        if t not in NATURES:
            lect.pb(x, f"nature inconnue « {t[:60]} »{suggestion(t, NATURES)}", chemin)
        else:
            out.append(t)
    return tuple(out)


_PALIER = re.compile(r"^(\d[\d ]*(?:[.,]\d{1,2})?) ?€? (?:a partir de la (\d+)(?:e|eme|re|ere) annee|apres (\d+) ans?)"
                     r"(?: d'adhesion)?$")


def lire_paliers(texte: str) -> tuple:
    """« 2500 », « 1 800 € ; 2 500 € à partir de la 3e année » → ((0, 1800), (2, 2500)) (years of membership,
    amount). Raises ValueError with a hint."""
    from .expressions import normaliser
    morceaux = [x.strip() for x in re.split(r";|, puis ", texte) if x.strip()]
    if not morceaux:
        raise ValueError("montant vide")
    paliers = [(0, lire_montant(morceaux[0]))]
    for m in morceaux[1:]:
        r = _PALIER.match(normaliser(m))
        if r is None:
            raise ValueError(f"palier « {m[:40]} » illisible : écrivez « 2 500 € à partir de la 3e année »")
        annees = int(r[2]) - 1 if r[2] else int(r[3])
        if annees <= paliers[-1][0]:
            raise ValueError("paliers dans le désordre des années")
        paliers.append((annees, lire_montant(r[1].replace(" ", ""))))
    return tuple(paliers)


def _pourquoi(e) -> str:
    """Why a ceiling's amount is unreadable, in French (the money parser's reason worded by `rendu`)."""
    if isinstance(e, MontantInvalide):
        from ..rendu.messages import texte_montant
        return texte_montant(e.raison, e.texte)
    return str(e)


def _montant_plafond(L: _Lecture, noeud, c: str):
    """(steps of the default amount, {column: steps}) of `montant:` (a text, or a table by column)."""
    lect = L.lect
    if est_texte(noeud):
        try:
            return lire_paliers(lect.texte(noeud, c) or ""), {}
        except (ValueError, MontantInvalide) as e:
            lect.pb(noeud, f"montant du plafond illisible : {_pourquoi(e)}", c,
                    "un montant en euros, ex. 2500, ou « 1 800 € ; 2 500 € à partir de la 3e année »")
            return ((0, Decimal(0)),), {}
    par_colonne = {}
    for col, (v, _k) in (lect.mapping(noeud, c, tuple(L.colonnes)) or {}).items():
        try:
            par_colonne[col] = lire_paliers(lect.texte(v, f"{c}.{col}") or "")
        except (ValueError, MontantInvalide) as e:
            lect.pb(v, f"montant du plafond illisible : {_pourquoi(e)}", f"{c}.{col}", "un montant en euros, ex. 1400")
    return (), par_colonne


def _paniers(lect: LecteurYaml, noeud, chemin: str):
    out = []
    for t, x in lect.textes(noeud, chemin):
        if t not in PANIERS:
            lect.pb(x, f"panier inconnu « {t[:40]} »{suggestion(t, PANIERS)}", chemin, "paniers : " + ", ".join(PANIERS))
        else:
            out.append(t)
    return frozenset(out)


def _plafond(L: _Lecture, p, c: str) -> PlafondAnnuel | None:
    lect = L.lect
    mp = lect.mapping(p, c, ("libelle", "natures", "montant", "au_dela", "paniers", "annee"), ("libelle", "natures", "montant")) or {}
    if not mp:
        return None
    natures = _liste_natures(lect, mp["natures"][0], c + ".natures") if "natures" in mp else ()
    paliers, par_colonne = _montant_plafond(L, mp["montant"][0], c + ".montant") if "montant" in mp else (((0, Decimal(0)),), {})
    au_dela = _texte(lect, mp, "au_dela", c, "rien")
    if au_dela not in ("ticket-moderateur", "rien"):
        lect.pb(mp["au_dela"][0], f"« {au_dela[:40]} » inconnu", c + ".au_dela", "ticket-moderateur ou rien")
    annee = _texte(lect, mp, "annee", c, "")
    if annee and annee not in ANNEES:
        lect.pb(mp["annee"][0], f"année « {annee[:40]} » inconnue", c + ".annee", "civile ou adhesion")
    paniers = _paniers(lect, mp["paniers"][0], c + ".paniers") if "paniers" in mp else None
    montant = paliers[0][1] if paliers else Decimal(0)
    return PlafondAnnuel(_texte(lect, mp, "libelle", c), natures, montant, au_dela, ligne_de(p), paliers, par_colonne, paniers,
                         annee if annee in ANNEES else "")


def _plafonds(L: _Lecture) -> list:
    out = []
    for i, p in enumerate(L.lect.liste(L.top["plafonds_annuels"][0], "plafonds_annuels") or []):
        plafond = _plafond(L, p, f"plafonds_annuels[{i}]")
        if plafond is not None:
            out.append(plafond)
    return out


def _entier(lect: LecteurYaml, md: dict, cle: str, chemin: str, unite: str, maxi: int) -> int | None:
    """The whole number of `unite` (« mois », « jours ») at `cle`, 1..`maxi` (a waiting period of 0 is none:
    remove the section); None (and a problem) otherwise."""
    t = lect.texte(md[cle][0], chemin) if cle in md else None
    if t is not None and not (t.isascii() and t.isdigit() and len(t) <= 6 and 1 <= int(t) <= maxi):
        exemple = 6 if unite == "mois" else 90
        lect.pb(md[cle][0], f"durée « {t[:40]} » invalide", chemin, f"un nombre de {unite} de 1 à {maxi}, ex. {exemple} (sans "
                "délai de stage, retirez la section)")
        return None
    return int(t) if t is not None else None


def _delai(L: _Lecture) -> DelaiDeStage:
    lect, v = L.lect, L.top["delai_de_stage"][0]
    c = "delai_de_stage"
    md = lect.mapping(v, c, ("libelle", "duree_mois", "duree_jours", "ticket_moderateur", "exclues", "sauf_certificat_radiation",
                             "paniers", "formule")) or {}
    if ("duree_mois" in md) == ("duree_jours" in md):
        lect.pb(v, "donnez la durée du délai : duree_mois ou duree_jours (l'une des deux)", c, "ex. duree_mois: 6")
    duree = _entier(lect, md, "duree_mois", c + ".duree_mois", "mois", 120)
    jours = _entier(lect, md, "duree_jours", c + ".duree_jours", "jours", 3660)

    def natures(cle):
        return _liste_natures(lect, md[cle][0], f"{c}.{cle}") if cle in md else ()
    certificat = bool(lect.booleen(md["sauf_certificat_radiation"][0], c + ".sauf_certificat_radiation")) \
        if "sauf_certificat_radiation" in md else False
    formule = _texte(lect, md, "formule", c, "")
    if formule and formule not in L.formules:
        lect.pb(md["formule"][0], f"formule inconnue « {formule[:40]} »{suggestion(formule, L.formules)}", c + ".formule",
                "formules déclarées : " + ", ".join(list(L.formules)[:20]))
        formule = ""
    paniers = _paniers(lect, md["paniers"][0], c + ".paniers") if "paniers" in md else None
    return DelaiDeStage(int(duree or 0), natures("ticket_moderateur"), natures("exclues"), certificat,
                        _texte(lect, md, "libelle", c, "délai de stage"), ligne_de(v), paniers, formule, int(jours or 0))


def _exceptions(L: _Lecture) -> list:
    """`contrat.exceptions_responsable`: [{regle, motif, formules?, natures?}] (rule ids checked by validation.py)."""
    lect, noeud = L.lect, L.meta.get("_exceptions")
    out = []
    for i, item in enumerate((lect.liste(noeud, "contrat.exceptions_responsable") or []) if noeud is not None else []):
        c = f"contrat.exceptions_responsable[{i}]"
        m = lect.mapping(item, c, ("regle", "motif", "formules", "natures"), ("regle", "motif")) or {}
        if "regle" not in m or "motif" not in m:
            continue
        formules = []
        for t, x in lect.textes(m["formules"][0], c + ".formules") if "formules" in m else []:
            if t not in L.formules:
                lect.pb(x, f"formule inconnue « {t[:40]} »{suggestion(t, L.formules)}", c + ".formules",
                        f"formules déclarées : {', '.join(L.formules)}")
            else:
                formules.append(t)
        natures = _liste_natures(lect, m["natures"][0], c + ".natures") if "natures" in m else ()
        regle, motif = lect.texte(m["regle"][0], c + ".regle"), lect.texte(m["motif"][0], c + ".motif")
        if regle and motif:
            out.append(ExceptionResponsable(regle.strip(), motif.strip(), tuple(formules), natures, ligne_de(item)))
    return out


def _contrat(L: _Lecture, fichier: str) -> Contrat:
    m = L.meta
    plafonds = _plafonds(L) if "plafonds_annuels" in L.top else []
    delai = _delai(L) if "delai_de_stage" in L.top else None
    exceptions = _exceptions(L)
    contrat = Contrat(m.get("id") or Path(fichier).stem, m.get("nom") or "", m.get("assureur") or "", m.get("source") or "",
                      bool(m.get("responsable")), fichier, L.niveaux, L.colonnes, L.formules, L.lignes, m.get("notes") or "",
                      plafonds, delai)
    contrat.exceptions_responsable = exceptions
    contrat.famille, contrat.date_source = m.get("famille") or "", m.get("date_source") or ""
    contrat.publication, contrat.annee, contrat.modules = m.get("publication") or "", m.get("annee") or "civile", L.modules
    return contrat.indexer()


def lire_contrat(texte: str, fichier: str = "<contrat>") -> Contrat:
    """Parse a contract text; raises ContratInvalide listing every problem found (`fichier:ligne`, key, hint)."""
    racine = _racine(texte, fichier)
    lect = LecteurYaml(fichier)
    lect.balises(racine)
    top = lect.mapping(racine, "", CLES_RACINE, ("contrat", "niveaux", "colonnes", "garanties")) or {}
    if top and "formules" not in top and "modules" not in top:
        lect.pb(racine, "ni « formules: » ni « modules: »", "", "déclarez les formules (ou les modules qui les engendrent)")
    L = _Lecture(lect, top)
    for cle, etape in (("contrat", _entete), ("niveaux", _niveaux), ("colonnes", _colonnes), ("formules", _formules),
                       ("modules", _modules), ("garanties", _garanties)):
        if cle in top:
            etape(L)
    contrat = _contrat(L, fichier)
    if lect.problemes:
        raise ContratInvalide(lect.problemes)
    problemes = coherence(contrat)
    if problemes:
        raise ContratInvalide(problemes)
    return contrat


# ------------------------------------------------------------------ checks of the whole file

def _composition_problemes(contrat: Contrat, l: Ligne) -> list[Probleme]:
    pbs = []
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
    return pbs


def coherence(contrat: Contrat) -> list[Probleme]:
    """Checks that need the whole file: composed lines, and lines that would both apply to the same act."""
    trop = [(n, ls) for n, ls in contrat.par_nature.items() if len(ls) > LIGNES_PAR_NATURE_MAX]
    if trop:  # the checks below are quadratic in the lines of a nature: refuse before running them
        return [Probleme(contrat.fichier, ls[LIGNES_PAR_NATURE_MAX].ligne,
                         f"trop de lignes pour la nature {n} ({len(ls)}, {LIGNES_PAR_NATURE_MAX} au plus)",
                         indice="une nature a quelques lignes (variantes dptm, panier, âge…)") for n, ls in trop]
    pbs = []
    for l in contrat.lignes:
        if l.composition:
            pbs.extend(_composition_problemes(contrat, l))
    for nature, lignes in contrat.par_nature.items():
        if nature in contrat.repli:
            continue          # the parent's lines, checked under the parent
        for i, a in enumerate(lignes):
            for b in lignes[i + 1:]:
                if recouvrement(a.si, b.si):
                    pbs.append(Probleme(contrat.fichier, b.ligne,
                                        f"les lignes « {a.libelle} » (ligne {a.ligne}) et « {b.libelle} » s'appliquent toutes deux "
                                        f"à la nature {nature}", indice="distinguez-les par une condition « si: » (dptm, panier, age…)"))
    return pbs
