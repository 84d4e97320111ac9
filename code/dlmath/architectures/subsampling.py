r"""Subsampled 1-D scattering: each path computed at the coarsest grid its filters allow.

A signal on :math:`\Z_N` whose spectrum lies in a band of width :math:`2\pi/R` (in the
frequencies :math:`\omega \in [-\pi, \pi)` of the fine grid) is determined by its samples on
every :math:`R`-th point: the DFT of the samples is the spectrum folded onto :math:`N/R` bins,

.. math::

    \widehat{u{\downarrow}R}[q] = \frac1R \sum_{r=0}^{R-1} \hat u[q + rN/R],

and no two of the folded copies overlap. The wavelet :math:`\hat\psi_{j,\pm}` of
:func:`~dlmath.architectures.lp_filter_bank` lives in :math:`2^{-j}\pi < \pm\omega < 2^{2-j}\pi`,
a band of width less than :math:`2^{2-j}\pi`, so :math:`u * \psi_{j,\pm}` is computed exactly
on every :math:`2^{j-1}`-th point, and so is its modulus (sampling commutes with
:math:`|\cdot|`). The modulus is not band-limited, though: filtering it on the coarse grid by
the next wavelet :math:`\psi_{j',\pm}` (:math:`j' > j`) or by :math:`\phi_J` folds the part of its
spectrum beyond the coarse grid's Nyquist frequency :math:`2^{1-j}\pi` into the filter's band.
That is the *aliasing error* of the subsampled transform, measured and bounded by
:func:`aliasing`. The output :math:`S_J[p]x` is sampled every :math:`2^{J}` points
(kymatio's default resolution; ``oversampling`` keeps :math:`2^{\rm oversampling}` times more).
"""

from __future__ import annotations

import torch

__all__ = ["resolution", "subsampled_forward", "wavelet_transform", "aliasing"]


def _checked(module, x):
    """``x`` as the input tensor of ``module``, a :class:`~dlmath.architectures.Scattering1D`."""
    from .scattering import Scattering1D

    if not isinstance(module, Scattering1D):
        raise TypeError(f"module must be a Scattering1D, got {type(module).__name__}")
    return module._input(x)


def resolution(j: int, oversampling: int) -> int:
    r"""The exponent :math:`k` of the grid (every :math:`2^k`-th point) of :math:`|u * \psi_{j,\pm}|`."""
    return max(j - 1 - oversampling, 0)


def _restricted(filters: torch.Tensor, N: int, k: int) -> torch.Tensor:
    """The filters' values at the frequencies of the grid of every 2^k-th point (fine units)."""
    n = N >> k
    q = torch.fft.fftfreq(n, d=1.0 / n, device=filters.device).long() % N
    return filters.index_select(-1, q)


def _fold(spectrum: torch.Tensor, factor: int) -> torch.Tensor:
    """The spectrum of every ``factor``-th sample of the signal with this (last-axis) spectrum."""
    if factor == 1:
        return spectrum
    n = spectrum.shape[-1] // factor
    return spectrum.reshape(*spectrum.shape[:-1], factor, n).mean(dim=-2)


