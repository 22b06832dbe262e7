"""Le catalogue daté des actes : codes NGAP, CCAM et LPP, avec leur base de remboursement, leur
panier, leur HLF / PLV et les dents auxquelles ils s'appliquent (docs/actes.md).

Les données vivent dans `parametres/actes/*.yaml` ; elles sont lues par le lecteur des paramètres
réglementaires (`parametres._LectureFichier`) : mêmes valeurs datées (`depuis`, `jusqu_au`, `valeur`
entre guillemets, `reference`, `source`), mêmes contrôles, mêmes messages `fichier:ligne`. Une entrée :

    HBLD634:
      libelle: "Couronne céramo-métallique sur incisive, canine ou 1re prémolaire"
      nomenclature: CCAM                  # NGAP | CCAM | LPP
      nature: dentaire-prothese           # un code de `simulateur natures`
      groupe_taux: dentaire               # le groupe de taux de la nature (vérifié)
      base_remboursement: [valeurs datées]
      panier: 100-sante                   # ou une liste datée (depuis, jusqu_au, panier, reference, source)
      limite: [valeurs datées]            # HLF ou PLV
      dents: "11-13,21-23,31-33,41-43,14,24,34,44"   # numéros FDI où le code s'applique
      age: "< 6"                          # une ou deux conditions jointes par « et »
      coefficient: oui                    # lettre-clé valant par coefficient (« AMI 2 »)
      officiel: non                       # clé descriptive, pas un code officiel
      note: "…"

Une entrée « selon la dent » (`selon_dent: {incisive: HBLD634, …, molaire: HBLD734}`) choisit le code
d'après la position de la dent (`--dent`) : un matériau, un code par position.

Le catalogue n'est lu que quand un acte porte un code (`--acte`) ou par `simulateur actes` : le
démarrage de `simuler` sans code n'en paie pas le prix.
"""
from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_right
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from . import DOSSIER, ErreurParametres, ValeurDatee, _LectureFichier

DOSSIER_ACTES = DOSSIER / "actes"
NOMENCLATURES = ("NGAP", "CCAM", "LPP")
PANIERS = ("100-sante", "maitrise", "libre")
POSITIONS = ("incisive", "canine", "premolaire-1", "premolaire-2", "molaire")
_CLES = ("libelle", "nomenclature", "officiel", "nature", "groupe_taux", "base_remboursement", "panier", "limite", "dents",
         "age", "coefficient", "selon_dent", "note")
_CLES_PANIER = ("depuis", "jusqu_au", "panier", "reference", "source")
_AGE = re.compile(r"\s*(<=|>=|<|>)\s*(\d{1,3})\s*")
_COEFFICIENT = re.compile(r"(.+?)\s*[x×*]?\s*(\d{1,4}(?:[.,]\d{1,2})?)")

__all__ = ["Catalogue", "EntreeCatalogue", "PanierDate", "charger_catalogue", "cle_code", "lire_catalogue"]


@dataclass(frozen=True, slots=True)
class PanierDate:
    """The basket of an entry over a period (bounds included; `jusqu_au` None: open)."""
    panier: str
    depuis: dt.date
    jusqu_au: dt.date | None
    reference: str
    source: str


def _a_la_date(valeurs: tuple, date: dt.date):
    """The dated item (ValeurDatee or PanierDate) in force on `date`, or None."""
    i = bisect_right([v.depuis for v in valeurs], date) - 1
    if i >= 0 and (valeurs[i].jusqu_au is None or date <= valeurs[i].jusqu_au):
        return valeurs[i]
    return None


def accepte_age(conditions: tuple, age: int) -> bool:
    """Whether `age` (years) meets every (operator, years) condition."""
    ops = {"<": age.__lt__, "<=": age.__le__, ">": age.__gt__, ">=": age.__ge__}
    return all(ops[op](n) for op, n in conditions)


