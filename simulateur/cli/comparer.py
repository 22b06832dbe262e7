"""The `comparer` and `exemples` commands, registered on the Typer app of cli.py.

Kept light: the library, Rich and matplotlib are imported inside the commands. Data on stdout,
messages on stderr; exit 0, 1 (basket rows in error), 2 (bad input), as the other commands.
"""
from __future__ import annotations

import sys
from typing import Optional

import typer

from .options import avec_options_acte, option_parametres, parametres_du_scenario, valeurs_acte


def _cli():
    from .. import cli
    return cli


def _verifier(cli, contrat, formules, format, actes, explique, valeurs) -> None:
    if format not in ("table", "json"):
        cli.erreur(f"format « {format} » inconnu : table ou json")
    if contrat is None and formules is None:
        cli.erreur("donnez un CONTRAT (toutes ses formules sont comparées) ou --formules, ex. --formules "
                   "cabinets-dentaires:option-2,carcept-evolution-sante:f150")
    if actes is not None:
        donnees = [f"--{k.replace('_', '-')}" for k in ("nature", "br", "frais_reels") if k in valeurs]
        if donnees:
            cli.erreur(f"avec --actes, les actes viennent du fichier : retirez {', '.join(donnees)}")
        if explique:
            cli.erreur("--explique vaut pour un acte ; pour un panier, simulateur lot donne le détail de chaque ligne")


def _comparer(contrat, formules, actes, cotisations, graphique, explique, valeurs, scenario=None):
    """The comparisons (library calls only): one act, or the basket `actes` replayed per formula;
    `scenario`: a `--parametres` file (reform) or None."""
    from .. import comparaison as cmp
    parametres = parametres_du_scenario(scenario)
    if graphique is not None:
        from ..rendu.graphique import _matplotlib, verifier_chemin
        verifier_chemin(graphique)
        _matplotlib()                  # fail before computing anything
    cibles = _cibles(cmp, formules, contrat)
    cotis = cmp.lire_cotisations(cotisations, cibles) if cotisations is not None else None
    if actes is not None:
        lu = cmp.lire_panier(actes)
        if lu.surcharges:
            sys.stderr.write(f"avertissement : colonnes contrat / formule ignorées (lignes {_liste(lu.surcharges)}) : "
                             "chaque formule comparée rejoue tout le panier\n")
        resultat = cmp.comparer_panier(cibles, lu, parametres=parametres)
    else:
        from ..domaine.acte import creer_acte
        resultat = cmp.comparer_acte(cibles, creer_acte(**valeurs), expliquer=explique, parametres=parametres)
    if cotis is not None:
        cmp.appliquer_cotisations(resultat, cotis)
    return resultat


def comparer(
    contrat: Optional[str] = typer.Argument(None, help="Contrat des formules non qualifiées (facultatif si chaque formule s'écrit contrat:formule)."),
    formules: Optional[str] = typer.Option(None, "--formules", help="Formules comparées, dans l'ordre : base,option-2 ou cabinets-dentaires:option-2,carcept-evolution-sante:f150 (défaut : toutes celles du CONTRAT)."),
    actes: Optional[str] = typer.Option(None, "--actes", help="Panier d'actes (CSV comme pour lot) rejoué sur un an pour chaque formule, à la place d'un acte."),
    cotisations: Optional[str] = typer.Option(None, "--cotisations", help="Cotisations mensuelles (euros) : base=45.20,option-2=61.00 (clés écrites comme dans --formules)."),
    graphique: Optional[str] = typer.Option(None, "--graphique", help="Écrit le graphique dans FICHIER.png ou FICHIER.svg (demande matplotlib : pip install '.[graphique]')."),
    format: str = typer.Option("table", "--format", help="table ou json."),
    explique: bool = typer.Option(False, "--explique", help="Un acte : ajoute l'explication de chaque formule."),
    parametres: Optional[str] = option_parametres(),
    **acte,
):
    """Compare plusieurs formules sur un acte (ou un panier d'actes sur un an) : une colonne par formule."""
    cli = _cli()
    valeurs = valeurs_acte(acte)
    _verifier(cli, contrat, formules, format, actes, explique, valeurs)
    comparaisons = cli.proteger(lambda: _comparer(contrat, formules, actes, cotisations, graphique, explique, valeurs,
                                                  parametres))
    est_panier = actes is not None
    if format == "json":
        _json_comparaison(comparaisons, est_panier, explique)
    else:
        _table_comparaison(comparaisons, est_panier, explique, actes)
    if graphique is not None:
        _graphique(comparaisons, graphique, est_panier, actes)
    erreurs = [(c.cible.cle, n, m) for c in comparaisons for n, m in c.erreurs]
    if erreurs:
        for cle, n, m in erreurs:
            sys.stderr.write(f"erreur : {actes}:{n} ({cle}) : {m}\n")
        sys.stderr.write(f"{len(erreurs)} acte(s) en erreur, non comptés dans les totaux\n")
        raise typer.Exit(cli.EXIT_ECHECS)


