"""The `lot` command(s), registered on the Typer app of cli.py (kept light: heavy imports inside the command)."""
from __future__ import annotations

import sys
from typing import Optional

import typer

AIDE_LOT = """Simule un fichier d'actes (une année de soins) avec l'état annuel de chaque bénéficiaire.

Colonnes (en-tête obligatoire ; séparateur , ou ; ; UTF-8 avec ou sans BOM ; virgule ou point décimal) :
beneficiaire, date, nature, br, frais_reels ; en option dptm, panier, quantite, taux, limite, age, regime,
monture, verres, psychiatrie, smr, acte_lourd, oreille, changement_vue, date_adhesion,
certificat_radiation, fin_traitement, et contrat / formule (remplacent --contrat / --formule pour la ligne).

Les actes de chaque bénéficiaire sont rejoués dans l'ordre des dates (enveloppes, compteurs annuels,
plafonds de la participation forfaitaire et des franchises, renouvellements) ; la sortie garde l'ordre
du fichier : les colonnes d'entrée, puis securite_sociale, participation_forfaitaire, part_<niveau>…,
total_rembourse, reste_a_charge, erreur, forfait_apres_cancer. Une ligne en erreur garde son message
(avec son numéro de ligne) et le calcul continue ; code 1 s'il y en a, 2 si le fichier est inutilisable.
"""


def _entier_fr(n: int) -> str:
    return f"{n:,}".replace(",", "\u202f")


def enregistrer(app) -> None:
    """Adds this module's commands to `app`."""
    from ..cli import EXIT_ECHECS, EXIT_INTERRUPTION, EXIT_OK, _DEBUG, _proteger, erreur

    @app.command("lot", help=AIDE_LOT)
    def lot(
        fichier: str = typer.Argument(..., metavar="ACTES.CSV", help="Fichier CSV des actes (« - » : entrée standard)."),
        contrat: Optional[str] = typer.Option(None, "--contrat", "-c", help="Contrat (identifiant livré ou fichier YAML) ; une colonne contrat le remplace ligne à ligne."),
        formule: Optional[str] = typer.Option(None, "--formule", "-f", help="Formule du contrat (ex. option-2) ; une colonne formule la remplace ligne à ligne."),
        sortie: Optional[str] = typer.Option(None, "--sortie", "-o", help="Fichier de sortie (défaut : sortie standard)."),
        format: str = typer.Option("csv", "--format", help="csv (défaut) ou json."),
        decimale: Optional[str] = typer.Option(None, "--decimale", help="Montants de la sortie CSV : point ou virgule (défaut : virgule si le fichier est séparé par « ; », point sinon)."),
        silencieux: bool = typer.Option(False, "--silencieux", "-s", help="Ni barre de progression ni résumé sur la sortie d'erreur (le code de sortie dit s'il y a eu des erreurs)."),
    ):
        if format not in ("csv", "json"):
            erreur(f"format « {format} » inconnu : csv ou json")
        if decimale is not None and decimale not in ("point", "virgule"):
            erreur(f"--decimale « {decimale} » : point ou virgule")
        if sortie is not None:
            import os
            dossier = os.path.dirname(os.path.abspath(sortie))
            if not os.path.isdir(dossier):
                erreur(f"{sortie} : le dossier {dossier} n'existe pas")
            if os.path.isdir(sortie):
                erreur(f"{sortie} : c'est un dossier ; donnez un nom de fichier à --sortie")

        def faire():
            from ..lot.pipeline import executer_lot, lire_octets
            data = lire_octets(fichier)
            flux = _SortieDifferee(sortie)
            barre = None if silencieux or not sys.stderr.isatty() else _Barre()
            try:
                return executer_lot(data, flux, contrat=contrat, formule=formule, fichier=fichier, format=format,
                                    decimale=decimale, progression=barre, debug=_DEBUG["actif"]), flux
            finally:
                flux.fermer()
                if barre is not None:
                    barre.fermer()

        try:
            bilan, flux = _proteger(faire)
        except KeyboardInterrupt:
            sys.stderr.write("interrompu\n")
            raise typer.Exit(EXIT_INTERRUPTION)
        except BrokenPipeError:          # `simulateur lot … | head`: the reader left, nothing more to say
            import os
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise typer.Exit(EXIT_ECHECS)
        if not silencieux:
            _resume(bilan, sortie)
        raise typer.Exit(EXIT_ECHECS if bilan.erreurs else EXIT_OK)


class _SortieDifferee:
    """The output file is opened (and truncated) only when the first byte is ready: a refused input leaves it intact."""

    def __init__(self, chemin):
        self.chemin = chemin
        self.f = None

    def write(self, b: bytes):
        if self.f is None:
            if self.chemin is None:
                sys.stdout.flush()
                self.f = sys.stdout.buffer
            else:
                try:
                    self.f = open(self.chemin, "wb")
                except OSError as e:
                    from ..domaine.erreurs import ErreurSimulateur
                    raise ErreurSimulateur(f"{self.chemin} : impossible d'écrire ({e.strerror or e})") from None
        self.f.write(b)

    def fermer(self):
        if self.f is not None:
            self.f.flush()
            if self.chemin is not None:
                self.f.close()


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
    from ..domaine.montant import texte_fr
    w = sys.stderr.write
    vers = f" → {sortie}" if sortie else ""
    w(f"lot {bilan.fichier}{vers} : {_entier_fr(bilan.lignes)} acte(s), {_entier_fr(bilan.erreurs)} en erreur"
      + (f", {_entier_fr(bilan.vides)} ligne(s) vide(s) ignorée(s)" if bilan.vides else "") + "\n")
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
        for m in bilan.premieres_erreurs:
            w(f"  {m}\n")
        autres = bilan.erreurs - len(bilan.premieres_erreurs)
        if autres > 0:
            w(f"  … et {_entier_fr(autres)} autre(s) : voir la colonne erreur\n")
