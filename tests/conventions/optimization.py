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
}

NETWORKS: dict = {}

OTHER = {
    "sgd_stationary_mse": "closed form returning a float",
    "explicit_sgd_step": "updates tensors in place (returns None)",
    "filter_normalized_direction": "takes a module, returns a dict of tensors shaped like its parameters",
}

BAD_INPUTS = [
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
