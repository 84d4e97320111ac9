r"""Kernels, Gaussian processes, infinite width and depth, generalisation (Part IV).

The subpackage serves the four chapters of Part IV of the book: *Kernels, RKHS and random
features*, *Infinite width and depth*, *Generalisation bounds and double descent* and *Beyond uniform
convergence: benign overfitting and the limits of the kernel regime*.

=====================================  =========================================================
module                                 content
=====================================  =========================================================
``dlmath.kernels.gaussian``            Gaussian expectations of activations: the arc-cosine
                                       :math:`J_n`, :func:`relu_expectation`,
                                       :func:`step_expectation`, the erf expectations,
                                       :func:`arccos_kernel`, the registry :data:`~dlmath.kernels.GAUSSIAN_MAPS`;
                                       :func:`arccos_demo`
``dlmath.kernels.nngp_ntk``            the NNGP and NTK of :func:`dlmath.nets.mlp`
                                       (:func:`nngp_kernel`, :func:`ntk_kernel`),
                                       :func:`correlation_map`; :func:`nngp_demo`,
                                       :func:`ntk_limit_demo`
``dlmath.kernels.depth``               infinite depth: :func:`depth_limit_demo`
``dlmath.kernels.empirical``           the empirical NTK :func:`empirical_ntk` (structured for
                                       fully connected networks, :func:`supports_structured_ntk`)
``dlmath.kernels.rff``                 random Fourier features: :func:`rff_features`,
                                       :func:`rff_demo`
``dlmath.kernels.krr``                 kernel ridge and GP regression: :func:`gaussian_kernel`,
                                       :func:`krr_fit`, :func:`gp_posterior`,
                                       :func:`krr_risk_closed_form`; :func:`krr_demo`,
                                       :func:`krr_bias_variance_demo`
``dlmath.kernels.lazy``                linearised dynamics: :func:`lazy_training_demo`,
                                       :func:`diabetes_ntk_demo`
``dlmath.kernels.generalization``      double descent, Rademacher complexity, norm bounds:
                                       :func:`double_descent_closed_form`,
                                       :func:`weak_features_risk`, :func:`rademacher_linear`;
                                       :func:`double_descent_demo`, :func:`rademacher_demo`,
                                       :func:`norm_bound_demo`
``dlmath.kernels.norm_bounds``         path norm, spectral complexity, the exact Rademacher
                                       complexity of the path-norm ball: :func:`path_norm`,
                                       :func:`spectral_complexity`, :func:`l1_ball_rademacher`,
                                       :func:`path_norm_rademacher`,
                                       :func:`path_norm_rademacher_bound`;
                                       :func:`path_norm_exact_demo`, :func:`path_norm_trained_demo`
``dlmath.kernels.spherical``           harmonic analysis on the sphere:
                                       :func:`harmonic_dimension`, :func:`gegenbauer`,
                                       :func:`funk_hecke`, :func:`sphere_measure_ratio`,
                                       :func:`uniform_sphere`, the Funk-Hecke coefficients of the
                                       step and the ReLU :func:`relu_harmonic_coefficients`
``dlmath.kernels.kernel_regime``       the limits of the kernel regime on the sphere: the ReLU
                                       NTK's spectrum (:func:`ntk_sphere_profile`,
                                       :func:`ntk_sphere_eigenvalues`); :func:`ntk_spectrum_demo`,
                                       :func:`kernel_low_degree_demo`
``dlmath.kernels.ridge_equivalent``    the deterministic equivalent of ridge(less) regression:
                                       :func:`ridge_equivalent`, :class:`RidgeEquivalent`
``dlmath.kernels.benign_overfitting``  the minimum-norm interpolator under a general covariance:
                                       :func:`effective_ranks`, :func:`spiked_spectrum`,
                                       :func:`min_norm_excess_risk`;
                                       :func:`benign_overfitting_demo`
=====================================  =========================================================

Conventions: the kernels, features and solvers take NumPy arrays or tensors and return NumPy
for NumPy and a tensor of the input's dtype and device for a tensor (computing in float64).
The network conventions (the NTK parameterisation of :func:`dlmath.nets.mlp`, the recursion of
its NNGP and NTK) are in ``dlmath.kernels.nngp_ntk``. Nothing heavy happens at import time.
"""

from __future__ import annotations

