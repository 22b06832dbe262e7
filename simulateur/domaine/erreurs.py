"""Errors are values: each says what, where (file:line) and how to fix it, in French."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(slots=True, eq=False)
class Probleme:
    fichier: str
    ligne: int | None
    message: str
    chemin: str = ""
    indice: str = ""
    colonne: int | None = None
    gravite: str = "erreur"      # erreur | regle (a contrat responsable rule) | avertissement

    def __str__(self) -> str:
        return self.texte()

    def texte(self, gravite: str = "") -> str:
        """`fichier:ligne[:colonne]: [gravité : ]message (clé …)` and the hint on its own line."""
        ou = self.fichier
        if self.ligne is not None:
            ou += f":{self.ligne}"
            if self.colonne is not None:
                ou += f":{self.colonne}"
        s = f"{ou}: {gravite + ' : ' if gravite else ''}{self.message}"
        if self.chemin:
            s += f" (clé {self.chemin})"
        if self.indice:
            s += f"\n  indice : {self.indice}"
        return s


class ErreurSimulateur(Exception):
    """Any input the simulator refuses; the CLI maps it to exit code 2."""


class ContratInvalide(ErreurSimulateur):
    def __init__(self, problemes: list[Probleme], *, illisible: bool = False):
        self.problemes = problemes
        self.illisible = illisible   # cannot be read at all (syntax, empty, not a contract)
        super().__init__("\n".join(str(p) for p in problemes))


class ActeInvalide(ErreurSimulateur):
    pass


class ContratIntrouvable(ErreurSimulateur):
    pass
