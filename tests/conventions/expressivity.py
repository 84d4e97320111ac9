"""Convention cases of dlmath.expressivity."""

import numpy as np
import torch

from dlmath import expressivity as E

_X1 = np.array([[0.1], [0.4], [0.9]])
_X2 = np.array([[0.1, 0.2], [0.5, 0.9], [1.0, 0.0]])
_VALS = np.arange(9.0).reshape(3, 3)
_TENT = ([[[1.0], [1.0]], [[2.0, -4.0]]], [[0.0, -0.5], [0.0]])

DATA_FUNCTIONS = {
    "sawtooth": lambda t: ((t([0.1, 0.5, 0.9]), 3), {}),
    "yarotsky_square": lambda t: ((t([0.1, 0.5, 1.0]), 3), {}),
    "yarotsky_product": lambda t: ((t([0.5, -1.0]), t([1.0, 0.25]), 3, 2.0), {}),
    "simplex_interpolate": lambda t: ((t(_VALS), 2, t(_X2)), {}),
}

NETWORKS = {
    "ReLUNet": lambda: (E.ReLUNet(*_TENT), _X1),
    "shallow_relu_interpolant": lambda: (E.shallow_relu_interpolant(np.sin, 4), _X1),
    "heaviside_ramp_network": lambda: (E.heaviside_ramp_network(0.25), _X1),
    "sawtooth_network": lambda: (E.sawtooth_network(3), _X1),
    "yarotsky_square_network": lambda: (E.yarotsky_square_network(3), _X1),
    "yarotsky_product_network": lambda: (E.yarotsky_product_network(2, 1.0), _X2),
    "hat_function_network": lambda: (E.hat_function_network(2), _X2),
    "simplex_interpolant_network": lambda: (E.simplex_interpolant_network(_VALS, 2), _X2),
}

OTHER = {
    "count_linear_pieces": "returns an int (the exact number of affine pieces of a network R -> R)",
}

_W_MISMATCH = ([np.ones((2, 1)), np.ones((1, 3))], [np.zeros(2), np.zeros(1)])

