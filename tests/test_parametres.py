"""Paramètres réglementaires datés : valeurs attendues d'après les sources que cite chaque
fichier de simulateur/parametres/ (textes officiels, ameli.fr, service-public.fr…), et
validation du chargeur (chaque fichier cassé doit être refusé avec un message qui dit où et quoi)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from simulateur.parametres import (
    ErreurParametres,
    ParametreIndisponible,
    ValeurDatee,
    charger_parametres,
    lire_parametres,
)

D = dt.date


@pytest.fixture(scope="module")
def p():
    return charger_parametres()


def val(p, nom: str, date: dt.date) -> Decimal:
    return p.valeur(nom, date).valeur


# --------------------------------------------------------------------------- noms attendus

NOMS_REQUIS = [
    "pmss",
    *(
        f"taux_ss.{regime}.{groupe}"
        for regime in ("general", "alsace-moselle")
        for groupe in (
            "medecins", "sage-femme", "auxiliaires", "biologie", "psychologue", "dentaire",
            "orthodontie", "medicaments", "medicaments-modere", "medicaments-faible",
            "medicaments-irremplacables", "lpp", "gros-appareillage", "hospitalisation",
            "transport", "cure-thermale", "prevention", "telesurveillance", "densitometrie",
        )
    ),
    "participation_forfaitaire.montant",
    "participation_forfaitaire.plafond_annuel",
    "participation_forfaitaire.age_exoneration",
    "franchise.medicaments",
    "franchise.auxiliaires",
    "franchise.transport",
    "franchise.plafond_annuel",
    "franchise.plafond_journalier.auxiliaires",
    "franchise.plafond_journalier.transport",
    "forfait_journalier.general",
    "forfait_journalier.psychiatrie",
    "forfait_patient_urgences.normal",
    "forfait_patient_urgences.minore",
    "forfait_actes_lourds.montant",
    "forfait_actes_lourds.seuil",
    "responsable.monture_plafond",
    *(
        f"responsable.optique.{borne}.{cle}"
        for borne in ("plafond", "plancher")
        for cle in (
            "simple-simple", "simple-complexe", "complexe-complexe", "simple-tres-complexe",
            "complexe-tres-complexe", "tres-complexe-tres-complexe",
        )
    ),
    "responsable.aide_auditive_plafond",
    "responsable.non_dptm.depassement_max_br",
    "responsable.non_dptm.ecart_min_br",
    "cent_pour_cent_sante.aide_auditive.plv_adulte",
    "cent_pour_cent_sante.aide_auditive.plv_jeune",
    "cent_pour_cent_sante.aide_auditive.br_adulte",
    "cent_pour_cent_sante.monture_plv",
    "renouvellement.optique.adulte_annees",
    "renouvellement.optique.jeune_annees",
    "renouvellement.optique.age_jeune",
    "renouvellement.aide_auditive_annees",
    "apres_cancer.forfait_annuel",
    "apres_cancer.bilan",
    "apres_cancer.suivi",
    "apres_cancer.max_bilans",
    "apres_cancer.max_suivis",
    "apres_cancer.delai_mois",
]


def test_tous_les_noms_requis_par_le_moteur_existent(p):
    manquants = [n for n in NOMS_REQUIS if n not in p]
    assert manquants == []


# ----------------------------------------------- PMSS (sources : parametres/pmss.yaml)

@pytest.mark.parametrize(
    ("annee", "attendu"),
    [(2022, "3428"), (2023, "3666"), (2024, "3864"), (2025, "3925"), (2026, "4005")],
)
def test_pmss_par_annee(p, annee, attendu):
    assert val(p, "pmss", D(annee, 6, 15)) == Decimal(attendu)
    assert val(p, "pmss", D(annee, 1, 1)) == Decimal(attendu)
    assert val(p, "pmss", D(annee, 12, 31)) == Decimal(attendu)


def test_pmss_2027_inconnu_est_une_erreur_qui_nomme_le_parametre(p):
    with pytest.raises(ParametreIndisponible) as exc:
        p.valeur("pmss", D(2027, 3, 1))
    message = str(exc.value)
    assert "pmss" in message
    assert "2027-03-01" in message
    assert "2026-12-31" in message  # dit jusqu'où les valeurs sont connues
    assert exc.value.nom == "pmss"
    assert exc.value.date == D(2027, 3, 1)


def test_pmss_les_valeurs_sont_bornees_a_leur_annee(p):
    for v in p.historique("pmss"):
        assert v.jusqu_au == D(v.depuis.year, 12, 31)


def test_avant_la_premiere_valeur_est_une_erreur(p):
    with pytest.raises(ParametreIndisponible, match="pmss"):
        p.valeur("pmss", D(2017, 12, 31))
    with pytest.raises(ParametreIndisponible, match="psychologue"):
        p.valeur("taux_ss.general.psychologue", D(2022, 4, 4))


def test_message_avant_la_premiere_valeur_dit_quoi_faire(p):
    """Care before the first value (hostile test C5: « aucune valeur du paramètre « taux_ss.general.medecins »
    au 1990-06-01 », no hint): the parameter by its description, the key in parentheses, its first date
    (2018-01-01: taux_ss.yaml, first value of taux_ss.general.medecins) and that earlier care cannot be
    simulated — the same words on the command line and on a batch row."""
    from simulateur.rendu.messages import message
    with pytest.raises(ParametreIndisponible) as exc:
        p.valeur("taux_ss.general.medecins", D(1990, 6, 1))
    attendu = ("date des soins 1990-06-01 trop ancienne : le paramètre réglementaire « Taux SS des honoraires médicaux "
               "(consultations, visites, actes techniques, imagerie) dans le parcours de soins » (taux_ss.general.medecins) "
               "n'est connu qu'à partir du 2018-01-01 ; des soins antérieurs ne peuvent pas être simulés ; donnez une date "
               "des soins à partir du 2018-01-01")
    assert message(exc.value, "cli") == attendu
    from typer.testing import CliRunner
    from simulateur.cli import app
    r = CliRunner().invoke(app, ["simuler", "cabinets-dentaires", "-f", "option-2", "-n", "consultation-specialiste",
                                 "--br", "30", "--frais-reels", "30", "--date", "1990-06-01"])
    assert r.exit_code == 2 and r.stderr == f"erreur : {attendu}\n"
    r = CliRunner().invoke(app, ["lot", "-", "-c", "cabinets-dentaires", "-f", "option-2", "-s"],
                           input="beneficiaire,date,nature,br,frais_reels\na,1990-06-01,consultation-specialiste,30,30\n")
    assert r.exit_code == 1 and f"ligne 2 : {attendu}" in r.stdout


def test_message_apres_une_valeur_bornee_donne_les_periodes(p):
    """The PMSS is bounded to its year (pmss.yaml: 2026 = 4 005 €, jusqu'au 2026-12-31): in 2027 the
    message names it by description and gives the periods known, from 2018 (first value) to 2026."""
    from simulateur.rendu.messages import message
    with pytest.raises(ParametreIndisponible) as exc:
        p.valeur("pmss", D(2027, 3, 1))
    texte = message(exc.value, "cli")
    assert texte.startswith(f"le paramètre réglementaire « {p.description('pmss')} » (pmss) n'a pas de valeur au "
                            "2027-03-01 (valeurs connues : du 2018-01-01 au 2026-12-31) ; vérifiez la date des soins")


# --------------------------------------------- participations (sources : parametres/participations.yaml)

def test_participation_forfaitaire_passe_a_2_euros_le_15_mai_2024(p):
    assert val(p, "participation_forfaitaire.montant", D(2024, 5, 14)) == Decimal("1")
    assert val(p, "participation_forfaitaire.montant", D(2024, 5, 15)) == Decimal("2")
    assert val(p, "participation_forfaitaire.montant", D(2026, 6, 1)) == Decimal("2")  # doublement 2026 abandonné
    assert val(p, "participation_forfaitaire.plafond_annuel", D(2025, 1, 1)) == Decimal("50")
    assert val(p, "participation_forfaitaire.age_exoneration", D(2025, 1, 1)) == Decimal("18")


def test_franchises_doublees_le_31_mars_2024(p):
    avant, apres = D(2024, 3, 30), D(2024, 3, 31)
    attendus = {
        "franchise.medicaments": ("0.50", "1"),
        "franchise.auxiliaires": ("0.50", "1"),
        "franchise.transport": ("2", "4"),
        "franchise.plafond_journalier.auxiliaires": ("2", "4"),
        "franchise.plafond_journalier.transport": ("4", "8"),
        "franchise.plafond_annuel": ("50", "50"),
    }
    for nom, (a, b) in attendus.items():
        assert (val(p, nom, avant), val(p, nom, apres)) == (Decimal(a), Decimal(b)), nom


# ---------------------------------------------------- forfaits (sources : parametres/forfaits.yaml)

def test_forfait_journalier_passe_a_23_euros_le_1er_mars_2026(p):
    assert val(p, "forfait_journalier.general", D(2026, 2, 28)) == Decimal("20")
    assert val(p, "forfait_journalier.general", D(2026, 3, 1)) == Decimal("23")
    assert val(p, "forfait_journalier.psychiatrie", D(2026, 2, 28)) == Decimal("15")
    assert val(p, "forfait_journalier.psychiatrie", D(2026, 3, 1)) == Decimal("17")


def test_forfait_patient_urgences(p):
    assert val(p, "forfait_patient_urgences.normal", D(2022, 1, 1)) == Decimal("19.61")
    assert val(p, "forfait_patient_urgences.normal", D(2026, 3, 1)) == Decimal("23")
    assert val(p, "forfait_patient_urgences.minore", D(2026, 2, 28)) == Decimal("8.49")
    assert val(p, "forfait_patient_urgences.minore", D(2026, 3, 1)) == Decimal("9.96")


def test_forfait_actes_lourds_18_puis_24_puis_32(p):
    assert val(p, "forfait_actes_lourds.montant", D(2018, 12, 31)) == Decimal("18")
    assert val(p, "forfait_actes_lourds.montant", D(2019, 1, 1)) == Decimal("24")
    assert val(p, "forfait_actes_lourds.montant", D(2025, 6, 1)) == Decimal("24")
    assert val(p, "forfait_actes_lourds.montant", D(2026, 5, 1)) == Decimal("32")
    assert val(p, "forfait_actes_lourds.seuil", D(2025, 6, 1)) == Decimal("120")
    # la date exacte d'avril 2026 n'est pas confirmée : la référence doit le dire
    assert "non confirmé" in p.valeur("forfait_actes_lourds.montant", D(2026, 5, 1)).reference


# -------------------------------------------- taux SS (sources : parametres/taux_ss.yaml)

def test_taux_dentaire_70_puis_60_le_15_octobre_2023(p):
    assert val(p, "taux_ss.general.dentaire", D(2023, 10, 14)) == Decimal("70")
    assert val(p, "taux_ss.general.dentaire", D(2023, 10, 15)) == Decimal("60")
    # Alsace-Moselle : 90 % maintenu par le régime local
    assert val(p, "taux_ss.alsace-moselle.dentaire", D(2023, 10, 14)) == Decimal("90")
    assert val(p, "taux_ss.alsace-moselle.dentaire", D(2023, 10, 15)) == Decimal("90")


def test_taux_transport_65_puis_55_le_1er_aout_2023(p):
    assert val(p, "taux_ss.general.transport", D(2023, 7, 31)) == Decimal("65")
    assert val(p, "taux_ss.general.transport", D(2023, 8, 1)) == Decimal("55")


@pytest.mark.parametrize(
    ("groupe", "general", "alsace_moselle"),
    [
        ("medecins", "70", "90"),
        ("sage-femme", "70", "90"),
        ("auxiliaires", "60", "90"),
        ("biologie", "60", "90"),
        ("orthodontie", "100", "100"),
        ("medicaments", "65", "90"),
        ("medicaments-modere", "30", "80"),
        ("medicaments-faible", "15", "15"),
        ("medicaments-irremplacables", "100", "100"),
        ("lpp", "60", "90"),
        ("gros-appareillage", "100", "100"),
        ("hospitalisation", "80", "100"),
        ("cure-thermale", "65", "65"),
        ("prevention", "70", "90"),
        ("densitometrie", "70", "90"),
        ("psychologue", "60", "60"),
        ("telesurveillance", "60", "90"),
    ],
)
def test_taux_par_groupe_en_2025(p, groupe, general, alsace_moselle):
    d = D(2025, 6, 1)
    assert val(p, f"taux_ss.general.{groupe}", d) == Decimal(general)
    assert val(p, f"taux_ss.alsace-moselle.{groupe}", d) == Decimal(alsace_moselle)
    assert p.unite(f"taux_ss.general.{groupe}") == "pourcent"


# --------------------------------------------------------------------------- contrat responsable, 100 % Santé

def test_contrat_responsable_optique_et_audio_en_2025(p):
    d = D(2025, 1, 1)
    assert val(p, "responsable.monture_plafond", d) == Decimal("100")
    assert val(p, "responsable.monture_plafond", D(2019, 12, 31)) == Decimal("150")
    plafonds = {"simple-simple": "420", "simple-complexe": "560", "complexe-complexe": "700",
                "simple-tres-complexe": "610", "complexe-tres-complexe": "750",
                "tres-complexe-tres-complexe": "800"}
    planchers = {"simple-simple": "50", "simple-complexe": "125", "complexe-complexe": "200",
                 "simple-tres-complexe": "125", "complexe-tres-complexe": "200",
                 "tres-complexe-tres-complexe": "200"}
    for cle, montant in plafonds.items():
        assert val(p, f"responsable.optique.plafond.{cle}", d) == Decimal(montant), cle
    for cle, montant in planchers.items():
        assert val(p, f"responsable.optique.plancher.{cle}", d) == Decimal(montant), cle
    for cle in ("simple-complexe", "simple-tres-complexe", "complexe-tres-complexe"):
        assert "non confirmé" in p.valeur(f"responsable.optique.plafond.{cle}", d).reference
    assert val(p, "responsable.aide_auditive_plafond", d) == Decimal("1700")
    assert val(p, "responsable.non_dptm.depassement_max_br", d) == Decimal("100")
    assert val(p, "responsable.non_dptm.ecart_min_br", d) == Decimal("20")


def test_cent_pour_cent_sante_et_renouvellements(p):
    d = D(2025, 1, 1)
    assert val(p, "cent_pour_cent_sante.aide_auditive.plv_adulte", d) == Decimal("950")
    assert val(p, "cent_pour_cent_sante.aide_auditive.plv_jeune", d) == Decimal("1400")
    assert val(p, "cent_pour_cent_sante.aide_auditive.br_adulte", d) == Decimal("400")
    assert val(p, "cent_pour_cent_sante.monture_plv", d) == Decimal("30")
    assert val(p, "renouvellement.optique.adulte_annees", d) == Decimal("2")
    assert val(p, "renouvellement.optique.jeune_annees", d) == Decimal("1")
    assert val(p, "renouvellement.optique.age_jeune", d) == Decimal("16")
    assert val(p, "renouvellement.aide_auditive_annees", d) == Decimal("4")


def test_apres_cancer(p):
    d = D(2025, 1, 1)
    attendus = {"forfait_annuel": "180", "bilan": "45", "suivi": "22.50", "max_bilans": "3",
                "max_suivis": "6", "delai_mois": "12"}
    for nom, montant in attendus.items():
        assert val(p, f"apres_cancer.{nom}", d) == Decimal(montant), nom
    # le budget de 180 € borne les combinaisons : 3 bilans + 2 suivis tiennent, pas 3 + 3
    assert 3 * val(p, "apres_cancer.bilan", d) + 2 * val(p, "apres_cancer.suivi", d) <= 180
    assert 3 * val(p, "apres_cancer.bilan", d) + 3 * val(p, "apres_cancer.suivi", d) > 180


# --------------------------------------------------------------------------- propriétés de toutes les données

def test_chaque_valeur_a_reference_source_et_decimal(p):
    assert len(p.noms()) >= len(NOMS_REQUIS)
    for nom in p.noms():
        historique = p.historique(nom)
        assert historique, nom
        for v in historique:
            assert isinstance(v, ValeurDatee)
            assert v.nom == nom
            assert type(v.valeur) is Decimal, (nom, v)
            assert not isinstance(v.valeur, float)
            assert v.valeur.is_finite() and v.valeur >= 0, (nom, v)
            assert v.reference.strip() and v.source.strip(), (nom, v)
            assert type(v.depuis) is dt.date
            assert v.jusqu_au is None or (type(v.jusqu_au) is dt.date and v.jusqu_au >= v.depuis)
        # périodes triées, sans chevauchement, seule la dernière peut être ouverte
        for a, b in zip(historique, historique[1:]):
            assert a.jusqu_au is not None and a.jusqu_au < b.depuis, nom
        assert p.description(nom).strip()
        assert p.unite(nom) in {"euro", "pourcent", "nombre", "jours", "mois", "annees", "booleen"}


def test_chaque_valeur_est_celle_retournee_sur_sa_periode(p):
    for nom in p.noms():
        for v in p.historique(nom):
            assert p.valeur(nom, v.depuis) == v
            if v.jusqu_au is not None:
                assert p.valeur(nom, v.jusqu_au) == v


def test_aucun_flottant_dans_les_fichiers_yaml():
    import yaml

    def parcourir(objet, chemin):
        if isinstance(objet, dict):
            for cle, valeur in objet.items():
                yield from parcourir(valeur, f"{chemin}.{cle}")
        elif isinstance(objet, list):
            for i, valeur in enumerate(objet):
                yield from parcourir(valeur, f"{chemin}[{i}]")
        elif isinstance(objet, (float, int)) and not isinstance(objet, bool):
            yield chemin

    dossier = Path(__import__("simulateur.parametres").parametres.__file__).parent
    for fichier in sorted(dossier.glob("*.yaml")):
        donnees = yaml.safe_load(fichier.read_text(encoding="utf-8"))
        assert list(parcourir(donnees, fichier.name)) == []


def test_parametre_inconnu(p):
    with pytest.raises(ParametreIndisponible, match="paramètre inconnu") as exc:
        p.valeur("taux_ss.general.medecin", D(2025, 1, 1))
    assert "taux_ss.general.medecin" in str(exc.value)
    assert "taux_ss.general.medecins" in str(exc.value)  # suggestion du nom proche
    with pytest.raises(ParametreIndisponible, match="paramètre inconnu"):
        p.historique("nexiste.pas")


def test_valeur_accepte_un_datetime_et_refuse_une_chaine(p):
    assert val(p, "pmss", dt.datetime(2025, 3, 1, 12, 0)) == Decimal("3925")
    with pytest.raises(TypeError):
        p.valeur("pmss", "2025-03-01")  # type: ignore[arg-type]


def test_charger_parametres_est_mis_en_cache():
    assert charger_parametres() is charger_parametres()


# --------------------------------------------------------------------------- validation du chargeur

VALEUR_OK = """\
    - depuis: 2020-01-01
      valeur: "10"
      reference: "texte"
      source: "source"
"""


def ecrire(tmp_path: Path, contenu: str, nom: str = "essai.yaml") -> Path:
    (tmp_path / nom).write_text(contenu, encoding="utf-8")
    return tmp_path


def erreurs_de(tmp_path: Path) -> str:
    with pytest.raises(ErreurParametres) as exc:
        lire_parametres(tmp_path)
    return str(exc.value)


def test_chargeur_accepte_un_fichier_correct(tmp_path):
    p = lire_parametres(ecrire(tmp_path, f"a.b:\n  description: d\n  unite: euro\n  valeurs:\n{VALEUR_OK}"))
    assert p.noms() == ["a.b"]
    assert p.valeur("a.b", D(2030, 1, 1)).valeur == Decimal("10")
    assert p.valeur("a.b", D(2030, 1, 1)).jusqu_au is None


def test_chargeur_refuse_un_flottant_non_quote(tmp_path):
    ecrire(tmp_path, "x:\n  description: d\n  unite: euro\n  valeurs:\n"
                     "    - depuis: 2020-01-01\n      valeur: 19.61\n      reference: r\n      source: s\n")
    message = erreurs_de(tmp_path)
    assert "essai.yaml:6" in message
    assert "guillemets" in message


def test_chargeur_refuse_un_entier_non_quote(tmp_path):
    ecrire(tmp_path, "x:\n  description: d\n  unite: euro\n  valeurs:\n"
                     "    - depuis: 2020-01-01\n      valeur: 20\n      reference: r\n      source: s\n")
    assert "guillemets" in erreurs_de(tmp_path)


def test_chargeur_refuse_un_nombre_illisible(tmp_path):
    ecrire(tmp_path, "x:\n  description: d\n  unite: euro\n  valeurs:\n"
                     "    - depuis: 2020-01-01\n      valeur: \"19,61\"\n      reference: r\n      source: s\n")
    assert "n'est pas un nombre décimal" in erreurs_de(tmp_path)


def test_chargeur_exige_reference_et_source(tmp_path):
    ecrire(tmp_path, "x:\n  description: d\n  unite: euro\n  valeurs:\n"
                     "    - depuis: 2020-01-01\n      valeur: \"1\"\n      reference: r\n")
    message = erreurs_de(tmp_path)
    assert "source" in message and "manquante" in message


def test_chargeur_refuse_des_periodes_qui_se_chevauchent(tmp_path):
    ecrire(tmp_path, "x:\n  description: d\n  unite: euro\n  valeurs:\n"
                     "    - depuis: 2020-01-01\n      jusqu_au: 2021-06-30\n      valeur: \"1\"\n      reference: r\n      source: s\n"
                     "    - depuis: 2021-01-01\n      valeur: \"2\"\n      reference: r\n      source: s\n")
    assert "chevauche" in erreurs_de(tmp_path)


def test_chargeur_refuse_des_periodes_non_triees(tmp_path):
    ecrire(tmp_path, "x:\n  description: d\n  unite: euro\n  valeurs:\n"
                     "    - depuis: 2021-01-01\n      valeur: \"2\"\n      reference: r\n      source: s\n"
                     "    - depuis: 2020-01-01\n      valeur: \"1\"\n      reference: r\n      source: s\n")
    assert "non triées" in erreurs_de(tmp_path)


def test_chargeur_refuse_cle_inconnue_en_double_et_unite_inconnue(tmp_path):
    ecrire(tmp_path, "x:\n  description: d\n  unite: francs\n  valeurs:\n"
                     "    - depuis: 2020-01-01\n      valeur: \"1\"\n      valeur: \"2\"\n"
                     "      reference: r\n      source: s\n      commentaire: c\n")
    message = erreurs_de(tmp_path)
    assert "francs" in message
    assert "en double" in message
    assert "clé inconnue « commentaire »" in message


def test_chargeur_refuse_une_date_entre_guillemets(tmp_path):
    ecrire(tmp_path, "x:\n  description: d\n  unite: euro\n  valeurs:\n"
                     "    - depuis: \"2020-01-01\"\n      valeur: \"1\"\n      reference: r\n      source: s\n")
    assert "date AAAA-MM-JJ attendue" in erreurs_de(tmp_path)


def test_chargeur_refuse_un_parametre_defini_dans_deux_fichiers(tmp_path):
    contenu = f"x:\n  description: d\n  unite: euro\n  valeurs:\n{VALEUR_OK}"
    ecrire(tmp_path, contenu, "a.yaml")
    ecrire(tmp_path, contenu, "b.yaml")
    message = erreurs_de(tmp_path)
    assert "b.yaml:1" in message and "déjà défini dans a.yaml:1" in message


def test_chargeur_reunit_toutes_les_erreurs(tmp_path):
    ecrire(tmp_path, "x:\n  description: d\n  unite: euro\n  valeurs:\n"
                     "    - depuis: 2020-01-01\n      valeur: 1.5\n      reference: r\n      source: s\n", "a.yaml")
    ecrire(tmp_path, "y:\n  description: d\n  unite: litres\n  valeurs:\n" + VALEUR_OK, "b.yaml")
    with pytest.raises(ErreurParametres) as exc:
        lire_parametres(tmp_path)
    assert len(exc.value.erreurs) == 2
    assert "a.yaml:6" in exc.value.erreurs[0] and "b.yaml:3" in exc.value.erreurs[1]


def test_trou_entre_deux_periodes(tmp_path):
    ecrire(tmp_path, "x:\n  description: d\n  unite: euro\n  valeurs:\n"
                     "    - depuis: 2020-01-01\n      jusqu_au: 2020-12-31\n      valeur: \"1\"\n      reference: r\n      source: s\n"
                     "    - depuis: 2022-01-01\n      valeur: \"2\"\n      reference: r\n      source: s\n")
    p = lire_parametres(tmp_path)
    with pytest.raises(ParametreIndisponible) as exc:
        p.valeur("x", D(2021, 6, 1))
    assert "du 2020-01-01 au 2020-12-31 ; depuis le 2022-01-01" in str(exc.value)
    assert p.valeur("x", D(2022, 1, 1)).valeur == Decimal("2")
