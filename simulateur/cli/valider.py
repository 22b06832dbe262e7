"""The `valider` command(s), registered on the Typer app of cli.py (kept light: heavy imports inside the command).

`simulateur valider FICHIER…` reads each contract with the strict loader, then checks the contrat
responsable rules (simulateur/validation.py). The findings are the command's data: they go to
stdout (`--format json` for machines); only usage errors go to stderr.

Exit codes (docs/interface.md): 0 every file valid (warnings and declared exceptions allowed); 1 every
file could be read but some have problems (unknown keys, unreadable cells, rule violations…, and
warnings with `--strict`); 2 some file cannot be read at all (missing, not UTF-8, YAML syntax
error, empty, not a contract, too large or too complex) or bad usage.
"""
from __future__ import annotations

import dataclasses
import sys
from typing import List, Optional

import typer

from .francais import exemples
from .options import option_format


def _completer_contrats(incomplete: str):
    from .completion import completer_contrats
    return completer_contrats(incomplete)


_LIBELLES = {"erreur": "erreur", "regle": "règle", "avertissement": "avertissement", "exception": "exception"}
_RESUME = {"erreur": ("erreur", "erreurs"), "regle": ("règle non respectée", "règles non respectées"),
           "avertissement": ("avertissement", "avertissements"), "exception": ("exception déclarée", "exceptions déclarées")}


def _lire(nom: str):
    """(displayed name, Contrat | None, problems, unreadable?) for one argument: a path or a shipped id."""
    from ..contrat.chargeur import lire_contrat
    from ..contrat.depot import chemin_contrat, dossier_contrats, lire_texte
    from ..domaine.erreurs import ContratIntrouvable, ContratInvalide, Probleme
    try:
        chemin = chemin_contrat(nom)
    except ContratIntrouvable as e:
        return nom, None, [Probleme(nom, None, str(e), indice="donnez le chemin d'un fichier .yaml ou l'identifiant d'un contrat livré")], True
    affiche = nom
    try:
        if chemin.resolve().parent == dossier_contrats().resolve() and not nom.endswith((".yaml", ".yml")):
            affiche = f"contrats/{chemin.name}"    # a shipped id: the path the messages of `simuler` use
    except OSError:
        pass
    try:
        texte = lire_texte(chemin, affiche)
    except ContratIntrouvable as e:
        return affiche, None, [Probleme(affiche, None, str(e))], True
    except ContratInvalide as e:
        return affiche, None, list(e.problemes), True
    try:
        return affiche, lire_contrat(texte, affiche), [], False
    except ContratInvalide as e:
        return affiche, None, list(e.problemes), e.illisible


def _ligne_texte(p) -> str:
    return p.texte(_LIBELLES.get(p.gravite, p.gravite))


def _en_dict(p) -> dict:
    d = {"fichier": p.fichier, "ligne": p.ligne, "colonne": p.colonne, "chemin": p.chemin or None, "gravite": p.gravite,
         "message": p.message, "indice": p.indice or None}
    regle = getattr(p, "regle", "")
    if regle:
        d.update({"regle": regle, "article": p.article, "formules": list(p.formules), "nature": p.nature or None})
    return d


def _rapports(fichiers, jour, strict):
    """[(displayed name, Contrat | None, problems, statut)] and the exit code."""
    from . import EXIT_ECHECS, EXIT_OK, EXIT_USAGE
    from ..contrat.validation import valider_contrat
    from ..parametres import charger_parametres
    parametres = charger_parametres()
    rapports, code = [], EXIT_OK
    for nom in fichiers:
        affiche, contrat, problemes, illisible = _lire(nom)
        if contrat is not None:
            problemes = valider_contrat(contrat, jour, parametres)
        graves = [p for p in problemes if p.gravite in ("erreur", "regle") or (strict and p.gravite == "avertissement")]
        statut = "illisible" if illisible else ("problemes" if graves else "valide")
        code = max(code, EXIT_USAGE if illisible else (EXIT_ECHECS if graves else EXIT_OK))
        rapports.append((affiche, contrat, problemes, statut))
    return rapports, code


def _donnees(rapports, jour, code) -> dict:
    return {"date": jour.isoformat(), "code_sortie": code, "fichiers": [
        {"fichier": affiche, "contrat": contrat.id if contrat is not None else None, "statut": statut,
         "responsable": contrat.responsable if contrat is not None else None,
         "problemes": [_en_dict(p) for p in problemes]} for affiche, contrat, problemes, statut in rapports]}


COLONNES_CSV = ("fichier", "contrat", "statut", "ligne", "colonne", "chemin", "gravite", "message", "indice", "regle",
                "article", "formules", "nature")


