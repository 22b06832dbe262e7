"""The one replay loop of every batch front end (`lot`, `simuler_lot`, `comparer --actes`, `verifier`).

A reader gives rows (`Entree`: line number, beneficiary, act or error, contract/formula override);
the loop takes each beneficiary's rows in date order (ties: input order), runs the engine with that
beneficiary's annual state, and hands each row's result — or its error — to the writer, which puts
it back in input order. A row in error consumes nothing; every row gets an answer. Batch = single
by construction: a row's result is `moteur.simuler(contrat, formule, acte, etat)` with `etat` the
state left by the beneficiary's earlier rows.
"""
from __future__ import annotations

from array import array
from pathlib import Path

from ..contrat.depot import charger_contrat, chemin_contrat, contrats_livres, dossier_contrats, est_livre
from ..contrat.modele import Contrat
from ..domaine.erreurs import ContratIntrouvable, ContratInvalide, ErreurSimulateur, apercu
from ..moteur.calcul import simuler
from ..moteur.etat import EtatBeneficiaire
from ..parametres import ParametreIndisponible, charger_parametres


class Entree:
    """One input row as the replay sees it: `numero` (the file's line, or the position from 1),
    `beneficiaire` (normalised), `acte` (or None), `erreur` (an error value, or None), and the row's
    `contrat` / `formule` override texts ("" when none); `brut`: the row's cells by column name, kept
    only for a row refused when read (the writers echo its nature and date as written)."""
    __slots__ = ("numero", "beneficiaire", "acte", "erreur", "contrat", "formule", "brut")

    def __init__(self, numero, beneficiaire, acte, erreur=None, contrat="", formule="", brut=None):
        self.numero, self.beneficiaire, self.acte, self.erreur = numero, beneficiaire, acte, erreur
        self.contrat, self.formule, self.brut = contrat, formule, brut


class ErreurLigne(ErreurSimulateur):
    """A row-level refusal that is not about the act (no beneficiary, no contract, a cell count…)."""

    def __init__(self, texte: str):
        super().__init__(texte)