def subsampled_forward(module, x: torch.Tensor) -> torch.Tensor:
    r""":math:`S_J[p]x` for every path of ``module`` (a :class:`~dlmath.architectures.Scattering1D`), subsampled.

    Order by order, the signals of the paths ending in :math:`(j, \pm)` live on the grid of
    every :math:`2^{k(j)}`-th point, :math:`k(j) = \max(j - 1 - {\rm oversampling}, 0)`; for a
    real layer the moduli of :math:`(j,-)`, :math:`j \ge 2`, equal those of :math:`(j,+)` and
    are computed once. Output ``(..., P, N / 2**max(J - oversampling, 0))``.

    Parameters
    ----------
    module : Scattering1D
        Its filters, ``J``, ``M`` and ``oversampling``.
    x : array_like or torch.Tensor, shape (..., N)

    Raises
    ------
    TypeError, ValueError
        If ``module`` is not a :class:`~dlmath.architectures.Scattering1D` or ``x`` is malformed.

    References
    ----------
    Book, chapter *Convolutions and the scattering transform*; Andén and Mallat (2014), *Deep
    scattering spectrum*; the subsampling of kymatio's ``Scattering1D`` (Andreux et al. 2020).
    """
    x = _checked(module, x)
    N, J, over = module.N, module.J, module.oversampling
    k_out = max(J - over, 0)
    phi, psi = module.phi_hat, module.psi_hat
    if x.is_complex():
        x = x if x.dtype == torch.complex128 else x.to(torch.complex64)
    elif x.dtype != torch.float64:
        x = x.to(torch.float32)
    # the signals of the current order: path (tuple of filter indices) -> (tensor (..., n_k), k)
    signals: dict[tuple[int, ...], tuple[torch.Tensor, int]] = {(): (x, 0)}
    out = {}
    for order in range(module.M + 1):
        # low-pass every signal of this order and sample it at the output resolution
        by_k: dict[int, list[tuple[int, ...]]] = {}
        for path, (_, k) in signals.items():
            by_k.setdefault(k, []).append(path)
        for k, paths in by_k.items():
            U = torch.stack([signals[p][0] for p in paths], dim=-2)
            Uh = torch.fft.fft(U)
            lowpass = _restricted(phi, N, k).to(Uh.real.dtype)
            S = torch.fft.ifft(_fold(Uh * lowpass, 1 << (k_out - k))).real
            for i, p in enumerate(paths):
                out[p] = S[..., i, :]
        if order == module.M:
            break
        nxt: dict[tuple[int, ...], tuple[torch.Tensor, int]] = {}
        for path, (u, k) in signals.items():
            first_j = path[-1] // 2 + 2 if path else 1  # scales increase strictly along a path
            uh = torch.fft.fft(u)
            for j in range(first_j, J + 1):
                k_new = max(resolution(j, over), k)
                # for a real layer |u * psi_(j,-)| = |u * psi_(j,+)| when j >= 2: computed once
                rows = [2 * (j - 1)] if (not u.is_complex() and j >= 2) else [2 * (j - 1), 2 * (j - 1) + 1]
                filt = _restricted(psi[rows], N, k).to(uh.real.dtype)
                mod = torch.fft.ifft(_fold(uh.unsqueeze(-2) * filt, 1 << (k_new - k))).abs()
                for i, lam in enumerate(rows):
                    nxt[path + (lam,)] = (mod[..., i, :], k_new)
                if len(rows) == 1:
                    nxt[path + (rows[0] + 1,)] = nxt[path + (rows[0],)]
        signals = nxt
    return torch.stack([out[p] for p in module.paths], dim=-2)


def _scaled_norm(spectrum: torch.Tensor, k: int) -> torch.Tensor:
    r""":math:`(2^k \sum_n |v[n]|^2)^{1/2}` of the signal on the grid of every :math:`2^k`-th point
    whose (last-axis) DFT is ``spectrum`` (Parseval); comparable with the fine grid's norm."""
    n = spectrum.shape[-1]
    return torch.sqrt((2.0**k / n) * (spectrum.abs() ** 2).sum(-1))


def _alias(u_hat: torch.Tensor, filt: torch.Tensor, N: int, k: int) -> torch.Tensor:
    r"""Norm of what filtering on the grid :math:`2^k` adds to the filtered samples: the spectrum
    of :math:`u{\downarrow}2^k` minus its own band, times the filter there."""
    R = 1 << k
    folded = _fold(u_hat, R)
    own = _restricted(u_hat, N, k) / R
    return _scaled_norm((folded - own) * _restricted(filt, N, k).to(u_hat.real.dtype), k)


