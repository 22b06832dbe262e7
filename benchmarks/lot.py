"""Batch benchmark (issue 4): `simulateur lot` end to end on a seeded year of acts, beside the floor
of a pure `csv` read-and-write of the same file, measured in the same run.

    python benchmarks/lot.py                       # 1 000 000 acts, 20 000 beneficiaries
    python benchmarks/lot.py -n 200000             # a smaller run
    python benchmarks/lot.py -n 200000 --profil    # + cProfile of the batch (in-process), top 25
    python benchmarks/lot.py --generer-seulement   # only write the file

The file (contract `cabinets-dentaires`, formula option-2) goes to `benchmarks/donnees/` (ignored
by git) and is regenerated only when absent. The mix imitates a year of claims of a company
scheme: pharmacy, doctors DPTM and not, biology, auxiliaries, dental care and prostheses in the
three baskets (HLF given), optics of classes A and B (frame part, lens classes), hearing aids per
ear, hospital stays with daily packages and private rooms, envelopes (contraception, vaccines,
non-reimbursed lenses, bone densitometry), medecine douce counted per year… Beneficiaries are
drawn with a heavy-tailed weight (a few consume a lot), ages fixed per beneficiary, dates over
2025, rows in random order (the batch has to regroup and sort them).

Peak memory is the child's own maximum RSS (os.wait4), acts per second include everything: Python
start-up, contract loading, reading, the engine with full annual state, writing. The CPU time
(user + system) is printed beside the wall time, with the machine's load: on a shared machine the
wall time also measures the neighbours. `--profil` adds a cProfile of the batch (in this process).
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import platform
import random
import subprocess
import sys
import time
from pathlib import Path

ICI = Path(__file__).resolve().parent
DONNEES = ICI / "donnees"
COLONNES = ["beneficiaire", "date", "nature", "br", "frais_reels", "dptm", "panier", "quantite", "limite", "age",
            "monture", "verres", "oreille"]


def _c(x: float) -> str:
    """Euros with two decimals, from a float rounded once here (generation only, never money maths)."""
    return f"{round(x, 2):.2f}"


_HASARD_PRIX = random.Random(1)
_PRIX_BOITES = sorted({max(0.5, round(_HASARD_PRIX.lognormvariate(1.8, 0.9), 2)) for _ in range(400)})   # ~ 1 € to 80 €


def _acte(r: random.Random, age: int) -> dict:
    """One act of a realistic mix (weights per 1 000 acts, approximately a company scheme's year)."""
    u = r.random() * 1000
    adulte = age >= 18
    if u < 330:     # pharmacy: one or a few boxes, BR = FR, a few hundred distinct prices
        prix = r.choice(_PRIX_BOITES)
        q = r.choice((1, 1, 1, 2, 2, 3, 4))
        return {"nature": "medicaments", "br": _c(prix * q), "frais_reels": _c(prix * q), "quantite": str(q)}
    u -= 330
    if u < 150:     # GP: sector 1 / OPTAM 30 € (DPTM), sometimes sector 2 with a dépassement
        if r.random() < 0.85:
            return {"nature": "consultation-generaliste", "br": "30.00", "frais_reels": "30.00", "dptm": "oui"}
        return {"nature": "consultation-generaliste", "br": "30.00", "frais_reels": _c(30 + r.randint(3, 25)),
                "dptm": r.choice(("oui", "non"))}
    u -= 150
    if u < 110:     # biology: B coefficient × 0,27 €
        br = 0.27 * r.randint(15, 300)
        return {"nature": "biologie", "br": _c(br), "frais_reels": _c(br)}
    u -= 110
    if u < 110:     # auxiliaries: nurses, physiotherapists
        br = r.choice((3.15 * r.randint(1, 6), 16.13, 17.46, 18.87, 21.50, 2.50 + 3.15 * r.randint(1, 4)))
        return {"nature": "auxiliaires-medicaux", "br": _c(br), "frais_reels": _c(br)}
    u -= 110
    if u < 80:      # specialists
        br = r.choice((30.0, 30.0, 50.0, 60.0))
        fr = br if r.random() < 0.5 else br + r.randint(5, 90)
        return {"nature": "consultation-specialiste", "br": _c(br), "frais_reels": _c(fr), "dptm": r.choice(("oui", "oui", "non"))}
    u -= 80
    if u < 30:      # imaging
        br = r.choice((19.95, 25.27, 39.90, 56.70, 69.30))
        fr = br if r.random() < 0.7 else br * 1.5
        return {"nature": "imagerie", "br": _c(br), "frais_reels": _c(fr), "dptm": r.choice(("oui", "non"))}
    u -= 30
    if u < 20:      # technical acts
        br = r.choice((20.90, 41.80, 69.12, 104.50, 150.00))
        fr = br if r.random() < 0.6 else br * 2
        return {"nature": "actes-techniques", "br": _c(br), "frais_reels": _c(fr), "dptm": r.choice(("oui", "non"))}
    u -= 20
    if u < 50:      # dental care
        br = r.choice((23.00, 26.97, 28.92, 33.74, 40.97, 81.94))
        return {"nature": "dentaire-soins", "br": _c(br), "frais_reels": _c(br)}
    u -= 50
    if u < 15:      # crowns, in the three baskets
        p = r.random()
        if p < 0.45:
            return {"nature": "dentaire-prothese", "br": "120.00", "frais_reels": "500.00", "panier": "100-sante", "limite": "500.00"}
        if p < 0.75:
            return {"nature": "dentaire-prothese", "br": "120.00", "frais_reels": _c(r.choice((480, 520, 550))),
                    "panier": "maitrise", "limite": "550.00"}
        return {"nature": "dentaire-prothese", "br": "120.00", "frais_reels": _c(10 * r.randint(60, 140)), "panier": "libre"}
    u -= 15
    if u < 5:       # inlay-core
        return {"nature": "dentaire-inlay-core", "br": "90.00", "frais_reels": _c(r.choice((175, 230, 300))),
                "panier": r.choice(("maitrise", "libre")), "limite": "175.00"}
    u -= 5
    if u < 4:       # orthodontics (children)
        return {"nature": "orthodontie", "br": "193.50", "frais_reels": _c(r.choice((550, 650, 750)))}
    u -= 4
    if u < 8:       # optics: a full equipment (renewal: 2 years adult, 1 year under 16)
        if r.random() < 0.2:
            return {"nature": "optique-equipement", "br": "31.50", "frais_reels": "105.00", "panier": "100-sante", "limite": "105.00"}
        fr = 5 * r.randint(30, 160)
        return {"nature": "optique-equipement", "br": "0.15", "frais_reels": _c(fr), "panier": "libre",
                "monture": _c(min(fr / 3, r.randint(40, 250))), "verres": r.choice(("simple+simple", "simple+simple", "complexe+complexe", "simple+complexe"))}
    u -= 8
    if u < 4:       # lenses, reimbursed / not
        if r.random() < 0.5:
            return {"nature": "lentilles", "br": "39.48", "frais_reels": _c(r.choice((120, 180, 240)))}
        return {"nature": "lentilles-non-remboursees", "br": "", "frais_reels": _c(r.choice((60, 90, 150)))}
    u -= 4
    if u < 1:       # hearing aids, one ear per act
        oreille = r.choice(("droite", "gauche"))
        if r.random() < 0.4:
            return {"nature": "aide-auditive", "br": "400.00", "frais_reels": "950.00", "panier": "100-sante", "limite": "950.00", "oreille": oreille}
        return {"nature": "aide-auditive", "br": "400.00", "frais_reels": _c(r.choice((1400, 1700, 2100))), "panier": "libre", "oreille": oreille}
    u -= 1
    if u < 25:      # pharmacy devices
        br = r.choice((2.40, 6.95, 12.60, 24.80, 48.00))
        return {"nature": "fournitures-medicales", "br": _c(br), "frais_reels": _c(br)}
    u -= 25
    if u < 5:       # orthopaedics
        br = r.choice((12.50, 35.00, 89.00, 180.00))
        return {"nature": "appareillage", "br": _c(br), "frais_reels": _c(br * r.choice((1, 1.5, 2)))}
    u -= 5
    if u < 5:       # transport
        br = r.choice((32.00, 58.40, 96.00, 145.00))
        return {"nature": "transport", "br": _c(br), "frais_reels": _c(br)}
    u -= 5
    if u < 3:       # hospital stay (sejour, daily package, private room, surgeon)
        br = r.choice((850, 1600, 3541, 6200))
        return {"nature": "hospitalisation-sejour", "br": _c(br), "frais_reels": _c(br)}
    u -= 3
    if u < 3:
        j = r.randint(1, 8)
        return {"nature": "forfait-journalier", "br": "", "frais_reels": _c(20 * j), "quantite": str(j)}
    u -= 3
    if u < 2:
        j = r.randint(1, 6)
        return {"nature": "chambre-particuliere", "br": "", "frais_reels": _c(r.choice((60, 80, 95, 120)) * j), "quantite": str(j)}
    u -= 2
    if u < 3:
        br = r.choice((104.50, 209.00, 313.50, 627.00))
        return {"nature": "hospitalisation-honoraires", "br": _c(br), "frais_reels": _c(br * r.choice((1, 1.8, 2.5))),
                "dptm": r.choice(("oui", "non"))}
    u -= 3
    if u < 2:
        return {"nature": "forfait-patient-urgences", "br": "", "frais_reels": "19.61"}
    u -= 2
    if u < 20:      # envelopes and counts
        p = r.random()
        if p < 0.55:
            return {"nature": "medecine-douce", "br": "", "frais_reels": _c(r.choice((50, 60, 70, 80)))}
        if p < 0.75:
            return {"nature": "vaccins-non-rembourses", "br": "", "frais_reels": _c(r.choice((12.90, 36.50, 58.00)))}
        if p < 0.9 and adulte:
            return {"nature": "contraception-non-remboursee", "br": "", "frais_reels": _c(r.choice((9.90, 14.50, 27.00)))}
        return {"nature": "densitometrie-non-remboursee", "br": "", "frais_reels": "45.00"}
    u -= 20
    if u < 5:
        return {"nature": "psychologue", "br": "50.00", "frais_reels": "50.00"}
    u -= 5
    if u < 5:
        return {"nature": "sage-femme", "br": "25.00", "frais_reels": "25.00"}
    return {"nature": "piles-auditives", "br": "36.00", "frais_reels": _c(r.choice((36, 42)))}


def generer(chemin: Path, n: int, beneficiaires: int = 20_000, graine: int = 2025, francais: bool = False) -> Path:
    """Writes n acts; `francais`: `;`, decimal comma and a BOM, as French Excel exports."""
    r = random.Random(graine)
    ages = [r.choice((r.randint(0, 17), r.randint(18, 45), r.randint(30, 66), r.randint(60, 92))) for _ in range(beneficiaires)]
    poids = [r.paretovariate(1.6) for _ in range(beneficiaires)]
    cumul, s = [], 0.0
    for p in poids:
        s += p
        cumul.append(s)
    debut = dt.date(2025, 1, 1).toordinal()
    chemin.parent.mkdir(parents=True, exist_ok=True)
    tmp = chemin.with_suffix(".tmp")
    with open(tmp, "w", newline="", encoding="utf-8-sig" if francais else "utf-8") as f:
        w = csv.writer(f, delimiter=";" if francais else ",", lineterminator="\n")
        w.writerow(COLONNES)
        for _ in range(n):
            b = r.choices(range(beneficiaires), cum_weights=cumul)[0]
            d = _acte(r, ages[b])
            d["beneficiaire"] = f"B{b:05d}"
            d["date"] = dt.date.fromordinal(debut + r.randrange(365)).isoformat()
            d["age"] = str(ages[b])
            if d["nature"] == "optique-equipement" and d.get("panier") == "100-sante" and ages[b] < 16:
                d["limite"] = "95.00"
            ligne = [d.get(c, "") for c in COLONNES]
            if francais:
                ligne = [x.replace(".", ",") if i in (3, 4, 8, 10) else x for i, x in enumerate(ligne)]
            w.writerow(ligne)
    os.replace(tmp, chemin)
    return chemin


def plancher(entree: str, sortie: str):
    """The floor: read every row with csv and write it back with 8 more cells."""
    with open(entree, newline="", encoding="utf-8-sig") as f, open(sortie, "w", newline="", encoding="utf-8") as g:
        sep = ";" if f.readline().count(";") > 1 else ","
        f.seek(0)
        rd = csv.reader(f, delimiter=sep)
        w = csv.writer(g, delimiter=sep, lineterminator="\n")
        for row in rd:
            row.extend(("0.00", "0.00", "0.00", "0.00", "0.00", "0.00", "", "0.00"))
            w.writerow(row)


def mesurer(cmd: list[str]) -> tuple[float, int, int, float]:
    """(wall seconds, peak RSS in kB, exit code, CPU seconds) of one child process.

    The CPU time (user + system) is given beside the wall time: on a shared machine the wall time
    also measures the neighbours.
    """
    t = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, statut, usage = os.wait4(p.pid, 0)
    duree = time.perf_counter() - t
    p.returncode = os.waitstatus_to_exitcode(statut)
    err = p.stderr.read().decode("utf-8", "replace")
    p.stderr.close()
    if p.returncode not in (0, 1):
        sys.stderr.write(err)
        raise SystemExit(f"la commande a échoué ({p.returncode}) : {' '.join(cmd)}")
    return duree, usage.ru_maxrss, p.returncode, usage.ru_utime + usage.ru_stime


def machine() -> str:
    cpu = platform.processor() or ""
    try:
        for l in Path("/proc/cpuinfo").read_text().splitlines():
            if l.startswith("model name"):
                cpu = l.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu or '?'}, {os.cpu_count()} cœur(s), Python {platform.python_version()}, {platform.system()} {platform.release()}"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-n", type=int, default=1_000_000, help="nombre d'actes (défaut 1 000 000)")
    ap.add_argument("--beneficiaires", type=int, default=20_000)
    ap.add_argument("--graine", type=int, default=2025)
    ap.add_argument("--francais", action="store_true", help="fichier `;`, virgule décimale, BOM")
    ap.add_argument("--repetitions", type=int, default=1)
    ap.add_argument("--generer-seulement", action="store_true")
    ap.add_argument("--profil", action="store_true", help="profil cProfile du lot, dans ce processus")
    a = ap.parse_args()
    nom = f"actes-v2-{a.n}-{a.beneficiaires}-{a.graine}{'-fr' if a.francais else ''}.csv"
    entree = DONNEES / nom
    if not entree.exists():
        t = time.perf_counter()
        generer(entree, a.n, a.beneficiaires, a.graine, a.francais)
        print(f"fichier généré : {entree} ({a.n} actes, {time.perf_counter() - t:.1f} s)")
    if a.generer_seulement:
        return
    sortie = DONNEES / "sortie.csv"
    taille = entree.stat().st_size / 1e6
    print(f"machine : {machine()}")
    print(f"entrée  : {entree.name}, {taille:.1f} Mo, {a.n} actes, {a.beneficiaires} bénéficiaires")
    lot = [sys.executable, "-m", "simulateur", "lot", str(entree), "--contrat", "cabinets-dentaires",
           "--formule", "option-2", "--sortie", str(sortie), "--silencieux"]
    pl = [sys.executable, "-c", "import sys; sys.path.insert(0, %r); import lot; lot.plancher(%r, %r)" % (str(ICI), str(entree), str(sortie) + ".plancher")]
    mesures_l, mesures_p = [], []
    for _ in range(a.repetitions):
        mesures_p.append(mesurer(pl))
        mesures_l.append(mesurer(lot))
    tp, rp, _, cp = min(mesures_p)
    tl, rl, code, cl = min(mesures_l)
    charge = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"charge de la machine (1 min)      : {charge:.2f}")
    print(f"plancher csv (lecture + écriture) : {tp:6.2f} s  {a.n / tp:>10,.0f} lignes/s   (CPU {cp:6.2f} s, {a.n / cp:>10,.0f} /s)"
          f"  RSS max {rp / 1024:6.1f} Mo".replace(",", " "))
    print(f"simulateur lot                    : {tl:6.2f} s  {a.n / tl:>10,.0f} actes/s    (CPU {cl:6.2f} s, {a.n / cl:>10,.0f} /s)"
          f"  RSS max {rl / 1024:6.1f} Mo  (code {code})".replace(",", " "))
    print(f"rapport au plancher               : {tl / tp:.1f} × (CPU : {cl / cp:.1f} ×)   objectifs : ≥ 50 000 actes/s, < 300 Mo")
    if a.profil:
        import cProfile
        import pstats
        from simulateur.cli import app
        from typer.testing import CliRunner
        pr = cProfile.Profile()
        pr.enable()
        CliRunner().invoke(app, ["lot", str(entree), "--contrat", "cabinets-dentaires", "--formule", "option-2",
                                 "--sortie", str(sortie), "--silencieux"])
        pr.disable()
        pstats.Stats(pr).sort_stats("tottime").print_stats(25)


if __name__ == "__main__":
    main()
