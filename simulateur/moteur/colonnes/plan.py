"""A contract's formula compiled into a columnar plan — from the same parsed `Contrat` the line engine
reads (one source of truth: the columnar engine knows no contract either, contracts are data).

What is compiled is a WHITELIST, each construct implemented and tested against the line engine
(tests/test_colonnes.py); everything else is sent back to the line engine (`repli`):

- the structures of `contrat.modele` with the fields listed in `CHAMPS_CONNUS` and nothing else at a
  non-default value: a field added later (issue 11: a new construct of the format) makes the lines,
  formulas or contracts that use it fall back, automatically;
- the guarantee terms of `TERMES_COMPILES` (exact classes, known fields only): `100 % BR`,
  `Sécurité sociale`, `100 % FR`, fixed euros, `€ / unité`, `€ / jour` (tiers by days per year
  included), `€ par acte, N par an`, `x PMSS`, annual envelopes in euros or PMSS, `limité au forfait
  réglementaire`, `100 % Santé dans la limite des HLF / PLV`; `dans la limite des HLF / PLV`;
  the inclusive (`inclut-ss`) and added (`en-complement`, leading `+`) conventions;
- at most ONE stateful term (envelope, yearly count, day tiers) per cell, and a state key whose
  every use in the contract is the same kind with the same ceiling (see `_coherence`);
- the contrat responsable ceiling of non-DPTM doctors (R871-2 2°): the only regulatory cap of
  `moteur.plafonds` compiled;
- NOT compiled (fallback): renewals (optics, hearing aids), composed optics (`composition:`), the
  frame forfait (`ForfaitOptique`), the forfait of the parcours de soins global après cancer
  (art. L1415-8 CSP), a contract's annual ceilings across layers (`plafonds_annuels`), waiting
  periods (an act with `date_adhesion`), any other term class or construct.

Money in a plan is in micro-euros (µ, 1 € = 1 000 000 µ) or in cents; rates in basis points (1 % =
100 bp): a cent amount times a rate in bp is exact in µ (cents × bp = 10⁻⁶ €), so every
intermediate value of the line engine (an exact Decimal) is an exact integer here. A fraction of the
PMSS that is not a decimal (`1/3 PMSS`) is kept as a numerator and denominator (see `couches.py`).
"""
from __future__ import annotations

import dataclasses
from decimal import Decimal
from fractions import Fraction

from ...contrat import expressions as ex
from ...contrat import modele
from ...domaine.natures import NATURES

MICRO = 1_000_000          # µ per euro
GENRES = {"aucun": 0, "enveloppe": 1, "jours": 2, "actes": 3}
CLE_PF, CLE_FRANCHISE = 0, 1     # state keys of the Sécurité sociale: ("pf",), ("franchise",) (per civil year)

