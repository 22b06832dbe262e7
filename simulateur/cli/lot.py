"""The `lot` command(s), registered on the Typer app of cli.py (kept light: heavy imports inside the command).

Input: CSV (any of the encodings and separators `lot.lecture` reads) or an .xlsx workbook (first
sheet, or `--feuille`). Output: CSV, JSON, JSON lines or .xlsx (`--format`, or the extension of
`--sortie`). `--resume beneficiaire|categorie|mois`: totals per group, on stderr as a table, or to
`--resume-sortie FICHIER` (.csv, .json or .xlsx).
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import List, Optional

import typer

from .francais import exemples
from .options import ChoixFr, option_parametres, parametres_du_scenario

# Output formats, and the format an output file's extension implies when --format is not given.
FORMATS_LOT = ("csv", "json", "jsonl", "xlsx", "parquet")
EXTENSIONS = {".csv": "csv", ".txt": "csv", ".tsv": "csv", ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl",
              ".xlsx": "xlsx", ".parquet": "parquet"}
GROUPES = ("beneficiaire", "categorie", "mois")
MOTEURS = ("auto", "ligne", "colonnes", "dask")
EXEMPLES = exemples("simulateur lot famille-2025.csv --contrat cabinets-dentaires --formule option-2 > resultats.csv",
                    "simulateur lot actes.xlsx -c carcept-evolution-sante -f f150 -o resultats.xlsx --resume beneficiaire",
                    "simulateur lot actes.csv -c cabinets-dentaires -f base --format jsonl --resume mois "
                    "--resume-sortie par-mois.csv",
                    "simulateur lot portefeuille.parquet -c cabinets-dentaires -f option-2 -o resultats.parquet "
                    "--parametres reforme.yaml",
                    "(famille-2025.csv est livré : simulateur exemples --copier famille-2025.csv)")


def _aide_lot() -> str:
    from ..domaine.champs import CHAMPS, COLONNES_OBLIGATOIRES
    facultatives = ", ".join(c.nom for c in CHAMPS if c.nom not in COLONNES_OBLIGATOIRES)
    return f"""Simule un fichier d'actes (une année de soins) avec l'état annuel de chaque bénéficiaire.

Colonnes (en-tête obligatoire ; séparateur , ou ; ; UTF-8 avec ou sans BOM, UTF-16, Windows-1252 ; virgule ou
point décimal) : {', '.join(COLONNES_OBLIGATOIRES)} ; en option {facultatives}, et contrat / formule (remplacent
--contrat / --formule pour la ligne). br vide ou absente : 0 pour une nature non remboursée (chambre particulière…),
erreur de la ligne pour une nature remboursée. Avec une colonne acte (codes d'actes, un devis), nature est
facultative : le catalogue daté donne la nature et la base (simulateur actes).

Fichier .parquet en entrée ou en sortie (ou --format parquet) : moteur en colonnes. Le moteur (--moteur) ne change
aucun montant : le moteur en colonnes rend, ligne à ligne, les résultats du moteur ligne.

Les actes de chaque bénéficiaire sont rejoués dans l'ordre des dates (enveloppes, compteurs annuels,
plafonds de la participation forfaitaire et des franchises, renouvellements) ; la sortie garde l'ordre
du fichier : les colonnes d'entrée, puis securite_sociale, participation_forfaitaire, part_<niveau>…,
total_rembourse, reste_a_charge, erreur, forfait_apres_cancer. Une ligne en erreur garde son message
(avec son numéro de ligne) et le calcul continue ; code 1 s'il y en a, 2 si le fichier est inutilisable.
"""


def _entier_fr(n: int) -> str:
    return f"{n:,}".replace(",", "\u202f")


def _executer_colonnes(fichier, sortie, options, barre, moteur, workers, scheduler, donnees=None):
    """The columnar engine (and Dask): reads in blocks, writes bytes (atomically to --sortie, or to stdout).
    `donnees`: the input's bytes when it was read already (standard input, a pipe)."""
    import os
    os.environ.setdefault("_RJEM_MALLOC_CONF", "dirty_decay_ms:200,muzzy_decay_ms:0")   # polars gives memory back sooner
    from ..fichiers.ecriture import SortieAtomique
    from ..lot.portefeuille import executer_portefeuille, executeur_dask
    from ..domaine.erreurs import ErreurSimulateur
    from ..lot.lecture import LotInvalide
    from ..parametres import ParametreIndisponible
    options = dict(options, executeur=executeur_dask(workers, scheduler) if moteur == "dask" else None)
    try:
        if sortie is None:
            sys.stdout.flush()
            return executer_portefeuille(fichier, sys.stdout.buffer, donnees=donnees, progression=barre, **options)
        with SortieAtomique(sortie, binaire=True) as flux:
            return executer_portefeuille(fichier, flux, donnees=donnees, progression=barre, **options)
    except (ErreurSimulateur, ParametreIndisponible, BrokenPipeError):
        raise
    except Exception as e:  # noqa: BLE001 - an internal error of the columnar path: a message, not a traceback
        if options.get("debug"):
            raise
        from ..domaine.erreurs import apercu
        raise LotInvalide(f"erreur interne du moteur {moteur} ({type(e).__name__} : {apercu(e, 200)}) ; rien n'a été écrit ; "
                          "indice : relancez avec --moteur ligne (la référence) et signalez l'erreur avec --debug") from None