def plage_age(conditions: tuple) -> tuple[int, int]:
    """(youngest, oldest) age, in years, meeting the conditions (0 and 130 at most)."""
    bas, haut = 0, 130
    for op, n in conditions:
        if op == ">":
            bas = max(bas, n + 1)
        elif op == ">=":
            bas = max(bas, n)
        elif op == "<":
            haut = min(haut, n - 1)
        elif op == "<=":
            haut = min(haut, n)
    return bas, haut


@dataclass(frozen=True, slots=True)
class EntreeCatalogue:
    """One code of the catalogue (see the module's docstring). Amounts are Decimal euros."""
    code: str
    libelle: str
    nomenclature: str
    officiel: bool
    nature: str | None
    groupe_taux: str | None
    base_remboursement: tuple          # ValeurDatee, in date order
    limite: tuple                      # ValeurDatee (HLF / PLV), in date order
    paniers: tuple                     # PanierDate, in date order
    dents: frozenset | None            # FDI numbers, None: any tooth (or not a dental act)
    age: tuple                         # ((operator, years), …)
    coefficient: bool
    selon_dent: tuple                  # ((position, code), …): a code per tooth position
    note: str
    lieu: str                          # fichier:ligne

    def br(self, date: dt.date) -> ValeurDatee | None:
        return _a_la_date(self.base_remboursement, date)

    def limite_a(self, date: dt.date) -> ValeurDatee | None:
        return _a_la_date(self.limite, date)

    def panier_a(self, date: dt.date) -> PanierDate | None:
        return _a_la_date(self.paniers, date)

    def code_selon_dent(self, position: str) -> str | None:
        return dict(self.selon_dent).get(position)

    @property
    def age_texte(self) -> str:
        return " et ".join(f"{op} {n}" for op, n in self.age)


def cle_code(texte: str) -> str:
    """The lookup key of a code: upper case, no spaces (`cs + mpc` → `CS+MPC`)."""
    return re.sub(r"\s+", "", str(texte)).upper()


class Catalogue:
    """Every entry, by code; lookups ignore case and spaces."""

    def __init__(self, entrees: dict):
        self.entrees = entrees
        self._index = {cle_code(c): e for c, e in entrees.items()}

    def __len__(self):
        return len(self.entrees)

    def trouver(self, code: str) -> EntreeCatalogue | None:
        return self._index.get(cle_code(code))

    def avec_coefficient(self, texte: str) -> tuple[EntreeCatalogue, Decimal] | None:
        """(entry, coefficient) for `AMI 2`, `AMS 8,4`, `B 60`: a key letter valued per coefficient."""
        m = _COEFFICIENT.fullmatch(str(texte).strip())
        if m is None:
            return None
        e = self.trouver(m[1])
        if e is None or not e.coefficient:
            return None
        return e, Decimal(m[2].replace(",", "."))

    def proches(self, code: str) -> list[str]:
        import difflib
        cles = {cle_code(c): c for c in self.entrees}
        return [cles[k] for k in difflib.get_close_matches(cle_code(code)[:60], list(cles), n=3, cutoff=0.6)]

    def chercher(self, texte: str | None) -> list[EntreeCatalogue]:
        """Entries where every word of `texte` starts a word of the code, label or nature (accents and case
        ignored): the code equal to the text first, then codes starting with it, then the others, in file order."""
        from ..domaine.champs import cle_texte
        mots = [cle_texte(m) for m in str(texte or "").split() if cle_texte(m)]
        cle = cle_texte(texte or "")
        trouves = []
        for e in self.entrees.values():
            code = cle_texte(e.code)
            jetons = [code] + [cle_texte(m) for m in re.split(r"[\s'’()\[\],;:/+-]+", f"{e.libelle} {e.nature or ''}") if m]
            if all(any(j.startswith(m) for j in jetons) for m in mots):
                trouves.append((0 if code == cle else 1 if cle and code.startswith(cle) else 2, e))
        return [e for _, e in sorted(trouves, key=lambda x: x[0])]

    def code_pour_position(self, code: str, position: str) -> str | None:
        """The code for `position` in the « selon la dent » entry that holds `code` (the same material)."""
        for e in self.entrees.values():
            if e.selon_dent and code in dict(e.selon_dent).values():
                return e.code_selon_dent(position)
        return None


