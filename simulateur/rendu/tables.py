"""Rich rendering and French number formatting: the only place that knows about terminals."""
from __future__ import annotations

from ..domaine.montant import texte_taux
from .texte import euros as texte_fr


def console(stderr: bool = False):
    from rich.console import Console
    return Console(stderr=stderr, highlight=False)


def table_resultat(r, contrat):
    from rich.table import Table
    from rich import box
    titre = f"{contrat.nom or contrat.id} — formule {r.formule}"
    t = Table(title=titre, box=box.SIMPLE_HEAVY, title_justify="left", show_footer=False)
    t.add_column("Payeur")
    t.add_column("Garantie", overflow="fold")
    t.add_column("Montant", justify="right")
    t.add_row("Frais réels", f"BR {texte_fr(r.base_remboursement)}", texte_fr(r.frais_reels), style="bold")
    garantie_ss = f"{texte_taux(r.taux_securite_sociale)} % × BR"
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
    t = Table(title=f"{escape(contrat.nom)} ({contrat.id})", caption=escape(contrat.source), box=box.SIMPLE, title_justify="left", expand=True)
    t.add_column("Nature des frais\n[dim](code de --nature)[/]", overflow="fold", ratio=5)
    for col in contrat.colonnes.values():
        niv = contrat.niveaux.get(col.niveau)
        t.add_column(escape(col.libelle) + ("" if niv is None else ("\n(SS incluse)" if niv.convention == "inclut-ss" else "\n(en complément)")),
                     overflow="fold", ratio=3)
    for i, (section, lignes) in enumerate(contrat.sections()):
        if i:
            t.add_section()
        t.add_row(f"[bold]{escape(section)}[/]", *[""] * len(contrat.colonnes))
        for l in lignes:
            lib = escape(l.libelle) + "\n[dim]" + escape(", ".join(l.natures)) + "[/]"
            t.add_row(lib, *[escape(l.cellules[c].texte) if c in l.cellules else "–" for c in contrat.colonnes])
    return t


def table_contrats(liste):
    from rich.table import Table
    t = Table(title="Contrats livrés")
    for col in ("Identifiant", "Nom", "Assureur", "Famille", "Date", "Formules", "Responsable"):
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


def table_natures():
    from rich.table import Table
    from ..domaine.natures import CATEGORIES, NATURES
    t = Table(title="Natures d'actes")
    for col in ("Code", "Libellé", "Catégorie", "Sécurité sociale"):
        t.add_column(col, overflow="fold")
    for n in NATURES.values():
        ss = "non remboursé" if n.taux is None else f"taux {n.taux}" + (" + PF" if n.pf else "") + (" + franchise" if n.franchise else "")
        t.add_row(n.code, n.libelle, CATEGORIES.get(n.categorie, n.categorie), ss)
    return t