def format_sortie(format: str | None, sortie: str | None) -> str:
    """--format, else the format the extension of --sortie names (csv when it has none). An extension
    that names no format `lot` writes (`-o resultats.pdf`) is refused (SortieInvalide) unless --format
    is given: then the name is the user's choice."""
    if format is not None:
        return format
    if not sortie:
        return "csv"
    from ..fichiers.ecriture import format_par_extension
    return format_par_extension(sortie, EXTENSIONS, indice=" ; changez l'extension, ou donnez --format pour garder ce nom") \
        or "csv"


# What --resume-sortie writes, by extension (no --format for it): a table of totals.
EXTENSIONS_RESUME = {".csv": "csv", ".txt": "csv", ".tsv": "csv", ".json": "json", ".jsonl": "json", ".ndjson": "json",
                     ".xlsx": "xlsx"}


def _verifier_sorties(format, sortie, resume, resume_sortie) -> None:
    """The outputs' names and formats, checked before any computation (exit 2, nothing computed): the
    summary's extension, `--resume-sortie -` (standard output) only when the results go to a file, a
    binary format (xlsx, Parquet) never to a terminal."""
    from ..fichiers.ecriture import SortieInvalide, est_terminal, format_par_extension
    if resume_sortie is not None and resume is None:
        raise SortieInvalide("--resume-sortie demande --resume beneficiaire, categorie ou mois")
    if resume_sortie == "-" and sortie is None:
        raise SortieInvalide("--resume-sortie - : la sortie standard reçoit déjà les résultats ; donnez --sortie FICHIER, "
                             "ou un nom de fichier à --resume-sortie")
    if resume_sortie not in (None, "-"):
        format_par_extension(resume_sortie, EXTENSIONS_RESUME, "--resume-sortie")
    if format in ("xlsx", "parquet") and (sys.stdout.isatty() if sortie is None else est_terminal(sortie)):
        quoi = "un classeur" if format == "xlsx" else "un fichier Parquet (binaire)"
        raise SortieInvalide(f"--format {format} : {quoi} ne s'affiche pas sur un terminal ; donnez --sortie FICHIER.{format} "
                             "(ou redirigez la sortie)")


def _lire(fichier: str, feuille: str | None, donnees: bytes | None = None) -> bytes:
    """The input's bytes (`donnees` when read already); with --feuille, that sheet of the workbook, as CSV."""
    from ..lot import LotInvalide, lire_octets
    data = lire_octets(fichier) if donnees is None else donnees
    if feuille is not None:
        from ..lot.tableur import classeur_en_texte, est_classeur
        if not est_classeur(data):
            raise LotInvalide(f"{fichier} : --feuille vaut pour un classeur .xlsx, pas pour un fichier CSV")
        data = classeur_en_texte(data, fichier, feuille).encode("utf-8")
    return data


def _executer_classeur(data, fichier, sortie, options, barre, finir):
    """The batch to an .xlsx workbook: its CSV output (decimal point) made into one sheet; the cells
    changed to fit a sheet (`tableur.Retouches`) are said on stderr."""
    import io
    from ..fichiers.ecriture import SortieAtomique
    from ..lot import executer_lot
    from ..lot.tableur import Retouches, ecrire_classeur
    texte = io.StringIO()
    bilan = executer_lot(data, texte, fichier=fichier, progression=barre, **{**options, "format": "csv", "decimale": "point"})
    retouches = Retouches()
    if sortie is None:
        finir(bilan)
        sys.stdout.flush()
        ecrire_classeur(texte.getvalue(), sys.stdout.buffer, retouches=retouches)
        sys.stdout.buffer.flush()
    else:
        with SortieAtomique(sortie, binaire=True) as flux:
            ecrire_classeur(texte.getvalue(), flux, retouches=retouches)
            finir(bilan)                    # the summary file first: the results only if it was written
    _dire_retouches(retouches, sortie or "la sortie standard")
    return bilan


