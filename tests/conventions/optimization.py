"""Convention cases of dlmath.optimization."""

import numpy as np
import torch

from dlmath import optimization as opt

_G = np.random.default_rng(0)
_X = _G.standard_normal((6, 3))
_X_UNIT = _X / np.linalg.norm(_X, axis=1, keepdims=True)
_X_SEP = np.array([[1.0, 0.2], [2.0, -0.5], [-1.0, 0.3], [-1.5, -1.0]])
_Y_SEP = np.array([1.0, 1.0, -1.0, -1.0])
_X_WIDE = _G.standard_normal((3, 7))
_Y_WIDE = _G.standard_normal(3)
_NET = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU(), torch.nn.Linear(4, 1))

DATA_FUNCTIONS = {
    "linear_net_optimum": lambda t: ((t(_G.standard_normal((3, 20))), t(_G.standard_normal((2, 20))), 1), {}),
    "hard_margin_svm": lambda t: ((t(_X_SEP), t(_Y_SEP)), {}),
    "min_l1_interpolant": lambda t: ((t(_X_WIDE), t(_Y_WIDE)), {}),
    "diagonal_net_limit": lambda t: ((t(_X_WIDE), t(_Y_WIDE), 0.5), {}),
    "ntk_gram_matrix": lambda t: ((t(_X_UNIT),), {}),
    "rsg_output_probabilities": lambda t: ((t([0.1, 0.5, 1.0]), 1.0), {}),
    "kaczmarz_expected_error": lambda t: ((t(_X), t(np.ones(3)), 4), {}),
}

NETWORKS: dict = {}

OTHER = {
    "sgd_stationary_mse": "closed form returning a float",
    "explicit_sgd_step": "updates tensors in place (returns None)",
    "filter_normalized_direction": "takes a module, returns a dict of tensors shaped like its parameters",
    "rsg_bound": "closed form returning a float",
    "rsg_constant_step": "closed form returning a float",
    "rsg_corollary_bound": "closed form returning a float",
    "kaczmarz_rate": "closed form returning a float",
    "linear_mf_flow": "closed-form ODE solver returning a tuple of NumPy arrays (times, Sigma, U)",
    "coupling_constant": "closed-form ODE solver returning a tuple of NumPy arrays (times, C)",
}

_S0 = 0.25 * np.eye(4)
_B = np.array([1.0, 0.5, 0.0])