# The dataclass fields of the contract's structures that the plan reads (everything else must stay at
# its default value: an unknown construct falls back).
CHAMPS_CONNUS = {
    modele.Contrat: {"id", "nom", "assureur", "source", "responsable", "fichier", "niveaux", "colonnes", "formules", "lignes",
                     "notes", "plafonds_annuels", "delai_de_stage", "exceptions_responsable", "par_nature", "champs_conditions",
                     "lire_conditions",
                     # the document's metadata, the modules the formulas were engendered from (the engine reads
                     # the formulas), the finer natures paid by their parent's lines (`choisir_ligne` reads them)
                     "famille", "date_source", "publication", "modules", "repli",
                     # per membership year: without date_adhesion, the civil year (moteur.periodes.Calendrier);
                     # an act with one goes with its whole beneficiary (lot.portefeuille.partition)
                     "annee"},
    # `responsable: false` (a surcomplémentaire): the contrat responsable ceiling does not bind that level
    modele.Niveau: {"id", "libelle", "convention", "citation", "responsable"},
    modele.Colonne: {"id", "niveau", "libelle"},
    modele.Formule: {"id", "libelle", "colonnes", "responsable", "couches"},
    modele.Ligne: {"index", "libelle", "section", "natures", "si", "cellules", "ligne", "cellule_lignes", "note", "composition",
                   "compteurs", "references"},
    ex.Expression: {"texte", "termes", "additif", "limite", "rien", "inclusif_force"},
}
TERMES_COMPILES = {
    ex.TauxBR: {"texte", "taux"}, ex.SecuriteSociale: {"texte"}, ex.FraisReels: {"texte", "taux"},
    ex.Fixe: {"texte", "montant"}, ex.ParUnite: {"texte", "montant", "unite"},
    ex.ParJour: {"texte", "montant", "jours_max", "puis"},
    ex.ParActe: {"texte", "montant", "par_an", "unite"},      # `unite` only words the explanation (séance, œil…)
    ex.PartPMSS: {"texte", "fraction"}, ex.Enveloppe: {"texte", "montant", "fraction_pmss"},
    ex.LimiteForfait: {"texte"}, ex.CentPourCentSante: {"texte", "limite"},
}
# Terms the line engine knows but the plan does not compile: a cell using them falls back (its state
# keys are known: `cle_base + (term index,)`). Any other class is unknown: the beneficiary falls back.
TERMES_CONNUS_NON_COMPILES = (ex.ForfaitOptique, ex.TicketModerateur)
# Fields the line engine knows, not compiled, whose use reads no state key but the cell's own
# (`moteur.garanties.valeur_expression`: a term's key is `cle_base + (i,)`; an envelope's count of acts
# `cle_base + (i, "nombre")`, read by that term only): a cell using them falls back with its component
# (statut "repli"), not with its whole beneficiary. `anciennete` (« après 2 ans ») needs the seniority: an
# act with an adhesion date falls back anyway (`types.REPLI_COMPOSANTE`). NOT here: `ParActe.annees` (a
# count over several civil years reads the keys of other years).
CHAMPS_REPLI = {
    ex.TauxBR: {"anciennete"}, ex.FraisReels: {"anciennete"}, ex.SecuriteSociale: {"anciennete"},
    ex.Fixe: {"anciennete"}, ex.ParUnite: {"anciennete"}, ex.PartPMSS: {"anciennete"},
    ex.LimiteForfait: {"anciennete"}, ex.CentPourCentSante: {"anciennete"},
    ex.ParJour: {"anciennete", "carence", "par_sejour"}, ex.ParActe: {"anciennete"},
    ex.Enveloppe: {"anciennete", "par_acte", "nombre"},
}
# A floor or ceiling clause (« au minimum le ticket modérateur », « dans la limite de 150 % BR ») is valued
# with no state key of the cell (`moteur.couches._borne_expression`): known when each of its terms is a
# term without state of a known class.
TERMES_SANS_ETAT = (ex.TauxBR, ex.SecuriteSociale, ex.FraisReels, ex.Fixe, ex.ParUnite, ex.PartPMSS, ex.LimiteForfait,
                    ex.CentPourCentSante, ex.TicketModerateur)


# Fields known at some values only: a term counted per civil year (`annee: civile`, or the contract's: "").
# Per membership year it is unknown (its keys run across civil years once an adhesion date is given).
VALEURS_CONNUES = {"annee": ("", "civile")}


def inconnus(objet, connus: set) -> list[str]:
    """The dataclass fields of `objet` outside `connus` whose value is not their default (nor one of
    VALEURS_CONNUES for that field)."""
    out = []
    for f in dataclasses.fields(objet):
        if f.name in connus:
            continue
        if getattr(objet, f.name) in VALEURS_CONNUES.get(f.name, ()) and not isinstance(objet, modele.Contrat):
            continue
        defaut = f.default if f.default is not dataclasses.MISSING else (
            f.default_factory() if f.default_factory is not dataclasses.MISSING else dataclasses.MISSING)
        if defaut is dataclasses.MISSING or getattr(objet, f.name) != defaut:
            out.append(f.name)
    return out


def _connu(objet) -> bool:
    return type(objet) in CHAMPS_CONNUS and not inconnus(objet, CHAMPS_CONNUS[type(objet)])


class Cles:
    """State keys interned as small integers: the very tuples the line engine counts under
    (`moteur.etat`), so that two cells, two lines or two contracts share a key exactly when the
    engine would. 0 and 1 are the participation forfaitaire and the franchises."""

    def __init__(self):
        self.ids: dict = {("pf",): CLE_PF, ("franchise",): CLE_FRANCHISE}

    def __call__(self, cle: tuple) -> int:
        i = self.ids.get(cle)
        if i is None:
            i = self.ids[cle] = len(self.ids)
        return i


def _micro(x: Decimal) -> int | None:
    """Euros → µ, or None if not exact."""
    v = x * MICRO
    return int(v) if v == v.to_integral_value() else None


def _bp(x: Decimal) -> int | None:
    """A percentage → basis points, or None if not exact (more than two decimals)."""
    v = x * 100
    return int(v) if v == v.to_integral_value() else None


def fraction_exacte(f: Decimal) -> Fraction | None:
    """The rational the parser meant (`1/3 PMSS` is stored as Decimal(1)/Decimal(3)): a decimal with at most
    4 places, or n/d with d prime to 10 (then the exact value is never on a half cent; see couches.py).
    None otherwise (fallback)."""
    if _micro(f / 100) is not None:            # ≤ 4 decimals: f × 10⁴ is an integer
        return Fraction(f)
    r = Fraction(f).limit_denominator(10_000)
    if Decimal(r.numerator) / Decimal(r.denominator) == f and r.denominator % 2 and r.denominator % 5:
        return r
    return None


