"""A contract once loaded: levels (`niveaux`), columns, formulas, guarantee lines with their
conditions and parsed expressions, annual ceilings, waiting period. Plain values: the loader
(`contrat.chargeur`) builds them from a YAML file, the engine reads them.
"""
from __future__ import annotations

import operator
from dataclasses import field
from decimal import Decimal

from ..domaine.champs import CONDITIONS_DERIVEES
from ..domaine.enregistrement import enregistrement
from ..domaine.erreurs import FormuleInconnue

CONVENTIONS = ("inclut-ss", "en-complement")
ANNEES = ("civile", "adhesion")      # how yearly counters are counted: civil year, or membership year
# Fields computed from the others by `Contrat.indexer` (never stored, never serialised).
DERIVE = {"derive": True}


@enregistrement
class Niveau:
    """A complementary layer: `convention` says whether its amounts include the Sécurité sociale and
    the lower layers (`inclut-ss`) or are added on top (`en-complement`); `citation` quotes the document."""
    id: str
    libelle: str
    convention: str
    citation: str = ""
    responsable: bool | None = None    # False: a non-responsable top-up (surcomplémentaire) above responsable layers


@enregistrement
class Colonne:
    """A column of the guarantee table, belonging to one level."""
    id: str
    niveau: str
    libelle: str


@enregistrement
class Formule:
    """What a member subscribes: one column per level, in the levels' order. `responsable`: None for the
    contract's status, else this formula's own (a non-responsable top-up)."""
    id: str
    libelle: str
    colonnes: tuple[str, ...]
    responsable: bool | None = None
    couches: tuple = field(default=(), metadata=DERIVE)   # ((colonne id, Colonne, Niveau), …) in order


@enregistrement
class Module:
    """A module of a contract built of independently chosen levels (`modules:`): its level, its columns
    by rank (None: no column at that rank), whether it may be left out, and how its rank is tied to
    other modules' (`ecart_max` {level: ranks}, `meme_rang_que` a level)."""
    niveau: str
    colonnes: tuple
    facultatif: bool = False
    ecart_max: dict = field(default_factory=dict)
    meme_rang_que: str = ""
    ligne: int = 0


@enregistrement
class Ligne:
    """One line of the guarantee table: its natures, its conditions (`si`), a parsed expression per
    column, where it is in the file, and what it shares (`compteurs`) or is made of (`composition`)."""
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
    references: dict = field(default_factory=dict, metadata=DERIVE)   # colonne -> "fichier:ligne" of its cell

    def condition_texte(self) -> str:
        return ", ".join(f"{k} {v}" if k == "age" else f"{k}={v}" for k, v in self.si_texte.items()) if self.si else ""

    @property
    def si_texte(self) -> dict:
        return self.si.get("_texte", {})


@enregistrement
class PlafondAnnuel:
    """An annual ceiling over several natures (carcept-evolution-sante: 2 500 € of dental prostheses per
    civil year);
    `au_dela`: what is paid beyond it (`ticket-moderateur` or `rien`).

    `paliers`: ((years of membership from which it applies, amount), …) in increasing years — one step
    `((0, montant),)` for a plain amount; `par_colonne`: column id → such steps (« 1 400 / 1 500 /
    1 600 / 1 800 € selon le niveau »; a formula with none of these columns has no ceiling); `paniers`:
    the baskets it concerns (None: all; never the 100 % Santé of a responsable formula); `annee`:
    civile | adhesion | "" (the contract's)."""
    libelle: str
    natures: tuple[str, ...]
    montant: Decimal
    au_dela: str
    ligne: int
    paliers: tuple = ()
    par_colonne: dict = field(default_factory=dict)
    paniers: frozenset | None = None
    annee: str = ""


@enregistrement
class DelaiDeStage:
    """A waiting period: during `duree_mois` months from the adhesion, the listed natures get the
    ticket modérateur only, or nothing (`exclues`), unless a certificate of termination is given."""
    duree_mois: int
    natures_ticket_moderateur: tuple[str, ...]
    natures_exclues: tuple[str, ...]
    sauf_certificat: bool
    libelle: str
    ligne: int
    paniers: frozenset | None = None   # the baskets it concerns (None: all; never the 100 % Santé of a responsable formula)
    formule: str = ""                   # during the period, every act is paid as this formula (« limités à la formule SOCLE »)
    duree_jours: int = 0                # a period in days (« les 30 premiers jours »), instead of duree_mois


