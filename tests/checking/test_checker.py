"""The checker must be able to fail, and must never promote numeric evidence to a proof."""

from __future__ import annotations

import pytest
import sympy as sp

from symdae.checking import Claim, Equality, Inequality, Interval, Limit, check, steps
from symdae.symbols import E, beta, c0, eps, lam, w1, w2, zeta

EQ2 = w2 * lam * (1 - w2 * w1) - eps * w2**2 * w1
EQ3 = w1 * lam * (1 - w2 * w1) - eps * w2 * w1**2
EQ9_RHS = (lam - w1 * w2 * (lam + eps)) * (w1**2 + w2**2)


def eq9_claim(rhs: sp.Expr, **kw: object) -> Claim:
    return Claim("test.eq9", "Supp. B", "product rule", Equality(w1 * EQ3 + w2 * EQ2, rhs),
                 strategy=(steps.expand,), **kw)  # type: ignore[arg-type]


def test_true_identity_is_proved_with_its_strategy() -> None:
    verdict = check(eq9_claim(EQ9_RHS))
    assert verdict.status == "proved"
    assert verdict.strategy == "expand"
    assert verdict.numeric_points > 0 and verdict.numeric_max_error < 1e-30


@pytest.mark.parametrize(
    "wrong",
    [
        pytest.param((2 * lam - w1 * w2 * (lam + eps)) * (w1**2 + w2**2), id="perturbed-coefficient"),
        pytest.param((lam - w1 * w2 * lam) * (w1**2 + w2**2), id="dropped-term"),
        pytest.param((lam + w1 * w2 * (lam + eps)) * (w1**2 + w2**2), id="flipped-sign"),
        pytest.param((lam - w1 * w2 * (lam + eps)) * (w1**2 - w2**2), id="flipped-sign-inner"),
    ],
)
def test_wrong_identity_fails_with_a_counterexample(wrong: sp.Expr) -> None:
    verdict = check(eq9_claim(wrong))
    assert verdict.status == "failed"
    assert verdict.counterexample is not None


def test_wrong_limit_fails() -> None:
    x = sp.Symbol("x", positive=True)
    claim = Claim("test.limit", "Eq. (5)", "wrong limit",
                  Limit(lam * x / (1 + (lam + eps) * x), x, sp.oo, lam / (lam + 2 * eps)))
    assert check(claim).status == "failed"


def test_right_limit_is_proved() -> None:
    x = sp.Symbol("x", positive=True)
    claim = Claim("test.limit_ok", "Eq. (5)", "fixed point",
                  Limit(lam * x / (1 + (lam + eps) * x), x, sp.oo, lam / (lam + eps)),
                  strategy=(steps.cancel,))
    verdict = check(claim)
    assert verdict.status == "proved"
    assert "limit" in verdict.strategy


def test_identity_without_a_strategy_is_numeric_not_proved() -> None:
    x = sp.Symbol("x", real=True)
    claim = Claim("test.pythagoras", "none", "sin² + cos² = 1 with no symbolic steps allowed",
                  Equality(sp.sin(x) ** 2 + sp.cos(x) ** 2, 1), use_equals=False)
    verdict = check(claim)
    assert verdict.status == "numeric"
    assert verdict.strategy.startswith("numeric")
    assert verdict.numeric_points >= 8


def test_equals_fallback_is_reported_as_such() -> None:
    x = sp.Symbol("x", real=True)
    claim = Claim("test.pythagoras_eq", "none", "sin² + cos² = 1 via equals",
                  Equality(sp.sin(x) ** 2 + sp.cos(x) ** 2, 1), use_equals=True)
    verdict = check(claim)
    assert verdict.status == "proved"
    assert verdict.strategy.endswith("equals (opt-in)")


def test_printed_form_refuted_and_corrected_proved_is_an_erratum() -> None:
    xi, tau, t, w0 = sp.symbols("xi tau t w0", positive=True)
    true = xi / (1 + (xi / w0 - 1) * sp.exp(-2 * lam * xi * t / tau))
    printed = xi / (1 + (xi / w0 - 1) * sp.exp(-2 * xi * t / tau))
    logistic = xi * sp.exp(2 * lam * xi * t / tau) / (sp.exp(2 * lam * xi * t / tau) - 1 + xi / w0)
    claim = Claim("test.eq7", "Eq. (7)", "logistic", Equality(logistic, true),
                  printed=Equality(logistic, printed), strategy=(steps.cancel,),
                  domain={lam: Interval(2.0, 10.0), t: Interval(1.0, 5.0)})
    verdict = check(claim)
    assert verdict.status == "erratum"
    assert verdict.printed and verdict.corrected and verdict.printed != verdict.corrected
    assert verdict.counterexample is not None
    assert "proved" in verdict.note


