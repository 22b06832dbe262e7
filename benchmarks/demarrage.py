"""Startup benchmark (issue 2): one whole `simulateur simuler` process against
`python -c "import typer, rich, yaml"`, measured in the same run, alternating, medians.

Run it where the project is installed (`pip install .`):  python benchmarks/demarrage.py [--repetitions 30]
The first runs warm the bytecode and contract caches and are not counted.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time

COMMANDE = ["simuler", "cabinets-dentaires", "--formule", "option-2", "--nature", "consultation-specialiste",
            "--br", "31,50", "--frais-reels", "80", "--date", "2025-06-01", "--dptm"]


def chrono(cmd, env) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - t


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repetitions", type=int, default=30)
    a = ap.parse_args()
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)   # as on a user's machine: bytecode is cached
    exe = shutil.which("simulateur", path=os.path.dirname(sys.executable)) or shutil.which("simulateur")
    simul = [exe, *COMMANDE] if exe else [sys.executable, "-m", "simulateur", *COMMANDE]
    base = [sys.executable, "-c", "import typer, rich, yaml"]
    for _ in range(3):
        chrono(base, env), chrono(simul, env)
    tb, ts = [], []
    for _ in range(a.repetitions):
        tb.append(chrono(base, env))
        ts.append(chrono(simul, env))
    mb, ms = statistics.median(tb), statistics.median(ts)
    print(f"import typer, rich, yaml : médiane {mb * 1000:.1f} ms (min {min(tb) * 1000:.1f})")
    print(f"simulateur simuler       : médiane {ms * 1000:.1f} ms (min {min(ts) * 1000:.1f})")
    print(f"rapport                  : {ms / mb:.2f} (objectif ≤ 1,3)")


if __name__ == "__main__":
    main()
