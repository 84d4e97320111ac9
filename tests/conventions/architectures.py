"""Convention cases of dlmath.architectures."""

import numpy as np
import torch

from dlmath import architectures as A

_G = np.random.default_rng(0)
_SIGNAL = _G.standard_normal((2, 32))
_IMG = _G.standard_normal((2, 8, 8))
_P4 = _G.standard_normal((1, 4, 6, 6))
_PSI_LIFT = _G.standard_normal((3, 2, 3, 3))
_PSI_GROUP = _G.standard_normal((2, 1, 4, 3, 3))
_ONES = np.ones((3, 4))

DATA_FUNCTIONS = {
    "resnet_euler": lambda t: ((t([0.5, -1.0]), lambda x, s: np.cos(s) * np.tanh(x), 1.0, 8), {}),
    "circulant": lambda t: ((t([1.0, 2.0, 3.0]),), {}),
    "smooth_cutoff": lambda t: ((t([0.0, 0.5, 1.5, 2.5]),), {}),
    "scattering_1d": lambda t: ((t(_SIGNAL), 2, 2), {}),
    "rotate90": lambda t: ((t(_IMG),), {"k": 1}),
    "p4_act": lambda t: ((t(_P4),), {"k": 3}),
    "p4_lift": lambda t: ((t(_IMG), t(_PSI_LIFT)), {}),
    "p4_conv": lambda t: ((t(_P4), t(_PSI_GROUP)), {}),
    "power_sums_to_multiset": lambda t: ((t([3.0, 5.0]),), {}),  # the multiset {1, 2}
}

NETWORKS = {
    "ResidualBlock": lambda: (A.ResidualBlock(0.3 * torch.eye(3), torch.zeros(3), 0.5), np.ones((4, 3))),
    "ResidualNetwork": lambda: (A.ResidualNetwork(3, 4), np.ones((4, 3))),
    "CircularCNN": lambda: (A.CircularCNN((2, 4, 1), 3, pool="mean"), np.ones((3, 2, 16))),
    "Scattering1D": lambda: (A.Scattering1D(32, 2), _SIGNAL),
    "Scattering2D": lambda: (A.Scattering2D(8, 2, 4, 1), _IMG),
    "P4LiftingConv": lambda: (A.P4LiftingConv(2, 3), np.ones((2, 2, 6, 6))),
    "P4GroupConv": lambda: (A.P4GroupConv(1, 2), _P4[None]),
    "P4CNN": lambda: (A.P4CNN(1, (2, 2), 3), np.ones((2, 1, 8, 8))),
    "PlainCNN": lambda: (A.PlainCNN(1, (4, 4), 3, pool="flatten"), np.ones((2, 1, 8, 8))),
    "PermutationEquivariantLinear": lambda: (A.PermutationEquivariantLinear(2, 3), np.ones((2, 5, 2))),
    "DeepSets": lambda: (A.DeepSets(2, 4, 4, 1), np.ones((2, 5, 2))),
}

OTHER = {
    "lp_filter_bank": "builds the filters from the sizes (N, J): no data in; returns NumPy",
    "lp_filter_bank_2d": "builds the filters from the sizes (N, J, n_angles): no data in; returns NumPy",
    "scattering_paths": "returns a list of index tuples",
    "group_matrices": "builds the matrices of a named group: no data in; returns NumPy",
    "reynolds": "returns a function (its NumPy/tensor conventions are tested in test_architectures)",
}

_BLOCK_W = torch.eye(3)