def exemples(
    contrat: Optional[str] = typer.Argument(None, help="Contrat (facultatif si chaque formule s'écrit contrat:formule)."),
    formules: Optional[str] = typer.Option(None, "--formules", help="Formules, dans l'ordre (défaut : toutes celles du contrat)."),
    ids: Optional[str] = typer.Option(None, "--ids", help="Seulement ces exemples, ex. S1,S3,D1,O3,A1."),
    fichier: Optional[str] = typer.Option(None, "--fichier", help="Autre liste d'exemples (YAML, même format que exemples/exemples-types.yaml)."),
    format: str = typer.Option("table", "--format", help="table ou json."),
):
    """Les exemples de remboursement standardisés (H1–H6, S1–S8, D1–D4, O1–O6, A1–A2) pour chaque formule."""
    cli = _cli()
    if format not in ("table", "json"):
        cli.erreur(f"format « {format} » inconnu : table ou json")
    if contrat is None and formules is None:
        cli.erreur("donnez un CONTRAT (ex. simulateur exemples cabinets-dentaires) ou --formules contrat:formule,…")

    def faire():
        from .. import comparaison as cmp
        cibles = _cibles(cmp, formules, contrat)
        liste = cmp.exemples_choisis(cmp.charger_exemples(fichier), ids)
        return cibles, cmp.calculer_exemples(cibles, liste)

    cibles, lignes = cli.proteger(faire)
    if format == "json":
        _json_exemples(cibles, lignes)
    else:
        _table_exemples(cibles, lignes)


def _table_exemples(cibles, lignes) -> None:
    from ..rendu import comparaison as rc
    from ..rendu import tables as rendu
    ids_contrats = list(dict.fromkeys(c.contrat.id for c in cibles))
    table, notes = rc.table_exemples(lignes, cibles, titre="Exemples de remboursement standardisés — " + ", ".join(ids_contrats))
    con = rendu.console()
    con.print(table)
    for i, n in enumerate(notes, 1):
        con.print(f"({i}) {n}", markup=False)
    for l in rc.legende_cibles(cibles):
        con.print(l, style="dim", markup=False)
    con.print("Prix, BR et Sécurité sociale : liste commune des exemples-types (GAN 07/2025, BR au 01/01/2025 ; "
              "APRIL 03/2025), voir exemples/exemples-types.yaml.", style="dim", markup=False)


def enregistrer(app) -> None:
    """Adds `comparer` and `exemples` to `app`."""
    app.command()(avec_options_acte(comparer))
    app.command()(exemples)


# ------------------------------------------------------------------ output helpers