def _dire_retouches(retouches, nom: str) -> None:
    """The cells of a workbook changed to fit a sheet, said once on stderr (how many, the first one)."""
    from ..rendu.messages import texte_retouches
    for ligne in texte_retouches(retouches, nom):
        sys.stderr.write(f"avertissement : {ligne}\n")


def _executer(fichier, sortie, options, barre, feuille=None, donnees=None, finir=lambda bilan: None):
    """Reads (or takes `donnees`, the bytes of a pipe read already), computes, writes (atomically to
    --sortie, or to stdout): the Bilan. `finir(bilan)` writes the other outputs (--resume-sortie) before
    --sortie is put in place: an error there leaves --sortie as it was (outputs all or nothing)."""
    import io
    from ..fichiers.ecriture import SortieAtomique
    from ..lot import executer_lot
    data = _lire(fichier, feuille, donnees)
    del donnees
    if options["format"] == "xlsx":
        return _executer_classeur(data, fichier, sortie, options, barre, finir)
    if sortie is None:
        sys.stdout.flush()
        flux = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="", write_through=False)
        try:
            bilan = executer_lot(data, flux, fichier=fichier, progression=barre, **options)
        finally:
            try:
                flux.flush()
            finally:
                flux.detach()
        finir(bilan)
        return bilan
    with SortieAtomique(sortie) as flux:
        bilan = executer_lot(data, flux, fichier=fichier, progression=barre, **options)
        finir(bilan)
        return bilan


def _verifier_avant(fichier, format, sortie, resume_sortie, autres, contrats_dossier) -> None:
    """Before any computation: openpyxl there when a workbook is written, the two outputs distinct and
    neither an input (`fichier`, `autres`: --contrat, --parametres, None when absent) nor a contract of
    `contrats_dossier`; a folder's file named like a shipped contract said. Raises SortieInvalide."""
    if format == "xlsx" or (resume_sortie or "").lower().endswith(".xlsx"):
        from ..lot.tableur import verifier_openpyxl
        verifier_openpyxl()
    from ..fichiers.ecriture import verifier_sortie, verifier_sorties_distinctes
    verifier_sorties_distinctes({"--sortie": sortie, "--resume-sortie": resume_sortie})
    entrees = [fichier] + [a for a in autres if a] + list(contrats_dossier)
    for f in (sortie, resume_sortie):
        if f not in (None, "-"):
            verifier_sortie(f, entrees, contrats_dossier)
    dire_homonymes(contrats_dossier)


def _verifier_dask(moteur, workers, scheduler, erreur):
    """--workers / --scheduler only with --moteur dask, and --scheduler of the form tcp://hôte:port, checked
    before anything starts (`erreur`: exit 2 with the French message). Returns the address, spaces removed."""
    if (workers is not None or scheduler is not None) and moteur != "dask":
        erreur("--workers et --scheduler vont avec --moteur dask")
    if scheduler is None:
        return None
    from ..lot.lecture import LotInvalide
    from ..lot.moteurs import verifier_adresse
    try:
        return verifier_adresse(scheduler)
    except LotInvalide as e:
        erreur(str(e))


