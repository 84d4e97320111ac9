r"""Part VI of the book, *Deep learning for inverse problems* and *Generative priors and image analysis*.

The problem is to recover :math:`x^\dagger` from :math:`y^\delta = A x^\dagger + \text{noise}`,
:math:`\|y^\delta - A x^\dagger\| \le \delta`, for a bounded linear :math:`A`.

==========================================  ===================================================================
module                                      content
==========================================  ===================================================================
``dlmath.inverse.operators``                the forward operators: the :class:`LinearOperator` protocol
                                            (``apply``, ``adjoint``, ``shape``), the sparse Radon matrix
                                            (:class:`RadonMatrix`), circular convolutions
                                            (:class:`CircularConvolution`, :func:`circular_conv_norm`), and
                                            their checks (:func:`power_method`, :func:`adjointness_error`)
``dlmath.inverse.variational``              variational regularisation and its rates: :func:`tikhonov`,
                                            :func:`tikhonov_error_bound`, :func:`variational_rates_demo`
``dlmath.inverse.prox``                     proximal methods: :func:`soft_threshold`, :func:`ista`,
                                            :func:`fista`, total variation (:func:`tv_reconstruct`), the rates
                                            of Beck and Teboulle (:func:`ista_fista_demo`)
``dlmath.inverse.learned``                  the networks: LISTA-CP (:class:`LISTACP`), learned gradient descent
                                            (:class:`LGD`), residual denoisers (:class:`ResidualDenoiser`,
                                            :class:`SNResidualDenoiser`), input-convex networks
                                            (:class:`ICNN`, :func:`icnn_convexity_demo`)
``dlmath.inverse.unrolled``                 unrolled, learned ISTA: :func:`unrolled_ista_cp`,
                                            :func:`lista_theorem_demo`, :func:`lista_demo`,
                                            :func:`train_lista_cp`
``dlmath.inverse.pnp``                      plug-and-play forward-backward splitting: :func:`pnp_fbs`, its
                                            contraction bound (:func:`pnp_lipschitz_bound`,
                                            :func:`pnp_step_range`), :func:`pnp_demo` and deblurring with a
                                            trained denoiser (:func:`pnp_deblur_demo`)
``dlmath.inverse.ct``                       computed tomography: :func:`fbp`, phantoms (:func:`shepp_logan`,
                                            :func:`random_ellipses`), :func:`psnr`, :func:`ct_demo`
``dlmath.inverse.learned_regularization``   a learned convex regulariser inside variational regularisation:
                                            :func:`integration_operator`,
                                            :func:`train_adversarial_regularizer`, :func:`bregman_distance`,
                                            :func:`regularized_solution`; :func:`learned_regularization_demo`
``dlmath.inverse.sure``                     Stein's unbiased risk estimate (:func:`sure`,
                                            :func:`mc_divergence`), denoisers with exact divergence
                                            (:func:`haar2d`, :func:`ihaar2d`, :func:`haar_denoise`,
                                            :func:`gaussian_denoise`), scikit-image's photographs
                                            (:func:`photographs`); :func:`sure_demo`
``dlmath.inverse.tweedie``                  Tweedie's formula for Gaussian mixtures: :func:`gmm_log_density`,
                                            :func:`gmm_score`, :func:`gmm_posterior_mean`, a denoiser trained
                                            by score matching; :func:`tweedie_demo`
``dlmath.inverse.langevin``                 the unadjusted Langevin algorithm on Gaussian posteriors:
                                            :func:`gaussian_posterior`, :func:`ula_stationary_covariance`,
                                            :func:`ula_lyapunov_covariance`; :func:`langevin_demo`
==========================================  ===================================================================

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
Mukherjee et al. (2023); Lunz, Öktem, Schönlieb (2018); Efron (2011); Vincent (2011); Durmus and
Moulines (2017); Laumont et al. (2022); Stein (1981); Ramani, Blu, Unser (2008).
"""

from __future__ import annotations

from .ct import CTResult, ct_demo, fbp, psnr, random_ellipses, shepp_logan
from .langevin import (
    LangevinBiasResult,
    gaussian_posterior,
    langevin_demo,
    ula_lyapunov_covariance,
    ula_stationary_covariance,
)
from .learned import ICNN, LGD, LISTACP, ICNNResult, ResidualDenoiser, SNResidualDenoiser, icnn_convexity_demo
from .learned_regularization import (
    LearnedRegularizationResult,
    bregman_distance,
    integration_operator,
    learned_regularization_demo,
    regularized_solution,
    train_adversarial_regularizer,
)
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
from .sure import (
    SUREResult,
    gaussian_denoise,
    haar2d,
    haar_denoise,
    ihaar2d,
    mc_divergence,
    photographs,
    sure,
    sure_demo,
)
from .tweedie import (
    TweedieResult,
    gmm_log_density,
    gmm_posterior_mean,
    gmm_score,
    tweedie_demo,
)
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
    # learned_regularization
    "integration_operator",
    "train_adversarial_regularizer",
    "bregman_distance",
    "regularized_solution",
    "LearnedRegularizationResult",
    "learned_regularization_demo",
    # sure
    "sure",
    "mc_divergence",
    "haar2d",
    "ihaar2d",
    "haar_denoise",
    "gaussian_denoise",
    "photographs",
    "SUREResult",
    "sure_demo",
    # tweedie
    "gmm_log_density",
    "gmm_score",
    "gmm_posterior_mean",
    "TweedieResult",
    "tweedie_demo",
    # langevin
    "gaussian_posterior",
    "ula_stationary_covariance",
    "ula_lyapunov_covariance",
    "LangevinBiasResult",
    "langevin_demo",
]

from .._export import publish  # noqa: E402

publish(__name__, globals(), __all__)
