"""Tests of the harmonic expansion of one ReLU neuron on the sphere (Barron space against the kernel regime)."""

import io
import math

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from scipy import integrate  # noqa: E402

from dlmath.expressivity.barron import (  # noqa: E402
    BarronKernelGapResult,
    _projection_constant,
    barron_kernel_gap_demo,
    relu_harmonic_energies,
    relu_projection_errors,
)
from dlmath.kernels.spherical import (  # noqa: E402
    funk_hecke,
    gegenbauer,
    harmonic_dimension,
    relu_harmonic_coefficients,
    sphere_measure_ratio,
)
from dlmath.results import verify  # noqa: E402

# --------------------------------------------------------------------------------------------
# Theorem
# --------------------------------------------------------------------------------------------


@pytest.mark.theorem("expressivity.barron_kernel_gap")
def test_barron_kernel_gap_rates_and_identities():
    res = barron_kernel_gap_demo(dims=(3, 5, 10, 20), max_degree=2048)
    for label in ("rate", "features", "parseval", "closed_form"):
        verify("expressivity.barron_kernel_gap", res, label=label)
    assert res.eigen_ordered
    # the exponent in the number of features is slower than Maurey's -1/2 exactly for d > 4
    assert np.all((res.slopes_D > -0.5) == (res.dims > 4))


# --------------------------------------------------------------------------------------------
# The mathematics against independent computations
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("d", [2, 3, 4, 7, 12])
def test_closed_form_matches_adaptive_quadrature(d):
    c = sphere_measure_ratio(d)
    mu = relu_harmonic_coefficients(d, range(13))
    for k in range(13):

        def f(t):  # the factor (1 - t)^((d-3)/2) of the weight is left to quad's algebraic weight
            return t * gegenbauer(k, d, t) * (1 + t) ** ((d - 3) / 2)

        val, _ = integrate.quad(f, 0, 1, weight="alg", wvar=(0, (d - 3) / 2), epsabs=1e-14, epsrel=1e-13)
        assert mu[k] == pytest.approx(c * val, abs=1e-11)


def test_closed_form_matches_funk_hecke_and_odd_degrees_vanish():
    for d in (3, 6, 25):
        ks = np.arange(60)
        quad = funk_hecke(lambda t: np.maximum(t, 0.0), d, ks, breakpoints=(0.0,))
        mu = relu_harmonic_coefficients(d, ks)
        assert np.max(np.abs(mu - quad)) < 1e-12
        assert np.all(mu[3::2] == 0)
        assert np.all(np.sign(mu[2::4]) == 1) and np.all(np.sign(mu[4::4]) == -1)
    assert float(relu_harmonic_coefficients(3, 2)) == pytest.approx(1 / 16, abs=1e-15)
    assert np.ndim(relu_harmonic_coefficients(3, 2)) == 0


def test_energies_are_coefficients_times_multiplicities_and_sum_to_norm():
    for d in (2, 3, 9, 40):
        E = relu_harmonic_energies(d, 80)
        mu = relu_harmonic_coefficients(d, range(81))
        direct = np.array([mu[k] ** 2 * harmonic_dimension(d, k) for k in range(81)])
        np.testing.assert_allclose(E, direct, rtol=1e-12, atol=0)
        # Parseval: the energies up to a large degree plus the tail A_d^2 J^-3 give ||g||^2 = 1/(2d)
        J = 200_000
        total = relu_harmonic_energies(d, J).sum() + _projection_constant(d) ** 2 / J**3
        assert total == pytest.approx(1 / (2 * d), rel=1e-12)


def test_norm_of_the_neuron_by_monte_carlo():
    from dlmath.kernels.spherical import uniform_sphere

    for d in (3, 10):
        x = uniform_sphere(200_000, d, seed=1)
        vals = np.maximum(x[:, 0], 0) ** 2
        se = vals.std() / math.sqrt(vals.size)
        assert abs(vals.mean() - 1 / (2 * d)) < 5 * se


