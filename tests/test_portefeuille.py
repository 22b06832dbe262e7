"""`simulateur lot --moteur`, Parquet and Arrow, the Python API of portfolios, Dask, and the columnar
libraries kept off the start-up of `simuler`.

Expected amounts: computed by hand from the table of contract `cabinets-dentaires` (AG2R « Résumé de
garanties Santé — CCN des Cabinets dentaires ») where a value is asserted; elsewhere the reference is
the line engine, row by row.
"""
from __future__ import annotations

import csv
import io
import subprocess
import sys
from decimal import Decimal

import pytest
from typer.testing import CliRunner

polars = pytest.importorskip("polars")

from portefeuilles import csv_texte, portefeuille  # noqa: E402
from simulateur.cli import app  # noqa: E402
from simulateur.lot import moteurs  # noqa: E402

runner = CliRunner()

# cabinets-dentaires, Base + Option 2, specialist DPTM, BR 31,50, FR 80, 2025 (docs/calcul.md §6): SS 22,05 − PF 2 = 20,05;
# base 100 % BR − SS = 9,45; option + 150 % BR = 47,25; total 76,75; reste à charge 3,25.
# Biology, Base 100 % BR, BR = FR = 10: SS 6,00 − PF 2 = 4,00; base 10 − 6 = 4,00; option « – » 0; RAC 2,00.
ACTES = ("beneficiaire,date,nature,br,frais_reels,dptm\n"
         "paul,2025-06-01,consultation-specialiste,31.50,80,oui\n"
         "marie,2025-06-02,biologie,10,10,\n")


def lot(tmp_path, *args, texte=ACTES, nom="actes.csv"):
    f = tmp_path / nom
    f.write_text(texte, encoding="utf-8")
    return runner.invoke(app, ["lot", str(f), "--contrat", "cabinets-dentaires", "--formule", "option-2", *args])


def test_moteur_colonnes_montants_a_la_main(tmp_path):
    r = lot(tmp_path, "--moteur", "colonnes")
    assert r.exit_code == 0, r.stderr
    lignes = list(csv.DictReader(io.StringIO(r.stdout)))
    assert [(l["securite_sociale"], l["part_base"], l["part_option"], l["total_rembourse"], l["reste_a_charge"])
            for l in lignes] == [("20.05", "9.45", "47.25", "76.75", "3.25"), ("4.00", "4.00", "0.00", "8.00", "2.00")]


@pytest.mark.parametrize("moteur", ["ligne", "colonnes", "auto"])
def test_chaque_moteur_meme_sortie(tmp_path, moteur):
    texte = csv_texte(portefeuille(4, 500, 50))
    f = tmp_path / "p.csv"
    f.write_text(texte, encoding="utf-8")
    ref = runner.invoke(app, ["lot", str(f), "--moteur", "ligne", "-s"])
    r = runner.invoke(app, ["lot", str(f), "--moteur", moteur, "-s"])
    assert r.exit_code == ref.exit_code == 1          # some rows of the portfolio are errors on purpose
    assert r.stdout == ref.stdout


