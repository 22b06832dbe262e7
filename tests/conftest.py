import os
import sys
from pathlib import Path

RACINE = Path(__file__).resolve().parent.parent
os.environ.setdefault("SIMULATEUR_CACHE", "0")   # tests always parse the contract files afresh
os.environ.setdefault("COLUMNS", "120")
