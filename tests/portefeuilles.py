"""Random portfolios for the identity tests of the columnar engine (not a test module).

`portefeuille(graine, n, beneficiaires)` draws rows over EVERY shipped contract and formula (per-row
`contrat` / `formule` columns), built to reach every rule the columnar engine compiles and every one
it sends back to the line engine: annual envelopes and yearly counts that run out, day tiers, the
participation forfaitaire and franchise caps (per year and per day), non-DPTM ceilings, HLF / PLV
limits, PMSS terms, Alsace-Moselle, minors, actes lourds, rate overrides, optics and hearing aids with
their renewals, the après-cancer forfait, annual ceilings across layers (carcept-evolution-sante),
waiting periods, and rows in error (unknown nature, impossible date, a missing condition, a missing limit…). Amounts are
written as a CSV would have them (`31.50`, `31,5`, `1 234,56 €`).
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import random

from simulateur.contrat import contrats_livres
from simulateur.contrat.depot import charger_contrat

COLONNES = ["beneficiaire", "date", "nature", "br", "frais_reels", "quantite", "dptm", "panier", "limite", "age", "regime",
            "taux", "monture", "verres", "oreille", "psychiatrie", "smr", "acte_lourd", "changement_vue", "date_adhesion",
            "fin_traitement", "contrat", "formule"]


def formules() -> list[tuple[str, str]]:
    """Every (contract id, formula id) shipped."""
    par_contrat = []
    for p in contrats_livres():
        c = charger_contrat(str(p))
        par_contrat.append([(c.id, f) for f in c.formules])
    # interleaved, contract after contract (the first of each, then the second…): the first draws and the
    # first beneficiaries reach every contract, whatever the number of formulas each has (a modular
    # contract engenders dozens)
    return [x for k in range(max(map(len, par_contrat), default=0)) for x in (fs[k] for fs in par_contrat if k < len(fs))]


def _montant(r: random.Random, x: float) -> str:
    c = max(0, int(round(x * 100)))
    t = f"{c // 100}.{c % 100:02d}"
    u = r.random()
    if u < 0.05:
        return t.replace(".", ",")
    if u < 0.07:
        return f"{c // 100},{c % 100:02d} €"
    if u < 0.09 and c % 100 == 0:
        return str(c // 100)
    return t


_NATURES_COURANTES = [
    ("consultation-generaliste", 30, 1.2), ("consultation-specialiste", 50, 2.0), ("actes-techniques", 70, 2.0),
    ("imagerie", 40, 1.5), ("biologie", 25, 1.0), ("auxiliaires-medicaux", 16, 1.0), ("medicaments", 12, 1.0),
    ("sage-femme", 25, 1.0), ("psychologue", 50, 1.0), ("dentaire-soins", 30, 1.0), ("transport", 60, 1.0),
    ("fournitures-medicales", 20, 1.0), ("appareillage", 40, 1.8), ("gros-appareillage", 300, 1.5),
    ("prevention", 30, 1.0), ("cure-thermale", 200, 1.3), ("densitometrie", 40, 1.2), ("orthodontie", 193.5, 3.0),
    ("telesurveillance", 50, 1.0), ("piles-auditives", 36, 1.2), ("lentilles", 39.48, 4.0), ("hospitalisation-sejour", 900, 1.0),
    ("hospitalisation-honoraires", 200, 2.0),
]
_SANS_BR = ["medecine-douce", "vaccins-non-rembourses", "contraception-non-remboursee", "pharmacie-non-remboursee",
            "sevrage-tabagique", "nutritionniste", "densitometrie-non-remboursee", "lentilles-non-remboursees",
            "chirurgie-refractive", "implantologie", "parodontologie", "orthodontie-non-remboursee",
            "dentaire-prothese-non-remboursee", "chambre-particuliere", "chambre-particuliere-maternite",
            "chambre-particuliere-psychiatrie", "accompagnant", "maternite", "forfait-journalier", "forfait-patient-urgences",
            "forfait-actes-lourds", "modelisation-3d"]


def _acte(r: random.Random, age: int) -> dict:
    u = r.random()
    if u < 0.55:
        nat, br, f = r.choice(_NATURES_COURANTES)
        br = br * r.choice((0.5, 1, 1, 1, 2))
        d = {"nature": nat, "br": br, "frais_reels": br * r.choice((1, 1, f, f * 1.5, 0.5))}
        if nat in ("consultation-generaliste", "consultation-specialiste", "actes-techniques", "imagerie", "densitometrie",
                   "hospitalisation-honoraires"):
            d["dptm"] = r.choice(("oui", "oui", "non", "non", "" if r.random() < 0.1 else "oui"))
        if nat in ("medicaments", "auxiliaires-medicaux", "transport", "chambre-particuliere"):
            d["quantite"] = str(r.choice((1, 1, 2, 3, 4, 6)))
        if nat == "medicaments":
            d["smr"] = r.choice(("", "majeur", "important", "modere", "faible", "irremplacable"))
        if nat in ("hospitalisation-sejour", "hospitalisation-honoraires") and r.random() < 0.3:
            d["acte_lourd"] = "oui"
        return d
    if u < 0.80:
        nat = r.choice(_SANS_BR)
        j = r.choice((1, 1, 2, 5, 12, 30))
        d = {"nature": nat, "br": "", "frais_reels": r.choice((15, 20, 35, 40, 60, 80, 95, 120, 300, 900)) * (j if "chambre" in nat or nat in ("accompagnant", "forfait-journalier") else 1)}
        if "chambre" in nat or nat in ("accompagnant", "forfait-journalier"):
            d["quantite"] = str(j)
        if nat == "forfait-journalier" and r.random() < 0.3:
            d["psychiatrie"] = "oui"
        return d
    if u < 0.90:         # dental prostheses and inlays, three baskets, HLF sometimes missing (an error)
        nat = r.choice(("dentaire-prothese", "dentaire-inlay-core", "dentaire-inlay-onlay"))
        br = r.choice((120, 90, 100))
        panier = r.choice(("100-sante", "maitrise", "libre", ""))
        fr = r.choice((300, 500, 550, 800, 1200))
        d = {"nature": nat, "br": br, "frais_reels": fr, "panier": panier}
        if panier in ("100-sante", "maitrise") and r.random() < 0.9:
            d["limite"] = r.choice((fr, fr * 0.9, 500))
        return d
    if u < 0.95:         # optics (renewals: the line engine)
        if r.random() < 0.3:
            return {"nature": "optique-equipement", "br": 31.5, "frais_reels": 105, "panier": "100-sante", "limite": 105}
        fr = r.choice((150, 300, 450, 700))
        nat = r.choice(("optique-equipement", "optique-equipement", "optique-monture", "optique-verre"))
        d = {"nature": nat, "br": 0.15, "frais_reels": fr, "panier": "libre", "monture": min(fr / 3, 120),
             "verres": r.choice(("simple+simple", "complexe+complexe", "simple+complexe", "tres-complexe"))}
        if r.random() < 0.2:
            d["changement_vue"] = "oui"
        return d
    if u < 0.98:         # hearing aids (renewals per ear)
        oreille = r.choice(("droite", "gauche", ""))
        if r.random() < 0.4:
            return {"nature": "aide-auditive", "br": 400, "frais_reels": 950, "panier": "100-sante", "limite": 950, "oreille": oreille}
        return {"nature": "aide-auditive", "br": 400, "frais_reels": r.choice((1400, 1700, 2100)), "panier": "libre", "oreille": oreille}
    d = {"nature": r.choice(("apres-cancer-bilan", "apres-cancer-suivi")), "br": "", "frais_reels": r.choice((180, 50, 60))}
    if r.random() < 0.8:
        d["fin_traitement"] = "2024-11-15"
    return d


def _rangee(r: random.Random, b: int, age: int, regime: str, cible, annee: int) -> dict:
    d = _acte(r, age)
    for k in ("br", "frais_reels", "limite", "monture"):
        if isinstance(d.get(k), (int, float)):
            d[k] = _montant(r, d[k])
    d["beneficiaire"] = f"B{b:05d}" + (" " if r.random() < 0.01 else "")
    jour = dt.date(annee, 1, 1) + dt.timedelta(days=r.randrange(730))
    d["date"] = jour.isoformat() if r.random() > 0.01 else jour.strftime("%d/%m/%Y")
    d["age"] = str(age) if r.random() > 0.05 else ""
    d["regime"] = regime
    d["contrat"], d["formule"] = cible
    if r.random() < 0.02:
        d["taux"] = r.choice(("100", "50", "62.5", "33.333"))
    if cible[0] == "carcept-evolution-sante" and r.random() < 0.03:
        d["date_adhesion"] = (jour - dt.timedelta(days=r.choice((30, 400)))).isoformat()
    if r.random() < 0.004:
        d[r.choice(("date", "nature", "frais_reels", "quantite"))] = r.choice(("2025-13-01", "inconnue", "-3", "0", "x"))
    return d


def portefeuille(graine: int, n: int, beneficiaires: int, annee: int = 2024) -> list[dict]:
    """`n` rows over `beneficiaires` beneficiaries (each with one formula most of the time, sometimes two;
    beneficiary b has the formula b modulo the number of formulas: every formula is there as soon as there
    are as many beneficiaries), dates over two civil years from `annee`, rows in random order."""
    r = random.Random(graine)
    cibles = formules()
    profils = [(r.choice((8, 15, 35, 50, 70, 85)), r.choice(("general",) * 5 + ("alsace-moselle",)), cibles[b % len(cibles)])
               for b in range(beneficiaires)]
    lignes = []
    for _ in range(n):
        b = r.randrange(beneficiaires)
        age, regime, cible = profils[b]
        if r.random() < 0.05:
            cible = r.choice(cibles)
        lignes.append(_rangee(r, b, age, regime, cible, annee))
    return lignes


def csv_texte(lignes: list[dict], sep: str = ",") -> str:
    f = io.StringIO()
    w = csv.writer(f, delimiter=sep, lineterminator="\n")
    w.writerow(COLONNES)
    for d in lignes:
        w.writerow([d.get(c, "") for c in COLONNES])
    return f.getvalue()
