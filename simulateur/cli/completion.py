"""Shell completion of the values users type: contract ids, the formulas of the contract already on
the line, nature codes (matched on their labels too), act codes.

Install once with `simulateur --install-completion` (bash, zsh, fish, PowerShell), or print the script
with `simulateur --show-completion`. Commands and options complete by themselves; the functions here
give the values. Each returns `(valeur, aide)` pairs (zsh and fish show the help; bash the values).
Everything is imported inside the functions: completion runs the program at each Tab, and the
ordinary start-up must not pay for it.

The act codes: `SOURCES_ACTES` is the list of functions `f(texte) -> [(code, libellé)]` that
`completer_actes` asks in turn. Today it holds only the nature codes (an option that names an act
accepts them); a tariff catalogue of official act codes (NGAP, CCAM, LPP) adds its own function to
this list, and every option completed by `completer_actes` proposes its codes.
"""
from __future__ import annotations

from typing import Callable, Iterable


def _proposer(paires: Iterable[tuple[str, str]], texte: str, limite: int = 200) -> list[tuple[str, str]]:
    out = []
    for valeur, aide in paires:
        if valeur.startswith(texte):
            out.append((valeur, aide))
            if len(out) >= limite:
                break
    return out


def completer_contrats(incomplete: str) -> list[tuple[str, str]]:
    """The shipped contracts (their id, their name); a path is left to the shell (`-o default`)."""
    from ..contrat.depot import contrats_livres
    return _proposer(((p.stem, "contrat livré") for p in contrats_livres()), incomplete or "")


def completer_formules(ctx, incomplete: str) -> list[tuple[str, str]]:
    """The formulas of the contract already given on the line (argument CONTRAT or option --contrat);
    for `--formules`, the item after the last comma, and `contrat:formule` once a colon is typed."""
    texte = incomplete or ""
    debut, virgule, courant = texte.rpartition(",")
    prefixe = debut + virgule
    params = getattr(ctx, "params", {}) or {}
    nom = params.get("contrat")
    if not nom and "formules" not in params:
        # `CONTRAT --formule <Tab>`: the parser stops at the option without value and leaves the argument unread
        nom = next((a for a in getattr(ctx, "args", []) or [] if not a.startswith("-")), None)
    if ":" in courant:
        nom, _, courant = courant.partition(":")
        prefixe += nom + ":"
    if not nom:
        return [(prefixe + c, aide) for c, aide in completer_contrats(courant)] if "formules" in params else []
    try:
        from ..contrat.depot import charger_contrat
        contrat = charger_contrat(nom)
    except Exception:  # noqa: BLE001 - an unreadable contract completes nothing
        return []
    deja = set(debut.split(",")) if debut else set()
    return [(prefixe + f, contrat.formules[f].libelle or f) for f in contrat.formules
            if f.startswith(courant) and f not in deja]


def natures_proposees(texte: str) -> list[tuple[str, str]]:
    """Nature codes starting with `texte`, or, if none, those whose label matches its words
    (`spécia` → consultation-specialiste); each with its label as help."""
    from ..domaine.natures import NATURES, chercher
    t = texte or ""
    par_code = [(n.code, n.libelle) for n in NATURES.values() if n.code.startswith(t)]
    return par_code or [(n.code, n.libelle) for n in chercher(t)]


def completer_natures(incomplete: str) -> list[tuple[str, str]]:
    return natures_proposees(incomplete)[:200]


def codes_actes_proposes(texte: str) -> list[tuple[str, str]]:
    """Act codes of the dated catalogue (NGAP, CCAM, LPP) starting with `texte` (case ignored), with their label."""
    try:
        from ..parametres.catalogue import charger_catalogue
        entrees = charger_catalogue().entrees
    except Exception:  # noqa: BLE001 - an unreadable catalogue completes nothing
        return []
    t = (texte or "").upper()
    return [(code, e.libelle[:80]) for code, e in sorted(entrees.items()) if code.upper().startswith(t)]


# Completion of an act code: each source gives (code, label) for a typed text (see the module's docstring).
SOURCES_ACTES: list[Callable[[str], Iterable[tuple[str, str]]]] = [codes_actes_proposes]


def completer_actes(incomplete: str) -> list[tuple[str, str]]:
    """Act codes from every source of SOURCES_ACTES (the catalogue's codes), without duplicates."""
    vus, out = set(), []
    for source in SOURCES_ACTES:
        for code, aide in source(incomplete or ""):
            if code not in vus:
                vus.add(code)
                out.append((code, aide))
    return out[:200]


def type_complete(fonction):
    """A text parameter type completed by `fonction(texte) -> [(valeur, aide)]`, the proposals kept as
    they are (Typer's `autocompletion` keeps only those that start with the typed text: a nature
    found by its label, `spécia` → consultation-specialiste, would be dropped)."""
    from typer._click.shell_completion import CompletionItem
    from typer._click.types import StringParamType

    class TexteComplete(StringParamType):
        def shell_complete(self, ctx, param, incomplete):
            return [CompletionItem(v, help=a or None) for v, a in fonction(incomplete or "")]

    return TexteComplete()


def completer_valeurs(valeurs: tuple) -> Callable[[str], list[tuple[str, str]]]:
    """The completion of an option with a fixed list of values (`--panier`, `--regime`…)."""
    def completer(incomplete: str) -> list[tuple[str, str]]:
        return [(v, "") for v in valeurs if v.startswith(incomplete or "")]
    return completer


# The completion of an act field's option, by field name (`options.option` asks here).
PAR_CHAMP: dict[str, Callable] = {"nature": completer_natures, "acte": completer_actes}
