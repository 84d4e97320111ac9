"""Littlewood-Paley filter banks: the smooth cutoff, the 1-D and 2-D banks, scattering paths."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..utils import check_array, check_int, like_input


def smooth_cutoff(s: Any) -> np.ndarray:
    r"""The :math:`C^\infty` cut-off :math:`\chi` with :math:`\chi = 1` on :math:`[0,1]`, :math:`\chi = 0` on :math:`[2,\infty)`.

    :math:`\chi(s) = g(2-s)/(g(2-s) + g(s-1))` with :math:`g(t) = e^{-1/t}` for :math:`t>0`,
    :math:`g(t) = 0` otherwise; :math:`\chi` is non-increasing.

    Parameters
    ----------
    s : array_like
        Non-negative numbers.

    Returns
    -------
    numpy.ndarray
        :math:`\chi(s)`, same shape.

    References
    ----------
    Book, chapter *Convolutions and the scattering transform*.
    """
    s_in = s
    s = check_array(s, "s")
    if np.any(s < 0):
        raise ValueError("s must be non-negative")

    def g(t):
        out = np.zeros_like(t)
        pos = t > 0
        out[pos] = np.exp(-1.0 / t[pos])
        return out

    a, b = g(2.0 - s), g(s - 1.0)
    return like_input(a / (a + b), s_in)


def lp_filter_bank(N: int, J: int) -> tuple[np.ndarray, np.ndarray]:
    r"""A 1-D filter bank on :math:`\Z_N` with an exact Littlewood–Paley identity.

    With :math:`\omega_k = 2\pi k/N \in [-\pi, \pi)` the DFT frequencies, :math:`s = |\omega|/\pi`
    and :math:`\chi` = :func:`smooth_cutoff`, the Fourier transforms are

    .. math::

        |\hat\phi_J|^2 = \chi(2^J s), \qquad
        |\hat\psi_{j,\pm}|^2 = \bigl[\chi(2^{j-1}s) - \chi(2^{j}s)\bigr]\,\mathbf 1\{\pm\omega > 0\},
        \quad j = 1, \dots, J,

    (the frequency :math:`\omega = -\pi` counts as negative), so that
    :math:`|\hat\phi_J|^2 + \sum_{j,\pm} |\hat\psi_{j,\pm}|^2 = 1` at every frequency. The
    wavelets are analytic (one-sided spectrum); :math:`j = 1` is the finest scale.

    Parameters
    ----------
    N : int
        Signal length, >= 4.
    J : int
        Number of scales, :math:`1 \le J` and :math:`2^J \le N`.

    Returns
    -------
    phi_hat : numpy.ndarray, shape (N,)
        Non-negative Fourier multiplier of the low-pass filter (in ``np.fft`` order).
    psi_hats : numpy.ndarray, shape (2J, N)
        Rows ``2(j-1)`` and ``2(j-1)+1`` are :math:`\hat\psi_{j,+}` and :math:`\hat\psi_{j,-}`.

    References
    ----------
    Book, chapter *Convolutions and the scattering transform*; Mallat (2012), Sec. 2.2.
    """
    N = check_int(N, "N", minimum=4)
    J = check_int(J, "J", minimum=1)
    if 2**J > N:
        raise ValueError(f"J must satisfy 2**J <= N, got J={J}, N={N}")
    omega = 2.0 * np.pi * np.fft.fftfreq(N)
    s = np.abs(omega) / np.pi
    phi_hat = np.sqrt(smooth_cutoff(2.0**J * s))
    psis = []
    for j in range(1, J + 1):
        band = np.clip(smooth_cutoff(2.0 ** (j - 1) * s) - smooth_cutoff(2.0**j * s), 0.0, None)
        psis.append(np.sqrt(band) * (omega > 0))
        psis.append(np.sqrt(band) * (omega < 0))
    return phi_hat, np.array(psis)


def lp_filter_bank_2d(N: int, J: int, n_angles: int = 6) -> tuple[np.ndarray, np.ndarray]:
    r"""A 2-D filter bank on :math:`\Z_N^2` with an exact Littlewood–Paley identity.

    With :math:`r = |\omega|/\pi` (Euclidean norm of :math:`\omega \in [-\pi,\pi)^2`) and the
    angle :math:`\theta` of :math:`\omega`:
    :math:`|\hat\phi_J|^2 = \chi(2^J r)`, radial bands :math:`b_1 = 1 - \chi(2r)`,
    :math:`b_j = \chi(2^{j-1}r) - \chi(2^j r)` (:math:`j \ge 2`), and angular windows
    :math:`a_\ell(\theta) = \cos^2(\tfrac{n}{4}(\theta - \tfrac{2\pi\ell}{n}))` on
    :math:`|\theta - 2\pi\ell/n| < 2\pi/n` (zero elsewhere), which sum to 1 over
    :math:`\ell = 0,\dots,n-1`. Then :math:`|\hat\psi_{j,\ell}|^2 = b_j(r)\,a_\ell(\theta)` and
    :math:`|\hat\phi_J|^2 + \sum_{j,\ell}|\hat\psi_{j,\ell}|^2 = 1` everywhere.

    Parameters
    ----------
    N : int
        Side length, >= 4.
    J : int
        Number of scales, :math:`2^J \le N`.
    n_angles : int, default 6
        Number of orientations over the full circle, >= 3.

    Returns
    -------
    phi_hat : numpy.ndarray, shape (N, N)
    psi_hats : numpy.ndarray, shape (J * n_angles, N, N)
        Row ``(j-1) * n_angles + l`` is :math:`\hat\psi_{j,\ell}`.

    References
    ----------
    Book, chapter *Convolutions and the scattering transform*; Bruna and Mallat (2013), Sec. 2.
    """
    N = check_int(N, "N", minimum=4)
    J = check_int(J, "J", minimum=1)
    n_angles = check_int(n_angles, "n_angles", minimum=3)
    if 2**J > N:
        raise ValueError(f"J must satisfy 2**J <= N, got J={J}, N={N}")
    w = 2.0 * np.pi * np.fft.fftfreq(N)
    w1, w2 = np.meshgrid(w, w, indexing="ij")
    r = np.hypot(w1, w2) / np.pi
    theta = np.arctan2(w2, w1)
    phi_hat = np.sqrt(smooth_cutoff(2.0**J * r))
    psis = []
    for j in range(1, J + 1):
        band = 1.0 - smooth_cutoff(2.0 * r) if j == 1 else smooth_cutoff(2.0 ** (j - 1) * r) - smooth_cutoff(2.0**j * r)
        band = np.clip(band, 0.0, None)
        for ell in range(n_angles):
            dtheta = np.angle(np.exp(1j * (theta - 2 * np.pi * ell / n_angles)))
            u = dtheta * n_angles / (2 * np.pi)
            win = np.where(np.abs(u) < 1.0, np.cos(np.pi * u / 2.0) ** 2, 0.0)
            psis.append(np.sqrt(band * win))
    return phi_hat, np.array(psis)


def scattering_paths(J: int, M: int, freq_decreasing: bool = True, n_orient: int = 2) -> list[tuple[int, ...]]:
    r"""The scattering paths of length at most ``M``, order by order.

    A path is a tuple of filter indices :math:`(\lambda_1, \dots, \lambda_m)`; index
    :math:`\lambda` stands for scale :math:`j = \lambda // n_{\rm orient} + 1`. With
    ``freq_decreasing`` only paths with strictly increasing scales :math:`j_1 < j_2 < \dots`
    are kept (the others carry little energy).

    Parameters
    ----------
    J, M : int
        Number of scales (>= 1) and maximal order (>= 0).
    freq_decreasing : bool, default True
    n_orient : int, default 2
        Filters per scale (2 in 1-D: :math:`\pm`).

    Returns
    -------
    list of tuple of int
        The empty path first, then the paths of order 1, 2, ...

    References
    ----------
    Book, chapter *Convolutions and the scattering transform*; Mallat (2012), Def. 2.2.
    """
    J = check_int(J, "J", minimum=1)
    M = check_int(M, "M", minimum=0)
    n_orient = check_int(n_orient, "n_orient", minimum=1)
    paths: list[tuple[int, ...]] = [()]
    layer: list[tuple[int, ...]] = [()]
    for _ in range(M):
        new = []
        for p in layer:
            for lam in range(J * n_orient):
                if freq_decreasing and p and lam // n_orient <= p[-1] // n_orient:
                    continue
                new.append(p + (lam,))
        paths.extend(new)
        layer = new
    return paths
