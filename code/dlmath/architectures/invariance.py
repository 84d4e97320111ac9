"""Invariance: averaging over a finite group (Reynolds operator) and DeepSets for multisets."""

from __future__ import annotations

import itertools
import math
from typing import Any, Callable, Sequence

import numpy as np
import torch
from torch import nn

from ..nets import feedforward, module_dtype_device, network_input, seeded_normal
from ..plotting import axes
from ..results import DemoResult, declare_check, demo_result
from ..utils import (
    check_array,
    check_choice,
    check_device,
    check_float_dtype,
    check_int,
    like_input,
    rng,
    torch_generator,
)
from ._common import _rel


# ---------------------------------------------------------------------------------------------
# invariance by averaging
# ---------------------------------------------------------------------------------------------
def group_matrices(name: str, d: int) -> np.ndarray:
    r"""A finite group of orthogonal :math:`d \times d` matrices.

    Parameters
    ----------
    name : {"cyclic", "reversal", "sign", "permutation"}
        ``"cyclic"``: the :math:`d` cyclic shifts of coordinates (:math:`\dim\mathrm{Fix} = 1`);
        ``"reversal"``: :math:`\{I, J\}` with :math:`J` the reversal of coordinates
        (:math:`\dim\mathrm{Fix} = \lceil d/2 \rceil`); ``"sign"``: :math:`\{I, -I\}`
        (:math:`\dim\mathrm{Fix} = 0`); ``"permutation"``: all :math:`d!` permutation matrices
        (:math:`d \le 7`, :math:`\dim\mathrm{Fix} = 1`).
    d : int
        Dimension, >= 2.

    Returns
    -------
    numpy.ndarray, shape (n_group, d, d)

    References
    ----------
    Book, chapter *Equivariant networks*.
    """
    name = check_choice(name, "name", ("cyclic", "reversal", "sign", "permutation"))
    d = check_int(d, "d", minimum=2)
    eye = np.eye(d)
    if name == "cyclic":
        return np.array([np.roll(eye, k, axis=0) for k in range(d)])
    if name == "reversal":
        return np.array([eye, eye[::-1]])
    if name == "sign":
        return np.array([eye, -eye])
    if d > 7:
        raise ValueError(f"d must be <= 7 for the permutation group, got {d}")
    return np.array([eye[list(p)] for p in itertools.permutations(range(d))])


def _check_group(group: Any) -> np.ndarray:
    G = check_array(group, "group", ndim=3, min_size=1)
    if G.shape[1] != G.shape[2]:
        raise ValueError(f"group must have shape (|G|, d, d), got {G.shape}")
    d = G.shape[1]
    if not np.allclose(np.einsum("gij,gkj->gik", G, G), np.eye(d), atol=1e-10):
        raise ValueError("group must consist of orthogonal matrices")
    flat = G.reshape(len(G), -1)
    for a in G:
        for b in G:
            if np.min(np.abs(flat - (a @ b).ravel()).max(axis=1)) > 1e-10:
                raise ValueError("group must be closed under multiplication")
    return G


def reynolds(f: Callable[[np.ndarray], Any], group: Any) -> Callable[[np.ndarray], np.ndarray]:
    r"""The symmetrisation (Reynolds operator) :math:`(Qf)(x) = |G|^{-1}\sum_{g \in G} f(gx)`.

    :math:`Qf` is :math:`G`-invariant, and on :math:`L^2(\mu)` for a :math:`G`-invariant
    measure :math:`\mu`, :math:`Q` is the orthogonal projection onto the invariant functions.

    Parameters
    ----------
    f : callable
        Maps arrays of shape ``(n, d)`` to arrays of shape ``(n, ...)``.
    group : array_like, shape (n_group, d, d)
        Orthogonal matrices forming a group (checked), e.g. from :func:`group_matrices`.

    Returns
    -------
    callable
        :math:`Qf`, mapping ``(n, d)`` to the output shape of ``f``.

    References
    ----------
    Book, chapter *Equivariant networks*; Elesedy and Zaidi (2021), Sec. 3.
    """
    if not callable(f):
        raise TypeError(f"f must be callable, got {type(f).__name__}")
    G = _check_group(group)

    def Qf(x: Any) -> np.ndarray:
        x_in, x = x, check_array(x, "x", ndim=2)
        if x.shape[1] != G.shape[1]:
            raise ValueError(f"x must have {G.shape[1]} columns, got shape {x.shape}")
        return like_input(np.mean([check_array(f(x @ g.T), "f(x)") for g in G], axis=0), x_in)

    return Qf


