"""What was paid against what the contract says, one statement row at a time: pure values.

A statement row is a batch row (the act: `beneficiaire`, `date`, `nature`, `br`, `frais_reels`…)
plus what each payer actually paid: `ss_verse` (the Sécurité sociale), `complementaire_verse` (the
complementary, all layers together) and optionally `verse_<niveau>` (one layer, e.g. `verse_base`,
`verse_option`). The act is simulated by the batch replay (`lot.rejeu.rejouer`), with the annual
state that the CONTRACT leaves after the beneficiary's earlier rows — never the state that the
payments leave: an envelope overpaid in March is a trop-perçu in March, and the rows after it are
still checked against what is left of the envelope according to the contract.

`verifier_ligne(cellules, resultat, erreur, …)` compares one row and returns a `Verification`:
Decimal euros, a verdict among `VERDICTS` and the reasons as values (`Raison`: a stable code, the
column, the values). No I/O and no sentence here: `simulateur.rendu.verification` words them.

Rules (docs/verifier.md):
- écart = versé − attendu, per payer, in euros: > 0 the payer paid more than the contract says
  (trop-perçu), < 0 less (moins-perçu);
- the Sécurité sociale is compared net of the participation forfaitaire and franchises
  (`mode_ss="net"`, the `securite_sociale` of a batch) or before them (`mode_ss="brut"`, `ss_brut`:
  what statements print when the participations are withheld on another line or another payment);
- a payer is in écart when |écart| > tolerance; the row is `conforme` when no payer is in écart;
  otherwise its direction is the sign of the total écart (SS + complementary); when payers' écarts
  cancel out within the tolerance, the sign of the largest one (reason `ecarts-compenses`);
- `non-verifiable`: the row's act is in error, a paid cell is empty or unreadable, a layer column
  names a layer the row's formula does not have (with a non-zero amount), or the complementary
  total disagrees with the sum of its layers.
"""
from __future__ import annotations

import heapq
from decimal import Decimal

from ..domaine.montant import ZERO, MontantInvalide, lire_montant

VERDICTS = ("conforme", "moins-percu", "trop-percu", "non-verifiable")
MODES_SS = ("net", "brut")
COLONNE_SS = "ss_verse"
COLONNE_COMPLEMENTAIRE = "complementaire_verse"
PREFIXE_NIVEAU = "verse_"
CODES = ("ligne-en-erreur", "verse-absent", "verse-illisible", "niveau-hors-formule", "complementaire-incoherent",
         "ecarts-compenses")


class Raison:
    """Why a row is not verifiable, or a remark on a verdict: `code` (one of CODES), `champ` (the
    column, or None), `valeur` (the cell as written, or None) and `details` (the values the wording
    needs: `erreur` the error value of a row in error, `raison` the money parser's code, `niveau`,
    `formule`, `niveaux`, amounts as Decimal)."""
    __slots__ = ("code", "champ", "valeur", "details")

    def __init__(self, code: str, champ: str | None = None, valeur=None, **details):
        self.code, self.champ, self.valeur, self.details = code, champ, valeur, details

    def __repr__(self):
        return f"Raison({self.code!r}, {self.champ!r})"


class EcartNiveau:
    """One layer checked on its own (`verse_<niveau>`): paid, expected, écart (Decimal euros)."""
    __slots__ = ("niveau", "verse", "attendu", "ecart")

    def __init__(self, niveau: str, verse: Decimal, attendu: Decimal):
        self.niveau, self.verse, self.attendu, self.ecart = niveau, verse, attendu, verse - attendu

    def __repr__(self):
        return f"EcartNiveau({self.niveau!r}, verse={self.verse}, attendu={self.attendu})"


