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
             "niveaux": list(c.niveaux)} for c in liste]


def _contrat_json(c) -> dict:
    return {"id": c.id, "nom": c.nom, "assureur": c.assureur, "source": c.source, "responsable": c.responsable,
            "niveaux": [{"id": n.id, "libelle": n.libelle, "convention": n.convention} for n in c.niveaux.values()],
            "colonnes": [{"id": x.id, "niveau": x.niveau, "libelle": x.libelle} for x in c.colonnes.values()],
            "formules": [{"id": f.id, "libelle": f.libelle, "colonnes": list(f.colonnes)} for f in c.formules.values()],
            "garanties": [{"section": l.section, "libelle": l.libelle, "natures": list(l.natures), "si": l.si_texte,
                           "cellules": {k: v.texte for k, v in l.cellules.items()}, "ligne": l.ligne} for l in c.lignes]}


def _natures_json() -> list:
    from ..domaine.natures import NATURES
    return [{"code": n.code, "libelle": n.libelle, "categorie": n.categorie, "rembourse_ss": n.taux is not None,
             "groupe_taux": n.taux, "participation_forfaitaire": n.pf, "franchise": n.franchise} for n in NATURES.values()]


def _verifier_format(format: str) -> None:
    if format not in ("table", "json"):
        from . import erreur
        erreur(f"format « {format[:40]} » inconnu : table ou json")


def enregistrer(app) -> None:
    from . import proteger

    @app.command()
    def contrats(format: str = typer.Option("table", "--format", help="table ou json.")):
        """Liste les contrats livrés et leurs formules."""
        _verifier_format(format)
        from ..contrat.depot import charger_contrat, contrats_livres
        liste = proteger(lambda: [charger_contrat(str(p)) for p in contrats_livres()])
        if format == "json":
            return _json(_contrats_json(liste))
        from ..rendu import tables
        tables.console().print(tables.table_contrats(liste))

    @app.command("contrat")
    def contrat_(id: str = typer.Argument(..., help="Identifiant ou chemin du contrat."),
                 format: str = typer.Option("table", "--format", help="table ou json.")):
        """Affiche le tableau de garanties d'un contrat, une colonne par niveau, comme le document."""
        _verifier_format(format)
        from ..contrat.depot import charger_contrat
        c = proteger(lambda: charger_contrat(id))
        if format == "json":
            return _json(_contrat_json(c))
        from ..rendu import tables
        tables.console().print(tables.table_garanties(c))

    @app.command()
    def natures(format: str = typer.Option("table", "--format", help="table ou json.")):
        """Le catalogue des natures d'actes (codes de --nature)."""
        _verifier_format(format)
        if format == "json":
            return _json(_natures_json())
        from ..rendu import tables
        tables.console().print(tables.table_natures())