# ------------------------------------------------------------------ reading (the parameters' reader)

def _dents(L: _LectureFichier, noeud, chemin: str) -> frozenset | None:
    texte = L.texte(noeud, chemin)
    if texte is None:
        return None
    dents: set = set()
    for morceau in texte.replace(" ", "").split(","):
        m = re.fullmatch(r"(\d{2})(?:-(\d{2}))?", morceau)
        if m is None:
            L.pb(noeud, f"dents « {morceau[:20]} » : écrivez des numéros FDI ou des plages (ex. \"11-13,21-23\")", chemin)
            return None
        debut, fin = int(m[1]), int(m[2] or m[1])
        if fin < debut or debut // 10 != fin // 10 or not _fdi(debut) or not _fdi(fin):
            L.pb(noeud, f"dents « {morceau} » : plage FDI invalide (même quadrant, 11 à 48, dents de lait 51 à 85)", chemin)
            return None
        dents.update(range(debut, fin + 1))
    return frozenset(dents)


def _fdi(n: int) -> bool:
    q, r = divmod(n, 10)
    return (1 <= q <= 4 and 1 <= r <= 8) or (5 <= q <= 8 and 1 <= r <= 5)


def _age(L: _LectureFichier, noeud, chemin: str) -> tuple | None:
    texte = L.texte(noeud, chemin)
    if texte is None:
        return None
    conditions = []
    for morceau in texte.split(" et "):
        m = _AGE.fullmatch(morceau)
        if m is None:
            L.pb(noeud, f"âge « {texte[:40]} » : écrivez \"< 6\", \"> 20\" ou \">= 2 et < 6\"", chemin)
            return None
        conditions.append((m[1], int(m[2])))
    return tuple(conditions)


def _paniers(L: _LectureFichier, noeud, chemin: str) -> tuple | None:
    from ..fichiers.yaml_strict import est_texte
    if est_texte(noeud):
        p = L.texte(noeud, chemin)
        if p not in PANIERS:
            L.pb(noeud, f"panier « {p} » inconnu ({', '.join(PANIERS)})", chemin)
            return None
        return (PanierDate(p, dt.date.min, None, "", ""),)
    out = []
    for k, x in enumerate(L.lect.liste(noeud, chemin) or ()):
        c = f"{chemin}[{k}]"
        m = L.lect.mapping(x, c, _CLES_PANIER, ("depuis", "panier", "reference", "source"))
        if m is None or not {"depuis", "panier", "reference", "source"} <= m.keys():
            return None
        p = L.texte(m["panier"][0], c + ".panier")
        if p not in PANIERS:
            L.pb(m["panier"][0], f"panier « {p} » inconnu ({', '.join(PANIERS)})", c + ".panier")
            return None
        depuis = L.date(m["depuis"][0], c + ".depuis")
        fin = L.date(m["jusqu_au"][0], c + ".jusqu_au") if "jusqu_au" in m else None
        ref, src = L.texte(m["reference"][0], c + ".reference"), L.texte(m["source"][0], c + ".source")
        if None in (depuis, ref, src) or (out and (out[-1].jusqu_au is None or depuis <= out[-1].jusqu_au)):
            if out and depuis is not None:
                L.pb(x, "paniers datés : chaque période commence après la fin (jusqu_au) de la précédente", c)
            return None
        out.append(PanierDate(p, depuis, fin, ref, src))
    return tuple(out) or None


def _serie(L: _LectureFichier, code: str, quoi: str, noeud, chemin: str) -> tuple | None:
    liste = L.lect.liste(noeud, chemin)
    if not liste:
        if liste is not None:
            L.pb(noeud, "une liste non vide de valeurs datées est attendue", chemin)
        return None
    brutes = [L.valeur(x, f"{chemin}[{k}]") for k, x in enumerate(liste)]
    if None in brutes or not L.bornes(f"actes.{code}.{quoi}", "euro", brutes):     # BR, HLF / PLV: euros ≥ 0
        return None
    valeurs = L.periodes(f"actes.{code}.{quoi}", brutes)
    return tuple(valeurs) if valeurs is not None else None


