"""`simulateur verifier`: what each payer actually paid, row by row, against what the contract says.

Thin: options checked, the file read and checked by `verification.commande.executer_verification`
(the batch reader and replay with a checking writer), the summary worded by `rendu.verification`,
the exit code: 0 every row conforms, 1 a row differs or cannot be checked, 2 unusable input.
"""
from __future__ import annotations

import sys
from typing import List, Optional

import typer

from .francais import exemples

_AIDE = """Vérifie des relevés de remboursement (décomptes) : ce que la Sécurité sociale et la complémentaire ont
versé, ligne à ligne, contre ce que dit le contrat, avec l'état annuel de chaque bénéficiaire.

Colonnes : celles de simulateur lot (beneficiaire, date, nature, br, frais_reels, et les colonnes
facultatives), plus ss_verse (Sécurité sociale) et complementaire_verse (complémentaire, tous niveaux) et,
si le relevé les détaille, verse_<niveau> (ex. verse_base, verse_option). Montants 31.50, 31,50 ou 31,50 €.
Une cellule vide = montant inconnu (la ligne est non vérifiable) : écrivez 0 quand un payeur n'a rien versé.

L'état annuel (enveloppes, compteurs, plafonds) suit ce que dit le CONTRAT, pas ce qui a été versé.
Sortie : les colonnes de lot, puis ss_attendu, complementaire_attendu, ecart_securite_sociale,
ecart_complementaire (versé − attendu), ecart_<niveau>, verdict (conforme, moins-percu, trop-percu,
non-verifiable) et raison. Codes de sortie : 0 tout est conforme, 1 des écarts ou des lignes non
vérifiables, 2 fichier ou options inutilisables.

Exemple : simulateur verifier exemples/releves-famille-2025.csv -c cabinets-dentaires -f option-2
"""


EXTENSIONS = {".csv": "csv", ".txt": "csv", ".tsv": "csv", ".json": "json"}     # what --sortie's extension chooses


def _format_par_defaut(sortie: str | None) -> str:
    """table on the terminal; with --sortie, the format its extension names (json for .json, csv for
    .csv, .txt, .tsv or no extension). Another extension (`-o ecarts.xlsx`, `.pdf`) is refused (exit 2):
    the file would not hold what its name says; --format keeps the name."""
    if sortie is None:
        return "table"
    from ..fichiers.ecriture import SortieInvalide, format_par_extension
    from . import erreur
    try:
        return format_par_extension(sortie, EXTENSIONS, indice=" ; changez l'extension, ou donnez --format csv ou json "
                                    "pour garder ce nom") or "csv"
    except SortieInvalide as e:
        erreur(str(e))


def _tolerance(texte: str):
    from ..domaine.montant import MontantInvalide, lire_montant
    from ..rendu.messages import texte_montant
    from . import erreur
    try:
        return lire_montant(texte)
    except MontantInvalide as e:
        erreur(f"--tolerance : {texte_montant(e.raison, texte)}")


def _executer(fichier, sortie, format, options):
    """Reads, checks, writes (atomically to --sortie, or to stdout): the BilanVerification."""
    import io
    from ..fichiers.ecriture import SortieAtomique
    from ..lot import lire_octets
    from ..verification.commande import executer_verification
    if sortie is not None:
        with SortieAtomique(sortie) as flux:
            return executer_verification(lire_octets(fichier), flux, fichier=fichier, format=format, **options)
    if format == "table":
        return executer_verification(lire_octets(fichier), sys.stdout, fichier=fichier, format=format, **options)
    sys.stdout.flush()
    flux = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="", write_through=False)
    try:
        return executer_verification(lire_octets(fichier), flux, fichier=fichier, format=format, **options)
    finally:
        try:
            flux.flush()
        finally:
            flux.detach()


def _verifier_options(format, ss_verse, decimale):
    from ..verification.commande import FORMATS
    from ..verification.ecarts import MODES_SS
    from . import erreur
    if format not in FORMATS:
        erreur(f"format « {format} » inconnu : {', '.join(FORMATS)}")
    if ss_verse not in MODES_SS:
        erreur(f"--ss-verse « {ss_verse} » : net ou brut")
    if decimale is not None and decimale not in ("point", "virgule"):
        erreur(f"--decimale « {decimale} » : point ou virgule")


EXEMPLES = exemples("simulateur verifier releves-famille-2025.csv -c cabinets-dentaires -f option-2",
                    "simulateur verifier releves.csv -c carcept-evolution-sante -f f150 --tolerance 0,01 -o ecarts.csv",
                    "simulateur verifier releves.csv -c cabinets-dentaires -f base --ligne 7 --explique",
                    "(releves-famille-2025.csv est livré : simulateur exemples --copier releves-famille-2025.csv)")


