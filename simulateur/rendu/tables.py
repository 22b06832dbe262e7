"""Rich tables of `simuler`, `contrat`, `contrats` and `natures` (French number format from `texte`).

Every table is printed through `disposition.afficher`: as a table when each column gets its narrowest
width (codes and amounts whole, prose wrapped between words), else as blocks of the same cells.
Columns of codes and amounts are `no_wrap`; columns of prose wrap (`overflow="fold"` is only their
last resort, never reached since `ajuster` keeps every column at least as wide as its longest word).
"""
from __future__ import annotations

from ..domaine.montant import texte_taux
from .texte import euros as texte_fr


def console(stderr: bool = False):
    """The console of a command's output (see `disposition.console`: no width limit and no trailing
    spaces when the output is not a terminal)."""
    from .disposition import console as _console
    return _console(stderr)


def afficher_resultat(con, r, contrat) -> None:
    """The table of `simuler`, or, when it does not fit, one block per payer."""
    from .disposition import afficher, par_ligne
    afficher(con, table_resultat(r, contrat), lambda t: par_ligne(con, t))


def afficher_garanties(con, contrat) -> None:
    """The guarantee table of a contract, or one block per line of guarantees."""
    from .disposition import afficher, par_ligne
    afficher(con, table_garanties(contrat), lambda t: par_ligne(con, t))


def afficher_contrats(con, liste) -> None:
    from .disposition import afficher, par_ligne
    afficher(con, table_contrats(liste), lambda t: par_ligne(con, t))


def afficher_natures(con, natures=None, titre: str = "Natures d'actes") -> None:
    from .disposition import afficher, par_ligne
    afficher(con, table_natures(natures, titre), lambda t: par_ligne(con, t))


def table_resultat(r, contrat):
    from rich.table import Table
    from rich import box
    titre = f"{contrat.nom or contrat.id} — formule {r.formule}"
    t = Table(title=titre, box=box.SIMPLE_HEAVY, title_justify="left", show_footer=False)
    t.add_column("Payeur", overflow="fold")
    t.add_column("Garantie", overflow="fold")
    t.add_column("Montant", justify="right", no_wrap=True)
    t.add_row("Frais réels", f"BR {texte_fr(r.base_remboursement)}", texte_fr(r.frais_reels), style="bold")
    garantie_ss = f"{texte_taux(r.taux_securite_sociale)} % × BR"
    if r.majoration_hors_parcours:          # what was computed: the pathway's rate, then the capped majoration
        garantie_ss += f" − majoration hors parcours {texte_fr(r.majoration_hors_parcours)}"
    if r.participation_forfaitaire:
        garantie_ss += f", dont {texte_fr(r.participation_forfaitaire)} retenus (participation forfaitaire / franchise)"
    t.add_row("Sécurité sociale", garantie_ss, texte_fr(r.securite_sociale))
    if r.nature.startswith("apres-cancer"):
        t.add_row("Forfait après cancer (ARS)", "parcours de soins global après cancer", texte_fr(r.forfait_apres_cancer))
    for p in r.parts:
        niv = contrat.niveaux[p.niveau]
        col = contrat.colonnes[p.colonne]
        nom = col.libelle if col.libelle != niv.libelle else niv.libelle
        t.add_row(nom, p.garantie, texte_fr(p.montant))
    t.add_section()
    t.add_row("Total remboursé", "", texte_fr(r.total_rembourse), style="bold green")
    rac = "Reste à charge"
    t.add_row(rac, "dont participation forfaitaire / franchises" if r.participation_forfaitaire else "",
              texte_fr(r.reste_a_charge), style="bold red" if r.reste_a_charge else "bold")
    return t


def arbre_explication(r):
    """The explanation tree of `--explique` (simulateur.rendu.explication)."""
    from .explication import arbre
    return arbre(r)


def table_garanties(contrat):
    from rich.table import Table
    from rich import box
    from rich.markup import escape
    t = Table(title=f"{escape(contrat.nom)} ({contrat.id})", caption=escape(contrat.source), box=box.SIMPLE, title_justify="left",
              caption_justify="left")
    t.add_column("Nature des frais\n[dim](code de --nature)[/]", overflow="fold")
    for col in contrat.colonnes.values():
        niv = contrat.niveaux.get(col.niveau)
        t.add_column(escape(col.libelle) + ("" if niv is None else ("\n(SS incluse)" if niv.convention == "inclut-ss" else "\n(en complément)")),
                     overflow="fold")
    for i, (section, lignes) in enumerate(contrat.sections()):
        if i:
            t.add_section()
        t.add_row(f"[bold]{escape(section)}[/]", *[""] * len(contrat.colonnes))
        for l in lignes:
            lib = escape(l.libelle) + "\n[dim]" + escape(", ".join(l.natures)) + "[/]"
            t.add_row(lib, *[escape(l.cellules[c].texte) if c in l.cellules else "–" for c in contrat.colonnes])
    return t