def _entree(L: _LectureFichier, code: str, noeud, cle_noeud) -> EntreeCatalogue | None:
    """One entry of a catalogue file, checked (every problem recorded), or None."""
    from ..domaine.natures import NATURES, suggestion
    m = L.lect.mapping(noeud, code, _CLES, ("libelle",))
    if m is None or "libelle" not in m:
        return None
    t = {k: L.texte(m[k][0], f"{code}.{k}") for k in ("libelle", "nomenclature", "nature", "groupe_taux", "note") if k in m}
    if "selon_dent" in m:
        return _entree_selon_dent(L, code, m, t, cle_noeud)
    manque = [k for k in ("nomenclature", "nature") if k not in m]
    if manque:
        L.pb(cle_noeud, f"{code} : clé(s) manquante(s) : {', '.join(manque)}")
        return None
    nat = NATURES.get(t.get("nature") or "")
    ok = None not in t.values()
    if t.get("nomenclature") not in NOMENCLATURES and t.get("nomenclature") is not None:
        L.pb(m["nomenclature"][0], f"nomenclature « {t['nomenclature']} » inconnue ({', '.join(NOMENCLATURES)})", code)
        ok = False
    if nat is None and t.get("nature") is not None:
        L.pb(m["nature"][0], f"nature « {t['nature']} » inconnue{suggestion(t['nature'], NATURES)}", code + ".nature")
        ok = False
    elif nat is not None and nat.taux is not None:
        if "base_remboursement" not in m:
            L.pb(cle_noeud, f"{code} : la nature {nat.code} est remboursée : base_remboursement est obligatoire")
            ok = False
        if t.get("groupe_taux") != nat.taux:
            L.pb(m["groupe_taux"][0] if "groupe_taux" in m else cle_noeud,
                 f"{code} : groupe_taux « {t.get('groupe_taux')} » ; la nature {nat.code} a le groupe de taux « {nat.taux} »",
                 code + ".groupe_taux", )
            ok = False
    br = _serie(L, code, "base_remboursement", m["base_remboursement"][0], code + ".base_remboursement") \
        if "base_remboursement" in m else ()
    limite = _serie(L, code, "limite", m["limite"][0], code + ".limite") if "limite" in m else ()
    paniers = _paniers(L, m["panier"][0], code + ".panier") if "panier" in m else ()
    dents = _dents(L, m["dents"][0], code + ".dents") if "dents" in m else frozenset()
    age = _age(L, m["age"][0], code + ".age") if "age" in m else ()
    officiel = L.lect.booleen(m["officiel"][0], code + ".officiel") if "officiel" in m else True
    coefficient = L.lect.booleen(m["coefficient"][0], code + ".coefficient") if "coefficient" in m else False
    if not ok or None in (br, limite, paniers, dents, age, officiel, coefficient):
        return None
    return EntreeCatalogue(code, t["libelle"], t["nomenclature"], officiel, t["nature"], t.get("groupe_taux"), br, limite,
                           paniers, dents or None, age, coefficient, (), t.get("note", ""),
                           f"{L.nom}:{cle_noeud.start_mark.line + 1}")


