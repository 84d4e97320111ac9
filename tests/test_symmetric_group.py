"""Tests of dlmath.architectures.symmetric_group (orbit basis of S_n-equivariant layers)."""

import itertools
import math

import numpy as np
import pytest

from dlmath.architectures.symmetric_group import (
    bell_number,
    equivariant_dimension,
    orbit_basis,
    permutation_action,
    stirling2,
    symmetric_group_layers_demo,
)
from dlmath.results import verify


@pytest.mark.theorem("architectures.symmetric_group_layers")
def test_symmetric_group_layers_dimension_and_basis():
    res = symmetric_group_layers_demo(ns=(1, 2, 3, 4), orders=((1, 1), (2, 2), (1, 3)))
    verify("architectures.symmetric_group_layers", res)
    verify("architectures.symmetric_group_layers", res, label="basis")
    assert res.max_residual < 1e-12
    assert np.all(res.numerical[res.ns >= res.ks + res.ls] == res.bell[res.ns >= res.ks + res.ls])


def test_stirling_and_bell_against_explicit_formula():
    for m in range(8):
        for j in range(m + 1):
            explicit = sum((-1) ** i * math.comb(j, i) * (j - i) ** m for i in range(j + 1)) // math.factorial(j)
            assert stirling2(m, j) == explicit
    assert [bell_number(m) for m in range(8)] == [1, 1, 2, 5, 15, 52, 203, 877]
    assert [equivariant_dimension(n, 2, 2) for n in (1, 2, 3, 4, 9)] == [1, 8, 14, 15, 15]


def test_orbit_basis_is_equivariant_under_all_permutations():
    n, k, l = 3, 2, 1  # noqa: E741
    B = orbit_basis(n, k, l)
    for perm in itertools.permutations(range(n)):
        P = np.eye(n)[:, list(perm)]
        Pk, Pl = np.kron(P, P), P
        assert np.allclose(np.einsum("ij,bjk->bik", Pl, B), np.einsum("bij,jk->bik", B, Pk))
    # disjoint supports covering all index tuples
    assert np.array_equal(B.sum(axis=0), np.ones((n**l, n**k)))


def test_permutation_action_special_cases():
    assert permutation_action(1, 2).shape == (1, 1, 1)
    assert permutation_action(2, 1).shape == (1, 2, 2)
    g = permutation_action(4, 0)
    assert g.shape == (2, 1, 1) and np.all(g == 1)


def test_orbit_basis_rejects_large_cases():
    with pytest.raises(ValueError, match="n"):
        orbit_basis(7, 2, 2)


def test_bad_inputs():
    with pytest.raises(ValueError, match="m"):
        stirling2(-1, 0)
    with pytest.raises(TypeError, match="k"):
        equivariant_dimension(3, 1.5, 1)
    with pytest.raises(ValueError, match="orders"):
        symmetric_group_layers_demo(orders=((1, 2, 3),))
    with pytest.raises(ValueError, match="ns"):
        symmetric_group_layers_demo(ns=(0, 2))
