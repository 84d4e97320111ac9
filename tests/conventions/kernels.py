"""Convention cases of dlmath.kernels."""

import numpy as np
import torch

from dlmath import kernels as K
from dlmath.nets import mlp

_X = np.array([[1.0, 0.5], [-0.3, 0.8], [0.2, -1.0]])
_G = K.gaussian_kernel(_X)

DATA_FUNCTIONS = {
    "relu_expectation": lambda t: ((t([1.3, 1.0]), t([0.4, 0.0]), t([0.7, 1.0])), {}),
    "step_expectation": lambda t: ((t([1.3, 1.0]), t([0.4, 0.0]), t([0.7, 1.0])), {}),
    "erf_expectation": lambda t: ((t([1.3, 1.0]), t([0.4, 0.0]), t([0.7, 1.0])), {}),
    "erf_derivative_expectation": lambda t: ((t([1.3, 1.0]), t([0.4, 0.0]), t([0.7, 1.0])), {}),
    "arccos_kernel": lambda t: ((t(_X), t(_X[:2])), {"n": 1}),
    "nngp_kernel": lambda t: ((t(_X),), {"depth": 2, "sb2": 0.1}),
    "ntk_kernel": lambda t: ((t(_X), t(_X[:2])), {"depth": 2, "return_nngp": True}),
    "correlation_map": lambda t: ((t([-0.5, 0.0, 0.9]),), {}),
    "empirical_ntk": lambda t: ((mlp(2, 8, 1, dtype="float64", seed=0), t(_X)), {}),
    "gaussian_kernel": lambda t: ((t(_X),), {"lengthscale": 0.7}),
    "rff_features": lambda t: ((t(_X), 16), {}),
    "krr_fit": lambda t: ((t(_G), t([1.0, 0.0, -1.0]), 0.1), {}),
    "gp_posterior": lambda t: ((t(_G[:2, :2]), t(_G[:2, 2:]), t(_G[2:, 2:]), t([1.0, 0.0]), 0.1), {}),
}

NETWORKS: dict = {}

OTHER = {
    "GaussianMap": "a registry entry (a record of two maps)",
    "GAUSSIAN_MAPS": "constant: the registry of closed-form Gaussian expectations",
    "KERNEL_ACTIVATIONS": "constant: the names of GAUSSIAN_MAPS",
    "gaussian_map": "registry lookup",
    "krr_risk_closed_form": "returns a pair of floats (bias^2, variance)",
    "double_descent_closed_form": "returns a float",
    "weak_features_risk": "returns a float",
    "rademacher_linear": "returns a float",
    "supports_structured_ntk": "returns a bool",
    "NTK_METHODS": "constant: the methods of empirical_ntk",
}

_ONES = np.ones((3, 2))

