"""Where the tables are laid out: never a lost word, whatever the width.

Three rules, for every table the commands print:

- a table is printed as a table only if every column gets at least its narrowest width: the longest
  word of a column of prose (it wraps between words), the whole cell of a column of codes or amounts
  (`no_wrap`: a contract id, a nature code, a formula id or `1 234,56 €` is never cut). The widths
  are chosen here (`ajuster`), not left to Rich, whose last resort is to crop;
- when the table does not fit, the same cells are printed as blocks (`par_colonne`: one block per
  formula; `par_ligne`: one block per row), one `libellé  valeur` line each;
- when the standard output is not a terminal (a pipe, a file), the width has no limit (unless
  `COLUMNS` says otherwise) and no line ends with padding spaces;
- never narrower than LARGEUR_MIN (40 columns): on a narrower terminal the lines are laid out at 40
  and the terminal wraps them, so that no code and no amount is ever cropped.

Only Rich's public interface is used (columns, cells, rows, `Measurement`).
"""
from __future__ import annotations

import os
import re
import sys

LARGEUR_ILLIMITEE = 10_000      # "no limit": a table wider than this is not a table anyone reads
# The narrowest layout: below it (a terminal or `COLUMNS` of 1 to 39), the output is laid out at this
# width and the terminal wraps the lines — nothing is cropped. At 40 columns every block fits: the longest
# no-break cell (a nature code of 33 characters, an amount `99 999 999,99 €` of 15) with its indent.
LARGEUR_MIN = 40

# A word, for wrapping: text between ASCII spaces — a no-break space (` ` before €, the thin no-break
# space of thousands `1 234,56`) never breaks — and a number stays with its unit (`19,00 €`, `150 %`).
MOT = re.compile(r"[ \t\n\r\f\v]*(?:[^ \t\n\r\f\v]|(?<=\d) (?=[€%]))+[ \t\n\r\f\v]*")


def _coupures_francaises() -> None:
    """Rich wraps text at any Unicode space (`rich._wrap.re_word`), and would print `1` and `234,56 €`
    on two lines: its word pattern becomes MOT (the module is Rich's own; if it moves, Rich's rule
    stays, and the tests of every width say so)."""
    try:
        from rich import _wrap
    except ImportError:                 # pragma: no cover
        return
    if getattr(_wrap, "re_word", None) is not MOT:
        _wrap.re_word = MOT


def mots(texte: str) -> list[str]:
    """The words of a text as the wrapping sees them (MOT), without their spaces."""
    return [m.group(0).strip(" \t\n\r\f\v") for m in MOT.finditer(texte)]


class SansEspacesFinaux:
    """A text stream that writes to `flux` without the spaces that end a line (Rich pads each table
    cell to its column's width: a pipe or a file would get them all)."""

    def __init__(self, flux):
        self.flux = flux
        self.attente = ""        # spaces at the end of what was written, not yet known to end a line

    def write(self, texte: str) -> int:
        if not texte:
            return 0
        lignes = (self.attente + texte).split("\n")
        fin = lignes.pop()
        morceaux = [l.rstrip(" ") + "\n" for l in lignes]
        garde = fin.rstrip(" ")
        self.attente = fin[len(garde):]
        self.flux.write("".join(morceaux) + garde)
        return len(texte)

    def flush(self) -> None:
        self.flux.flush()

    def isatty(self) -> bool:
        return False

    def fileno(self) -> int:
        return self.flux.fileno()

    @property
    def encoding(self):
        return getattr(self.flux, "encoding", "utf-8")


def est_terminal(flux) -> bool:
    try:
        return bool(flux.isatty())
    except (AttributeError, ValueError, OSError):
        return False


def largeur_imposee() -> int | None:
    """`COLUMNS` when set to a number (tests, `COLUMNS=80 simulateur … > f`), at least LARGEUR_MIN; else None."""
    v = os.environ.get("COLUMNS", "").strip()
    return max(int(v), LARGEUR_MIN) if v.isdigit() and int(v) > 0 else None


def au_moins(con):
    """The console laid out at LARGEUR_MIN columns at least (a terminal narrower than that wraps the lines)."""
    if con.width < LARGEUR_MIN:
        con.width = LARGEUR_MIN
    return con


def nouvelle_console(**options):
    """A Rich console whose reader may leave: on a closed pipe (`| head -1`) Rich would end the process
    itself (`SystemExit(1)`); this one goes quiet and lets `BrokenPipeError` rise to the command line,
    which ends every command the same way (`cli.environnement.lecteur_parti`)."""
    from rich.console import Console

    class _Console(Console):
        def on_broken_pipe(self) -> None:
            self.quiet = True
            raise BrokenPipeError(32, "le lecteur de la sortie est parti")

    return _Console(**options)


