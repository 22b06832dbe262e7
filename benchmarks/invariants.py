"""The engine's invariants over random acts × every shipped formula (issue 10), with a seed and a summary.

    python benchmarks/invariants.py                      # 100 000 acts, seed 2025, every shipped formula
    python benchmarks/invariants.py -n 20000 --graine 7  # a shorter run, another seed

The acts are drawn at random (every nature, amounts from 0 to 6 000 €, quantities up to 60, DPTM or
not, the three baskets, ages 0 to 100, both régimes, lens pairs and frame shares, limits HLF / PLV,
an SS rate given now and then, waiting periods, after-cancer windows, teeth…), some invalid on
purpose, and grouped into beneficiaries whose acts are replayed in date order with their annual state
(envelopes, yearly counts, renewals, the 50 € ceilings of the participation forfaitaire and the
franchises). Each act goes through every formula of every shipped contract; for each result:

1. every amount ≥ 0 and to the cent;
2. Sécurité sociale (net) + forfait après cancer + parts + reste à charge = frais réels, exactly;
   total remboursé = SS + forfait + parts; SS net = SS brut − participations retenues;
3. no payer beyond what was left when its turn came (SS brut ≤ FR, forfait ≤ FR − SS brut, each
   layer ≤ what the payers before it left);
4. reste à charge ≥ participation forfaitaire + franchises withheld (they stay with the patient,
   L160-13 CSS; a contrat responsable does not reimburse them, L871-1);
5. a responsable formula stays under the regulatory ceilings SS included (R871-2 CSS): class B
   equipment by lens pair and the 100 € frame, class II hearing aid 1 700 € per ear, non-DPTM
   doctors BR + 100 % BR — unless the SS alone pays more (then the layers pay nothing).

A refusal (an input the act lacks for this contract, no parameter at that date) is not a violation:
it is counted by kind. The summary ends with the number of violations, which must be 0 (exit 1
otherwise, with the first ones shown).
"""
from __future__ import annotations

import argparse
import collections
import datetime as dt
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from simulateur import charger_contrat, creer_acte, simuler  # noqa: E402
from simulateur.contrat import contrats_livres  # noqa: E402
from simulateur.contrat.validation import couvert  # noqa: E402
from simulateur.domaine.erreurs import ErreurSimulateur  # noqa: E402
from simulateur.domaine.natures import NATURES  # noqa: E402
from simulateur.moteur.etat import EtatBeneficiaire  # noqa: E402
from simulateur.moteur.plafonds import NATURES_MEDECIN  # noqa: E402
from simulateur.parametres import ParametreIndisponible, charger_parametres  # noqa: E402

CENTIME = Decimal("0.01")
CLASSES = ("simple", "complexe", "tres-complexe")
NATURES_TRIEES = sorted(NATURES)


def _euros(r: random.Random, maxi: int) -> Decimal:
    return Decimal(r.randint(0, maxi * 100)) / 100