BAD_INPUTS = [
    (
        "nngp_kernel-activation",
        lambda: K.nngp_kernel(_ONES, depth=1, activation="tanh"),
        ValueError,
        r"activation.*GAUSSIAN_MAPS.*'relu', 'erf'",
    ),
    ("ntk_kernel-activation-type", lambda: K.ntk_kernel(_ONES, depth=1, activation=1), TypeError, "activation"),
    ("ntk_kernel-depth", lambda: K.ntk_kernel(_ONES, depth=-1), ValueError, "depth"),
    ("ntk_kernel-depth-type", lambda: K.ntk_kernel(_ONES, depth=1.5), TypeError, "depth"),
    ("nngp_kernel-sw2", lambda: K.nngp_kernel(_ONES, depth=1, sw2=0.0), ValueError, "sw2"),
    ("nngp_kernel-sb2", lambda: K.nngp_kernel(_ONES, depth=1, sb2=-1.0), ValueError, "sb2"),
    ("nngp_kernel-X2", lambda: K.nngp_kernel(_ONES, np.ones((2, 3)), depth=1), ValueError, "X2"),
    ("ntk_kernel-X1", lambda: K.ntk_kernel(np.ones(3), depth=1), ValueError, "X1"),
    ("ntk_kernel-X1-complex", lambda: K.ntk_kernel(_ONES * 1j, depth=1), TypeError, "X1"),
    ("ntk_kernel-X1-string", lambda: K.ntk_kernel("x", depth=1), TypeError, "X1"),
    ("ntk_kernel-return_nngp", lambda: K.ntk_kernel(_ONES, depth=1, return_nngp=1), TypeError, "return_nngp"),
    ("empirical_ntk-model", lambda: K.empirical_ntk("net", _ONES), TypeError, "model"),
    ("empirical_ntk-output", lambda: K.empirical_ntk(mlp(2, 4, 1, 2, dtype=torch.float64), _ONES), ValueError, "model"),
    ("empirical_ntk-X1", lambda: K.empirical_ntk(mlp(2, 4, 1), np.ones(2)), ValueError, "X1"),
    ("empirical_ntk-method", lambda: K.empirical_ntk(mlp(2, 4, 1), _ONES, method="fast"), ValueError, "method"),
    (
        "empirical_ntk-structured-model",
        lambda: K.empirical_ntk(
            torch.nn.Sequential(torch.nn.Linear(2, 1), torch.nn.Dropout()), _ONES, method="structured"
        ),
        ValueError,
        "model",
    ),
    ("supports_structured_ntk-model", lambda: K.supports_structured_ntk("net"), TypeError, "model"),
    ("relu_expectation-k11", lambda: K.relu_expectation(-1.0, 0.0, 1.0), ValueError, "k11"),
    ("step_expectation-k12", lambda: K.step_expectation(1.0, 2.0, 1.0), ValueError, "k12"),
    ("erf_expectation-k22", lambda: K.erf_expectation(1.0, 0.0, 0.0), ValueError, "k22"),
    ("erf_derivative_expectation-complex", lambda: K.erf_derivative_expectation(1j, 0.0, 1.0), TypeError, "k11"),
    ("gaussian_map-name", lambda: K.gaussian_map("tanh"), ValueError, "GAUSSIAN_MAPS"),
    ("arccos_kernel-n", lambda: K.arccos_kernel(_ONES, _ONES, n=3), ValueError, "n"),
    ("arccos_kernel-X", lambda: K.arccos_kernel(np.zeros((2, 2)), _ONES), ValueError, "X"),
    ("arccos_kernel-Y", lambda: K.arccos_kernel(_ONES, np.ones((2, 3))), ValueError, "Y"),
    ("rff_features-D", lambda: K.rff_features(_ONES, 0), ValueError, "D"),
    ("rff_features-X-complex", lambda: K.rff_features(_ONES * 1j, 3), TypeError, "X"),
    ("gaussian_kernel-lengthscale", lambda: K.gaussian_kernel(_ONES, lengthscale=0.0), ValueError, "lengthscale"),
    ("gaussian_kernel-Y", lambda: K.gaussian_kernel(_ONES, np.ones((2, 3))), ValueError, "Y"),
    ("krr_fit-lam", lambda: K.krr_fit(np.eye(3), np.ones(3), -1.0), ValueError, "lam"),
    ("krr_fit-K", lambda: K.krr_fit(np.ones((3, 2)), np.ones(3), 1.0), ValueError, "K"),
    ("krr_fit-y", lambda: K.krr_fit(np.eye(3), np.ones(2), 1.0), ValueError, "y"),
    (
        "gp_posterior-noise",
        lambda: K.gp_posterior(np.eye(2), np.ones((2, 1)), np.eye(1), np.ones(2), -0.1),
        ValueError,
        "noise",
    ),
    (
        "gp_posterior-Kxs",
        lambda: K.gp_posterior(np.eye(2), np.ones((3, 1)), np.eye(1), np.ones(2), 0.1),
        ValueError,
        "Kxs",
    ),
    (
        "krr_risk_closed_form-fstar",
        lambda: K.krr_risk_closed_form(np.eye(2), np.ones(3), 0.1, 0.1),
        ValueError,
        "fstar",
    ),
    ("correlation_map-c", lambda: K.correlation_map(1.5), ValueError, "c"),
    ("correlation_map-activation", lambda: K.correlation_map(0.5, activation="erf"), ValueError, "activation"),
    ("double_descent_closed_form-p", lambda: K.double_descent_closed_form(10, 0, 0.1, 1.0), ValueError, "p"),
    ("weak_features_risk-p", lambda: K.weak_features_risk(40, 81, np.ones(80), 0.5), ValueError, "p"),
    ("weak_features_risk-beta", lambda: K.weak_features_risk(40, 10, np.zeros((2, 2)), 0.5), ValueError, "beta"),
    ("rademacher_linear-B", lambda: K.rademacher_linear(_ONES, B=0.0), ValueError, "B"),
    ("rff_demo-Ds", lambda: K.rff_demo(Ds=(64,)), ValueError, "Ds"),
    ("arccos_demo-n_samples", lambda: K.arccos_demo(n_samples=1), ValueError, "n_samples"),
    ("krr_demo-lam", lambda: K.krr_demo(lam=0.0), ValueError, "lam"),
    ("krr_bias_variance_demo-lams", lambda: K.krr_bias_variance_demo(lams=[-1.0]), ValueError, "lams"),
    ("nngp_demo-width", lambda: K.nngp_demo(width=0), ValueError, "width"),
    ("nngp_demo-device", lambda: K.nngp_demo(device=3), TypeError, "device"),
    ("ntk_limit_demo-widths", lambda: K.ntk_limit_demo(widths=(128, 64)), ValueError, "widths"),
    ("ntk_limit_demo-activation", lambda: K.ntk_limit_demo(activation="tanh"), ValueError, "activation"),
    ("depth_limit_demo-c1s", lambda: K.depth_limit_demo(c1s=(1.0,)), ValueError, "c1s"),
    ("depth_limit_demo-sw2s", lambda: K.depth_limit_demo(sw2s=(0.0,)), ValueError, "sw2s"),
    ("lazy_training_demo-steps", lambda: K.lazy_training_demo(steps=0), ValueError, "steps"),
    ("lazy_training_demo-activation", lambda: K.lazy_training_demo(activation="sigmoid"), ValueError, "activation"),
    ("double_descent_demo-ps", lambda: K.double_descent_demo(ps=(10, 40)), ValueError, "ps"),
    ("double_descent_demo-N", lambda: K.double_descent_demo(N=1), ValueError, "N"),
    ("double_descent_demo-ps-N", lambda: K.double_descent_demo(N=50, ps=(10, 60)), ValueError, "ps"),
    ("double_descent_demo-offset", lambda: K.double_descent_demo(offset=-1.0), ValueError, "offset"),
    ("rademacher_demo-ns", lambda: K.rademacher_demo(ns=(50,)), ValueError, "ns"),
    ("rademacher_demo-delta", lambda: K.rademacher_demo(delta=1.5), ValueError, "delta"),
    ("rademacher_demo-dev_n", lambda: K.rademacher_demo(dev_n=1), ValueError, "dev_n"),
    ("norm_bound_demo-lr", lambda: K.norm_bound_demo(lr=0.0), ValueError, "lr"),
    ("norm_bound_demo-delta", lambda: K.norm_bound_demo(delta=0.0), ValueError, "delta"),
    ("diabetes_ntk_demo-n_train", lambda: K.diabetes_ntk_demo(n_train=5), ValueError, "n_train"),
]