@dataclasses.dataclass(slots=True)
class Cellule:
    """One cell of a line for one level, compiled. `statut`: "rien" (the layer pays 0), "ok", "repli"
    (fallback: its keys `cles` are known) or "inconnu" (an unknown construct: the beneficiary falls back).
    Amounts in µ (per unit, per day, per act), rates in bp; `pmss`: the fraction of a PMSS term."""
    statut: str = "rien"
    responsable: bool = True              # False: a non-responsable level, not bound by the responsable ceiling
    inclusif: bool = False
    limite: bool = False
    taux_br: int = 0
    ss: int = 0
    taux_fr: int = 0
    fixe: int = 0
    unite: int = 0
    jour: int = 0
    forfait: int = 0
    cent_sante: int = 0
    pmss: Fraction | None = None
    genre: int = 0
    cle: int | None = None
    env_montant: int | None = None        # µ
    env_pmss: Fraction | None = None
    jours_max: int = 0
    jour_montant: int = 0                 # µ, within the days
    jour_puis: int = 0                    # µ, beyond them
    par_an: int = 0
    acte_montant: int = 0                 # µ
    cles: tuple = ()                      # every key of its terms (`cle_base + (i,)`)

    @property
    def cles_lues(self) -> tuple:
        """The state keys an act on this cell may read or write: the stateful term's key of a compiled
        cell; every term's key of a cell that falls back (what it does is not modelled here)."""
        if self.statut == "ok":
            return (self.cle,) if self.genre else ()
        return self.cles if self.statut == "repli" else ()


def _stateful(c: Cellule, t, cle: int) -> bool:
    """Records the stateful term `t` (False when the cell already has one: fallback)."""
    if c.genre:
        return False
    c.cle = cle
    if type(t) is ex.Enveloppe:
        c.genre = GENRES["enveloppe"]
        if t.fraction_pmss is not None:
            c.env_pmss = fraction_exacte(t.fraction_pmss)
            return c.env_pmss is not None
        c.env_montant = _micro(t.montant)
        return c.env_montant is not None and c.env_montant % 10_000 == 0      # a cent amount
    if type(t) is ex.ParActe:
        c.genre, c.par_an, c.acte_montant = GENRES["actes"], t.par_an, _micro(t.montant)
        return c.acte_montant is not None
    c.genre, c.jours_max = GENRES["jours"], t.jours_max
    c.jour_montant, c.jour_puis = _micro(t.montant), _micro(t.puis or Decimal(0))
    return c.jour_montant is not None and c.jour_puis is not None


def _terme(c: Cellule, t, cle: int) -> bool:
    """Adds term `t` to the cell; False if the term is not compiled in this form."""
    cls = type(t)
    if cls is ex.TauxBR or cls is ex.FraisReels:
        bp = _bp(t.taux)
        if bp is None:
            return False
        if cls is ex.TauxBR:
            c.taux_br += bp
        else:
            c.taux_fr += bp
    elif cls is ex.SecuriteSociale:
        c.ss += 1
    elif cls is ex.Fixe or cls is ex.ParUnite or (cls is ex.ParJour and t.jours_max is None):
        m = _micro(t.montant)
        if m is None:
            return False
        if cls is ex.Fixe:
            c.fixe += m
        elif cls is ex.ParUnite:
            c.unite += m
        else:
            c.jour += m
    elif cls is ex.PartPMSS:
        f = fraction_exacte(t.fraction)
        if f is None or c.pmss is not None:
            return False
        c.pmss = f
    elif cls is ex.LimiteForfait:
        c.forfait += 1
    elif cls is ex.CentPourCentSante:
        c.cent_sante += 1
    else:                                   # Enveloppe, ParActe, ParJour with days per year
        return _stateful(c, t, cle)
    return True


def _sans_etat(expr) -> bool:
    """A clause's expression of known terms without state, with nothing else than its terms."""
    return (type(expr) is ex.Expression and not inconnus(expr, {"texte", "termes", "additif", "inclusif_force"})
            and all(type(t) in TERMES_SANS_ETAT and not inconnus(t, TERMES_COMPILES.get(type(t), {"texte", "taux"}))
                    for t in expr.termes))


def _bornee(expr) -> bool:
    """A cell whose only fields outside the compiled ones are its floor or ceiling clauses, each without state:
    the line engine values them with no state key (`moteur.couches._borne_expression`), so the cell falls
    back with its component."""
    return (type(expr) is ex.Expression and set(inconnus(expr, CHAMPS_CONNUS[ex.Expression])) <= {"plafond", "plancher"}
            and all(sous is None or _sans_etat(sous) for sous in (expr.plafond, expr.plancher)))