def acte_au_hasard(r: random.Random, annee: int) -> dict:
    """creer_acte keywords, as text (some invalid on purpose: a frame above the price, a missing field…)."""
    nature = r.choice(NATURES_TRIEES)
    br = r.choice([_euros(r, 60), _euros(r, 200), _euros(r, 6000), Decimal("30"), Decimal("400"), Decimal("0.05")])
    fr = r.choice([_euros(r, 6000), (br * r.randint(0, 24) / 4).quantize(CENTIME), br])
    jour = dt.date(annee, 1, 1) + dt.timedelta(days=r.randint(0, 364))
    kw = {"nature": nature, "date": jour.isoformat(), "br": str(br), "frais_reels": str(fr),
          "quantite": r.choice([1, 1, 1, 2, 3, r.randint(1, 60)]),
          "dptm": r.choice([None, True, False]), "panier": r.choice([None, "100-sante", "maitrise", "libre"]),
          "age": r.choice([None, r.randint(0, 100), 40, 15]), "regime": r.choice(["general", "general", "alsace-moselle"]),
          "psychiatrie": r.random() < 0.2, "acte_lourd": r.random() < 0.1, "oreille": r.choice([None, "droite", "gauche"]),
          "smr": r.choice([None, "majeur", "important", "modere", "faible", "irremplacable"]),
          "changement_vue": r.random() < 0.1, "certificat_radiation": r.random() < 0.1}
    if r.random() < 0.5:
        kw["limite"] = str(r.choice([fr, _euros(r, 3000)]))
    if r.random() < 0.15:
        kw["taux"] = str(r.choice([0, 60, 70, 80, 100, r.randint(0, 100)]))
    if nature.startswith("optique") or r.random() < 0.1:
        kw["verres"] = f"{r.choice(CLASSES)}+{r.choice(CLASSES)}"
        kw["monture"] = str((fr * r.randint(0, 11) / 10).quantize(CENTIME, rounding="ROUND_DOWN"))
    if r.random() < 0.2:
        kw["date_adhesion"] = (jour - dt.timedelta(days=r.randint(-30, 400))).isoformat()
    if nature.startswith("apres-cancer") or r.random() < 0.05:
        kw["fin_traitement"] = (jour - dt.timedelta(days=r.randint(-60, 500))).isoformat()
    if nature.startswith("dentaire") or r.random() < 0.05:
        kw["dent"] = r.choice(["11", "13", "14", "15", "36", "48", "55", "85"])
    return kw


class Compteurs:
    def __init__(self):
        self.simulations = 0
        self.calculees = 0
        self.refus = collections.Counter()          # refusals of the engine, per simulation
        self.refus_actes = collections.Counter()    # acts refused by creer_acte (before any formula)
        self.violations = collections.Counter()
        self.exemples: list = []

    def violation(self, genre: str, cas: str) -> None:
        self.violations[genre] += 1
        if len(self.exemples) < 10:
            self.exemples.append(f"{genre} : {cas}")


def _plafond(parametres, nom, date):
    try:
        return parametres.valeur(nom, date).valeur
    except ParametreIndisponible:
        return None


def plafonds_responsables(parametres, a) -> list:
    """The ceilings (SS included) the result of a responsable formula must respect for act `a`."""
    libre = a.panier in (None, "libre")
    out = []
    if a.nature == "aide-auditive" and libre:
        p = _plafond(parametres, "responsable.aide_auditive_plafond", a.date)
        out.append(None if p is None else p * a.quantite)
    if a.nature == "optique-equipement" and libre and a.verres:
        out.append(_plafond(parametres, f"responsable.optique.plafond.{'-'.join(a.verres)}", a.date))
        m = _plafond(parametres, "responsable.monture_plafond", a.date)
        if m is not None and a.monture is not None:
            out.append((a.frais_reels - a.monture) + min(a.monture, m))
    if a.nature in NATURES_MEDECIN and a.dptm is False:
        d = _plafond(parametres, "responsable.non_dptm.depassement_max_br", a.date)
        out.append(None if d is None else a.br + a.br * d / 100)
    return [p for p in out if p is not None]