class Choix:
    """Resolves a row's contract and formula: the command line's, or the row's override.

    A row may name a shipped contract (by id), the command line's contract, or a file under one of
    the folders given (`dossiers`: `mon-contrat` is `DOSSIER/mon-contrat.yaml` (or `.yml`), whatever the
    current folder; a path is taken relative to the current folder): never any other path on the machine
    (a link inside a folder that leads outside is outside). Results are cached per pair of texts; an
    unusable choice is the row's error (ErreurLigne / the loader's), never fatal. A folder that does not
    exist or is not a folder is fatal (LotInvalide).
    """

    def __init__(self, contrat: Contrat | str | None, formule: str | None, dossiers=()):
        self.dossiers = [_dossier(d) for d in dossiers]
        self.nom_contrat = contrat if isinstance(contrat, str) else None
        self.contrat = contrat if isinstance(contrat, Contrat) or contrat is None else charger_contrat(contrat)
        self.formule = formule
        if self.contrat is not None and formule is not None:
            self.contrat.formule(formule)           # an unknown formula on the command line is fatal
        self.contrats: dict = {}
        self.choix: dict = {}
        self.niveaux: list[str] = list(self.contrat.niveaux) if self.contrat is not None else []

    def _dans_dossiers(self, texte: str):
        """The file `DOSSIER/<texte>.yaml` (or `.yml`, or `DOSSIER/<texte>` for a file name) of the first
        folder given that has it, or None. A shipped id is the shipped contract (docs/interface.md).
        An ErreurLigne when that folder's name is ambiguous (both `x.yaml` and `x.yml`) or is not a
        regular file (a folder, a named pipe, a device, a broken link): said, not « contrat inconnu »."""
        if not self.dossiers or "/" in texte or "\\" in texte or texte in (".", "..") or "\x00" in texte:
            return None
        try:
            if not texte.endswith((".yaml", ".yml")) and (dossier_contrats() / f"{texte}.yaml").is_file():
                return None
            noms = [texte] if texte.endswith((".yaml", ".yml")) else [f"{texte}.yaml", f"{texte}.yml"]
            for d in self.dossiers:
                presents = [d / nom for nom in noms if (d / nom).is_symlink() or (d / nom).exists()]
                if len(presents) > 1:
                    return ErreurLigne(f"contrat « {apercu(texte, 80)} » ambigu : {apercu(presents[0], 200)} et "
                                       f"{apercu(presents[1].name, 80)} existent tous les deux ; renommez ou retirez l'un des deux")
                if presents:
                    return presents[0] if presents[0].is_file() else _pas_un_contrat(texte, presents[0])
        except (OSError, ValueError):
            return None
        return None

    def _permis(self, texte: str, chemin) -> bool:
        if self.contrat is not None and texte in (self.contrat.id, self.nom_contrat):
            return True
        try:
            chemin = chemin or chemin_contrat(texte)
        except ErreurSimulateur:
            return True                              # unknown: the loader's own message says so
        if est_livre(chemin):
            return True
        reel = chemin.resolve()
        return any(d == reel.parent or d in reel.parents for d in self.dossiers)

    def charger(self, texte: str):
        """The Contrat a row names, or the error value that refuses it."""
        c = self.contrats.get(texte)
        if c is None:
            chemin = self._dans_dossiers(texte)
            if self.contrat is not None and texte in (self.contrat.id, self.nom_contrat):
                c = self.contrat
            elif isinstance(chemin, ErreurLigne):
                c = chemin
            elif not self._permis(texte, chemin):
                c = self._hors_dossiers(texte, chemin)
            else:
                c = self._lire(texte, chemin)
            if isinstance(c, Contrat):
                self.niveaux.extend(n for n in c.niveaux if n not in self.niveaux)
            self.contrats[texte] = c
        return c

    def _hors_dossiers(self, texte: str, chemin) -> ErreurLigne:
        """The error of a row that names a file no rule lets it read (a path elsewhere, or a link of a
        folder that leads outside it)."""
        if chemin is not None:
            return ErreurLigne(f"contrat « {apercu(texte, 80)} » : {apercu(chemin, 200)} est un lien qui mène hors du dossier "
                               "(--contrats-dossier) ; une ligne ne lit que les fichiers du dossier : copiez-y le contrat")
        ids = ", ".join(p.stem for p in contrats_livres())
        return ErreurLigne(f"contrat « {apercu(texte, 80)} » : une ligne ne peut nommer qu'un contrat livré ({ids}), celui de "
                           "--contrat, ou un fichier d'un dossier donné par --contrats-dossier")

    def _lire(self, texte: str, chemin):
        """The Contrat of a permitted name (or its file `chemin`), or the error value that refuses it;
        an unknown name is worded for a row (a row cannot give a path of its own)."""
        try:
            return charger_contrat(chemin or texte)
        except ContratInvalide as e:
            return ErreurLigne(f"contrat « {apercu(texte, 80)} » illisible : "
                               + " ; ".join(str(p).replace("\n", " ") for p in e.problemes[:3]))
        except ContratIntrouvable as e:
            if e.inconnu is None:
                return e
            from ..domaine.natures import suggestion
            ids = [p.stem for p in contrats_livres()]
            if self.dossiers:
                dossiers = ", ".join(apercu(d, 80) for d in self.dossiers)
                return ErreurLigne(f"contrat inconnu « {apercu(texte, 80)} »{suggestion(texte, ids)} : ni un contrat livré "
                                   f"({', '.join(ids)}), ni celui de --contrat, ni un fichier {apercu(texte, 80)}.yaml (ou .yml) "
                                   f"du dossier {dossiers}")
            return ErreurLigne(f"contrat inconnu « {apercu(texte, 80)} »{suggestion(texte, ids)} (contrats livrés : "
                               f"{', '.join(ids)} ; ou le nom d'un fichier .yaml d'un dossier donné par --contrats-dossier)")
        except ErreurSimulateur as e:
            return e

    def __call__(self, contrat_txt: str, formule_txt: str):
        """(Contrat, formule id) for a row, or an error value; cached per pair of texts."""
        cle = (contrat_txt, formule_txt)
        r = self.choix.get(cle)
        if r is None:
            r = self.choix[cle] = self._choisir(contrat_txt.strip(), formule_txt.strip())
        return r

    def _choisir(self, ct: str, ft: str):
        if ct:
            c = self.charger(ct)
            if not isinstance(c, Contrat):
                return c
        elif self.contrat is not None:
            c = self.contrat
        else:
            return ErreurLigne("contrat absent : renseignez la colonne contrat ou l'option --contrat")
        f = ft or self.formule
        if not f:
            return ErreurLigne("formule absente : renseignez la colonne formule ou l'option --formule")
        try:
            c.formule(f)
        except ErreurSimulateur as e:
            return e
        return (c, f)


