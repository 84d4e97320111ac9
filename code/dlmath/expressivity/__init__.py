r"""Expressivity of neural networks (Part II).

The subpackage serves the four chapters of Part II of the book: *Universal approximation*,
*Dimension-free rates: Barron and variation spaces*, *Depth: sawtooth, squaring and the
curse of dimensionality* and *What networks cannot do: VC dimension, memorisation and
non-closedness*. The constructions of these chapters are real ReLU networks built from
explicit weights: every one of them is a :class:`ReLUNet` (a :class:`torch.nn.Module`), and the
functions of the chapters (:func:`sawtooth`, :func:`yarotsky_square`, ...) evaluate through
those networks.

=======================================  =======================================================
module                                   content
=======================================  =======================================================
``dlmath.expressivity.relu_nets``        :class:`ReLUNet` (the layer convention, sizes
                                         ``n_params`` and ``n_nonzero``), the private layer
                                         algebra (composition, parallelisation) and the exact
                                         piece count :func:`count_linear_pieces`
``dlmath.expressivity.universal``        universal approximation: :func:`shallow_relu_interpolant`,
                                         :func:`heaviside_ramp_network`;
                                         :func:`uat_1d_rate_demo`, :func:`heaviside_lp_demo`,
                                         :func:`polynomial_activation_demo`
``dlmath.expressivity.sobolev``          rates in Sobolev norms: :func:`sobolev_rate_demo`
``dlmath.expressivity.barron``           Maurey's identity (Barron spaces): :func:`maurey_demo`;
                                         one ReLU neuron against the spherical harmonics:
                                         :func:`relu_harmonic_energies`,
                                         :func:`relu_projection_errors`;
                                         :func:`barron_kernel_gap_demo`
``dlmath.expressivity.depth``            the sawtooth: :func:`sawtooth_network`,
                                         :func:`sawtooth`; :func:`telgarsky_demo`,
                                         :func:`depth_separation_training_demo`
``dlmath.expressivity.yarotsky``         squaring and multiplication:
                                         :func:`yarotsky_square_network`,
                                         :func:`yarotsky_product_network`,
                                         :func:`yarotsky_square`, :func:`yarotsky_product`;
                                         :func:`yarotsky_demo`
``dlmath.expressivity.simplex``          Kuhn-triangulation interpolation and the curse of
                                         dimensionality: :func:`hat_function_network`,
                                         :func:`simplex_interpolant_network`,
                                         :func:`simplex_interpolate`; :func:`curse_demo`
``dlmath.expressivity.vc_dimension``     the VC dimension of ReLU networks: the bit-extraction
                                         construction :func:`row_lookup_network`,
                                         :func:`bit_extraction_network`,
                                         :func:`shattering_network`, :func:`row_numbers`,
                                         :func:`binary_digits`, the bound :func:`vc_upper_bound`;
                                         :func:`vc_dimension_demo`
``dlmath.expressivity.closedness``       fixed-size classes are not closed: :func:`ramp_network`,
                                         :func:`lp_distance_to_step`,
                                         :func:`lipschitz_constant_1d`,
                                         :func:`weight_lipschitz_bound`,
                                         :func:`step_lipschitz_lower_bound`;
                                         :func:`non_closedness_demo`
``dlmath.expressivity.memorization``     memorisation: :func:`separating_direction`,
                                         :func:`shallow_memorizer`, :func:`two_layer_memorizer`;
                                         :func:`memorization_demo`
=======================================  =======================================================

Conventions: the networks and their builders default to float32 and accept a tensor or a NumPy
batch (the demos build them in float64, in which the dyadic constructions are exact);
:meth:`ReLUNet.evaluate` returns float64 NumPy. The functions :func:`sawtooth`,
:func:`yarotsky_square`, :func:`yarotsky_product` and :func:`simplex_interpolate` return NumPy
for NumPy and a tensor of the input's dtype and device for a tensor (computing in float64).

References
----------
Berner, Grohs, Kutyniok, Petersen (2022), Sections 3 (depth) and 4 (curse of dimensionality);
Yarotsky (2017); Telgarsky (2016).
"""

