"""Batches: readers, the replay loop with each beneficiary's annual state, writers."""
from .pipeline import LotInvalide, ResultatLot, executer_lot, lire_actes, simuler_lot

__all__ = ["LotInvalide", "ResultatLot", "executer_lot", "lire_actes", "simuler_lot"]
