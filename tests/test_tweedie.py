"""Tweedie's formula and denoising score matching (dlmath.inverse.tweedie)."""

import numpy as np
import pytest
import torch

from dlmath.inverse.tweedie import (
    _demo_mixture,
    gmm_log_density,
    gmm_posterior_mean,
    gmm_score,
    tweedie_demo,
)
from dlmath.results import verify


@pytest.mark.theorem("inverse.tweedie")
def test_tweedie_identity_dsm_and_learning():
    res = tweedie_demo(n_train=(256, 1024, 4096), n_seeds=4, n_test=2048, steps=300)
    verify("inverse.tweedie", res)
    verify("inverse.tweedie", res, label="dsm")
    verify("inverse.tweedie", res, label="learning")
    assert res.wrong_sigma_dev > 0.1 and res.wrong_prior_dev > 0.1


def _brute_density(y, w, mu, cov, sigma):
    d = mu.shape[1]
    out = 0.0
    for k in range(w.size):
        C = cov[k] + sigma**2 * np.eye(d)
        r = y - mu[k]
        out += w[k] * np.exp(-0.5 * r @ np.linalg.solve(C, r)) / np.sqrt(np.linalg.det(2 * np.pi * C))
    return out


def test_log_density_and_score_against_brute_force():
    w, mu, cov = _demo_mixture(3)
    y = np.array([[0.3, -1.2, 0.5], [2.0, 0.1, -0.4]])
    lp = gmm_log_density(y, w, mu, cov, sigma=0.4)
    for i in range(2):
        assert lp[i] == pytest.approx(np.log(_brute_density(y[i], w, mu, cov, 0.4)), abs=1e-12)
        h = 1e-6
        fd = [
            (
                np.log(_brute_density(y[i] + h * e, w, mu, cov, 0.4))
                - np.log(_brute_density(y[i] - h * e, w, mu, cov, 0.4))
            )
            / (2 * h)
            for e in np.eye(3)
        ]
        np.testing.assert_allclose(gmm_score(y, w, mu, cov, 0.4)[i], fd, atol=1e-7)


def test_log_sum_exp_stable_far_away():
    w, mu, cov = _demo_mixture(2)
    y = np.array([[60.0, -80.0]])
    assert np.isfinite(gmm_log_density(y, w, mu, cov, 0.1)).all()
    s = gmm_score(y, w, mu, cov, 0.1)
    assert np.isfinite(s).all() and np.linalg.norm(s) > 100


def test_posterior_mean_by_monte_carlo_of_the_joint_law():
    # E[x | y] for a single Gaussian is linear: check the regression of x on y in a large sample
    rng = np.random.default_rng(1)
    cov = np.array([[[1.0, 0.4], [0.4, 0.5]]])
    mu = np.array([[0.5, -0.2]])
    x = mu[0] + rng.standard_normal((200000, 2)) @ np.linalg.cholesky(cov[0]).T
    y = x + 0.7 * rng.standard_normal(x.shape)
    Yc = np.c_[np.ones(len(y)), y]
    coef = np.linalg.lstsq(Yc, x, rcond=None)[0]
    q = np.array([[1.0, 0.0], [-0.5, 1.5]])
    np.testing.assert_allclose(gmm_posterior_mean(q, [1.0], mu, cov, 0.7), np.c_[np.ones(2), q] @ coef, atol=0.01)


def test_tweedie_holds_pointwise_and_tensor_kinds():
    w, mu, cov = _demo_mixture(2)
    y = np.random.default_rng(0).normal(size=(50, 2)) * 2
    for sigma in (0.05, 0.5, 2.0):
        np.testing.assert_allclose(
            gmm_posterior_mean(y, w, mu, cov, sigma), y + sigma**2 * gmm_score(y, w, mu, cov, sigma), atol=1e-12
        )
    t = torch.tensor(y[:3], dtype=torch.float32)
    out = gmm_score(t, w, mu, cov, 0.5)
    assert isinstance(out, torch.Tensor) and out.dtype == torch.float32 and out.shape == (3, 2)
    assert gmm_posterior_mean(y[0], w, mu, cov, 0.5).shape == (2,)
    assert np.ndim(gmm_log_density(y[0], w, mu, cov, 0.5)) == 0


@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        ({"weights": [0.5, 0.6]}, ValueError, "weights"),
        ({"means": np.zeros((3, 2))}, ValueError, "means"),
        ({"covs": np.zeros((2, 2, 2))}, ValueError, "covs"),
        ({"covs": np.array([np.eye(2), [[1.0, 2.0], [0.0, 1.0]]])}, ValueError, "covs"),
        ({"sigma": -1.0}, ValueError, "sigma"),
        ({"y": np.zeros((4, 3))}, ValueError, "y"),
    ],
)
def test_bad_mixture_inputs(kwargs, exc, match):
    args = {"y": np.zeros((4, 2)), "weights": [0.5, 0.5], "means": np.zeros((2, 2)), "covs": np.array([np.eye(2)] * 2)}
    args.update(kwargs)
    with pytest.raises(exc, match=match):
        gmm_posterior_mean(args["y"], args["weights"], args["means"], args["covs"], args.get("sigma", 0.5))


def test_demo_is_deterministic_and_validates():
    a = tweedie_demo(n_train=(64, 128), n_seeds=2, n_test=200, steps=20)
    b = tweedie_demo(n_train=(64, 128), n_seeds=2, n_test=200, steps=20)
    np.testing.assert_array_equal(a.score_err, b.score_err)
    with pytest.raises(ValueError, match="sigma"):
        tweedie_demo(sigma=1.0)
    with pytest.raises(ValueError, match="n_train"):
        tweedie_demo(n_train=(256,))
    with pytest.raises(ValueError, match="d"):
        tweedie_demo(d=1)
