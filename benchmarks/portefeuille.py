"""Portfolio benchmark (issue 14): `simulateur lot` with the columnar engine on 1 M and 10 M acts over ALL
shipped contracts and formulas, beside the floor of a polars `read_csv` + `write_csv` of the same file,
measured in the same run; then the Dask engine with 1 and 2 workers.

    python benchmarks/portefeuille.py                      # 1 M and 10 M acts, lot, floor, Dask 1 and 2 workers
    python benchmarks/portefeuille.py --tailles 1000000    # 1 M only
    python benchmarks/portefeuille.py --sans-dask
    python benchmarks/portefeuille.py --ligne              # + the line engine on the 1 M file (about 40 s)
    python benchmarks/portefeuille.py --generer-seulement

The files go to `benchmarks/donnees/` (ignored by git), generated once: each beneficiary (50 acts a
year) has one contract drawn among the shipped ones, then one of its formulas, written on each row
(`contrat`, `formule` columns); the mix of acts is `benchmarks/lot.py`'s (pharmacy with its SMR, doctors DPTM or
not, biology, auxiliaries, dental care and prostheses in three baskets, optics equipment of classes A
and B with lens classes and frame, hearing aids per ear — their renewals are computed by the line
engine —, hospital stays, envelopes, counts…), over the civil year 2025, rows in random order.

Each measure is a child process: wall time, CPU time and peak memory (the child's maximum RSS, from
os.wait4) — Python start-up and imports included. Targets: at 1 M acts `lot` ≤ 2 × the floor's time
and ≤ 300 MB; at 10 M acts ≤ 300 MB; 2 Dask workers ≥ 1.5 × one on 10 M acts.

Last measures (2026-12-01, AMD EPYC, 2 cores shared with other jobs, load 1.3 to 2.8; docs/portefeuille.md):
1 M acts — floor 0.83 s, `lot --moteur colonnes` 14.2 s (70 600 acts/s, CPU 16.2 s, 245 MB: 17 × the
floor), 3.9 % of the rows computed by the line engine; 10 M acts — floor 8.7 s, `lot --moteur colonnes`
169 s (59 000 acts/s, 261 MB: 19 ×). Memory targets met, the 2 × target not (Dask not measured again).
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import random
import sys
import time
from pathlib import Path

ICI = Path(__file__).resolve().parent
DONNEES = ICI / "donnees"
sys.path.insert(0, str(ICI))
import lot as banc_lot  # noqa: E402  (the same mix of acts, the same measuring)

COLONNES = banc_lot.COLONNES + ["smr", "contrat", "formule"]
SMR = ("majeur", "majeur", "important", "modere", "faible")


def cibles() -> list[tuple[str, str]]:
    """Every shipped (contract, formula)."""
    from simulateur.contrat import contrats_livres
    from simulateur.contrat.depot import charger_contrat
    par_contrat = []
    for p in contrats_livres():
        c = charger_contrat(str(p))
        par_contrat.append([(c.id, f) for f in c.formules])
    # interleaved, contract after contract (the first of each, then the second…): the first draws and the
    # first beneficiaries reach every contract, whatever the number of formulas each has (a modular
    # contract engenders dozens)
    return [x for k in range(max(map(len, par_contrat), default=0)) for x in (fs[k] for fs in par_contrat if k < len(fs))]


def generer(chemin: Path, n: int, graine: int = 2025) -> Path:
    """n acts, 50 per beneficiary on average (heavy-tailed), one formula per beneficiary."""
    r = random.Random(graine)
    beneficiaires = max(1, n // 50)
    formules = cibles()
    ages = [r.choice((r.randint(0, 17), r.randint(18, 45), r.randint(30, 66), r.randint(60, 92))) for _ in range(beneficiaires)]
    contrats = sorted({c for c, _f in formules})
    choix = [r.choice([x for x in formules if x[0] == c]) for c in (r.choice(contrats) for _ in range(beneficiaires))]
    cumul, s = [], 0.0
    for _ in range(beneficiaires):
        s += r.paretovariate(1.6)
        cumul.append(s)
    debut = dt.date(2025, 1, 1).toordinal()
    chemin.parent.mkdir(parents=True, exist_ok=True)
    tmp = chemin.with_suffix(".tmp")
    with open(tmp, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(COLONNES)
        for _ in range(n):
            b = r.choices(range(beneficiaires), cum_weights=cumul)[0]
            d = banc_lot._acte(r, ages[b])
            d["beneficiaire"] = f"B{b:07d}"
            d["date"] = dt.date.fromordinal(debut + r.randrange(365)).isoformat()
            d["age"] = str(ages[b])
            if d["nature"] == "medicaments":
                d["smr"] = r.choice(SMR)
            if d["nature"] == "optique-equipement" and d.get("panier") == "100-sante" and ages[b] < 16:
                d["limite"] = "95.00"
            d["contrat"], d["formule"] = choix[b]
            w.writerow([d.get(c, "") for c in COLONNES])
    os.replace(tmp, chemin)
    return chemin


def plancher_polars(entree: str, sortie: str) -> None:
    """The floor: polars reads the file (every column as text) and writes it back."""
    import polars as pl
    pl.read_csv(entree, infer_schema=False).write_csv(sortie)


def _ligne(nom: str, n: int, mesure, plancher=None) -> str:
    t, rss, code, cpu = mesure
    rapport = f"  {t / plancher[0]:4.2f} × le plancher" if plancher else ""
    return (f"{nom:34s} {t:7.2f} s  {n / t:>11,.0f} actes/s  (CPU {cpu:6.2f} s)  RSS max {rss / 1024:6.1f} Mo"
            f"{rapport}  code {code}").replace(",", " ")


def mesurer_taille(n: int, a) -> None:
    entree = DONNEES / f"portefeuille-v2-{n}-{a.graine}.csv"   # v2: contract drawn first
    if not entree.exists():
        t = time.perf_counter()
        generer(entree, n, a.graine)
        print(f"fichier généré : {entree.name} ({time.perf_counter() - t:.0f} s)")
    if a.generer_seulement:
        return
    sortie = DONNEES / "sortie-portefeuille.csv"
    print(f"\n{n:,} actes — {entree.name}, {entree.stat().st_size / 1e6:.0f} Mo".replace(",", " "))
    py = sys.executable
    pl_cmd = [py, "-c", f"import sys; sys.path.insert(0, {str(ICI)!r}); import portefeuille as p; "
                        f"p.plancher_polars({str(entree)!r}, {str(sortie) + '.plancher'!r})"]
    lot = [py, "-m", "simulateur", "lot", str(entree), "--sortie", str(sortie), "--silencieux"]
    plancher = min(banc_lot.mesurer(pl_cmd) for _ in range(a.repetitions))
    print(_ligne("plancher polars (lecture + écriture)", n, plancher))
    m = min(banc_lot.mesurer(lot + ["--moteur", "colonnes"]) for _ in range(a.repetitions))
    print(_ligne("lot --moteur colonnes", n, m, plancher))
    if a.ligne and n <= 2_000_000:
        print(_ligne("lot --moteur ligne", n, banc_lot.mesurer(lot + ["--moteur", "ligne"]), plancher))
    if not a.sans_dask:
        for w in (1, 2):
            print(_ligne(f"lot --moteur dask --workers {w}", n, banc_lot.mesurer(lot + ["--moteur", "dask", "--workers", str(w)]),
                         plancher))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--tailles", default="1000000,10000000", help="nombres d'actes, séparés par des virgules")
    ap.add_argument("--graine", type=int, default=2025)
    ap.add_argument("--repetitions", type=int, default=1)
    ap.add_argument("--sans-dask", action="store_true")
    ap.add_argument("--ligne", action="store_true", help="mesure aussi le moteur ligne (1 M actes au plus)")
    ap.add_argument("--generer-seulement", action="store_true")
    a = ap.parse_args()
    print(f"machine : {banc_lot.machine()}")
    charge = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"charge de la machine (1 min) : {charge:.2f}")
    for n in (int(x) for x in a.tailles.split(",")):
        mesurer_taille(n, a)


if __name__ == "__main__":
    main()
