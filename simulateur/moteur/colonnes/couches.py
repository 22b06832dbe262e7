"""The complementary layers in columns, one pass per level of the contract, in order — the rules of
`moteur.couches.payer` and `moteur.garanties.valeur_expression`, act by act identical.

For one act and one layer, with `deja` = SS (gross) + lower layers and `place` = the room under every
cap (FR − deja; HLF/PLV − deja; the non-DPTM ceiling − deja), never below 0:

    somme   = Σ the terms without state (rates of the BR or FR, SS, euros, per unit, per day, forfait, PMSS)
    plafond = somme + envelope left − deja   (inclusive level)      |  somme   (added level)
    paye    = round(min(max(plafond, 0), place))  [+ the envelope, within the room left, in an added level]

All in µ (10⁻⁶ €): cents × basis points, and euros of the contract × 10⁶, are integers, so `somme` is the
line engine's exact Decimal; one rounding half up to the cent per payer, at the same point.
A non-decimal PMSS fraction (`1/3 PMSS`, denominator d prime to 10) is taken as floor(PMSS × n / d) in
µ: its exact value is never on a half cent (d is odd and not a multiple of 5), and in a cell without
state it only enters `+`, `−` of integers and `min`/`max` with integers before the rounding, which
give the same cent from the floor as from the exact value (x non-integral: round(x) = round(⌊x⌋)).

The state of a layer (one stateful term per cell at most, plan.py):
- days per year (`75 € / jour pendant 60 jours par an, puis 25 €`): every act uses its days whatever
  it is paid, so the days used before act i are a plain cumulative sum;
- an annual envelope: what act i takes is u_i = round(min(max(W_i, 0), R_{i−1})) (couches._enveloppes)
  with R_{i−1} the envelope left. Written as u_i = min(F_i, R_{i−1}) with a demand F_i that does not
  depend on R: F = round(max(round(place) − A, 0)), A = somme − deja (inclusive) or
  min(max(somme, 0), place) (added). Proof (R a whole number of cents): if the envelope does not bind,
  paye = round(place) and u = min(round(max(round(place) − A, 0)), R); if it binds, paye =
  round(A) + R (or 0 when A + R < 0) and u = R, while F ≥ R because round(place) − A > R − ½ cent.
  So the saturating lemma (cumuls.py) applies with the envelope as ceiling (one amount per civil
  year: a PMSS fraction needs one PMSS over the year and a whole number of cents, else fallback);
- a yearly count (`40 € par acte, 4 par an`): n_i = min(q_i, P − C_{i−1}) acts are valued, and counted
  only when the contract pays the act (this layer or a lower one). `pays` is monotone in n, so when it
  is the same for n = 1 and n = q the count used is min(q_i·pays_i, P − C_{i−1}): the lemma with
  demand q_i·pays_i. When pays differs between 1 and q (q > 1), the act falls back.
"""
from __future__ import annotations

import polars as pl

from .cumuls import cumul_groupes, sature
from .plan import GENRES
from .securite_sociale import arrondi

M = 10_000          # µ per cent
STATUTS = {"rien": 0, "ok": 1, "repli": 2, "inconnu": 3}
_CHAMPS = ("responsable", "inclusif", "limite", "taux_br", "ss", "taux_fr", "fixe", "unite", "jour", "forfait", "cent_sante", "genre",
           "cle", "jours_max", "jour_montant", "jour_puis", "par_an", "acte_montant")
_BOOLEENS = ("responsable", "inclusif", "limite")


def table_niveau(plans: list, k: int) -> pl.DataFrame:
    """The compiled cells of level index `k`: one row per (plan, line index), `ligne` −1 for acts of a
    nature the contract has no line for (the layer pays 0); `c_present`: the formula has a column there."""
    return pl.concat([_table_plan(p, k).with_columns(plan=pl.lit(p.index, dtype=pl.Int32)) for p in plans])