@demo_result
class InvarianceBenefitResult(DemoResult):
    """Result of :func:`invariance_benefit_demo`.

    Attributes
    ----------
    groups : tuple
        The group names.
    d_G : numpy.ndarray
        The dimensions of the invariant subspaces.
    risk_ols, risk_inv : numpy.ndarray
        Monte Carlo excess risks of OLS and of the invariant estimator.
    predicted_ols, predicted_inv : numpy.ndarray
        The closed forms d/(n-d-1) and d_G/(n-d_G-1).
    max_rel_dev : float
        Largest relative deviation of the Monte Carlo risks from the closed forms.
    projection_identity_err : float
        Relative error of the projection identity of the Reynolds operator.
    ratio_se, ratio_se_inv : float
        Standard errors of the risk ratios (OLS, invariant).
    n, d_full : int
        The sample size and the full dimension.
    realised_inv : numpy.ndarray or None
        The realised (not noise-averaged) risks of the invariant estimators.
    """

    groups: tuple
    d_G: np.ndarray
    risk_ols: np.ndarray
    risk_inv: np.ndarray
    predicted_ols: np.ndarray
    predicted_inv: np.ndarray
    max_rel_dev: float
    projection_identity_err: float
    ratio_se: float = float("nan")
    n: int = 0
    d_full: int = 0
    ratio_se_inv: float = float("nan")
    realised_inv: np.ndarray | None = None

    def plot(self, ax=None):
        ax = axes(ax)
        k = np.arange(len(self.groups))
        ax.bar(k - 0.2, self.risk_ols, width=0.4, label="OLS (Monte Carlo)")
        ax.bar(k + 0.2, self.risk_inv, width=0.4, label="invariant OLS (Monte Carlo)")
        ax.hlines(
            self.predicted_ols,
            k - 0.4,
            k,
            colors="k",
            linestyles="--",
            lw=1.4,
            zorder=3,
            label=r"closed form $\sigma^2 d/(n-d-1)$",
        )
        ax.hlines(
            self.predicted_inv,
            k,
            k + 0.4,
            colors="k",
            linestyles=":",
            lw=1.6,
            zorder=3,
            label=r"closed form $\sigma^2 d_G/(n-d_G-1)$",
        )
        ax.set_xticks(k)
        ax.set_xticklabels([f"{g} ($d_G={int(dg)}$)" for g, dg in zip(self.groups, self.d_G)])
        ax.set_ylabel("excess risk")
        ax.set_ylim(0, 1.5 * float(np.max(self.risk_ols)))
        ax.legend(loc="upper center", ncol=2, fontsize=7.5)
        return ax


