"""What `simulateur lot` runs: a batch file in, CSV / JSON / JSON lines out, a `Bilan` back.

reader (`lecture.Table`, `fichier.SourceCSV`) → replay (`rejeu.rejouer`) → writer (`ecriture`).
Everything that can make the file unusable is checked before the first output byte (exit 2);
a row's problem is the row's `erreur`, and the calculation goes on.
"""
from __future__ import annotations

import gc

from .ecriture import Bilan, SortieCSV, SortieJSON, verifier_noms_entree
from .fichier import SourceCSV
from .lecture import LotInvalide, Table, decoder
from .rejeu import Choix, rejouer

FORMATS = ("csv", "json", "jsonl")


def preparer(data: list, fichier: str, contrat, formule, dossiers=(), progression=None, reservees=((), ())):
    """(SourceCSV, Choix, encoding, had a BOM): the file read and its contracts resolved. `data` is a list
    holding the file's bytes, emptied once they are decoded. `reservees`: (names, prefixes) of the caller's
    own output columns, refused as input columns with the result columns (`ecriture.verifier_noms_entree`).
    Raises LotInvalide / ErreurSimulateur (unknown contract or formula on the command line)."""
    choix = Choix(contrat, formule, dossiers)
    texte, encodage, bom = decoder(data.pop(), fichier)
    table = Table(texte, fichier)
    verifier_noms_entree(table.noms, fichier, *reservees)
    if choix.contrat is None and "contrat" not in table.colonnes:
        raise LotInvalide(f"{fichier} : aucun contrat : donnez --contrat (ex. cabinets-dentaires) ou une colonne contrat")
    if choix.formule is None and "formule" not in table.colonnes:
        raise LotInvalide(f"{fichier} : aucune formule : donnez --formule (ex. option-2) ou une colonne formule")
    source = SourceCSV(table, progression)
    for ct in source.contrats_nommes:      # the layers of every contract a row names, before the header is written
        if ct:
            choix.charger(ct)
    return source, choix, encodage, bom


def _avec_resume(rendre, resume):
    def rendre_et_resumer(i, e, c, r, err):
        rendre(i, e, c, r, err)
        if r is not None:
            resume.ajouter(e, r)
    return rendre_et_resumer


def executer_lot(data: bytes, sortie, *, contrat=None, formule=None, fichier: str = "<lot>", format: str = "csv",
                 decimale: str | None = None, progression=None, parametres=None, debug: bool = False, dossiers=(),
                 strict: bool = False, resume=None) -> Bilan:
    """Runs a whole batch file (its bytes) and writes to the text stream `sortie`; returns the Bilan.

    Raises LotInvalide / ErreurSimulateur before writing anything when the file or the command line
    cannot be used (exit 2); row problems go to the `erreur` column and the Bilan.
    `progression(etape, fait, total)` is called now and then (etape: lecture, calcul, écriture).
    `strict`: a parameter past its last published value is the row's error instead of being carried forward.
    `resume` (a `resume.Resume`) receives each row without error: totals per group.
    """
    if format not in FORMATS:
        raise LotInvalide(f"format « {format} » inconnu : {', '.join(FORMATS)}")
    donnees = [data]
    del data                              # the bytes are freed once decoded (the text is kept)
    source, choix, encodage, bom = preparer(donnees, fichier, contrat, formule, dossiers, progression)
    niveaux = choix.niveaux
    bilan = Bilan(fichier, niveaux)
    bilan.encodage = encodage
    bilan.lignes, bilan.vides = len(source), source.vides
    if format == "csv":
        virgule = (source.table.sep == ";") if decimale is None else (decimale == "virgule")
        ecrivain = SortieCSV(source, niveaux, virgule, bilan)
    else:
        ecrivain = SortieJSON(len(source), format == "jsonl", bilan, niveaux)
    fait = [0]

    def rendre_et_compter(i, e, c, r, err):
        ecrivain.rendre(i, e, c, r, err)
        fait[0] += 1
        if not fait[0] & 0x1FFF:
            progression("calcul", fait[0], len(source))

    rendre = ecrivain.rendre if progression is None else rendre_et_compter
    if resume is not None:
        rendre = _avec_resume(rendre, resume)

    gc_actif = gc.isenabled()
    gc.disable()      # the engine makes no reference cycles; a million short-lived objects would only trigger useless collections
    try:
        rejouer(source.groupes, source.entree, choix, rendre, parametres, debug=debug, strict=strict)
    finally:
        if gc_actif:
            gc.enable()
    if progression is not None:
        progression("calcul", len(source), len(source))
    # the output is UTF-8; with a BOM when the input had one or was not UTF-8 (Windows-1252, UTF-16), so that
    # the spreadsheet that wrote the input reads the output's accents right (one encoding per file, never two)
    ecrivain.ecrire(sortie, (bom or encodage != "utf-8") and format == "csv", progression)
    return bilan
