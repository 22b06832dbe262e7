"""French wording of `simulateur verifier`: verdicts, reasons, the summary on stderr, the table.

The values come from `simulateur.verification` (Decimal euros, verdict codes, `Raison` values);
nothing here computes an amount.
"""
from __future__ import annotations

from .texte import entier
from .texte import euros

VERDICTS = {"conforme": "conforme", "moins-percu": "moins-perçu", "trop-percu": "trop-perçu",
            "non-verifiable": "non vérifiable"}
PAYEURS = {"securite_sociale": "Sécurité sociale", "complementaire": "complémentaire", "total": "total"}
_QUI = {"ss_verse": "la Sécurité sociale", "complementaire_verse": "la complémentaire"}


_STYLES = {"conforme": "green", "moins-percu": "bold red", "trop-percu": "bold yellow", "non-verifiable": "dim"}


def ecart(x) -> str:
    """A signed difference: `+27,00 €`, `-96,75 €`, `0,00 €`."""
    t = euros(x)
    return ("+" + t) if x > 0 and not t.startswith("0,00") else t


def payeur(nom: str) -> str:
    return PAYEURS.get(nom, f"niveau {nom}")


def _qui(champ: str) -> str:
    if champ in _QUI:
        return _QUI[champ]
    return f"le niveau {champ[len('verse_'):]}" if champ.startswith("verse_") else champ


def _absent(r) -> str:
    d = r.details
    if d.get("colonne_absente"):
        n = r.champ[len("verse_"):]
        return (f"la formule {d.get('formule') or ''} a aussi le niveau {n} : ajoutez la colonne {r.champ}, ou "
                "complementaire_verse (le total versé par la complémentaire)")
    suite = " ou remplissez complementaire_verse" if r.champ.startswith("verse_") else ""
    return f"{r.champ} vide : montant versé par {_qui(r.champ)} inconnu ; écrivez 0 s'il n'y a rien eu{suite}"


def _illisible(r) -> str:
    from .messages import texte_montant
    return f"{r.champ} : {texte_montant(r.details.get('raison', 'illisible'), r.valeur)}"


def _hors_formule(r) -> str:
    d = r.details
    return (f"{r.champ} = {r.valeur.strip()} : la formule {d.get('formule') or ''} n'a pas de niveau {d['niveau']} "
            f"(niveaux : {', '.join(d['niveaux'])}) ; vérifiez la formule de la ligne (--formule ou colonne formule)")


def _incoherent(r) -> str:
    d = r.details
    return (f"complementaire_verse {euros(d['complementaire'])} différent de la somme des verse_<niveau> "
            f"{euros(d['somme'])} : le relevé se contredit")


def _compenses(r) -> str:
    d = r.details
    return (f"écarts de sens contraires qui se compensent (écart total {ecart(d['total'])}) ; le plus grand : "
            f"{payeur(d['payeur'])} {ecart(d['ecart'])}")


def _en_erreur(r) -> str:
    from .messages import message
    err = r.details.get("erreur")
    return "ligne en erreur, rien à comparer" + (f" : {message(err, 'lot')}" if err is not None else "")


RAISONS = {
    "ligne-en-erreur": _en_erreur,
    "verse-absent": _absent,
    "verse-illisible": _illisible,
    "niveau-hors-formule": _hors_formule,
    "complementaire-incoherent": _incoherent,
    "ecarts-compenses": _compenses,
}


def texte_raison(r) -> str:
    """One reason in French (an unknown code is shown as is, never lost)."""
    f = RAISONS.get(r.code)
    return f(r) if f is not None else f"{r.code} {r.champ or ''}".strip()


def texte_raisons(raisons) -> str:
    return " ; ".join(texte_raison(r) for r in raisons)


def texte_verification(v) -> str:
    """The `raison` of a row: why it cannot be checked, or what differs (paid and expected per payer);
    empty for a conforming row."""
    if v.verdict == "conforme":
        return ""
    if v.verdict == "non-verifiable":
        return texte_raisons(v.raisons)
    return "; ".join(x for x in (_detail(v), texte_raisons(v.raisons)) if x)


def raisons_json(raisons) -> list[dict]:
    """`raisons` of the JSON output: code, column, French text."""
    return [{"code": r.code, "champ": r.champ, "texte": texte_raison(r)} for r in raisons]


def explication_courte(r) -> str:
    """The explanation of a result on one line (CSV column `explication`): per payer, the amount, the
    rule (contract line, guarantee) and the cap that bound it."""
    from .explication import phrase
    morceaux = []
    for e in r.explication:
        t = f"{phrase(e.payeur)} {euros(e.montant)}"
        if e.regle is not None:
            t += f" : {phrase(e.regle)}"
        if e.calcul:
            t += " ; " + " ; ".join(phrase(c) for c in e.calcul)
        if e.borne is not None:
            t += f" ; limité par : {phrase(e.borne)}"
        morceaux.append(t)
    return " | ".join(morceaux)