def _table_plan(p, k: int) -> pl.DataFrame:
    """The rows of `table_niveau` for one plan (its `plan` column is set by the caller)."""
    lignes = {n: [] for n in ("plan", "ligne", "present", "statut", "pmss_num", "pmss_den", "env_c", "env_num", "env_den",
                              "cles") + _CHAMPS}
    for index in [-1] + [l.index for l in p.contrat.lignes]:
        c = p.cellule(index, k) if index >= 0 else None
        lignes["plan"].append(0)
        lignes["ligne"].append(index)
        lignes["present"].append(k in p.couches)
        lignes["statut"].append(STATUTS[c.statut] if c is not None else 0)
        for n in _CHAMPS:
            lignes[n].append(getattr(c, n) if c is not None else None)
        f = c.pmss if c is not None else None
        lignes["pmss_num"].append(f.numerator if f is not None else 0)
        lignes["pmss_den"].append(f.denominator if f is not None else 0)
        e = c.env_pmss if c is not None else None
        lignes["env_c"].append(c.env_montant // M if c is not None and c.env_montant is not None else None)
        lignes["env_num"].append(e.numerator if e is not None else None)
        lignes["env_den"].append(e.denominator if e is not None else None)
        lignes["cles"].append(list(c.cles_lues) if c is not None else [])
    schema = {n: pl.Int64 for n in lignes} | {n: pl.Boolean for n in _BOOLEENS + ("present",)}
    schema |= {"plan": pl.Int32, "ligne": pl.Int32, "cles": pl.List(pl.Int64)}
    return pl.DataFrame(lignes, schema=schema).rename({n: "c_" + n for n in lignes if n not in ("plan", "ligne")})


_TABLES: dict = {}


def tables(plans: list, niveaux: int) -> tuple[list, pl.Series]:
    """(the tables of levels 0…niveaux−1 without their keys, the first row of each plan in them). Each plan's
    rows are kept while its compiled cells are in use (a run computes many partitions with the same contracts,
    in whatever order they come)."""
    debuts, n = [], 0
    for p in plans:
        debuts.append(n)
        n += len(p.contrat.lignes) + 1
    par_niveau = []
    for k in range(niveaux):
        morceaux = []
        for p in plans:
            cle = (id(p.cellules), p.formule, k)
            t = _TABLES.get(cle)
            if t is None or t[0] is not p.contrat or t[1] is not p.cellules:
                if len(_TABLES) > 4096:
                    _TABLES.clear()
                t = _TABLES[cle] = (p.contrat, p.cellules, _table_plan(p, k).drop("plan", "ligne"))
            morceaux.append(t[2])
        par_niveau.append(pl.concat(morceaux))
    return par_niveau, pl.Series(debuts, dtype=pl.Int64)


def _c(nom: str) -> pl.Expr:
    return pl.col("c_" + nom)


def _somme() -> pl.Expr:
    """The value of the terms without state, in µ (garanties._terme)."""
    br, fr, q = pl.col("br"), pl.col("frais_reels"), pl.col("quantite")
    v = br * _c("taux_br") + _c("ss") * pl.col("ss_brut") * M + fr * _c("taux_fr") + _c("fixe") + (_c("unite") + _c("jour")) * q
    v = v + pl.when(_c("forfait") > 0).then(_c("forfait") * pl.min_horizontal(fr, pl.col("forfait_c") * q) * M).otherwise(0)
    v = v + pl.when(_c("cent_sante") > 0).then(_c("cent_sante") * pl.min_horizontal(fr, pl.col("limite")) * M).otherwise(0)
    return v + pl.when(_c("pmss_den") > 0).then(pl.col("p_pmss") * M * _c("pmss_num") // _c("pmss_den")).otherwise(0)


def _place() -> pl.Expr:
    """The room under every cap binding SS + every layer (couches._bornes), in µ, never below 0. The contrat
    responsable ceiling does not bind a non-responsable level (`responsable: false`)."""
    deja = pl.col("deja")
    reste = (pl.col("frais_reels") - deja) * M
    limite = pl.when(_c("limite")).then((pl.col("limite") - deja) * M)
    cap = pl.when(pl.col("cap_medecin").is_not_null() & _c("responsable")).then(pl.col("cap_medecin") - deja * M)
    return pl.max_horizontal(pl.min_horizontal(reste, limite, cap), 0)


def _payer(etat: pl.Expr, enveloppe: pl.Expr) -> pl.Expr:
    """The layer's payment in cents, given the stateful term's value `etat` (µ) and the envelope left
    `enveloppe` (µ, 0 without one): couches.payer up to the rounding."""
    incl, env = _c("inclusif"), _c("genre") == GENRES["enveloppe"]
    s = pl.col("somme") + etat
    plafond = pl.when(incl).then(s + enveloppe - pl.col("deja") * M).otherwise(s)
    base = pl.min_horizontal(pl.max_horizontal(plafond, 0), pl.col("place"))
    base = pl.when(env & ~incl).then(base + pl.max_horizontal(pl.min_horizontal(enveloppe, pl.col("place") - base), 0)
                                     ).otherwise(base)
    return arrondi(base)


def _erreurs() -> pl.Expr:
    """An act of a compiled cell that the line engine would refuse, or that needs what the plan cannot
    hold exactly: it falls back (with its state keys)."""
    ok = _c("statut") == STATUTS["ok"]
    besoin_limite = (_c("limite") | (_c("cent_sante") > 0)) & pl.col("limite").is_null()
    forfait = (_c("forfait") > 0) & pl.col("forfait_c").is_null()
    pmss = ((_c("pmss_den") > 0) | _c("env_num").is_not_null()) & pl.col("p_pmss").is_null()
    env = (_c("genre") == GENRES["enveloppe"]) & pl.col("env_plafond").is_null()
    return ok & (besoin_limite | forfait | pmss | env)


def _plafond_enveloppe(env_pmss: dict) -> pl.Expr:
    """The envelope of the act's civil year, in cents: its amount, or a PMSS fraction of the year's PMSS
    when that PMSS is one value over the year and the envelope a whole number of cents (else null)."""
    annee = pl.col("an").replace_strict(list(env_pmss), list(env_pmss.values()), default=None, return_dtype=pl.Int64)
    produit = annee * M * _c("env_num")
    entier = (produit % (_c("env_den") * M)) == 0
    fraction = pl.when(entier).then(produit // (_c("env_den") * M))
    return pl.when(_c("env_c").is_not_null()).then(_c("env_c")).otherwise(fraction)


def _etat(df: pl.DataFrame, genres: set) -> tuple[pl.DataFrame, pl.Expr, pl.Expr]:
    """The stateful terms of the level: (the frame with `ambigu`, the value of the days or acts term in µ,
    the envelope left in µ). Only the kinds present in `genres` are computed."""
    q, incl, g = pl.col("quantite"), _c("inclusif"), pl.col("g")
    # the demands, which do not depend on the state: days used; acts counted (when the contract pays the act,
    # the same for 1 and q acts, else fallback); the envelope's F (module docstring)
    dem, ambigu = pl.lit(0, dtype=pl.Int64), pl.lit(False)
    if GENRES["jours"] in genres:
        dem = pl.when(g == GENRES["jours"]).then(q).otherwise(dem)
    if GENRES["actes"] in genres:
        paye_q = _payer(_c("acte_montant") * q, pl.lit(0))
        pays_q, pays_1 = (pl.col("verse") + paye_q) > 0, (pl.col("verse") + _payer(_c("acte_montant"), pl.lit(0))) > 0
        ambigu = (g == GENRES["actes"]) & (q > 1) & (pays_q != pays_1)
        dem = pl.when(g == GENRES["actes"]).then(pl.when(pays_q).then(q).otherwise(0)).otherwise(dem)
    if GENRES["enveloppe"] in genres:
        a = pl.when(incl).then(pl.col("somme") - pl.col("deja") * M).otherwise(
            pl.min_horizontal(pl.max_horizontal(pl.col("somme"), 0), pl.col("place")))
        f = arrondi(pl.max_horizontal(arrondi(pl.col("place")) * M - a, 0))
        dem = pl.when(g == GENRES["enveloppe"]).then(f).otherwise(dem)
    df = df.with_columns(ambigu=ambigu, dem=dem.fill_null(0))
    df = df.with_columns(cumul=cumul_groupes(df, pl.col("dem"), ["ben", "an", "c_cle"], g > 0))
    cumul, dem = pl.col("cumul"), pl.col("dem")
    dans = (_c("jours_max") - (cumul - dem)).clip(0).clip(None, q)
    v_jours = _c("jour_montant") * dans + _c("jour_puis") * (q - dans)
    _, reste_actes = sature(dem, cumul, _c("par_an"))
    v_actes = _c("acte_montant") * reste_actes.clip(0).clip(None, q)
    _, reste_env = sature(dem, cumul, pl.col("env_plafond"))
    etat = pl.when(g == GENRES["jours"]).then(v_jours).when(g == GENRES["actes"]).then(v_actes).otherwise(0)
    return df, etat, pl.when(g == GENRES["enveloppe"]).then(reste_env * M).otherwise(0)


def couche(df: pl.DataFrame, table: pl.DataFrame, debuts: pl.Series, pmss_annuel: dict, k: int) -> pl.DataFrame:
    """Level index `k` for every act: `part_k` (cents; null where the formula has no column at this
    level), `deja` and `verse` updated, `repli_k` (the act falls back), `inconnu_k`, `clef_k` and
    `cles_k` (its state keys at this level, for the fallback of its component). `table`: the compiled
    cells of the level (`table_niveau`), the cell of an act at `debuts[plan] + ligne + 1`."""
    rang = df.select(pl.lit(debuts).gather(pl.col("plan")) + pl.col("ligne") + 1).to_series()
    df = pl.concat([df, table.select(pl.all().gather(pl.lit(rang)))], how="horizontal")
    # an error row (`certain`) consumes nothing: no stateful term for it
    df = df.with_columns(somme=_somme(), place=_place(), env_plafond=_plafond_enveloppe(pmss_annuel),
                         g=pl.when(pl.col("certain")).then(0).otherwise(_c("genre").fill_null(0)))
    genres = set(df["g"].unique().to_list()) - {0}
    if genres:
        df, etat, enveloppe = _etat(df, genres)
    else:
        df, etat, enveloppe = df.with_columns(ambigu=pl.lit(False)), pl.lit(0), pl.lit(0)
    ok = _c("present") & (_c("statut") == STATUTS["ok"])
    paye = pl.when(ok).then(_payer(etat, enveloppe)).when(_c("present")).then(0)
    repli = _c("present") & ((_c("statut") >= STATUTS["repli"]) | _erreurs() | pl.col("ambigu"))
    df = df.with_columns(**{f"part_{k}": paye, f"repli_{k}": repli.fill_null(True),
                            f"inconnu_{k}": _c("present") & (_c("statut") == STATUTS["inconnu"]),
                            f"clef_{k}": pl.when(ok & (_c("genre") > 0)).then(_c("cle")),
                            f"cles_{k}": pl.when(_c("present") & (_c("statut") != STATUTS["ok"])).then(_c("cles"))})
    df = df.with_columns(deja=pl.col("deja") + pl.col(f"part_{k}").fill_null(0),
                         verse=pl.col("verse") + pl.col(f"part_{k}").fill_null(0))
    return df.drop([c for c in df.columns if c.startswith("c_") or c in ("somme", "place", "env_plafond", "g", "ambigu", "dem",
                                                                          "cumul")])
