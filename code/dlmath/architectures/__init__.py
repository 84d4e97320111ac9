r"""Special architectures: residual networks, convolutions and scattering, equivariance (Part V).

The subpackage serves the three chapters of Part V of the book: *Residual networks as ODEs*,
*Convolutions and the scattering transform* and *Equivariant networks*.

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
Gerken et al. (2023); Berner et al. (2022).
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
]

from .._export import publish  # noqa: E402

publish(__name__, globals(), __all__)
