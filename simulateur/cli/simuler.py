"""`simulateur simuler`: one act, the Sécurité sociale, each layer of the formula, the reste à charge."""
from __future__ import annotations

import sys
from typing import Optional

import typer

from .options import avec_options_acte, option_parametres, parametres_du_scenario, valeurs_acte


def enregistrer(app) -> None:
    from . import erreur, proteger

    def simuler(
        contrat: str = typer.Argument(..., help="Identifiant d'un contrat livré (simulateur contrats) ou chemin d'un fichier YAML."),
        formule: str = typer.Option(..., "--formule", "-f", help="Formule du contrat (ex. option-2)."),
        format: str = typer.Option("table", "--format", help="table ou json."),
        explique: bool = typer.Option(False, "--explique", help="Ajoute l'explication : ligne du contrat, paramètres datés, "
                                      "plafond qui a limité."),
        parametres: Optional[str] = option_parametres(),
        **acte,
    ):
        """Simule le remboursement d'un acte : Sécurité sociale, chaque niveau du contrat, reste à charge."""
        if format not in ("table", "json"):
            erreur(f"format « {format} » inconnu : table ou json")

        def faire():
            from ..contrat.depot import charger_contrat
            from ..domaine.acte import creer_acte
            from ..moteur.calcul import simuler as calculer
            c = charger_contrat(contrat)
            a = creer_acte(**valeurs_acte(acte))
            c.formule(formule)
            return c, calculer(c, formule, a, parametres=parametres_du_scenario(parametres), expliquer=explique), a

        c, r, a = proteger(faire)
        if format == "json":
            import json
            from ..domaine.acte import acte_en_dict
            d = r.en_dict()
            d["acte"] = acte_en_dict(a)
            if explique:
                d["explication"] = r.explication_dict()
            sys.stdout.write(json.dumps(d, ensure_ascii=False, indent=2) + "\n")
            return
        from ..rendu import tables
        con = tables.console()
        con.print(tables.table_resultat(r, c))
        if explique:
            con.print(tables.arbre_explication(r))

    app.command()(avec_options_acte(simuler, requis=("nature", "frais_reels")))
