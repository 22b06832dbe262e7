"""`simulateur actes`: the catalogue of act codes, as a Rich table or as JSON values (French wording here)."""
from __future__ import annotations

from ..domaine.montant import texte_json, texte_taux
from .texte import euros, nombre


def _br(f) -> str:
    e = f.entree
    if e.selon_dent:
        return "selon la dent"
    if f.br is None:
        return "—" if not e.base_remboursement else "pas à cette date"
    return euros(f.br.valeur) + (" / coefficient" if e.coefficient else "")


_POSITIONS = {"incisive": "I", "canine": "C", "premolaire-1": "PM1", "premolaire-2": "PM2", "molaire": "M"}
_PANIERS = {"100-sante": "100 % Santé", "maitrise": "maîtrisé", "libre": "libre"}


def _panier(f) -> str:
    e = f.entree
    if e.selon_dent:
        groupes: dict = {}
        for p, c in e.selon_dent:
            groupes.setdefault(c, []).append(_POSITIONS[p])
        return " · ".join(f"{'/'.join(ps)} {c}" for c, ps in groupes.items())
    s = _PANIERS.get(f.panier or "", "")
    if f.limite is not None:
        s += f", HLF/PLV {euros(f.limite.valeur)}"
    return s


def table_actes(liste, date, texte):
    """The table of `simulateur actes` (one row per code; the nature under the label)."""
    from rich import box
    from rich.markup import escape
    from rich.table import Table
    titre = f"Catalogue des actes au {date.isoformat()}" + (f" — « {texte} »" if texte else "") + f" : {len(liste)} code(s)"
    t = Table(title=escape(titre), box=box.SIMPLE, title_justify="left")
    t.add_column("Code", no_wrap=True)
    t.add_column("Libellé (nature)", overflow="fold")
    t.add_column("BR", justify="right", no_wrap=True)
    t.add_column("Taux", justify="right", no_wrap=True)
    t.add_column("Panier, HLF / PLV", overflow="fold")
    for f in liste:
        e = f.entree
        code = e.code + ("" if e.officiel else " *")
        libelle = escape(e.libelle) + (f" [dents {_dents(e)}]" if e.dents else "") + (f" [âge {e.age_texte}]" if e.age else "")
        libelle = libelle.replace("[dents", "\\[dents").replace("[âge", "\\[âge")
        if e.nature:
            libelle += f"\n[dim]{e.nature}[/]"
        t.add_row(escape(code), libelle, _br(f), f"{nombre(f.taux)} %" if f.taux is not None else "", _panier(f))
    etoile = "* clé descriptive, pas un code officiel. " if any(not f.entree.officiel for f in liste) else ""
    t.caption = etoile + "BR et taux du régime général dans le parcours de soins ; sources et dates : --format json."
    return t


def afficher_actes(con, liste, date, texte) -> None:
    """`simulateur actes` as a table when it fits without cutting a code, else one block per code."""
    from .disposition import afficher, par_ligne
    afficher(con, table_actes(liste, date, texte), lambda t: par_ligne(con, t))


def _dents(e) -> str:
    from ..parametres.catalogue import texte_dents
    return texte_dents(e.dents)


def _valeur(v) -> dict | None:
    if v is None:
        return None
    return {"valeur": texte_json(v.valeur), "depuis": v.depuis.isoformat(), "jusqu_au": v.jusqu_au.isoformat() if v.jusqu_au
            else None, "reference": v.reference, "source": v.source}


def actes_json(liste) -> list:
    """`simulateur actes --format json`: one object per code, its values at the date and their sources."""
    from ..parametres.catalogue import texte_dents
    out = []
    for f in liste:
        e = f.entree
        out.append({"code": e.code, "libelle": e.libelle, "nomenclature": e.nomenclature, "officiel": e.officiel,
                    "nature": e.nature, "groupe_taux": e.groupe_taux, "date": f.date.isoformat(),
                    "taux_securite_sociale": texte_taux(f.taux) if f.taux is not None else None,
                    "base_remboursement": _valeur(f.br), "coefficient": e.coefficient, "panier": f.panier,
                    "limite": _valeur(f.limite), "dents": texte_dents(e.dents) or None, "age": e.age_texte or None,
                    "selon_dent": dict(e.selon_dent) or None, "note": e.note or None, "lieu": e.lieu})
    return out
