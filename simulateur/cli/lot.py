"""The `lot` command(s), registered on the Typer app of cli.py (kept light: heavy imports inside the command)."""
from __future__ import annotations

import sys
from typing import List, Optional

import typer

from .options import option_parametres, parametres_du_scenario


def _aide_lot() -> str:
    from ..domaine.champs import CHAMPS, COLONNES_OBLIGATOIRES
    facultatives = ", ".join(c.nom for c in CHAMPS if c.nom not in COLONNES_OBLIGATOIRES)
    return f"""Simule un fichier d'actes (une année de soins) avec l'état annuel de chaque bénéficiaire.

Colonnes (en-tête obligatoire ; séparateur , ou ; ; UTF-8 avec ou sans BOM, UTF-16, Windows-1252 ; virgule ou
point décimal) : {', '.join(COLONNES_OBLIGATOIRES)} ; en option {facultatives}, et contrat / formule (remplacent
--contrat / --formule pour la ligne).

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


def _executer_colonnes(fichier, sortie, options, barre, moteur, workers, scheduler):
    """The columnar engine (and Dask): reads in blocks, writes bytes (atomically to --sortie, or to stdout)."""
    import os
    os.environ.setdefault("_RJEM_MALLOC_CONF", "dirty_decay_ms:200,muzzy_decay_ms:0")   # polars gives memory back sooner
    from ..fichiers.ecriture import SortieAtomique
    from ..lot.portefeuille import executer_portefeuille, executeur_dask
    from ..lot.lecture import lire_octets
    from ..domaine.erreurs import ErreurSimulateur
    from ..lot.lecture import LotInvalide
    from ..parametres import ParametreIndisponible
    options = dict(options, executeur=executeur_dask(workers, scheduler) if moteur == "dask" else None)
    donnees = lire_octets("-") if fichier == "-" else None
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
        raise LotInvalide(f"erreur interne du moteur {moteur} ({type(e).__name__} : {str(e)[:200]}) ; rien n'a été écrit ; "
                          "indice : relancez avec --moteur ligne (la référence) et signalez l'erreur avec --debug") from None


def _executer(fichier, sortie, options, barre):
    """Reads, computes, writes (atomically to --sortie, or to stdout): the Bilan."""
    import io
    from ..fichiers.ecriture import SortieAtomique
    from ..lot import executer_lot, lire_octets
    if sortie is None:
        sys.stdout.flush()
        flux = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="", write_through=False)
        try:
            return executer_lot(lire_octets(fichier), flux, fichier=fichier, progression=barre, **options)
        finally:
            try:
                flux.flush()
            finally:
                flux.detach()
    with SortieAtomique(sortie) as flux:
        return executer_lot(lire_octets(fichier), flux, fichier=fichier, progression=barre, **options)


def enregistrer(app) -> None:
    """Adds this module's commands to `app`."""
    from . import _DEBUG, EXIT_ECHECS, EXIT_INTERRUPTION, EXIT_OK, erreur, proteger

    @app.command("lot", help=_aide_lot())
    def lot(
        fichier: str = typer.Argument(..., metavar="ACTES.CSV", help="Fichier CSV des actes (« - » : entrée standard)."),
        contrat: Optional[str] = typer.Option(None, "--contrat", "-c", help="Contrat (identifiant livré ou fichier YAML) ; une colonne contrat le remplace ligne à ligne."),
        formule: Optional[str] = typer.Option(None, "--formule", "-f", help="Formule du contrat (ex. option-2) ; une colonne formule la remplace ligne à ligne."),
        sortie: Optional[str] = typer.Option(None, "--sortie", "-o", help="Fichier de sortie, écrit en entier ou pas du tout (défaut : sortie standard)."),
        format: Optional[str] = typer.Option(None, "--format", help="csv (défaut), json, jsonl (un objet par ligne) ou parquet (défaut pour une sortie .parquet)."),
        decimale: Optional[str] = typer.Option(None, "--decimale", help="Montants de la sortie CSV : point ou virgule (défaut : virgule si le fichier est séparé par « ; », point sinon)."),
        contrats_dossier: List[str] = typer.Option([], "--contrats-dossier", help="Dossier de contrats que la colonne contrat peut nommer (en plus des contrats livrés et de --contrat) ; répétable."),
        silencieux: bool = typer.Option(False, "--silencieux", "-s", help="Ni barre de progression ni résumé sur la sortie d'erreur (le code de sortie dit s'il y a eu des erreurs)."),
        moteur: str = typer.Option("auto", "--moteur", help="auto (défaut : colonnes pour un gros fichier ou du Parquet, ligne sinon), ligne (la référence, un acte après l'autre), colonnes (en colonnes, polars) ou dask (colonnes sur une grappe Dask)."),
        workers: Optional[int] = typer.Option(None, "--workers", min=1, help="--moteur dask : nombre de processus de la grappe locale (défaut : un par cœur)."),
        scheduler: Optional[str] = typer.Option(None, "--scheduler", metavar="ADRESSE", help="--moteur dask : adresse d'une grappe Dask existante (ex. tcp://10.0.0.5:8786) au lieu d'une grappe locale."),
        parametres: Optional[str] = option_parametres(),
    ):
        from ..lot.commande import FORMATS
        from ..lot.moteurs import choisir, format_sortie
        format = format_sortie(format, sortie)
        if format not in FORMATS + ("parquet",):
            erreur(f"format « {format} » inconnu : {', '.join(FORMATS + ('parquet',))}")
        if (workers is not None or scheduler is not None) and moteur != "dask":
            erreur("--workers et --scheduler vont avec --moteur dask")
        if decimale is not None and decimale not in ("point", "virgule"):
            erreur(f"--decimale « {decimale} » : point ou virgule")
        from pathlib import Path
        options = dict(contrat=contrat, formule=formule, format=format, decimale=decimale, debug=_DEBUG["actif"],
                       dossiers=[Path(d) for d in contrats_dossier])

        def faire():
            if sortie is not None:
                from ..fichiers.ecriture import verifier_sortie
                verifier_sortie(sortie, [fichier, contrat] + list(contrats_dossier) + ([parametres] if parametres else []))
            choisi = choisir(moteur, fichier, format)
            options["parametres"] = parametres_du_scenario(parametres)
            barre = None if silencieux or not sys.stderr.isatty() else _Barre()
            try:
                if choisi != "ligne":
                    return _executer_colonnes(fichier, sortie, options, barre, choisi, workers, scheduler)
                return _executer(fichier, sortie, options, barre)
            finally:
                if barre is not None:
                    barre.fermer()

        try:
            bilan = proteger(faire)
        except KeyboardInterrupt:
            sys.stderr.write("interrompu" + (f" : {sortie} n'a pas été écrit (le fichier précédent, s'il existait, est intact)"
                                            if sortie else "") + "\n")
            raise typer.Exit(EXIT_INTERRUPTION)
        except BrokenPipeError:          # `simulateur lot … | head`: the reader left, nothing more to say
            import os
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise typer.Exit(EXIT_ECHECS)
        if not silencieux:
            _resume(bilan, sortie)
        raise typer.Exit(EXIT_ECHECS if bilan.erreurs else EXIT_OK)


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

    def fermer(self):
        self.p.stop()


def _resume(bilan, sortie):
    """The summary on stderr: rows, rows in error, totals per payer (French number format)."""
    from ..rendu.texte import texte_fr
    w = sys.stderr.write
    vers = f" → {sortie}" if sortie else ""
    w(f"lot {bilan.fichier}{vers} : {_entier_fr(bilan.lignes)} acte(s), {_entier_fr(bilan.erreurs)} en erreur"
      + (f", {_entier_fr(bilan.vides)} ligne(s) vide(s) ignorée(s)" if bilan.vides else "") + "\n")
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