def aliasing(module, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    r"""The aliasing error of the subsampled transform, and its bound, for every path.

    ``error[..., p]`` is :math:`\|S^{\rm sub}_J[p]x - (S_J[p]x){\downarrow}2^{k_{\rm out}}\|`
    in the scaled norm :math:`(2^{k_{\rm out}}\sum_n|v[n]|^2)^{1/2}`. For the path
    :math:`p = (\lambda_1, \dots, \lambda_m)`, with :math:`p_i = (\lambda_1,\dots,\lambda_i)` and
    :math:`k_i` the grid of :math:`U[p_i]`,

    .. math::

        \text{error} \le c \Big(\sum_{i=2}^{m} a\big(U[p_{i-1}]x, k_{i-1}, \psi_{\lambda_i}\big)
        + a\big(U[p]x, k_m, \phi_J\big)\Big),

    where :math:`a(u, k, h)` is the norm of :math:`h` times the folded-in part of the spectrum of
    :math:`u` on the grid :math:`2^k` (computed exactly from the full-resolution :math:`u`), the
    sum comes from the modulus being 1-Lipschitz and the exact transport of band-limited errors
    by the wavelet filters, and :math:`c = \sqrt{2}` when the output grid is so coarse that two
    copies of :math:`\hat\phi_J` overlap (:math:`k_{\rm out} = J`), else 1. With
    :math:`k_{\rm out} < J` the bound is attained by the first-order paths (their error is the
    last term alone).

    Parameters
    ----------
    module : Scattering1D
        Its filters, ``J``, ``M`` and ``oversampling``.
    x : array_like or torch.Tensor, shape (..., N)

    Raises
    ------
    TypeError, ValueError
        If ``module`` is not a :class:`~dlmath.architectures.Scattering1D` or ``x`` is malformed.

    References
    ----------
    Book, chapter *Convolutions and the scattering transform*; Andén and Mallat (2014), *Deep
    scattering spectrum*; the subsampling of kymatio's ``Scattering1D`` (Andreux et al. 2020).
    """
    x = _checked(module, x)
    N, J, over = module.N, module.J, module.oversampling
    k_out = max(J - over, 0)
    c = 2.0**0.5 if k_out >= J else 1.0
    layers = module.layers(x)  # full resolution, order by order, in the order of the paths
    full = {}
    for order, U in enumerate(layers):
        paths = [p for p in module.paths if len(p) == order]
        for i, p in enumerate(paths):
            full[p] = torch.fft.fft(U[..., i, :])
    S_full = module._full_forward(x)[..., :: 1 << k_out]
    S_sub = subsampled_forward(module, x)
    error = _scaled_norm(torch.fft.fft(S_sub - S_full), k_out)
    bounds = []
    for p in module.paths:
        ks = [0]
        for lam in p:
            ks.append(max(resolution(lam // 2 + 1, over), ks[-1]))
        total = _alias(full[p], module.phi_hat, N, ks[-1])
        for i in range(1, len(p)):  # filtering U[p_i] on its grid k_i by psi_(lambda_(i+1))
            total = total + _alias(full[p[:i]], module.psi_hat[p[i]], N, ks[i])
        bounds.append(c * total)
    return error, torch.stack(bounds, dim=-1)


def wavelet_transform(module, x: torch.Tensor) -> tuple[torch.Tensor, list[torch.Tensor]]:
    r""":math:`x * \phi_J` and :math:`x * \psi_\lambda` for every filter, at the module's resolution.

    At full resolution every signal has ``N`` samples. Subsampled, :math:`x * \psi_{j,\pm}` is
    sampled every :math:`2^{k(j)}` points and :math:`x * \phi_J` every
    :math:`2^{\max(J - 1 - {\rm oversampling}, 0)}` points: the coarsest grids on which the
    folded copies of the filters' supports do not overlap, so that
    :math:`\sum_\lambda 2^{k_\lambda}\|(x * \psi_\lambda){\downarrow}\|^2
    + 2^{k_\phi}\|(x * \phi_J){\downarrow}\|^2 = \|x\|^2` still holds (Littlewood–Paley).

    Parameters
    ----------
    module : Scattering1D
        Its filters, ``J``, ``M`` and ``oversampling``.
    x : array_like or torch.Tensor, shape (..., N)

    Raises
    ------
    TypeError, ValueError
        If ``module`` is not a :class:`~dlmath.architectures.Scattering1D` or ``x`` is malformed.

    References
    ----------
    Book, chapter *Convolutions and the scattering transform*; Andén and Mallat (2014), *Deep
    scattering spectrum*; the subsampling of kymatio's ``Scattering1D`` (Andreux et al. 2020).
    """
    x = _checked(module, x)
    N, J = module.N, module.J
    over = module.oversampling if module.subsample else N
    xh = torch.fft.fft(x if x.is_complex() else x.to(module.phi_hat.dtype))
    k_phi = max(J - 1 - over, 0)
    low = torch.fft.ifft(_fold(xh * module.phi_hat.to(xh.real.dtype), 1 << k_phi))
    low = low if x.is_complex() else low.real
    bands = []
    for lam in range(module.psi_hat.shape[0]):
        k = resolution(lam // 2 + 1, over)
        bands.append(torch.fft.ifft(_fold(xh * module.psi_hat[lam].to(xh.real.dtype), 1 << k)))
    return low, bands