def _entree_selon_dent(L, code, m, t, cle_noeud) -> EntreeCatalogue | None:
    autres = [k for k in m if k not in ("libelle", "selon_dent", "note", "officiel")]
    if autres:
        L.pb(cle_noeud, f"{code} : une entrée selon_dent ne porte que libelle, selon_dent, note (pas {', '.join(autres)}) : "
                        "la nature, la BR et le panier viennent du code choisi pour la dent")
        return None
    carte = L.lect.mapping(m["selon_dent"][0], code + ".selon_dent", POSITIONS, POSITIONS)
    if carte is None or set(carte) != set(POSITIONS):
        return None
    choix = tuple((p, L.texte(carte[p][0], f"{code}.selon_dent.{p}")) for p in POSITIONS)
    if any(c is None for _, c in choix) or None in t.values():
        return None
    return EntreeCatalogue(code, t["libelle"], "CCAM", False, None, None, (), (), (), None, (), False, choix, t.get("note", ""),
                           f"{L.nom}:{cle_noeud.start_mark.line + 1}")


def _lire_fichier(chemin: Path, entrees: dict, origines: dict, erreurs: list) -> None:
    from ..domaine.erreurs import ContratInvalide
    from ..fichiers.yaml_strict import composer
    L = _LectureFichier(chemin, chemin.name)
    try:
        racine = composer(chemin.read_text(encoding="utf-8"), chemin.name)
    except (OSError, UnicodeDecodeError) as exc:
        erreurs.append(f"{chemin.name}: lecture impossible : {exc}")
        return
    except ContratInvalide as exc:
        erreurs.extend(str(p).replace("\n  indice :", " ; indice :") for p in exc.problemes)
        return
    L.lect.balises(racine)
    for code, (noeud, cle_noeud) in (L.lect.mapping(racine, chemin.name) or {}).items():
        if not code.strip() or len(code) > 40 or not code.isprintable():
            L.pb(cle_noeud, f"code « {code[:40]} » invalide (texte imprimable de 1 à 40 caractères)")
            continue
        if cle_code(code) in origines:
            L.pb(cle_noeud, f"code « {code} » déjà défini dans {origines[cle_code(code)]}")
            continue
        e = _entree(L, code, noeud, cle_noeud)
        if e is not None:
            entrees[code] = e
            origines[cle_code(code)] = e.lieu
    erreurs.extend(f"{p.fichier}:{p.ligne}: {p.message}" + (f" (clé {p.chemin})" if p.chemin else "") for p in L.lect.problemes)


def _verifier_liens(entrees: dict, erreurs: list) -> None:
    """Every code a « selon la dent » entry names exists, applies to that position, and they share one nature."""
    from ..domaine.champs import position_dent
    index = {cle_code(c): e for c, e in entrees.items()}
    for e in entrees.values():
        natures = set()
        for position, code in e.selon_dent:
            cible = index.get(cle_code(code))
            if cible is None or cible.selon_dent:
                erreurs.append(f"{e.lieu}: {e.code} : selon_dent.{position} nomme « {code} », qui n'est pas un code du catalogue")
                continue
            if cible.dents and not any(position_dent(d) == position for d in cible.dents):
                erreurs.append(f"{e.lieu}: {e.code} : selon_dent.{position} nomme {code}, qui ne s'applique à aucune dent "
                               f"« {position} »")
            natures.add(cible.nature)
        if len(natures) > 1:
            erreurs.append(f"{e.lieu}: {e.code} : les codes de selon_dent n'ont pas la même nature ({', '.join(sorted(natures))})")


def lire_catalogue(dossier: Path | str | None = None) -> Catalogue:
    """Reads and checks every `*.yaml` of the catalogue folder (default: the package's), without cache.

    Raises ErreurParametres with every problem found, each with `fichier:ligne`."""
    racine = DOSSIER_ACTES if dossier is None else Path(dossier)
    entrees: dict = {}
    origines: dict = {}
    erreurs: list = []
    fichiers = sorted(racine.glob("*.yaml"))
    if not fichiers:
        erreurs.append(f"{racine}: aucun fichier de catalogue d'actes (*.yaml)")
    for chemin in fichiers:
        _lire_fichier(chemin, entrees, origines, erreurs)
    _verifier_liens(entrees, erreurs)
    if erreurs:
        raise ErreurParametres(erreurs)
    return Catalogue(entrees)


