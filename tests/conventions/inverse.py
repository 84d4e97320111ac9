"""Convention cases of dlmath.inverse."""

import numpy as np

from dlmath import inverse as inv

_R = inv.RadonMatrix(8, 4)  # 8 x 8 images, sinograms of shape (4, 13)
_SINO = np.linspace(0.0, 1.0, 52).reshape(4, 13)

DATA_FUNCTIONS = {
    "tikhonov": lambda to: ((to(2.0 * np.eye(3)), to(np.ones(3)), 0.5), {}),
    "soft_threshold": lambda to: ((to([-2.0, 0.5, 3.0]), 1.0), {}),
    "ista": lambda to: ((to(np.eye(3)), to([1.0, 0.05, -2.0]), 0.1, 5), {}),
    "fista": lambda to: ((to(np.eye(3)), to([1.0, 0.05, -2.0]), 0.1, 5), {"x0": to(np.ones(3))}),
    "unrolled_ista_cp": lambda to: ((to(np.ones((3, 2))), to(np.eye(3)), to([1.0, 1.0]), to([0.1, 0.1])), {}),
    "pnp_fbs": lambda to: ((to(np.zeros(3)), lambda x: x - 1.0, lambda x: 0.9 * x, 0.5, 3), {}),
    "fbp": lambda to: ((_R, to(_SINO)), {}),
    "tv_reconstruct": lambda to: ((_R, to(_SINO), 0.1), {"n_iter": 3}),
    "circular_conv_norm": lambda to: ((to(np.full((2, 1, 3, 3), 0.1)), 8), {}),
}

NETWORKS = {
    "LISTACP": lambda: (inv.LISTACP(np.eye(3)[:2], 3), np.ones((4, 2))),
    "LGD": lambda: (inv.LGD(_R, 1, 2), np.ones((2, 52))),
    "ResidualDenoiser": lambda: (inv.ResidualDenoiser(3, 0.1), np.ones((4, 3))),
    "SNResidualDenoiser": lambda: (inv.SNResidualDenoiser(4, 0.1, channels=2), np.ones((2, 1, 4, 4))),
    "ICNN": lambda: (inv.ICNN((3, 4, 4)), np.ones((5, 3))),
}

OTHER = {
    "LinearOperator": "a typing.Protocol (apply, adjoint, shape) of the operators",
    "RadonMatrix": "operator class: its apply/adjoint are data-to-data (test_inverse, over the operator registry)",
    "CircularConvolution": "operator class: its apply/adjoint/inverse are data-to-data (test_inverse)",
    "power_method": "returns a float (the operator norm)",
    "adjointness_error": "returns a float",
    "tikhonov_error_bound": "closed-form bound on scalars: returns a float",
    "pnp_lipschitz_bound": "closed-form bound on scalars: returns a float",
    "pnp_step_range": "closed-form range on scalars: returns two floats",
    "train_lista_cp": "trains a LISTACP and returns LISTATrainResult (a demo by another name)",
    "shepp_logan": "a phantom from its size (no data in, NumPy out)",
    "random_ellipses": "phantoms from a size and a seed (no data in, NumPy out)",
    "psnr": "returns a float",
}