def test_printed_form_that_holds_is_not_an_erratum() -> None:
    claim = eq9_claim(EQ9_RHS, printed=Equality(w1 * EQ3 + w2 * EQ2, sp.expand(EQ9_RHS)))
    verdict = check(claim)
    assert verdict.status == "proved"
    assert "holds as printed" in verdict.note


@pytest.mark.parametrize(("value", "status"), [(4, "proved"), (3, "failed")], ids=["on the variety", "false"])
def test_modulo_a_relation_proves_identities_on_the_variety_only(value: int, status: str) -> None:
    claim = Claim(f"test.modulo_{value}", "Supp. B", f"(ζ − β)(ζ + β) = {value}",
                  Equality((zeta - beta) * (zeta + beta), value),
                  strategy=(steps.modulo([zeta**2 - beta**2 - 4], [zeta]),),
                  where={zeta: sp.sqrt(beta**2 + 4)}, use_equals=False)
    assert check(claim).status == status


def test_true_inequality_is_proved_and_false_one_fails() -> None:
    positive = sp.Symbol("e", positive=True)
    ratio = (2 * lam + lam * positive / (lam + positive)) / (2 * lam + 3 * positive)
    good = Claim("test.r_lt_1", "Eq. (8)", "R < 1", Inequality(ratio, "<", 1), strategy=(steps.factor,))
    bad = Claim("test.r_gt_1", "Eq. (8)", "R > 1", Inequality(ratio, ">", 1), strategy=(steps.factor,))
    assert check(good).status == "proved"
    verdict = check(bad)
    assert verdict.status == "failed" and verdict.counterexample is not None


def test_matrix_equalities_are_checked_entrywise() -> None:
    a, b = sp.symbols("a b", real=True)
    m = sp.Matrix([[a, b], [b, a]])
    good = Claim("test.matrix", "none", "(m²)₀₁ = 2ab", Equality((m * m)[0, 1], 2 * a * b),
                 strategy=(steps.expand,))
    bad = Claim("test.matrix_bad", "none", "m² wrong off-diagonal",
                Equality(m * m, sp.Matrix([[a**2 + b**2, 2 * a * b], [a * b, a**2 + b**2]])),
                strategy=(steps.expand,))
    assert check(good).status == "proved"
    assert check(bad).status == "failed"


def test_condition_restricts_the_sampled_domain() -> None:
    x = sp.Symbol("x", real=True)
    claim = Claim("test.abs", "none", "|x| = x on x > 0", Equality(sp.Abs(x), x),
                  condition=x > 0, use_equals=False)
    assert check(claim).status == "numeric"
    unrestricted = Claim("test.abs_all", "none", "|x| = x everywhere", Equality(sp.Abs(x), x),
                         use_equals=False)
    assert check(unrestricted).status == "failed"


def test_where_definitions_are_substituted_for_numbers() -> None:
    claim = Claim("test.where", "Eq. (5)", "E at t = 0 is 1", Equality(E, sp.exp(0)),
                  where={E: sp.exp(c0 * 0)}, use_equals=False)
    assert check(claim).status == "numeric"


def _raising(expr: sp.Expr) -> sp.Expr:
    raise sp.PolynomialError(f"{expr} contains an element of the set of generators")


@pytest.mark.parametrize(("rhs", "status"), [(EQ9_RHS, "numeric"), (2 * EQ9_RHS, "failed")], ids=["true", "false"])
def test_a_strategy_step_that_raises_is_reported_not_a_crash(rhs: sp.Expr, status: str) -> None:
    claim = Claim("test.raises", "Supp. B", "a step that raises", Equality(w1 * EQ3 + w2 * EQ2, rhs),
                  strategy=(steps.Step("polys", _raising),))
    verdict = check(claim)
    assert verdict.status == status  # never "proved": the numbers judged it
    assert "a strategy step raised PolynomialError" in verdict.note