def enregistrer(app) -> None:
    """Adds the `verifier` command to `app`."""
    from . import _DEBUG, EXIT_ECHECS, EXIT_INTERRUPTION, EXIT_OK, erreur, proteger

    @app.command("verifier", help=_AIDE, epilog=EXEMPLES)
    def verifier(
        fichier: str = typer.Argument(..., metavar="RELEVES.CSV", help="Relevés : actes et montants versés (« - » : entrée standard)."),
        contrat: Optional[str] = typer.Option(None, "--contrat", "-c", metavar="CONTRAT", help="Contrat (identifiant livré ou fichier YAML) ; une colonne contrat le remplace ligne à ligne."),
        formule: Optional[str] = typer.Option(None, "--formule", "-f", metavar="FORMULE", help="Formule du contrat (ex. option-2) ; une colonne formule la remplace ligne à ligne."),
        tolerance: str = typer.Option("0", "--tolerance", metavar="MONTANT", help="Écart toléré par payeur (défaut 0,00 €), ex. 0,01."),
        ss_verse: str = typer.Option("net", "--ss-verse", metavar="net|brut", help="ss_verse est net (défaut : après participation forfaitaire et franchises) ou brut (avant)."),
        format: Optional[str] = typer.Option(None, "--format", metavar="table|json|csv", help="Défaut : table à l'écran ; avec --sortie, json pour un fichier .json, csv pour .csv ou sans extension."),
        sortie: Optional[str] = typer.Option(None, "--sortie", "-o", metavar="FICHIER", help="Fichier de sortie, écrit en entier ou pas du tout ; son extension donne le format (.csv, .json) ; « - » : la sortie standard."),
        ligne: List[int] = typer.Option([], "--ligne", metavar="N", help="Ne montrer que la ligne N du fichier (l'en-tête est la ligne 1) ; répétable. Les autres lignes sont rejouées pour l'état annuel."),
        explique: bool = typer.Option(False, "--explique", help="Explique les lignes en écart (ou celles de --ligne) : ligne du contrat, garantie, plafond qui a limité."),
        decimale: Optional[str] = typer.Option(None, "--decimale", metavar="point|virgule", help="Montants de la sortie CSV (défaut : virgule si le fichier est séparé par « ; »)."),
        contrats_dossier: List[str] = typer.Option([], "--contrats-dossier", metavar="DOSSIER", help="Dossier de contrats que la colonne contrat peut nommer : mon-contrat y désigne DOSSIER/mon-contrat.yaml ; répétable."),
        silencieux: bool = typer.Option(False, "--silencieux", "-s", help="Pas de résumé sur la sortie d'erreur (le code de sortie dit s'il y a des écarts)."),
    ):
        format = format or _format_par_defaut(sortie)      # « - » : csv, comme un fichier sans extension
        sortie = None if sortie == "-" else sortie          # « - » : la sortie standard, comme pour l'entrée
        _verifier_options(format, ss_verse, decimale)
        from pathlib import Path
        options = dict(contrat=contrat, formule=formule, tolerance=_tolerance(tolerance), mode_ss=ss_verse,
                       selection=ligne or None, expliquer=explique, decimale=decimale, debug=_DEBUG["actif"],
                       dossiers=[Path(d) for d in contrats_dossier])

        def faire():
            from ..rendu.verification import texte_invalide
            from ..verification.commande import VerificationInvalide
            if sortie is not None:
                from ..fichiers.ecriture import verifier_sortie
                verifier_sortie(sortie, [fichier, contrat] + list(contrats_dossier), contrats_dossier)
            from .lot import dire_homonymes
            dire_homonymes(contrats_dossier)
            try:
                return _executer(fichier, sortie, format, options)
            except VerificationInvalide as e:
                erreur(texte_invalide(e))

        try:
            bilan = proteger(faire)
        except KeyboardInterrupt:
            sys.stderr.write("interrompu" + (f" : {sortie} n'a pas été écrit" if sortie else "") + "\n")
            raise typer.Exit(EXIT_INTERRUPTION)
        except BrokenPipeError:
            from .environnement import lecteur_parti
            raise typer.Exit(lecteur_parti())
        if not silencieux:
            from ..rendu.verification import resume
            sys.stderr.write(resume(bilan, sortie))
        raise typer.Exit(EXIT_OK if bilan.conformes else EXIT_ECHECS)
