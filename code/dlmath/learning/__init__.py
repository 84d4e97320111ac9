r"""Part I of the book, *The learning problem*: risk, Bayes predictors, ERM and the error decomposition.

=========================================  ===================================================================
module                                     content
=========================================  ===================================================================
``dlmath.learning.bayes``                  risk and Bayes predictors: the excess-risk identities of the
                                           squared and the 0-1 loss (:func:`bayes_excess_risk_demo`)
``dlmath.learning.finite_class``           ERM over a finite class: Hoeffding's inequality and the union
                                           bound (:func:`threshold_risk`, :func:`independent_sup_quantile`,
                                           :func:`finite_class_demo`)
``dlmath.learning.ols``                    the exact risk of ordinary least squares, fixed and Gaussian
                                           design (:func:`ols_risk_demo`)
``dlmath.learning.features``               the orthonormal shifted Legendre basis on [0, 1]
                                           (:func:`legendre_features`)
``dlmath.learning.relu_networks``          ReLU networks: parameter counts (:func:`relu_param_count`),
                                           Lipschitz bounds (:func:`spectral_norm_product`), piecewise
                                           affinity and rescaling (:func:`relu_properties_demo`)
``dlmath.learning.error_decomposition``    approximation, estimation and optimisation errors of gradient
                                           descent on polynomial least squares
                                           (:func:`error_decomposition_demo`)
=========================================  ===================================================================

The first three modules belong to chapter *Risk, Bayes predictors and empirical risk
minimisation*, the last three to chapter *Neural networks and the error decomposition*.

* :func:`bayes_excess_risk_demo` -- the Bayes predictors of the squared and the 0-1 loss and
  their excess-risk identities;
* :func:`finite_class_demo` -- Hoeffding's inequality and the union bound for a finite class;
* :func:`ols_risk_demo` -- the exact risk of ordinary least squares (fixed and Gaussian design);
* :func:`relu_properties_demo` -- ReLU networks are continuous piecewise affine, invariant under
  the positive rescaling of consecutive layers, and Lipschitz with constant at most the product
  of the spectral norms of their weights;
* :func:`error_decomposition_demo` -- approximation, estimation and optimisation errors of
  gradient descent on polynomial least squares, in the basis of :func:`legendre_features`.

Helpers used by the demos and the exercises: :func:`threshold_risk`,
:func:`independent_sup_quantile`, :func:`relu_param_count`, :func:`spectral_norm_product`.
The data-to-data functions (:func:`threshold_risk`, :func:`legendre_features`) take NumPy (or a
list) and return NumPy, or take a tensor and return a tensor of its dtype on its device.

Every theorem check of these chapters is declared once, beside its demo, with
:func:`dlmath.results.declare_check`.
"""

from __future__ import annotations

from .bayes import BayesExcessResult, bayes_excess_risk_demo
from .error_decomposition import ErrorDecompositionResult, error_decomposition_demo
from .features import legendre_features
from .finite_class import FiniteClassResult, finite_class_demo, independent_sup_quantile, threshold_risk
from .ols import OLSRiskResult, ols_risk_demo
from .relu_networks import ReluPropertiesResult, relu_param_count, relu_properties_demo, spectral_norm_product

__all__ = [
    # bayes
    "BayesExcessResult",
    "bayes_excess_risk_demo",
    # finite_class
    "threshold_risk",
    "independent_sup_quantile",
    "FiniteClassResult",
    "finite_class_demo",
    # ols
    "OLSRiskResult",
    "ols_risk_demo",
    # features
    "legendre_features",
    # relu_networks
    "relu_param_count",
    "spectral_norm_product",
    "ReluPropertiesResult",
    "relu_properties_demo",
    # error_decomposition
    "ErrorDecompositionResult",
    "error_decomposition_demo",
]

from .._export import publish  # noqa: E402

publish(__name__, globals(), __all__)
