"""Tests of dlmath.architectures.representations (Schur's lemma, isotypic decomposition)."""

import numpy as np
import pytest

from dlmath.architectures.representations import (
    complex_characters,
    equivariant_maps,
    hom_dimension_character,
    image_representation,
    irrep_multiplicities,
    isotypic_layer_basis,
    isotypic_projectors,
    real_irreps,
    schur_isotypic_demo,
    signal_representation,
)
from dlmath.results import verify


@pytest.mark.theorem("architectures.schur_isotypic")
def test_schur_isotypic_counts_and_layer():
    res = schur_isotypic_demo(n_values=(5, 6), image_sizes=(3,))
    verify("architectures.schur_isotypic", res)
    verify("architectures.schur_isotypic", res, label="layer")
    assert np.array_equal(res.numerical, res.layer_dims)


def test_circulants_and_symmetric_circulants():
    for N in (5, 6, 7):
        g, _ = signal_representation("cyclic", N)
        basis = equivariant_maps(g, g)
        assert len(basis) == N
        # every basis element is a circulant: constant along the wrapped diagonals
        for L in basis:
            assert np.allclose(L, np.roll(np.roll(L, 1, axis=0), 1, axis=1))
        gd, _ = signal_representation("dihedral", N)
        assert len(equivariant_maps(gd, gd)) == N // 2 + 1
        gs, _ = signal_representation("dihedral", N, action="sign")
        assert len(equivariant_maps(gd, gs)) == (N - 1) // 2


def test_group_elements_are_homomorphic_images():
    for grp, N in (("cyclic", 6), ("dihedral", 5)):
        gens, el = signal_representation(grp, N)
        assert np.allclose(el[1], gens[0]) and np.allclose(el[0], np.eye(N))
        if grp == "dihedral":
            assert np.allclose(gens[1] @ gens[0] @ gens[1], el[N - 1])  # s r s = r^-1
    gens, el = image_representation("dihedral", 3)
    x = np.arange(9.0).reshape(3, 3)
    assert np.allclose(gens[0] @ x.ravel(), np.rot90(x).ravel())
    assert np.allclose(el[5] @ x.ravel(), np.rot90(np.fliplr(x)).ravel())  # r s


def test_irreps_orthogonality_and_projectors():
    for grp, N in (("cyclic", 8), ("dihedral", 6), ("dihedral", 7)):
        irr = real_irreps(grp, N)
        chars = np.array([np.trace(p["matrices"], axis1=1, axis2=2) for p in irr])
        gram = chars @ chars.T / chars.shape[1]
        ends = np.array([len(p["end_basis"]) for p in irr])
        assert np.allclose(gram, np.diag(ends))  # <chi_rho, chi_rho> = dim End
        for p in irr:  # the commutant basis commutes with the irrep
            for F in p["end_basis"]:
                assert np.allclose(
                    np.einsum("gij,jk->gik", p["matrices"], F), np.einsum("ij,gjk->gik", F, p["matrices"])
                )
        cc = complex_characters(grp, N)
        assert np.allclose(cc @ cc.conj().T / cc.shape[1], np.eye(len(cc)))
        _, el = signal_representation(grp, N)
        P = isotypic_projectors(el, irr)
        assert np.allclose(P.sum(axis=0), np.eye(N))
        for Pi in P:
            assert np.allclose(Pi @ Pi, Pi) and np.allclose(Pi, Pi.T)
        assert np.allclose(
            irrep_multiplicities(el, irr) * 0 + np.round(irrep_multiplicities(el, irr)), irrep_multiplicities(el, irr)
        )


def test_projector_without_end_factor_is_not_idempotent():
    _, el = signal_representation("cyclic", 6)
    irr = real_irreps("cyclic", 6)
    P = isotypic_projectors(el, irr)[2]  # rotation by 2 pi / 6, complex type
    assert np.allclose((2 * P) @ (2 * P), 4 * P) and not np.allclose((2 * P) @ (2 * P), 2 * P)


def test_blockwise_basis_spans_null_space_for_images():
    g, el = image_representation("cyclic", 4)
    g2, el2 = image_representation("cyclic", 2)
    block = isotypic_layer_basis(el, el2, real_irreps("cyclic", 4))
    null = equivariant_maps(g, g2)
    assert len(block) == len(null) == round(hom_dimension_character(el, el2)) == 16
    both = np.concatenate([block.reshape(16, -1), null.reshape(16, -1)])
    assert np.linalg.matrix_rank(both) == 16


def test_tensor_in_tensor_out():
    torch = pytest.importorskip("torch")
    g, _ = signal_representation("cyclic", 5)
    out = equivariant_maps(torch.tensor(g, dtype=torch.float32), torch.tensor(g, dtype=torch.float32))
    assert isinstance(out, torch.Tensor) and out.dtype == torch.float32 and out.shape == (5, 5, 5)


def test_bad_inputs():
    g, el = signal_representation("cyclic", 5)
    with pytest.raises(ValueError, match="rep_out"):
        equivariant_maps(g, np.concatenate([g, g]))
    with pytest.raises(ValueError, match="rep_in"):
        equivariant_maps(np.ones((1, 2, 3)), g)
    with pytest.raises(ValueError, match="action"):
        signal_representation("cyclic", 5, action="sign")
    with pytest.raises(ValueError, match="group"):
        image_representation("octahedral", 3)
    with pytest.raises(ValueError, match="elements_out"):
        hom_dimension_character(el, el[:2])
    with pytest.raises(TypeError, match="irreps"):
        isotypic_projectors(el, "trivial")
    with pytest.raises(ValueError, match="n_values"):
        schur_isotypic_demo(n_values=(2,))
