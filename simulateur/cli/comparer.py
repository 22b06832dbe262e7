"""The `comparer` command: formulas side by side on one act or on a year's basket of acts.

Kept light: the library, Rich and matplotlib are imported inside the command. Data on stdout
(a table, `--format json` or `--format csv`), messages on stderr; exit 0, 1 (basket rows in error),
2 (bad input), as the other commands. (`exemples` lives in cli/exemples.py.)
"""
from __future__ import annotations

import sys
from typing import Optional

import typer

from ..domaine.erreurs import apercu
from .francais import exemples as _exemples
from .options import (argument_contrat, avec_options_acte, option_format, option_parametres, parametres_du_scenario,
                      valeurs_acte)

EXEMPLES = _exemples(
    "simulateur comparer carcept-evolution-sante --formules aleas,eco,f100,f150,f200,f250 --nature consultation-specialiste "
    "--dptm --br 31,50 --frais-reels 80 --date 2025-06-01",
    "simulateur comparer --formules cabinets-dentaires:option-2,carcept-evolution-sante:f150 -n dentaire-prothese "
    "--panier libre --br 107,50 --frais-reels 600 --date 2025-06-01",
    "simulateur comparer cabinets-dentaires --actes panier-annuel.csv --cotisations base=32.10,option-1=39.80 --format csv")


def _cli():
    from .. import cli
    return cli


def _completer_formules(ctx, incomplete: str):
    from .completion import completer_formules
    return completer_formules(ctx, incomplete)


def _verifier(cli, contrat, formules, actes, explique, valeurs) -> None:
    if contrat is None and formules is None:
        cli.erreur("donnez un CONTRAT (toutes ses formules sont comparées) ou --formules, ex. --formules "
                   "cabinets-dentaires:option-2,carcept-evolution-sante:f150")
    if actes is not None:
        donnees = [f"--{k.replace('_', '-')}" for k in ("nature", "br", "frais_reels", "acte", "dent") if k in valeurs]
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
        verifier_chemin(graphique, [actes, contrat, scenario] + [f.split(":")[0] for f in (formules or "").split(",")])
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
    contrat: Optional[str] = argument_contrat("Contrat des formules non qualifiées (facultatif si chaque formule s'écrit "
                                              "contrat:formule).", requis=False),
    formules: Optional[str] = typer.Option(None, "--formules", metavar="F1,F2,…", autocompletion=_completer_formules, help="Formules comparées, dans l'ordre : base,option-2 ou cabinets-dentaires:option-2,carcept-evolution-sante:f150 (défaut : toutes celles du CONTRAT)."),
    actes: Optional[str] = typer.Option(None, "--actes", metavar="FICHIER.CSV", help="Panier d'actes (CSV comme pour lot) rejoué sur un an pour chaque formule, à la place d'un acte."),
    cotisations: Optional[str] = typer.Option(None, "--cotisations", metavar="F1=MONTANT,…", help="Cotisations mensuelles (euros) : base=45.20,option-2=61.00 (clés écrites comme dans --formules)."),
    graphique: Optional[str] = typer.Option(None, "--graphique", metavar="FICHIER.PNG|SVG", help="Écrit le graphique dans FICHIER.png ou FICHIER.svg (demande matplotlib : pip install '.[graphique]')."),
    format: str = option_format(),
    explique: bool = typer.Option(False, "--explique", help="Un acte : ajoute l'explication de chaque formule."),
    parametres: Optional[str] = option_parametres(),
    **acte,
):
    """Compare plusieurs formules sur un acte (ou un panier d'actes sur un an) : une colonne par formule."""
    cli = _cli()
    valeurs = valeurs_acte(acte)
    _verifier(cli, contrat, formules, actes, explique, valeurs)
    comparaisons = cli.proteger(lambda: _comparer(contrat, formules, actes, cotisations, graphique, explique, valeurs,
                                                  parametres))
    est_panier = actes is not None
    if format == "json":
        from .sortie import ecrire_json
        ecrire_json(_dicts_comparaison(comparaisons, est_panier, explique))
    elif format == "csv":
        _csv_comparaison(comparaisons, est_panier)
    else:
        _table_comparaison(comparaisons, est_panier, explique, actes)
    if graphique is not None:
        _graphique(comparaisons, graphique, est_panier, actes)
    erreurs = [(c.cible.cle, n, m) for c in comparaisons for n, m in c.erreurs]
    if erreurs:
        for cle, n, m in erreurs:
            sys.stderr.write(f"erreur : {apercu(actes, 200)}:{n} ({apercu(cle, 80)}) : {m}\n")
        lignes = len({n for _cle, n, _m in erreurs})
        formules = len({cle for cle, _n, _m in erreurs})
        sys.stderr.write(f"{lignes} ligne(s) du panier en erreur" + (f" (pour {formules} formules)" if formules > 1 else "")
                         + ", non comptée(s) dans les totaux\n")
        raise typer.Exit(cli.EXIT_ECHECS)