def invariance_benefit_demo(
    *, d: int = 12, n: int = 30, groups: Sequence[str] = ("cyclic", "reversal"), n_rep: int = 4000, seed: int = 0
) -> InvarianceBenefitResult:
    r"""The exact benefit of invariance for linear regression, by Monte Carlo.

    :math:`x \sim N(0, I_d)`, :math:`y = \beta^*\cdot x + \varepsilon`, :math:`\varepsilon \sim N(0,1)`,
    :math:`\beta^* \in V = \mathrm{Fix}(G)`, :math:`d_G = \dim V`. Least squares on
    :math:`x` has excess risk :math:`\E\|\hat\beta - \beta^*\|^2 = d/(n-d-1)`; least squares on
    the invariant features :math:`U^\top x` (:math:`U` an orthonormal basis of :math:`V`) has
    :math:`d_G/(n-d_G-1)`. Also checks the Pythagorean identity
    :math:`R(f) = R(Qf) + \|f - Qf\|^2` for a nonlinear :math:`f`, an invariant target and the
    (invariant) empirical measure of an orbit-closed sample.

    Parameters
    ----------
    d : int, default 12
    n : int, default 30
        Sample size, :math:`n \ge d + 3`.
    groups : sequence of {"cyclic", "reversal", "sign", "permutation"}
        Groups with :math:`d_G \ge 1` (``"sign"`` is rejected).
    n_rep : int, default 4000
        Monte Carlo repetitions, >= 10.
    seed : int, default 0

    Returns
    -------
    InvarianceBenefitResult
        ``groups``, ``d_G``, ``risk_ols``, ``risk_inv``, ``predicted_ols``,
        ``predicted_inv``, ``max_rel_dev`` (largest :math:`|\mathrm{MC}/\mathrm{closed}-1|`),
        ``projection_identity_err``, ``ratio_se`` and ``ratio_se_inv`` (Monte Carlo standard
        errors of the first OLS ratio and of the last invariant ratio), ``n``, ``d_full`` and
        ``realised_inv`` (the realised, not noise-averaged, errors of the invariant models). The
        risks are averages over designs of the conditional risk
        :math:`\sigma^2\operatorname{tr}((X^\top X)^{-1})`.

    References
    ----------
    Book, chapter *Equivariant networks*, theorem ``architectures-invariance_by_averaging``;
    Elesedy and Zaidi (2021), averaging-operator argument.
    """
    d = check_int(d, "d", minimum=2)
    n = check_int(n, "n", minimum=d + 3)
    if isinstance(groups, str) or not hasattr(groups, "__len__") or len(groups) == 0:
        raise TypeError("groups must be a non-empty sequence of group names")
    groups = tuple(check_choice(gname, "groups", ("cyclic", "reversal", "permutation")) for gname in groups)
    n_rep = check_int(n_rep, "n_rep", minimum=10)
    g = rng(seed)
    dG, r_ols, r_inv, p_ols, p_inv, se_list, realised = [], [], [], [], [], [], []
    for name in groups:
        Gm = group_matrices(name, d)
        P = Gm.mean(axis=0)
        ev, vecs = np.linalg.eigh((P + P.T) / 2)
        U = vecs[:, ev > 0.5]
        k = U.shape[1]
        beta = U @ g.standard_normal(k)
        X = g.standard_normal((n_rep, n, d))
        y = X @ beta + g.standard_normal((n_rep, n))
        Z = X @ U
        gam = np.linalg.solve(np.einsum("rni,rnj->rij", Z, Z), np.einsum("rni,rn->ri", Z, y)[..., None])[..., 0]
        dG.append(k)
        # Variance reduction: E[|b - beta|^2 | X] = sigma^2 tr((X^T X)^{-1}) (sigma = 1), an
        # unbiased estimate of the risk without the noise's share of the Monte Carlo variance;
        # the fitted gam is kept for the realised errors (same expectation).
        tr_ols = np.trace(np.linalg.inv(np.einsum("rni,rnj->rij", X, X)), axis1=1, axis2=2)
        tr_inv = np.trace(np.linalg.inv(np.einsum("rni,rnj->rij", Z, Z)), axis1=1, axis2=2)
        se_list.append(
            (
                float(np.std(tr_ols, ddof=1) / np.sqrt(n_rep) / (d / (n - d - 1))),
                float(np.std(tr_inv, ddof=1) / np.sqrt(n_rep) / (k / (n - k - 1))),
            )
        )
        r_ols.append(float(np.mean(tr_ols)))
        r_inv.append(float(np.mean(tr_inv)))
        realised.append(float(np.mean(np.sum((gam @ U.T - beta) ** 2, axis=1))))
        p_ols.append(d / (n - d - 1))
        p_inv.append(k / (n - k - 1))
    r_ols, r_inv, p_ols, p_inv = map(np.array, (r_ols, r_inv, p_ols, p_inv))
    dev = float(max(np.abs(r_ols / p_ols - 1).max(), np.abs(r_inv / p_inv - 1).max()))
    # Pythagoras for the Reynolds projection on an orbit-closed sample
    Gm = group_matrices(groups[0], d)
    base = g.standard_normal((50, d))
    sample = np.concatenate([base @ gm.T for gm in Gm])
    a, c = g.standard_normal((2, d))

    def f(x):
        return np.tanh(x @ a) * (x @ c)

    def fstar(x):
        return np.cos(x.sum(axis=1)) + (x**2).sum(axis=1) / d

    Qf = reynolds(f, Gm)
    fs, qs, ts = f(sample), Qf(sample), fstar(sample)
    lhs = np.mean((fs - ts) ** 2)
    rhs = np.mean((qs - ts) ** 2) + np.mean((fs - qs) ** 2)
    return InvarianceBenefitResult(
        groups=groups,
        d_G=np.array(dG, dtype=float),
        risk_ols=r_ols,
        risk_inv=r_inv,
        predicted_ols=p_ols,
        predicted_inv=p_inv,
        max_rel_dev=dev,
        projection_identity_err=float(abs(lhs - rhs) / lhs),
        ratio_se=se_list[0][0],
        n=n,
        d_full=d,
        ratio_se_inv=se_list[-1][1],
        realised_inv=np.array(realised),
    )