def _csv(rapports, jour, code) -> None:
    """One row per problem (its file's columns repeated); a file without problem has one row, its
    problem columns empty."""
    from .sortie import ecrire_csv
    lignes = []
    for f in _donnees(rapports, jour, code)["fichiers"]:
        tete = {"fichier": f["fichier"], "contrat": f["contrat"], "statut": f["statut"]}
        lignes += [{**p, **tete} for p in f["problemes"]] or [tete]
    ecrire_csv(list(COLONNES_CSV), lignes)


def _resume(contrat, problemes, statut, jour) -> str:
    from ..contrat.validation import formules_responsables
    compte: dict = {}
    for p in problemes:
        compte[p.gravite] = compte.get(p.gravite, 0) + 1
    details = ", ".join(f"{n} {_RESUME.get(g, (g, g))[n > 1]}" for g, n in sorted(compte.items()))
    if statut == "illisible":
        resume = "illisible"
    elif contrat is None:
        resume = "problèmes de format : règles du contrat responsable non vérifiées"
    else:
        resp = formules_responsables(contrat)
        formules = f"formules {', '.join(resp)}" if len(resp) <= 8 else f"{len(resp)} formules"
        quoi = (f"règles du contrat responsable (L871-1, R871-2) vérifiées au {jour.isoformat()} ({formules})"
                if resp else "contrat non responsable : règles du contrat responsable non vérifiées")
        resume = ("valide" if statut == "valide" else "problèmes") + f" — {quoi}"
    return resume + (f" ; {details}" if details else "")


def _texte(rapports, jour) -> None:
    dits = set()                 # a long hint (the accepted forms of a cell) is written once, then recalled
    for affiche, contrat, problemes, statut in rapports:
        for p in problemes:
            if len(p.indice) > 200 and p.indice in dits:
                p = dataclasses.replace(p, indice="comme plus haut")
            dits.add(p.indice)
            sys.stdout.write(_ligne_texte(p) + "\n")
        from ..domaine.erreurs import apercu
        sys.stdout.write(f"{apercu(affiche, 200)} : {_resume(contrat, problemes, statut, jour)}\n")
    if len(rapports) > 1:
        n = {s: sum(1 for r in rapports if r[3] == s) for s in ("valide", "problemes", "illisible")}
        sys.stdout.write(f"{len(rapports)} fichiers : {n['valide']} valide(s), {n['problemes']} avec problèmes, "
                         f"{n['illisible']} illisible(s)\n")


def valider(
    fichiers: List[str] = typer.Argument(..., metavar="CONTRAT...", help="Fichiers de contrat (.yaml) ou identifiants de contrats livrés.",
                                         autocompletion=_completer_contrats),
    date: Optional[str] = typer.Option(None, "--date", metavar="AAAA-MM-JJ",
                                       help="Date de référence des règles AAAA-MM-JJ (défaut : aujourd'hui)."),
    format: str = option_format(aide="table : une ligne par problème puis un résumé par fichier (défaut ; « texte » "
                                     "est accepté pour table) ; json ; csv : une ligne par problème.",
                                alias={"texte": "table"}),
    strict: bool = typer.Option(False, "--strict", help="Les avertissements comptent comme des problèmes (code 1)."),
):
    """Vérifie des contrats : format du fichier, puis règles du contrat responsable (L871-1, R871-2).

    Tous les problèmes d'un fichier sont donnés en une fois, chacun avec fichier:ligne, la clé en
    cause et une indication. Code de sortie : 0 tout est valide ; 1 des problèmes ; 2 un fichier
    illisible (introuvable, syntaxe YAML, vide, pas un contrat).
    """
    import datetime as dt
    from . import erreur, texte_erreur
    from ..domaine.champs import lire_date
    from ..domaine.erreurs import ErreurSimulateur
    try:
        jour = lire_date(date, "date") if date else dt.date.today()
    except ErreurSimulateur as e:
        erreur(texte_erreur(e))
    rapports, code = _rapports(fichiers, jour, strict)
    if format == "json":
        from .sortie import ecrire_json
        ecrire_json(_donnees(rapports, jour, code))
    elif format == "csv":
        _csv(rapports, jour, code)
    else:
        _texte(rapports, jour)
    raise typer.Exit(code)


def enregistrer(app) -> None:
    """Adds this module's commands to `app`."""
    app.command(epilog=exemples("simulateur valider mon-contrat.yaml", "simulateur valider cabinets-dentaires "
                                "carcept-evolution-sante --date 2026-01-01",
                                "simulateur valider mon-contrat.yaml --format csv > problemes.csv"))(valider)
