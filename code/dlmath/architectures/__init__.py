r"""Special architectures: residual networks and neural ODEs, scattering, symmetry, graphs, attention (Part V).

The subpackage serves the five chapters of Part V of the book: *Residual networks as ODEs*,
*Convolutions and the scattering transform*, *Equivariant networks*, *The linear algebra of
symmetry* and *Graphs and attention*.

=========================================  =====================================================
module                                     content
=========================================  =====================================================
``dlmath.architectures.resnets``           residual networks as ODEs: :func:`resnet_euler`,
                                           :class:`ResidualBlock`, :class:`ResidualNetwork`;
                                           :func:`resnet_ode_demo`, :func:`resnet_stability_demo`
``dlmath.architectures.convolution``       circular convolution: :func:`circulant`,
                                           :class:`CircularCNN`; :func:`conv_equivariance_demo`
``dlmath.architectures.filter_bank``       Littlewood-Paley filter banks: :func:`smooth_cutoff`,
                                           :func:`lp_filter_bank`, :func:`lp_filter_bank_2d`,
                                           :func:`scattering_paths`
``dlmath.architectures.scattering``        the scattering transform: :class:`Scattering1D`,
                                           :class:`Scattering2D`, :func:`scattering_1d`;
                                           :func:`scattering_energy_demo`,
                                           :func:`scattering_stability_demo`
``dlmath.architectures.subsampling``       the subsampled 1-D scattering transform of
                                           ``Scattering1D(..., subsample=True)``, its
                                           aliasing error and its bound
``dlmath.architectures.equivariance``      the p4 group: :func:`rotate90`, :func:`p4_act`,
                                           :func:`p4_lift`, :func:`p4_conv`,
                                           :class:`P4LiftingConv`, :class:`P4GroupConv`,
                                           :class:`P4CNN`; :func:`p4_equivariance_demo`
``dlmath.architectures.invariance``        invariance by averaging (:func:`group_matrices`,
                                           :func:`reynolds`) and DeepSets
                                           (:class:`PermutationEquivariantLinear`,
                                           :class:`DeepSets`, :func:`power_sums_to_multiset`);
                                           :func:`invariance_benefit_demo`, :func:`deepsets_demo`
``dlmath.architectures.digits``            real data, scikit-learn's digits: :class:`PlainCNN`;
                                           :func:`digits_scattering_demo`,
                                           :func:`digits_rotation_demo`
``dlmath.architectures.neural_odes``       neural ODEs: a fixed-step torch solver
                                           (:func:`odeint_fixed`), gradients by back-propagation
                                           and by the adjoint equation
                                           (:func:`backprop_gradient`,
                                           :func:`adjoint_gradient`), :class:`NeuralODE`;
                                           :func:`adjoint_method_demo`,
                                           :func:`neural_ode_monotone_demo`
``dlmath.architectures.symmetric_group``   equivariant linear maps of the symmetric group on
                                           tensors: :func:`stirling2`, :func:`bell_number`,
                                           :func:`equivariant_dimension`,
                                           :func:`permutation_action`, :func:`orbit_basis`;
                                           :func:`symmetric_group_layers_demo`
``dlmath.architectures.representations``   finite groups on signals and images
                                           (:func:`signal_representation`,
                                           :func:`image_representation`), equivariant maps as a
                                           null space (:func:`equivariant_maps`), irreducible
                                           representations and characters (:func:`real_irreps`,
                                           :func:`complex_characters`,
                                           :func:`hom_dimension_character`,
                                           :func:`irrep_multiplicities`), isotypic projectors
                                           and layers (:func:`isotypic_projectors`,
                                           :func:`isotypic_layer_basis`);
                                           :func:`schur_isotypic_demo`
``dlmath.architectures.steerable``         steerable filters of SO(2): :func:`so2_irrep`,
                                           :func:`steerable_basis`, :func:`angular_kernel`,
                                           :func:`solve_kernel_constraint`,
                                           :func:`sample_steerable_filter`,
                                           :func:`sampled_response`;
                                           :func:`steerable_filters_demo`
``dlmath.architectures.message_passing``   message passing on graphs: 1-WL colour refinement
                                           (:func:`wl_colors`, :func:`wl_separation_round`,
                                           :func:`wl_equivalent`) and
                                           :class:`MessagePassingNetwork` (sum, mean, max, GIN);
                                           :func:`wl_expressivity_demo`
``dlmath.architectures.self_attention``    self-attention: :func:`dot_product_attention`,
                                           :func:`l2_attention`, Kim et al.'s bound
                                           (:func:`l2_attention_lipschitz_bound`),
                                           :func:`local_lipschitz`;
                                           :func:`attention_lipschitz_demo`
=========================================  =====================================================

Conventions: every network is a :class:`torch.nn.Module` (default dtype float32) whose forward
takes a tensor or a NumPy batch and returns a tensor; the transforms (:class:`Scattering1D`,
:class:`Scattering2D`, :func:`scattering_1d`) and closed forms compute in float64 by default;
the data-to-data functions return NumPy for NumPy and a tensor of the input's dtype and device
for a tensor. Nothing heavy happens at import time.

References
----------
Haber and Ruthotto (2017); E (2017); Behrmann et al. (2019); Mallat (2012); Bruna and Mallat
(2013); Cohen and Welling (2016); Zaheer et al. (2017); Elesedy and Zaidi (2021);
Gerken et al. (2023); Berner et al. (2022); Chen et al. (2018); Dupont, Doucet, Teh (2019);
Serre (1977); Maron et al. (2019); Weiler and Cesa (2019); Xu et al. (2019); Morris et al. (2019);
Kim, Papamakarios, Mnih (2021).
"""

from __future__ import annotations