declare_check(
    "architectures.invariance_by_averaging",
    quantity="Monte Carlo excess risk of OLS over d/(n-d-1)",
    claim="equality",
    relation="approx",
    measure=lambda r: float(r.risk_ols[0] / r.predicted_ols[0]),
    predict=1.0,
    tolerance=lambda r: 3.0 * float(r.ratio_se),
    reason="3 Monte Carlo standard errors of the mean squared error (n_rep independent samples)",
    hypotheses="Gaussian design N(0, I_d), n >= d + 3, N(0, 1) noise, beta* in Fix(G)",
    wrong="d/(n-d) (n-d instead of n-d-1)",
    wrong_measure=lambda r: float(r.risk_ols[0] / r.predicted_ols[0] * (r.n - r.d_full - 1) / (r.n - r.d_full)),
    demo=invariance_benefit_demo,
)
declare_check(
    "architectures.invariance_by_averaging",
    label="invariant",
    quantity="Monte Carlo excess risk of the invariant least squares over d_G/(n-d_G-1), largest group",
    claim="equality",
    relation="approx",
    measure=lambda r: float(r.risk_inv[-1] / r.predicted_inv[-1]),
    predict=1.0,
    tolerance=lambda r: 3.0 * float(r.ratio_se_inv),
    reason="3 Monte Carlo standard errors of the conditional risk tr((Z^T Z)^{-1}) (n_rep independent designs)",
    hypotheses="Gaussian design N(0, I_d), n >= d_G + 3, N(0, 1) noise, beta* in Fix(G), U orthonormal basis of Fix(G)",
    wrong="d_G/(n-d_G) (n-d_G instead of n-d_G-1)",
    wrong_measure=lambda r: float(r.risk_inv[-1] / r.predicted_inv[-1] * (r.n - r.d_G[-1] - 1) / (r.n - r.d_G[-1])),
    demo=invariance_benefit_demo,
)


