"""`simulateur actes [TEXTE] [--date D]`: search the dated catalogue of act codes (code, label, BR, rate,
basket, HLF / PLV at a date)."""
from __future__ import annotations

import json
import sys
from typing import List, Optional

import typer


def enregistrer(app) -> None:
    from . import erreur, proteger

    @app.command()
    def actes(mots: Optional[List[str]] = typer.Argument(None, metavar="[TEXTE]...", help="Mots cherchés dans le code, le "
                                                        "libellé ou la nature (ex. couronne molaire, HBLD, G) ; sans texte : "
                                                        "tout le catalogue."),
              date: Optional[str] = typer.Option(None, "--date", help="Date des tarifs AAAA-MM-JJ (défaut : aujourd'hui)."),
              format: str = typer.Option("table", "--format", help="table ou json.")):
        """Cherche dans le catalogue daté des actes (NGAP, CCAM, LPP) : code, libellé, BR, taux, panier, HLF / PLV."""
        if format not in ("table", "json"):
            erreur(f"format « {format} » inconnu : table ou json")

        texte = " ".join(mots) if mots else None

        def faire():
            import datetime as dt
            from ..domaine.champs import lire_date
            from ..parametres import charger_parametres
            from ..parametres.catalogue import charger_catalogue, fiches
            d = lire_date(date) if date else dt.date.today()
            return d, fiches(charger_catalogue(), texte, d, charger_parametres())

        d, liste = proteger(faire)
        if format == "json":
            from ..rendu.actes import actes_json
            sys.stdout.write(json.dumps(actes_json(liste), ensure_ascii=False, indent=2) + "\n")
            return
        from ..rendu.actes import table_actes
        from ..rendu.tables import console
        console().print(table_actes(liste, d, texte))