def enregistrer(app) -> None:
    """Adds this module's commands to `app`."""
    from . import _DEBUG, EXIT_ECHECS, EXIT_INTERRUPTION, EXIT_OK, erreur, proteger

    @app.command("lot", help=_aide_lot(), epilog=EXEMPLES)
    def lot(
        fichier: str = typer.Argument(..., metavar="ACTES.CSV|.XLSX|.PARQUET", help="Fichier des actes : CSV, classeur .xlsx ou Parquet (« - » : entrée standard, CSV)."),
        contrat: Optional[str] = typer.Option(None, "--contrat", "-c", metavar="CONTRAT", autocompletion=_completer_contrats, help="Contrat (identifiant livré ou fichier YAML) ; une colonne contrat le remplace ligne à ligne."),
        formule: Optional[str] = typer.Option(None, "--formule", "-f", metavar="FORMULE", autocompletion=_completer_formules, help="Formule du contrat (ex. option-2) ; une colonne formule la remplace ligne à ligne."),
        sortie: Optional[str] = typer.Option(None, "--sortie", "-o", metavar="FICHIER", help="Fichier de sortie, écrit en entier ou pas du tout (défaut, ou « - » : sortie standard) ; son extension donne le format (.csv, .json, .jsonl, .xlsx, .parquet ; une autre est refusée sans --format)."),
        format: Optional[str] = typer.Option(None, "--format", click_type=ChoixFr(FORMATS_LOT), show_default=False, help="csv (défaut), json (une liste), jsonl (un objet par ligne), xlsx (un classeur) ou parquet (binaire ; xlsx et parquet demandent --sortie ou une redirection) ; sans --format, l'extension de --sortie."),
        feuille: Optional[str] = typer.Option(None, "--feuille", metavar="NOM", help="Classeur .xlsx : la feuille à lire (défaut : la première)."),
        decimale: Optional[str] = typer.Option(None, "--decimale", click_type=ChoixFr(("point", "virgule")), show_default=False, help="Montants de la sortie CSV : point ou virgule (défaut : virgule si le fichier est séparé par « ; », point sinon)."),
        resume: Optional[str] = typer.Option(None, "--resume", click_type=ChoixFr(GROUPES), show_default=False, help="Totaux par bénéficiaire, par catégorie de soins ou par mois, au centime (leur somme est le total du lot) : un tableau sur la sortie d'erreur, ou --resume-sortie."),
        resume_sortie: Optional[str] = typer.Option(None, "--resume-sortie", metavar="FICHIER", help="Écrit les totaux de --resume dans ce fichier (.csv, .json ou .xlsx ; « - » : la sortie standard, en CSV, quand --sortie est un fichier) au lieu de la sortie d'erreur."),
        contrats_dossier: List[str] = typer.Option([], "--contrats-dossier", metavar="DOSSIER", help="Dossier de contrats que la colonne contrat peut nommer (en plus des contrats livrés et de --contrat) : mon-contrat y désigne DOSSIER/mon-contrat.yaml ; répétable."),
        silencieux: bool = typer.Option(False, "--silencieux", "-s", help="Ni barre de progression ni résumé sur la sortie d'erreur (le code de sortie dit s'il y a eu des erreurs)."),
        strict: bool = typer.Option(False, "--strict", help="Refuse (ligne en erreur) un paramètre reconduit au-delà de sa dernière valeur publiée."),
        moteur: str = typer.Option("auto", "--moteur", click_type=ChoixFr(MOTEURS), show_default=False, help="auto (défaut : colonnes pour un gros fichier ou du Parquet, ligne sinon), ligne (la référence, un acte après l'autre), colonnes (en colonnes, polars) ou dask (colonnes sur une grappe Dask) ; tous donnent les mêmes montants."),
        workers: Optional[int] = typer.Option(None, "--workers", min=1, metavar="N", help="--moteur dask : nombre de processus de la grappe locale (défaut : un par cœur)."),
        scheduler: Optional[str] = typer.Option(None, "--scheduler", metavar="ADRESSE", help="--moteur dask : adresse d'une grappe Dask existante (ex. tcp://10.0.0.5:8786) au lieu d'une grappe locale."),
        parametres: Optional[str] = option_parametres(),
    ):
        sortie = None if sortie == "-" else sortie          # « - » : la sortie standard, comme pour l'entrée
        from ..fichiers.ecriture import SortieInvalide
        try:
            format = format_sortie(format, sortie)
            _verifier_sorties(format, sortie, resume, resume_sortie)
        except SortieInvalide as e:
            erreur(str(e))
        scheduler = _verifier_dask(moteur, workers, scheduler, erreur)
        from pathlib import Path
        options = dict(contrat=contrat, formule=formule, format=format, decimale=decimale, debug=_DEBUG["actif"],
                       dossiers=[Path(d) for d in contrats_dossier], strict=strict)
        if resume is not None:
            from ..lot.resume import Resume
            options["resume"] = Resume(resume)

        ecrits = []

        def finir(_bilan):
            if resume_sortie is not None:
                ecrits.append(_ecrire_resume(options["resume"], resume_sortie))

        def faire():
            _exemple_absent(fichier)
            _verifier_avant(fichier, format, sortie, resume_sortie, [contrat, parametres], contrats_dossier)
            from ..lot.moteurs import choisir, raison_ligne
            donnees = _lire_flux(fichier)
            if donnees is None and fichier.lower().endswith(".parquet"):
                from ..lot.lecture import verifier_parquet
                verifier_parquet(fichier, fichier)         # a file named .parquet that is not: said before anything
            choisi = choisir(moteur, fichier, format, raison_ligne(fichier, format, feuille, resume, donnees), donnees is not None)
            options["parametres"] = parametres_du_scenario(parametres)
            barre = None if silencieux or not sys.stderr.isatty() else _Barre()
            try:
                if choisi != "ligne":
                    return _executer_colonnes(fichier, sortie, options, barre, choisi, workers, scheduler, donnees)
                return _executer(fichier, sortie, options, barre, feuille, donnees, finir)
            finally:
                if barre is not None:
                    barre.fermer()

        try:
            bilan = proteger(faire)
        except KeyboardInterrupt:
            from .environnement import dire_interrompu
            dire_interrompu(sortie)
            raise typer.Exit(EXIT_INTERRUPTION)
        except BrokenPipeError:          # `simulateur lot … | head`: the reader left, nothing more to say
            from .environnement import lecteur_parti
            raise typer.Exit(lecteur_parti())
        if not silencieux:
            _resume(bilan, sortie, format)
        if resume is not None and resume_sortie is None:
            proteger(lambda: _resume_groupes(options["resume"]))
        for ligne in ecrits:
            sys.stderr.write(ligne)
        raise typer.Exit(EXIT_ECHECS if bilan.erreurs else EXIT_OK)


