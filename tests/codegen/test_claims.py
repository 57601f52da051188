"""Generation refuses a kernel whose named claims are not proved: unknown, numeric, failed, erratum, finding."""

from __future__ import annotations

from pathlib import Path

import pytest
import sympy as sp

from symdae.checking import Claim, Equality, build, steps
from symdae.codegen import KERNELS, cache, load_kernel
from symdae.codegen._catalogue import build_spec
from symdae.codegen._claims import UnprovedKernel, require_proved
from symdae.codegen.kernel import KernelSpec

x = sp.Symbol("x", positive=True)
TOY_CLAIMS: tuple[str, ...] = ()


def toy(claims: tuple[str, ...]) -> KernelSpec:
    return KernelSpec(name="toy", claims=claims, row_args=(("x", x),), output=2 * x)


def toy_spec() -> KernelSpec:
    """The catalogue's entry for the toy kernel (its claims set by the test)."""
    return toy(TOY_CLAIMS)


#: A registry of one claim of each verdict the checker can reach without the paper.
TOYS = build([("toys", [
    Claim(id="toy.proved", paper_ref="toy", title="2x = x + x", relation=Equality(2 * x, x + x),
          strategy=(steps.expand,)),
    Claim(id="toy.numeric", paper_ref="toy", title="sin²x + cos²x = 1 (no step proves it)",
          relation=Equality(sp.sin(x) ** 2 + sp.cos(x) ** 2, 1)),
    Claim(id="toy.failed", paper_ref="toy", title="x = x + 1", relation=Equality(x, x + 1), strategy=(steps.expand,)),
])])


def test_a_kernel_of_proved_claims_is_accepted() -> None:
    require_proved(toy(("toy.proved",)), TOYS)


@pytest.mark.parametrize("claim_id, status", [("toy.numeric", "numeric"), ("toy.failed", "failed")])
def test_a_claim_that_is_not_proved_is_refused(claim_id: str, status: str) -> None:
    with pytest.raises(UnprovedKernel, match=rf"kernel 'toy' is not generated: its claim '{claim_id}' is {status}, "
                                             r"not proved.*\(a kernel is generated only from claims the checker"):
        require_proved(toy(("toy.proved", claim_id)), TOYS)


def test_an_unknown_claim_and_no_claim_are_refused() -> None:
    with pytest.raises(UnprovedKernel, match=r"its claim 'toy.prove' is not in the registry; did you mean "
                                             r"'toy.proved'\?"):
        require_proved(toy(("toy.prove",)), TOYS)
    with pytest.raises(UnprovedKernel, match="kernel 'toy' is not generated: its spec names no claim"):
        require_proved(toy(()), TOYS)


@pytest.mark.parametrize("claim_id, status", [("suppE.kappa_equivalent", "erratum"), ("suppD.path_dae", "finding"),
                                              ("kernels.no_such_claim", None)])
def test_loading_a_kernel_of_an_unproved_paper_claim_writes_nothing(
        claim_id: str, status: str | None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Through the one loader, against the paper's registry: refused before anything reaches the cache."""
    monkeypatch.setenv("SYMDAE_CACHE_DIR", str(tmp_path))
    monkeypatch.setitem(KERNELS, "toy", f"{__name__}:toy_spec")
    monkeypatch.setattr(f"{__name__}.TOY_CLAIMS", ("kernels.fixed_point", claim_id))
    expected = f"is {status}, not proved" if status else "is not in the registry"
    with pytest.raises(UnprovedKernel, match=rf"kernel 'toy' is not generated: its claim '{claim_id}' {expected}"):
        load_kernel("toy")
    assert cache.read_index() is None and not list((tmp_path / "kernels").glob("toy-*"))


def test_every_kernel_names_claims_of_the_paper_registry() -> None:
    """Cheap (no checking): every name a spec gives is a claim id; ``symdae verify`` settles them."""
    from symdae.checking import load

    registry = load()
    for name in KERNELS:
        unknown = [c for c in build_spec(name).claims if c not in registry.claims]
        assert not unknown, (name, unknown)
