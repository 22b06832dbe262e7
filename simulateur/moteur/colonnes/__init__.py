"""The columnar engine: a portfolio of acts computed in columns (polars), exact to the cent and equal,
row by row, to the line engine (`moteur.calcul.simuler` replayed by `lot.rejeu`).

Imported only on the batch path (polars is an optional dependency: `pip install 'simulateur[portefeuille]'`).
- plan.py: a (contract, formula) compiled from the parsed contract; the whitelist of what is compiled;
- parametres.py: dated parameters joined by date;
- cumuls.py: annual state as saturating cumulative sums (the lemma and its proof);
- securite_sociale.py, couches.py: the Sécurité sociale, then each level of the formula;
- composantes.py: the acts that go to the line engine (not compiled, or sharing state with one);
- calcul.py: `calculer(actes, plans, parametres)`.
"""
from .calcul import calculer
from .plan import Cles, Plan, compiler_contrat
from .types import COLONNES, COMPILES, INCONNUS, REPLI_COMPOSANTE

__all__ = ["COLONNES", "COMPILES", "Cles", "INCONNUS", "Plan", "REPLI_COMPOSANTE", "calculer", "compiler_contrat"]