def test_auto_choisit_par_la_taille(tmp_path):
    petit = tmp_path / "petit.csv"
    petit.write_text(ACTES, encoding="utf-8")
    assert moteurs.choisir("auto", str(petit), "csv") == "ligne"
    assert moteurs.choisir("auto", str(petit), "json") == "ligne"
    assert moteurs.choisir("auto", str(tmp_path / "a.parquet"), "csv") == "colonnes"
    assert moteurs.choisir("auto", str(petit), "parquet") == "colonnes"
    gros = tmp_path / "gros.csv"
    gros.write_bytes(ACTES.encode() + b"paul,2025-06-01,biologie,10,10,\n" * (moteurs.SEUIL_COLONNES // 30))
    assert moteurs.choisir("auto", str(gros), "csv") == "colonnes"


def test_sans_polars_messages_clairs(tmp_path, monkeypatch):
    """The core install (no polars): `auto` takes the line engine; Parquet or `--moteur colonnes` say what to install."""
    monkeypatch.setattr(moteurs, "disponible", lambda module="polars": False)
    r = lot(tmp_path, "--moteur", "auto")
    assert r.exit_code == 0 and "20.05" in r.stdout
    r = lot(tmp_path, "--moteur", "colonnes")
    assert r.exit_code == 2 and "pip install 'simulateur[portefeuille]'" in r.stderr and "Traceback" not in r.stderr
    r = lot(tmp_path, "--sortie", str(tmp_path / "s.parquet"))
    assert r.exit_code == 2 and "Parquet" in r.stderr and "polars" in r.stderr


def test_options_incompatibles(tmp_path):
    r = lot(tmp_path, "--moteur", "colonnes", "--format", "json")
    assert r.exit_code == 2 and "--moteur ligne" in r.stderr
    r = lot(tmp_path, "--workers", "2")
    assert r.exit_code == 2 and "--moteur dask" in r.stderr
    r = lot(tmp_path, "--moteur", "ligne", "--format", "parquet", "--sortie", str(tmp_path / "x.parquet"))
    assert r.exit_code == 2 and "colonnes" in r.stderr
    r = lot(tmp_path, "--moteur", "turbo")
    assert r.exit_code == 2 and "auto, ligne, colonnes, dask" in r.stderr


# ------------------------------------------------------------------ Parquet

def test_parquet_entree_et_sortie(tmp_path):
    """A Parquet portfolio (dates as dates, amounts as decimals) → a Parquet output with exact decimals,
    the same results as the line engine on the CSV of the same rows."""
    # a quantity that is not a whole number (an error row in the CSV) would be null in the Int64 Parquet
    # column, that is « not given » (1): those rows are left out of both files
    texte = csv_texte([d for d in portefeuille(6, 600, 60) if str(d.get("quantite") or "0").isdigit()])
    source = tmp_path / "p.csv"
    source.write_text(texte, encoding="utf-8")
    ref = runner.invoke(app, ["lot", str(source), "--moteur", "ligne", "-s"])
    p = polars.read_csv(io.StringIO(texte), infer_schema=False).with_columns(
        polars.col("quantite").cast(polars.Int64, strict=False))
    p.write_parquet(tmp_path / "p.parquet")
    r = runner.invoke(app, ["lot", str(tmp_path / "p.parquet"), "--sortie", str(tmp_path / "r.parquet"), "-s"])
    assert r.exit_code == 1
    res = polars.read_parquet(tmp_path / "r.parquet")
    assert res.schema["total_rembourse"] == polars.Decimal(18, 2)
    attendu = list(csv.DictReader(io.StringIO(ref.stdout)))
    assert len(res) == len(attendu)
    for c in ("securite_sociale", "participation_forfaitaire", "part_base", "part_option", "part_socle", "part_formule",
              "total_rembourse", "reste_a_charge", "forfait_apres_cancer"):
        got = ["" if v is None else f"{v:.2f}" for v in res[c].to_list()]
        assert got == [l[c] for l in attendu], c
    # a Parquet row is numbered from 1 (no header line): the CSV's line N is row N − 1, the message the same
    def numero(m):
        return m.split(" : ", 1) if m else ("", "")
    for got, ref_l in zip(res["erreur"].to_list(), attendu):
        if ref_l["erreur"]:
            (n1, m1), (n2, m2) = numero(got), numero(ref_l["erreur"])
            assert (int(n1.split()[1]), m1) == (int(n2.split()[1]) - 1, m2)
        else:
            assert got is None


def test_parquet_montants_flottants_refuses(tmp_path):
    polars.DataFrame({"beneficiaire": ["a"], "date": ["2025-01-01"], "nature": ["biologie"], "br": [10.0],
                      "frais_reels": [10.0]}).write_parquet(tmp_path / "f.parquet")
    r = runner.invoke(app, ["lot", str(tmp_path / "f.parquet"), "-c", "cabinets-dentaires", "-f", "base"])
    assert r.exit_code == 2 and "virgule flottante" in r.stderr


def test_sortie_parquet_depuis_csv(tmp_path):
    r = lot(tmp_path, "--sortie", str(tmp_path / "r.parquet"))
    assert r.exit_code == 0, r.stderr
    res = polars.read_parquet(tmp_path / "r.parquet")
    assert res["total_rembourse"].to_list() == [Decimal("76.75"), Decimal("8.00")]
    assert res["beneficiaire"].to_list() == ["paul", "marie"]


# ------------------------------------------------------------------ the Python API

def test_api_polars_arrow_pandas():
    from simulateur.lot.portefeuille import simuler_portefeuille
    df = polars.read_csv(io.StringIO(ACTES), infer_schema=False)
    res = simuler_portefeuille(df, "cabinets-dentaires", "option-2")
    assert isinstance(res, polars.DataFrame)
    assert res["reste_a_charge"].to_list() == [Decimal("3.25"), Decimal("2.00")]
    arrow = simuler_portefeuille(df.to_arrow(), "cabinets-dentaires", "option-2")
    assert type(arrow).__module__.startswith("pyarrow") and arrow.column("part_option").to_pylist() == [
        Decimal("47.25"), Decimal("0.00")]
    pandas = pytest.importorskip("pandas")
    p = simuler_portefeuille(df.to_pandas(), "cabinets-dentaires", "option-2")
    assert isinstance(p, pandas.DataFrame) and list(p["securite_sociale"]) == [Decimal("20.05"), Decimal("4.00")]


def test_api_dict_de_colonnes():
    """A dict of columns is a polars DataFrame (before: « TypeError: Cannot convert str to pyarrow.lib.RecordBatch »).
    Amounts of ACTES (comment at the top): paul 76,75 / reste 3,25 ; marie 8,00 / reste 2,00."""
    from simulateur.lot.portefeuille import simuler_portefeuille
    colonnes = {"beneficiaire": ["paul", "marie"], "date": ["2025-06-01", "2025-06-02"],
                "nature": ["consultation-specialiste", "biologie"], "br": ["31.50", "10"], "frais_reels": ["80", "10"],
                "dptm": ["oui", ""]}
    res = simuler_portefeuille(colonnes, "cabinets-dentaires", "option-2")
    assert isinstance(res, polars.DataFrame)
    assert res["total_rembourse"].to_list() == [Decimal("76.75"), Decimal("8.00")]
    assert res["reste_a_charge"].to_list() == [Decimal("3.25"), Decimal("2.00")]


@pytest.mark.parametrize("actes, attendu", [
    (None, "reçu None"), ([{"beneficiaire": "paul"}], "reçu list"), (42, "reçu int"),
    ({"beneficiaire": ["a", "b"], "date": ["2025-06-01"]}, "pas la même longueur (beneficiaire : 2, date : 1)"),
    ({"beneficiaire": "paul"}, "la clé 'beneficiaire' donne str"),
    ({"beneficiaire": ["a", "b"], "br": ["31.50", 2]}, "une colonne mêle des types"),
    # polars panics (a Rust panic, not an Exception) on a Decimal NaN or Infinity
    ({"beneficiaire": ["a"], "br": [Decimal("NaN")]}, "colonne br, acte 1 : NaN n'est pas un nombre fini"),
    ({"beneficiaire": ["a", "b"], "frais_reels": [Decimal("80"), Decimal("-Infinity")]},
     "colonne frais_reels, acte 2 : -Infinity n'est pas un nombre fini"),
])
def test_api_table_d_un_autre_genre_typeerror(actes, attendu):
    """Not a table: TypeError in French (before: None was « <table> : fichier introuvable », a dict a pyarrow error)."""
    from simulateur.lot.portefeuille import simuler_portefeuille
    with pytest.raises(TypeError, match="^simuler_portefeuille : ") as e:
        simuler_portefeuille(actes, "cabinets-dentaires", "option-2")
    assert attendu in str(e.value)


@pytest.mark.parametrize("options, attendu", [
    (dict(moteur="zz"), "moteur « zz » inconnu"), (dict(moteur="ligne"), "moteur « ligne » inconnu"),
    (dict(workers=2), "vont avec moteur=\"dask\""), (dict(scheduler="tcp://h:8786"), "vont avec moteur=\"dask\""),
])
def test_api_moteur_inconnu_refuse(options, attendu):
    """`moteur` other than "colonnes" / "dask" (before: accepted without a word, computed on "colonnes")."""
    from simulateur.lot.lecture import LotInvalide
    from simulateur.lot.portefeuille import simuler_portefeuille
    df = polars.read_csv(io.StringIO(ACTES), infer_schema=False)
    with pytest.raises(LotInvalide, match=attendu):
        simuler_portefeuille(df, "cabinets-dentaires", "option-2", **options)


def test_api_fichier_et_lazyframe(tmp_path):
    from simulateur.lot.portefeuille import simuler_portefeuille
    f = tmp_path / "a.csv"
    f.write_text(ACTES, encoding="utf-8")
    assert simuler_portefeuille(str(f), "cabinets-dentaires", "option-2")["total_rembourse"].to_list() == [
        Decimal("76.75"), Decimal("8.00")]
    lazy = polars.read_csv(io.StringIO(ACTES), infer_schema=False).lazy()
    assert len(simuler_portefeuille(lazy, "cabinets-dentaires", "option-2")) == 2


# ------------------------------------------------------------------ Dask

@pytest.fixture(scope="module")
def grappe():
    distributed = pytest.importorskip("dask.distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0",
                                  silence_logs=50) as cluster, distributed.Client(cluster) as client:
        yield cluster, client


def test_dask_dataframe_egale_un_seul_processus(grappe):
    """A Dask DataFrame in 4 partitions on a local cluster of 2 workers: the same results as one process."""
    dd = pytest.importorskip("dask.dataframe")
    from simulateur.lot.portefeuille import simuler_portefeuille
    texte = csv_texte(portefeuille(8, 1500, 100))
    df = polars.read_csv(io.StringIO(texte), infer_schema=False)
    ref = simuler_portefeuille(df)
    res = simuler_portefeuille(dd.from_pandas(df.to_pandas(), npartitions=4)).compute().sort_index()
    assert list(res.index) == list(range(len(df)))
    for c in [c for c in ref.columns if c not in df.columns]:
        assert [None if v != v else v for v in res[c].tolist()] == ref[c].to_list(), c


def test_lot_moteur_dask_grappe_existante_et_locale(tmp_path, grappe):
    """`--scheduler` (the test's cluster) and `--workers 2` (a local one): the output of the columnar engine."""
    cluster, _client = grappe
    f = tmp_path / "p.csv"
    f.write_text(csv_texte(portefeuille(10, 1200, 80)), encoding="utf-8")
    ref = runner.invoke(app, ["lot", str(f), "--moteur", "colonnes", "-s"])
    r = runner.invoke(app, ["lot", str(f), "--moteur", "dask", "--scheduler", cluster.scheduler_address, "-s"])
    assert r.stdout == ref.stdout and r.exit_code == ref.exit_code
    r = runner.invoke(app, ["lot", str(f), "--moteur", "dask", "--workers", "2", "-s"])
    assert r.stdout == ref.stdout


@pytest.mark.parametrize("adresse, attendu", [
    ("zz://x", "schéma « zz » inconnu de Dask"), ("", "adresse vide"), ("127.0.0.1:8786", "« 127.0.0.1:8786 »"),
    ("tcp://hote", "« tcp://hote »"), ("tcp://hote:99999", "« tcp://hote:99999 »")])
def test_lot_scheduler_adresse_illisible_refusee_avant_tout(tmp_path, adresse, attendu):
    """`--scheduler` not of the form tcp://hôte:port: exit 2 at once (no connection tried, no cluster started),
    the expected form said, the output file untouched. Before the fix, "" started a local cluster and
    zz://x was « erreur interne du moteur dask (ValueError : unknown address scheme…) »."""
    sortie = tmp_path / "sortie.csv"
    sortie.write_text("ancien\n", encoding="utf-8")
    r = lot(tmp_path, "--moteur", "dask", "--scheduler", adresse, "-o", str(sortie))
    assert r.exit_code == 2, r.output
    assert "--scheduler" in r.stderr and attendu in r.stderr and "tcp://hôte:port" in r.stderr
    assert "interne" not in r.stderr and sortie.read_text(encoding="utf-8") == "ancien\n"


def _serveur(reponse: bytes | None):
    """A local TCP server that accepts and sends `reponse` (garbage), or nothing at all (None), then keeps
    the connection open: not a Dask scheduler. Returns (address, socket to close)."""
    import socket
    import threading
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(8)
    ouvertes = []

    def accepter():
        while True:
            try:
                c, _ = s.accept()
            except OSError:
                return
            ouvertes.append(c)
            if reponse is not None:
                c.sendall(reponse)

    threading.Thread(target=accepter, daemon=True).start()
    return f"tcp://127.0.0.1:{s.getsockname()[1]}", s


def _port_ferme() -> str:
    import socket
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()                    # nothing listens there any more
    return f"tcp://127.0.0.1:{port}"


@pytest.mark.parametrize("genre", ["ferme", "muet", "n-importe-quoi"])
def test_lot_scheduler_injoignable_ou_pas_dask(tmp_path, monkeypatch, genre):
    """A closed port, a server that never answers (as `python3 -m http.server` does to Dask's handshake),
    a server that answers garbage (in the field: « MemoryError : Unable to allocate 3.07 EiB »): exit 2
    within the connection delay (shortened to 1 s here, 20 s by default), one French message naming the
    scheduler, the output untouched. Before the fix: « f.csv : écriture impossible » after 30 s for the
    closed port, no end for the silent server, « erreur interne » in English for the garbage."""
    pytest.importorskip("dask.distributed")
    import time
    from simulateur.lot.portefeuille import executeurs
    monkeypatch.setattr(executeurs, "DELAI_CONNEXION", 1.0)
    serveur = None
    if genre == "ferme":
        adresse = _port_ferme()
    else:
        adresse, serveur = _serveur(None if genre == "muet" else b"\xff" * 64 + b"HTTP/1.0 400 Bad Request\r\n\r\n")
    sortie = tmp_path / "sortie.csv"
    sortie.write_text("ancien\n", encoding="utf-8")
    debut = time.monotonic()
    try:
        r = lot(tmp_path, "--moteur", "dask", "--scheduler", adresse, "-o", str(sortie))
    finally:
        if serveur is not None:
            serveur.close()
    assert time.monotonic() - debut < 15
    assert r.exit_code == 2, r.output
    assert f"--scheduler {adresse} : grappe injoignable ou pas une grappe Dask" in r.stderr
    assert "écriture impossible" not in r.stderr and "interne" not in r.stderr
    assert sortie.read_text(encoding="utf-8") == "ancien\n"


def test_portefeuille_scheduler_illisible_leve_lot_invalide():
    """The Python API checks `scheduler=` the same way: LotInvalide (an ErreurSimulateur), nothing started."""
    from simulateur.lot.lecture import LotInvalide
    from simulateur.lot.portefeuille import simuler_portefeuille
    df = polars.read_csv(io.StringIO(ACTES), infer_schema=False)
    with pytest.raises(LotInvalide, match="tcp://hôte:port"):
        simuler_portefeuille(df, "cabinets-dentaires", "option-2", moteur="dask", scheduler="zz://x")


# ------------------------------------------------------------------ start-up

def test_simuler_n_importe_aucune_bibliotheque_en_colonnes():
    """`simulateur simuler` and `lot --moteur ligne` never import polars, pyarrow or dask (start-up unchanged)."""
    code = ("import sys\nfrom typer.testing import CliRunner\nfrom simulateur.cli import app\n"
            "r = CliRunner().invoke(app, ['simuler', 'cabinets-dentaires', '-f', 'option-2', '--nature', 'biologie', "
            "'--br', '10', '--frais-reels', '10'])\nassert r.exit_code == 0, r.output\n"
            "print(sorted(m for m in ('polars', 'pyarrow', 'dask', 'pandas') if m in sys.modules))")
    sortie = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert sortie.strip() == "[]"


def test_erreur_interne_du_moteur_en_colonnes_message_et_rien_d_ecrit(tmp_path, monkeypatch):
    """A bug of the columnar path (simulated) is a French message with what to do, exit 2, no traceback, and
    the output file is not written (the previous one, if any, intact)."""
    from simulateur.lot.portefeuille import execution

    def panne(*_a, **_k):
        raise RuntimeError("panne simulée")

    monkeypatch.setattr(execution, "calculer_partition", panne)
    sortie = tmp_path / "r.csv"
    sortie.write_text("ancien\n", encoding="utf-8")
    r = lot(tmp_path, "--moteur", "colonnes", "--sortie", str(sortie))
    assert r.exit_code == 2 and "erreur interne du moteur colonnes" in r.stderr and "--moteur ligne" in r.stderr
    assert "Traceback" not in r.stderr and sortie.read_text(encoding="utf-8") == "ancien\n"


# Malformed rows and amounts the line path refuses, row by row (docs/confiance.md, « Les entrées »): the columnar
# path must give the same file — each bad row its own error, the good rows their amounts (paul: 20,05 / 9,45 /
# 47,25, docs/calcul.md §6) — never refuse the whole batch. Polars 1 and 2 signal ragged records differently.
EN_TETE = "beneficiaire,date,nature,br,frais_reels,dptm\n"
PAUL = "paul,2025-06-01,consultation-specialiste,31.50,80,oui\n"
MAL_FORMES = {
    "cellules-en-trop": EN_TETE + "claire,2025-06-01,consultation-specialiste,31.50,80,oui,en,trop\n" + PAUL,
    "cellules-manquantes": EN_TETE + "claire,2025-06-02,consultation-generaliste\n" + PAUL,
    "ligne-d-espaces": EN_TETE + "   \n" + PAUL,
    "separateur-melange": EN_TETE.replace(",", ";") + "claire,2025-06-01,consultation-specialiste,31.50,80,oui\n"
                          + PAUL.replace(",", ";"),
    "montant-30-chiffres": EN_TETE + "claire,2025-06-01,consultation-specialiste,123456789012345678901234567890,80,oui\n" + PAUL,
    "montant-17-chiffres": EN_TETE + "claire,2025-06-01,consultation-specialiste,31.50,99999999999999999,oui\n" + PAUL,
    # a cell without quotes over the 1 000 000 characters of a cell (docs/confiance.md): the row's error, in a
    # column the engine does not read (`note`) as in `beneficiaire` — the other rows computed
    "cellule-longue-non-lue": EN_TETE.replace("\n", ",note\n") + "claire,2025-06-01,consultation-specialiste,31.50,80,oui,"
                              + "x" * 1_000_001 + "\n" + PAUL.replace("\n", ",\n"),
    "cellule-longue-beneficiaire": EN_TETE + "b" * 1_000_001 + ",2025-06-01,consultation-specialiste,31.50,80,oui\n" + PAUL,
}


@pytest.mark.parametrize("cas", list(MAL_FORMES))
def test_lignes_mal_formees_meme_sortie_que_le_moteur_ligne(tmp_path, cas):
    ref = lot(tmp_path, "--moteur", "ligne", "-s", texte=MAL_FORMES[cas])
    r = lot(tmp_path, "--moteur", "colonnes", "-s", texte=MAL_FORMES[cas])
    assert r.exit_code == ref.exit_code and r.exit_code in (0, 1), (r.stderr, ref.stderr)
    assert r.stdout == ref.stdout
    sep = ";" if cas == "separateur-melange" else ","
    limite = csv.field_size_limit(2_000_000)      # the output echoes the long cell
    try:
        paul = [l for l in csv.DictReader(io.StringIO(r.stdout), delimiter=sep) if l["beneficiaire"] == "paul"]
    finally:
        csv.field_size_limit(limite)
    virgule = sep == ";"
    attendu = [x.replace(".", ",") if virgule else x for x in ("20.05", "9.45", "47.25")]
    assert [(l["securite_sociale"], l["part_base"], l["part_option"]) for l in paul] == [tuple(attendu)]
    if cas.startswith("montant"):
        assert "trop grand" in r.stdout
    if cas.startswith("cellule-longue"):
        colonne = "note" if cas.endswith("non-lue") else "beneficiaire"
        assert f"cellule de la colonne {colonne} trop longue (1 000 001 caractères ; 1 000 000 au plus)" in r.stdout


@pytest.mark.parametrize("moteur", ["ligne", "colonnes"])
def test_premieres_erreurs_dans_l_ordre_du_fichier(tmp_path, moteur):
    """« premières erreurs » lists the 5 lowest line numbers in error (hostile test n° 2, item 12), though both
    engines compute paul's rows (lines 2 and 8) first, his first row being first in the file: the error of
    line 8 used to come first. Lines 3 to 8 have the amount « abc » (not a montant), line 2 is computed."""
    abc = "{},2025-06-01,consultation-specialiste,abc,80,oui\n"
    texte = EN_TETE + PAUL + "".join(abc.format(n) for n in ("anne", "bob", "carl", "dan", "eve", "paul"))
    r = lot(tmp_path, "--moteur", moteur, "-o", str(tmp_path / "s.csv"), texte=texte)
    assert r.exit_code == 1, r.stderr
    resume = r.stderr.split("premières erreurs :\n")[1].splitlines()
    assert [l.split(" : ")[0].strip() for l in resume] == ["ligne 3", "ligne 4", "ligne 5", "ligne 6", "ligne 7",
                                                            "… et 1 autre(s)"]


@pytest.mark.parametrize("moteur", ["ligne", "colonnes"])
def test_encodages_melanges_refuses_par_les_deux_moteurs(tmp_path, moteur):
    """A file whose line 2 is UTF-8 and line 3 Windows-1252 (rows pasted from two sources): refused with the
    same message by both engines (docs/confiance.md, « Les entrées ») — the columnar engine read it as
    Windows-1252, « Hélène » becoming two beneficiaries, each with her own annual envelope."""
    f = tmp_path / "melange.csv"
    f.write_bytes(b"beneficiaire,date,nature,br,frais_reels\n" + "Hélène,2025-02-01,medecine-douce,,40\n".encode("utf-8")
                  + "Hélène,2025-09-01,medecine-douce,,40\n".encode("cp1252") + PAUL.replace(",oui", "").encode())
    sortie = tmp_path / "r.csv"
    r = runner.invoke(app, ["lot", str(f), "-c", "cabinets-dentaires", "-f", "option-1", "--moteur", moteur, "-o", str(sortie)])
    assert r.exit_code == 2 and not sortie.exists()
    assert "encodages mélangés : la ligne 2 est en UTF-8, la ligne 3 ne l'est pas" in r.stderr
