"""What the engine returns: amounts per payer, and the explanation as values.

The explanation is a list of `Etape` (one per payer), each with the rule applied, the steps of the
computation and the cap that bound the amount, all as `Calcul` values (a key and its numbers:
amounts are Decimal euros, rates Decimal percentage points, dates `datetime.date`), plus the dated
parameters read (`ValeurDatee`: value, date of effect, legal reference, source). No sentence is
made here: `simulateur.rendu.explication` words each key in French (`--explique`), and the JSON
output carries both the words and the values.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ..domaine.montant import ZERO, texte_json, texte_taux


class Calcul:
    """One step or one fact of a computation: `cle` says which (e.g. `ss.taux`, `terme.taux_br`,
    `borne.plafond-responsable-monture`), `valeurs` holds its numbers and names."""
    __slots__ = ("cle", "valeurs")

    def __init__(self, cle: str, **valeurs):
        self.cle = cle
        self.valeurs = valeurs

    def __repr__(self):
        return f"Calcul({self.cle!r}, {self.valeurs!r})"


class Etape:
    """One payer of the explanation: `payeur` (a Calcul: securite_sociale, forfait_apres_cancer,
    contrat, couche), the amount it pays, the rule applied (`regle`), the computation (`calcul`),
    the dated parameters read (`parametres`) and the cap that bound the amount (`borne`, or None)."""
    __slots__ = ("payeur", "montant", "regle", "calcul", "parametres", "borne")

    def __init__(self, payeur: Calcul, montant: Decimal = ZERO, regle: Calcul | None = None, calcul: list | None = None,
                 parametres: list | None = None, borne: Calcul | None = None):
        self.payeur, self.montant, self.regle = payeur, montant, regle
        self.calcul = calcul if calcul is not None else []
        self.parametres = parametres if parametres is not None else []
        self.borne = borne


class Part:
    """What one layer of the formula pays (`niveau`, from column `colonne`), the guarantee cell's text,
    its place in the contract file (`ligne`: `fichier:ligne`), the line's label and the level's convention."""
    __slots__ = ("niveau", "colonne", "montant", "garantie", "ligne", "libelle", "convention")

    def __init__(self, niveau, colonne, montant, garantie, ligne, libelle, convention):
        self.niveau, self.colonne, self.montant, self.garantie = niveau, colonne, montant, garantie
        self.ligne, self.libelle, self.convention = ligne, libelle, convention

    def __repr__(self):
        return f"Part({self.niveau!r}, {self.montant})"


class Resultat:
    """The result of one act (amounts in Decimal euros, rounded to the cent per payer).

    `securite_sociale` is the net payment (after `participation_forfaitaire`, which holds the PF and
    the franchises withheld), `ss_brut` the gross one; `parts` one `Part` per layer of the formula, in
    order, those paying 0 included; `forfait_apres_cancer` the ARS forfait of the parcours de soins
    global après cancer (art. L1415-8 CSP); `total_rembourse` = SS + forfait + parts;
    `reste_a_charge` = frais réels − total. `consommations` and `renouvellements` are what the act used
    of the beneficiary's annual state (batches apply them). `acte` is the act as computed (completed
    from its code and the rules; `domaine.acte.acte_en_dict` gives its JSON echo, which replays the
    result); `hypotheses` every assumption made (values of `moteur.hypotheses.Hypothese`),
    `hypotheses_moteur` those the engine made itself; `exonerations` the act's situations that exempt it
    from the participation forfaitaire or the franchises at its date (set when the age is not given: the
    adult assumption names them).
    """
    __slots__ = ("contrat", "formule", "nature", "date", "frais_reels", "base_remboursement", "taux_securite_sociale",
                 "ss_brut", "securite_sociale", "participation_forfaitaire", "parts", "total_rembourse", "reste_a_charge",
                 "forfait_apres_cancer", "explication", "consommations", "renouvellements", "acte", "hypotheses_moteur",
                 "majoration_hors_parcours", "exonerations", "renouvellement_refuse")

    def __init__(self, contrat: str, formule: str, nature: str, date: dt.date, frais_reels: Decimal, base_remboursement: Decimal,
                 taux_securite_sociale: Decimal, ss_brut: Decimal, securite_sociale: Decimal, participation_forfaitaire: Decimal,
                 parts: list, total_rembourse: Decimal, reste_a_charge: Decimal, forfait_apres_cancer: Decimal = ZERO,
                 explication: list | None = None, consommations: list | None = None, renouvellements: list | None = None,
                 majoration_hors_parcours: Decimal = ZERO):
        self.contrat, self.formule, self.nature, self.date = contrat, formule, nature, date
        self.frais_reels, self.base_remboursement, self.taux_securite_sociale = frais_reels, base_remboursement, taux_securite_sociale
        self.ss_brut, self.securite_sociale, self.participation_forfaitaire = ss_brut, securite_sociale, participation_forfaitaire
        self.parts, self.total_rembourse, self.reste_a_charge = parts, total_rembourse, reste_a_charge
        self.forfait_apres_cancer = forfait_apres_cancer
        self.majoration_hors_parcours = majoration_hors_parcours
        self.explication = explication if explication is not None else []
        self.consommations = consommations if consommations is not None else []
        self.renouvellements = renouvellements if renouvellements is not None else []
        self.acte = None
        self.hypotheses_moteur = ()
        self.exonerations = ()
        self.renouvellement_refuse = False    # the renewal rule (optics, hearing aids) refused the layers: paid nothing

    @property
    def hypotheses(self) -> list:
        """Every assumption of the result (moteur.hypotheses): catalogue, parameters, unneeded inputs,
        values carried forward, and the inputs left at their ordinary value (date, age, parcours…)."""
        from .hypotheses import hypotheses
        return hypotheses(self)

    def __repr__(self):
        return (f"Resultat({self.contrat}/{self.formule}, {self.nature} {self.date}: SS {self.securite_sociale}, "
                f"parts {[str(p.montant) for p in self.parts]}, reste à charge {self.reste_a_charge})")

    def en_dict(self) -> dict:
        """The machine form (docs/interface.md): amounts as strings with two decimals."""
        return {
            "contrat": self.contrat, "formule": self.formule, "nature": self.nature, "date": self.date.isoformat(),
            "frais_reels": texte_json(self.frais_reels), "base_remboursement": texte_json(self.base_remboursement),
            "taux_securite_sociale": texte_taux(self.taux_securite_sociale),
            "securite_sociale": texte_json(self.securite_sociale),
            "participation_forfaitaire": texte_json(self.participation_forfaitaire),
            "forfait_apres_cancer": texte_json(self.forfait_apres_cancer),
            "parts": [{"niveau": p.niveau, "colonne": p.colonne, "montant": texte_json(p.montant), "garantie": p.garantie,
                       "ligne": p.ligne, "libelle": p.libelle, "convention": p.convention} for p in self.parts],
            "total_rembourse": texte_json(self.total_rembourse), "reste_a_charge": texte_json(self.reste_a_charge),
            "hypotheses": self.hypotheses_dict(),
        }

    def hypotheses_dict(self) -> list:
        """The assumptions in JSON form: the French words and the values they were made from."""
        from ..rendu.hypotheses import hypotheses_dict
        return hypotheses_dict(self.hypotheses)

    def explication_dict(self) -> list:
        """The explanation in JSON form: French words and the values they were made from."""
        from ..rendu.explication import explication_dict
        return explication_dict(self)