# ---------------------------------------------------------------------------------------------
# DeepSets
# ---------------------------------------------------------------------------------------------
class PermutationEquivariantLinear(nn.Module):
    r"""The permutation-equivariant linear layer :math:`X \mapsto X\Lambda + \mathbb 1\mathbb 1^\top X\Gamma + \mathbb 1 b^\top`.

    For one channel this is :math:`x \mapsto \lambda x + \gamma(\sum_m x_m)\mathbb 1 + b\mathbb 1`,
    the general :math:`S_M`-equivariant affine map (Zaheer et al., 2017, Lemma 3).

    Parameters
    ----------
    in_features, out_features : int
    dtype, device, seed

    Notes
    -----
    Input ``(B, M, in_features)``; output ``(B, M, out_features)``.
    """

    def __init__(
        self,
        in_features: int,
        out_features: int,
        *,
        dtype: torch.dtype | str = torch.float32,
        device: str | torch.device = "cpu",
        seed: int = 0,
    ):
        super().__init__()
        a = check_int(in_features, "in_features", minimum=1)
        b = check_int(out_features, "out_features", minimum=1)
        self.in_features, self.out_features = a, b
        gen = torch_generator(check_int(seed, "seed"))
        dt, dev = check_float_dtype(dtype), check_device(device)
        self.Lam = nn.Parameter(seeded_normal(gen, (a, b), std=1 / math.sqrt(a)).to(dtype=dt, device=dev))
        self.Gam = nn.Parameter(seeded_normal(gen, (a, b), std=1 / math.sqrt(a)).to(dtype=dt, device=dev))
        self.bias = nn.Parameter(torch.zeros(b, dtype=dt, device=dev))

    def forward(self, X: Any) -> torch.Tensor:
        X = network_input(X, "X", dtype=self.Lam.dtype, device=self.Lam.device, min_ndim=2, last_dim=self.in_features)
        return X @ self.Lam + X.sum(dim=-2, keepdim=True) @ self.Gam + self.bias


class DeepSets(nn.Module):
    r"""The DeepSets model :math:`f(X) = \rho\bigl(\sum_{m=1}^M \phi(x_m)\bigr)`.

    :math:`\phi` and :math:`\rho` are fully connected tanh networks built with
    :func:`dlmath.nets.feedforward`; the sum makes :math:`f` invariant under permutations of
    the set elements, for every set size.

    Parameters
    ----------
    d_in : int, default 1
        Dimension of a set element.
    latent : int, default 32
        Dimension of the sum :math:`\sum\phi(x_m)`.
    hidden : int, default 32
    d_out : int, default 1
    dtype : torch.dtype, default torch.float32
    device : str or torch.device, default "cpu"
    seed : int, default 0

    Notes
    -----
    Input ``(B, M, d_in)``; output ``(B, d_out)``.

    References
    ----------
    Zaheer et al. (2017), Thm 2; book chapter *Equivariant networks*.
    """

    def __init__(
        self,
        d_in: int = 1,
        latent: int = 32,
        hidden: int = 32,
        d_out: int = 1,
        *,
        dtype: torch.dtype | str = torch.float32,
        device: str | torch.device = "cpu",
        seed: int = 0,
    ):
        super().__init__()
        d_in = check_int(d_in, "d_in", minimum=1)
        seed = check_int(seed, "seed")
        self.d_in = d_in
        latent = check_int(latent, "latent", minimum=1)
        hidden = check_int(hidden, "hidden", minimum=1)
        d_out = check_int(d_out, "d_out", minimum=1)
        dt, dev = check_float_dtype(dtype), check_device(device)
        self.phi = feedforward((d_in, hidden, latent), activation="tanh", dtype=dt, device=dev, seed=seed)
        self.rho = feedforward((latent, hidden, d_out), activation="tanh", dtype=dt, device=dev, seed=seed + 1)

    def forward(self, X: Any) -> torch.Tensor:
        dtype, device = module_dtype_device(self)
        X = network_input(X, "X", dtype=dtype, device=device, min_ndim=2, last_dim=self.d_in)
        return self.rho(self.phi(X).sum(dim=-2))