from .benign_overfitting import (
    BenignOverfittingResult,
    benign_overfitting_demo,
    effective_ranks,
    min_norm_excess_risk,
    spiked_spectrum,
)
from .depth import DepthLimitResult, depth_limit_demo
from .empirical import NTK_METHODS, empirical_ntk, supports_structured_ntk
from .gaussian import (
    GAUSSIAN_MAPS,
    KERNEL_ACTIVATIONS,
    ArccosResult,
    GaussianMap,
    arccos_demo,
    arccos_kernel,
    erf_derivative_expectation,
    erf_expectation,
    gaussian_map,
    relu_expectation,
    step_expectation,
)
from .generalization import (
    DoubleDescentResult,
    NormBoundResult,
    RademacherResult,
    double_descent_closed_form,
    double_descent_demo,
    norm_bound_demo,
    rademacher_demo,
    rademacher_linear,
    weak_features_risk,
)
from .kernel_regime import (
    KernelLowDegreeResult,
    NTKSphereSpectrumResult,
    kernel_low_degree_demo,
    ntk_spectrum_demo,
    ntk_sphere_eigenvalues,
    ntk_sphere_profile,
)
from .krr import (
    KRRBiasVarianceResult,
    KRRResult,
    gaussian_kernel,
    gp_posterior,
    krr_bias_variance_demo,
    krr_demo,
    krr_fit,
    krr_risk_closed_form,
)
from .lazy import DiabetesNTKResult, LazyTrainingResult, diabetes_ntk_demo, lazy_training_demo
from .nngp_ntk import NNGPResult, NTKLimitResult, correlation_map, nngp_demo, nngp_kernel, ntk_kernel, ntk_limit_demo
from .norm_bounds import (
    PathNormExactResult,
    PathNormTrainedResult,
    l1_ball_rademacher,
    path_norm,
    path_norm_exact_demo,
    path_norm_rademacher,
    path_norm_rademacher_bound,
    path_norm_trained_demo,
    spectral_complexity,
)
from .rff import RFFResult, rff_demo, rff_features
from .ridge_equivalent import RidgeEquivalent, ridge_equivalent
from .spherical import (
    funk_hecke,
    gegenbauer,
    harmonic_dimension,
    relu_harmonic_coefficients,
    sphere_measure_ratio,
    uniform_sphere,
)

__all__ = [
    # gaussian
    "GaussianMap",
    "GAUSSIAN_MAPS",
    "KERNEL_ACTIVATIONS",
    "gaussian_map",
    "relu_expectation",
    "step_expectation",
    "erf_expectation",
    "erf_derivative_expectation",
    "arccos_kernel",
    "arccos_demo",
    "ArccosResult",
    # nngp_ntk
    "nngp_kernel",
    "ntk_kernel",
    "correlation_map",
    "nngp_demo",
    "ntk_limit_demo",
    "NNGPResult",
    "NTKLimitResult",
    # depth
    "depth_limit_demo",
    "DepthLimitResult",
    # empirical
    "empirical_ntk",
    "supports_structured_ntk",
    "NTK_METHODS",
    # rff
    "rff_features",
    "rff_demo",
    "RFFResult",
    # krr
    "gaussian_kernel",
    "krr_fit",
    "gp_posterior",
    "krr_risk_closed_form",
    "krr_demo",
    "krr_bias_variance_demo",
    "KRRResult",
    "KRRBiasVarianceResult",
    # lazy
    "lazy_training_demo",
    "diabetes_ntk_demo",
    "LazyTrainingResult",
    "DiabetesNTKResult",
    # generalization
    "double_descent_closed_form",
    "weak_features_risk",
    "rademacher_linear",
    "double_descent_demo",
    "rademacher_demo",
    "norm_bound_demo",
    "DoubleDescentResult",
    "RademacherResult",
    "NormBoundResult",
    # norm_bounds
    "path_norm",
    "spectral_complexity",
    "l1_ball_rademacher",
    "path_norm_rademacher",
    "path_norm_rademacher_bound",
    "path_norm_exact_demo",
    "path_norm_trained_demo",
    "PathNormExactResult",
    "PathNormTrainedResult",
    # spherical
    "harmonic_dimension",
    "gegenbauer",
    "funk_hecke",
    "sphere_measure_ratio",
    "uniform_sphere",
    "relu_harmonic_coefficients",
    # kernel_regime
    "ntk_sphere_profile",
    "ntk_sphere_eigenvalues",
    "ntk_spectrum_demo",
    "kernel_low_degree_demo",
    "NTKSphereSpectrumResult",
    "KernelLowDegreeResult",
    # ridge_equivalent
    "ridge_equivalent",
    "RidgeEquivalent",
    # benign_overfitting
    "effective_ranks",
    "spiked_spectrum",
    "min_norm_excess_risk",
    "benign_overfitting_demo",
    "BenignOverfittingResult",
]

from .._export import publish  # noqa: E402

publish(__name__, globals(), __all__)
