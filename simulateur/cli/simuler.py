"""`simulateur simuler`: one act, the Sécurité sociale, each layer of the formula, the reste à charge."""
from __future__ import annotations

from typing import Optional

import typer

from .francais import exemples
from .options import (argument_contrat, avec_options_acte, option_format, option_formule, option_parametres,
                      parametres_du_scenario, valeurs_acte)

EXEMPLES = exemples(
    "simulateur simuler cabinets-dentaires --formule option-2 --nature consultation-specialiste --br 31,50 "
    "--frais-reels 80 --date 2025-06-01 --dptm",
    "simulateur simuler carcept-evolution-sante -f f150 -n \"consultation spécialiste\" --br 31,50 --frais-reels 80 "
    "--dptm --format json",
    "simulateur simuler production-agricole -f option-2 -n optique-equipement --br 0,09 --frais-reels 366 "
    "--monture 100 --verres simple+simple --panier libre --explique")


def enregistrer(app) -> None:
    from . import proteger, rien_a_fermer

    def simuler(
        contrat: str = argument_contrat(),
        formule: str = option_formule(),
        format: str = option_format(),
        explique: bool = typer.Option(False, "--explique", help="Ajoute l'explication : ligne du contrat, paramètres datés, "
                                      "plafond qui a limité."),
        strict: bool = typer.Option(False, "--strict", help="Refuse un paramètre reconduit au-delà de sa dernière valeur "
                                    "publiée (ex. PMSS d'une année pas encore publié)."),
        parametres: Optional[str] = option_parametres(),
        **acte,
    ):
        """Simule le remboursement d'un acte : Sécurité sociale, chaque niveau du contrat, reste à charge."""
        rien_a_fermer()

        def faire():
            from ..contrat.depot import charger_contrat
            from ..domaine.acte import creer_acte
            from ..moteur.calcul import simuler as calculer
            c = charger_contrat(contrat)
            a = creer_acte(**valeurs_acte(acte))
            c.formule(formule)
            return c, calculer(c, formule, a, parametres=parametres_du_scenario(parametres), expliquer=explique,
                               strict=strict), a

        c, r, a = proteger(faire)
        if format != "table":
            from ..domaine.acte import acte_en_dict
            d = r.en_dict()
            d["acte"] = acte_en_dict(r.acte)
            if explique:
                d["explication"] = r.explication_dict()
            from .sortie import a_plat, ecrire_csv, ecrire_json
            if format == "json":
                return ecrire_json(d)
            ligne = a_plat(d)
            return ecrire_csv(list(ligne), [ligne])
        from ..rendu import tables
        con = tables.console()
        tables.afficher_resultat(con, r, c)
        from ..rendu.hypotheses import bloc
        if (h := bloc(r)) is not None:
            con.print(h)
        if explique:
            con.print(tables.arbre_explication(r))

    app.command(epilog=EXEMPLES)(avec_options_acte(simuler, requis=("frais_reels",)))
