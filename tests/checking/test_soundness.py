"""The checker refuses to be fooled: each trick that once gave `proved` to a false claim now fails.

Every claim here is false (or unproved by what its steps show); none may come out
``proved``, ``numeric`` or ``erratum``.
"""

from __future__ import annotations

import pytest
import sympy as sp

from symdae.checking import Claim, Definition, Equality, Interval, Limit, check, steps
from symdae.checking.checker import CROSS_CHECK_POINTS
from symdae.derivations.equivalence import DELL_GAMMA, W_STAR_GAMMA_PRINTED
from symdae.symbols import N, eps, gam, kappa, lam, w


def assert_failed(claim: Claim, *words: str) -> None:
    verdict = check(claim)
    assert verdict.status == "failed", (verdict.status, verdict.note)
    for word in words:
        assert word in verdict.note, verdict.note


def test_an_unjustified_substitution_is_refused() -> None:
    """"λ = 1" by subs(λ → 1): refused, whatever the condition says."""
    claim = Claim("fool.lam_is_one", "none", "λ = 1", Equality(lam, 1), strategy=(steps.subs({lam: 1}),))
    assert_failed(claim, "refused", "nothing to justify it")
    empty = Claim("fool.lam_is_one_empty", "none", "λ = 1 on an empty condition", Equality(lam, 1),
                  strategy=(steps.subs({lam: 1}),), condition=sp.And(lam > 2, lam < 1))
    assert_failed(empty, "refused")


def test_an_empty_condition_leaves_too_few_points_for_a_proof() -> None:
    """A true reduction is not a proof when the cross-check finds no points (here: no λ satisfies it)."""
    claim = Claim("fool.empty_condition", "none", "λ − λ = 0 where λ > 2 and λ < 1",
                  Equality(lam + eps - eps, lam), strategy=(steps.expand,), condition=sp.And(lam > 2, lam < 1))
    assert_failed(claim, f"of the {CROSS_CHECK_POINTS} points")


def test_a_narrow_condition_leaves_too_few_points_for_a_proof() -> None:
    claim = Claim("fool.narrow", "none", "an identity on a sliver of the domain", Equality(lam * 2, lam + lam),
                  condition=sp.And(lam > 999.99, lam < 1000.0))
    assert check(claim).status == "failed"


def test_a_pinned_domain_is_refused() -> None:
    """Supp. E's printed fixed point 1 − γ/λ, "proved" by confining N to [1, 1] and substituting N → 1."""
    claim = Claim("fool.suppE_printed", "Supp. E", "the printed fixed point", Equality(
        DELL_GAMMA.subs(w, W_STAR_GAMMA_PRINTED), 0),
        strategy=(steps.subs({N: 1}, narrows="N = 1"), steps.expand), domain={N: Interval(1.0, 1.0)})
    assert_failed(claim, "pins N")


def test_a_narrowing_is_shown_and_does_not_fool_the_cross_check() -> None:
    """narrows= puts the restriction in the scope; the numbers are still drawn from the whole domain."""
    claim = Claim("fool.narrowed", "none", "λ = 1, narrowed", Equality(lam, 1),
                  strategy=(steps.subs({lam: 1}, narrows="λ = 1"),))
    verdict = check(claim)
    assert verdict.status == "failed" and verdict.counterexample is not None
    honest = Claim("fool.honest", "none", "(λ + ε)² at ε = 0 is λ²", Equality(((lam + eps) ** 2).subs(eps, 0), lam**2),
                   strategy=(steps.expand,))
    assert check(honest).scope is None


def test_sign_of_eps_is_not_one_at_the_boundary() -> None:
    """sign(ε) = 1 is false at ε = 0, which Figure 1 uses: the boundary is sampled."""
    for use_equals in (False, True):
        claim = Claim(f"fool.sign_eps_{use_equals}", "none", "sign(ε) = 1", Equality(sp.sign(eps), 1),
                      use_equals=use_equals)
        verdict = check(claim)
        assert verdict.status == "failed" and verdict.counterexample is not None
        assert verdict.counterexample["epsilon"] == "0.0"