def power_sums_to_multiset(p: Any) -> np.ndarray:
    r"""Recover a multiset :math:`\{x_1,\dots,x_M\}` from its power sums :math:`p_k = \sum_i x_i^k`, :math:`k = 1..M`.

    Newton's identities :math:`k e_k = \sum_{i=1}^{k} (-1)^{i-1} e_{k-i} p_i` give the
    elementary symmetric polynomials, and the :math:`x_i` are the roots of
    :math:`\prod_i (t - x_i) = \sum_{k=0}^M (-1)^k e_k t^{M-k}` (``np.roots``).

    Parameters
    ----------
    p : array_like, shape (M,)
        Power sums :math:`p_1, \dots, p_M`, M >= 1.

    Returns
    -------
    numpy.ndarray, shape (M,)
        The elements, sorted (real if all imaginary parts are below :math:`10^{-8}` times the
        largest modulus, complex otherwise).

    Examples
    --------
    >>> power_sums_to_multiset([3.0, 5.0])  # 1 + 2 = 3, 1 + 4 = 5
    array([1., 2.])

    References
    ----------
    Book, chapter *Equivariant networks*; Zaheer et al. (2017), Thm 7; Macdonald (1995), I.2.
    """
    p_in, p = p, check_array(p, "p", ndim=1, min_size=1)
    M = p.size
    e = np.zeros(M + 1)
    e[0] = 1.0
    for k in range(1, M + 1):
        e[k] = sum((-1) ** (i - 1) * e[k - i] * p[i - 1] for i in range(1, k + 1)) / k
    coeffs = np.array([(-1) ** k * e[k] for k in range(M + 1)])
    roots = np.roots(coeffs) if M > 0 else np.array([])
    scale = max(1.0, float(np.abs(roots).max()))
    if np.all(np.abs(roots.imag) <= 1e-8 * scale):
        return like_input(np.sort(roots.real), p_in)
    return like_input(np.sort_complex(roots), p_in)


@demo_result
class DeepSetsResult(DemoResult):
    """Result of :func:`deepsets_demo`.

    Attributes
    ----------
    commutant_residual : float
        Relative distance of the Reynolds average from lambda I + gamma 11^T.
    powersum_recon_err : float
        Error of the multiset recovered from its power sums at the largest M.
    invariance_err : float
        Permutation-invariance error of a DeepSets model.
    equivariance_err : float
        Permutation-equivariance error of a PermutationEquivariantLinear layer.
    Ms : numpy.ndarray
        The set sizes M (float).
    recon_err : numpy.ndarray
        The power-sum reconstruction errors, one per M.
    commutant_residual_diag : float
        The residual with the commutant taken as lambda I only (the wrong claim).
    recon_err_wrong : float
        The reconstruction error from the power means p_k / M instead of the sums (the wrong claim).
    """

    commutant_residual: float
    powersum_recon_err: float
    invariance_err: float
    equivariance_err: float
    Ms: np.ndarray
    recon_err: np.ndarray
    commutant_residual_diag: float = float("nan")
    recon_err_wrong: float = float("nan")

    def plot(self, ax=None):
        ax = axes(ax)
        ax.semilogy(self.Ms, np.maximum(self.recon_err, 1e-17), "o-")
        ax.axhline(1e-8, color="0.4", ls="--", lw=0.8)
        ax.set_xlabel("set size $M$")
        ax.set_ylabel("max reconstruction error")
        ax.set_title("multisets in $[0,1]$ from power sums (Newton + roots)")
        return ax


