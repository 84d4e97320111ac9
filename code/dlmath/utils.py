"""Shared numerical helpers: log-log slopes, seeding, argument checks, threads and progress.

The argument checks raise :class:`TypeError` for a value of the wrong kind and
:class:`ValueError` for a value of the right kind outside its range; both name the
argument, so that a reader sees at once which input was wrong.
"""

from __future__ import annotations

import contextlib
import functools
import numbers
from typing import Any, Callable, Iterable, Iterator, TypeVar

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
    "check_int_sequence",
    "check_real_sequence",
    "check_float_dtype",
    "is_tensor",
    "as_tensor",
    "as_array",
    "like_input",
    "torch_threads",
    "small_network_threads",
    "progress_bar",
    "DEFAULT_DTYPE",
    "NETWORK_DTYPE",
]

#: Default precision of closed forms and transforms (kernels, features, solvers, operators,
#: scattering): float64, so that the book's identities hold to double precision.
DEFAULT_DTYPE = "float64"
#: Default precision of networks (every ``nn.Module`` and network builder of ``dlmath``):
#: float32, PyTorch's default; pass ``dtype="float64"`` where a demo needs double precision.
NETWORK_DTYPE = "float32"


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
        If ``value`` cannot be converted to a numeric array, or is complex while ``dtype`` is real.
    ValueError
        If the dimension, size or finiteness is wrong.
    """
    if isinstance(value, (str, bytes)) or value is None:
        raise TypeError(f"{name} must be array-like of numbers, got {type(value).__name__}")
    if hasattr(value, "detach") and hasattr(value, "cpu"):
        value = value.detach().cpu().numpy()
    try:
        raw = np.asarray(value)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be array-like of numbers: {exc}") from None
    if np.iscomplexobj(raw) and not np.issubdtype(np.dtype(dtype), np.complexfloating):
        # casting would silently drop the imaginary part
        raise TypeError(f"{name} must be real, got complex dtype {raw.dtype}")
    try:
        arr = raw.astype(dtype, copy=False)
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
    """Return ``torch.device(device)`` for a device this machine has.

    Parameters
    ----------
    device : str or torch.device
        For example ``"cpu"``, ``"cuda"`` or ``"cuda:1"``.

    Raises
    ------
    ValueError
        If ``device`` is not a torch device, or names a CUDA or MPS device this machine does not
        have (the message says so, instead of torch's error at the first tensor).

    Examples
    --------
    >>> check_device("cpu")
    device(type='cpu')
    """
    import torch

    if not isinstance(device, (str, torch.device)):
        raise TypeError(f"device must be a string or a torch.device, got {type(device).__name__}")
    try:
        dev = torch.device(device)
    except (TypeError, RuntimeError) as exc:
        raise ValueError(f"device is not a valid torch device: {exc}") from None
    if dev.type == "cuda":
        if not torch.cuda.is_available():
            raise ValueError(f"device {str(dev)!r} is not available: this torch build or machine has no CUDA device")
        if dev.index is not None and dev.index >= torch.cuda.device_count():
            raise ValueError(f"device {str(dev)!r} is not available: {torch.cuda.device_count()} CUDA device(s)")
    elif dev.type == "mps" and not (hasattr(torch.backends, "mps") and torch.backends.mps.is_available()):
        raise ValueError(f"device {str(dev)!r} is not available on this machine")
    return dev


def check_int_sequence(
    value: Any,
    name: str,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
    min_len: int = 1,
    increasing: bool = False,
    distinct: bool = False,
) -> tuple[int, ...]:
    """Return ``value`` as a tuple of ints after checking each entry and the order.

    Parameters
    ----------
    value : sequence of int
        A list, tuple or one-dimensional integer array (not a string).
    name : str
        The argument's name, used in the error message (``widths[2] must be >= 1``).
    minimum, maximum : int, optional
        Inclusive bounds on every entry.
    min_len : int, default 1
        Least number of entries.
    increasing, distinct : bool, default False
        Require strictly increasing, or pairwise distinct, entries.

    Raises
    ------
    TypeError
        If ``value`` is not a sequence of integers.
    ValueError
        If it is too short, an entry is out of range, or the order is wrong.

    Examples
    --------
    >>> check_int_sequence([1, 2, 4], "widths", minimum=1, increasing=True)
    (1, 2, 4)
    """
    if isinstance(value, (str, bytes)) or not hasattr(value, "__len__") or getattr(value, "ndim", 1) != 1:
        raise TypeError(f"{name} must be a sequence of integers, got {type(value).__name__}")
    out = tuple(check_int(v, f"{name}[{i}]", minimum=minimum, maximum=maximum) for i, v in enumerate(value))
    if len(out) < min_len:
        raise ValueError(f"{name} must have at least {min_len} entries, got {len(out)}")
    if increasing and any(b <= a for a, b in zip(out[:-1], out[1:])):
        raise ValueError(f"{name} must be strictly increasing, got {out}")
    if distinct and len(set(out)) != len(out):
        raise ValueError(f"{name} must have distinct entries, got {out}")
    return out


def check_real_sequence(
    value: Any,
    name: str,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    strict_min: bool = False,
    min_len: int = 1,
    increasing: bool = False,
) -> tuple[float, ...]:
    """Return ``value`` as a tuple of finite floats after checking each entry and the order.

    Parameters
    ----------
    value : sequence of float
        A list, tuple or one-dimensional array of real numbers.
    name : str
        The argument's name, used in the error message.
    minimum, maximum : float, optional
        Bounds on every entry (``minimum`` strict if ``strict_min``).
    min_len : int, default 1
        Least number of entries.
    increasing : bool, default False
        Require strictly increasing entries.

    Raises
    ------
    TypeError
        If ``value`` is not a sequence of real numbers.
    ValueError
        If it is too short, an entry is not finite or out of range, or the order is wrong.

    Examples
    --------
    >>> check_real_sequence((0.5, 1), "lams", minimum=0.0, strict_min=True)
    (0.5, 1.0)
    """
    if isinstance(value, (str, bytes)) or not hasattr(value, "__len__") or getattr(value, "ndim", 1) != 1:
        raise TypeError(f"{name} must be a sequence of real numbers, got {type(value).__name__}")
    out = tuple(
        check_real(v, f"{name}[{i}]", minimum=minimum, maximum=maximum, strict_min=strict_min)
        for i, v in enumerate(value)
    )
    if len(out) < min_len:
        raise ValueError(f"{name} must have at least {min_len} entries, got {len(out)}")
    if increasing and any(b <= a for a, b in zip(out[:-1], out[1:])):
        raise ValueError(f"{name} must be strictly increasing, got {out}")
    return out


_DTYPE_NAMES = {
    "float16": "float16",
    "half": "float16",
    "bfloat16": "bfloat16",
    "float32": "float32",
    "float": "float32",
    "float64": "float64",
    "double": "float64",
}


def check_float_dtype(dtype: Any, name: str = "dtype"):
    """Return the floating :class:`torch.dtype` that ``dtype`` names.

    Accepted alike: ``torch.float64``, ``"float64"`` (or ``"double"``), ``np.float64`` and
    ``np.dtype("float64")``; the same for float32, float16 and bfloat16.

    Raises
    ------
    TypeError
        If ``dtype`` names no floating dtype (an integer or complex dtype, or another object).

    Examples
    --------
    >>> check_float_dtype("float64") is check_float_dtype(np.float64)
    True
    """
    import torch

    if isinstance(dtype, torch.dtype):
        if dtype.is_floating_point:
            return dtype
        raise TypeError(f"{name} must be a floating dtype, got {dtype}")
    key = None
    if isinstance(dtype, str):
        key = _DTYPE_NAMES.get(dtype.removeprefix("torch."))
    elif dtype is not None and not isinstance(dtype, bool):
        try:
            key = _DTYPE_NAMES.get(np.dtype(dtype).name)
        except TypeError:
            key = None
    if key is None:
        raise TypeError(f"{name} must be a floating dtype such as torch.float64 or 'float64', got {dtype!r}")
    return getattr(torch, key)


def is_tensor(value: Any) -> bool:
    """Whether ``value`` is a :class:`torch.Tensor` (without importing torch for other values)."""
    cls = type(value)
    if not any(c.__module__.startswith("torch") for c in cls.__mro__):
        return False
    import torch

    return isinstance(value, torch.Tensor)


def as_tensor(value: Any, name: str, *, dtype: Any = None, device: Any = None, ndim: int | None = None):
    """``value`` as a floating tensor: the conversion at the entry of a data-to-data function.

    A tensor keeps its device, and its dtype unless ``dtype`` is given; NumPy arrays, lists and
    scalars become tensors of ``dtype`` (default :data:`DEFAULT_DTYPE`) on ``device``.

    Parameters
    ----------
    value : array_like or torch.Tensor
    name : str
        The argument's name, used in the error messages.
    dtype : torch.dtype or str, optional
        Floating dtype of the result (see :func:`check_float_dtype`).
    device : str or torch.device, optional
        Device for a value that is not a tensor yet (default CPU).
    ndim : int, optional
        Required number of dimensions.

    Raises
    ------
    TypeError
        If ``value`` is not numeric, or is complex.
    ValueError
        If it has the wrong number of dimensions or non-finite entries.
    """
    import torch

    target = None if dtype is None else check_float_dtype(dtype)
    if is_tensor(value):
        if value.is_complex():
            raise TypeError(f"{name} must be real, got a complex tensor")
        t = value if target is None else value.to(target)
        if not t.is_floating_point():
            t = t.to(torch.float64)
    else:
        if isinstance(value, (str, bytes)) or value is None:
            raise TypeError(f"{name} must be array-like of numbers or a tensor, got {type(value).__name__}")
        arr = np.asarray(value)
        if arr.dtype.kind == "c":
            raise TypeError(f"{name} must be real, got a complex array")
        if arr.dtype.kind not in "biuf":
            raise TypeError(f"{name} must be array-like of numbers or a tensor, got dtype {arr.dtype}")
        t = torch.as_tensor(arr.astype(np.float64, copy=False), dtype=target or check_float_dtype(DEFAULT_DTYPE))
        if device is not None:
            t = t.to(check_device(device))
    if ndim is not None and t.ndim != ndim:
        raise ValueError(f"{name} must have {ndim} dimension(s), got shape {tuple(t.shape)}")
    if t.numel() and not bool(torch.isfinite(t).all()):
        raise ValueError(f"{name} must contain only finite numbers")
    return t


def as_array(value: Any, name: str, *, ndim: int | None = None, min_size: int = 0) -> np.ndarray:
    """``value`` as a float64 NumPy array: the entry of a NumPy-based data-to-data function.

    The checks are those of :func:`as_tensor`; a tensor of any floating dtype or device is read in
    float64 on the CPU. The function's exit is :func:`like_input` with the caller's argument, so
    that a tensor in still gives a tensor out.

    Parameters
    ----------
    value : array_like or torch.Tensor
    name : str
        The argument's name, used in the error messages.
    ndim : int, optional
        Required number of dimensions.
    min_size : int, default 0
        Minimal number of entries.

    Raises
    ------
    TypeError
        If ``value`` is not numeric, or is complex.
    ValueError
        If it has the wrong number of dimensions, too few or non-finite entries.

    Examples
    --------
    >>> import torch
    >>> from dlmath.utils import as_array
    >>> as_array(torch.ones(2, dtype=torch.float32), "x").dtype
    dtype('float64')
    """
    import torch

    t = as_tensor(value, name, ndim=ndim)
    if t.numel() < min_size:
        raise ValueError(f"{name} must have at least {min_size} entries, got shape {tuple(t.shape)}")
    return t.detach().to(device="cpu", dtype=torch.float64).numpy()


def like_input(result: Any, reference: Any) -> Any:
    """Return ``result`` in the kind of ``reference``: the conversion at the exit of a function.

    If ``reference`` (what the caller passed) is a tensor, ``result`` becomes a tensor on its
    device and of its floating dtype; otherwise a NumPy array (float64 for floating results).
    Tuples and lists are converted entry by entry.
    """
    if isinstance(result, (tuple, list)):
        return type(result)(like_input(r, reference) for r in result)
    if is_tensor(reference):
        import torch

        dtype = reference.dtype if reference.is_floating_point() else None
        if is_tensor(result):
            return result.to(device=reference.device, dtype=dtype if result.is_floating_point() else None)
        arr = np.asarray(result)
        t = torch.as_tensor(arr, device=reference.device)
        return t.to(dtype) if (dtype is not None and t.is_floating_point()) else t
    if is_tensor(result):
        return result.detach().cpu().numpy()
    return np.asarray(result) if not np.isscalar(result) else result


# --------------------------------------------------------------------------- threads, progress


@contextlib.contextmanager
def torch_threads(n: int) -> Iterator[None]:
    """Run the body with ``torch.set_num_threads(n)`` and restore the caller's count afterwards.

    Parameters
    ----------
    n : int
        Intra-op threads, >= 1.

    Raises
    ------
    TypeError, ValueError
        If ``n`` is not an integer >= 1.

    Examples
    --------
    >>> import torch
    >>> before = torch.get_num_threads()
    >>> with torch_threads(1):
    ...     torch.get_num_threads()
    1
    >>> torch.get_num_threads() == before
    True
    """
    n = check_int(n, "n", minimum=1)
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(before)


F = TypeVar("F", bound=Callable[..., Any])


def small_network_threads(func: F) -> F:
    """Decorator: the demo runs on one torch thread and gives the caller's count back.

    The demos so marked train networks with a few dozen to a few hundred units per layer, on
    batches of at most a few thousand points. At that size a matrix product takes microseconds,
    and the synchronisation of several threads costs more than it saves: with torch's default
    of one thread per core such demos ran 2-4 times slower on two cores than on one, and far
    slower when other processes held the cores. One thread gives a user the speed the book gets.
    """

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with torch_threads(1):
            return func(*args, **kwargs)

    wrapper.small_network_threads = True  # type: ignore[attr-defined]
    return wrapper  # type: ignore[return-value]


def progress_bar(iterable: Iterable, progress: bool, *, total: int | None = None, desc: str | None = None):
    """``iterable`` with a progress bar when ``progress`` is true (tqdm: a widget in notebooks,
    a line in terminals), else ``iterable`` itself, silently.

    Parameters
    ----------
    iterable : iterable or None
        None makes a bar advanced by hand (``bar.update()``), or None when ``progress`` is false.
    progress : bool
        The ``progress=`` argument of the calling function (checked here).
    total : int, optional
        Its length, if ``len`` does not tell.
    desc : str, optional
        The label before the bar.

    Raises
    ------
    TypeError
        If ``progress`` is not a bool.
    """
    if not check_bool(progress, "progress"):
        return iterable
    from tqdm.auto import tqdm

    return tqdm(iterable, total=total, desc=desc, leave=False)
