"""The option parser in French, and every missing option named at once.

Typer parses the command line with the click it vendors (`typer._click`), whose messages are
English and written into the code. Rather than patch them one by one, the commands use the classes
below, which:

- word every parser error from the error itself (its class, the option, the value): `traduire`;
  the few messages click builds as sentences (a value of a wrong type…) are matched by pattern,
  and an unknown one still reaches the user in French words around the option it names;
- print `erreur : …`, then the usage line and where the help is (`Utilisation :`, `aide :`);
- check the whole command line before complaining of a missing option, so that all of them are
  named in one message (`MissingParameter` would stop at the first);
- title the help in French (`Arguments`, `Options`, `Commandes`, `[défaut : …]`, `[obligatoire]`,
  the help of `--help`, of `--install-completion` and of `--show-completion`).

`Appli` is the Typer application whose commands all get these classes (`app.command()` as usual).
`tests/test_cli.py` runs a list of bad invocations and checks that no English word of the parser
reaches the user.
"""
from __future__ import annotations

import re
import sys

import typer
from typer import _click
from typer.core import TyperCommand, TyperGroup

UTILISATION = "Utilisation : "
AIDE_AIDE = "Affiche cette aide et quitte."

# typer.core words its help through gettext: the French of each of its messages.
_GETTEXT = {
    "Arguments": "Arguments", "Options": "Options", "Commands": "Commandes",
    "default: {default}": "défaut : {default}", "required": "obligatoire", "env var: {var}": "variable : {var}",
    "Aborted!": "Abandon.", "Missing command.": "Commande absente.",
    "No such command {name!r}.": "Commande inconnue : {name!r}.",
}


def _gettext(message: str) -> str:
    return _GETTEXT.get(message, message)


def installer_gettext() -> None:
    """typer.core words its help titles through `gettext`: the French ones instead."""
    import typer.core as tc
    tc._ = _gettext


def sans_coupure_au_tiret() -> None:
    """The help's text wrapper keeps words with dashes whole (`consultation-specialiste`,
    `--frais-reels`: click's wrapper breaks them at a dash by default). Done when a help is written."""
    from typer._click import _textwrap
    base = _textwrap.TextWrapper
    if getattr(base, "sans_coupure_au_tiret", False):
        return

    class SansCoupureAuTiret(base):
        sans_coupure_au_tiret = True

        def __init__(self, *args, **kwargs):
            kwargs.setdefault("break_on_hyphens", False)
            super().__init__(*args, **kwargs)

    _textwrap.TextWrapper = SansCoupureAuTiret


# ------------------------------------------------------------------ messages

def _option(e) -> str:
    """The option or argument an error is about, as the user wrote or would write it."""
    p = getattr(e, "param", None)
    if p is not None:
        if p.param_type_name == "argument":
            return (p.metavar or p.name or "").upper()
        return " / ".join(p.opts + list(getattr(p, "secondary_opts", [])))
    indice = getattr(e, "param_hint", None)
    if indice:
        return indice if isinstance(indice, str) else " / ".join(indice)
    return ""


_VALEURS = [   # what click says of a value (types.py), in French (patterns compiled on first use: start-up)
    (r"^(?P<v>.*) is not a valid (?:integer|int)(?: range)?\.?$", "« {v} » n'est pas un nombre entier"),
    (r"^(?P<v>.*) is not a valid (?:float|floating point value)(?: range)?\.?$", "« {v} » n'est pas un nombre"),
    (r"^(?P<v>.*) is not a valid boolean\..*$", "« {v} » : écrivez oui ou non (true, false, 1, 0)"),
    (r"^(?P<v>.*) is not a valid UUID\.?$", "« {v} » n'est pas un identifiant valide"),
    (r"^(?P<v>.*) is not one of (?P<c>.*)\.$", "« {v} » inconnu ; valeurs permises : {c}"),
    (r"^(?P<v>.*) is not in the range (?P<c>.*)\.$", "« {v} » hors des bornes {c}"),
    (r"^(?P<v>.*) does not match the formats (?P<c>.*)\.$", "« {v} » : formats permis {c}"),
    (r"^(?P<c>\d+) values are required, but (?P<v>\d+) (?:was|were)? ?given\.?$", "{c} valeurs attendues, {v} données"),
    (r"^Takes (?P<c>\d+) values but (?P<v>\d+) given\.?$", "{c} valeurs attendues, {v} données"),
    (r"^Value must be an iterable\.?$", "une liste de valeurs est attendue"),
]