BAD_INPUTS = [
    # operators
    ("RadonMatrix-n_angles", lambda: inv.RadonMatrix(8, 0), ValueError, "n_angles"),
    ("RadonMatrix-n-type", lambda: inv.RadonMatrix(8.5, 4), TypeError, "n"),
    ("RadonMatrix-x-shape", lambda: _R(np.ones((3, 3))), ValueError, r"x must have shape \(8, 8\) or \(64,\)"),
    ("RadonMatrix-y-shape", lambda: _R.adjoint(np.ones((3, 13))), ValueError, r"y must have shape \(4, 13\)"),
    ("RadonMatrix-x-complex", lambda: _R(np.ones((8, 8)) * 1j), TypeError, "x must be real"),
    ("RadonMatrix-x-string", lambda: _R("image"), TypeError, "x"),
    ("RadonMatrix-torch_operator-dtype", lambda: _R.torch_operator("int64"), TypeError, "dtype"),
    ("CircularConvolution-kernel", lambda: inv.CircularConvolution(np.ones((2, 3))), ValueError, "kernel"),
    (
        "CircularConvolution-x-shape",
        lambda: inv.CircularConvolution(np.ones((4, 4)))(np.ones((3, 3))),
        ValueError,
        r"x must have shape \(4, 4\)",
    ),
    (
        "CircularConvolution-singular",
        lambda: inv.CircularConvolution(np.ones((4, 4))).inverse(np.ones((4, 4))),
        ValueError,
        "kernel",
    ),
    ("circular_conv_norm-weight", lambda: inv.circular_conv_norm(np.ones((3, 3)), 8), ValueError, "weight"),
    ("circular_conv_norm-size", lambda: inv.circular_conv_norm(np.ones((1, 1, 5, 5)), 4), ValueError, "weight"),
    ("power_method-op", lambda: inv.power_method(None, lambda y: y, (2,)), TypeError, "op"),
    ("adjointness_error-adj", lambda: inv.adjointness_error(lambda x: x, 3, (2,), (2,)), TypeError, "adj"),
    # variational
    ("tikhonov-alpha", lambda: inv.tikhonov(np.eye(2), np.ones(2), 0.0), ValueError, "alpha"),
    ("tikhonov-y-length", lambda: inv.tikhonov(np.eye(2), np.ones(3), 1.0), ValueError, "y must have length 2"),
    ("tikhonov-A-complex", lambda: inv.tikhonov(np.eye(2) * 1j, np.ones(2), 1.0), TypeError, "A must be real"),
    ("tikhonov-A-string", lambda: inv.tikhonov("A", np.ones(2), 1.0), TypeError, "A"),
    ("tikhonov_error_bound-alpha", lambda: inv.tikhonov_error_bound(0.1, 0.0, 1.0), ValueError, "alpha"),
    ("variational_rates_demo-deltas", lambda: inv.variational_rates_demo(deltas=(0.0,)), ValueError, "deltas"),
    ("variational_rates_demo-deltas-max", lambda: inv.variational_rates_demo(deltas=(2.0,)), ValueError, "deltas"),
    # prox
    ("soft_threshold-tau", lambda: inv.soft_threshold(np.ones(2), -1.0), ValueError, "tau"),
    ("soft_threshold-x-string", lambda: inv.soft_threshold("abc", 1.0), TypeError, "x"),
    ("soft_threshold-x-complex", lambda: inv.soft_threshold(np.ones(2) * 1j, 1.0), TypeError, "x must be real"),
    ("ista-lam", lambda: inv.ista(np.eye(2), np.ones(2), -0.1, 10), ValueError, "lam"),
    ("ista-n_iter", lambda: inv.ista(np.eye(2), np.ones(2), 0.1, 1.5), TypeError, "n_iter"),
    ("fista-x0", lambda: inv.fista(np.eye(2), np.ones(2), 0.1, 10, x0=np.ones(3)), ValueError, "x0"),
    ("fista-A-ndim", lambda: inv.fista(np.ones(2), np.ones(2), 0.1, 10), ValueError, "A"),
    ("tv_reconstruct-lam", lambda: inv.tv_reconstruct(_R, _SINO, 0.0), ValueError, "lam"),
    ("tv_reconstruct-radon", lambda: inv.tv_reconstruct(np.eye(3), _SINO, 0.1), TypeError, "radon"),
    # learned
    ("LISTACP-K", lambda: inv.LISTACP(np.eye(2), 0), ValueError, "K"),
    ("LISTACP-A", lambda: inv.LISTACP(np.ones(3), 2), ValueError, "A"),
    ("LISTACP-dtype", lambda: inv.LISTACP(np.eye(2), 2, dtype="int64"), TypeError, "dtype"),
    ("LISTACP-device", lambda: inv.LISTACP(np.eye(2), 2, device="nonsense"), ValueError, "device"),
    (
        "LISTACP-input",
        lambda: inv.LISTACP(np.eye(2), 2)(np.ones((3, 5))),
        ValueError,
        "input Y must have last dimension 2",
    ),
    ("LGD-radon", lambda: inv.LGD(np.eye(3)), TypeError, "radon"),
    ("LGD-width", lambda: inv.LGD(_R, 1, 0), ValueError, "width"),
    ("LGD-input", lambda: inv.LGD(_R, 1, 2)(np.ones((2, 50))), ValueError, "input y must have last dimension 52"),
    ("LGD-x0", lambda: inv.LGD(_R, 1, 2)(np.ones((2, 52)), np.ones((3, 1, 8, 8))), ValueError, "x0 must have shape"),
    ("ResidualDenoiser-eps", lambda: inv.ResidualDenoiser(3, -1.0), ValueError, "eps"),
    ("ResidualDenoiser-dim", lambda: inv.ResidualDenoiser(0, 0.1), ValueError, "dim"),
    ("ResidualDenoiser-device", lambda: inv.ResidualDenoiser(3, 0.1, device="nonsense"), ValueError, "device"),
    (
        "ResidualDenoiser-input",
        lambda: inv.ResidualDenoiser(3, 0.1)(np.ones((2, 4))),
        ValueError,
        "x must have last dimension 3",
    ),
    ("SNResidualDenoiser-channels", lambda: inv.SNResidualDenoiser(8, 0.1, channels=0), ValueError, "channels"),
    (
        "SNResidualDenoiser-input",
        lambda: inv.SNResidualDenoiser(8, 0.1)(np.ones((2, 1, 4, 4))),
        ValueError,
        "x must have last dimension 8",
    ),
    (
        "SNResidualDenoiser-channels-in",
        lambda: inv.SNResidualDenoiser(4, 0.1)(np.ones((2, 3, 4, 4))),
        ValueError,
        r"x must have shape \(batch, 1, 4, 4\)",
    ),
    ("ICNN-dims", lambda: inv.ICNN((4,)), ValueError, "dims"),
    ("ICNN-dims-type", lambda: inv.ICNN("34"), TypeError, "dims"),
    ("ICNN-dims-entry", lambda: inv.ICNN((3, 0)), ValueError, r"dims\[1\]"),
    ("ICNN-rho", lambda: inv.ICNN((3, 4), rho=-1.0), ValueError, "rho"),
    ("ICNN-dtype", lambda: inv.ICNN((3, 4), dtype="int64"), TypeError, "dtype"),
    ("ICNN-input", lambda: inv.ICNN((3, 4))(np.ones((2, 5))), ValueError, "x must have last dimension 3"),
    ("icnn_convexity_demo-n_triples", lambda: inv.icnn_convexity_demo(n_triples=0), ValueError, "n_triples"),
    (
        "icnn_convexity_demo-device",
        lambda: inv.icnn_convexity_demo(n_triples=10, device="nonsense"),
        ValueError,
        "device",
    ),
    # unrolled
    (
        "unrolled_ista_cp-thetas",
        lambda: inv.unrolled_ista_cp(np.ones((2, 1)), np.eye(2), [1.0], [-1.0]),
        ValueError,
        "thetas",
    ),
    (
        "unrolled_ista_cp-Y",
        lambda: inv.unrolled_ista_cp(np.ones((3, 1)), np.eye(2), [1.0], [1.0]),
        ValueError,
        "Y must have 2 rows",
    ),
    (
        "unrolled_ista_cp-W",
        lambda: inv.unrolled_ista_cp(np.ones((2, 1)), np.eye(2), [1.0], [1.0], W=np.eye(3)),
        ValueError,
        "W",
    ),
    ("lista_demo-s", lambda: inv.lista_demo(n=10, s=11), ValueError, "s"),
    ("lista_theorem_demo-coherence", lambda: inv.lista_theorem_demo(m=4, n=64), ValueError, "coherence"),
    ("train_lista_cp-K", lambda: inv.train_lista_cp(K=2), ValueError, "K"),
    # pnp
    ("pnp_fbs-alpha", lambda: inv.pnp_fbs(np.zeros(2), lambda x: x, lambda x: x, 0.0, 5), ValueError, "alpha"),
    ("pnp_fbs-denoiser", lambda: inv.pnp_fbs(np.zeros(2), lambda x: x, None, 1.0, 5), TypeError, "denoiser"),
    ("pnp_fbs-x0", lambda: inv.pnp_fbs("x", lambda x: x, lambda x: x, 1.0, 5), TypeError, "x0"),
    ("pnp_step_range-eps", lambda: inv.pnp_step_range(1.0, 3.0, 1.0), ValueError, "eps"),
    ("pnp_lipschitz_bound-L", lambda: inv.pnp_lipschitz_bound(0.5, 2.0, 1.0, 0.1), ValueError, "L"),
    ("pnp_demo-eps", lambda: inv.pnp_demo(eps=(-0.1,)), ValueError, "eps"),
    ("pnp_demo-device", lambda: inv.pnp_demo(device="nonsense"), ValueError, "device"),
    ("pnp_deblur_demo-n_iter", lambda: inv.pnp_deblur_demo(n_iter=1), ValueError, "n_iter"),
    # ct
    ("fbp-sinogram", lambda: inv.fbp(inv.RadonMatrix(8, 4), np.ones((3, 3))), ValueError, "sinogram"),
    ("fbp-radon", lambda: inv.fbp(np.eye(3), np.ones((3, 3))), TypeError, "radon"),
    ("psnr-shape", lambda: inv.psnr(np.ones(3), np.ones(4)), ValueError, "x"),
    ("psnr-string", lambda: inv.psnr("x", np.ones(4)), TypeError, "x"),
    ("random_ellipses-n_images", lambda: inv.random_ellipses(8, 0), ValueError, "n_images"),
    ("shepp_logan-n", lambda: inv.shepp_logan(1), ValueError, "n"),
    ("ct_demo-steps", lambda: inv.ct_demo(steps=-1), ValueError, "steps"),
]
