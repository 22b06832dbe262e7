"""`simulateur contrats`, `contrat ID`, `natures`: what the tool knows (shipped contracts, guarantee
tables, the catalogue of natures)."""
from __future__ import annotations

import json
import sys

import typer


def _json(donnees) -> None:
    sys.stdout.write(json.dumps(donnees, ensure_ascii=False, indent=2) + "\n")


def _contrats_json(liste) -> list:
    return [{"id": c.id, "nom": c.nom, "assureur": c.assureur, "source": c.source, "responsable": c.responsable,
             "formules": list(c.formules), "formules_responsables": {f: c.est_responsable(f) for f in c.formules},
             "niveaux": list(c.niveaux), "famille": c.famille or None, "date_source": c.date_source or None,
             "publication": c.publication or None} for c in liste]


def _nouveau(fichier) -> None:
    """`simulateur contrat nouveau [FICHIER]`: the commented skeleton (contrat/squelette.yaml), on stdout or
    written to FICHIER (atomically; an existing file is never overwritten)."""
    from pathlib import Path
    from . import erreur
    texte = (Path(__file__).resolve().parents[1] / "contrat" / "squelette.yaml").read_text(encoding="utf-8")
    if fichier is None or fichier == "-":
        sys.stdout.write(texte)
        return
    from ..fichiers.ecriture import SortieAtomique, SortieInvalide, verifier_sortie
    try:
        chemin = verifier_sortie(fichier)
    except SortieInvalide as e:
        erreur(str(e))
    if chemin.exists():
        erreur(f"{fichier} existe déjà : choisissez un autre nom (le fichier n'est jamais écrasé)")
    identifiant = chemin.stem if chemin.suffix in (".yaml", ".yml") else "mon-contrat"
    with SortieAtomique(chemin) as flux:
        flux.write(texte.replace("id: mon-contrat ", f"id: {identifiant} ", 1) if _ID_VALIDE(identifiant) else texte)
    sys.stderr.write(f"squelette écrit dans {fichier} ; vérifiez-le avec : simulateur valider {fichier}\n")


def _ID_VALIDE(identifiant: str) -> bool:
    import re
    return re.fullmatch(r"[a-z0-9][a-z0-9-]{0,99}", identifiant) is not None


def _contrat_json(c) -> dict:
    return {"id": c.id, "nom": c.nom, "assureur": c.assureur, "source": c.source, "responsable": c.responsable,
            "famille": c.famille or None, "date_source": c.date_source or None, "publication": c.publication or None,
            "annee": c.annee, "modules": [{"niveau": m.niveau, "colonnes": list(m.colonnes), "facultatif": m.facultatif,
                                           "ecart_max": m.ecart_max, "meme_rang_que": m.meme_rang_que or None} for m in c.modules],
            "niveaux": [{"id": n.id, "libelle": n.libelle, "convention": n.convention} for n in c.niveaux.values()],
            "colonnes": [{"id": x.id, "niveau": x.niveau, "libelle": x.libelle} for x in c.colonnes.values()],
            "formules": [{"id": f.id, "libelle": f.libelle, "colonnes": list(f.colonnes)} for f in c.formules.values()],
            "garanties": [{"section": l.section, "libelle": l.libelle, "natures": list(l.natures), "si": l.si_texte,
                           "cellules": {k: v.texte for k, v in l.cellules.items()}, "ligne": l.ligne} for l in c.lignes]}


def _natures_json() -> list:
    from ..domaine.natures import NATURES
    return [{"code": n.code, "libelle": n.libelle, "categorie": n.categorie, "rembourse_ss": n.taux is not None,
             "groupe_taux": n.taux, "participation_forfaitaire": n.pf, "franchise": n.franchise} for n in NATURES.values()]


def enregistrer(app) -> None:
    from . import proteger

    @app.command()
    def contrats(format: str = typer.Option("table", "--format", help="table ou json.")):
        """Liste les contrats livrés et leurs formules."""
        from ..contrat.depot import charger_contrat, contrats_livres
        liste = proteger(lambda: [charger_contrat(str(p)) for p in contrats_livres()])
        if format == "json":
            return _json(_contrats_json(liste))
        from ..rendu import tables
        tables.console().print(tables.table_contrats(liste))

    @app.command("contrat")
    def contrat_(id: str = typer.Argument(..., help="Identifiant ou chemin du contrat ; « nouveau » écrit un squelette."),
                 fichier: str = typer.Argument(None, help="Avec « nouveau » : le fichier à créer (défaut : la sortie standard)."),
                 format: str = typer.Option("table", "--format", help="table ou json.")):
        """Affiche le tableau de garanties d'un contrat, une colonne par niveau, comme le document.

        « simulateur contrat nouveau MON-CONTRAT.yaml » écrit un squelette commenté à compléter."""
        if id == "nouveau":
            return _nouveau(fichier)
        if fichier is not None:
            from . import erreur
            erreur(f"argument en trop « {fichier} » (seul « simulateur contrat nouveau FICHIER » en prend deux)")
        from ..contrat.depot import charger_contrat
        c = proteger(lambda: charger_contrat(id))
        if format == "json":
            return _json(_contrat_json(c))
        from ..rendu import tables
        tables.console().print(tables.table_garanties(c))

    @app.command()
    def natures(format: str = typer.Option("table", "--format", help="table ou json.")):
        """Le catalogue des natures d'actes (codes de --nature)."""
        if format == "json":
            return _json(_natures_json())
        from ..rendu import tables
        tables.console().print(tables.table_natures())
