"""`simulateur exemples`: the standard examples of reimbursement for each formula, and the example
files shipped with the package (`--fichiers` lists them, `--copier NOM` copies one into the current
folder: they are found wherever the package is installed)."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer

from ..fichiers.exemples import dossier_exemples
from .francais import exemples as _exemples
from .options import argument_contrat, option_format

EXEMPLES = _exemples("simulateur exemples cabinets-dentaires",
                     "simulateur exemples carcept-evolution-sante --ids S1,S3,D1,O3 --format csv",
                     "simulateur exemples --fichiers",
                     "simulateur exemples --copier famille-2025.csv")

# What each shipped file is for (simulateur exemples --fichiers).
FICHIERS = {
    "famille-2025.csv": "une année de soins d'une famille de quatre : simulateur lot famille-2025.csv --contrat "
                        "cabinets-dentaires --formule option-2",
    "panier-annuel.csv": "un panier annuel d'actes : simulateur comparer cabinets-dentaires --actes panier-annuel.csv",
    "exemples-types.yaml": "les exemples-types de remboursement (prix, BR, Sécurité sociale, sources) de "
                           "simulateur exemples ; modèle pour --fichier",
    "devis-dentaire.csv": "un devis dentaire par codes d'actes (colonnes acte et dent) : simulateur lot devis-dentaire.csv "
                          "--contrat cabinets-dentaires --formule option-2",
    "portefeuille-2026.csv": "un portefeuille (colonnes contrat et formule par ligne) : simulateur lot portefeuille-2026.csv "
                             "-o aujourdhui.csv",
    "reforme-plfss-2026.yaml": "un scénario de réforme (paramètres datés) : simulateur lot portefeuille-2026.csv "
                               "--parametres reforme-plfss-2026.yaml -o reforme.csv",
    "releves-famille-2025.csv": "des relevés de remboursement à vérifier : simulateur verifier releves-famille-2025.csv "
                                "-c cabinets-dentaires -f option-2",
}




def fichiers_exemples() -> list[Path]:
    d = dossier_exemples()
    return sorted(p for p in d.iterdir() if p.suffix in (".csv", ".yaml", ".xlsx") and p.is_file())


def _fichiers(format: str) -> None:
    liste = [{"fichier": p.name, "description": FICHIERS.get(p.name, ""), "chemin": str(p)} for p in fichiers_exemples()]
    from .sortie import ecrire_csv, ecrire_json
    if format == "json":
        return ecrire_json(liste)
    if format == "csv":
        return ecrire_csv(["fichier", "description", "chemin"], liste)
    from rich.table import Table
    from rich import box
    from ..rendu.disposition import afficher, par_ligne
    from ..rendu.tables import console
    t = Table(title=f"Fichiers d'exemple livrés ({dossier_exemples()})", title_justify="left", box=box.SIMPLE_HEAD,
              caption="simulateur exemples --copier FICHIER le copie dans le dossier courant.", caption_justify="left")
    t.add_column("Fichier", no_wrap=True)
    t.add_column("À quoi il sert", overflow="fold")
    for d in liste:
        t.add_row(d["fichier"], d["description"])
    con = console()
    afficher(con, t, lambda t: par_ligne(con, t))


def _copier(nom: str) -> None:
    """Copies the shipped file `nom` into the current folder (never over an existing file)."""
    from . import erreur
    source = {p.name: p for p in fichiers_exemples()}.get(Path(nom).name)
    if source is None:
        from ..domaine.natures import suggestion
        noms = [p.name for p in fichiers_exemples()]
        erreur(f"fichier d'exemple inconnu : « {nom} »{suggestion(nom, noms)} (fichiers : {', '.join(noms)})")
    cible = Path.cwd() / source.name
    if cible.exists():
        erreur(f"{cible} existe déjà : il n'est pas remplacé (supprimez-le ou changez de dossier)")
    try:
        with open(cible, "xb") as f:
            f.write(source.read_bytes())
    except OSError as e:
        erreur(f"impossible d'écrire {cible} : {e.strerror or e}")
    sys.stderr.write(f"copié : {cible}\n")


def exemples(
    contrat: Optional[str] = argument_contrat("Contrat (facultatif si chaque formule s'écrit contrat:formule).", requis=False),
    formules: Optional[str] = typer.Option(None, "--formules", metavar="F1,F2,…",
                                           help="Formules, dans l'ordre (défaut : toutes celles du contrat)."),
    ids: Optional[str] = typer.Option(None, "--ids", metavar="ID,ID,…", help="Seulement ces exemples, ex. S1,S3,D1,O3,A1."),
    fichier: Optional[str] = typer.Option(None, "--fichier", metavar="FICHIER.YAML",
                                          help="Autre liste d'exemples (YAML, même format que exemples-types.yaml)."),
    fichiers: bool = typer.Option(False, "--fichiers", help="Liste les fichiers d'exemple livrés (CSV d'actes, exemples-types) "
                                  "et leur chemin."),
    copier: Optional[str] = typer.Option(None, "--copier", metavar="FICHIER",
                                         help="Copie ce fichier d'exemple livré dans le dossier courant (jamais par-dessus un "
                                              "fichier existant)."),
    format: str = option_format(),
):
    """Les exemples de remboursement standardisés (H1–H6, S1–S8, D1–D4, O1–O6, A1–A2) pour chaque formule :
    ce que paie la complémentaire et le reste à charge, chaque exemple à partir d'une année vierge."""
    from . import erreur, proteger
    if fichiers:
        return _fichiers(format)
    if copier is not None:
        return _copier(copier)
    if contrat is None and formules is None:
        erreur("donnez un CONTRAT (ex. simulateur exemples cabinets-dentaires) ou --formules contrat:formule,…")

    def faire():
        from .. import comparaison as cmp
        from .comparer import _cibles
        cibles = _cibles(cmp, formules, contrat)
        liste = cmp.exemples_choisis(cmp.charger_exemples(fichier), ids)
        return cibles, cmp.calculer_exemples(cibles, liste)

    cibles, lignes = proteger(faire)
    if format == "table":
        return _table(cibles, lignes, fichier)
    from .sortie import colonnes_de, ecrire_csv, ecrire_json
    donnees = _dicts(cibles, lignes)
    if format == "json":
        return ecrire_json(donnees)
    rangs = [{**{k: v for k, v in d.items() if k != "formules"}, **f} for d in donnees for f in d["formules"]]
    ecrire_csv(colonnes_de(rangs), rangs)