BAD_INPUTS = [
    ("rsg_output_probabilities-gammas", lambda: opt.rsg_output_probabilities([0.5, 2.0], 1.0), ValueError, "gammas"),
    ("rsg_output_probabilities-gammas-string", lambda: opt.rsg_output_probabilities("0.5", 1.0), TypeError, "gammas"),
    ("rsg_output_probabilities-L", lambda: opt.rsg_output_probabilities([0.5], 0.0), ValueError, "L"),
    ("rsg_bound-gammas", lambda: opt.rsg_bound([-0.1], 1.0, 1.0, 1.0), ValueError, "gammas"),
    ("rsg_bound-L", lambda: opt.rsg_bound([0.1], -1.0, 1.0, 1.0), ValueError, "L"),
    ("rsg_bound-sigma", lambda: opt.rsg_bound([0.1], 1.0, -1.0, 1.0), ValueError, "sigma"),
    ("rsg_bound-gap", lambda: opt.rsg_bound([0.1], 1.0, 1.0, -1.0), ValueError, "gap"),
    ("rsg_constant_step-L", lambda: opt.rsg_constant_step(0.0, 1.0, 10, 1.0), ValueError, "L"),
    ("rsg_constant_step-sigma", lambda: opt.rsg_constant_step(1.0, -1.0, 10, 1.0), ValueError, "sigma"),
    ("rsg_constant_step-K", lambda: opt.rsg_constant_step(1.0, 1.0, 0, 1.0), ValueError, "K"),
    ("rsg_constant_step-K-type", lambda: opt.rsg_constant_step(1.0, 1.0, 10.5, 1.0), TypeError, "K"),
    ("rsg_constant_step-D", lambda: opt.rsg_constant_step(1.0, 1.0, 10, 0.0), ValueError, "D"),
    ("rsg_corollary_bound-L", lambda: opt.rsg_corollary_bound(0.0, 1.0, 10, 1.0), ValueError, "L"),
    ("rsg_corollary_bound-sigma", lambda: opt.rsg_corollary_bound(1.0, -1.0, 10, 1.0), ValueError, "sigma"),
    ("rsg_corollary_bound-K", lambda: opt.rsg_corollary_bound(1.0, 1.0, 0, 1.0), ValueError, "K"),
    ("rsg_corollary_bound-gap", lambda: opt.rsg_corollary_bound(1.0, 1.0, 10, 0.0), ValueError, "gap"),
    ("rsg_corollary_bound-D", lambda: opt.rsg_corollary_bound(1.0, 1.0, 10, 1.0, -1.0), ValueError, "D"),
    ("nonconvex_sgd_demo-Ks", lambda: opt.nonconvex_sgd_demo(Ks=(100,)), ValueError, "Ks"),
    ("nonconvex_sgd_demo-Ks-entry", lambda: opt.nonconvex_sgd_demo(Ks=(100, 1)), ValueError, r"Ks\[1\]"),
    ("nonconvex_sgd_demo-n_runs", lambda: opt.nonconvex_sgd_demo(n_runs=2), ValueError, "n_runs"),
    ("nonconvex_sgd_demo-sigma", lambda: opt.nonconvex_sgd_demo(sigma=0.0), ValueError, "sigma"),
    ("nonconvex_sgd_demo-x1", lambda: opt.nonconvex_sgd_demo(x1=4.0), ValueError, "x1"),
    ("nonconvex_sgd_demo-seed", lambda: opt.nonconvex_sgd_demo(seed=-1), ValueError, "seed"),
    ("kaczmarz_rate-A-shape", lambda: opt.kaczmarz_rate(np.ones((2, 3))), ValueError, "A"),
    ("kaczmarz_rate-A-rank", lambda: opt.kaczmarz_rate(np.ones((3, 2))), ValueError, "full column rank"),
    ("kaczmarz_rate-A-string", lambda: opt.kaczmarz_rate("A"), TypeError, "A"),
    (
        "kaczmarz_expected_error-A-complex",
        lambda: opt.kaczmarz_expected_error(np.eye(2) + 1j, np.ones(2), 1),
        TypeError,
        "A",
    ),
    (
        "kaczmarz_expected_error-steps",
        lambda: opt.kaczmarz_expected_error(np.eye(3), np.ones(3), -1),
        ValueError,
        "steps",
    ),
    ("kaczmarz_demo-d", lambda: opt.kaczmarz_demo(d=41), ValueError, "d"),
    ("kaczmarz_demo-m", lambda: opt.kaczmarz_demo(m=10, d=20), ValueError, "m"),
    ("kaczmarz_demo-steps", lambda: opt.kaczmarz_demo(steps=0), ValueError, "steps"),
    ("kaczmarz_demo-frame_steps", lambda: opt.kaczmarz_demo(frame_steps=0), ValueError, "frame_steps"),
    ("kaczmarz_demo-n_runs", lambda: opt.kaczmarz_demo(n_runs=5), ValueError, "n_runs"),
    ("kaczmarz_demo-seed", lambda: opt.kaczmarz_demo(seed=-1), ValueError, "seed"),
    ("linear_mf_flow-sigma0-shape", lambda: opt.linear_mf_flow(np.eye(3), _B, 1.0), ValueError, "sigma0"),
    (
        "linear_mf_flow-sigma0-psd",
        lambda: opt.linear_mf_flow(np.diag([1.0, -1.0, 1.0, 1.0]), _B, 1.0),
        ValueError,
        "sigma0",
    ),
    (
        "linear_mf_flow-sigma0-sym",
        lambda: opt.linear_mf_flow(_S0 + np.triu(np.ones((4, 4)), 1), _B, 1.0),
        ValueError,
        "sigma0",
    ),
    ("linear_mf_flow-beta", lambda: opt.linear_mf_flow(_S0, [[1.0]], 1.0), ValueError, "beta"),
    ("linear_mf_flow-T", lambda: opt.linear_mf_flow(_S0, _B, 0.0), ValueError, "T"),
    ("linear_mf_flow-steps", lambda: opt.linear_mf_flow(_S0, _B, 1.0, steps=0), ValueError, "steps"),
    ("coupling_constant-sigma0", lambda: opt.coupling_constant(np.eye(3), _B, 1.0), ValueError, "sigma0"),
    ("coupling_constant-beta", lambda: opt.coupling_constant(_S0, "b", 1.0), TypeError, "beta"),
    ("coupling_constant-T", lambda: opt.coupling_constant(_S0, _B, -1.0), ValueError, "T"),
    ("coupling_constant-steps", lambda: opt.coupling_constant(_S0, _B, 1.0, steps=1.5), TypeError, "steps"),
    ("coupling_constant-open_loop", lambda: opt.coupling_constant(_S0, _B, 1.0, open_loop=1), TypeError, "open_loop"),
    ("wasserstein_flow_demo-ns", lambda: opt.wasserstein_flow_demo(ns=(64,)), ValueError, "ns"),
    ("wasserstein_flow_demo-eps", lambda: opt.wasserstein_flow_demo(eps=(0.01, 0.5)), ValueError, "eps"),
    ("wasserstein_flow_demo-d", lambda: opt.wasserstein_flow_demo(d=1), ValueError, "d"),
    ("wasserstein_flow_demo-T", lambda: opt.wasserstein_flow_demo(T=20.0), ValueError, "T"),
    ("wasserstein_flow_demo-scale", lambda: opt.wasserstein_flow_demo(scale=0.0), ValueError, "scale"),
    ("wasserstein_flow_demo-n_seeds", lambda: opt.wasserstein_flow_demo(n_seeds=2), ValueError, "n_seeds"),
    ("wasserstein_flow_demo-n_sgd", lambda: opt.wasserstein_flow_demo(n_sgd=1), ValueError, "n_sgd"),
    ("wasserstein_flow_demo-steps", lambda: opt.wasserstein_flow_demo(steps=30), ValueError, "steps"),
    ("wasserstein_flow_demo-seed", lambda: opt.wasserstein_flow_demo(seed=-1), ValueError, "seed"),
    # gradient methods
    ("gd_rates_demo-case", lambda: opt.gd_rates_demo(case="concave"), ValueError, "case"),
    ("gd_rates_demo-steps", lambda: opt.gd_rates_demo(steps=3), ValueError, "steps"),
    ("gd_rates_demo-steps-type", lambda: opt.gd_rates_demo(steps=10.5), TypeError, "steps"),
    ("stationarity_demo-lam", lambda: opt.stationarity_demo(lam=0.0), ValueError, "lam"),
    ("stationarity_demo-K", lambda: opt.stationarity_demo(K=1), ValueError, "K"),
    # stochastic gradient
    ("sgd_stationary_mse-eta", lambda: opt.sgd_stationary_mse(3.0, [1.0]), ValueError, "eta"),
    ("sgd_stationary_mse-lambdas", lambda: opt.sgd_stationary_mse(0.1, [-1.0]), ValueError, "lambdas"),
    ("sgd_stationary_mse-lambdas-complex", lambda: opt.sgd_stationary_mse(0.1, [1j]), TypeError, "lambdas"),
    ("sgd_stationary_mse-lambdas-string", lambda: opt.sgd_stationary_mse(0.1, "1.0"), TypeError, "lambdas"),
    ("sgd_stationary_mse-sigma2", lambda: opt.sgd_stationary_mse(0.1, [1.0], 0.0), ValueError, "sigma2"),
    ("sgd_demo-etas", lambda: opt.sgd_demo(etas=(0.1, 2.0)), ValueError, "etas"),
    ("sgd_demo-etas-sign", lambda: opt.sgd_demo(etas=(0.1, -0.1)), ValueError, r"etas\[1\]"),
    ("sgd_demo-n_chains", lambda: opt.sgd_demo(n_chains=2), ValueError, "n_chains"),
    (
        "explicit_sgd_step-lr",
        lambda: opt.explicit_sgd_step([torch.zeros(2)], [torch.zeros(2)], [None], lr=-1.0),
        ValueError,
        "lr",
    ),
    (
        "explicit_sgd_step-momentum",
        lambda: opt.explicit_sgd_step([torch.zeros(2)], [torch.zeros(2)], [None], lr=0.1, momentum=1.0),
        ValueError,
        "momentum",
    ),
    (
        "explicit_sgd_step-nesterov",
        lambda: opt.explicit_sgd_step([torch.zeros(2)], [torch.zeros(2)], [None], lr=0.1, nesterov=True),
        ValueError,
        "nesterov",
    ),
    (
        "explicit_sgd_step-nesterov-type",
        lambda: opt.explicit_sgd_step([torch.zeros(2)], [torch.zeros(2)], [None], lr=0.1, nesterov=1),
        TypeError,
        "nesterov",
    ),
    (
        "explicit_sgd_step-params",
        lambda: opt.explicit_sgd_step(torch.zeros(2), [torch.zeros(2)], [None], lr=0.1),
        TypeError,
        "params",
    ),
    (
        "explicit_sgd_step-grads-entry",
        lambda: opt.explicit_sgd_step([torch.zeros(2)], [np.zeros(2)], [None], lr=0.1),
        TypeError,
        r"grads\[0\]",
    ),
    (
        "explicit_sgd_step-grads-shape",
        lambda: opt.explicit_sgd_step([torch.zeros(2)], [torch.zeros(3)], [None], lr=0.1),
        ValueError,
        r"grads\[0\] must have the shape \(2,\)",
    ),
    (
        "explicit_sgd_step-buffers",
        lambda: opt.explicit_sgd_step([torch.zeros(2)], [torch.zeros(2)], (None,), lr=0.1),
        TypeError,
        "buffers",
    ),
    (
        "explicit_sgd_step-length",
        lambda: opt.explicit_sgd_step([torch.zeros(2)], [torch.zeros(2)], [], lr=0.1),
        ValueError,
        "buffers",
    ),
    (
        "optimizer_agreement_demo-batch_size",
        lambda: opt.optimizer_agreement_demo(batch_size=0),
        ValueError,
        "batch_size",
    ),
    ("optimizer_agreement_demo-device", lambda: opt.optimizer_agreement_demo(device=3), TypeError, "device"),
    # landscapes
    ("linear_net_optimum-k", lambda: opt.linear_net_optimum(np.ones((5, 40)), np.ones((4, 40)), 5), ValueError, "k"),
    (
        "linear_net_optimum-columns",
        lambda: opt.linear_net_optimum(np.eye(3), np.ones((2, 4)), 1),
        ValueError,
        "columns",
    ),
    (
        "linear_net_optimum-rank",
        lambda: opt.linear_net_optimum(np.ones((2, 5)), np.ones((2, 5)), 1),
        ValueError,
        "full row rank",
    ),
    ("linear_net_optimum-X-ndim", lambda: opt.linear_net_optimum(np.ones(5), np.ones((2, 5)), 1), ValueError, "X"),
    ("linear_net_optimum-Y-string", lambda: opt.linear_net_optimum(np.eye(2), "Y", 1), TypeError, "Y"),
    ("linear_net_landscape_demo-k", lambda: opt.linear_net_landscape_demo(k=6), ValueError, "k"),
    ("filter_normalized_direction-model", lambda: opt.filter_normalized_direction("net"), TypeError, "model"),
    ("filter_normalized_direction-seed", lambda: opt.filter_normalized_direction(_NET, seed=-1), ValueError, "seed"),
    ("loss_landscape_demo-resolution", lambda: opt.loss_landscape_demo(resolution=10), ValueError, "resolution"),
    ("loss_landscape_demo-span", lambda: opt.loss_landscape_demo(span=0.0), ValueError, "span"),
    # implicit bias
    ("min_norm_demo-p", lambda: opt.min_norm_demo(n=20, p=10), ValueError, "p"),
    ("hard_margin_svm-labels", lambda: opt.hard_margin_svm(_X_SEP, 2 * _Y_SEP), ValueError, "y"),
    (
        "hard_margin_svm-separable",
        lambda: opt.hard_margin_svm(np.array([[1.0], [2.0]]), np.array([1.0, -1.0])),
        ValueError,
        "separable",
    ),
    (
        "hard_margin_svm-y-shape",
        lambda: opt.hard_margin_svm(_X_SEP, _Y_SEP[:3]),
        ValueError,
        r"y must have one entry per row of X, shape \(4,\), got shape \(3,\)",
    ),
    ("hard_margin_svm-X-complex", lambda: opt.hard_margin_svm(_X_SEP + 1j, _Y_SEP), TypeError, "X"),
    ("hard_margin_svm-tol", lambda: opt.hard_margin_svm(_X_SEP, _Y_SEP, tol=0.0), ValueError, "tol"),
    ("max_margin_demo-t_max", lambda: opt.max_margin_demo(t_max=10), ValueError, "t_max"),
    # diagonal networks
    ("min_l1_interpolant-y", lambda: opt.min_l1_interpolant(_X_WIDE, _Y_WIDE[:2]), ValueError, "y"),
    ("min_l1_interpolant-X-string", lambda: opt.min_l1_interpolant("X", _Y_WIDE), TypeError, "X"),
    ("diagonal_net_limit-alpha", lambda: opt.diagonal_net_limit(_X_WIDE, _Y_WIDE, 0.0), ValueError, "alpha"),
    (
        "diagonal_net_limit-max_iter",
        lambda: opt.diagonal_net_limit(_X_WIDE, _Y_WIDE, 1.0, max_iter=0),
        ValueError,
        "max_iter",
    ),
    ("diagonal_net_demo-alphas", lambda: opt.diagonal_net_demo(alphas=(1.0, -1.0)), ValueError, "alphas"),
    ("diagonal_net_demo-alphas-type", lambda: opt.diagonal_net_demo(alphas="1"), TypeError, "alphas"),
    ("diagonal_net_demo-p", lambda: opt.diagonal_net_demo(n=10, p=5), ValueError, "p"),
    # NTK regime
    ("ntk_gram_matrix-zero-row", lambda: opt.ntk_gram_matrix(np.zeros((2, 3))), ValueError, "X"),
    ("ntk_gram_matrix-ndim", lambda: opt.ntk_gram_matrix(np.ones(3)), ValueError, "X"),
    ("ntk_gram_matrix-complex", lambda: opt.ntk_gram_matrix(torch.ones(2, 2, dtype=torch.complex64)), TypeError, "X"),
    ("ntk_training_demo-odd-width", lambda: opt.ntk_training_demo(widths=(201, 400)), ValueError, "widths"),
    ("ntk_training_demo-one-width", lambda: opt.ntk_training_demo(widths=(200,)), ValueError, "widths"),
    ("ntk_training_demo-device", lambda: opt.ntk_training_demo(device="cuda:99"), ValueError, "device"),
    # mean field
    ("mean_field_demo-activation", lambda: opt.mean_field_demo(activation="sigmoid"), ValueError, "activation"),
    ("mean_field_demo-T", lambda: opt.mean_field_demo(T=-1.0), ValueError, "T"),
    ("mean_field_demo-n_pairs", lambda: opt.mean_field_demo(n_pairs=1), ValueError, "n_pairs"),
    ("mean_field_demo-widths", lambda: opt.mean_field_demo(widths=(64, 0)), ValueError, "widths"),
    ("scaling_contrast_demo-dt", lambda: opt.scaling_contrast_demo(T=0.01, dt=0.02), ValueError, "dt"),
]
