"""Errors are values.

- `Probleme`: a problem of a file (contract, parameters, examples), with `fichier:ligne`, the key path
  and a hint; the loaders collect them all and raise `ContratInvalide` once.
- `ActeInvalide`: an act the simulator refuses. It names the act field (`champ`, a name of the table
  `domaine.champs.CHAMPS`) and the problem (`code`, a stable identifier) with the values the message
  needs (`details`). It holds no sentence: `simulateur.rendu.messages` words it for the context —
  the command line says `--monture`, a batch says « la colonne monture », Python says `monture=`.

Every refusal derives from `ErreurSimulateur`, which the command line maps to exit code 2.
"""
from __future__ import annotations

from .enregistrement import enregistrement

APERCU_LIGNE_MAX = 1000          # characters of one line of a message (a megabyte value is never echoed whole)


def apercu(texte, n: int = 60) -> str:
    """What is echoed of a value the user gave (a cell, an option, a name, a file's text): at most `n`
    characters (then `…`); spaces kept (no-break ones too: French thousands), line breaks and tabs as
    a plain space, every other character that is not printable (terminal control sequences, NUL, bidi
    overrides, zero-width characters, BOM) as `\ufffd`. Never reads more than `n + 1` characters."""
    try:
        t = str(texte)
    except ValueError:                 # a Python int of more than 4 300 digits cannot be written
        t = "(nombre de plus de 4 300 chiffres)"
    coupe = len(t) > n
    t = t[:n]
    if not t.isprintable():
        t = "".join(_imprimable(ch) for ch in t)
    return t + "…" if coupe else t


def _imprimable(ch: str) -> str:
    if ch.isprintable():
        return ch
    import unicodedata
    if unicodedata.category(ch) == "Zs":
        return ch
    return " " if ch.isspace() else "\ufffd"


def nettoyer(message: str, n: int = APERCU_LIGNE_MAX) -> str:
    """A whole message made safe to print: each line as `apercu(ligne, n)`, line breaks kept."""
    return "\n".join(apercu(l, n) for l in str(message).split("\n"))


_RAISONS_SYSTEME = {
    "ENOENT": "introuvable", "EACCES": "accès refusé (droits)", "EPERM": "opération non permise (droits)",
    "EISDIR": "c'est un dossier", "ENOTDIR": "un élément du chemin n'est pas un dossier", "ENAMETOOLONG": "nom trop long",
    "ENOSPC": "disque plein", "EDQUOT": "quota disque dépassé", "EROFS": "système de fichiers en lecture seule",
    "EIO": "erreur d'entrée-sortie du disque", "ELOOP": "trop de liens symboliques", "EFBIG": "fichier trop grand",
    "EMFILE": "trop de fichiers ouverts", "ENFILE": "trop de fichiers ouverts", "EEXIST": "existe déjà",
    "EBUSY": "ressource occupée", "ETXTBSY": "fichier occupé", "ENXIO": "périphérique absent", "ENODEV": "périphérique absent",
    "EPIPE": "le lecteur de la sortie est parti", "EINVAL": "nom ou opération invalide", "ENOMEM": "mémoire insuffisante",
    "EAGAIN": "ressource momentanément indisponible", "EXDEV": "déplacement entre deux disques impossible",
    "EBADF": "sortie fermée (>&-) ; indice : redirigez-la vers un fichier ou /dev/null",
}


def raison_systeme(e: BaseException) -> str:
    """Why the system refused a file operation, in French (the system's own words are English):
    `ENOENT` → « introuvable », `ENOSPC` → « disque plein »… An unknown code is named by its symbol."""
    import errno
    code = errno.errorcode.get(getattr(e, "errno", None) or -1, "")
    if isinstance(e, MemoryError):
        return "mémoire insuffisante"
    return _RAISONS_SYSTEME.get(code, f"erreur système {code}" if code else "erreur système")


@enregistrement
class Probleme:
    fichier: str
    ligne: int | None
    message: str
    chemin: str = ""
    indice: str = ""
    colonne: int | None = None
    gravite: str = "erreur"      # erreur | regle (a contrat responsable rule) | avertissement | exception

    def __str__(self) -> str:
        return self.texte()

    def texte(self, gravite: str = "") -> str:
        """`fichier:ligne[:colonne]: [gravité : ]message (clé …)` and the hint on its own line."""
        ou = apercu(self.fichier, 200)
        if self.ligne is not None:
            ou += f":{self.ligne}"
            if self.colonne is not None:
                ou += f":{self.colonne}"
        s = f"{ou}: {gravite + ' : ' if gravite else ''}{self.message}"
        if self.chemin:
            s += f" (clé {self.chemin})"
        if self.indice:
            s += f"\n  indice : {self.indice}"
        return nettoyer(s)


class ErreurSimulateur(Exception):
    """Any input the simulator refuses; the CLI maps it to exit code 2. Its text is always safe to
    print (`nettoyer`: no control character, no line of a megabyte), whatever value it echoes."""

    def __str__(self) -> str:
        return nettoyer(super().__str__())


class ContratInvalide(ErreurSimulateur):
    def __init__(self, problemes: list[Probleme], *, illisible: bool = False):
        self.problemes = problemes
        self.illisible = illisible   # cannot be read at all (syntax, empty, not a contract)
        super().__init__("\n".join(str(p) for p in problemes))


class ContratIntrouvable(ErreurSimulateur):
    """A contract name that leads to no readable file. `inconnu`: the name, when it is neither a shipped
    id nor a file (a batch words that for its rows); None for another reason (a folder, unreadable…)."""

    def __init__(self, texte: str, inconnu: str | None = None):
        super().__init__(texte)
        self.inconnu = inconnu


class ActeInvalide(ErreurSimulateur):
    """An act refused: `code` (what is wrong), `champ` (which act field, or None), `valeur` (the text
    given, when there is one) and `details` (the values the message needs: amounts as Decimal, the
    contract line's label…). `str(e)` is the message for a Python caller (`monture=`);
    `simulateur.rendu.messages.message(e, contexte)` words it for the command line or a batch.
    """

    def __init__(self, code: str, champ: str | None = None, valeur=None, **details):
        self.code = code
        self.champ = champ
        self.valeur = valeur
        self.details = details
        super().__init__(code)

    def __str__(self) -> str:
        from ..rendu.messages import message
        return message(self, "api")

    def __reduce__(self):
        return (_refaire, (type(self), self.code, self.champ, self.valeur, self.details))


def _refaire(classe, code, champ, valeur, details):
    return classe(code, champ, valeur, **details)


class FormuleInconnue(ErreurSimulateur):
    """A formula id the contract does not have (`contrat`: its id, `formules`: the ids it has)."""

    def __init__(self, formule: str, contrat: str, formules: tuple[str, ...]):
        self.formule, self.contrat, self.formules = formule, contrat, formules
        super().__init__(formule)

    def __str__(self) -> str:
        from ..rendu.messages import message
        return message(self, "api")


class ErreurDansFormule(ErreurSimulateur):
    """An error met while computing one of several compared formulas (`cle`: the formula as written)."""

    def __init__(self, cle: str, cause: Exception):
        self.cle, self.cause = cle, cause
        super().__init__(cle)

    def __str__(self) -> str:
        from ..rendu.messages import message
        return message(self, "api")