from .convolution import CircularCNN, ConvEquivarianceResult, circulant, conv_equivariance_demo
from .digits import DigitsRotationResult, DigitsScatteringResult, PlainCNN, digits_rotation_demo, digits_scattering_demo
from .equivariance import (
    P4CNN,
    GroupConvResult,
    P4GroupConv,
    P4LiftingConv,
    p4_act,
    p4_conv,
    p4_equivariance_demo,
    p4_lift,
    rotate90,
)
from .filter_bank import lp_filter_bank, lp_filter_bank_2d, scattering_paths, smooth_cutoff
from .invariance import (
    DeepSets,
    DeepSetsResult,
    InvarianceBenefitResult,
    PermutationEquivariantLinear,
    deepsets_demo,
    group_matrices,
    invariance_benefit_demo,
    power_sums_to_multiset,
    reynolds,
)
from .message_passing import (
    MessagePassingNetwork,
    WLExpressivityResult,
    wl_colors,
    wl_equivalent,
    wl_expressivity_demo,
    wl_separation_round,
)
from .neural_odes import (
    AdjointMethodResult,
    NeuralODE,
    NeuralODEMonotoneResult,
    adjoint_gradient,
    adjoint_method_demo,
    backprop_gradient,
    neural_ode_monotone_demo,
    odeint_fixed,
)
from .representations import (
    SchurIsotypicResult,
    complex_characters,
    equivariant_maps,
    hom_dimension_character,
    image_representation,
    irrep_multiplicities,
    isotypic_layer_basis,
    isotypic_projectors,
    real_irreps,
    schur_isotypic_demo,
    signal_representation,
)
from .resnets import (
    ResidualBlock,
    ResidualNetwork,
    ResNetODEResult,
    ResNetStabilityResult,
    resnet_euler,
    resnet_ode_demo,
    resnet_stability_demo,
)
from .scattering import (
    Scattering1D,
    Scattering2D,
    ScatteringEnergyResult,
    ScatteringStabilityResult,
    scattering_1d,
    scattering_energy_demo,
    scattering_stability_demo,
)
from .self_attention import (
    AttentionLipschitzResult,
    attention_lipschitz_demo,
    dot_product_attention,
    l2_attention,
    l2_attention_lipschitz_bound,
    local_lipschitz,
)
from .steerable import (
    SteerableFiltersResult,
    angular_kernel,
    sample_steerable_filter,
    sampled_response,
    so2_irrep,
    solve_kernel_constraint,
    steerable_basis,
    steerable_filters_demo,
)
from .symmetric_group import (
    SymmetricGroupLayersResult,
    bell_number,
    equivariant_dimension,
    orbit_basis,
    permutation_action,
    stirling2,
    symmetric_group_layers_demo,
)

__all__ = [
    # resnets
    "resnet_euler",
    "ResidualBlock",
    "ResidualNetwork",
    "ResNetODEResult",
    "resnet_ode_demo",
    "ResNetStabilityResult",
    "resnet_stability_demo",
    # convolution
    "circulant",
    "CircularCNN",
    "ConvEquivarianceResult",
    "conv_equivariance_demo",
    # filter_bank
    "smooth_cutoff",
    "lp_filter_bank",
    "lp_filter_bank_2d",
    "scattering_paths",
    # scattering
    "Scattering1D",
    "Scattering2D",
    "scattering_1d",
    "ScatteringEnergyResult",
    "scattering_energy_demo",
    "ScatteringStabilityResult",
    "scattering_stability_demo",
    # equivariance
    "rotate90",
    "p4_act",
    "p4_lift",
    "p4_conv",
    "P4LiftingConv",
    "P4GroupConv",
    "P4CNN",
    "GroupConvResult",
    "p4_equivariance_demo",
    # invariance
    "group_matrices",
    "reynolds",
    "InvarianceBenefitResult",
    "invariance_benefit_demo",
    "PermutationEquivariantLinear",
    "DeepSets",
    "power_sums_to_multiset",
    "DeepSetsResult",
    "deepsets_demo",
    # digits
    "PlainCNN",
    "DigitsScatteringResult",
    "digits_scattering_demo",
    "DigitsRotationResult",
    "digits_rotation_demo",
    # neural_odes
    "odeint_fixed",
    "backprop_gradient",
    "adjoint_gradient",
    "NeuralODE",
    "AdjointMethodResult",
    "adjoint_method_demo",
    "NeuralODEMonotoneResult",
    "neural_ode_monotone_demo",
    # symmetric_group
    "stirling2",
    "bell_number",
    "equivariant_dimension",
    "permutation_action",
    "orbit_basis",
    "SymmetricGroupLayersResult",
    "symmetric_group_layers_demo",
    # representations
    "equivariant_maps",
    "signal_representation",
    "image_representation",
    "real_irreps",
    "complex_characters",
    "hom_dimension_character",
    "irrep_multiplicities",
    "isotypic_projectors",
    "isotypic_layer_basis",
    "SchurIsotypicResult",
    "schur_isotypic_demo",
    # steerable
    "so2_irrep",
    "steerable_basis",
    "angular_kernel",
    "solve_kernel_constraint",
    "sample_steerable_filter",
    "sampled_response",
    "SteerableFiltersResult",
    "steerable_filters_demo",
    # message_passing
    "wl_colors",
    "wl_separation_round",
    "wl_equivalent",
    "MessagePassingNetwork",
    "WLExpressivityResult",
    "wl_expressivity_demo",
    # self_attention
    "dot_product_attention",
    "l2_attention",
    "l2_attention_lipschitz_bound",
    "local_lipschitz",
    "AttentionLipschitzResult",
    "attention_lipschitz_demo",
]

from .._export import publish  # noqa: E402

publish(__name__, globals(), __all__)