def test_an_expression_undefined_at_the_boundary_is_not_one() -> None:
    """ελ/(ελ) = 1, built unevaluated: undefined at ε = 0, so it does not hold there."""
    ratio = sp.Mul(eps * lam, sp.Pow(eps * lam, -1, evaluate=False), evaluate=False)
    claim = Claim("fool.ratio", "none", "ελ/(ελ) = 1", Equality(ratio, 1), strategy=(steps.cancel,))
    verdict = check(claim)
    assert verdict.status == "failed"
    assert "undefined" in verdict.note or verdict.counterexample is not None


def test_a_claim_may_exclude_the_boundary_and_says_so() -> None:
    ratio = sp.Mul(eps * lam, sp.Pow(eps * lam, -1, evaluate=False), evaluate=False)
    claim = Claim("fool.ratio_positive", "none", "ελ/(ελ) = 1 for ε > 0", Equality(ratio, 1),
                  strategy=(steps.cancel,), domain={eps: Interval(1e-3, 50.0, log=True)})
    verdict = check(claim)
    assert verdict.status == "proved"
    assert verdict.scope == "epsilon > 0"


def test_equals_is_opt_in_and_named() -> None:
    x = sp.Symbol("x", real=True)
    relation = Equality(sp.sin(x) ** 2 + sp.cos(x) ** 2, 1)
    assert check(Claim("fool.pyth", "none", "sin² + cos² = 1", relation)).status == "numeric"
    verdict = check(Claim("fool.pyth_eq", "none", "sin² + cos² = 1", relation, use_equals=True))
    assert verdict.status == "proved" and verdict.strategy.endswith("equals (opt-in)")


def test_every_proof_records_sixteen_cross_check_points() -> None:
    x = sp.Symbol("x", positive=True)
    limit = Claim("fool.limit_ok", "none", "fixed point", Limit(lam * x / (1 + (lam + eps) * x), x, sp.oo,
                                                               lam / (lam + eps)), strategy=(steps.cancel,))
    identity = Claim("fool.identity", "none", "(λ + ε)² expanded", Equality((lam + eps) ** 2,
                                                                          lam**2 + 2 * lam * eps + eps**2),
                     strategy=(steps.expand,))
    for claim in (limit, identity):
        verdict = check(claim)
        assert verdict.status == "proved"
        assert verdict.cross_check_points >= CROSS_CHECK_POINTS


def test_a_generic_branch_needs_its_conditions_false_or_a_narrowing() -> None:
    piecewise = sp.Piecewise((0, sp.Eq(eps, 0)), (eps / eps, True))
    refused = Claim("fool.branch", "none", "the generic branch", Equality(piecewise, 1),
                    strategy=(steps.generic_branch("ε ≠ 0"),))
    assert_failed(refused, "not false under the symbols' assumptions")
    positive = sp.Symbol("epsilon", positive=True)
    fine = Claim("fool.branch_ok", "none", "the generic branch for ε > 0",
                 Equality(sp.Piecewise((0, sp.Eq(positive, 0)), (positive / positive, True)), 1),
                 strategy=(steps.generic_branch("ε > 0"),))
    assert check(fine).status == "proved"


def test_a_citation_must_be_a_dependency_and_must_say_what_is_substituted() -> None:
    m = sp.Symbol("m", positive=True)
    definition = Definition("fool.def_m", "none", "m", m, lam + kappa)
    wrong = Definition("fool.def_wrong", "none", "m", m, lam - kappa)
    relation = Equality((m - kappa) ** 2, lam**2)
    good = Claim("fool.cited", "none", "(m − κ)² = λ²", relation,
                 strategy=(steps.subs({m: lam + kappa}, because=(definition,)), steps.expand),
                 depends=("fool.def_m",), where={m: lam + kappa})
    assert check(good).status == "proved"
    undeclared = Claim("fool.undeclared", "none", "(m − κ)² = λ²", relation,
                       strategy=(steps.subs({m: lam + kappa}, because=(definition,)), steps.expand))
    assert_failed(undeclared, "does not depend on")
    mismatched = Claim("fool.mismatched", "none", "(m − κ)² = λ²", relation,
                       strategy=(steps.subs({m: lam + kappa}, because=(wrong,)), steps.expand),
                       depends=("fool.def_wrong",))  # m := λ − κ does not give m = λ + κ
    assert_failed(mismatched, "refused")


def test_a_fresh_symbol_must_not_claim_more_than_the_expression_it_replaces() -> None:
    """Generalising γ − κ to a fresh positive symbol would assume γ > κ."""
    d = sp.Symbol("d", positive=True)
    claim = Claim("fool.fresh", "none", "√((γ − κ)²) = γ − κ", Equality(sp.sqrt((gam - kappa) ** 2), gam - kappa),
                  strategy=(steps.subs({gam - kappa: d}), steps.expand))
    assert_failed(claim)


