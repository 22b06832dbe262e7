"""Batches: readers (`lecture`, `fichier`), the one replay loop (`rejeu`), writers (`ecriture`), the
command's pipeline (`commande`) and the Python API (`api`: `lire_actes`, `simuler_lot`)."""
from .api import LigneActe, ResultatLot, lire_actes, simuler_lot
from .commande import executer_lot
from .ecriture import Bilan
from .lecture import LotInvalide, lire_octets, normaliser_colonne

__all__ = ["Bilan", "LigneActe", "LotInvalide", "ResultatLot", "executer_lot", "lire_actes", "lire_octets",
           "normaliser_colonne", "simuler_lot"]