def _nettoyer(v: str) -> str:
    v = v.strip()
    return v[1:-1] if len(v) >= 2 and v[0] == v[-1] and v[0] in "'\"" else v


def _bornes(c: str) -> str:
    """Click's range notation in words: `x>=1` → « au moins 1 », `x<=9` → « au plus 9 », `1<=x<=9` → « de 1 à 9 »."""
    m = re.fullmatch(r"\s*(?:(?P<bas>[-\d.]+)<=?)?x(?:<=?(?P<haut>[-\d.]+))?\s*|\s*x>=?(?P<bas2>[-\d.]+)\s*", c)
    if m is None:
        return c
    bas, haut = m["bas"] or m["bas2"], m["haut"]
    if bas and haut:
        return f"de {bas} à {haut}"
    return f"au moins {bas}" if bas else f"au plus {haut}"


def _valeur(message: str) -> str:
    for motif, francais in _VALEURS:
        m = re.match(motif, message.strip(), re.S)
        if m:
            valeurs = {k: _nettoyer(x) for k, x in m.groupdict().items()}
            if "hors des bornes" in francais:
                return f"« {valeurs['v']} » hors des bornes : {_bornes(valeurs['c'])}"
            return francais.format(**valeurs)
    return message


def _manquants(e) -> str:
    noms = getattr(e, "manquants", None) or [_option(e)]
    args = [n for n in noms if not n.startswith("-")]
    opts = [n for n in noms if n.startswith("-")]
    morceaux = []
    if args:
        morceaux.append(("argument obligatoire absent : " if len(args) == 1 else "arguments obligatoires absents : ")
                        + _et(args))
    if opts:
        morceaux.append(("option obligatoire absente : " if len(opts) == 1 else "options obligatoires absentes : ")
                        + _et(opts))
    return " ; ".join(morceaux)


def _et(noms: list[str]) -> str:
    return noms[0] if len(noms) == 1 else ", ".join(noms[:-1]) + " et " + noms[-1]


def traduire(e) -> str:
    """The French message of a parser error (an exception of `typer._click`)."""
    ex = _click.exceptions
    if getattr(e, "francais", False):
        return e.message
    if isinstance(e, ex.MissingParameter):
        return _manquants(e)
    if isinstance(e, ex.NoSuchOption):
        texte = f"option inconnue : {e.option_name}"
        if e.possibilities:
            texte += " ; vouliez-vous dire " + " ou ".join(sorted(e.possibilities)) + " ?"
        return texte
    m = e.message if isinstance(getattr(e, "message", None), str) else str(e)
    if isinstance(e, ex.BadOptionUsage):
        if "requires" in m:
            n = re.search(r"requires (\d+) arguments", m)
            return f"l'option {e.option_name} attend " + (f"{n.group(1)} valeurs" if n else "une valeur")
        if "does not take a value" in m:
            return f"l'option {e.option_name} ne prend pas de valeur"
        return f"option {e.option_name} mal employée : {m}"
    if isinstance(e, ex.BadParameter):
        quoi = _option(e)
        return f"{quoi} : {_valeur(m)}" if quoi else f"valeur invalide : {_valeur(m)}"
    if isinstance(e, ex.BadArgumentUsage):
        n = re.search(r"Argument '?(.*?)'? takes (\d+) values", m)
        return f"l'argument {n.group(1).upper()} attend {n.group(2)} valeurs" if n else f"argument mal employé : {m}"
    extra = re.match(r"Got unexpected extra argument(?:s|\(s\))? \((.*)\)$", m, re.S)
    if extra:
        return f"argument(s) en trop : {extra.group(1)} (un texte avec des espaces s'écrit entre guillemets)"
    if isinstance(e, ex.FileError):
        return f"impossible d'ouvrir le fichier {e.ui_filename} : {e.message}"
    return m