def _table(cibles, lignes, fichier: str | None = None) -> None:
    from ..rendu import comparaison as rc
    from ..rendu import tables as rendu
    ids_contrats = list(dict.fromkeys(c.contrat.id for c in cibles))
    con = rendu.console()
    notes = rc.afficher_exemples(con, lignes, cibles, titre="Exemples de remboursement standardisés — " + ", ".join(ids_contrats))
    for i, n in enumerate(notes, 1):
        con.print(f"({i}) {n}", markup=False)
    for l in rc.legende_cibles(cibles):
        con.print(l, style="dim", markup=False)
    if fichier is None:
        con.print("Prix, BR et Sécurité sociale : liste commune des exemples-types (GAN 07/2025, BR au 01/01/2025 ; "
                  "APRIL 03/2025), fichier exemples-types.yaml (simulateur exemples --fichiers).", style="dim", markup=False)
    else:
        con.print(f"Prix, BR et Sécurité sociale : {fichier} (--fichier).", style="dim", markup=False)


def _dicts(cibles, lignes) -> list:
    """The JSON of `exemples`: one object per example, its `formules` one object per formula."""
    from ..domaine.montant import texte_json
    sortie = []
    for l in lignes:
        ex = l.exemple
        d = {"id": ex.id, "libelle": ex.libelle, "categorie": ex.categorie, "nature": ex.nature, "date": ex.date.isoformat(),
             "frais_reels": texte_json(ex.frais_reels), "base_remboursement": texte_json(ex.br),
             "securite_sociale_imprimee": texte_json(ex.securite_sociale),
             "securite_sociale": None if l.securite_sociale is None else texte_json(l.securite_sociale),
             "source": ex.source, "note": ex.note or None, "hypothese": ex.hypothese or None, "formules": []}
        for c, cel in zip(cibles, l.cellules):
            f = {"cle": c.cle, "contrat": c.contrat.id, "formule": c.formule}
            if cel.resultat is None:
                from ..comparaison.exemples import pourquoi
                f["erreur"] = pourquoi(c, cel)
            else:
                r = cel.resultat
                f.update({"complementaire": texte_json(cel.complementaire), "total_rembourse": texte_json(r.total_rembourse),
                          "reste_a_charge": texte_json(r.reste_a_charge)})
            d["formules"].append(f)
        sortie.append(d)
    return sortie


def enregistrer(app) -> None:
    app.command(epilog=EXEMPLES)(exemples)
