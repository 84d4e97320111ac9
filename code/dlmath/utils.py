"""Shared numerical helpers: log-log slopes, seeding and argument checks.

The argument checks raise :class:`TypeError` for a value of the wrong kind and
:class:`ValueError` for a value of the right kind outside its range; both name the
argument, so that a reader sees at once which input was wrong.
"""
from __future__ import annotations

import numbers
from typing import Any, Iterable

import numpy as np

__all__ = [
    "loglog_slope",
    "rng",
    "torch_generator",
    "check_int",
    "check_real",
    "check_choice",
    "check_array",
    "check_bool",
    "check_device",
]


def loglog_slope(x: Any, y: Any) -> float:
    r"""Least-squares slope of :math:`\log y` against :math:`\log x`.

    This is how the book measures a rate: if :math:`y \approx C x^{s}` then
    :math:`\log y = \log C + s \log x`, and the slope of the least-squares line through
    the points :math:`(\log x_i, \log y_i)` estimates :math:`s`.

    Parameters
    ----------
    x, y : array_like, shape (m,)
        Positive, finite numbers, at least two distinct values of ``x``.

    Returns
    -------
    float
        The fitted exponent :math:`s`.

    Raises
    ------
    ValueError
        If the shapes differ, fewer than two points are given, a value is not positive and
        finite, or all ``x`` are equal.

    Examples
    --------
    >>> import numpy as np
    >>> n = np.array([8, 16, 32, 64])
    >>> round(loglog_slope(n, 3.0 / n**2), 12)
    -2.0

    References
    ----------
    Used throughout the book, first in the chapter *Risk, Bayes predictors and ERM*.
    """
    xa = check_array(x, "x", ndim=1)
    ya = check_array(y, "y", ndim=1)
    if xa.shape != ya.shape:
        raise ValueError(f"x and y must have the same shape, got {xa.shape} and {ya.shape}")
    if xa.size < 2:
        raise ValueError("x must contain at least two points")
    if not (np.all(np.isfinite(xa)) and np.all(xa > 0)):
        raise ValueError("x must contain positive finite numbers")
    if not (np.all(np.isfinite(ya)) and np.all(ya > 0)):
        raise ValueError("y must contain positive finite numbers")
    lx, ly = np.log(xa), np.log(ya)
    lxc = lx - lx.mean()
    denom = float(lxc @ lxc)
    if denom == 0.0:
        raise ValueError("x must contain at least two distinct values")
    return float(lxc @ (ly - ly.mean()) / denom)


def rng(seed: int) -> np.random.Generator:
    """A NumPy random generator for ``seed`` (PCG64), the only source of randomness in demos.

    Parameters
    ----------
    seed : int
        Non-negative integer seed.

    Returns
    -------
    numpy.random.Generator
    """
    return np.random.default_rng(check_int(seed, "seed", minimum=0))


def torch_generator(seed: int):
    """A CPU :class:`torch.Generator` seeded with ``seed``.

    Parameters are drawn on the CPU with this generator and then moved to the requested
    device, so a network has the same initial weights on every device.

    Parameters
    ----------
    seed : int
        Non-negative integer seed.
    """
    import torch

    g = torch.Generator(device="cpu")
    g.manual_seed(check_int(seed, "seed", minimum=0))
    return g


def check_bool(value: Any, name: str) -> bool:
    """Return ``value`` if it is a bool, else raise :class:`TypeError` naming ``name``."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be a bool, got {type(value).__name__}")
    return bool(value)


def check_int(value: Any, name: str, *, minimum: int | None = None, maximum: int | None = None) -> int:
    """Return ``value`` as an ``int`` after checking its type and range.

    Parameters
    ----------
    value : Any
        The argument to check; bools are rejected.
    name : str
        The argument's name, used in the error message.
    minimum, maximum : int, optional
        Inclusive bounds.

    Raises
    ------
    TypeError
        If ``value`` is not an integer.
    ValueError
        If ``value`` is outside ``[minimum, maximum]``.
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {type(value).__name__}")
    value = int(value)
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} must be <= {maximum}, got {value}")
    return value


def check_real(
    value: Any,
    name: str,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    strict_min: bool = False,
    strict_max: bool = False,
) -> float:
    """Return ``value`` as a finite ``float`` after checking its type and range.

    Parameters
    ----------
    value : Any
        A real number (int or float, not bool).
    name : str
        The argument's name, used in the error message.
    minimum, maximum : float, optional
        Bounds; inclusive unless ``strict_min`` / ``strict_max``.

    Raises
    ------
    TypeError
        If ``value`` is not a real number.
    ValueError
        If ``value`` is not finite or is out of range.
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}")
    if minimum is not None and (value < minimum or (strict_min and value == minimum)):
        op = ">" if strict_min else ">="
        raise ValueError(f"{name} must be {op} {minimum}, got {value}")
    if maximum is not None and (value > maximum or (strict_max and value == maximum)):
        op = "<" if strict_max else "<="
        raise ValueError(f"{name} must be {op} {maximum}, got {value}")
    return value


def check_choice(value: Any, name: str, choices: Iterable[str]) -> str:
    """Return ``value`` if it is one of the strings ``choices``.

    Raises
    ------
    TypeError
        If ``value`` is not a string.
    ValueError
        If ``value`` is not among ``choices``; the message lists them.
    """
    choices = tuple(choices)
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, one of {choices}, got {type(value).__name__}")
    if value not in choices:
        raise ValueError(f"{name} must be one of {choices}, got {value!r}")
    return value


def check_array(
    value: Any,
    name: str,
    *,
    ndim: int | None = None,
    dtype: Any = np.float64,
    finite: bool = True,
    min_size: int = 0,
) -> np.ndarray:
    """Convert ``value`` to a NumPy array and check its dimension and entries.

    Parameters
    ----------
    value : array_like
        Numbers (a list, an array, or a CPU tensor).
    name : str
        The argument's name, used in the error message.
    ndim : int, optional
        Required number of dimensions.
    dtype : numpy dtype, default float64
        Target dtype.
    finite : bool, default True
        Require all entries to be finite.
    min_size : int, default 0
        Minimal number of entries.

    Raises
    ------
    TypeError
        If ``value`` cannot be converted to a numeric array.
    ValueError
        If the dimension, size or finiteness is wrong.
    """
    if isinstance(value, (str, bytes)) or value is None:
        raise TypeError(f"{name} must be array-like of numbers, got {type(value).__name__}")
    if hasattr(value, "detach") and hasattr(value, "cpu"):
        value = value.detach().cpu().numpy()
    try:
        arr = np.asarray(value, dtype=dtype)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be array-like of numbers: {exc}") from None
    if ndim is not None and arr.ndim != ndim:
        raise ValueError(f"{name} must have {ndim} dimension(s), got shape {arr.shape}")
    if arr.size < min_size:
        raise ValueError(f"{name} must have at least {min_size} entries, got {arr.size}")
    if finite and np.issubdtype(arr.dtype, np.number) and not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must contain only finite numbers")
    return arr


def check_device(device: Any):
    """Return ``torch.device(device)``, or raise :class:`ValueError` naming ``device``.

    Parameters
    ----------
    device : str or torch.device
        For example ``"cpu"``, ``"cuda"`` or ``"cuda:1"``.
    """
    import torch

    try:
        return torch.device(device)
    except (TypeError, RuntimeError) as exc:
        raise ValueError(f"device is not a valid torch device: {exc}") from None