BAD_INPUTS = [
    # resnets
    ("resnet_euler-F", lambda: A.resnet_euler([0.0], "F", 1.0, 4), TypeError, "F"),
    ("resnet_euler-T", lambda: A.resnet_euler([0.0], lambda x, t: x, 0.0, 4), ValueError, "T"),
    ("resnet_euler-L", lambda: A.resnet_euler([0.0], lambda x, t: x, 1.0, 0), ValueError, "L"),
    ("resnet_euler-x0-complex", lambda: A.resnet_euler([1j], lambda x, t: x, 1.0, 2), TypeError, "x0"),
    (
        "resnet_euler-F-shape",
        lambda: A.resnet_euler(np.zeros(3), lambda x, t: np.zeros(2), 1.0, 2),
        ValueError,
        r"F must return an array of shape \(3,\)",
    ),
    ("ResidualBlock-weight-type", lambda: A.ResidualBlock(np.eye(3), torch.zeros(3), 0.5), TypeError, "weight"),
    (
        "ResidualBlock-weight-shape",
        lambda: A.ResidualBlock(torch.ones(2, 3), torch.zeros(2), 0.5),
        ValueError,
        "weight",
    ),
    ("ResidualBlock-bias", lambda: A.ResidualBlock(_BLOCK_W, torch.zeros(2), 0.5), ValueError, "bias"),
    (
        "ResidualBlock-bias-dtype",
        lambda: A.ResidualBlock(_BLOCK_W, torch.zeros(3, dtype=torch.float64), 0.5),
        ValueError,
        "bias",
    ),
    ("ResidualBlock-h", lambda: A.ResidualBlock(_BLOCK_W, torch.zeros(3), 0.0), ValueError, "h"),
    (
        "ResidualBlock-input-width",
        lambda: A.ResidualBlock(_BLOCK_W, torch.zeros(3), 0.5)(np.ones((2, 4))),
        ValueError,
        "x must have last dimension 3",
    ),
    (
        "ResidualBlock-inverse-n_iter",
        lambda: A.ResidualBlock(_BLOCK_W, torch.zeros(3), 0.5).inverse(torch.zeros(3), -1),
        ValueError,
        "n_iter",
    ),
    ("ResidualNetwork-L", lambda: A.ResidualNetwork(4, 0), ValueError, "L"),
    ("ResidualNetwork-T", lambda: A.ResidualNetwork(4, 3, T=0.0), ValueError, "T"),
    ("ResidualNetwork-sigma", lambda: A.ResidualNetwork(4, 3, sigma=-1.0), ValueError, "sigma"),
    ("ResidualNetwork-gamma", lambda: A.ResidualNetwork(4, 3, gamma=-1.0), ValueError, "gamma"),
    ("ResidualNetwork-antisymmetric", lambda: A.ResidualNetwork(4, 3, antisymmetric="yes"), TypeError, "antisymmetric"),
    ("ResidualNetwork-dtype", lambda: A.ResidualNetwork(3, 2, dtype="int64"), TypeError, "dtype"),
    ("ResidualNetwork-device", lambda: A.ResidualNetwork(3, 2, device=3), TypeError, "device"),
    (
        "ResidualNetwork-input-width",
        lambda: A.ResidualNetwork(3, 2)(np.ones((2, 5))),
        ValueError,
        "x must have last dimension 3",
    ),
    ("resnet_ode_demo-depths", lambda: A.resnet_ode_demo(depths=(8,)), ValueError, "depths"),
    ("resnet_ode_demo-depths-order", lambda: A.resnet_ode_demo(depths=(8, 4)), ValueError, "depths"),
    ("resnet_ode_demo-depths-type", lambda: A.resnet_ode_demo(depths="8, 16"), TypeError, "depths"),
    ("resnet_stability_demo-d", lambda: A.resnet_stability_demo(d=1), ValueError, "d"),
    # convolution
    ("circulant-w", lambda: A.circulant(np.ones((2, 2))), ValueError, "w"),
    ("circulant-w-string", lambda: A.circulant("w"), TypeError, "w"),
    ("CircularCNN-kernel_size", lambda: A.CircularCNN((1, 2), 4), ValueError, "kernel_size"),
    ("CircularCNN-channels", lambda: A.CircularCNN((1,)), ValueError, "channels"),
    ("CircularCNN-strides", lambda: A.CircularCNN((1, 2, 1), 3, strides=(1,)), ValueError, "strides"),
    ("CircularCNN-activation", lambda: A.CircularCNN(activation="gelu"), ValueError, "activation"),
    ("CircularCNN-pool", lambda: A.CircularCNN(pool="sum"), ValueError, "pool"),
    (
        "CircularCNN-input-channels",
        lambda: A.CircularCNN((2, 3))(np.ones((1, 3, 8))),
        ValueError,
        r"x must have shape \(B, 2, N\)",
    ),
    ("conv_equivariance_demo-N", lambda: A.conv_equivariance_demo(N=63), ValueError, "N"),
    # filter banks and scattering
    ("smooth_cutoff-s", lambda: A.smooth_cutoff([-1.0]), ValueError, "s"),
    ("lp_filter_bank-J", lambda: A.lp_filter_bank(16, 5), ValueError, "J"),
    ("lp_filter_bank_2d-n_angles", lambda: A.lp_filter_bank_2d(16, 2, 2), ValueError, "n_angles"),
    ("scattering_paths-M", lambda: A.scattering_paths(3, -1), ValueError, "M"),
    ("Scattering1D-M", lambda: A.Scattering1D(64, 3, -1), ValueError, "M"),
    (
        "Scattering1D-freq_decreasing",
        lambda: A.Scattering1D(64, 3, freq_decreasing="yes"),
        TypeError,
        "freq_decreasing",
    ),
    ("Scattering1D-dtype", lambda: A.Scattering1D(64, 3, dtype="int32"), TypeError, "dtype"),
    (
        "Scattering1D-length",
        lambda: A.Scattering1D(128, 2)(torch.zeros(64, dtype=torch.float64)),
        ValueError,
        "x must have last dimension 128",
    ),
    ("Scattering1D-string", lambda: A.Scattering1D(64, 2)("x"), TypeError, "x"),
    ("Scattering2D-n_angles", lambda: A.Scattering2D(16, 2, 2), ValueError, "n_angles"),
    ("Scattering2D-subsample", lambda: A.Scattering2D(16, 2, subsample=2), TypeError, "subsample"),
    (
        "Scattering2D-shape",
        lambda: A.Scattering2D(32, 2)(torch.zeros(30, 30, dtype=torch.float64)),
        ValueError,
        r"x must have last 2 dimensions \(32, 32\)",
    ),
    ("scattering_1d-J", lambda: A.scattering_1d(np.ones(64), 7, 2), ValueError, "J"),
    ("scattering_1d-column", lambda: A.scattering_1d(np.ones((64, 1)), 3, 2), ValueError, r"x has shape \(64, 1\)"),
    ("scattering_1d-complex", lambda: A.scattering_1d(np.ones(64) * 1j, 3, 2), TypeError, "x"),
    ("scattering_1d-ndim", lambda: A.scattering_1d(np.ones((2, 2, 64)), 3, 2), ValueError, "x"),
    ("scattering_energy_demo-J", lambda: A.scattering_energy_demo(N=64, J=7), ValueError, "J"),
    ("scattering_energy_demo-M", lambda: A.scattering_energy_demo(M=5), ValueError, "M"),
    ("scattering_stability_demo-N", lambda: A.scattering_stability_demo(N=1000), ValueError, "N"),
    # equivariance
    ("rotate90-x", lambda: A.rotate90(np.zeros((3, 4))), ValueError, "x"),
    ("rotate90-k", lambda: A.rotate90(np.zeros((4, 4)), k=1.5), TypeError, "k"),
    ("p4_act-F", lambda: A.p4_act(torch.zeros(3, 4, 4)), ValueError, "F"),
    ("p4_act-F-string", lambda: A.p4_act("F"), TypeError, "F"),
    ("p4_lift-psi-channels", lambda: A.p4_lift(_IMG, np.ones((3, 1, 3, 3))), ValueError, "psi"),
    ("p4_lift-psi-even", lambda: A.p4_lift(_IMG, np.ones((3, 2, 2, 2))), ValueError, "psi"),
    ("p4_lift-f-complex", lambda: A.p4_lift(_IMG * 1j, _PSI_LIFT), TypeError, "f"),
    ("p4_conv-F", lambda: A.p4_conv(np.ones((1, 3, 6, 6)), _PSI_GROUP), ValueError, "F"),
    ("p4_conv-F-ndim", lambda: A.p4_conv(_IMG, _PSI_GROUP), ValueError, "F"),
    ("p4_conv-psi", lambda: A.p4_conv(_P4, np.ones((2, 1, 3, 3, 3))), ValueError, "psi"),
    ("P4LiftingConv-padding_mode", lambda: A.P4LiftingConv(1, 2, padding_mode="reflect"), ValueError, "padding_mode"),
    ("P4LiftingConv-kernel_size", lambda: A.P4LiftingConv(1, 2, 4), ValueError, "kernel_size"),
    ("P4LiftingConv-dtype", lambda: A.P4LiftingConv(1, 2, dtype="int64"), TypeError, "dtype"),
    (
        "P4LiftingConv-input",
        lambda: A.P4LiftingConv(2, 3)(np.ones((1, 1, 6, 6))),
        ValueError,
        r"x must have shape \(B, 2, N, N\)",
    ),
    ("P4GroupConv-in_channels", lambda: A.P4GroupConv(0, 2), ValueError, "in_channels"),
    ("P4GroupConv-device", lambda: A.P4GroupConv(1, 2, device=1.5), TypeError, "device"),
    (
        "P4GroupConv-input",
        lambda: A.P4GroupConv(1, 2)(np.ones((1, 1, 3, 6, 6))),
        ValueError,
        r"x must have shape \(B, 1, 4, N, N\)",
    ),
    ("P4CNN-image_size", lambda: A.P4CNN(image_size=7), ValueError, "image_size"),
    ("P4CNN-pool", lambda: A.P4CNN(pool="max"), ValueError, "pool"),
    ("P4CNN-input-size", lambda: A.P4CNN(1, (2,), 3)(np.ones((1, 1, 6, 6))), ValueError, "image_size=8"),
    ("p4_equivariance_demo-N", lambda: A.p4_equivariance_demo(N=4), ValueError, "N"),
    ("p4_equivariance_demo-dtype", lambda: A.p4_equivariance_demo(dtype="int8"), TypeError, "dtype"),
    # invariance
    ("group_matrices-name", lambda: A.group_matrices("dihedral", 3), ValueError, "name"),
    ("group_matrices-d", lambda: A.group_matrices("cyclic", 1), ValueError, "d"),
    ("reynolds-f", lambda: A.reynolds("f", A.group_matrices("sign", 2)), TypeError, "f"),
    ("reynolds-group", lambda: A.reynolds(np.sum, np.ones((2, 2))), ValueError, "group"),
    ("reynolds-group-orthogonal", lambda: A.reynolds(np.sin, np.array([np.eye(2) * 2])), ValueError, "group"),
    ("reynolds-x", lambda: A.reynolds(np.sum, A.group_matrices("sign", 2))(np.ones((3, 3))), ValueError, "x"),
    ("invariance_benefit_demo-n", lambda: A.invariance_benefit_demo(d=12, n=14), ValueError, "n"),
    ("invariance_benefit_demo-groups", lambda: A.invariance_benefit_demo(groups=("dihedral",)), ValueError, "group"),
    (
        "PermutationEquivariantLinear-out_features",
        lambda: A.PermutationEquivariantLinear(2, 0),
        ValueError,
        "out_features",
    ),
    (
        "PermutationEquivariantLinear-input",
        lambda: A.PermutationEquivariantLinear(2, 3)(np.ones((1, 5, 3))),
        ValueError,
        "X must have last dimension 2",
    ),
    ("DeepSets-d_in", lambda: A.DeepSets(0), ValueError, "d_in"),
    ("DeepSets-dtype", lambda: A.DeepSets(dtype=torch.int32), TypeError, "dtype"),
    ("DeepSets-input", lambda: A.DeepSets(2)(np.ones((1, 5, 3))), ValueError, "X must have last dimension 2"),
    ("power_sums_to_multiset-p", lambda: A.power_sums_to_multiset(np.zeros((2, 2))), ValueError, "p"),
    ("deepsets_demo-M", lambda: A.deepsets_demo(M=9), ValueError, "M"),
    # digits
    ("PlainCNN-kernel_size", lambda: A.PlainCNN(1, (4,), kernel_size=2), ValueError, "kernel_size"),
    ("PlainCNN-downsample", lambda: A.PlainCNN(1, (4,), downsample=2), ValueError, "downsample"),
    (
        "PlainCNN-input",
        lambda: A.PlainCNN(1, (4,), pool="flatten", downsample=1)(np.ones((1, 1, 6, 6))),
        ValueError,
        r"x must have shape \(B, 1, 8, 8\)",
    ),
    ("digits_scattering_demo-J", lambda: A.digits_scattering_demo(J=4), ValueError, "J"),
    ("digits_rotation_demo-epochs", lambda: A.digits_rotation_demo(epochs=0), ValueError, "epochs"),
]

# nn.Modules that are transforms, not trained networks: their dtype default is float64 (the
# precision of the book's scattering figures), not the networks' float32 (test_dtype_defaults).
FLOAT64_NETWORKS = {"Scattering1D", "Scattering2D"}