def _completer_contrats(incomplete: str):
    from .completion import completer_contrats
    return completer_contrats(incomplete)


def _completer_formules(ctx, incomplete: str):
    from .completion import completer_formules
    return completer_formules(ctx, incomplete)


def _lire_flux(fichier: str) -> bytes | None:
    """The bytes of an input that can be read only once (standard input, a named pipe, `<(cat f.csv)`),
    read now, once; None for a regular file (read by the engine). A Parquet file needs random access."""
    from ..lot.lecture import LotInvalide, est_flux, lire_octets
    if not est_flux(fichier):
        return None
    if fichier != "-" and fichier.lower().endswith(".parquet"):
        raise LotInvalide(f"{fichier} : un fichier Parquet se lit par accès direct, pas dans un tube ; indice : donnez le "
                          "chemin d'un fichier ordinaire (ou convertissez-le en CSV)")
    return lire_octets(fichier)


def _exemple_absent(fichier: str) -> None:
    """A bundled example file named but absent from the current folder: say how to get it."""
    from .exemples import FICHIERS
    if fichier in FICHIERS and not Path(fichier).exists():
        from ..lot import LotInvalide
        raise LotInvalide(f"{fichier} : fichier introuvable dans le dossier courant ; c'est un fichier d'exemple livré : "
                          f"simulateur exemples --copier {fichier} le copie ici")


def _resume_groupes(resume) -> None:
    """The totals per group, as a table on stderr."""
    from ..rendu.tables import afficher_resume, console
    afficher_resume(console(stderr=True), resume)


def _ecrire_resume(resume, chemin: str) -> str:
    """Writes the totals per group to the file `chemin` (.csv, .json or .xlsx; « - »: standard output,
    as CSV): the line that says so on stderr, once every output is written. Cells of the workbook
    changed to fit a sheet are said on stderr."""
    from ..lot.resume import en_machine
    lignes = [en_machine(d) for d in resume.groupes()]
    colonnes = resume.colonnes()
    genre = "csv" if chemin == "-" else EXTENSIONS_RESUME.get(Path(chemin).suffix.lower(), "csv")
    from ..fichiers.ecriture import SortieAtomique
    if genre == "json":
        import json
        with SortieAtomique(chemin) as flux:
            flux.write(json.dumps(lignes, ensure_ascii=False, indent=2) + "\n")
        return f"totaux par {resume.cle} ({len(lignes)} groupe(s)) écrits : {chemin}\n"
    import csv
    import io
    texte = io.StringIO()
    w = csv.writer(texte, lineterminator="\n")
    w.writerow(colonnes)
    w.writerows([[d.get(c, "") for c in colonnes] for d in lignes])
    if chemin == "-":
        sys.stdout.write(texte.getvalue())
        sys.stdout.flush()
        return ""
    if genre == "xlsx":
        from ..lot.tableur import Retouches, ecrire_classeur
        retouches = Retouches()
        with SortieAtomique(chemin, binaire=True) as flux:
            ecrire_classeur(texte.getvalue(), flux, feuille=f"par-{resume.cle}", retouches=retouches)
        _dire_retouches(retouches, chemin)
    else:
        with SortieAtomique(chemin) as flux:
            flux.write(texte.getvalue())
    return f"totaux par {resume.cle} ({len(lignes)} groupe(s)) écrits : {chemin}\n"


