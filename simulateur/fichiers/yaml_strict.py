"""The one YAML reader of the project: contracts, regulatory parameters, standard examples.

PyYAML's C parser only *composes* the document into nodes (it never constructs objects, so no
tag can run code), and `LecteurYaml` walks the nodes: keys in double are refused, unknown keys are
refused with a "did you mean", every problem keeps its `fichier:ligne:colonne` and key path, and
all problems are collected (errors as values) before anything is raised. A file's size and its
number of nodes (aliases included) are bounded, so that a hostile file stays linear.
"""
from __future__ import annotations

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
        quoi = _traduire((e.problem or e.context or "erreur de syntaxe").strip())
        raise ContratInvalide([Probleme(fichier, mark.line + 1 if mark else None, f"syntaxe YAML invalide : {quoi}",
                                        colonne=mark.column + 1 if mark else None, indice=INDICE_SYNTAXE)],
                              illisible=True) from None
    except (yaml.YAMLError, ValueError, RecursionError) as e:
        quoi = "imbrication trop profonde" if isinstance(e, RecursionError) else _traduire(str(e))
        raise ContratInvalide([Probleme(fichier, None, f"YAML illisible : {quoi}", indice=INDICE_SYNTAXE)], illisible=True) from None
    if noeud is None:
        raise ContratInvalide([Probleme(fichier, None, "fichier vide", indice=indice_vide)], illisible=True)
    return noeud


_TRADUCTIONS = (
    ("mapping values are not allowed here", "deux-points inattendu (une valeur contient-elle « : » sans guillemets ?)"),
    ("mapping values are not allowed in this context", "deux-points inattendu (une valeur contient-elle « : » sans guillemets ?)"),
    ("could not find expected ':'", "deux-points attendu"),
    ("found character that cannot start any token", "caractère qui ne peut pas commencer une valeur (tabulation ?)"),
    ("found unexpected end of stream", "fin de fichier inattendue (guillemet ou crochet non fermé ?)"),
    ("expected <block end>, but found", "indentation incohérente"),
    ("did not find expected key", "clé attendue (indentation ?)"),
    ("did not find expected ',' or ']'", "virgule ou crochet fermant attendu"),
    ("did not find expected ',' or '}'", "virgule ou accolade fermante attendue"),
    ("found undefined alias", "alias non défini"),
    ("found duplicate anchor", "ancre en double"),
    ("special characters are not allowed", "caractères spéciaux interdits"),
    ("unacceptable character", "caractère non accepté"),
    ("found unknown escape character", "séquence d'échappement inconnue"),
    ("found a tab character", "tabulation dans l'indentation (indentez avec des espaces)"),
    ("found character", "caractère qui ne peut pas commencer une valeur (tabulation, @ ou ` ?)"),
    ("exceeded maximum nesting depth", "imbrication trop profonde (des crochets ou accolades ouverts sans fin ?)"),
    ("but found another document", "un second document (« --- ») : un fichier ne contient qu'un contrat"),
    ("expected a single document", "un second document (« --- ») : un fichier ne contient qu'un contrat"),
    ("found duplicate %YAML directive", "directive %YAML en double"),
    ("found incompatible YAML document", "version de YAML non prise en charge"),
    ("did not find the expected '>'", "balise non fermée (« > » attendu)"),
    ("did not find expected node content", "valeur attendue"),
    ("did not find expected <document start>", "début de document attendu"),
    ("block sequence entries are not allowed", "élément de liste (« - ») inattendu ici (indentation ?)"),
    ("control characters are not allowed", "caractère de contrôle interdit"),
    ("expected a comment or a line break", "commentaire ou fin de ligne attendu"),
    ("expected alphabetic or numeric character", "lettre ou chiffre attendu (nom d'ancre ou d'alias)"),
    ("while scanning", "en lisant"),
)


def _traduire(message: str) -> str:
    """libyaml speaks English: its messages in French; one not known here is said « erreur de syntaxe »
    (the line and column still say where) — never the library's English."""
    for anglais, francais in _TRADUCTIONS:
        if message.startswith(anglais):
            return francais
    return "erreur de syntaxe"


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
