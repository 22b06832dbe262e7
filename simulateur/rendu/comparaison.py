"""Rich rendering of comparisons: formulas side by side, stacked bars, standard examples.

Only reads what comparaison.py computed; French number format from montant.texte_fr. The lowest
reste à charge (and net cost) is marked with a star as well as a colour, so it survives NO_COLOR
and copy-paste.
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from .texte import texte_fr

ZERO = Decimal(0)
ETOILE = "★"
STYLE_MEILLEUR = "bold green"
# (key, label, character, colour): the character keeps the bars readable without colour
SEGMENTS = (("ss", "Sécurité sociale", "█", "blue"),
            ("complementaire", "complémentaire", "▓", "green"),
            ("rac", "reste à charge", "░", "red"))


def _fr(x) -> str:
    """French amount; no-break space before € (amount columns are `no_wrap` besides: Rich wraps on
    any Unicode space)."""
    return texte_fr(x).replace(" €", "\u00a0€")


def _euros(x) -> str:
    return "–" if x is None else _fr(x)


def entete(cle: str) -> str:
    """A column header: `contrat:formule` on two lines, so that long contract ids fold cleanly."""
    return cle.replace(":", ":\n", 1) if ":" in cle else cle


def _marque(texte: str, meilleur: bool):
    from rich.text import Text
    if meilleur:
        return Text(f"{texte} {ETOILE}", style=STYLE_MEILLEUR)
    return Text(texte)


def _lignes_niveaux(comparaisons) -> list[str]:
    """Layer labels, in order of first appearance across the compared formulas."""
    vus: list[str] = []
    for c in comparaisons:
        for _n, lib in c.niveaux():
            if lib not in vus:
                vus.append(lib)
    return vus


def _part(c, libelle):
    for n, lib in c.niveaux():
        if lib == libelle:
            return c.total.parts.get(n, ZERO)
    return None


def afficher_comparaison(con, comparaisons, *, panier: bool = False) -> None:
    """The comparison table, or, when its columns do not fit the console, one block per formula."""
    from .disposition import afficher, par_colonne
    afficher(con, table_comparaison(comparaisons, panier=panier), lambda t: par_colonne(con, t))


def table_comparaison(comparaisons, *, titre: str | None = None, panier: bool = False):
    """One column per formula: Sécurité sociale, each layer, total reimbursed, reste à charge
    (the lowest starred); for a basket, totals per category of care; with premiums, the net cost.
    Amount columns are `no_wrap` (an amount and a formula id are never cut); labels wrap."""
    from rich import box
    from rich.table import Table
    from ..comparaison import meilleur_cout_net, meilleur_reste_a_charge
    from rich.text import Text
    from ..domaine.natures import CATEGORIES
    t = Table(title=titre, box=box.SIMPLE_HEAVY, title_justify="left", padding=(0, 1, 0, 0))   # one space between columns
    t.add_column("", overflow="fold")
    for c in comparaisons:
        t.add_column(entete(c.cible.cle), justify="right", no_wrap=True)
    n = len(comparaisons)
    t.add_row("Frais réels", *[_fr(c.total.frais_reels) for c in comparaisons], style="bold")
    t.add_row("Sécurité sociale", *[_fr(c.total.securite_sociale) for c in comparaisons])
    if any(c.total.forfait_apres_cancer for c in comparaisons):
        t.add_row("Forfait après cancer (ARS)", *[_fr(c.total.forfait_apres_cancer) for c in comparaisons])
    niveaux = _lignes_niveaux(comparaisons)
    for lib in niveaux:
        t.add_row(lib, *[_euros(_part(c, lib)) for c in comparaisons])
    if any(len(c.niveaux()) > 1 for c in comparaisons):
        t.add_row("Complémentaire (total)", *[_fr(c.total.complementaire) for c in comparaisons])
    t.add_section()
    t.add_row("Total remboursé", *[_fr(c.total.total_rembourse) for c in comparaisons], style="bold")
    meilleurs = meilleur_reste_a_charge(comparaisons) if n > 1 else set()
    t.add_row("Reste à charge", *[_marque(_fr(c.total.reste_a_charge), i in meilleurs) for i, c in enumerate(comparaisons)],
              style="bold")
    if any(c.total.participation_forfaitaire for c in comparaisons):
        t.add_row("  dont PF et franchises",
                  *[_fr(c.total.participation_forfaitaire) for c in comparaisons], style="dim")
    if panier:
        cats = [k for k in CATEGORIES if any(k in c.par_categorie for c in comparaisons)]
        if cats:
            t.add_section()
            t.add_row(Text("Par catégorie : remboursé, puis reste à charge (RAC)", style="italic"), *[""] * n)
            for k in cats:
                cellules = []
                for c in comparaisons:
                    v = c.par_categorie.get(k)
                    if v is None:
                        cellules.append("–")
                    else:
                        x = Text(_fr(v.total_rembourse))
                        x.append(f"\nRAC {_fr(v.reste_a_charge)}", style="dim")
                        cellules.append(x)
                nb = max((c.par_categorie[k].actes for c in comparaisons if k in c.par_categorie), default=0)
                t.add_row(f"{CATEGORIES[k]} ({nb} acte{'s' if nb > 1 else ''})", *cellules)
        if any(c.erreurs for c in comparaisons):
            t.add_row("Actes en erreur (non comptés)", *[str(len(c.erreurs)) for c in comparaisons], style="red")
    if any(c.cotisation_mensuelle is not None for c in comparaisons):
        t.add_section()
        t.add_row("Cotisation mensuelle", *[_euros(c.cotisation_mensuelle) for c in comparaisons])
        t.add_row("Cotisation annuelle (12 mois)", *[_euros(c.cotisation_annuelle) for c in comparaisons])
        moins_cher = meilleur_cout_net(comparaisons) if n > 1 else set()
        t.add_row("Coût net : cotisation + reste à charge",
                  *[_marque(_euros(c.cout_net), i in moins_cher) for i, c in enumerate(comparaisons)], style="bold")
    return t


def legende_formules(comparaisons) -> list[str]:
    """One line per contract: its name, then `clé = formula label` (the table headers are short)."""
    return legende_cibles([c.cible for c in comparaisons])


def legende_cibles(cibles) -> list[str]:
    par_contrat: dict = {}
    for c in cibles:
        par_contrat.setdefault(c.contrat.id, (c.contrat, []))[1].append(f"{c.cle} = {c.libelle}")
    return [f"{k} ({contrat.nom or k}) : " + " ; ".join(f) for k, (contrat, f) in par_contrat.items()]


def conclusion(comparaisons, *, panier: bool) -> list[str]:
    """The sentences under the table: lowest reste à charge, and lowest net cost with premiums."""
    from ..comparaison import meilleur_cout_net, meilleur_reste_a_charge
    if len(comparaisons) < 2:
        return []
    quoi = "ce panier" if panier else "cet acte"
    out = []
    m = sorted(meilleur_reste_a_charge(comparaisons))
    noms = " et ".join(comparaisons[i].cible.cle for i in m)
    out.append(f"{ETOILE} Reste à charge le plus bas pour {quoi} : {noms} ({texte_fr(comparaisons[m[0]].total.reste_a_charge)}).")
    if all(c.cout_net is not None for c in comparaisons):
        m = sorted(meilleur_cout_net(comparaisons))
        noms = " et ".join(comparaisons[i].cible.cle for i in m)
        out.append(f"{ETOILE} Formule la moins chère pour {quoi}, cotisations comprises : {noms} "
                   f"(coût net {texte_fr(comparaisons[m[0]].cout_net)} sur un an).")
    return out


# ------------------------------------------------------------------ stacked bars

def repartir(montants: list[Decimal], largeur: int) -> list[int]:
    """Character counts proportional to the amounts, summing to `largeur` exactly (largest
    remainder); a non-zero amount always gets at least one character."""
    total = sum(montants, ZERO)
    if total <= 0 or largeur <= 0:
        return [0] * len(montants)
    exacts = [m * largeur / total for m in montants]
    parts = [int(x) for x in exacts]
    reste = largeur - sum(parts)
    ordre = sorted(range(len(montants)), key=lambda i: exacts[i] - parts[i], reverse=True)
    for i in ordre[:reste]:
        parts[i] += 1
    for i, m in enumerate(montants):
        if m > 0 and parts[i] == 0:
            j = max(range(len(parts)), key=lambda k: parts[k])
            if parts[j] > 1:
                parts[j] -= 1
                parts[i] = 1
    return parts


def segments(c) -> list[Decimal]:
    """Sécurité sociale (with the après-cancer forfait), complementary layers, reste à charge."""
    t = c.total
    return [t.securite_sociale + t.forfait_apres_cancer, t.complementaire, t.reste_a_charge]


def barres(comparaisons, largeur: int = 40, place: int | None = None):
    """A stacked bar per formula, its length proportional to the frais réels (the longest = `largeur`
    characters, fewer when the console (`place` columns) is narrower; the bar goes under its label
    when the label, the bar and the amount cannot share a line)."""
    from rich.cells import cell_len
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text
    fr_max = max((c.total.frais_reels for c in comparaisons), default=ZERO)
    lignes = []
    for c in comparaisons:
        fr = c.total.frais_reels
        pct = (c.total.reste_a_charge * 100 / fr).to_integral_value(rounding=ROUND_HALF_UP) if fr > 0 else ZERO
        lignes.append((c, f"reste {texte_fr(c.total.reste_a_charge)} ({pct} %)"))
    cle_max = max((cell_len(c.cible.cle) for c, _ in lignes), default=0)
    texte_max = max((cell_len(t) for _, t in lignes), default=0)
    place = largeur + cle_max + texte_max + 2 if place is None else place
    sur_une_ligne = place - cle_max - texte_max - 2 >= 10
    largeur = max(1, min(largeur, place - cle_max - texte_max - 2 if sur_une_ligne else place - 2))

    def barre(c):
        longueur = int((c.total.frais_reels * largeur / fr_max).to_integral_value(rounding=ROUND_HALF_UP)) if fr_max > 0 else 0
        b = Text()
        for (cle, _lib, car, couleur), nb in zip(SEGMENTS, repartir(segments(c), longueur)):
            b.append(car * nb, style=couleur)
        b.append(" " * (largeur - longueur))
        return b

    grille = Table.grid(padding=(0, 1))
    if sur_une_ligne:
        for _ in range(3):
            grille.add_column(no_wrap=True)
        for c, texte in lignes:
            grille.add_row(c.cible.cle, barre(c), texte)
    else:
        grille.add_column(no_wrap=True)
        for c, texte in lignes:
            grille.add_row(Text.assemble(c.cible.cle, "  ", texte))
            grille.add_row(Text.assemble("  ", barre(c)))
    legende = Text("  ".join(f"{car} {lib}" for _k, lib, car, _c in SEGMENTS))
    for (_k, lib, car, couleur) in SEGMENTS:
        legende.highlight_words([f"{car} {lib}"], style=couleur)
    return Group(grille, legende)


# ------------------------------------------------------------------ standard examples

def table_exemples(lignes, cibles, *, titre: str):
    """One row per example, one column per formula: the complementary payment, then the reste à
    charge (RAC); an example that cannot be computed shows « – (n) » and note n says why.
    Returns (table, notes)."""
    from rich import box
    from rich.table import Table
    from rich.text import Text
    from ..domaine.natures import CATEGORIES
    t = Table(title=titre, box=box.SIMPLE_HEAD, title_justify="left", padding=(0, 1, 0, 0),
              caption="Par formule : remboursement de la complémentaire (1re ligne), puis reste à charge (2e ligne), "
                      "chaque exemple à partir d'une année vierge.", caption_justify="left")
    t.add_column("", no_wrap=True)
    t.add_column("Acte\ndépense · BR · Sécu", overflow="fold")
    for c in cibles:
        t.add_column(entete(c.cle) + "\nremb.\nreste", justify="right", no_wrap=True)
    notes: list[str] = []

    def renvoi(texte: str) -> int:
        if texte not in notes:
            notes.append(texte)
        return notes.index(texte) + 1

    categorie = None
    for l in lignes:
        ex = l.exemple
        if ex.categorie != categorie:
            if categorie is not None:
                t.add_section()
            categorie = ex.categorie
            t.add_row("", Text(CATEGORIES.get(categorie, categorie), style="bold"), *[""] * len(cibles))
        sec = _euros(l.securite_sociale)
        if l.securite_sociale is not None and l.securite_sociale != ex.securite_sociale:
            sec += f" ({renvoi(f'{ex.id} : Sécurité sociale calculée {_fr(l.securite_sociale)}, les documents impriment {_fr(ex.securite_sociale)}')})"
        acte = Text(ex.libelle)
        acte.append(f"\n{_fr(ex.frais_reels)} · BR {_fr(ex.br)} · Sécu {sec}", style="dim")
        cellules = []
        for cible, cel in zip(cibles, l.cellules):
            from ..comparaison.exemples import pourquoi
            if cel.resultat is None:
                cellules.append(Text(f"– ({renvoi(f'{ex.id} : {pourquoi(cible, cel)}')})"))
            else:
                x = Text(_fr(cel.complementaire))
                x.append(f"\n{_fr(cel.resultat.reste_a_charge)}", style="red" if cel.resultat.reste_a_charge else "dim")
                cellules.append(x)
        ident = ex.id + (f" ({renvoi(f'{ex.id} : hypothèse : {ex.hypothese}')})" if ex.hypothese else "")
        t.add_row(ident, acte, *cellules)
    return t, notes


def afficher_exemples(con, lignes, cibles, *, titre: str) -> list[str]:
    """The table of the standard examples, or, when its columns do not fit the console, one block per
    example (a line per formula: remboursement, reste à charge). Returns the notes (numbered as in
    the cells)."""
    from .disposition import ajuster
    table, notes = table_exemples(lignes, cibles, titre=titre)
    if ajuster(con, table):
        con.print(table)
    else:
        con.print(blocs_exemples(con, table, cibles))
    return notes


def blocs_exemples(con, table, cibles):
    """The cells of `table_exemples`, one block per example: its id and act, then `formule  remb.  reste`."""
    from rich.console import Group
    from rich.padding import Padding
    from rich.table import Table
    from rich.text import Text
    from .disposition import _vide, ajuster, par_ligne
    colonnes = [list(c.cells) for c in table.columns]
    blocs = [Text(str(table.title)), Text("")] if table.title else []
    for i in range(len(table.rows)):
        ident, acte, valeurs = colonnes[0][i], colonnes[1][i], [col[i] for col in colonnes[2:]]
        if all(_vide(v) for v in valeurs):
            blocs += [Text.assemble(acte, style="bold underline") if isinstance(acte, Text) else Text(str(acte)), Text("")]
            continue
        g = Table.grid(padding=(0, 2, 0, 0), collapse_padding=False)
        g.add_column(no_wrap=True, style="dim")
        g.add_column(justify="right", no_wrap=True)
        g.add_column(justify="right", no_wrap=True)
        g.add_row("", "remb.", "reste", style="dim")
        for c, v in zip(cibles, valeurs):
            morceaux = list(v.split("\n")) if isinstance(v, Text) else [Text(str(v))]
            g.add_row(c.cle, *(morceaux + [Text("")])[:2])
        if not ajuster(con, g, con.width - 2):
            return par_ligne(con, table, titre=2)
        titre = Text.assemble(Text(str(ident), style="bold"), " ", acte)
        blocs += [titre, Padding(g, (0, 0, 0, 2)), Text("")]
    blocs.append(Text("Par formule : remboursement de la complémentaire (remb.) et reste à charge, chaque exemple à partir "
                      "d'une année vierge."))
    return Group(*blocs)