class Verification:
    """The check of one row. Amounts are Decimal euros, None when unknown (no column, empty or
    unreadable cell, row in error).

    `ss_verse` / `ss_attendu` / `ecart_securite_sociale`: the Sécurité sociale, `ss_attendu` being the
    net or gross payment after `mode_ss`; `complementaire_verse` (from its column, or the sum of every
    layer's `verse_<niveau>`) / `complementaire_attendu` (the sum of the formula's parts) /
    `ecart_complementaire`; `niveaux`: the layers checked one by one (EcartNiveau); `verse_niveaux`:
    every readable `verse_<niveau>` cell; `verdict` (VERDICTS) and `raisons` (Raison values).
    """
    __slots__ = ("mode_ss", "ss_verse", "ss_attendu", "ecart_securite_sociale", "complementaire_verse",
                 "complementaire_attendu", "ecart_complementaire", "niveaux", "verse_niveaux", "verdict", "raisons")

    def __init__(self, mode_ss: str = "net"):
        self.mode_ss = mode_ss
        self.ss_verse = self.ss_attendu = self.ecart_securite_sociale = None
        self.complementaire_verse = self.complementaire_attendu = self.ecart_complementaire = None
        self.niveaux: list[EcartNiveau] = []
        self.verse_niveaux: dict[str, Decimal] = {}
        self.verdict = "non-verifiable"
        self.raisons: list[Raison] = []

    @property
    def ecart_total(self) -> Decimal | None:
        """SS écart + complementary écart (those known); None when neither is."""
        e = [x for x in (self.ecart_securite_sociale, self.ecart_complementaire) if x is not None]
        return sum(e, ZERO) if e else None

    def ecarts(self) -> list[tuple[str, Decimal]]:
        """(payer, écart) of every amount compared: `securite_sociale`, `complementaire`, then each layer."""
        e = [("securite_sociale", self.ecart_securite_sociale), ("complementaire", self.ecart_complementaire)]
        e += [(n.niveau, n.ecart) for n in self.niveaux]
        return [(p, x) for p, x in e if x is not None]

    def __repr__(self):
        return (f"Verification({self.verdict}, ss={self.ss_verse}/{self.ss_attendu}, "
                f"complementaire={self.complementaire_verse}/{self.complementaire_attendu}, raisons={self.raisons})")


class ColonnesVersees:
    """The paid columns of a header: `ss` and `complementaire` (cell index or None), `niveaux`
    (layer → index of its `verse_<niveau>` column), from the header's matched names (`Table.colonnes`:
    `SS versé` is `ss_verse`)."""

    def __init__(self, colonnes: dict[str, int]):
        self.ss = colonnes.get(COLONNE_SS)
        self.complementaire = colonnes.get(COLONNE_COMPLEMENTAIRE)
        self.niveaux = {nom[len(PREFIXE_NIVEAU):]: i for nom, i in colonnes.items()
                        if nom.startswith(PREFIXE_NIVEAU) and len(nom) > len(PREFIXE_NIVEAU)}

    @property
    def vide(self) -> bool:
        """No paid column at all: nothing can be checked."""
        return self.ss is None and self.complementaire is None and not self.niveaux

    def inconnus(self, niveaux) -> list[str]:
        """The `verse_<niveau>` columns naming a layer that none of `niveaux` is."""
        return [PREFIXE_NIVEAU + n for n in self.niveaux if n not in niveaux]

    def cellules(self, cellules: list[str]) -> dict[str, str]:
        """The paid cells of a row (column name → text as written), the row at the header's width."""
        d = {}
        if self.ss is not None:
            d[COLONNE_SS] = cellules[self.ss]
        if self.complementaire is not None:
            d[COLONNE_COMPLEMENTAIRE] = cellules[self.complementaire]
        for n, i in self.niveaux.items():
            d[PREFIXE_NIVEAU + n] = cellules[i]
        return d


def lire_verse(champ: str, texte) -> Decimal | Raison | None:
    """A paid cell: None when empty, the amount (Decimal euros, ≥ 0, at most two decimals:
    `31.50`, `31,50`, `31,50 €`, `1 234,56`), or Raison `verse-illisible` (details `raison`: the
    money parser's code — illisible, negatif, decimales…)."""
    if texte is None or (isinstance(texte, str) and not texte.strip()):
        return None
    try:
        return lire_montant(texte)
    except MontantInvalide as e:
        return Raison("verse-illisible", champ, texte, raison=e.raison)


def _lire_tout(cellules: dict[str, str], v: Verification) -> dict[str, Decimal | None]:
    """Every paid cell read; unreadable ones become reasons (and None)."""
    lus = {}
    for champ, texte in cellules.items():
        x = lire_verse(champ, texte)
        if isinstance(x, Raison):
            v.raisons.append(x)
            x = None
        lus[champ] = x
    for champ, x in lus.items():
        if champ.startswith(PREFIXE_NIVEAU) and x is not None:
            v.verse_niveaux[champ[len(PREFIXE_NIVEAU):]] = x
    return lus