@pytest.mark.parametrize("name", ["lam_is_one", "sign", "pinned"])
def test_false_claims_never_exit_zero_through_the_cli(name: str, tmp_path: object,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    """Through `symdae verify FILE`, a file of false claims exits 1."""
    from pathlib import Path

    from symdae.cli import main

    bodies = {
        "lam_is_one": "Claim('mine.one', 'x', 'λ = 1', Equality(lam, 1), strategy=(steps.subs({lam: 1}),))",
        "sign": "Claim('mine.sign', 'x', 'sign(ε) = 1', Equality(sp.sign(eps), 1), use_equals=True)",
        "pinned": "Claim('mine.pinned', 'x', 'N = 1', Equality(N, 1), strategy=(steps.subs({N: 1}, narrows='N = 1'),),"
                  " domain={N: Interval(1.0, 1.0)})",
    }
    path = Path(str(tmp_path)) / f"false_{name}.py"
    path.write_text("import sympy as sp\n"
                    "from symdae.checking import Claim, Equality, Interval, steps\n"
                    "from symdae.symbols import N, eps, lam\n"
                    f"CLAIMS = [{bodies[name]}]\n", encoding="utf-8")
    assert main(["verify", str(path), "--jobs", "1"]) == 1
    assert "failed" in capsys.readouterr().out


WRONG_SCALINGS = {
    "eps = N^2 s^2 / 2": ("s31.update_W1", {"tau": "N/alpha", "epsilon": "N**2*s**2/2"}),
    "tau = 2/alpha": ("s31.update_W2", {"tau": "2/alpha", "epsilon": "N*s**2"}),
    "kappa = gamma": ("s31.weight_decay", {"tau": "N/alpha", "kappa": "gamma"}),
}


@pytest.mark.parametrize("name", sorted(WRONG_SCALINGS))
def test_a_wrong_scaling_convention_fails(name: str) -> None:
    """§3.1 is proved with N symbolic: the conventions τ = N/α, ε = N s², κ = Nγ are tested, so a wrong one
    (right only at N = 2, or N = 1) fails where the right one is proved."""
    import dataclasses

    from symdae.checking import load
    from symdae.symbols import alpha, s, tau

    registry = load()
    known = {**registry.claims, **registry.definitions}
    claim_id, text = WRONG_SCALINGS[name]
    right = registry.claims[claim_id]
    names = {"tau": tau, "epsilon": eps, "kappa": kappa}
    values = {"N": N, "alpha": alpha, "s": s, "gamma": gam}
    where = {names[k]: sp.sympify(v, locals=values) for k, v in text.items()}
    wrong = dataclasses.replace(right, id=f"fool.{claim_id}.scaling", where=where,
                                strategy=(steps.doit, steps.subs(where, label=name), steps.expand))
    assert check(right, known=known).status == "proved"
    assert check(wrong, known=known).status == "failed"


def test_held_values_and_limits_are_evaluated_in_mpmath() -> None:
    """A held Subs at an integer point is computed at 40 digits (lambdify alone would use a Python int and so
    float64: 1/3 off by 2e-17), and a held Limit is evaluated numerically, not by SymPy."""
    from symdae.checking.numeric import AGREE_TOL

    x = sp.Symbol("x", positive=True)
    held = Claim("held.subs", "none", "1/x at x = 3, times λ", Equality(sp.Subs(lam / x, x, 3), lam / 3),
                 strategy=(steps.doit,))
    verdict = check(held)
    assert verdict.status == "proved" and verdict.numeric_max_error <= AGREE_TOL
    limit = Claim("held.limit", "none", "lim (2x − 1)/(x + 1) = 2, times λ",
                  Equality(sp.Limit(lam * (2 * x - 1) / (x + 1), x, sp.oo), 2 * lam), strategy=(steps.doit,))
    assert check(limit).status == "proved"
    wrong = Claim("held.limit_wrong", "none", "lim (2x − 1)/(x + 1) = 2 + 1e-20", Equality(
        sp.Limit((2 * x - 1) / (x + 1), x, sp.oo), 2 + sp.Rational(1, 10**20)))
    assert check(wrong).status == "failed"