@lru_cache(maxsize=1)
def charger_catalogue() -> Catalogue:
    """The package's catalogue, read once per process (and kept in the disk cache, as JSON)."""
    from ..fichiers.cache import charger
    fichiers = sorted(DOSSIER_ACTES.glob("*.yaml"))
    contenu = "\0".join(f"{f.name}\0{f.read_text(encoding='utf-8')}" for f in fichiers)
    return charger("catalogue", "actes", contenu, lire_catalogue, _vers_donnees, _depuis_donnees)


def _valeurs_donnees(vs) -> list:
    return [[v.nom, str(v.valeur), v.depuis.isoformat(), v.jusqu_au.isoformat() if v.jusqu_au else None, v.reference, v.source]
            for v in vs]


def _valeurs_objets(donnees) -> tuple:
    return tuple(ValeurDatee(n, Decimal(v), dt.date.fromisoformat(d), dt.date.fromisoformat(f) if f else None, r, s)
                 for n, v, d, f, r, s in donnees)


def _vers_donnees(c: Catalogue) -> list:
    return [[e.code, e.libelle, e.nomenclature, e.officiel, e.nature, e.groupe_taux, _valeurs_donnees(e.base_remboursement),
             _valeurs_donnees(e.limite),
             [[p.panier, p.depuis.isoformat(), p.jusqu_au.isoformat() if p.jusqu_au else None, p.reference, p.source]
              for p in e.paniers],
             sorted(e.dents) if e.dents is not None else None, [list(a) for a in e.age], e.coefficient,
             [list(x) for x in e.selon_dent], e.note, e.lieu] for e in c.entrees.values()]


def _depuis_donnees(donnees: list) -> Catalogue:
    entrees = {}
    for (code, libelle, nomenclature, officiel, nature, groupe, br, limite, paniers, dents, age, coef, selon, note,
         lieu) in donnees:
        entrees[code] = EntreeCatalogue(
            code, libelle, nomenclature, officiel, nature, groupe, _valeurs_objets(br), _valeurs_objets(limite),
            tuple(PanierDate(p, dt.date.fromisoformat(d), dt.date.fromisoformat(f) if f else None, r, s)
                  for p, d, f, r, s in paniers),
            frozenset(dents) if dents is not None else None, tuple((op, n) for op, n in age), coef,
            tuple((p, c) for p, c in selon), note, lieu)
    return Catalogue(entrees)


# ------------------------------------------------------------------ what `simulateur actes` shows

@dataclass(frozen=True, slots=True)
class FicheActe:
    """One code as `simulateur actes` shows it at a date: the entry, its BR, basket and HLF / PLV in force
    (None: none at that date), and the Sécurité sociale rate of its group (régime général, in the pathway)."""
    entree: EntreeCatalogue
    date: dt.date
    br: ValeurDatee | None
    panier: str | None
    limite: ValeurDatee | None
    taux: Decimal | None


def fiches(catalogue: Catalogue, texte: str | None, date: dt.date, parametres=None) -> list[FicheActe]:
    """The entries matching `texte` (every word, in the code, label or nature), valued at `date`."""
    out = []
    for e in catalogue.chercher(texte):
        taux = None
        if parametres is not None and e.groupe_taux:
            try:
                taux = parametres.valeur(f"taux_ss.general.{e.groupe_taux}", date).valeur
            except LookupError:
                taux = None
        p = e.panier_a(date)
        out.append(FicheActe(e, date, e.br(date), p.panier if p else None, e.limite_a(date), taux))
    return out


def texte_dents(dents: frozenset | None) -> str:
    """`11-13,21-23` from a set of FDI numbers (consecutive numbers of a quadrant as ranges)."""
    if not dents:
        return ""
    morceaux, suite = [], []
    for d in sorted(dents):
        if suite and (d != suite[-1] + 1 or d // 10 != suite[0] // 10):
            morceaux.append(suite)
            suite = []
        suite.append(d)
    morceaux.append(suite)
    return ",".join(str(s[0]) if len(s) == 1 else f"{s[0]}-{s[-1]}" for s in morceaux)