def afficher_erreur(e, flux=None) -> None:
    """`erreur : …`, then the usage line and where to find the help (all on stderr)."""
    w = (flux or sys.stderr).write
    ctx = getattr(e, "ctx", None)
    w(f"erreur : {traduire(e)}\n")
    if ctx is not None:
        w(ctx.get_usage() + "\n")
        if isinstance(e, _click.exceptions.MissingParameter):
            exemple = _exemple(ctx.command)
            if exemple:
                w(f"exemple : {exemple}\n")
        if ctx.command.get_help_option(ctx) is not None:
            w(f"aide : {ctx.command_path} {ctx.help_option_names[-1]}\n")


def _exemple(commande) -> str:
    """The first example of a command's help (the line after « Exemple » in its epilog)."""
    lignes = [l.strip() for l in (commande.epilog or "").splitlines()]
    for i, l in enumerate(lignes):
        if l.startswith("Exemple") and i + 1 < len(lignes):
            return lignes[i + 1]
    return ""


def exemples(*lignes: str) -> str:
    """The epilog of a command: its examples, kept as written by the help formatter (`\\b`)."""
    titre = "Exemple :" if len(lignes) == 1 else "Exemples :"
    return "\b\n" + titre + "\n" + "\n".join("  " + l for l in lignes)


# ------------------------------------------------------------------ the classes

class _Francais:
    """What CommandeFr and GroupeFr share: the usage line and the help option in French."""

    def format_help(self, ctx, formatter) -> None:
        sans_coupure_au_tiret()
        super().format_help(ctx, formatter)

    def format_usage(self, ctx, formatter) -> None:
        pieces = " ".join(self.collect_usage_pieces(ctx))
        formatter.write_usage(ctx.command_path, re.sub(r"\{([^{}]*)\}", r"\1", pieces), prefix=UTILISATION)

    def get_help_option(self, ctx):
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = AIDE_AIDE
        return option


class CommandeFr(_Francais, TyperCommand):
    """A command whose missing options are all named in one message."""

    def parse_args(self, ctx, args):
        copie = list(args)
        try:
            return super().parse_args(ctx, args)
        except _click.exceptions.MissingParameter as e:
            manquants = self._manquants(ctx, copie)
            if len(manquants) > 1:
                e.manquants = manquants
            raise
        except _click.exceptions.UsageError as e:
            if e.ctx is None:            # the parser's own errors come without their context: the usage line needs it
                e.ctx, e.cmd = ctx, self
            raise

    def _manquants(self, ctx, args) -> list[str]:
        """Every required parameter the command line leaves without a value (arguments first)."""
        try:
            opts, _reste, _ordre = self.make_parser(ctx).parse_args(args=list(args))
        except _click.exceptions.UsageError:
            return []
        noms = []
        for p in self.get_params(ctx):
            if p.required and p.expose_value and opts.get(p.name) in (None, (), []) and p.resolve_envvar_value(ctx) is None:
                noms.append((p.param_type_name != "argument", (p.metavar or p.name).upper() if p.param_type_name == "argument"
                             else " / ".join(p.opts)))
        return [n for _, n in sorted(noms, key=lambda x: x[0])]


