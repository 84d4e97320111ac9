"""Convention cases of dlmath.learning."""

import numpy as np
import torch

from dlmath import learning

DATA_FUNCTIONS = {
    "threshold_risk": lambda to: ((to([0.0, 0.3, 0.55, 1.0]),), {}),
    "legendre_features": lambda to: ((to([0.0, 0.25, 1.0]), 3), {}),
}

NETWORKS: dict = {}

OTHER = {
    "independent_sup_quantile": "returns a float (an exact binomial quantile; no data in)",
    "relu_param_count": "returns an int (a count from the widths)",
    "spectral_norm_product": "returns a float (from a module's weights)",
}

BAD_INPUTS = [
    # bayes
    ("bayes-ts-range", lambda: learning.bayes_excess_risk_demo(ts=[0.2, 1.5]), ValueError, r"ts\[1\]"),
    ("bayes-ts-type", lambda: learning.bayes_excess_risk_demo(ts="0.5"), TypeError, "ts"),
    ("bayes-ts-empty", lambda: learning.bayes_excess_risk_demo(ts=()), ValueError, "ts"),
    ("bayes-n", lambda: learning.bayes_excess_risk_demo(n=10), ValueError, r"\bn\b"),
    ("bayes-n-type", lambda: learning.bayes_excess_risk_demo(n=1e5), TypeError, r"\bn\b"),
    ("bayes-seed", lambda: learning.bayes_excess_risk_demo(n=1000, seed=-1), ValueError, "seed"),
    # finite_class
    ("finite-delta", lambda: learning.finite_class_demo(delta=1.0), ValueError, "delta"),
    ("finite-grid", lambda: learning.finite_class_demo(grid=1), ValueError, "grid"),
    ("finite-n_rep", lambda: learning.finite_class_demo(n_rep=1), ValueError, "n_rep"),
    ("finite-class_sizes-window", lambda: learning.finite_class_demo(class_sizes=(10, 100)), ValueError, "class_sizes"),
    (
        "finite-class_sizes-entry",
        lambda: learning.finite_class_demo(class_sizes=(0, 10**5, 10**6)),
        ValueError,
        r"class_sizes\[0\]",
    ),
    ("finite-class_sizes-type", lambda: learning.finite_class_demo(class_sizes=10**5), TypeError, "class_sizes"),
    ("finite-indep_n", lambda: learning.finite_class_demo(indep_n=1), ValueError, "indep_n"),
    ("threshold_risk-t-range", lambda: learning.threshold_risk(1.2), ValueError, r"\bt\b"),
    ("threshold_risk-t-string", lambda: learning.threshold_risk("0.5"), TypeError, r"\bt\b"),
    ("threshold_risk-t-complex", lambda: learning.threshold_risk(np.array([0.5 + 1j])), TypeError, r"\bt\b"),
    ("threshold_risk-t-nan", lambda: learning.threshold_risk(torch.tensor([float("nan")])), ValueError, r"\bt\b"),
    ("threshold_risk-flip", lambda: learning.threshold_risk(0.5, flip=0.7), ValueError, "flip"),
    ("threshold_risk-t0", lambda: learning.threshold_risk(0.5, t0=-0.1), ValueError, "t0"),
    ("independent_sup_quantile-m", lambda: learning.independent_sup_quantile(10, 0, 0.1), ValueError, r"\bm\b"),
    ("independent_sup_quantile-n", lambda: learning.independent_sup_quantile(10.0, 5, 0.1), TypeError, r"\bn\b"),
    ("independent_sup_quantile-delta", lambda: learning.independent_sup_quantile(10, 5, 0.0), ValueError, "delta"),
    # ols
    ("ols-dims-range", lambda: learning.ols_risk_demo(n=20, dims=(5, 19)), ValueError, "dims"),
    ("ols-dims-type", lambda: learning.ols_risk_demo(dims=5), TypeError, "dims"),
    ("ols-dims-entry", lambda: learning.ols_risk_demo(dims=(5, 0)), ValueError, r"dims\[1\]"),
    ("ols-sigma", lambda: learning.ols_risk_demo(sigma=0.0), ValueError, "sigma"),
    ("ols-n_rep", lambda: learning.ols_risk_demo(n_rep=0), ValueError, "n_rep"),
    ("ols-n", lambda: learning.ols_risk_demo(n=3), ValueError, r"\bn\b"),
    # features
    ("legendre_features-degree", lambda: learning.legendre_features([0.1, 0.2], -1), ValueError, "degree"),
    (
        "legendre_features-x-ndim",
        lambda: learning.legendre_features([[0.1]], 2),
        ValueError,
        r"x must have 1 dimension",
    ),
    ("legendre_features-x-string", lambda: learning.legendre_features("0.1", 2), TypeError, r"\bx\b"),
    ("legendre_features-x-complex", lambda: learning.legendre_features(np.array([0.1j]), 2), TypeError, r"\bx\b"),
    ("legendre_features-degree-type", lambda: learning.legendre_features([0.1], 2.5), TypeError, "degree"),
    # relu_networks
    ("relu-widths-short", lambda: learning.relu_properties_demo(widths=(3,)), ValueError, "widths"),
    ("relu-widths-entry", lambda: learning.relu_properties_demo(widths=(3, 0, 1)), ValueError, r"widths\[1\]"),
    ("relu-n_points", lambda: learning.relu_properties_demo(n_points=0), ValueError, "n_points"),
    ("relu-device", lambda: learning.relu_properties_demo(device="tpu"), ValueError, "device"),
    ("relu-device-type", lambda: learning.relu_properties_demo(device=3), TypeError, "device"),
    ("relu_param_count-widths-type", lambda: learning.relu_param_count(5), TypeError, "widths"),
    ("relu_param_count-widths-short", lambda: learning.relu_param_count((4,)), ValueError, "widths"),
    ("spectral_norm_product-model", lambda: learning.spectral_norm_product("net"), TypeError, "model"),
    ("spectral_norm_product-no-linear", lambda: learning.spectral_norm_product(torch.nn.ReLU()), ValueError, "model"),
    # error_decomposition
    (
        "decomposition-degrees-range",
        lambda: learning.error_decomposition_demo(degrees=(1, 60), n=50),
        ValueError,
        "degrees",
    ),
    ("decomposition-degrees-type", lambda: learning.error_decomposition_demo(degrees=3), TypeError, "degrees"),
    ("decomposition-gd_steps", lambda: learning.error_decomposition_demo(gd_steps=-1), ValueError, "gd_steps"),
    ("decomposition-n", lambda: learning.error_decomposition_demo(n=1), ValueError, r"\bn\b"),
]