def verifier(c: Compteurs, contrat, formule, a, res, parametres) -> None:
    cas = f"{contrat.id}/{formule} {a.nature} {a.date} BR {a.br} FR {a.frais_reels} q {a.quantite}"
    fr = a.frais_reels
    parts = [p.montant for p in res.parts]
    montants = [res.securite_sociale, res.ss_brut, res.participation_forfaitaire, res.forfait_apres_cancer, res.reste_a_charge,
                res.total_rembourse] + parts
    if any(m < 0 for m in montants):
        c.violation("montant négatif", cas)
    if any(m != m.quantize(CENTIME) for m in montants):
        c.violation("montant hors centime", cas)
    if res.securite_sociale + res.forfait_apres_cancer + sum(parts) + res.reste_a_charge != fr:
        c.violation("les parts ne font pas les frais réels", cas)
    if res.total_rembourse != res.securite_sociale + res.forfait_apres_cancer + sum(parts):
        c.violation("total remboursé ≠ somme des payeurs", cas)
    if res.securite_sociale != res.ss_brut - res.participation_forfaitaire:
        c.violation("SS nette ≠ SS brute − participations", cas)
    deja = res.ss_brut
    if deja > fr:
        c.violation("SS au-delà des frais réels", cas)
    if res.forfait_apres_cancer > fr - deja:
        c.violation("forfait après cancer au-delà du reste", cas)
    deja += res.forfait_apres_cancer
    for p in parts:
        if p > fr - deja:
            c.violation("niveau au-delà de ce qui restait", cas)
        deja += p
    if res.reste_a_charge < res.participation_forfaitaire:
        c.violation("reste à charge < participations retenues", cas)
    if contrat.est_responsable(formule):
        total = couvert(res)
        for p in plafonds_responsables(parametres, a):
            if total > max(p, res.ss_brut + res.forfait_apres_cancer):
                c.violation("plafond du contrat responsable dépassé", f"{cas} : {total} > {p}")


def executer(n: int, graine: int, par_beneficiaire: int) -> Compteurs:
    r = random.Random(graine)
    parametres = charger_parametres()
    cibles = [(c, f) for c in (charger_contrat(str(p)) for p in contrats_livres()) for f in c.formules]
    c = Compteurs()
    c.actes, c.cibles = 0, len(cibles)
    while c.actes < n:
        annee = r.choice([2022, 2023, 2024, 2025, 2026])
        groupe = []
        for _ in range(min(par_beneficiaire, n - c.actes)):
            kw = acte_au_hasard(r, annee)
            c.actes += 1
            try:
                groupe.append(creer_acte(**kw))
            except ErreurSimulateur as e:
                c.refus_actes[getattr(e, "code", type(e).__name__)] += 1
        groupe.sort(key=lambda a: a.date)
        for contrat, formule in cibles:
            etat = EtatBeneficiaire()
            for a in groupe:
                c.simulations += 1
                try:
                    res = simuler(contrat, formule, a, etat, parametres, expliquer=False)
                except ErreurSimulateur as e:
                    c.refus[getattr(e, "code", type(e).__name__)] += 1
                    continue
                except ParametreIndisponible:
                    c.refus["paramètre indisponible à cette date"] += 1
                    continue
                c.calculees += 1
                verifier(c, contrat, formule, a, res, parametres)
                etat.appliquer(res)
    return c


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-n", type=int, default=100_000, help="nombre d'actes tirés (défaut 100 000)")
    ap.add_argument("--graine", type=int, default=2025, help="graine du hasard (défaut 2025)")
    ap.add_argument("--par-beneficiaire", type=int, default=20, help="actes rejoués par bénéficiaire, avec son état annuel")
    a = ap.parse_args()
    debut = time.perf_counter()
    c = executer(a.n, a.graine, a.par_beneficiaire)
    duree = time.perf_counter() - debut
    def n(x):
        return f"{x:,}".replace(",", "\u202f")
    print(f"graine {a.graine} : {n(c.actes)} actes tirés × {c.cibles} formules livrées, {n(c.simulations)} simulations, "
          f"{n(c.calculees)} résultats vérifiés, en {duree:.0f} s")
    print(f"actes refusés à la saisie (creer_acte) : {n(sum(c.refus_actes.values()))}")
    for genre, nombre in c.refus_actes.most_common():
        print(f"  {genre:50s} {n(nombre):>12}")
    print(f"simulations refusées par le moteur : {n(sum(c.refus.values()))}")
    for genre, nombre in c.refus.most_common():
        print(f"  {genre:50s} {n(nombre):>12}")
    total = sum(c.violations.values())
    print(f"violations des invariants : {total}")
    for genre, nombre in c.violations.most_common():
        print(f"  {genre:50s} {n(nombre):>12}")
    for e in c.exemples:
        print(f"  exemple — {e}")
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main())