def _comparer_ss(cellules, lus, resultat, v: Verification) -> None:
    v.ss_attendu = resultat.securite_sociale if v.mode_ss == "net" else resultat.ss_brut
    if COLONNE_SS not in cellules:
        return
    v.ss_verse = lus[COLONNE_SS]
    if v.ss_verse is not None:
        v.ecart_securite_sociale = v.ss_verse - v.ss_attendu
    elif not cellules[COLONNE_SS].strip():
        v.raisons.append(Raison("verse-absent", COLONNE_SS))


def _comparer_complementaire(cellules, lus, resultat, formule, v: Verification) -> None:
    parts = {p.niveau: p.montant for p in resultat.parts}
    v.complementaire_attendu = sum(parts.values(), ZERO)
    illisibles = {r.champ for r in v.raisons if r.code == "verse-illisible"}
    for champ in cellules:
        n = champ[len(PREFIXE_NIVEAU):] if champ.startswith(PREFIXE_NIVEAU) else None
        if n is None or lus[champ] is None:
            continue
        if n in parts:
            v.niveaux.append(EcartNiveau(n, lus[champ], parts[n]))
        elif lus[champ] != 0:
            v.raisons.append(Raison("niveau-hors-formule", champ, cellules[champ], niveau=n, formule=formule,
                                    niveaux=tuple(parts)))
    donnes = {e.niveau: e.verse for e in v.niveaux}
    tous = bool(parts) and all(n in donnes for n in parts)
    total = lus.get(COLONNE_COMPLEMENTAIRE)
    if total is not None:
        v.complementaire_verse = total
        somme = sum(donnes.values(), ZERO)
        if tous and somme != total:
            v.raisons.append(Raison("complementaire-incoherent", COLONNE_COMPLEMENTAIRE, cellules[COLONNE_COMPLEMENTAIRE],
                                    complementaire=total, somme=somme, niveaux=tuple(parts)))
    elif tous or (not parts and any(c.startswith(PREFIXE_NIVEAU) for c in cellules)):
        v.complementaire_verse = sum(donnes.values(), ZERO)
    else:
        manque = _champ_manquant(cellules, parts, donnes, illisibles)
        if manque is not None:
            v.raisons.append(Raison("verse-absent", manque, niveaux=tuple(parts), formule=formule,
                                    colonne_absente=manque not in cellules))
    if v.complementaire_verse is not None:
        v.ecart_complementaire = v.complementaire_verse - v.complementaire_attendu


def _champ_manquant(cellules, parts, donnes, illisibles) -> str | None:
    """The column whose absence leaves the complementary total unknown (None: nothing is asked of the
    complementary — no column for it — or the reason is already an unreadable cell)."""
    if COLONNE_COMPLEMENTAIRE in cellules:
        return None if COLONNE_COMPLEMENTAIRE in illisibles else COLONNE_COMPLEMENTAIRE
    if not any(c.startswith(PREFIXE_NIVEAU) for c in cellules):
        return None
    for n in parts:
        if n not in donnes:
            champ = PREFIXE_NIVEAU + n
            return None if champ in illisibles else champ
    return None


def _verdict(v: Verification, tolerance: Decimal) -> None:
    """`verdict` from the écarts (the reasons already found make the row non-verifiable)."""
    if v.raisons:
        v.verdict = "non-verifiable"
        return
    hors = [(p, x) for p, x in v.ecarts() if abs(x) > tolerance]
    if not hors:
        v.verdict = "conforme"
        return
    total = v.ecart_total or ZERO
    if abs(total) > tolerance:
        v.verdict = "trop-percu" if total > 0 else "moins-percu"
        return
    payeur, plus_grand = max(hors, key=lambda px: abs(px[1]))
    v.verdict = "trop-percu" if plus_grand > 0 else "moins-percu"
    v.raisons.append(Raison("ecarts-compenses", None, None, payeur=payeur, ecart=plus_grand, total=total))