def _pas_un_contrat(texte: str, chemin: Path) -> ErreurLigne:
    """The row error for a folder's entry named like a contract that is not a regular file."""
    import stat
    try:
        mode = chemin.stat().st_mode
        quoi = ("un dossier" if stat.S_ISDIR(mode) else "un tube nommé (FIFO)" if stat.S_ISFIFO(mode)
                else "un périphérique" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "un fichier spécial")
    except OSError:
        quoi = "un lien cassé (sa cible n'existe pas)"
    return ErreurLigne(f"contrat « {apercu(texte, 80)} » : {apercu(chemin, 200)} est {quoi}, pas un fichier de contrat ; "
                       "indice : mettez-y le fichier .yaml du contrat")


def homonymes(dossiers) -> list[Path]:
    """The files of the --contrats-dossier folders (`DOSSIER/<id>.yaml` or `.yml`) whose name is a shipped
    contract's id: a row that names that id gets the shipped contract, never the file (docs/interface.md);
    the command line warns once."""
    livres = {p.stem for p in contrats_livres()}
    trouves = []
    for d in dossiers:
        try:
            trouves += sorted(p for p in Path(d).iterdir() if p.suffix in (".yaml", ".yml") and p.stem in livres)
        except OSError:
            continue
    return trouves


def _dossier(d) -> Path:
    """A --contrats-dossier folder, resolved; LotInvalide (exit 2) when it does not exist or is not a folder."""
    from .lecture import LotInvalide
    chemin = Path(d)
    try:
        if chemin.is_dir():
            return chemin.resolve()
        quoi = "n'est pas un dossier" if chemin.exists() else "dossier introuvable"
    except (OSError, ValueError) as e:
        from ..domaine.erreurs import raison_systeme
        quoi = f"illisible ({raison_systeme(e) if isinstance(e, OSError) else 'nom invalide'})"
    raise LotInvalide(f"--contrats-dossier {apercu(str(d), 200)} : {quoi} ; indice : donnez le chemin d'un dossier qui "
                      "contient les contrats (.yaml) que la colonne contrat nomme")


class Groupes:
    """Row indices grouped by beneficiary, for the replay: `ajouter(beneficiaire, date ordinal, index)`
    in input order; iterating gives each beneficiary's rows (an `array('Q')`, in order of first
    appearance) sorted by date, ties in input order — the low 32 bits of an item are the row's index.
    A group is released once given, so that memory stays about 8 bytes per row."""

    def __init__(self):
        self.groupes: dict = {}

    def ajouter(self, beneficiaire, ordinal: int, i: int) -> None:
        g = self.groupes.get(beneficiaire)
        if g is None:
            g = self.groupes[beneficiaire] = array("Q")
        g.append((ordinal << 32) | i)

    def __len__(self):
        return len(self.groupes)

    def __iter__(self):
        for ben in list(self.groupes):
            yield array("Q", sorted(self.groupes.pop(ben)))


def rejouer(groupes, entree, choix: Choix, rendre, parametres=None, expliquer: bool = False, debug: bool = False,
            strict: bool = False) -> None:
    """The replay: for each beneficiary (a group of row indices in date order, as `Groupes` gives
    them), one empty annual state, then each row through the engine.

    `entree(i)` gives row i (an Entree); `rendre(i, entree, choix, resultat, erreur)` receives each
    row once: `resultat` (a Resultat) or `erreur` (an error value: ActeInvalide, FormuleInconnue,
    ParametreIndisponible, ErreurLigne…). An unexpected exception of the engine is the row's error
    too (nothing lost) unless `debug`. `strict`: see `moteur.calcul.simuler`.
    """
    params = parametres or charger_parametres()
    fixe = choix("", "")             # the command line's contract and formula (rows without override use them)
    for groupe in groupes:
        etat = EtatBeneficiaire()
        for cle in groupe:
            i = cle & 0xFFFFFFFF
            e = entree(i)
            c = fixe if not (e.contrat or e.formule) else choix(e.contrat, e.formule)
            r, err = None, e.erreur
            if err is None:
                if c.__class__ is not tuple:
                    err = c
                else:
                    try:
                        r = simuler(c[0], c[1], e.acte, etat, params, expliquer, strict)
                    except (ErreurSimulateur, ParametreIndisponible) as x:
                        err = x
                    except Exception as x:  # noqa: BLE001 - one broken row must not lose the others
                        if debug:
                            raise
                        err = ErreurLigne(f"erreur interne du moteur ({type(x).__name__} : {str(x)[:200]}) ; signalez-la "
                                          "avec cette ligne")
                    else:
                        etat.appliquer(r)
            rendre(i, e, c, r, err)