def enregistrer(app) -> None:
    """Adds `comparer` to `app`."""
    app.command(epilog=EXEMPLES)(avec_options_acte(comparer))


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


def _dicts_comparaison(comparaisons, est_panier: bool, explique: bool) -> list:
    """The JSON of `comparer`: one object per formula, in the order given."""
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
    return sortie


def _csv_comparaison(comparaisons, est_panier: bool) -> None:
    """One row per formula (`simuler`'s columns, `part_<niveau>` per layer, plus `cle`,
    `meilleur_reste_a_charge` and the premiums); for a basket, then one row per category of care of
    each formula (`categorie` says which; empty on the formula's total row)."""
    from .sortie import a_plat, colonnes_de, ecrire_csv
    lignes = []
    for d in _dicts_comparaison(comparaisons, est_panier, False):
        total = a_plat(d)
        if est_panier:
            total = {"cle": d["cle"], "contrat": d["contrat"], "formule": d["formule"], "categorie": "", **total,
                     "erreurs": len(d["erreurs"])}
        lignes.append(total)
        for cat in d.get("par_categorie", []):
            lignes.append({"cle": d["cle"], "contrat": d["contrat"], "formule": d["formule"], **cat})
    ecrire_csv(colonnes_de(lignes, ("cle", "contrat", "formule") + (("categorie", "libelle") if est_panier else ())), lignes)


def _titre(comparaisons, est_panier: bool, source: str | None) -> str:
    from ..rendu.texte import texte_fr
    from ..domaine.natures import NATURES
    if est_panier:
        n = comparaisons[0].total.actes if comparaisons else 0
        return f"Panier {apercu(source, 200)} : {n} actes"
    r = comparaisons[0].resultats[0][1]
    return (f"{NATURES[r.nature].libelle}, {r.date.isoformat()} : "
            f"frais réels {texte_fr(r.frais_reels)}, BR {texte_fr(r.base_remboursement)}")


def _table_comparaison(comparaisons, est_panier: bool, explique: bool, source: str | None) -> None:
    from ..rendu import tables as rendu
    from ..rendu import comparaison as rc
    con = rendu.console()
    con.print(_titre(comparaisons, est_panier, source), style="italic", markup=False)
    rc.afficher_comparaison(con, comparaisons, panier=est_panier)
    for l in rc.conclusion(comparaisons, panier=est_panier):
        con.print(l, markup=False)
    con.print()
    con.print(rc.barres(comparaisons, place=con.width))
    con.print()
    for l in rc.legende_formules(comparaisons):
        con.print(l, style="dim", markup=False)
    if explique and not est_panier:
        for c in comparaisons:
            con.print()
            from rich.markup import escape
            con.print(f"[bold]{escape(apercu(c.cible.cle, 200))}[/]")
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