def _cibles(cmp, formules, contrat):
    """--formules as written, or every formula of CONTRAT in the contract's order."""
    if formules is None:
        from ..contrat.depot import charger_contrat
        c = charger_contrat(contrat)
        return [cmp.Cible(f, c, f) for f in c.formules]
    return cmp.lire_cibles(formules, contrat)


def _liste(nombres: list[int], maxi: int = 8) -> str:
    t = ", ".join(str(n) for n in nombres[:maxi])
    return t + (f"… ({len(nombres)} en tout)" if len(nombres) > maxi else "")


def _json_comparaison(comparaisons, est_panier: bool, explique: bool) -> None:
    import json
    from .. import comparaison as cmp
    meilleurs = cmp.meilleur_reste_a_charge(comparaisons)
    moins_chers = cmp.meilleur_cout_net(comparaisons)
    sortie = []
    for i, c in enumerate(comparaisons):
        if est_panier:
            d = cmp.en_dict_panier(c)
        else:
            r = c.resultats[0][1]
            d = {"cle": c.cible.cle, **r.en_dict()}
            if explique:
                d["explication"] = r.explication_dict()
        d["meilleur_reste_a_charge"] = i in meilleurs
        cmp.ajouter_cotisation_dict(d, c)
        if c.cotisation_mensuelle is not None:
            d["moins_cher"] = i in moins_chers
        sortie.append(d)
    sys.stdout.write(json.dumps(sortie, ensure_ascii=False, indent=2) + "\n")


def _titre(comparaisons, est_panier: bool, source: str | None) -> str:
    from ..rendu.texte import texte_fr
    from ..domaine.natures import NATURES
    if est_panier:
        n = comparaisons[0].total.actes if comparaisons else 0
        return f"Panier {source} : {n} actes"
    r = comparaisons[0].resultats[0][1]
    return (f"{NATURES[r.nature].libelle}, {r.date.isoformat()} : "
            f"frais réels {texte_fr(r.frais_reels)}, BR {texte_fr(r.base_remboursement)}")


def _table_comparaison(comparaisons, est_panier: bool, explique: bool, source: str | None) -> None:
    from ..rendu import tables as rendu
    from ..rendu import comparaison as rc
    con = rendu.console()
    con.print(_titre(comparaisons, est_panier, source), style="italic", markup=False)
    con.print(rc.table_comparaison(comparaisons, titre=None, panier=est_panier))
    for l in rc.conclusion(comparaisons, panier=est_panier):
        con.print(l, markup=False)
    con.print()
    con.print(rc.barres(comparaisons))
    con.print()
    for l in rc.legende_formules(comparaisons):
        con.print(l, style="dim", markup=False)
    if explique and not est_panier:
        for c in comparaisons:
            con.print()
            con.print(f"[bold]{c.cible.cle}[/]")
            con.print(rendu.arbre_explication(c.resultats[0][1]))


def _graphique(comparaisons, chemin: str, est_panier: bool, source: str | None) -> None:
    from .. import comparaison as cmp
    from ..rendu import comparaison as rc
    from ..rendu.graphique import ecrire_graphique

    def faire():
        titre = _titre(comparaisons, est_panier, source)
        from ..rendu.texte import texte_fr
        notes = None
        if all(c.cout_net is not None for c in comparaisons):
            moins_cher = cmp.meilleur_cout_net(comparaisons)
            notes = [f"+ cotisation {texte_fr(c.cotisation_annuelle)} = coût net {texte_fr(c.cout_net)}"
                     + (" ★" if i in moins_cher else "") for i, c in enumerate(comparaisons)]
        return ecrire_graphique(chemin, [(c.cible.cle, rc.segments(c)) for c in comparaisons],
                                "Comparaison des formules — " + titre, notes=notes)

    p = _cli().proteger(faire)
    sys.stderr.write(f"graphique écrit : {p}\n")


def _json_exemples(cibles, lignes) -> None:
    import json
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
    sys.stdout.write(json.dumps(sortie, ensure_ascii=False, indent=2) + "\n")
