r"""Part VI of the book, chapter *Deep learning for inverse problems*: variational and learned methods.

The problem is to recover :math:`x^\dagger` from :math:`y^\delta = A x^\dagger + \text{noise}`,
:math:`\|y^\delta - A x^\dagger\| \le \delta`, for a bounded linear :math:`A`.

===============================  ===================================================================
module                           content
===============================  ===================================================================
``dlmath.inverse.operators``     the forward operators: the :class:`LinearOperator` protocol
                                 (``apply``, ``adjoint``, ``shape``), the sparse Radon matrix
                                 (:class:`RadonMatrix`), circular convolutions
                                 (:class:`CircularConvolution`, :func:`circular_conv_norm`), and
                                 their checks (:func:`power_method`, :func:`adjointness_error`)
``dlmath.inverse.variational``   variational regularisation and its rates: :func:`tikhonov`,
                                 :func:`tikhonov_error_bound`, :func:`variational_rates_demo`
``dlmath.inverse.prox``          proximal methods: :func:`soft_threshold`, :func:`ista`,
                                 :func:`fista`, total variation (:func:`tv_reconstruct`), the rates
                                 of Beck and Teboulle (:func:`ista_fista_demo`)
``dlmath.inverse.learned``       the networks: LISTA-CP (:class:`LISTACP`), learned gradient descent
                                 (:class:`LGD`), residual denoisers (:class:`ResidualDenoiser`,
                                 :class:`SNResidualDenoiser`), input-convex networks
                                 (:class:`ICNN`, :func:`icnn_convexity_demo`)
``dlmath.inverse.unrolled``      unrolled, learned ISTA: :func:`unrolled_ista_cp`,
                                 :func:`lista_theorem_demo`, :func:`lista_demo`,
                                 :func:`train_lista_cp`
``dlmath.inverse.pnp``           plug-and-play forward-backward splitting: :func:`pnp_fbs`, its
                                 contraction bound (:func:`pnp_lipschitz_bound`,
                                 :func:`pnp_step_range`), :func:`pnp_demo` and deblurring with a
                                 trained denoiser (:func:`pnp_deblur_demo`)
``dlmath.inverse.ct``            computed tomography: :func:`fbp`, phantoms (:func:`shepp_logan`,
                                 :func:`random_ellipses`), :func:`psnr`, :func:`ct_demo`
===============================  ===================================================================

Conventions: the data-to-data functions (:func:`tikhonov`, :func:`soft_threshold`,
:func:`ista`, :func:`fista`, :func:`unrolled_ista_cp`, :func:`pnp_fbs`, :func:`fbp`,
:func:`tv_reconstruct`, and ``apply``/``adjoint`` of the operators) take NumPy (or a list) and
return NumPy, or take a tensor and return a tensor of its dtype on its device; they compute in
float64. The networks of ``dlmath.inverse.learned`` take a tensor of their dtype or a NumPy
batch, return a tensor and default to float32; the demos that need double precision
(:func:`pnp_demo`, :func:`icnn_convexity_demo`) build them in float64. Every theorem check of
the chapter is declared once, beside its demo, with :func:`dlmath.results.declare_check`.

References
----------
Engl, Hanke, Neubauer (1996); Burger and Osher (2004); Beck and Teboulle (2009); Chen, Liu,
Wang, Yin (2018); Ryu et al. (2019); Amos, Xu, Kolter (2017); Adler and Oktem (2018);
Mukherjee et al. (2023).
"""

from __future__ import annotations

from .ct import CTResult, ct_demo, fbp, psnr, random_ellipses, shepp_logan
from .learned import ICNN, LGD, LISTACP, ICNNResult, ResidualDenoiser, SNResidualDenoiser, icnn_convexity_demo
from .operators import (
    CircularConvolution,
    LinearOperator,
    RadonMatrix,
    adjointness_error,
    circular_conv_norm,
    power_method,
)
from .pnp import PnPDeblurResult, PnPResult, pnp_deblur_demo, pnp_demo, pnp_fbs, pnp_lipschitz_bound, pnp_step_range
from .prox import ProxGradResult, fista, ista, ista_fista_demo, soft_threshold, tv_reconstruct
from .unrolled import (
    LISTAResult,
    LISTATheoremResult,
    LISTATrainResult,
    lista_demo,
    lista_theorem_demo,
    train_lista_cp,
    unrolled_ista_cp,
)
from .variational import VariationalRatesResult, tikhonov, tikhonov_error_bound, variational_rates_demo

__all__ = [
    # operators
    "LinearOperator",
    "RadonMatrix",
    "CircularConvolution",
    "circular_conv_norm",
    "power_method",
    "adjointness_error",
    # variational
    "tikhonov",
    "tikhonov_error_bound",
    "VariationalRatesResult",
    "variational_rates_demo",
    # prox
    "soft_threshold",
    "ista",
    "fista",
    "tv_reconstruct",
    "ProxGradResult",
    "ista_fista_demo",
    # learned
    "LISTACP",
    "LGD",
    "ResidualDenoiser",
    "SNResidualDenoiser",
    "ICNN",
    "ICNNResult",
    "icnn_convexity_demo",
    # unrolled
    "unrolled_ista_cp",
    "LISTAResult",
    "lista_demo",
    "LISTATheoremResult",
    "lista_theorem_demo",
    "LISTATrainResult",
    "train_lista_cp",
    # pnp
    "pnp_fbs",
    "pnp_lipschitz_bound",
    "pnp_step_range",
    "PnPResult",
    "pnp_demo",
    "PnPDeblurResult",
    "pnp_deblur_demo",
    # ct
    "fbp",
    "shepp_logan",
    "random_ellipses",
    "psnr",
    "CTResult",
    "ct_demo",
]

from .._export import publish  # noqa: E402

publish(__name__, globals(), __all__)
