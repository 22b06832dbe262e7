"""Writers of `simulateur verifier`: the replay's rows, checked, back in input order.

One writer per format, each fed by `Verificateur` (the replay's `rendre`): CSV (the input row, the
`lot` result columns, then the verification columns `VERIFICATION`), JSON (one array; per row the
keys of `lot --format json` plus the same names), table (Rich, through `rendu.verification`). Rows
are rendered as soon as they are computed and kept in a temporary file, not in memory, then
written in input order. Only the selected rows (`--ligne`) are written and counted.
"""
from __future__ import annotations

import json
import tempfile
from array import array

from ..domaine.montant import texte_json
from ..lot.ecriture import colonnes_resultat, ligne_csv, objet_json, texte_erreur
from .ecarts import (COLONNE_COMPLEMENTAIRE, COLONNE_SS, PREFIXE_NIVEAU, BilanVerification, LigneResumee,
                     verifier_ligne)

VERIFICATION = ("ss_attendu", "complementaire_attendu", "ecart_securite_sociale", "ecart_complementaire")
APRES = ("verdict", "raison")


def colonnes_verification(colonnes, expliquer: bool) -> list[str]:
    """The columns after `lot`'s: expected amounts, écarts (one `ecart_<niveau>` per `verse_<niveau>`
    column), `verdict`, `raison`, and `explication` with `--explique`."""
    return (list(VERIFICATION) + [f"ecart_{n}" for n in colonnes.niveaux] + list(APRES)
            + (["explication"] if expliquer else []))


class _Deversoir:
    """Texts given by row index in any order, read back in index order, held in a temporary file."""

    def __init__(self, n: int):
        self.debut = array("Q", bytes(8 * n))
        self.long = array("I", bytes(4 * n))
        self.present = bytearray(n)
        self.fichier = tempfile.TemporaryFile()
        self.pos = 0

    def mettre(self, i: int, texte: str) -> None:
        b = texte.encode("utf-8")
        self.debut[i], self.long[i], self.present[i] = self.pos, len(b), 1
        self.fichier.write(b)
        self.pos += len(b)

    def textes(self):
        self.fichier.flush()
        for i in range(len(self.present)):
            if self.present[i]:
                self.fichier.seek(self.debut[i])
                yield self.fichier.read(self.long[i]).decode("utf-8")
        self.fichier.close()


def _montant(x, virgule: bool) -> str:
    if x is None:
        return ""
    t = texte_json(x)
    return t.replace(".", ",") if virgule else t


class Verificateur:
    """The replay's `rendre`: reads the row's paid cells, checks the row (`verifier_ligne`), counts it in
    the BilanVerification and hands it to the format's writer.

    `source`: the lot's SourceCSV; `colonnes`: ColonnesVersees; `formule`: the command line's formula
    (a row's own is used when it has one); `selection`: file line numbers to check (None: all);
    `expliquer`: explain the rows that differ, or every selected row when there is a selection.
    """

    def __init__(self, source, colonnes, ecrivain, bilan: BilanVerification, *, formule=None, selection=None,
                 expliquer=False):
        self.source, self.colonnes, self.ecrivain, self.bilan = source, colonnes, ecrivain, bilan
        self.formule, self.selection, self.expliquer = formule, selection, expliquer
        idx = source.table.colonnes
        self.i_date, self.i_nature = idx["date"], idx["nature"]

    def __call__(self, i, entree, choix, r, err) -> None:
        if self.selection is not None and entree.numero not in self.selection:
            return
        cel = self.source.cellules(i)[0]
        formule = choix[1] if isinstance(choix, tuple) else (entree.formule.strip() or self.formule)
        v = verifier_ligne(self.colonnes.cellules(cel), r, err, tolerance=self.bilan.tolerance,
                           mode_ss=self.bilan.mode_ss, formule=formule)
        self.bilan.ajouter(LigneResumee(entree.numero, entree.beneficiaire, cel[self.i_date].strip(),
                                        cel[self.i_nature].strip(), v))
        explique = self.expliquer and r is not None and (self.selection is not None or v.verdict != "conforme")
        self.ecrivain.rendre(i, entree, choix, r, err, v, cel, explique)


