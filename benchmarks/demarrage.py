"""Start-up benchmark: whole `simulateur` processes against the fair floor
`python -c "import typer, rich.console, rich.table, yaml"` (a Rich table is what `simuler` prints, so
that is the least any Python tool of this kind pays), measured in the same run, alternating, medians.

    python benchmarks/demarrage.py [--repetitions 30]

Run it where the project is installed (`pip install .`, not `pip install -e .`: the finder of an
editable install costs every `simulateur` process about 10 ms that the floor does not pay). The first
runs warm the bytecode and the contract cache and are not counted. On a loaded machine the wall-clock
medians move a lot; compare two versions in the same run. Targets: `simuler` (table) ≤ 1.2 × the floor; `simuler --format
json` and `--help` ≤ 1.1 ×.

`simuler` ends without the interpreter's teardown once its output is flushed (`cli.environnement.terminer`);
the floor pays that teardown (about 15 ms). The last line is `simuler` (table) with the usual exit
(`SIMULATEUR_FIN_COMPLETE=1`), for information: what the command costs without that shortcut.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time

ACTE = ["simuler", "cabinets-dentaires", "--formule", "option-2", "--nature", "consultation-specialiste",
        "--br", "31,50", "--frais-reels", "80", "--date", "2025-06-01", "--dptm", "--age", "40"]
CAS = {"simuler (table)": (ACTE, 1.2), "simuler --format json": (ACTE + ["--format", "json"], 1.1),
       "simuler --help": (["simuler", "--help"], 1.1)}
COMPLETE = "simuler (table), fin complète"           # SIMULATEUR_FIN_COMPLETE=1: information, no target


def chrono(cmd, env) -> float:
    if cmd and cmd[0] == COMPLETE:
        cmd, env = cmd[1:], {**env, "SIMULATEUR_FIN_COMPLETE": "1"}
    t = time.perf_counter()
    subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - t


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repetitions", type=int, default=30)
    a = ap.parse_args()
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)   # as on a user's machine: bytecode is cached
    env["COLUMNS"] = "100"
    exe = shutil.which("simulateur", path=os.path.dirname(sys.executable)) or shutil.which("simulateur")
    debut = [exe] if exe else [sys.executable, "-m", "simulateur"]
    plancher = [sys.executable, "-c", "import typer, rich.console, rich.table, yaml"]
    cmds = {nom: debut + args for nom, (args, _) in CAS.items()}
    cmds[COMPLETE] = [COMPLETE] + debut + ACTE
    for _ in range(3):
        chrono(plancher, env)
        for c in cmds.values():
            chrono(c, env)
    temps = {"plancher": []} | {nom: [] for nom in cmds}
    for _ in range(a.repetitions):
        temps["plancher"].append(chrono(plancher, env))
        for nom, c in cmds.items():
            temps[nom].append(chrono(c, env))
    mb = statistics.median(temps["plancher"])
    print(f"{'plancher (import typer, rich.console, rich.table, yaml)':58s} médiane {mb * 1000:6.1f} ms")
    for nom, (_args, objectif) in CAS.items():
        m = statistics.median(temps[nom])
        print(f"{nom:58s} médiane {m * 1000:6.1f} ms   rapport {m / mb:.2f} (objectif ≤ {objectif})")
    m = statistics.median(temps[COMPLETE])
    print(f"{COMPLETE:58s} médiane {m * 1000:6.1f} ms   rapport {m / mb:.2f} (pour information)")


if __name__ == "__main__":
    main()
