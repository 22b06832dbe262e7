"""The act options shared by `simuler` and `comparer`: one definition, the same help everywhere."""
from __future__ import annotations

import typer

BR = typer.Option(None, "--br", help="Base de remboursement (31.50, 31,50 ou 31,50 €) ; 0 par défaut si non remboursé.")
DATE = typer.Option(None, "--date", help="Date des soins AAAA-MM-JJ (défaut : aujourd'hui).")
DPTM = typer.Option(None, "--dptm/--non-dptm", help="Médecin adhérent à l'OPTAM / OPTAM-CO (DPTM, CAS).")
PANIER = typer.Option(None, "--panier", help="100-sante, maitrise ou libre (classe A = 100-sante, classe B = libre).")
QUANTITE = typer.Option(1, "--quantite", "-q", help="Jours, séances, boîtes…")
TAUX = typer.Option(None, "--taux", help="Taux de la Sécurité sociale (pourcentage) à la place du taux réglementaire.")
LIMITE = typer.Option(None, "--limite", help="HLF ou PLV de l'acte (dentaire, optique, audition 100 % Santé).")
AGE = typer.Option(None, "--age", help="Âge du bénéficiaire (années).")
REGIME = typer.Option("general", "--regime", help="general ou alsace-moselle (la MSA suit le régime général).")
MONTURE = typer.Option(None, "--monture", help="Optique : part de la monture dans les frais réels.")
VERRES = typer.Option(None, "--verres", help="Optique : classes des deux verres, ex. simple+complexe (simple, complexe, tres-complexe).")
PSYCHIATRIE = typer.Option(False, "--psychiatrie", help="Séjour en psychiatrie (forfait journalier psychiatrique).")
SMR = typer.Option(None, "--smr", help="Médicaments : service médical rendu (majeur, modere, faible, irremplacable).")
ACTE_LOURD = typer.Option(False, "--acte-lourd", help="Hospitalisation : acte ≥ 120 € (SS à 100 % moins le forfait actes lourds).")
OREILLE = typer.Option(None, "--oreille", help="Aide auditive : droite ou gauche.")
DATE_ADHESION = typer.Option(None, "--date-adhesion", help="Date d'adhésion au contrat (délai de stage).")
CERTIFICAT_RADIATION = typer.Option(False, "--certificat-radiation",
                                    help="Certificat de radiation d'un contrat précédent (lève le délai de stage).")
FIN_TRAITEMENT = typer.Option(None, "--fin-traitement", help="Après cancer : date de fin du traitement.")
