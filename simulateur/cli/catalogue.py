"""`simulateur contrats`, `contrat ID`, `natures [TEXTE]`: what the tool knows (shipped contracts,
guarantee tables, the catalogue of natures). Each prints a table, `--format json` or `--format csv`."""
from __future__ import annotations

import sys
from typing import Optional

import typer

from .francais import exemples
from .options import argument_contrat, option_format
from .sortie import colonnes_de, ecrire_csv, ecrire_json


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


def _natures_json(natures) -> list:
    return [{"code": n.code, "libelle": n.libelle, "categorie": n.categorie, "rembourse_ss": n.taux is not None,
             "groupe_taux": n.taux, "participation_forfaitaire": n.pf, "franchise": n.franchise} for n in natures]


def _csv_contrats(liste) -> None:
    lignes = [{**d, "formules_responsables": [f for f, oui in d["formules_responsables"].items() if oui]}
              for d in _contrats_json(liste)]
    ecrire_csv(colonnes_de(lignes), lignes)


def _csv_contrat(c) -> None:
    """One row per line of guarantees: its section, label, natures, conditions, then one column per
    column of the document (the cell as written)."""
    d = _contrat_json(c)
    lignes = [{"contrat": c.id, "section": g["section"], "libelle": g["libelle"], "natures": g["natures"], "si": g["si"],
               "ligne": g["ligne"], **g["cellules"]} for g in d["garanties"]]
    ecrire_csv(["contrat", "section", "libelle", "natures", "si", "ligne"] + list(c.colonnes), lignes)


def contrats(format: str = option_format()):
    """Liste les contrats livrés et leurs formules."""
    from . import proteger, rien_a_fermer
    rien_a_fermer()
    from ..contrat.depot import charger_contrat, contrats_livres
    liste = proteger(lambda: [charger_contrat(str(p)) for p in contrats_livres()])
    if format == "json":
        return ecrire_json(_contrats_json(liste))
    if format == "csv":
        return _csv_contrats(liste)
    from ..rendu import tables
    tables.afficher_contrats(tables.console(), liste)


def contrat(id: str = argument_contrat("Identifiant d'un contrat livré, chemin d'un fichier YAML, ou « nouveau » "
                                        "pour écrire un squelette."),
            fichier: Optional[str] = typer.Argument(None, metavar="[FICHIER]", show_default=False,
                                                    help="Avec « nouveau » : le fichier à créer (défaut : la sortie standard)."),
            format: str = option_format()):
    """Affiche le tableau de garanties d'un contrat, une colonne par colonne du document, avec les codes de
    nature de chaque ligne. « simulateur contrat nouveau MON-CONTRAT.yaml » écrit un squelette commenté à compléter."""
    from . import erreur, proteger, rien_a_fermer
    rien_a_fermer()              # `contrat nouveau FICHIER` writes it within `SortieAtomique` (closed, renamed)
    if id == "nouveau":
        return _nouveau(fichier)
    if fichier is not None:
        erreur(f"argument en trop « {fichier} » (seul « simulateur contrat nouveau FICHIER » en prend deux)")
    from ..contrat.depot import charger_contrat
    c = proteger(lambda: charger_contrat(id))
    if format == "json":
        return ecrire_json(_contrat_json(c))
    if format == "csv":
        return _csv_contrat(c)
    from ..rendu import tables
    tables.afficher_garanties(tables.console(), c)


def natures(texte: Optional[str] = typer.Argument(None, metavar="[TEXTE]", show_default=False,
                                                  help="Mots cherchés dans les codes, libellés et catégories (sans tenir "
                                                       "compte des accents ni de la casse ; un début de mot suffit)."),
            format: str = option_format()):
    """Le catalogue des natures d'actes (codes de --nature et de la colonne nature), ou celles qui
    contiennent TEXTE. Code de sortie 1 si aucune ne correspond, 2 si TEXTE n'a aucun mot (lettres ou chiffres).

    Partout où une nature est attendue, son libellé, les écritures sans accents et les noms courants sont
    acceptés aussi (« consultation spécialiste » = consultation-specialiste, « lunettes » = optique-equipement)."""
    from . import rien_a_fermer
    from ..domaine.natures import chercher, mots
    rien_a_fermer()
    from ..rendu.messages import recherche_sans_mot, recherche_vide
    if texte is not None and texte.strip() and not mots(texte):
        from . import erreur
        erreur(recherche_sans_mot("natures", texte))
    trouvees = chercher(texte)
    if format == "json":
        ecrire_json(_natures_json(trouvees))
    elif format == "csv":
        lignes = _natures_json(trouvees)
        ecrire_csv(colonnes_de(lignes, ("code", "libelle", "categorie", "rembourse_ss", "groupe_taux",
                                        "participation_forfaitaire", "franchise")), lignes)
    elif trouvees:
        from ..rendu import tables
        titre = "Natures d'actes" + (f" : « {texte} »" if texte else "")
        tables.afficher_natures(tables.console(), trouvees, titre)
    if not trouvees:
        sys.stderr.write(recherche_vide("natures", texte) + "\n")
        raise typer.Exit(1)


def enregistrer(app) -> None:
    app.command(epilog=exemples("simulateur contrats", "simulateur contrats --format csv > contrats.csv"))(contrats)
    app.command(epilog=exemples("simulateur contrat cabinets-dentaires",
                                "simulateur contrat carcept-evolution-sante --format csv > carcept.csv",
                                "simulateur contrat mon-contrat.yaml",
                                "simulateur contrat nouveau mon-contrat.yaml"))(contrat)
    app.command(epilog=exemples("simulateur natures", "simulateur natures optique", "simulateur natures \"spécialiste\"",
                                "simulateur natures --format json"))(natures)