class _Barre:
    """A Rich progress bar on stderr (only when stderr is a terminal)."""

    ETAPES = {"lecture": "lecture du fichier", "calcul": "calcul des actes", "écriture": "écriture"}

    def __init__(self):
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeRemainingColumn
        self.p = Progress(TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(), TimeRemainingColumn(),
                          console=Console(stderr=True), transient=True)
        self.p.start()
        self.taches = {}

    def __call__(self, etape, fait, total):
        t = self.taches.get(etape)
        if t is None:
            t = self.taches[etape] = self.p.add_task(self.ETAPES.get(etape, etape), total=total)
        self.p.update(t, completed=fait, total=total)
        if fait >= total:
            self.p.refresh()             # a finished step shows 100 % at once (not its last periodic refresh)

    def fermer(self):
        self.p.refresh()
        self.p.stop()


def _resume(bilan, sortie, format: str):
    """The summary on stderr: rows, rows in error, totals per payer (French number format)."""
    from ..rendu.texte import texte_fr
    w = sys.stderr.write
    from ..domaine.erreurs import apercu
    vers = f" → {apercu(sortie, 200)}" if sortie else ""
    w(f"lot {apercu(bilan.fichier, 200)}{vers} : {_entier_fr(bilan.lignes)} acte(s), {_entier_fr(bilan.erreurs)} en erreur"
      + (f", {_entier_fr(bilan.vides)} ligne(s) vide(s) ignorée(s)" if bilan.vides else "") + "\n")
    if getattr(bilan, "encodage", "utf-8") not in ("utf-8", "xlsx"):
        # the BOM goes with a CSV output only (lot.commande, lot.portefeuille.execution)
        w(f"  fichier lu en {bilan.encodage.upper()}" + (" ; sortie en UTF-8 avec BOM" if format == "csv" else "") + "\n")
    if getattr(bilan, "rejouees", None) is not None:
        w(f"  moteur en colonnes ; {_entier_fr(bilan.rejouees)} ligne(s) calculée(s) par le moteur ligne (règles séquentielles "
          "ou non compilées, lignes en erreur : voir docs/portefeuille.md)\n")
    t = bilan.totaux
    lignes = [("frais réels", t["frais_reels"]),
              ("Sécurité sociale (versé)", t["securite_sociale"]),
              ("participation forfaitaire et franchises (retenues)", t["participation_forfaitaire"])]
    if t["forfait_apres_cancer"]:
        lignes.append(("forfait après cancer", t["forfait_apres_cancer"]))
    lignes += [(f"niveau {nv}", t[f"part_{nv}"]) for nv in bilan.niveaux]
    lignes += [("total remboursé", t["total_rembourse"]), ("reste à charge", t["reste_a_charge"])]
    largeur = max(len(l) for l, _ in lignes)
    montants = [texte_fr(m) for _, m in lignes]
    lm = max(len(m) for m in montants)
    for (l, _), m in zip(lignes, montants):
        w(f"  {l.ljust(largeur)}  {m.rjust(lm)}\n")
    if bilan.erreurs:
        w("hors lignes en erreur ; premières erreurs :\n")
        for _numero, m in bilan.premieres_erreurs:
            w(f"  {m}\n")
        autres = bilan.erreurs - len(bilan.premieres_erreurs)
        if autres > 0:
            w(f"  … et {_entier_fr(autres)} autre(s) : voir la colonne erreur\n")


def dire_homonymes(dossiers) -> None:
    """Warns once (stderr) of each --contrats-dossier file named like a shipped contract: the shipped
    contract wins for a row that names that id (docs/interface.md). Used by `lot` and `verifier`."""
    if not dossiers:
        return
    from ..domaine.erreurs import apercu
    from ..lot.rejeu import homonymes
    for p in homonymes(dossiers):
        sys.stderr.write(f"avertissement : {apercu(p, 200)} porte l'identifiant d'un contrat livré : une ligne qui nomme "
                         f"« {apercu(p.stem, 80)} » prend le contrat livré, pas ce fichier ; renommez le fichier pour "
                         "l'utiliser\n")
