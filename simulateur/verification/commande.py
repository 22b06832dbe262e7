"""What `simulateur verifier` runs: a statement file in, the rows checked, a BilanVerification back.

The batch machinery, with a different writer: the lot's reader (`lot.commande.preparer`:
`lecture.Table`, `fichier.SourceCSV`, the contracts resolved), the one replay loop
(`lot.rejeu.rejouer`: each beneficiary's rows in date order with the annual state that the
contract leaves), then `Verificateur` (the paid cells read and compared) and a writer of
`verification.ecriture`. Everything that makes the file unusable is refused before the first output
byte (LotInvalide, VerificationInvalide: exit 2); a row's problem is the row's verdict.
"""
from __future__ import annotations

from decimal import Decimal

from ..domaine.erreurs import ErreurSimulateur
from ..domaine.montant import ZERO
from ..lot.commande import preparer
from ..lot.rejeu import rejouer
from .ecarts import MODES_SS, BilanVerification, ColonnesVersees
from .ecriture import APRES, VERIFICATION, SortieCSV, SortieJSON, SortieTable, Verificateur

FORMATS = ("table", "json", "csv")


class VerificationInvalide(ErreurSimulateur):
    """A statement file or a request that cannot be checked at all (exit 2): `code` says why
    (`sans-colonne-versee`, `niveau-inconnu`, `ligne-absente`, `format-inconnu`, `mode-ss-inconnu`),
    `details` the values the message needs; `rendu.verification.texte_invalide` words it."""

    def __init__(self, code: str, **details):
        self.code, self.details = code, details
        super().__init__(code)


def _verifier_entete(source, choix, fichier: str, selection) -> ColonnesVersees:
    colonnes = ColonnesVersees(source.table.colonnes)
    if colonnes.vide:
        raise VerificationInvalide("sans-colonne-versee", fichier=fichier, niveaux=list(choix.niveaux))
    inconnus = colonnes.inconnus(choix.niveaux)
    if inconnus:
        raise VerificationInvalide("niveau-inconnu", fichier=fichier, colonnes=inconnus, niveaux=list(choix.niveaux))
    if selection:
        absentes = sorted(set(selection) - set(source.numeros))
        if absentes:
            raise VerificationInvalide("ligne-absente", fichier=fichier, lignes=absentes)
    return colonnes


def executer_verification(data: bytes, sortie, *, contrat=None, formule=None, fichier: str = "<releves>",
                          format: str = "csv", tolerance: Decimal = ZERO, mode_ss: str = "net", selection=None,
                          expliquer: bool = False, decimale: str | None = None, parametres=None, debug: bool = False,
                          dossiers=()) -> BilanVerification:
    """Checks a whole statement file (its bytes) and writes the rows to the text stream `sortie`.

    `tolerance`: Decimal euros ≥ 0, per payer; `mode_ss`: `net` (ss_verse is after the participation
    forfaitaire and franchises) or `brut` (before); `selection`: file line numbers to check and show
    (None: every row; the other rows are still replayed, for the annual state); `expliquer`: explain
    the rows that differ (every selected row when there is a selection); `decimale`: `point` or
    `virgule` for CSV amounts (default: comma when the file is `;`-separated).
    Raises LotInvalide / VerificationInvalide / ErreurSimulateur before writing anything.
    """
    if format not in FORMATS:
        raise VerificationInvalide("format-inconnu", format=format, formats=FORMATS)
    if mode_ss not in MODES_SS:
        raise VerificationInvalide("mode-ss-inconnu", mode=mode_ss, modes=MODES_SS)
    donnees = [data]
    del data
    propres = (VERIFICATION + APRES + ("explication",), ("ecart_",))     # verifier's own output columns
    source, choix, _encodage, bom = preparer(donnees, fichier, contrat, formule, dossiers, reservees=propres)
    selection = set(selection) if selection else None
    colonnes = _verifier_entete(source, choix, fichier, selection)
    bilan = BilanVerification(fichier, colonnes, mode_ss, tolerance)
    bilan.vides = source.vides
    if format == "csv":
        virgule = (source.table.sep == ";") if decimale is None else (decimale == "virgule")
        ecrivain = SortieCSV(source, choix.niveaux, colonnes, virgule, expliquer)
    elif format == "json":
        ecrivain = SortieJSON(source, colonnes)
    else:
        ecrivain = SortieTable(source, bilan)
    rendre = Verificateur(source, colonnes, ecrivain, bilan, formule=formule, selection=selection, expliquer=expliquer)
    rejouer(source.groupes, source.entree, choix, rendre, parametres, expliquer=expliquer, debug=debug)
    ecrivain.ecrire(sortie, bom and format == "csv")
    return bilan
