r"""Part III of the book: optimisation of neural networks.

===========================================  ==================================================================
module                                       content
===========================================  ==================================================================
``dlmath.optimization.gradient_methods``     gradient descent with step :math:`1/L` on convex, PL and
                                             strongly convex objectives (:func:`gd_rates_demo`);
                                             stationarity for non-convex ones (:func:`stationarity_demo`)
``dlmath.optimization.stochastic_gradient``  SGD on a noisy quadratic (:func:`sgd_stationary_mse`,
                                             :func:`sgd_demo`); explicit GD / SGD / momentum updates
                                             (:func:`explicit_sgd_step`) against :mod:`torch.optim`
                                             (:func:`optimizer_agreement_demo`)
``dlmath.optimization.landscapes``           linear networks (:func:`linear_net_optimum`,
                                             :func:`linear_net_landscape_demo`); slices of a trained
                                             network's loss along filter-normalised directions
                                             (:func:`filter_normalized_direction`, :func:`loss_landscape_demo`)
``dlmath.optimization.implicit_bias``        the minimum-norm bias of gradient descent (:func:`min_norm_demo`);
                                             the max-margin bias on separable data (:func:`hard_margin_svm`,
                                             :func:`max_margin_demo`)
``dlmath.optimization.diagonal_networks``    diagonal linear networks (:func:`diagonal_net_limit`,
                                             :func:`min_l1_interpolant`, :func:`diagonal_net_demo`)
``dlmath.optimization.ntk_regime``           linear convergence of wide two-layer networks
                                             (:func:`ntk_gram_matrix`, :func:`ntk_training_demo`)
``dlmath.optimization.mean_field``           the mean-field limit (:func:`mean_field_demo`) and the contrast
                                             of the two scalings (:func:`scaling_contrast_demo`)
``dlmath.optimization.wasserstein_flow``     the mean-field equation as a Wasserstein gradient flow in a
                                             solvable model (:func:`linear_mf_flow`,
                                             :func:`coupling_constant`, :func:`wasserstein_flow_demo`)
``dlmath.optimization.nonconvex_sgd``        SGD with a random output iterate on non-convex functions
                                             (:func:`rsg_output_probabilities`, :func:`rsg_bound`,
                                             :func:`rsg_constant_step`, :func:`rsg_corollary_bound`,
                                             :func:`nonconvex_sgd_demo`)
``dlmath.optimization.kaczmarz``             SGD under interpolation: randomized Kaczmarz, its exact mean
                                             squared error and its rate (:func:`kaczmarz_rate`,
                                             :func:`kaczmarz_expected_error`, :func:`kaczmarz_demo`)
===========================================  ==================================================================

The chapters: *Gradient methods* (``gradient_methods``, ``stochastic_gradient``), *Stochastic
gradients without convexity, and under interpolation* (``nonconvex_sgd``, ``kaczmarz``), *Loss
landscapes and implicit regularisation* (``landscapes``, ``implicit_bias``,
``diagonal_networks``) and *Overparametrised training: NTK and mean field* (``ntk_regime``,
``mean_field``, ``wasserstein_flow``). Every network is a :class:`torch.nn.Module` built by :mod:`dlmath.nets`, and its gradients
come from :mod:`torch.autograd`; empirical tangent kernels are :func:`dlmath.kernels.empirical_ntk`.
Closed forms and small convex programs use NumPy and SciPy; the data-to-data functions
(:func:`linear_net_optimum`, :func:`hard_margin_svm`, :func:`min_l1_interpolant`,
:func:`diagonal_net_limit`, :func:`ntk_gram_matrix`) take NumPy and return NumPy, or take a
tensor and return tensors of its dtype and on its device (computing in float64).

References
----------
Nesterov (2004); Karimi, Nutini, Schmidt (2016); Bottou, Curtis, Nocedal (2018);
Baldi, Hornik (1989); Kawaguchi (2016); Soudry et al. (2018); Woodworth et al. (2020);
Du et al. (2019); Mei, Montanari, Nguyen (2018); Chizat, Bach (2018); Li et al. (2018);
Berner et al. (2022), Sec. 5; Bach (2024), Ch. 5 and 12.
"""

from __future__ import annotations

from .diagonal_networks import DiagonalNetResult, diagonal_net_demo, diagonal_net_limit, min_l1_interpolant
from .gradient_methods import GDRateResult, StationarityResult, gd_rates_demo, stationarity_demo
from .implicit_bias import MaxMarginResult, MinNormResult, hard_margin_svm, max_margin_demo, min_norm_demo
from .kaczmarz import KaczmarzResult, kaczmarz_demo, kaczmarz_expected_error, kaczmarz_rate
from .landscapes import (
    LinearLandscapeResult,
    LossLandscapeResult,
    filter_normalized_direction,
    linear_net_landscape_demo,
    linear_net_optimum,
    loss_landscape_demo,
)
from .mean_field import MeanFieldResult, ScalingContrastResult, mean_field_demo, scaling_contrast_demo
from .nonconvex_sgd import (
    NonconvexSGDResult,
    nonconvex_sgd_demo,
    rsg_bound,
    rsg_constant_step,
    rsg_corollary_bound,
    rsg_output_probabilities,
)
from .ntk_regime import NTKTrainingResult, ntk_gram_matrix, ntk_training_demo
from .stochastic_gradient import (
    OptimizerAgreementResult,
    SGDResult,
    explicit_sgd_step,
    optimizer_agreement_demo,
    sgd_demo,
    sgd_stationary_mse,
)
from .wasserstein_flow import WassersteinFlowResult, coupling_constant, linear_mf_flow, wasserstein_flow_demo

__all__ = [
    # gradient_methods
    "GDRateResult",
    "gd_rates_demo",
    "StationarityResult",
    "stationarity_demo",
    # stochastic_gradient
    "sgd_stationary_mse",
    "explicit_sgd_step",
    "SGDResult",
    "sgd_demo",
    "OptimizerAgreementResult",
    "optimizer_agreement_demo",
    # landscapes
    "linear_net_optimum",
    "filter_normalized_direction",
    "LinearLandscapeResult",
    "linear_net_landscape_demo",
    "LossLandscapeResult",
    "loss_landscape_demo",
    # implicit_bias
    "hard_margin_svm",
    "MinNormResult",
    "min_norm_demo",
    "MaxMarginResult",
    "max_margin_demo",
    # diagonal_networks
    "min_l1_interpolant",
    "diagonal_net_limit",
    "DiagonalNetResult",
    "diagonal_net_demo",
    # ntk_regime
    "ntk_gram_matrix",
    "NTKTrainingResult",
    "ntk_training_demo",
    # mean_field
    "MeanFieldResult",
    "mean_field_demo",
    "ScalingContrastResult",
    "scaling_contrast_demo",
    # wasserstein_flow
    "linear_mf_flow",
    "coupling_constant",
    "WassersteinFlowResult",
    "wasserstein_flow_demo",
    # nonconvex_sgd
    "rsg_output_probabilities",
    "rsg_bound",
    "rsg_constant_step",
    "rsg_corollary_bound",
    "NonconvexSGDResult",
    "nonconvex_sgd_demo",
    # kaczmarz
    "kaczmarz_rate",
    "kaczmarz_expected_error",
    "KaczmarzResult",
    "kaczmarz_demo",
]

from .._export import publish  # noqa: E402

publish(__name__, globals(), __all__)