def texte_invalide(e) -> str:
    """A VerificationInvalide (the file or the request cannot be checked at all) in French."""
    d = e.details
    niveaux = ", ".join(f"verse_{n}" for n in d.get("niveaux", []))
    if e.code == "sans-colonne-versee":
        return (f"{d['fichier']} : aucune colonne de montant versé ; indice : ajoutez ss_verse (Sécurité sociale) et "
                f"complementaire_verse (complémentaire), ou une colonne par niveau ({niveaux})")
    if e.code == "niveau-inconnu":
        return (f"{d['fichier']} : colonne(s) {', '.join(d['colonnes'])} : niveau inconnu du contrat ; indice : les "
                f"colonnes par niveau des contrats de ce fichier sont {niveaux}")
    if e.code == "ligne-absente":
        return (f"{d['fichier']} : --ligne {', '.join(str(n) for n in d['lignes'])} : pas d'acte à cette ligne du fichier "
                "(l'en-tête est la ligne 1)")
    if e.code == "format-inconnu":
        return f"format « {d['format']} » inconnu : {', '.join(d['formats'])}"
    if e.code == "mode-ss-inconnu":
        return f"--ss-verse « {d['mode']} » : {' ou '.join(d['modes'])}"
    return e.code


def _compare(bilan) -> list[str]:
    c = bilan.colonnes
    ss = ("Sécurité sociale comparée nette de la participation forfaitaire et des franchises (--ss-verse net)"
          if bilan.mode_ss == "net" else
          "Sécurité sociale comparée avant la participation forfaitaire et les franchises (--ss-verse brut) : "
          "celles-ci ne sont pas vérifiées")
    lignes = [ss if c.ss is not None else "Sécurité sociale non vérifiée (pas de colonne ss_verse)"]
    if c.complementaire is None and not c.niveaux:
        lignes.append("complémentaire non vérifiée (pas de colonne complementaire_verse ni verse_<niveau>)")
    lignes.append(f"tolérance {euros(bilan.tolerance)} par payeur")
    return lignes


def _situation(l) -> str:
    from ..domaine.champs import apercu
    return f"ligne {l.ligne} ({apercu(l.beneficiaire, 40)}, {apercu(l.date, 20)}, {apercu(l.nature, 40)})"


def _detail(v) -> str:
    morceaux = []
    if v.ecart_securite_sociale:
        morceaux.append(f"Sécurité sociale : versé {euros(v.ss_verse)}, attendu {euros(v.ss_attendu)}"
                        + (" (avant participation forfaitaire et franchises)" if v.mode_ss == "brut" else ""))
    if v.ecart_complementaire:
        morceaux.append(f"complémentaire : versé {euros(v.complementaire_verse)}, attendu {euros(v.complementaire_attendu)}")
    morceaux += [f"niveau {e.niveau} : versé {euros(e.verse)}, attendu {euros(e.attendu)}" for e in v.niveaux if e.ecart]
    return " ; ".join(morceaux)


def resume(bilan, sortie: str | None = None) -> str:
    """The summary of a verification (stderr): rows per verdict, what was compared, the écarts per
    payer (moins-perçu, trop-perçu), the largest differences first, the rows that cannot be checked."""
    vers = f" → {sortie}" if sortie else ""
    n = bilan.verdicts
    t = [f"verifier {bilan.fichier}{vers} : {entier(bilan.lignes)} ligne(s) : {entier(n['conforme'])} conforme(s), "
         f"{entier(n['moins-percu'])} moins-perçu, {entier(n['trop-percu'])} trop-perçu, "
         f"{entier(n['non-verifiable'])} non vérifiable(s)" + (f" ; {entier(bilan.vides)} ligne(s) vide(s) ignorée(s)"
                                                             if bilan.vides else "")]
    t += [f"  {x}" for x in _compare(bilan)]
    if n["moins-percu"] or n["trop-percu"]:
        lib = [(payeur(p), m, tp) for p, (m, tp) in bilan.ecarts.items()]
        titre = "écarts (versé − attendu)"
        lg = max(len(titre), *(len(x[0]) for x in lib))
        cm = [(ecart(m), ecart(tp)) for _, m, tp in lib]
        l1 = max(len("moins-perçu"), *(len(a) for a, _ in cm))
        l2 = max(len("trop-perçu"), *(len(b) for _, b in cm))
        t.append(f"  {titre.ljust(lg)}  {'moins-perçu'.rjust(l1)}  {'trop-perçu'.rjust(l2)}")
        for (nom, _, _), (a, b) in zip(lib, cm):
            t.append(f"  {nom.ljust(lg)}  {a.rjust(l1)}  {b.rjust(l2)}")
        t.append("plus grands écarts :")
        for l in bilan.plus_grands:
            v = l.verification
            t.append(f"  {_situation(l)} : {VERDICTS[v.verdict]} {ecart(v.ecart_total)} ({_detail(v)})")
    if n["non-verifiable"]:
        t.append("non vérifiables :")
        for l in bilan.non_verifiables:
            t.append(f"  {_situation(l)} : {texte_raisons(l.verification.raisons)}")
        autres = n["non-verifiable"] - len(bilan.non_verifiables)
        if autres > 0:
            t.append(f"  … et {entier(autres)} autre(s) : voir les colonnes verdict et raison")
    return "\n".join(t) + "\n"