def table_contrats(liste):
    from rich import box
    from rich.table import Table
    t = Table(title="Contrats livrés", title_justify="left", box=box.SIMPLE_HEAD)
    t.add_column("Identifiant", no_wrap=True)
    for col in ("Nom", "Assureur", "Famille"):
        t.add_column(col, overflow="fold")
    t.add_column("Date", no_wrap=True)
    for col in ("Formules", "Responsable"):
        t.add_column(col, overflow="fold")
    for c in liste:
        hors = [f for f in c.formules if not c.est_responsable(f)]
        resp = ("oui" if c.responsable else "non") + (f" (sauf {', '.join(hors)})" if hors and c.responsable else "")
        surco = [n.id for n in c.niveaux.values() if n.responsable is False]
        resp += f" (sauf niveau {', '.join(surco)})" if surco and c.responsable else ""
        t.add_row(c.id, c.nom, c.assureur, c.famille or "–", c.date_source or "–", _formules_courtes(c), resp)
    return t


def _formules_courtes(c) -> str:
    """The formula ids, or for a contract of modules their number and how they are made."""
    if c.modules:
        return f"{len(c.formules)} formules (modules : {', '.join(dict.fromkeys(m.niveau for m in c.modules))})"
    return ", ".join(c.formules)


def table_natures(natures=None, titre: str = "Natures d'actes"):
    """The catalogue of natures (or `natures`, a list of Nature), grouped by category: code, label,
    what the Sécurité sociale does (rate group, participation forfaitaire, franchise)."""
    from rich import box
    from rich.table import Table
    from ..domaine.natures import CATEGORIES, NATURES
    t = Table(title=titre, title_justify="left", box=box.SIMPLE_HEAD)
    t.add_column("Code", no_wrap=True)
    t.add_column("Libellé", overflow="fold")
    t.add_column("Sécurité sociale", overflow="fold")
    liste = list(NATURES.values() if natures is None else natures)
    for k, (cat, libelle) in enumerate((c, l) for c, l in CATEGORIES.items() if any(n.categorie == c for n in liste)):
        if k:
            t.add_section()
        t.add_row(f"[bold]{libelle}[/]", "", "")
        for n in liste:
            if n.categorie == cat:
                ss = "non remboursé" if n.taux is None else f"taux {n.taux}" + (" + PF" if n.pf else "") + (" + franchise" if n.franchise else "")
                t.add_row(n.code, n.libelle, ss)
    return t


_TITRES_RESUME = {"beneficiaire": "bénéficiaire", "categorie": "catégorie de soins", "mois": "mois"}


def table_resume(resume):
    """The totals of `lot --resume` (a `lot.resume.Resume`): one row per group, then the total."""
    from rich import box
    from rich.table import Table
    t = Table(title=f"Totaux par {_TITRES_RESUME.get(resume.cle, resume.cle)}", title_justify="left", box=box.SIMPLE_HEAD)
    t.add_column({"beneficiaire": "Bénéficiaire", "categorie": "Catégorie", "mois": "Mois"}.get(resume.cle, resume.cle),
                 no_wrap=True)
    groupes = resume.groupes()
    total = resume.total()
    avec_forfait = bool(total.get("forfait_apres_cancer"))
    colonnes = [("actes", "Actes"), ("frais_reels", "Frais réels"), ("securite_sociale", "Sécurité sociale")]
    colonnes += [("forfait_apres_cancer", "Forfait après cancer")] if avec_forfait else []
    colonnes += [("complementaire", "Complémentaire"), ("reste_a_charge", "Reste à charge")]
    for _cle, titre in colonnes:
        t.add_column(titre, justify="right", no_wrap=True)

    def cellules(d):
        return [str(d[k]) if k == "actes" else texte_fr(d[k]) for k, _ in colonnes]

    for d in groupes:
        t.add_row(resume.libelle(d[resume.cle]), *cellules(d))
    t.add_section()
    t.add_row("Total", *cellules(total), style="bold")
    return t


def afficher_resume(con, resume) -> None:
    from .disposition import afficher, par_ligne
    afficher(con, table_resume(resume), lambda t: par_ligne(con, t))
