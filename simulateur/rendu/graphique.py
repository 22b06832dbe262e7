"""Chart files (PNG, SVG) of a comparison, with matplotlib — an optional extra.

matplotlib is imported only here and only when a chart is asked for (`pip install '.[graphique]'`);
without it the command stops with a French message and exit code 2. Amounts are converted to
float only to place pixels; every number written on the chart comes from the Decimal amounts,
in French format.
"""
from __future__ import annotations

from pathlib import Path

from ..domaine.erreurs import ErreurSimulateur, apercu
from .texte import texte_fr

FORMATS = (".png", ".svg")
COULEURS = {"ss": "#2b6cb0", "complementaire": "#38a169", "rac": "#e53e3e"}
LIBELLES = {"ss": "Sécurité sociale", "complementaire": "Complémentaire", "rac": "Reste à charge"}


class GraphiqueIndisponible(ErreurSimulateur):
    """matplotlib missing, or a file the chart cannot be written to."""


def _matplotlib():
    try:
        import matplotlib
    except ImportError:
        from .installation import commande_installation
        raise GraphiqueIndisponible(f"--graphique demande matplotlib, qui n'est pas installé : "
                                    f"{commande_installation('graphique')}") from None
    matplotlib.use("Agg", force=True)     # files only, never a window
    import matplotlib.pyplot as plt
    return matplotlib, plt


def verifier_chemin(chemin, entrees=()) -> Path:
    """Checked before any calculation, so a bad name fails fast: a .png or .svg file (not a folder) in
    a folder that exists and can be written, and none of `entrees` (the command's input files, "-" the
    standard input: `fichiers.ecriture.verifier_sortie`)."""
    from ..fichiers.ecriture import SortieInvalide, verifier_sortie
    p = Path(chemin)
    if p.suffix.lower() not in FORMATS:
        raise GraphiqueIndisponible(f"--graphique {apercu(chemin, 200)} : extension « {apercu(p.suffix or '(aucune)', 20)} » "
                                    "non prise en charge ; écrivez un fichier .png ou .svg")
    try:
        return verifier_sortie(str(chemin), entrees)
    except SortieInvalide as e:
        raise GraphiqueIndisponible(f"--graphique {e}") from None


def ecrire_graphique(chemin, barres: list[tuple[str, list]], titre: str, sous_titre: str = "",
                     notes: list[str] | None = None) -> Path:
    """One horizontal stacked bar per formula: `barres` = [(label, [ss, complementaire, rac])]
    (Decimals). Each amount is written in its segment when it fits; `notes` (one per bar, e.g.
    the net cost with premiums) go after the bar, else the reste à charge when it did not fit."""
    p = verifier_chemin(chemin)
    matplotlib, plt = _matplotlib()
    matplotlib.rcParams["svg.hashsalt"] = "simulateur"      # reproducible SVG ids
    hauteur = 1.2 + 0.55 * len(barres)
    fig, ax = plt.subplots(figsize=(8, hauteur), dpi=100)
    try:
        noms = [b[0] for b in barres][::-1]
        valeurs = [b[1] for b in barres][::-1]
        maxi = max((float(sum(v)) for v in valeurs), default=0.0) or 1.0
        notes_inv = (list(notes) if notes else [""] * len(barres))[::-1]
        gauche = [0.0] * len(valeurs)
        dedans = [[False] * 3 for _ in valeurs]
        for k, cle in enumerate(("ss", "complementaire", "rac")):
            largeurs = [float(v[k]) for v in valeurs]
            ax.barh(noms, largeurs, left=gauche, color=COULEURS[cle], label=LIBELLES[cle], height=0.6)
            for i, (g, w, v) in enumerate(zip(gauche, largeurs, valeurs)):
                if w >= maxi * 0.12:      # write the amount inside the segment when it fits
                    ax.text(g + w / 2, i, texte_fr(v[k]), ha="center", va="center", color="white", fontsize=8)
                    dedans[i][k] = True
            gauche = [g + w for g, w in zip(gauche, largeurs)]
        for i, v in enumerate(valeurs):
            note = notes_inv[i] or ("" if dedans[i][2] else f"reste {texte_fr(v[2])}")
            if note:
                ax.text(gauche[i] + maxi * 0.01, i, note, va="center", fontsize=8, color="#742a2a")
        ax.set_xlim(0, maxi * (1.45 if any(notes_inv) else 1.2))
        ax.set_xlabel("euros")
        ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda x, _p: f"{x:,.0f}".replace(",", "\u202f")))
        ax.spines[["top", "right"]].set_visible(False)
        ax.set_title(titre + (f"\n{sous_titre}" if sous_titre else ""), fontsize=10, loc="left")
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.35 if len(barres) < 3 else -0.2), ncol=3, frameon=False, fontsize=8)
        fig.tight_layout()
        meta = {"Date": None} if p.suffix.lower() == ".svg" else {"Software": None}
        from ..fichiers.ecriture import SortieAtomique
        with SortieAtomique(p, binaire=True) as flux:        # all of the chart, or the previous file intact
            fig.savefig(flux, format=p.suffix.lower().lstrip("."), metadata=meta, bbox_inches="tight")
    finally:
        plt.close(fig)
    return p