BAD_INPUTS = [
    # ReLUNet: constructor and forward
    ("ReLUNet-weights-type", lambda: E.ReLUNet("W", [np.zeros(1)]), TypeError, "weights"),
    ("ReLUNet-biases-type", lambda: E.ReLUNet([np.ones((1, 1))], 0.0), TypeError, "biases"),
    ("ReLUNet-weights-empty", lambda: E.ReLUNet([], []), ValueError, "weights"),
    ("ReLUNet-biases-count", lambda: E.ReLUNet([np.ones((1, 1))], [np.zeros(1), np.zeros(1)]), ValueError, "biases"),
    ("ReLUNet-biases-length", lambda: E.ReLUNet([np.ones((2, 1))], [np.zeros(3)]), ValueError, r"biases\[0\]"),
    (
        "ReLUNet-weights-mismatch",
        lambda: E.ReLUNet(*_W_MISMATCH),
        ValueError,
        r"weights\[1\] must have 2 columns \(the rows of weights\[0\]\)",
    ),
    ("ReLUNet-weights-ndim", lambda: E.ReLUNet([np.ones(2)], [np.zeros(1)]), ValueError, r"weights\[0\]"),
    ("ReLUNet-weights-complex", lambda: E.ReLUNet([np.ones((1, 1)) * 1j], [np.zeros(1)]), TypeError, r"weights\[0\]"),
    ("ReLUNet-dtype", lambda: E.ReLUNet(*_TENT, dtype=torch.int64), TypeError, "dtype"),
    ("ReLUNet-dtype-name", lambda: E.ReLUNet(*_TENT, dtype="complex64"), TypeError, "dtype"),
    ("ReLUNet-device", lambda: E.ReLUNet(*_TENT, device="nonsense"), ValueError, "device"),
    (
        "ReLUNet-x-last-dim",
        lambda: E.ReLUNet(*_TENT)(np.ones((3, 2))),
        ValueError,
        r"x must have last dimension 1, got shape \(3, 2\)",
    ),
    ("ReLUNet-x-ndim", lambda: E.ReLUNet(*_TENT)(np.ones(3)), ValueError, "x must have 2 dimensions"),
    ("ReLUNet-x-string", lambda: E.ReLUNet(*_TENT)("x"), TypeError, "x"),
    ("ReLUNet.evaluate-x", lambda: E.ReLUNet(*_TENT).evaluate(np.ones((3, 2))), ValueError, "x"),
    # builders
    ("shallow_relu_interpolant-n", lambda: E.shallow_relu_interpolant(np.sin, 0), ValueError, "n"),
    ("shallow_relu_interpolant-f", lambda: E.shallow_relu_interpolant("sin", 3), TypeError, "f"),
    ("shallow_relu_interpolant-f-shape", lambda: E.shallow_relu_interpolant(lambda x: x[:2], 3), ValueError, "f"),
    (
        "shallow_relu_interpolant-dtype",
        lambda: E.shallow_relu_interpolant(np.sin, 3, dtype="int32"),
        TypeError,
        "dtype",
    ),
    ("heaviside_ramp_network-h", lambda: E.heaviside_ramp_network(0.0), ValueError, "h"),
    ("sawtooth_network-k", lambda: E.sawtooth_network(0), ValueError, "k"),
    ("sawtooth_network-k-type", lambda: E.sawtooth_network(1.5), TypeError, "k"),
    ("yarotsky_square_network-m", lambda: E.yarotsky_square_network(0), ValueError, "m"),
    ("yarotsky_product_network-M", lambda: E.yarotsky_product_network(2, -1.0), ValueError, "M"),
    ("hat_function_network-d", lambda: E.hat_function_network(0), ValueError, "d"),
    (
        "simplex_interpolant_network-values",
        lambda: E.simplex_interpolant_network(np.zeros((3, 4)), 2),
        ValueError,
        "values",
    ),
    # data functions
    ("sawtooth-x", lambda: E.sawtooth(np.array([1.5]), 2), ValueError, "x"),
    ("sawtooth-x-string", lambda: E.sawtooth("x", 2), TypeError, "x"),
    ("sawtooth-x-complex", lambda: E.sawtooth(np.array([0.5j]), 2), TypeError, "x"),
    ("sawtooth-k", lambda: E.sawtooth(np.array([0.5]), -1), ValueError, "k"),
    ("yarotsky_square-x", lambda: E.yarotsky_square(np.array([-0.1]), 2), ValueError, "x"),
    ("yarotsky_product-x", lambda: E.yarotsky_product(np.array([4.0]), np.array([0.0]), 2, 3.0), ValueError, "x"),
    ("yarotsky_product-y", lambda: E.yarotsky_product(np.array([0.0]), np.array([4.0]), 2, 3.0), ValueError, "y"),
    ("yarotsky_product-shape", lambda: E.yarotsky_product(np.zeros(2), np.zeros(3), 2, 3.0), ValueError, "x and y"),
    (
        "simplex_interpolate-values",
        lambda: E.simplex_interpolate(np.zeros((3, 4)), 2, np.zeros((1, 2))),
        ValueError,
        "values",
    ),
    (
        "simplex_interpolate-X",
        lambda: E.simplex_interpolate(np.zeros((3, 3)), 2, np.full((1, 2), 2.0)),
        ValueError,
        "X",
    ),
    (
        "simplex_interpolate-X-dim",
        lambda: E.simplex_interpolate(np.zeros((3, 3)), 2, np.zeros((1, 3))),
        ValueError,
        "X",
    ),
    (
        "count_linear_pieces-a",
        lambda: E.count_linear_pieces([np.ones((1, 1))], [np.zeros(1)], 1.0, 0.0),
        ValueError,
        "a",
    ),
    (
        "count_linear_pieces-b-type",
        lambda: E.count_linear_pieces([np.ones((1, 1))], [np.zeros(1)], 0.0, "1"),
        TypeError,
        "b",
    ),
    (
        "count_linear_pieces-weights",
        lambda: E.count_linear_pieces([np.ones((2, 2))], [np.zeros(2)]),
        ValueError,
        "weights",
    ),
    (
        "count_linear_pieces-net",
        lambda: E.count_linear_pieces(E.sawtooth_network(1), [np.zeros(1)]),
        TypeError,
        "weights",
    ),
    (
        "count_linear_pieces-output",
        lambda: E.count_linear_pieces([np.ones((2, 1))], [np.zeros(2)]),
        ValueError,
        "weights",
    ),
    # demos
    ("uat_1d_rate_demo-widths", lambda: E.uat_1d_rate_demo(widths=(8,)), ValueError, "widths"),
    ("uat_1d_rate_demo-widths-distinct", lambda: E.uat_1d_rate_demo(widths=(8, 8)), ValueError, "widths"),
    ("uat_1d_rate_demo-f", lambda: E.uat_1d_rate_demo(f="cos"), ValueError, "f"),
    ("uat_1d_rate_demo-device", lambda: E.uat_1d_rate_demo(device="nonsense"), ValueError, "device"),
    ("heaviside_lp_demo-hs", lambda: E.heaviside_lp_demo(hs=(2.0,)), ValueError, "hs"),
    ("heaviside_lp_demo-ps", lambda: E.heaviside_lp_demo(ps=(0.5,)), ValueError, "ps"),
    ("heaviside_lp_demo-hs-type", lambda: E.heaviside_lp_demo(hs="0.1"), TypeError, "hs"),
    ("sobolev_rate_demo-widths", lambda: E.sobolev_rate_demo(widths=(0, 4)), ValueError, "widths"),
    ("polynomial_activation_demo-degree", lambda: E.polynomial_activation_demo(degree=0), ValueError, "degree"),
    ("maurey_demo-n_seeds", lambda: E.maurey_demo(n_seeds=1), ValueError, "n_seeds"),
    ("maurey_demo-dims", lambda: E.maurey_demo(dims=(0, 3)), ValueError, "dims"),
    ("telgarsky_demo-ks", lambda: E.telgarsky_demo(ks=(0,)), ValueError, "ks"),
    ("yarotsky_demo-ms", lambda: E.yarotsky_demo(ms=(0,)), ValueError, "ms"),
    ("yarotsky_demo-M", lambda: E.yarotsky_demo(M=0.0), ValueError, "M"),
    ("curse_demo-dims", lambda: E.curse_demo(dims=(5,)), ValueError, "dims"),
    ("curse_demo-seed", lambda: E.curse_demo(seed=1.5), TypeError, "seed"),
    (
        "depth_separation_training_demo-deep_width",
        lambda: E.depth_separation_training_demo(deep_width=1),
        ValueError,
        "deep_width",
    ),
    ("depth_separation_training_demo-lr", lambda: E.depth_separation_training_demo(lr=0.0), ValueError, "lr"),
]