class GroupeFr(_Francais, TyperGroup):
    """The application's group: French errors and help, unknown commands with a suggestion, and
    commands built when first asked for (`charger`): `simulateur simuler …` neither imports nor builds
    the options of the seven other commands (start-up time)."""

    noms: tuple = ()                     # every command name, in the order of the help
    charger = None                       # charger(nom) -> the Typer CommandInfo registered for that name and its module

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.subcommand_metavar = "COMMANDE [ARGUMENTS]..."

    def list_commands(self, ctx):
        return list(dict.fromkeys([*self.noms, *self.commands]))

    def get_command(self, ctx, name):
        commande = self.commands.get(name)
        if commande is None and name in self.noms and type(self).charger is not None:
            from typer.main import get_command_from_info
            for info in type(self).charger(name):
                c = get_command_from_info(info, pretty_exceptions_short=True, rich_markup_mode=self.rich_markup_mode)
                self.commands.setdefault(c.name, c)
            commande = self.commands.get(name)
        return commande

    def get_params(self, ctx):
        params = super().get_params(ctx)
        for p in params:                 # Typer adds the completion options once the group is made
            if p.name in _COMPLETION:
                p.help, p.callback = _COMPLETION[p.name]
        return params

    def resolve_command(self, ctx, args):
        try:
            return self._click_resolve_command(ctx, args)
        except _click.exceptions.UsageError as e:
            if not args or args[0].startswith("-"):
                raise
            from difflib import get_close_matches
            from ..domaine.erreurs import apercu
            proches = get_close_matches(args[0], list(self.commands), n=3, cutoff=0.6)
            texte = f"commande inconnue : « {apercu(args[0], 60)} »"
            if proches:
                texte += " ; vouliez-vous dire " + " ou ".join(f"« {p} »" for p in proches) + " ?"
            raise _click.exceptions.UsageError(texte + f" (liste : {ctx.command_path} --help)", ctx) from e

    def invoke(self, ctx):
        """Runs the command; a reader that left (`simulateur … | head -1`: EPIPE) ends every command by
        THE one rule (`environnement.lecteur_parti`: no message, exit 0) — Click would exit 1, the code
        of rows in error."""
        import errno
        try:
            return super().invoke(ctx)
        except OSError as e:
            if e.errno != errno.EPIPE:
                raise
            from .environnement import lecteur_parti
            raise typer.Exit(lecteur_parti()) from None

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        """Click's main, the errors worded here: `erreur : …` on stderr and exit code 2."""
        try:
            code = super().main(args=args, prog_name=prog_name, complete_var=complete_var, standalone_mode=False, **extra)
        except _click.exceptions.NoArgsIsHelpError as e:
            if not standalone_mode:
                raise
            sys.stdout.write(e.ctx.get_help() + "\n")
            sys.exit(0)
        except _click.exceptions.ClickException as e:
            if not standalone_mode:
                raise
            afficher_erreur(e)
            sys.exit(e.exit_code)
        except typer.Abort:
            if not standalone_mode:
                raise
            sys.stderr.write("abandon\n")
            sys.exit(1)
        if not standalone_mode:
            return code
        sys.exit(code if isinstance(code, int) else 0)


class Appli(typer.Typer):
    """The Typer application: every command is a CommandeFr unless told otherwise."""

    def command(self, *args, cls=None, **kwargs):
        return super().command(*args, cls=cls or CommandeFr, **kwargs)


# ------------------------------------------------------------------ completion install / show, in French

def _installer(ctx, param, valeur):
    if not valeur or ctx.resilient_parsing:
        return valeur
    from typer._completion_shared import _get_shell_name, install
    shell = valeur if isinstance(valeur, str) else _get_shell_name()
    if shell not in ("bash", "zsh", "fish", "powershell", "pwsh"):
        sys.stderr.write(f"erreur : shell {shell or 'inconnu'} : la complétion existe pour bash, zsh, fish et PowerShell\n")
        sys.exit(2)
    shell, chemin = install(shell=shell, prog_name=ctx.find_root().info_name)
    sys.stdout.write(f"complétion {shell} installée dans {chemin} ; elle vaut pour les nouveaux terminaux\n")
    sys.exit(0)


def _montrer(ctx, param, valeur):
    if not valeur or ctx.resilient_parsing:
        return valeur
    from typer._completion_shared import _get_shell_name, get_completion_script
    nom = ctx.find_root().info_name
    shell = valeur if isinstance(valeur, str) else (_get_shell_name() or "bash")
    variable = "_{}_COMPLETE".format(nom.replace("-", "_").upper())
    if shell not in ("bash", "zsh", "fish", "powershell", "pwsh"):
        sys.stderr.write(f"erreur : shell {shell} : la complétion existe pour bash, zsh, fish et PowerShell\n")
        sys.exit(2)
    sys.stdout.write(get_completion_script(prog_name=nom, complete_var=variable, shell=shell) + "\n")
    sys.exit(0)


_COMPLETION = {
    "install_completion": ("Installe la complétion (commandes, options, contrats, formules, natures) pour le shell courant.",
                           _installer),
    "show_completion": ("Affiche le script de complétion du shell courant, à copier ou adapter.", _montrer),
}