def deepsets_demo(*, M: int = 5, seed: int = 0, device: str | torch.device = "cpu") -> DeepSetsResult:
    r"""Permutation invariance and equivariance: commutant, power sums and a DeepSets network.

    (i) The Reynolds average :math:`\frac{1}{M!}\sum_\pi P_\pi A P_\pi^\top` of a random
    :math:`A` is of the form :math:`\lambda I + \gamma\mathbb 1\mathbb 1^\top`
    (``commutant_residual`` is the relative distance); (ii) random multisets in :math:`[0,1]`
    of size 1..12 are recovered from their power sums by :func:`power_sums_to_multiset`
    (max error over 5 draws; the error grows with :math:`M`, conditioning of polynomial roots);
    (iii) a float32 :class:`DeepSets` network (:math:`\phi: 1 \to 32`, :math:`\rho: 32 \to 1`)
    and a :class:`PermutationEquivariantLinear` layer over all :math:`6! = 720` permutations of
    a set of size 6.

    Parameters
    ----------
    M : int, default 5
        Set size of (i) and of the quoted reconstruction error, 2 <= M <= 7.
    seed : int, default 0
    device : str or torch.device, default "cpu"
        Where the networks run (results are returned on the CPU).

    Returns
    -------
    DeepSetsResult
        ``commutant_residual``, ``powersum_recon_err`` (at size ``M``), ``invariance_err``,
        ``equivariance_err``, ``Ms``, ``recon_err``.

    References
    ----------
    Book, chapter *Equivariant networks*, theorem ``architectures-deepsets``; Zaheer et al.
    (2017), Thm 2, Thm 7 and Lemma 3.
    """
    M = check_int(M, "M", minimum=2, maximum=7)
    device = check_device(device)
    g = rng(seed)
    A = g.standard_normal((M, M))
    Ps = group_matrices("permutation", M)
    avg = np.einsum("pij,jk,plk->il", Ps, A, Ps) / len(Ps)
    gam = (A.sum() - np.trace(A)) / (M * (M - 1))
    lam = np.trace(A) / M - gam
    comm = _rel(avg, lam * np.eye(M) + gam * np.ones((M, M)))
    comm_diag = _rel(avg, (np.trace(A) / M) * np.eye(M))
    Ms = np.arange(1, 13)
    rec, rec_wrong = [], 0.0
    for m in Ms:
        worst = 0.0
        for _ in range(5):
            x = np.sort(g.uniform(0, 1, m))
            p = np.array([np.sum(x**k) for k in range(1, m + 1)])
            xr = power_sums_to_multiset(p)
            worst = max(worst, float(np.abs(np.sort(np.real(xr)) - x).max() + np.abs(np.imag(xr)).max()))
            if 2 <= m <= 6:
                xw = power_sums_to_multiset(p / m)
                rec_wrong = max(rec_wrong, float(np.abs(np.sort(np.real(xw)) - x).max() + np.abs(np.imag(xw)).max()))
        rec.append(worst)
    rec = np.array(rec)
    gen = torch_generator(seed)
    net = DeepSets(1, 32, 32, 1, seed=seed, device=device)
    layer = PermutationEquivariantLinear(1, 3, seed=seed, device=device)
    X = torch.rand(1, 6, 1, generator=gen).float().to(device)
    perms = torch.tensor(list(itertools.permutations(range(6))), device=device)
    Xp = X[0][perms]  # (720, 6, 1)
    with torch.no_grad():
        out = net(Xp)
        inv = float((out - net(X)).abs().max() / net(X).abs().max())
        eq_out = layer(Xp)
        eq_ref = layer(X)[0][perms]
        eqv = float((eq_out - eq_ref).abs().max() / eq_ref.abs().max())
    return DeepSetsResult(
        commutant_residual=comm,
        powersum_recon_err=float(rec[M - 1]),
        invariance_err=inv,
        equivariance_err=eqv,
        Ms=Ms.astype(float),
        recon_err=rec,
        commutant_residual_diag=comm_diag,
        recon_err_wrong=rec_wrong,
    )


declare_check(
    "architectures.deepsets",
    label="commutant",
    quantity="relative distance of the Reynolds average from lambda I + gamma 11^T",
    claim="identity",
    relation="<=",
    measure="commutant_residual",
    predict=0.0,
    tolerance=1e-12,
    reason="float64 rounding of the average over M! permutations",
    hypotheses="the symmetric group S_M acting by conjugation on M x M matrices",
    wrong="the commutant is only lambda I (gamma 11^T left out)",
    wrong_measure="commutant_residual_diag",
    demo=deepsets_demo,
)
declare_check(
    "architectures.deepsets",
    label="power_sums",
    quantity="largest error of multisets of size M <= 6 recovered from power sums (accuracy of Newton's "
    "identities and polynomial roots; illustrates the injectivity used in the proof)",
    claim="illustration",
    relation="<=",
    measure=lambda r: float(np.max(r.recon_err[:6])),
    predict=0.0,
    tolerance=1e-8,
    reason="float64 rounding amplified by the conditioning of polynomial roots (grows with M)",
    hypotheses="multisets of M <= 6 reals, the first M power sums, Newton's identities",
    wrong="the power means p_k / M fed to Newton's identities instead of the power sums",
    wrong_measure="recon_err_wrong",
    demo=deepsets_demo,
)
