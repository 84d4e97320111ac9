r"""Part VI of the book: PINNs for the Poisson and the heat equation, operator networks and the Deep Ritz method.

==========================================  ====================================================================
module                                      content
==========================================  ====================================================================
``dlmath.pde.poisson``                      the model problem :math:`-u'' = f` on :math:`(0,1)`, :math:`u(0) =
                                            u(1) = 0`: exact solution and source (:func:`poisson_exact`,
                                            :func:`poisson_rhs`), :math:`L^2` norms by Gauss-Legendre
                                            quadrature (:func:`l2_norm`), the a-posteriori bound
                                            (:func:`poisson_error_bound`)
``dlmath.pde.rf_pinn``                      the random-feature PINN, trained by linear least squares
                                            (:func:`rf_pinn_poisson`)
``dlmath.pde.stability``                    theorem ``pde-poisson_stability`` on random-feature PINNs and its
                                            sharpness (:func:`poisson_stability_demo`)
``dlmath.pde.generalization``               theorem ``pde-pinn_generalization``: training residual plus
                                            quadrature error (:func:`pinn_generalization_demo`)
``dlmath.pde.pinn``                         a genuine PINN for the Poisson problem (:class:`PoissonPINN`),
                                            trained with Adam and L-BFGS (:func:`train_pinn_poisson`)
``dlmath.pde.heat``                         the heat equation: exact solution (:func:`heat_exact`), a PINN
                                            with the data built in (:class:`HeatPINN`) and its energy bound
                                            (:func:`train_pinn_heat`)
``dlmath.pde.deeponet``                     operator networks for the Poisson solution operator: a Gaussian
                                            random source (:func:`sine_field_spectrum`,
                                            :func:`poisson_random_field`), the push-forward spectrum
                                            (:func:`pushforward_eigenvalues`), the reconstruction lower bound
                                            (:func:`reconstruction_lower_bound`), :class:`DeepONet`;
                                            :func:`deeponet_demo`
``dlmath.pde.fourier_operator``             Fourier layers across resolutions (:func:`fourier_layer`,
                                            :class:`FourierLayer`, :class:`FNO1d`), a periodic Poisson problem
                                            (:func:`periodic_poisson_field`) and the mode-truncation bound
                                            (:func:`spectral_tail_bound`); :func:`fno_demo`
``dlmath.pde.deep_ritz``                    the Deep Ritz method: the energy (:func:`ritz_energy`), the terms of
                                            the energy identity (:func:`ritz_identity_terms`), the H^1 error
                                            from the energy gap (:func:`ritz_error_bound`), a network with
                                            built-in boundary values (:class:`DeepRitzNet`) and its training
                                            (:func:`train_deep_ritz`); :func:`deep_ritz_demo`
==========================================  ====================================================================

The model problem is the Poisson problem on the unit interval,

.. math::

    -u'' = f \quad\text{on } (0,1), \qquad u(0) = u(1) = 0,
    \qquad u(x) = \sin(\pi x) + \tfrac12 \sin(3\pi x).

A trial function :math:`v` (a network) has the strong-form residual :math:`r = -v'' - f`; the
a-posteriori bound of the book is

.. math::

    \|u - v\|_{L^2} \le \pi^{-2} \|r\|_{L^2} + \big((e_0^2 + e_0 e_1 + e_1^2)/3\big)^{1/2},
    \qquad e_0 = v(0),\ e_1 = v(1).

The closed forms (:func:`poisson_exact`, :func:`poisson_rhs`, :func:`heat_exact`) and the
random-feature PINN (:func:`rf_pinn_poisson`) take NumPy (or a list) and return NumPy, or take a
tensor and return a tensor of its dtype on its device (computed in float64). The networks
:class:`PoissonPINN` and :class:`HeatPINN` take a tensor or a NumPy batch, return a tensor and
default to float32; :func:`train_pinn_poisson` and :func:`train_pinn_heat` train them in float64.

Every theorem check of the chapter is declared once, beside its demo, with
:func:`dlmath.results.declare_check`.

References
----------
Raissi, Perdikaris, Karniadakis (2019); Mishra and Molinaro (2023); Evans, *Partial
Differential Equations*, Secs. 6.5 and 7.1; Lu et al. (2021); Lanthaler, Mishra, Karniadakis
(2022); Li et al. (2021); Kovachki, Lanthaler, Mishra (2021); E and Yu (2018).
"""

from __future__ import annotations

from .deep_ritz import (
    DeepRitzNet,
    DeepRitzResult,
    deep_ritz_demo,
    ritz_energy,
    ritz_error_bound,
    ritz_identity_terms,
    train_deep_ritz,
)
from .deeponet import (
    DeepONet,
    DeepONetResult,
    deeponet_demo,
    poisson_random_field,
    pushforward_eigenvalues,
    reconstruction_lower_bound,
    sine_field_spectrum,
)
from .fourier_operator import (
    FNO1d,
    FNOResult,
    FourierLayer,
    fno_demo,
    fourier_layer,
    periodic_poisson_field,
    spectral_tail_bound,
)
from .generalization import PINNGeneralizationResult, pinn_generalization_demo
from .heat import HeatPINN, PINNHeatResult, heat_exact, train_pinn_heat
from .pinn import PINNPoissonResult, PoissonPINN, train_pinn_poisson
from .poisson import l2_norm, poisson_error_bound, poisson_exact, poisson_rhs
from .rf_pinn import rf_pinn_poisson
from .stability import PoissonStabilityResult, poisson_stability_demo

__all__ = [
    # poisson
    "poisson_exact",
    "poisson_rhs",
    "l2_norm",
    "poisson_error_bound",
    # rf_pinn
    "rf_pinn_poisson",
    # stability
    "PoissonStabilityResult",
    "poisson_stability_demo",
    # generalization
    "PINNGeneralizationResult",
    "pinn_generalization_demo",
    # pinn
    "PoissonPINN",
    "PINNPoissonResult",
    "train_pinn_poisson",
    # heat
    "heat_exact",
    "HeatPINN",
    "PINNHeatResult",
    "train_pinn_heat",
    # deeponet
    "sine_field_spectrum",
    "poisson_random_field",
    "pushforward_eigenvalues",
    "reconstruction_lower_bound",
    "DeepONet",
    "DeepONetResult",
    "deeponet_demo",
    # fourier_operator
    "fourier_layer",
    "FourierLayer",
    "FNO1d",
    "periodic_poisson_field",
    "spectral_tail_bound",
    "FNOResult",
    "fno_demo",
    # deep_ritz
    "ritz_energy",
    "ritz_identity_terms",
    "ritz_error_bound",
    "DeepRitzNet",
    "train_deep_ritz",
    "DeepRitzResult",
    "deep_ritz_demo",
]

from .._export import publish  # noqa: E402

publish(__name__, globals(), __all__)