class SortieCSV:
    """CSV: the input cells, `lot`'s result columns, the verification columns; the input's separator;
    amounts with a comma when the separator is `;` (unless `virgule` says otherwise)."""

    def __init__(self, source, niveaux: list, colonnes, virgule: bool, expliquer: bool):
        self.table, self.niveaux, self.colonnes = source.table, niveaux, colonnes
        self.sep, self.virgule, self.expliquer = source.table.sep, virgule, expliquer
        self.lignes = _Deversoir(len(source))

    def _resultat(self, entree, r, err) -> list[str]:
        m = self.virgule
        if r is None:
            return [""] * (2 + len(self.niveaux)) + ["", "", texte_erreur(entree, err), ""]
        parts = {p.niveau: p.montant for p in r.parts}
        return ([_montant(r.securite_sociale, m), _montant(r.participation_forfaitaire, m)]
                + [_montant(parts[n], m) if n in parts else "" for n in self.niveaux]
                + [_montant(r.total_rembourse, m), _montant(r.reste_a_charge, m), "", _montant(r.forfait_apres_cancer, m)])

    def rendre(self, i, entree, choix, r, err, v, cel, explique) -> None:
        from ..rendu.verification import explication_courte, texte_verification
        m = self.virgule
        par_niveau = {e.niveau: e.ecart for e in v.niveaux}
        cellules = (list(cel) + self._resultat(entree, r, err)
                    + [_montant(v.ss_attendu, m), _montant(v.complementaire_attendu, m),
                       _montant(v.ecart_securite_sociale, m), _montant(v.ecart_complementaire, m)]
                    + [_montant(par_niveau.get(n), m) for n in self.colonnes.niveaux]
                    + [v.verdict, texte_verification(v)])
        if self.expliquer:
            cellules.append(explication_courte(r) if explique else "")
        self.lignes.mettre(i, ligne_csv(cellules, self.sep) + "\n")

    def ecrire(self, flux, bom: bool) -> None:
        noms = colonnes_resultat(self.niveaux) + colonnes_verification(self.colonnes, self.expliquer)
        flux.write(("\ufeff" if bom else "") + self.table.entete + self.sep + self.sep.join(noms) + "\n")
        morceaux = []
        for texte in self.lignes.textes():
            morceaux.append(texte)
            if len(morceaux) >= 4096:
                flux.write("".join(morceaux))
                morceaux.clear()
        flux.write("".join(morceaux))


def objet_verification(entree, choix, r, err, v, explique: bool, niveaux=()) -> dict:
    """The JSON object of one row: `lot --format json`'s keys, then the paid amounts (`ss_verse`,
    `complementaire_verse`, `verse_<niveau>`: strings with two decimals, null when not given),
    `comparaison_ss` (net or brut), `ss_attendu`, `complementaire_attendu`, `ecart_securite_sociale`,
    `ecart_complementaire`, `ecart_<niveau>`, `verdict`, `raison` (French, null when none), `raisons`
    (codes) and, explained, `explication`. `niveaux`: the layers of the file's `verse_<niveau>` columns
    (their `verse_` and `ecart_` keys are always there, null when unknown)."""
    from ..rendu.verification import raisons_json, texte_verification

    def j(x):
        return None if x is None else texte_json(x)

    d = objet_json(entree, choix, r, err)
    d[COLONNE_SS] = j(v.ss_verse)
    d[COLONNE_COMPLEMENTAIRE] = j(v.complementaire_verse)
    for n in niveaux:
        d[PREFIXE_NIVEAU + n] = j(v.verse_niveaux.get(n))
    d.update({"comparaison_ss": v.mode_ss, "ss_attendu": j(v.ss_attendu), "complementaire_attendu": j(v.complementaire_attendu),
              "ecart_securite_sociale": j(v.ecart_securite_sociale), "ecart_complementaire": j(v.ecart_complementaire)})
    par_niveau = {e.niveau: e.ecart for e in v.niveaux}
    for n in niveaux:
        d[f"ecart_{n}"] = j(par_niveau.get(n))
    d.update({"verdict": v.verdict, "raison": texte_verification(v) or None, "raisons": raisons_json(v.raisons)})
    if explique:
        d["explication"] = r.explication_dict()
    return d


class SortieJSON:
    """JSON: one array of objects (`objet_verification`), in input order."""

    def __init__(self, source, colonnes):
        self.lignes = _Deversoir(len(source))
        self.niveaux = tuple(colonnes.niveaux)

    def rendre(self, i, entree, choix, r, err, v, cel, explique) -> None:
        o = objet_verification(entree, choix, r, err, v, explique, self.niveaux)
        self.lignes.mettre(i, json.dumps(o, ensure_ascii=False))

    def ecrire(self, flux, bom: bool = False) -> None:
        flux.write("[")
        premier = True
        for texte in self.lignes.textes():
            flux.write(("\n" if premier else ",\n") + texte)
            premier = False
        flux.write("]\n" if premier else "\n]\n")


class SortieTable:
    """Table (people): the rows kept as values, rendered by `rendu.verification` at the end, each
    explained row followed by its explanation tree."""

    def __init__(self, source, bilan: BilanVerification):
        self.bilan = bilan
        self.lignes: list = []
        idx = source.table.colonnes
        self.i_date, self.i_nature = idx["date"], idx["nature"]

    def rendre(self, i, entree, choix, r, err, v, cel, explique) -> None:
        ligne = LigneResumee(entree.numero, entree.beneficiaire, cel[self.i_date].strip(), cel[self.i_nature].strip(), v)
        self.lignes.append((i, ligne, r if explique else None))

    def ecrire(self, flux, bom: bool = False) -> None:
        from ..rendu.verification import ecrire_table
        self.lignes.sort(key=lambda x: x[0])
        ecrire_table(flux, [(l, r) for _, l, r in self.lignes], self.bilan)