@enregistrement
class ExceptionResponsable:
    """A known, documented departure from a contrat responsable rule (`contrat.exceptions_responsable`).

    `simulateur valider` reports the findings it covers as « exception déclarée » instead of failing;
    the engine ignores it.
    """
    regle: str                 # a rule id of contrat.validation.REGLES, or "toutes"
    motif: str
    formules: tuple[str, ...]  # empty: every formula
    natures: tuple[str, ...]   # empty: every nature
    ligne: int


@enregistrement
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
    exceptions_responsable: list = field(default_factory=list)
    famille: str = ""                  # individuelle | collective | senior | tns | jeune | entree-de-gamme
    date_source: str = ""              # the date of the document transcribed (AAAA-MM or AAAA-MM-JJ)
    publication: str = ""              # where the document is published (URL, repository and path)
    annee: str = "civile"              # forfaits, counts, days and ceilings: per civil year or per membership year
    modules: list = field(default_factory=list)
    par_nature: dict = field(default_factory=dict, metadata=DERIVE)          # nature -> [Ligne]
    repli: dict = field(default_factory=dict, metadata=DERIVE)               # nature without line -> its parent's nature
    champs_conditions: tuple = field(default=(), metadata=DERIVE)            # act fields the lines' conditions read
    lire_conditions: object = field(default=None, metadata=DERIVE)           # acte -> those fields' values (memo key)

    def formule(self, id_formule: str) -> Formule:
        """The formula `id_formule`; raises FormuleInconnue (with the contract's formula ids)."""
        try:
            return self.formules[id_formule]
        except KeyError:
            raise FormuleInconnue(id_formule, self.id, tuple(self.formules)) from None

    def est_responsable(self, id_formule: str) -> bool:
        """Whether the contrat responsable rules apply to this formula (its own status, else the contract's)."""
        f = self.formules[id_formule]
        return self.responsable if f.responsable is None else f.responsable

    def nature_du_contrat(self, code: str) -> str:
        """The nature whose lines pay `code` in this contract (its parent when it has no line of its own)."""
        return self.repli.get(code, code)

    def sections(self):
        vues, ordre = {}, []
        for l in self.lignes:
            if l.section not in vues:
                vues[l.section] = []
                ordre.append(l.section)
            vues[l.section].append(l)
        return [(s, vues[s]) for s in ordre]

    def indexer(self) -> "Contrat":
        """Derives what the engine looks up: lines per nature, and the act fields the conditions read."""
        from ..domaine.natures import NATURES
        self.par_nature = {}
        for l in self.lignes:
            l.references = {col: f"{self.fichier}:{l.cellule_lignes.get(col, l.ligne)}" for col in self.colonnes}
            for n in l.natures:
                self.par_nature.setdefault(n, []).append(l)
        # a finer nature (SMR stay…) the contract has no line for is paid as its parent (docs/format-contrat.md)
        self.repli = {code: n.parent for code, n in NATURES.items()
                      if n.parent and code not in self.par_nature and n.parent in self.par_nature}
        for code, parent in self.repli.items():
            self.par_nature[code] = self.par_nature[parent]
        for f in self.formules.values():
            f.couches = tuple((c, self.colonnes[c], self.niveaux[self.colonnes[c].niveau]) for c in f.colonnes
                              if c in self.colonnes and self.colonnes[c].niveau in self.niveaux)
        cles = {k for l in self.lignes for k in l.si if k != "_texte"}
        champs = sorted({CONDITIONS_DERIVEES.get(k, k) for k in cles} - {None})
        self.champs_conditions = tuple(champs)
        self.lire_conditions = _lecteur(self.champs_conditions)
        return self


def _vide(_acte):
    return ()


def _lecteur(champs: tuple):
    if not champs:
        return _vide
    g = operator.attrgetter(*champs)
    return g if len(champs) > 1 else (lambda acte: (g(acte),))


def condition_age(cond, age: int) -> bool:
    """`cond` is (operator, years): ("<=", 20) holds for age ≤ 20."""
    op, n = cond
    if op == "<=":
        return age <= n
    if op == ">=":
        return age >= n
    if op == "<":
        return age < n
    if op == ">":
        return age > n
    return age == n
