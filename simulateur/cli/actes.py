"""`simulateur actes [TEXTE] [--date D]`: search the dated catalogue of act codes (code, label, BR, rate,
basket, HLF / PLV at a date)."""
from __future__ import annotations

import sys
from typing import List, Optional

import typer

from .francais import exemples
from .options import option_format
from .sortie import colonnes_de, ecrire_csv, ecrire_json


EXEMPLES = exemples("simulateur actes couronne molaire --date 2025-06-01",
                    "simulateur actes G --format json",
                    "simulateur actes HBLD634")


def _a_plat(d: dict) -> dict:
    """A catalogue entry as one CSV row (values at the date; sources in their own columns)."""
    out = {}
    for k, v in d.items():
        if isinstance(v, dict):
            for k2, v2 in v.items():
                out[f"{k}_{k2}"] = v2
        elif isinstance(v, list):
            out[k] = " ; ".join(str(x) for x in v)
        else:
            out[k] = v
    return out


def actes(mots: Optional[List[str]] = typer.Argument(None, metavar="[TEXTE]...", help="Mots cherchés dans le code, le "
                                                     "libellé ou la nature (ex. couronne molaire, HBLD, G) ; sans texte : "
                                                     "tout le catalogue."),
          date: Optional[str] = typer.Option(None, "--date", metavar="AAAA-MM-JJ", help="Date des tarifs (défaut : aujourd'hui)."),
          format: str = option_format()):
    """Cherche dans le catalogue daté des actes (NGAP, CCAM, LPP) : code, libellé, BR, taux, panier, HLF / PLV.
    Code de sortie 1 si aucun code ne correspond, 2 si TEXTE n'a aucun mot (lettres ou chiffres)."""
    from . import erreur, proteger, rien_a_fermer
    from ..domaine.champs import cle_texte
    rien_a_fermer()
    from ..rendu.messages import recherche_sans_mot, recherche_vide
    texte = " ".join(mots) if mots else None
    if texte is not None and texte.strip() and not cle_texte(texte):
        erreur(recherche_sans_mot("actes", texte))

    def faire():
        import datetime as dt
        from ..domaine.champs import lire_date
        from ..parametres import charger_parametres
        from ..parametres.catalogue import charger_catalogue, fiches
        d = lire_date(date) if date else dt.date.today()
        return d, fiches(charger_catalogue(), texte, d, charger_parametres())

    d, liste = proteger(faire)
    if format in ("json", "csv"):
        from ..rendu.actes import actes_json
        donnees = actes_json(liste)
        if format == "json":
            ecrire_json(donnees)
        else:
            lignes = [_a_plat(x) for x in donnees]
            ecrire_csv(colonnes_de(lignes, ("code", "libelle", "nature")), lignes)
    elif liste:
        from ..rendu.actes import afficher_actes
        from ..rendu.tables import console
        afficher_actes(console(), liste, d, texte)
    if not liste:                  # like `natures`: nothing found is exit 1 (docs/interface.md)
        sys.stderr.write(recherche_vide("actes", texte) + "\n")
        raise typer.Exit(1)


def enregistrer(app) -> None:
    app.command(epilog=EXEMPLES)(actes)