def console(stderr: bool = False, flux=None):
    """The Rich console of a command's output (standard output, standard error, or the stream `flux`).
    On a terminal: its width. Not a terminal: `COLUMNS`, or no limit; no colour codes unless asked
    (FORCE_COLOR), no trailing spaces."""
    _coupures_francaises()
    flux = flux if flux is not None else (sys.stderr if stderr else sys.stdout)
    if est_terminal(flux):          # emoji=False: no `:code:` in a contract's text becomes a picture (and no import)
        return au_moins(nouvelle_console(file=flux, highlight=False, emoji=False))
    return nouvelle_console(file=SansEspacesFinaux(flux), width=largeur_imposee() or LARGEUR_ILLIMITEE, highlight=False,
                            soft_wrap=False, emoji=False)


# ------------------------------------------------------------------ fitting a table

def _texte(con, cellule):
    from rich.text import Text
    if isinstance(cellule, Text):
        return cellule
    if isinstance(cellule, str):
        return con.render_str(cellule, highlight=False)
    return None


def mesure(con, cellule, insecable: bool) -> tuple[int, int]:
    """(narrowest, natural) width of a cell: the longest word (or the whole line when `insecable`),
    the longest line."""
    from rich.cells import cell_len
    if isinstance(cellule, str) and "[" not in cellule:
        texte = cellule                       # no markup: the text as printed (the usual cell, measured fast)
    else:
        t = _texte(con, cellule)
        if t is None:
            from rich.measure import Measurement
            m = Measurement.get(con, con.options.update_width(LARGEUR_ILLIMITEE), cellule)
            return (m.maximum if insecable else m.minimum), m.maximum
        texte = t.plain
        insecable = insecable or bool(t.no_wrap)
    naturel = max((cell_len(l) for l in texte.split("\n")), default=0)
    if insecable:
        return naturel, naturel
    return max((cell_len(m) for l in texte.split("\n") for m in mots(l)), default=0), naturel


def _mesures_colonnes(con, table) -> list[tuple[int, int]]:
    out = []
    for col in table.columns:
        cellules = ([col.header] if table.show_header else []) + list(col.cells) + ([col.footer] if table.show_footer else [])
        mn = mx = 0
        for c in cellules:
            a, b = mesure(con, c, col.no_wrap)
            mn, mx = max(mn, a), max(mx, b)
        if col.min_width:
            mn, mx = max(mn, col.min_width), max(mx, col.min_width)
        out.append((mn, mx))
    return out


def _repartir(mesures: list[tuple[int, int]], place: int) -> list[int] | None:
    """Widths between each column's narrowest and natural width summing to at most `place`, the
    widest columns narrowed first (a common level L: width = clamp(L, min, max)); None if even the
    narrowest widths do not fit."""
    if sum(mn for mn, _ in mesures) > place:
        return None
    if sum(mx for _, mx in mesures) <= place:
        return [mx for _, mx in mesures]

    def largeurs(niveau):
        return [min(mx, max(mn, niveau)) for mn, mx in mesures]

    bas, haut = 0, max(mx for _, mx in mesures)
    while bas < haut:                       # the highest level that fits
        milieu = (bas + haut + 1) // 2
        if sum(largeurs(milieu)) <= place:
            bas = milieu
        else:
            haut = milieu - 1
    w = largeurs(bas)
    reste = place - sum(w)
    for i, (mn, mx) in enumerate(mesures):  # the columns at the level share what is left, one each
        if reste and w[i] < mx:
            w[i] += 1
            reste -= 1
    return w


def cadre(table) -> int:
    """The columns a table spends on its borders and the padding of its cells (Table.padding, pad_edge,
    box, show_edge), as Rich renders them. `collapse_padding` is refused: Rich measures such a table
    narrower than it draws it, and a fixed width would then cut a cell (grids here set it to False)."""
    if table.collapse_padding:
        raise ValueError("collapse_padding : largeurs fixes impossibles")
    _haut, droite, _bas, gauche = table.padding
    n = len(table.columns)
    marges = 0
    for i in range(n):
        g = 0 if (not table.pad_edge and i == 0) else gauche
        d = 0 if (not table.pad_edge and i == n - 1) else droite
        marges += g + d
    return (2 if table.box and table.show_edge else 0) + (n - 1 if table.box else 0) + marges


def ajuster(con, table, largeur: int | None = None) -> bool:
    """Sets the width of each column so that `table` fits `largeur` (default: the console's) without
    cutting a word of prose nor any cell of a `no_wrap` column. False (table untouched) when that is
    impossible: the caller prints another layout."""
    largeur = con.width if largeur is None else largeur
    mesures = _mesures_colonnes(con, table)
    w = _repartir(mesures, largeur - cadre(table))
    if w is None:
        return False
    table.expand = False
    for col, x in zip(table.columns, w):
        col.width, col.min_width = x, None
    return True