def verifier_ligne(cellules: dict[str, str], resultat, erreur=None, *, tolerance: Decimal = ZERO, mode_ss: str = "net",
                   formule: str | None = None) -> Verification:
    """The check of one statement row.

    `cellules`: the row's paid cells by column name (`ColonnesVersees.cellules`), text as written;
    `resultat`: the row's `moteur.resultat.Resultat` (simulated with the contract's annual state), or
    None when the row is in `erreur` (the error value the replay gave); `tolerance`: Decimal euros,
    ≥ 0, per payer; `mode_ss`: `net` or `brut` (MODES_SS); `formule`: the row's formula id (for the
    reasons). Raises ValueError for an unknown `mode_ss` or a negative tolerance (programming errors,
    not input errors: the command line checks them first).
    """
    if mode_ss not in MODES_SS:
        raise ValueError(f"mode_ss: {mode_ss!r} (net ou brut)")
    if tolerance < 0:
        raise ValueError(f"tolerance: {tolerance} < 0")
    v = Verification(mode_ss)
    lus = _lire_tout(cellules, v)
    if COLONNE_SS in lus:
        v.ss_verse = lus[COLONNE_SS]
    if COLONNE_COMPLEMENTAIRE in lus:
        v.complementaire_verse = lus[COLONNE_COMPLEMENTAIRE]
    if resultat is None:
        v.raisons.insert(0, Raison("ligne-en-erreur", None, None, erreur=erreur))
        v.verdict = "non-verifiable"
        return v
    _comparer_ss(cellules, lus, resultat, v)
    _comparer_complementaire(cellules, lus, resultat, formule, v)
    _verdict(v, tolerance)
    return v


class LigneResumee:
    """What the summary keeps of a row that differs or cannot be checked: its place and its values."""
    __slots__ = ("ligne", "beneficiaire", "date", "nature", "verification")

    def __init__(self, ligne: int, beneficiaire: str, date, nature, verification: Verification):
        self.ligne, self.beneficiaire, self.date, self.nature = ligne, beneficiaire, date, nature
        self.verification = verification


class BilanVerification:
    """The totals of a verification (values; `rendu.verification.resume` words them).

    `lignes`: rows checked (the selection when there is one); `verdicts`: count per verdict;
    `ecarts`: per payer (`securite_sociale`, `complementaire`, `total`), the sums of the écarts of the
    rows found `moins-percu` / `trop-percu`, split by sign: `[sum of écarts < 0, sum of écarts > 0]`
    (Decimal euros); `plus_grands`: the `n_plus_grands` rows of largest |total écart|, largest first
    (ties: file order); `non_verifiables`: the first `n_non_verifiables` rows that cannot be checked.
    `fichier`, `mode_ss`, `tolerance`, `colonnes` (ColonnesVersees) say what was compared.
    """

    def __init__(self, fichier: str, colonnes: ColonnesVersees, mode_ss: str, tolerance: Decimal, *,
                 n_plus_grands: int = 10, n_non_verifiables: int = 5):
        self.fichier, self.colonnes, self.mode_ss, self.tolerance = fichier, colonnes, mode_ss, tolerance
        self.lignes = self.vides = 0
        self.verdicts = {v: 0 for v in VERDICTS}
        self.ecarts = {p: [ZERO, ZERO] for p in ("securite_sociale", "complementaire", "total")}
        self._grands: list = []
        self.non_verifiables: list[LigneResumee] = []
        self.n_plus_grands, self.n_non_verifiables = n_plus_grands, n_non_verifiables

    def ajouter(self, ligne: LigneResumee) -> None:
        """Counts one checked row."""
        v = ligne.verification
        self.lignes += 1
        self.verdicts[v.verdict] += 1
        if v.verdict == "non-verifiable":
            if len(self.non_verifiables) < self.n_non_verifiables:
                self.non_verifiables.append(ligne)
            return
        if v.verdict == "conforme":
            return
        for payeur, x in (("securite_sociale", v.ecart_securite_sociale), ("complementaire", v.ecart_complementaire),
                          ("total", v.ecart_total)):
            if x:
                self.ecarts[payeur][x > 0] += x
        cle = (abs(v.ecart_total or ZERO), -ligne.ligne)
        if len(self._grands) < self.n_plus_grands:
            heapq.heappush(self._grands, (cle, id(ligne), ligne))
        elif cle > self._grands[0][0]:
            heapq.heapreplace(self._grands, (cle, id(ligne), ligne))

    @property
    def plus_grands(self) -> list[LigneResumee]:
        return [x[2] for x in sorted(self._grands, key=lambda x: x[0], reverse=True)]

    @property
    def conformes(self) -> bool:
        """Every checked row conforms (exit code 0)."""
        return self.verdicts["conforme"] == self.lignes
