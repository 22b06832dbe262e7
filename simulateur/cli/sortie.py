"""The machine formats every data command shares: `--format json` (one JSON document) and `--format
csv` (a header, then one row per item, comma separated, UTF-8, amounts with a decimal point as in
JSON, yes/no as true/false, nothing for null). The rows are made from the JSON objects, so that a
column has the name of the JSON key it comes from (docs/interface.md lists them)."""
from __future__ import annotations

import sys


def ecrire_json(donnees) -> None:
    import json
    sys.stdout.write(json.dumps(donnees, ensure_ascii=False, indent=2) + "\n")


def _cellule(v) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (list, tuple)):
        return " ".join(_cellule(x) for x in v)
    if isinstance(v, dict):
        return "; ".join(f"{k}={_cellule(x)}" for k, x in v.items())
    return str(v)


def ecrire_csv(colonnes: list[str], lignes) -> None:
    """A header and the rows (dicts: a missing key is an empty cell) on stdout, by the `csv` module."""
    import csv
    w = csv.writer(sys.stdout, lineterminator="\n")
    w.writerow(colonnes)
    for l in lignes:
        w.writerow([_cellule(l.get(c)) for c in colonnes])


def colonnes_de(lignes, debut=()) -> list[str]:
    """The keys of the rows in order of first appearance, `debut` first, the `part_<niveau>` columns
    together where the first of them appears (formulas with different layers share one header)."""
    vues = dict.fromkeys(debut)
    for l in lignes:
        vues.update(dict.fromkeys(l))
    cols = list(vues)
    parts = [c for c in cols if c.startswith("part_")]
    if not parts:
        return cols
    i = cols.index(parts[0])
    autres = [c for c in cols if not c.startswith("part_")]
    return autres[:i] + parts + autres[i:]


def a_plat(d: dict) -> dict:
    """A result of `simuler --format json` as one row: its `parts` become `part_<niveau>` columns (the
    amount each layer paid) at their place; `acte` and `explication` are left to JSON."""
    out = {}
    for k, v in d.items():
        if k == "parts":
            for p in v:
                out[f"part_{p['niveau']}"] = p["montant"]
        elif k not in ("acte", "explication", "par_categorie", "erreurs", "hypotheses"):
            out[k] = v
    return out