def _deux(verse, attendu) -> str:
    """`versé` over `attendu`, without the euro sign (the title says the unit)."""
    return "\n".join("–" if x is None else euros(x, euro=False) for x in (verse, attendu))


def table(lignes, bilan):
    """The Rich table of the rows (`lignes`: LigneResumee, in file order): per payer the amount paid
    over the amount expected, the total écart, the verdict."""
    from rich import box
    from rich.markup import escape
    from rich.table import Table
    t = Table(title=f"Vérification de {escape(bilan.fichier)} (montants en €)", box=box.SIMPLE_HEAVY, title_justify="left",
              show_edge=False, pad_edge=False)
    for nom, droite in (("Ligne", True), ("Bénéficiaire", False), ("Date", False), ("Nature", False),
                        ("SS\nversé\nattendu", True), ("Compl.\nversée\nattendue", True), ("Écart", True),
                        ("Verdict", False)):
        t.add_column(nom, justify="right" if droite else "left", no_wrap=nom not in ("Bénéficiaire",))
    for l in lignes:
        v = l.verification
        t.add_row(str(l.ligne), escape(l.beneficiaire), escape(l.date), escape(l.nature), _deux(v.ss_verse, v.ss_attendu),
                  _deux(v.complementaire_verse, v.complementaire_attendu),
                  "" if v.ecart_total is None or v.verdict == "non-verifiable" else ecart(v.ecart_total).replace(" €", ""),
                  VERDICTS[v.verdict],
                  style=_STYLES[v.verdict])
    return t


def _blocs(lignes, titre: str):
    """The rows as blocks, when the table does not fit the width: each amount beside its own label
    (« versée 27,00 », « attendue 0,00 ») — a wrapped two-line header must never pair a value with the
    wrong word. Label and value are joined by a no-break space: the wrap never parts them."""
    from rich.console import Group
    from rich.markup import escape
    from rich.text import Text

    def paire(nom, x):
        return f"{nom}\u00a0{'–' if x is None else euros(x, euro=False)}"
    blocs = [Text.from_markup(titre), Text("")]
    for l in lignes:
        v = l.verification
        ecart_texte = ("" if v.ecart_total is None or v.verdict == "non-verifiable"
                       else f"écart\u00a0{ecart(v.ecart_total).replace(' €', '')} : ")
        blocs += [Text.from_markup(f"[bold]ligne {l.ligne}[/] · {escape(l.beneficiaire)} · {escape(l.date)} · "
                                   f"{escape(l.nature)}"),
                  Text("  Sécurité sociale"), Text(f"    {paire('versé', v.ss_verse)} · {paire('attendu', v.ss_attendu)}"),
                  Text("  complémentaire"),
                  Text(f"    {paire('versée', v.complementaire_verse)} · {paire('attendue', v.complementaire_attendu)}"),
                  Text(f"  {ecart_texte}{VERDICTS[v.verdict]}", style=_STYLES[v.verdict]), Text("")]
    return Group(*blocs)


def ecrire_table(flux, lignes, bilan) -> None:
    """The table (or, when it does not fit the width, one block per row), the reasons of the rows that
    are not conforming, then the explanation trees (rows given with their Resultat)."""
    from rich.markup import escape
    from .disposition import afficher
    from .explication import arbre
    from .disposition import console
    con = console(flux=flux)
    resumees = [l for l, _ in lignes]
    t = table(resumees, bilan)
    afficher(con, t, lambda _t: _blocs(resumees, t.title))
    raisons = [(l, texte_raisons(l.verification.raisons)) for l, _ in lignes if l.verification.raisons]
    for l, texte in raisons:
        con.print(f"ligne {l.ligne} : {escape(texte)}", soft_wrap=False)
    for l, r in lignes:
        if r is None:
            continue
        v = l.verification
        con.print(f"\n[bold]{escape(_situation(l))}[/] : {VERDICTS[v.verdict]}"
                  + (f" {ecart(v.ecart_total)} ({escape(_detail(v))})" if v.ecart_total else ""))
        con.print(arbre(r))
