"""The one YAML reader of the project: contracts, regulatory parameters, standard examples.

PyYAML's C parser only *composes* the document into nodes (it never constructs objects, so no
tag can run code), and `LecteurYaml` walks the nodes: keys in double are refused, unknown keys are
refused with a "did you mean", every problem keeps its `fichier:ligne:colonne` and key path, and
all problems are collected (errors as values) before anything is raised. A file's size and its
number of nodes (aliases included) are bounded, so that a hostile file stays linear.
"""
from __future__ import annotations

import re

import yaml

from ..domaine.erreurs import ContratInvalide, Probleme
from ..domaine.natures import suggestion

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)   # the C parser keeps start-up fast
TAILLE_MAX = 2_000_000            # characters
NOEUDS_MAX = 200_000
_BALISES_PERMISES = frozenset("tag:yaml.org,2002:" + t for t in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq"))
INDICE_SYNTAXE = "vérifiez l'indentation, les deux-points et les guillemets de cette ligne"


def composer(texte: str, fichier: str, *, taille_max: int = TAILLE_MAX, indice_vide: str = ""):
    """The document's root node, or ContratInvalide(illisible=True) with one Probleme that says where.

    Refuses a text over `taille_max` characters, a syntax error (line and column), an empty document.
    """
    if len(texte) > taille_max:
        raise ContratInvalide([Probleme(fichier, None, f"fichier trop grand ({len(texte)} caractères, {taille_max} au plus)")],
                              illisible=True)
    if "\x00" in texte:
        raise ContratInvalide([Probleme(fichier, None, "fichier binaire (caractère nul) : ce n'est pas un fichier YAML")],
                              illisible=True)
    try:
        noeud = yaml.compose(texte, Loader=_Loader)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        probleme = (e.problem or e.context or "erreur de syntaxe").strip()
        if mark is not None and texte[mark.index:mark.index + 1] == "\t":
            probleme = "found a tab character that violates indentation"     # libyaml: « cannot start any token »
        quoi, indice = preciser(probleme, texte, mark, e.context_mark) or traduire(probleme)
        raise ContratInvalide([Probleme(fichier, mark.line + 1 if mark else None, f"syntaxe YAML invalide : {quoi}",
                                        colonne=mark.column + 1 if mark else None, indice=indice)],
                              illisible=True) from None
    except yaml.reader.ReaderError as e:
        ligne, colonne = _position(texte, e.position)
        raise ContratInvalide([Probleme(fichier, ligne, f"caractère de contrôle U+{e.character:04X} interdit dans un "
                                        "fichier YAML", colonne=colonne, indice="retirez ce caractère invisible (souvent "
                                        "collé depuis un PDF ou un traitement de texte)")], illisible=True) from None
    except (yaml.YAMLError, ValueError, RecursionError) as e:
        quoi, indice = (("imbrication trop profonde", INDICE_SYNTAXE) if isinstance(e, RecursionError)
                        else traduire(str(e)))
        raise ContratInvalide([Probleme(fichier, None, f"YAML illisible : {quoi}", indice=indice)], illisible=True) from None
    if noeud is None:
        raise ContratInvalide([Probleme(fichier, None, "fichier vide", indice=indice_vide)], illisible=True)
    return noeud


def _position(texte: str, position: int) -> tuple[int, int]:
    """(line, column), from 1, of a character position in `texte`."""
    avant = texte[:position]
    return avant.count("\n") + 1, position - (avant.rfind("\n") + 1) + 1


_DEUX_POINTS = ("deux-points inattendu : une valeur contient « : » sans guillemets, ou la ligne est mal indentée",
                "mettez la valeur entre guillemets (\"14:30\", \"note : …\") ou alignez la clé sur ses voisines")
_ANCRE_DOUBLE = ("ancre « & » définie deux fois", "donnez à chaque ancre un nom différent")
_UN_DOCUMENT = ("un seul document attendu, or le fichier en contient plusieurs (« --- »)",
                "un fichier, un document : retirez la ligne « --- » et ce qui la suit, ou faites-en un autre fichier")
_ANCRE_VIDE = ("nom d'ancre ou d'alias vide après « & » ou « * »", "une valeur qui commence par & ou * s'écrit entre guillemets")
_INVISIBLES = "retirez les caractères invisibles ou de contrôle"
# libyaml's problems (English), each in French with a hint; the position (fichier:ligne:colonne) is the
# Probleme's. A problem not listed here is « erreur de syntaxe ».
TRADUCTIONS = (
    ("found a tab character",            # « … that violates indentation », « … where an indentation space is expected »
     "tabulation dans l'indentation", "YAML n'accepte que des espaces pour indenter : remplacez la tabulation par des espaces"),
    ("found character that cannot start any token",
     "caractère qui ne peut pas commencer une valeur (tabulation, @ ou ` en tête de valeur ?)",
     "indentez avec des espaces, jamais des tabulations ; une valeur qui commence par @ ou ` s'écrit entre guillemets"),
    ("mapping values are not allowed", *_DEUX_POINTS),
    ("could not find expected ':'", "deux-points attendu après la clé",
     "écrivez « clé: valeur » ; une valeur sur plusieurs lignes s'écrit entre guillemets ou après « | »"),
    ("found unexpected end of stream", "fin de fichier inattendue : un guillemet, un crochet ou une accolade n'est pas fermé",
     "fermez le guillemet (ou le crochet) ouvert sur cette ligne ou une ligne au-dessus"),
    ("found unexpected document indicator", "« --- » ou « ... » à l'intérieur d'un texte entre guillemets",
     "fermez le guillemet ouvert avant cette ligne"),
    ("did not find expected key", "clé attendue : la ligne n'est pas alignée sur les clés de son bloc",
     "alignez-la (mêmes espaces que les clés voisines) ; un texte après une valeur entre guillemets doit être dans les guillemets"),
    ("did not find expected '-' indicator", "élément de liste « - » attendu : la ligne n'est pas alignée sur la liste",
     "alignez-la sur les « - » de la liste, ou indentez-la davantage si elle appartient à l'élément précédent"),
    ("did not find expected node content", "valeur attendue (une virgule en trop dans une liste [ … ] ?)",
     "retirez la virgule en trop, ou écrivez la valeur"),
    ("expected <block end>, but found", "indentation incohérente", "alignez la ligne sur les clés de son bloc"),
    ("did not find expected ',' or ']'", "virgule ou crochet fermant attendu dans la liste [ … ]",
     "fermez la liste par « ] » et séparez ses éléments par des virgules"),
    ("did not find expected ',' or '}'", "virgule ou accolade fermante attendue dans { … }",
     "fermez par « } » et séparez les paires « clé: valeur » par des virgules"),
    ("exceeded maximum nesting depth", "imbrication trop profonde (listes ou blocs imbriqués sur des centaines de niveaux)",
     "un contrat ou des paramètres n'ont que quelques niveaux : vérifiez l'indentation ou les crochets ouverts"),
    ("found undefined alias", "alias « * » non défini", "définissez l'ancre « &nom » avant l'alias, ou retirez l'étoile"),
    ("second occurrence", *_ANCRE_DOUBLE),
    ("found duplicate anchor", *_ANCRE_DOUBLE),
    ("but found another document", *_UN_DOCUMENT),
    ("did not find expected <document start>", "début de document « --- » attendu après une directive « % »",
     "retirez la ligne « %… » (inutile) ou ajoutez « --- » après"),
    ("found unknown escape character", "séquence d'échappement inconnue (« \\ » suivi d'une lettre) entre guillemets",
     "entre guillemets doubles, écrivez \\\\ pour une barre oblique inverse, ou utilisez des guillemets simples"),
    ("did not find expected hexdecimal number", "séquence d'échappement \\x, \\u ou \\U sans chiffres hexadécimaux",
     "écrivez \\\\ pour une barre oblique inverse, ou utilisez des guillemets simples"),
    ("did not find expected alphabetic or numeric character", *_ANCRE_VIDE),
    ("found undefined tag handle", "balise « ! » inconnue", "une valeur qui commence par ! s'écrit entre guillemets"),
    ("found an indentation indicator equal to 0", "indicateur d'indentation 0 après « | » ou « > »",
     "écrivez « | » seul (ou un chiffre de 1 à 9)"),
    ("found duplicate %YAML directive", "directive %YAML en double", "retirez les lignes « %… » (inutiles)"),
    ("did not find the expected '>'", "balise « !<… » non fermée", "une valeur qui commence par ! s'écrit entre guillemets"),
    ("special characters are not allowed", "caractères spéciaux interdits", _INVISIBLES),
    ("unacceptable character", "caractère non accepté", _INVISIBLES),
    ("expected a single document", *_UN_DOCUMENT),
    ("found incompatible YAML document", "version de YAML non prise en charge", "retirez la ligne « %YAML … »"),
    ("block sequence entries are not allowed", "élément de liste « - » inattendu ici",
     "une cellule « - » (rien au-delà de la Sécurité sociale) s'écrit entre guillemets, « a: \"-\" » ; sinon, vérifiez "
     "l'indentation"),
    ("control characters are not allowed", "caractère de contrôle interdit", _INVISIBLES),
    ("expected a comment or a line break", "commentaire ou fin de ligne attendu", INDICE_SYNTAXE),
    ("expected alphabetic or numeric character", *_ANCRE_VIDE),
    ("while scanning", "en lisant", INDICE_SYNTAXE),
)


_NOM_ANCRE = re.compile(r"[&*]([^\s,\[\]{}]+)")
_DIRECTIVE = re.compile(r"^%", re.MULTILINE)
_FIN_DOCUMENT = re.compile(r"^\.\.\.[ \t]*(#.*)?$", re.MULTILINE)


def preciser(probleme: str, texte: str, mark, avant=None) -> tuple[str, str] | None:
    """(problem, hint) in French for the libyaml problems whose words need the text at `mark` (libyaml does
    not name them): the name of an undefined alias or of a duplicate anchor (`avant`: the first one's mark),
    the end marker « ... » followed by more lines (libyaml then asks for a « --- » after a « % » directive
    the file may not have), the character that cannot start a value. None: `traduire` says it."""
    if mark is None:
        return None
    nom = _NOM_ANCRE.match(texte, mark.index)
    if probleme.startswith("found undefined alias") and nom:
        return (f"alias « *{nom.group(1)} » non défini",
                f"définissez l'ancre « &{nom.group(1)} » avant l'alias, ou mettez la valeur entre guillemets")
    if probleme.startswith(("second occurrence", "found duplicate anchor")) and nom:
        premiere = f" (première : ligne {avant.line + 1})" if avant is not None else ""
        return f"ancre « &{nom.group(1)} » définie deux fois{premiere}", "donnez à chaque ancre un nom différent"
    if probleme.startswith("did not find expected <document start>") and not _DIRECTIVE.search(texte, 0, mark.index):
        if _FIN_DOCUMENT.search(texte, 0, mark.index):
            return ("lignes après « ... », la marque de fin de document",
                    "retirez la ligne « ... » ; un texte « ... » s'écrit entre guillemets")
    if probleme.startswith("found character that cannot start any token"):
        c = texte[mark.index:mark.index + 1]
        if c and c not in " \t\r\n":
            return (f"caractère « {c} » en tête de valeur : il ne peut pas commencer une valeur YAML",
                    f"une valeur qui commence par {c} s'écrit entre guillemets (\"{c}…\")")
    return None


def traduire(message: str) -> tuple[str, str]:
    """(problem, hint) in French for one of libyaml's messages (`TRADUCTIONS`, matched on its start);
    an unknown one is « erreur de syntaxe » (the line and column still say where) — never the library's
    English."""
    for anglais, francais, indice in TRADUCTIONS:
        if message.startswith(anglais):
            return francais, indice
    return "erreur de syntaxe", INDICE_SYNTAXE


class LecteurYaml:
    """Walks composed YAML nodes, keeping marks; collects `Probleme` values in `problemes`."""

    def __init__(self, fichier: str, noeuds_max: int = NOEUDS_MAX):
        self.fichier = fichier
        self.problemes: list[Probleme] = []
        self.noeuds = 0
        self.noeuds_max = noeuds_max

    def pb(self, noeud, message, chemin="", indice="", gravite="erreur"):
        ligne = noeud.start_mark.line + 1 if noeud is not None else None
        col = noeud.start_mark.column + 1 if noeud is not None else None
        self.problemes.append(Probleme(self.fichier, ligne, message, chemin, indice, col, gravite))

    def compter(self):
        self.noeuds += 1
        if self.noeuds > self.noeuds_max:
            raise ContratInvalide([Probleme(self.fichier, None, f"fichier trop complexe (plus de {self.noeuds_max} nœuds YAML, "
                                            "alias compris)", indice="les ancres/alias YAML ne doivent pas se multiplier")],
                                  illisible=True)

    def balises(self, racine) -> None:
        """Refuses every explicit tag but the standard ones (`!!python/object`, `!foo`…); each node once."""
        vus, pile = set(), [racine]
        while pile:
            n = pile.pop()
            if id(n) in vus:
                continue
            vus.add(id(n))
            self.compter()
            if n.tag not in _BALISES_PERMISES:
                self.pb(n, f"balise YAML « {n.tag.replace('tag:yaml.org,2002:', '!!')[:80]} » refusée : aucune balise n'est "
                        "interprétée ni exécutée", indice="supprimez la balise ; le fichier ne contient que du texte, "
                        "des listes et des tables")
            if isinstance(n, yaml.MappingNode):
                for k, v in n.value:
                    pile.append(k)
                    pile.append(v)
            elif isinstance(n, yaml.SequenceNode):
                pile.extend(n.value)
        self.noeuds = 0

    def mapping(self, noeud, chemin, permises=None, requises=()):
        """{key: (value node, key node)} of a mapping node, or None (the problem is recorded)."""
        self.compter()
        if not isinstance(noeud, yaml.MappingNode):
            self.pb(noeud, f"on attend ici une table de clés (« clé: valeur »), pas {genre(noeud)}", chemin)
            return None
        vu = {}
        for k, v in noeud.value:
            self.compter()
            cle = self._cle(k, v, vu, chemin, permises)
            if cle is not None:
                vu[cle] = (v, k)
        for r in requises:
            if r not in vu:
                self.pb(noeud, f"clé obligatoire « {r} » absente", chemin, f"ajoutez « {r}: … »")
        return vu

    def _cle(self, k, v, vu, chemin, permises):
        if not isinstance(k, yaml.ScalarNode):
            self.pb(k, "clé invalide (une clé est un simple texte)", chemin)
            return None
        cle = k.value
        ici = f"{chemin}.{cle}" if chemin else cle
        if cle == "<<":
            self.pb(k, "les fusions YAML « << » ne sont pas acceptées", chemin, "recopiez les clés")
        elif cle in vu:
            self.pb(k, f"clé « {cle[:80]} » en double (déjà à la ligne {vu[cle][1].start_mark.line + 1})", ici,
                    "supprimez ou renommez l'une des deux")
        elif permises is not None and cle not in permises:
            self.pb(k, f"clé inconnue « {cle[:80]} »{suggestion(cle, permises)}", ici, "clés permises ici : " + ", ".join(permises))
        else:
            return cle
        return None

    def texte(self, noeud, chemin, vide_ok=False):
        """The text of a scalar node, or None (problem recorded)."""
        self.compter()
        if not isinstance(noeud, yaml.ScalarNode):
            self.pb(noeud, f"on attend un texte, pas {genre(noeud)}", chemin)
            return None
        if not vide_ok and noeud.value.strip() == "":
            self.pb(noeud, "valeur vide", chemin)
            return None
        if not noeud.value.isprintable():
            mauvais = next((ch for ch in noeud.value if _controle(ch)), None)
            if mauvais is not None:
                self.pb(noeud, f"caractère de contrôle U+{ord(mauvais):04X} dans le texte", chemin,
                        "retirez-le (un échappement « \\e », « \\x1b »… entre guillemets) : il serait envoyé tel quel au terminal")
                return None
        return noeud.value

    def booleen(self, noeud, chemin):
        t = self.texte(noeud, chemin)
        if t is None:
            return None
        v = t.strip().lower()
        if v in ("true", "oui", "yes", "vrai"):
            return True
        if v in ("false", "non", "no", "faux"):
            return False
        self.pb(noeud, f"« {t[:80]} » n'est pas oui/non", chemin, "écrivez true ou false")
        return None

    def liste(self, noeud, chemin):
        """The item nodes of a sequence node, or None (problem recorded)."""
        self.compter()
        if not isinstance(noeud, yaml.SequenceNode):
            self.pb(noeud, f"on attend une liste (« - élément »), pas {genre(noeud)}", chemin)
            return None
        return noeud.value

    def textes(self, noeud, chemin) -> list:
        """A list of texts (or one text, read as a list of one): [(text, node)]."""
        if isinstance(noeud, yaml.ScalarNode):
            t = self.texte(noeud, chemin)
            return [(t, noeud)] if t is not None else []
        return [(t, x) for x in (self.liste(noeud, chemin) or []) if (t := self.texte(x, chemin)) is not None]


def _controle(ch: str) -> bool:
    """A character a text must not carry: C0 / C1 controls (tab and line breaks allowed), bidi overrides."""
    o = ord(ch)
    return (o < 32 and ch not in "\t\n\r") or 0x7f <= o <= 0x9f or 0x202a <= o <= 0x202e or 0x2066 <= o <= 0x2069


def genre(noeud) -> str:
    """How a node is named in messages: « une table », « une liste », « le texte « … » »."""
    if isinstance(noeud, yaml.MappingNode):
        return "une table"
    if isinstance(noeud, yaml.SequenceNode):
        return "une liste"
    return f"le texte « {str(getattr(noeud, 'value', ''))[:80]} »"


def est_table(noeud) -> bool:
    return isinstance(noeud, yaml.MappingNode)


def est_texte(noeud) -> bool:
    return isinstance(noeud, yaml.ScalarNode)


def cles_racine(noeud) -> set:
    """The keys of a root mapping (to recognise a file's kind before reading it)."""
    if not isinstance(noeud, yaml.MappingNode):
        return set()
    return {k.value for k, _ in noeud.value if isinstance(k, yaml.ScalarNode)}


def ligne(noeud) -> int:
    return noeud.start_mark.line + 1
