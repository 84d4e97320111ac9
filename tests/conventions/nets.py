"""Convention cases of dlmath.nets."""

import numpy as np
import torch

from dlmath import nets

DATA_FUNCTIONS: dict = {}

NETWORKS = {
    "MLP": lambda: (nets.mlp(3, 8, 2), np.ones((4, 3))),
    "FeedForward": lambda: (nets.feedforward([3, 8, 1], dtype="float64"), np.ones((4, 3))),
    "ScaledLinear": lambda: (nets.ScaledLinear(torch.ones(2, 3), torch.zeros(2), 0.5, 1.0), np.ones((4, 3))),
}

OTHER = {
    "ACTIVATIONS": "constant: the activation registry",
    "PARAMETERIZATIONS": "constant",
    "Activation": "a registry entry (a frozen record)",
    "mlp": "builder of MLP (in NETWORKS)",
    "feedforward": "builder of FeedForward (in NETWORKS)",
    "activation": "registry lookup",
    "activation_function": "registry lookup: returns the torch function",
    "activation_module": "registry lookup: returns a new module",
    "count_parameters": "returns an int",
    "seeded_normal": "draws a tensor from a generator (no data in)",
    "he_std": "returns a float",
    "glorot_std": "returns a float",
    "he_init_": "initialises a module in place",
    "network_input": "the input conversion of the networks (tested in test_nets)",
    "module_dtype_device": "returns a (dtype, device) pair",
}

BAD_INPUTS = [
    ("mlp-width", lambda: nets.mlp(3, 0, 1), ValueError, "width"),
    ("mlp-dtype", lambda: nets.mlp(3, 4, 1, dtype="int64"), TypeError, "dtype"),
    ("mlp-device", lambda: nets.mlp(3, 4, 1, device=3), TypeError, "device"),
    ("mlp-activation", lambda: nets.mlp(3, 4, 1, activation="gelu"), ValueError, "activation"),
    ("feedforward-widths", lambda: nets.feedforward([3]), ValueError, "widths"),
    ("feedforward-widths-type", lambda: nets.feedforward("3,4"), TypeError, "widths"),
    ("MLP-input-width", lambda: nets.mlp(3, 4, 1)(np.ones((2, 5))), ValueError, "x must have last dimension 3"),
    ("ScaledLinear-weight", lambda: nets.ScaledLinear(np.ones((2, 3)), None, 1.0, 1.0), TypeError, "weight"),
    ("ScaledLinear-bias", lambda: nets.ScaledLinear(torch.ones(2, 3), torch.ones(3), 1.0, 1.0), ValueError, "bias"),
    ("activation-name", lambda: nets.activation("gelu"), ValueError, "activation"),
    ("he_init_-module", lambda: nets.he_init_(np.ones(3), torch.Generator()), TypeError, "module"),
    ("seeded_normal-generator", lambda: nets.seeded_normal(0, (2,)), TypeError, "generator"),
]
