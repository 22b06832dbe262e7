"""The `lot` command(s), registered on the Typer app of cli.py (kept light: heavy imports inside the command)."""
from __future__ import annotations

import sys
from typing import List, Optional

import typer

def _aide_lot() -> str:
    from ..domaine.champs import CHAMPS, COLONNES_OBLIGATOIRES
    facultatives = ", ".join(c.nom for c in CHAMPS if c.nom not in COLONNES_OBLIGATOIRES)
    return f"""Simule un fichier d'actes (une année de soins) avec l'état annuel de chaque bénéficiaire.

Colonnes (en-tête obligatoire ; séparateur , ou ; ; UTF-8 avec ou sans BOM, UTF-16, Windows-1252 ; virgule ou
point décimal) : {', '.join(COLONNES_OBLIGATOIRES)} ; en option {facultatives}, et contrat / formule (remplacent
--contrat / --formule pour la ligne).

Les actes de chaque bénéficiaire sont rejoués dans l'ordre des dates (enveloppes, compteurs annuels,
plafonds de la participation forfaitaire et des franchises, renouvellements) ; la sortie garde l'ordre
du fichier : les colonnes d'entrée, puis securite_sociale, participation_forfaitaire, part_<niveau>…,
total_rembourse, reste_a_charge, erreur, forfait_apres_cancer. Une ligne en erreur garde son message
(avec son numéro de ligne) et le calcul continue ; code 1 s'il y en a, 2 si le fichier est inutilisable.
"""


def _entier_fr(n: int) -> str:
    return f"{n:,}".replace(",", "\u202f")


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
        format: str = typer.Option("csv", "--format", help="csv (défaut), json ou jsonl (un objet par ligne)."),
        decimale: Optional[str] = typer.Option(None, "--decimale", help="Montants de la sortie CSV : point ou virgule (défaut : virgule si le fichier est séparé par « ; », point sinon)."),
        contrats_dossier: List[str] = typer.Option([], "--contrats-dossier", help="Dossier de contrats que la colonne contrat peut nommer (en plus des contrats livrés et de --contrat) ; répétable."),
        silencieux: bool = typer.Option(False, "--silencieux", "-s", help="Ni barre de progression ni résumé sur la sortie d'erreur (le code de sortie dit s'il y a eu des erreurs)."),
    ):
        from ..lot.commande import FORMATS
        if format not in FORMATS:
            erreur(f"format « {format[:40]} » inconnu : {', '.join(FORMATS)}")
        if decimale is not None and decimale not in ("point", "virgule"):
            erreur(f"--decimale « {decimale[:40]} » : point ou virgule")
        from pathlib import Path
        options = dict(contrat=contrat, formule=formule, format=format, decimale=decimale, debug=_DEBUG["actif"],
                       dossiers=[Path(d) for d in contrats_dossier])

        def faire():
            if sortie is not None:
                from ..fichiers.ecriture import verifier_sortie
                verifier_sortie(sortie, [fichier, contrat] + list(contrats_dossier))
            barre = None if silencieux or not sys.stderr.isatty() else _Barre()
            try:
                return _executer(fichier, sortie, options, barre)
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
    from ..domaine.erreurs import apercu
    vers = f" → {apercu(sortie, 200)}" if sortie else ""
    w(f"lot {apercu(bilan.fichier, 200)}{vers} : {_entier_fr(bilan.lignes)} acte(s), {_entier_fr(bilan.erreurs)} en erreur"
      + (f", {_entier_fr(bilan.vides)} ligne(s) vide(s) ignorée(s)" if bilan.vides else "") + "\n")
    if getattr(bilan, "encodage", "utf-8") != "utf-8":
        w(f"  fichier lu en {bilan.encodage.upper()} ; sortie en UTF-8 avec BOM\n")
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
