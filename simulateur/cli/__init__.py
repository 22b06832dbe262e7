"""The command line: parse options, call the library, render, map to an exit code.

Data on stdout, messages on stderr; exit 0 success, 1 rows/checks failed, 2 bad input, 130 interrupted.
"""
from __future__ import annotations

import sys
from typing import Optional

import typer

from ..cli import options as opt

app = typer.Typer(
    name="simulateur",
    help="Simulateur de remboursements santé : Sécurité sociale, complémentaire, reste à charge.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

EXIT_OK, EXIT_ECHECS, EXIT_USAGE, EXIT_INTERRUPTION = 0, 1, 2, 130
_DEBUG = {"actif": False}


def erreur(message: str, code: int = EXIT_USAGE):
    """One French message on stderr, then the documented exit code (no traceback unless --debug)."""
    sys.stderr.write(f"erreur : {message}\n")
    raise typer.Exit(code)


def _proteger(fonction):
    """Turns every refusal of the library into one message and exit code 2."""
    from ..domaine.erreurs import ContratInvalide, ErreurSimulateur
    from ..parametres import ParametreIndisponible
    try:
        return fonction()
    except typer.Exit:
        raise
    except ContratInvalide as e:
        if _DEBUG["actif"]:
            raise
        for p in e.problemes:
            sys.stderr.write(f"erreur : {p}\n")
        sys.stderr.write(f"{len(e.problemes)} problème(s) dans le contrat ; corrigez le fichier (simulateur valider FICHIER le vérifie)\n")
        raise typer.Exit(EXIT_USAGE)
    except (ErreurSimulateur, ParametreIndisponible) as e:
        if _DEBUG["actif"]:
            raise
        erreur(str(e))


@app.callback()
def _principal(debug: bool = typer.Option(False, "--debug", help="Affiche la trace Python complète en cas d'erreur.")):
    _DEBUG["actif"] = debug


@app.command()
def simuler(
    contrat: str = typer.Argument(..., help="Identifiant d'un contrat livré (simulateur contrats) ou chemin d'un fichier YAML."),
    formule: str = typer.Option(..., "--formule", "-f", help="Formule du contrat (ex. option-2)."),
    nature: str = typer.Option(..., "--nature", "-n", help="Nature de l'acte (simulateur natures)."),
    br: Optional[str] = opt.BR,
    frais_reels: str = typer.Option(..., "--frais-reels", help="Frais réels payés par le patient."),
    date: Optional[str] = opt.DATE,
    dptm: Optional[bool] = opt.DPTM,
    panier: Optional[str] = opt.PANIER,
    quantite: int = opt.QUANTITE,
    taux: Optional[str] = opt.TAUX,
    limite: Optional[str] = opt.LIMITE,
    age: Optional[int] = opt.AGE,
    regime: str = opt.REGIME,
    monture: Optional[str] = opt.MONTURE,
    verres: Optional[str] = opt.VERRES,
    psychiatrie: bool = opt.PSYCHIATRIE,
    smr: Optional[str] = opt.SMR,
    acte_lourd: bool = opt.ACTE_LOURD,
    oreille: Optional[str] = opt.OREILLE,
    date_adhesion: Optional[str] = opt.DATE_ADHESION,
    certificat_radiation: bool = opt.CERTIFICAT_RADIATION,
    fin_traitement: Optional[str] = opt.FIN_TRAITEMENT,
    format: str = typer.Option("table", "--format", help="table ou json."),
    explique: bool = typer.Option(False, "--explique", help="Ajoute l'explication : ligne du contrat, paramètres datés, plafond qui a limité."),
):
    """Simule le remboursement d'un acte : Sécurité sociale, chaque niveau du contrat, reste à charge."""
    if format not in ("table", "json"):
        erreur(f"format « {format} » inconnu : table ou json")

    def faire():
        from ..domaine.acte import creer_acte
        from ..contrat.chargeur import charger_contrat
        from ..moteur.calcul import simuler as calculer
        c = charger_contrat(contrat)
        acte = creer_acte(nature=nature, date=date, br=br, frais_reels=frais_reels, quantite=quantite, dptm=dptm, panier=panier,
                          limite=limite, age=age, regime=regime, taux=taux, monture=monture, verres=verres,
                          psychiatrie=psychiatrie, smr=smr, acte_lourd=acte_lourd, oreille=oreille,
                          date_adhesion=date_adhesion, certificat_radiation=certificat_radiation, fin_traitement=fin_traitement)
        c.formule(formule)
        return c, calculer(c, formule, acte)

    c, r = _proteger(faire)
    if format == "json":
        import json
        d = r.en_dict()
        if explique:
            d["explication"] = r.explication_dict()
        sys.stdout.write(json.dumps(d, ensure_ascii=False, indent=2) + "\n")
        return
    from ..rendu import tables as rendu
    con = rendu.console()
    con.print(rendu.table_resultat(r, c))
    if explique:
        con.print(rendu.arbre_explication(r))


@app.command()
def contrats(format: str = typer.Option("table", "--format", help="table ou json.")):
    """Liste les contrats livrés et leurs formules."""
    from ..contrat.chargeur import charger_contrat, contrats_livres

    def faire():
        return [charger_contrat(str(p)) for p in contrats_livres()]

    liste = _proteger(faire)
    if format == "json":
        import json
        sys.stdout.write(json.dumps([{"id": c.id, "nom": c.nom, "assureur": c.assureur, "source": c.source,
                                      "responsable": c.responsable, "formules": list(c.formules),
                                      "formules_responsables": {f.id: c.responsable if f.responsable is None else f.responsable
                                                                for f in c.formules.values()},
                                      "niveaux": list(c.niveaux)} for c in liste], ensure_ascii=False, indent=2) + "\n")
        return
    from rich.table import Table
    from ..rendu import tables as rendu
    t = Table(title="Contrats livrés")
    for col in ("Identifiant", "Nom", "Assureur", "Formules", "Responsable"):
        t.add_column(col, overflow="fold")
    for c in liste:
        hors = [f.id for f in c.formules.values() if (c.responsable if f.responsable is None else f.responsable) is False]
        resp = ("oui" if c.responsable else "non") + (f" (sauf {', '.join(hors)})" if hors and c.responsable else "")
        t.add_row(c.id, c.nom, c.assureur, ", ".join(c.formules), resp)
    rendu.console().print(t)


@app.command("contrat")
def contrat_(id: str = typer.Argument(..., help="Identifiant ou chemin du contrat."),
             format: str = typer.Option("table", "--format", help="table ou json.")):
    """Affiche le tableau de garanties d'un contrat, une colonne par niveau, comme le document."""
    from ..contrat.chargeur import charger_contrat
    c = _proteger(lambda: charger_contrat(id))
    if format == "json":
        import json
        sys.stdout.write(json.dumps({
            "id": c.id, "nom": c.nom, "assureur": c.assureur, "source": c.source, "responsable": c.responsable,
            "niveaux": [{"id": n.id, "libelle": n.libelle, "convention": n.convention} for n in c.niveaux.values()],
            "colonnes": [{"id": x.id, "niveau": x.niveau, "libelle": x.libelle} for x in c.colonnes.values()],
            "formules": [{"id": f.id, "libelle": f.libelle, "colonnes": list(f.colonnes)} for f in c.formules.values()],
            "garanties": [{"section": l.section, "libelle": l.libelle, "natures": list(l.natures), "si": l.si_texte,
                           "cellules": {k: v.texte for k, v in l.cellules.items()}, "ligne": l.ligne} for l in c.lignes],
        }, ensure_ascii=False, indent=2) + "\n")
        return
    from ..rendu import tables as rendu
    rendu.console().print(rendu.table_garanties(c))


@app.command()
def natures(format: str = typer.Option("table", "--format", help="table ou json.")):
    """Le catalogue des natures d'actes (codes de --nature)."""
    from ..domaine.natures import CATEGORIES, NATURES
    if format == "json":
        import json
        sys.stdout.write(json.dumps([{"code": n.code, "libelle": n.libelle, "categorie": n.categorie,
                                      "rembourse_ss": n.taux is not None, "groupe_taux": n.taux,
                                      "participation_forfaitaire": n.pf, "franchise": n.franchise}
                                     for n in NATURES.values()], ensure_ascii=False, indent=2) + "\n")
        return
    from rich.table import Table
    from ..rendu import tables as rendu
    t = Table(title="Natures d'actes")
    for col in ("Code", "Libellé", "Catégorie", "Sécurité sociale"):
        t.add_column(col, overflow="fold")
    for n in NATURES.values():
        ss = "non remboursé" if n.taux is None else f"taux {n.taux}" + (" + PF" if n.pf else "") + (f" + franchise" if n.franchise else "")
        t.add_row(n.code, n.libelle, CATEGORIES.get(n.categorie, n.categorie), ss)
    rendu.console().print(t)


from ..cli import comparer as cli_comparer
from ..cli import lot as cli_lot
from ..cli import valider as cli_valider

for _module in (cli_lot, cli_comparer, cli_valider):
    _module.enregistrer(app)


def main():
    try:
        app()
    except KeyboardInterrupt:
        sys.stderr.write("interrompu\n")
        sys.exit(EXIT_INTERRUPTION)