def compiler_cellule(expr, niveau, cle_base: tuple, cles: Cles) -> Cellule:
    """The compiled form of one guarantee cell (`expr`, an Expression) in level `niveau`."""
    if expr is None or (_connu(expr) and expr.rien):
        return Cellule("rien")
    c = Cellule("ok")
    c.cles = tuple(cles(cle_base + (i,)) for i in range(len(getattr(expr, "termes", ()))))
    if not _connu(expr) or niveau.convention not in modele.CONVENTIONS:
        c.statut = "repli" if _bornee(expr) and niveau.convention in modele.CONVENTIONS else "inconnu"
        if c.statut == "inconnu":
            return c
    c.inclusif = (niveau.convention == "inclut-ss" and not expr.additif) or expr.inclusif_force
    c.limite = expr.limite is not None
    for i, t in enumerate(expr.termes):
        connus = TERMES_COMPILES.get(type(t))
        if connus is None:
            c.statut = "repli" if type(t) in TERMES_CONNUS_NON_COMPILES else "inconnu"
            return c
        champs = inconnus(t, connus)
        if champs:
            c.statut = "repli" if set(champs) <= CHAMPS_REPLI.get(type(t), set()) else "inconnu"
            if c.statut == "inconnu":
                return c
        elif not _terme(c, t, c.cles[i]):
            c.statut = "repli"
    if c.pmss is not None and (c.pmss.denominator > 1 and 10_000 % c.pmss.denominator) and c.genre:
        c.statut = "repli"          # a non-decimal PMSS fraction is exact only in a cell without state (couches.py)
    return c


def _signature(c: Cellule):
    """What the cumulative form of a key needs to be the same in every cell using it."""
    if c.genre == GENRES["enveloppe"]:
        return ("enveloppe", c.env_montant, c.env_pmss)
    if c.genre == GENRES["actes"]:
        return ("actes", c.par_an)
    return ("jours",)               # days are consumed in full whatever the cell's amounts


def _coherence(cellules: dict) -> None:
    """A state key used by cells of different kinds or ceilings (lines sharing `compteurs`) is not
    compiled: the saturating cumulative sum needs one ceiling per key. Such cells fall back."""
    signatures: dict = {}
    for c in cellules.values():
        if c.statut == "ok" and c.genre:
            signatures.setdefault(c.cle, set()).add(_signature(c))
    for c in cellules.values():
        if c.statut == "ok" and c.genre and len(signatures[c.cle]) > 1:
            c.statut = "repli"


def compiler_contrat(contrat, cles: Cles) -> dict:
    """{(line index, column id): Cellule} for every cell of the contract (every column: keys are shared
    across formulas), then the key coherence check."""
    cellules = {}
    for ligne in contrat.lignes:
        for col_id, colonne in contrat.colonnes.items():
            niveau = contrat.niveaux.get(colonne.niveau)
            base = ((contrat.id, "compteurs", ligne.compteurs, col_id) if ligne.compteurs
                    else (contrat.id, ligne.index, col_id))
            c = compiler_cellule(ligne.cellules.get(col_id), niveau, base, cles)
            c.responsable = niveau is None or niveau.responsable is not False
            if c.statut != "rien" and (niveau is None or not _connu(ligne) or not _connu(colonne) or not _connu(niveau)):
                c.statut = "inconnu"
            elif c.statut == "ok" and ligne.composition is not None:
                c.statut = "repli"
            cellules[(ligne.index, col_id)] = c
    _coherence(cellules)
    return cellules


class Plan:
    """A (contract, formula) compiled. `niveaux`: the contract's level ids in order (the layer passes);
    `couches`: {level index: column id} for the formula's columns; `natures_repli`: natures whose
    rule is sequential or not compiled (renewals, après-cancer, annual ceilings across layers);
    `connu`: False when the contract or the formula uses a construct the plan does not know (every
    act of this plan sends its beneficiary to the line engine)."""

    def __init__(self, index: int, contrat, formule: str, cellules: dict):
        self.index, self.contrat, self.formule = index, contrat, formule
        f = contrat.formules[formule]
        self.responsable = contrat.est_responsable(formule)
        self.niveaux = list(contrat.niveaux)
        self.couches = {self.niveaux.index(niv.id): col_id for col_id, _col, niv in f.couches}
        self.connu = _connu(contrat) and _connu(f) and all(_connu(n) for n in contrat.niveaux.values())
        self.connu = self.connu and [self.couches[k] for k in sorted(self.couches)] == [c for c, _, _ in f.couches]
        plafonnees = {n for p in contrat.plafonds_annuels for n in p.natures}
        self.natures_repli = frozenset(code for code, n in NATURES.items()
                                       if n.renouvellement or n.categorie == "apres-cancer" or code in plafonnees)
        self.cellules = cellules

    def cellule(self, ligne_index: int, niveau: int) -> Cellule | None:
        """The compiled cell of a line at a level index (None: the formula has no column at that level)."""
        col = self.couches.get(niveau)
        return None if col is None else self.cellules[(ligne_index, col)]