@pytest.mark.parametrize("d", [3, 5])
def test_projection_error_equals_polynomial_least_squares(d):
    # the projection of a zonal function onto V_k is zonal: a polynomial of degree <= k in t = <w, x>, so
    # err_k is the weighted least-squares distance of max(t, 0) to the polynomials of degree <= k under the law of t
    a = (d - 3) / 2
    nodes, weights = [], []
    for lo, hi in ((-1.0, 0.0), (0.0, 1.0)):
        s, w = np.polynomial.legendre.leggauss(400)
        t = lo + (hi - lo) * (s + 1) / 2
        nodes.append(t)
        weights.append(w * (hi - lo) / 2 * (1 - t * t) ** a)
    t, w = np.concatenate(nodes), np.concatenate(weights) * sphere_measure_ratio(d)
    y = np.maximum(t, 0)
    err = relu_projection_errors(d, 10)
    for k in range(11):
        basis = np.polynomial.legendre.legvander(t, k) * np.sqrt(w)[:, None]
        coef, *_ = np.linalg.lstsq(basis, y * np.sqrt(w), rcond=None)
        resid = np.sum((y * np.sqrt(w) - basis @ coef) ** 2)
        assert math.sqrt(resid) == pytest.approx(err[k], rel=1e-6, abs=1e-9)


def test_asymptotic_constant_and_its_wrong_version():
    for d in (2, 3, 10):
        K = 2000
        err = relu_projection_errors(d, K)
        a_d = _projection_constant(d)
        r, r_half = err[K] * K**1.5 / a_d, err[K // 2] * (K // 2) ** 1.5 / a_d
        assert abs(r - 1) <= 1.5 * abs(r - r_half)  # first-order extrapolation: r(K) - 1 ~ r(K) - r(K/2)
        assert abs(r / math.sqrt(2) - 1) > 0.2  # a constant that counts the odd degrees is rejected
    assert _projection_constant(3) ** 2 == pytest.approx(1 / (6 * math.pi), rel=1e-13)


def test_span_dimension_and_eigenvalue_order():
    for d in range(2, 9):
        for k in range(11):
            assert harmonic_dimension(d + 1, k) == sum(harmonic_dimension(d, j) for j in range(k + 1))
    for d in range(2, 60):
        mu = relu_harmonic_coefficients(d, [0, 1, 2])
        assert mu[0] > mu[1] > abs(mu[2])
        assert mu[2] == pytest.approx(mu[0] / (d + 1), rel=1e-13)


def test_demo_fields_plot_and_determinism():
    res = barron_kernel_gap_demo(dims=(3, 5), max_degree=256)
    assert isinstance(res, BarronKernelGapResult)
    assert res.errors.shape == res.span_dims.shape == (2, 128)
    assert np.all(np.diff(res.errors, axis=1) < 0)
    again = barron_kernel_gap_demo(dims=(3, 5), max_degree=256)
    np.testing.assert_array_equal(res.errors, again.errors)
    fig = res.plot()
    assert isinstance(fig, Figure) and fig.axes
    fig.savefig(io.BytesIO(), format="png")
    plt.close("all")


@pytest.mark.parametrize(
    "call, exc, match",
    [
        (lambda: relu_harmonic_coefficients(1, 2), ValueError, "d"),
        (lambda: relu_harmonic_coefficients(3.5, 2), TypeError, "d"),
        (lambda: relu_harmonic_coefficients(3, [0, -1]), ValueError, "degrees"),
        (lambda: relu_harmonic_energies(1, 10), ValueError, "d"),
        (lambda: relu_harmonic_energies(3, 1), ValueError, "max_degree"),
        (lambda: relu_projection_errors(0, 10), ValueError, "d"),
        (lambda: relu_projection_errors(3, "10"), TypeError, "max_degree"),
        (lambda: barron_kernel_gap_demo(dims=(3, 4)), ValueError, "dims"),
        (lambda: barron_kernel_gap_demo(dims=(3, 101)), ValueError, "dims"),
        (lambda: barron_kernel_gap_demo(max_degree=32), ValueError, "max_degree"),
        (lambda: barron_kernel_gap_demo(dims=(3, 60), max_degree=1000), ValueError, "max_degree"),
        (lambda: barron_kernel_gap_demo(seed=-1), ValueError, "seed"),
    ],
)
def test_bad_inputs(call, exc, match):
    with pytest.raises(exc, match=match):
        call()