def afficher(con, table, repli) -> None:
    """Prints `table` if it fits the console, else `repli(table)` (another layout of the same cells)."""
    if ajuster(con, table):
        con.print(table)
    else:
        con.print(repli(table))


# ------------------------------------------------------------------ the same cells, as blocks

def _vide(cellule) -> bool:
    from rich.text import Text
    if isinstance(cellule, Text):
        return not cellule.plain.strip()
    return isinstance(cellule, str) and not cellule.strip()


def _une_ligne(con, cellule):
    """A header written on several lines (`contrat:\\nformule`, `Option 1\\n(en complément)`) on one."""
    from rich.text import Text
    t = _texte(con, cellule)
    if t is None:
        return cellule
    return Text(" ").join(l for l in t.split("\n") if l.plain.strip()) if "\n" in t.plain else t


def _valeur(con, col, cellule):
    """A cell moved out of its column keeps the column's promise: a `no_wrap` cell stays whole."""
    if not col.no_wrap:
        return cellule
    t = _texte(con, cellule)
    if t is None:
        return cellule
    t = t.copy()
    t.no_wrap = True
    return t


def _grille(con, paires, col_valeur, style_libelle="dim"):
    """`libellé  valeur` lines (a two-column grid, fitted to the console), or, if even that does not
    fit, the label on one line and the value under it."""
    from rich.console import Group
    from rich.padding import Padding
    from rich.table import Table
    from rich.text import Text
    g = Table.grid(padding=(0, 2, 0, 0), collapse_padding=False)     # two spaces between label and value
    g.add_column(style=style_libelle)
    g.add_column(justify=col_valeur.justify if col_valeur is not None else "left", overflow="fold")
    for libelle, valeur, style in paires:
        g.add_row(libelle, valeur, style=style)
    if ajuster(con, g, con.width - 2):
        return Padding(g, (0, 0, 0, 2))
    lignes = []
    for libelle, valeur, style in paires:
        lignes.append(Padding(_texte(con, libelle) or Text(""), (0, 0, 0, 2), style=style_libelle))
        lignes.append(Padding(valeur, (0, 0, 0, 4), style=style or ""))
    return Group(*lignes)


def _cadre(con, table, blocs):
    from rich.console import Group
    from rich.text import Text
    out = [Text("")]
    if table.title:
        out = [_texte(con, table.title) or table.title, Text("")]
    out += blocs
    if table.caption:
        out.append(_texte(con, table.caption) or table.caption)
    return Group(*out)


def par_colonne(con, table, premieres: int = 1):
    """One block per column after the first `premieres` (one block per formula): the column's header as
    a title, then one `libellé  valeur` line per row (the label from the first column)."""
    from rich.text import Text
    colonnes = table.columns
    libelles = list(colonnes[0].cells)
    blocs = []
    for col in colonnes[premieres:]:
        paires = []
        for libelle, valeur, ligne in zip(libelles, col.cells, table.rows):
            paires.append((libelle, _valeur(con, col, valeur), ligne.style))
            if ligne.end_section:
                paires.append(("", "", None))
        while paires and paires[-1][0] == "":
            paires.pop()
        titre = _une_ligne(con, col.header)
        blocs += [Text.assemble(titre, style="bold") if isinstance(titre, Text) else titre, _grille(con, paires, col), Text("")]
    return _cadre(con, table, blocs)


def par_ligne(con, table, titre: int = 1):
    """One block per row: its first `titre` cells as the title, then one `en-tête  valeur` line per other
    column. A row whose other cells are empty is a heading (a section of a guarantee table)."""
    from rich.text import Text
    colonnes = table.columns
    cellules = [list(c.cells) for c in colonnes]
    blocs = []
    for i, ligne in enumerate(table.rows):
        tete = [cellules[j][i] for j in range(titre)]
        reste = [(colonnes[j], cellules[j][i]) for j in range(titre, len(colonnes))]
        titre_texte = Text(" ").join(t for t in (_texte(con, c) for c in tete) if t is not None and t.plain.strip())
        if all(_vide(v) for _, v in reste):
            blocs += [Text.assemble(titre_texte, style="bold underline"), Text("")]
            continue
        paires = [(_une_ligne(con, col.header), _valeur(con, col, v), None) for col, v in reste if not _vide(v)]
        titre_texte.stylize("bold")
        if ligne.style:
            titre_texte.stylize(ligne.style)
        blocs += [titre_texte, _grille(con, paires, None), Text("")]
    return _cadre(con, table, blocs)