from __future__ import annotations

from .barron import (
    BarronKernelGapResult,
    MaureyResult,
    barron_kernel_gap_demo,
    maurey_demo,
    relu_harmonic_energies,
    relu_projection_errors,
)
from .closedness import (
    NonClosednessResult,
    lipschitz_constant_1d,
    lp_distance_to_step,
    non_closedness_demo,
    ramp_network,
    step_lipschitz_lower_bound,
    weight_lipschitz_bound,
)
from .depth import (
    DepthTrainingResult,
    SawtoothResult,
    depth_separation_training_demo,
    sawtooth,
    sawtooth_network,
    telgarsky_demo,
)
from .memorization import (
    MemorizationResult,
    memorization_demo,
    separating_direction,
    shallow_memorizer,
    two_layer_memorizer,
)
from .relu_nets import ReLUNet, count_linear_pieces
from .simplex import CurseResult, curse_demo, hat_function_network, simplex_interpolant_network, simplex_interpolate
from .sobolev import SobolevRateResult, sobolev_rate_demo
from .universal import (
    HeavisideLpResult,
    PolynomialActivationResult,
    UATRateResult,
    heaviside_lp_demo,
    heaviside_ramp_network,
    polynomial_activation_demo,
    shallow_relu_interpolant,
    uat_1d_rate_demo,
)
from .vc_dimension import (
    VCDimensionResult,
    binary_digits,
    bit_extraction_network,
    row_lookup_network,
    row_numbers,
    shattering_network,
    vc_dimension_demo,
    vc_upper_bound,
)
from .yarotsky import (
    YarotskyResult,
    yarotsky_demo,
    yarotsky_product,
    yarotsky_product_network,
    yarotsky_square,
    yarotsky_square_network,
)

__all__ = [
    # relu_nets
    "ReLUNet",
    "count_linear_pieces",
    # universal
    "shallow_relu_interpolant",
    "heaviside_ramp_network",
    "uat_1d_rate_demo",
    "heaviside_lp_demo",
    "polynomial_activation_demo",
    "UATRateResult",
    "HeavisideLpResult",
    "PolynomialActivationResult",
    # sobolev
    "sobolev_rate_demo",
    "SobolevRateResult",
    # barron
    "maurey_demo",
    "MaureyResult",
    "relu_harmonic_energies",
    "relu_projection_errors",
    "barron_kernel_gap_demo",
    "BarronKernelGapResult",
    # depth
    "sawtooth_network",
    "sawtooth",
    "telgarsky_demo",
    "depth_separation_training_demo",
    "SawtoothResult",
    "DepthTrainingResult",
    # yarotsky
    "yarotsky_square_network",
    "yarotsky_product_network",
    "yarotsky_square",
    "yarotsky_product",
    "yarotsky_demo",
    "YarotskyResult",
    # simplex
    "hat_function_network",
    "simplex_interpolant_network",
    "simplex_interpolate",
    "curse_demo",
    "CurseResult",
    # vc_dimension
    "row_lookup_network",
    "bit_extraction_network",
    "shattering_network",
    "row_numbers",
    "binary_digits",
    "vc_upper_bound",
    "vc_dimension_demo",
    "VCDimensionResult",
    # closedness
    "ramp_network",
    "lp_distance_to_step",
    "lipschitz_constant_1d",
    "weight_lipschitz_bound",
    "step_lipschitz_lower_bound",
    "non_closedness_demo",
    "NonClosednessResult",
    # memorization
    "separating_direction",
    "shallow_memorizer",
    "two_layer_memorizer",
    "memorization_demo",
    "MemorizationResult",
]

from .._export import publish  # noqa: E402

publish(__name__, globals(), __all__)
