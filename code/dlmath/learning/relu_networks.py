r"""ReLU networks: parameter counts, Lipschitz bounds, piecewise affinity and rescaling.

Chapter *Neural networks and the error decomposition*, theorem
``learning-relu_network_properties``: a fully connected ReLU network with layer widths
:math:`(n_0, \dots, n_{L+1})` has :math:`\sum_\ell (n_{\ell-1} + 1) n_\ell` parameters
(:func:`relu_param_count`), is continuous piecewise affine, is invariant under the positive
rescaling of consecutive layers, and is Lipschitz with constant at most the product of the
spectral norms of its weights (:func:`spectral_norm_product`). :func:`relu_properties_demo`
checks the four properties on a network of :func:`dlmath.nets.feedforward` (float64).
"""

from __future__ import annotations

import copy
from typing import Sequence

import numpy as np
import torch

from ..nets import count_parameters, feedforward
from ..plotting import COLORS, axes
from ..results import DemoResult, declare_check, demo_result
from ..utils import check_device, check_int, check_int_sequence, rng

__all__ = ["relu_param_count", "spectral_norm_product", "ReluPropertiesResult", "relu_properties_demo"]


def relu_param_count(widths: Sequence[int]) -> int:
    r"""Number of parameters :math:`p = \sum_{\ell=1}^{L+1} (n_{\ell-1} + 1)\, n_\ell` of a
    fully connected network with :math:`L` hidden layers and layer widths
    ``widths`` :math:`= (n_0, \dots, n_{L+1})`.

    Parameters
    ----------
    widths : sequence of int
        At least two positive integers (input width, hidden widths, output width).

    Returns
    -------
    int

    Raises
    ------
    TypeError, ValueError
        If ``widths`` is not a sequence of at least two positive integers.

    Examples
    --------
    >>> relu_param_count((3, 64, 64, 1))
    4481

    References
    ----------
    Book, chapter *Neural networks and the error decomposition*.
    """
    w = check_int_sequence(widths, "widths", minimum=1, min_len=2)
    return int(sum((a + 1) * b for a, b in zip(w[:-1], w[1:])))


def spectral_norm_product(model: torch.nn.Module) -> float:
    r"""The product :math:`\prod_\ell \|W_\ell\|_2` of the spectral norms of the weight
    matrices of the :class:`torch.nn.Linear` layers of ``model``.

    For a network :math:`\Phi = A_{L+1} \circ \sigma \circ A_L \circ \dots \circ \sigma \circ A_1`
    with affine :math:`A_\ell(x) = W_\ell x + b_\ell` and a 1-Lipschitz activation,
    :math:`\operatorname{Lip}(\Phi) \le \prod_\ell \|W_\ell\|_2` (Euclidean norms).

    Parameters
    ----------
    model : torch.nn.Module
        A module whose affine layers are :class:`torch.nn.Linear` (as built by
        :func:`dlmath.nets.feedforward`).

    Returns
    -------
    float

    Raises
    ------
    TypeError
        If ``model`` is not a module; ValueError if it has no linear layer.

    Examples
    --------
    >>> import torch
    >>> from dlmath import nets
    >>> net = nets.feedforward((2, 3, 1), dtype="float64")
    >>> with torch.no_grad():
    ...     _ = net[0].weight.copy_(torch.tensor([[2.0, 0.0], [0.0, 1.0], [0.0, 0.0]]))
    ...     _ = net[2].weight.copy_(torch.tensor([[0.0, 0.0, 3.0]]))
    >>> spectral_norm_product(net)
    6.0

    References
    ----------
    Book, chapter *Neural networks and the error decomposition*.
    """
    if not isinstance(model, torch.nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    linears = [m for m in model.modules() if isinstance(m, torch.nn.Linear)]
    if not linears:
        raise ValueError("model must contain at least one torch.nn.Linear layer")
    out = 1.0
    with torch.no_grad():
        for layer in linears:
            out *= float(torch.linalg.matrix_norm(layer.weight.to(torch.float64), ord=2))
    return out


# ---------------------------------------------------------------------------------------------
# demos
# ---------------------------------------------------------------------------------------------


@demo_result
class ReluPropertiesResult(DemoResult):
    """Result of :func:`relu_properties_demo`.

    Attributes
    ----------
    rescale_err : float
        :math:`\\max |\\Phi(x) - \\Phi_c(x)|` over the inputs, the rescaling factors
        :math:`c \\in \\{10^{-3}, 10^{3}\\}` and all hidden layers.
    grad_norms : ndarray, shape (n_points,)
        :math:`\\|D\\Phi(x)\\|_2` at the inputs (exact, by automatic differentiation).
    lip_bound : float
        :math:`\\prod_\\ell \\|W_\\ell\\|_2`.
    max_ratio : float
        ``grad_norms.max() / lip_bound`` (the theorem: at most 1).
    n_params : int
        Number of parameters of the torch module.
    n_params_formula : int
        :math:`\\sum_\\ell (n_{\\ell-1} + 1) n_\\ell`.
    line_s, line_values : ndarray, shape (m,)
        The first output of :math:`\\Phi` along the segment :math:`s \\mapsto a + s b`, :math:`s\\in[-3,3]`.
    line_breaks : ndarray
        Parameters :math:`s` at which the activation pattern changes along the segment.
    n_pieces : int
        Number of affine pieces along the segment.
    cpwl_err : float
        Largest deviation of :math:`\\Phi` from the affine function of its activation pattern
        on the segment (the theorem: 0 up to rounding).
    frozen_pattern_err : float
        Largest deviation of :math:`\\Phi` on the segment from the single affine map of the
        pattern at the segment's midpoint (what a globally affine :math:`\\Phi` would give).
    rescale_bias_err : float
        As ``rescale_err``, but with the bias :math:`b_\\ell` left unscaled (not a symmetry).
    sharp_ratio : float
        :math:`\\|D\\Phi(0)\\|_2 / \\prod_\\ell \\|W_\\ell\\|_2` for the network of the same widths
        whose layers share their top singular vectors, positive on the hidden layers, with
        biases that keep every neuron active near 0 (the theorem: the bound is attained, ratio 1).
    max_ratio_all : float
        ``max(max_ratio, sharp_ratio)``.
    n_params_no_bias : int
        :math:`\\sum_\\ell n_{\\ell-1} n_\\ell` (the count with the biases forgotten).
    widths : tuple of int
    """

    rescale_err: float
    grad_norms: np.ndarray
    lip_bound: float
    max_ratio: float
    n_params: int
    n_params_formula: int
    line_s: np.ndarray
    line_values: np.ndarray
    line_breaks: np.ndarray
    n_pieces: int
    cpwl_err: float
    frozen_pattern_err: float
    rescale_bias_err: float
    sharp_ratio: float
    max_ratio_all: float
    n_params_no_bias: int
    widths: tuple

    def plot(self, ax=None):
        """Histogram of the local Lipschitz constants divided by the product of spectral norms."""
        ax = axes(ax)
        ax.hist(self.grad_norms / self.lip_bound, bins=np.linspace(0, 1.05, 211), color=COLORS[0])
        ax.axvline(1.0, color=COLORS[1], label=r"bound $\prod_\ell \|W_\ell\|_2$")
        ax.set_xlabel(r"$\|D\Phi(x)\|_2 \,/\, \prod_\ell \|W_\ell\|_2$")
        ax.set_ylabel("inputs")
        ax.set_xlim(0, 1.05)
        ax.legend(loc="upper center")
        return ax

    def plot_line(self, ax=None):
        """The network along a segment, with the points where its activation pattern changes."""
        ax = axes(ax)
        ax.plot(self.line_s, self.line_values, color=COLORS[0], label=r"$s \mapsto \Phi(a + s b)$")
        for s in self.line_breaks:
            ax.axvline(s, color="0.7", linewidth=0.5, zorder=0)
        ax.set_xlabel("$s$")
        ax.set_title(f"{self.n_pieces} affine pieces (grey lines: pattern changes)")
        ax.legend()
        return ax


def relu_properties_demo(
    *, widths=(3, 64, 64, 1), n_points: int = 10_000, seed: int = 0, device="cpu"
) -> ReluPropertiesResult:
    r"""Check the structural properties of a random ReLU network (float64).

    The network :math:`\Phi(x) = W_{L+1}\sigma(W_L\cdots\sigma(W_1x+b_1)\cdots)+b_{L+1}`, with
    :math:`L` hidden layers, is
    :func:`dlmath.nets.feedforward` ``(widths, dtype=torch.float64, seed=seed)``; inputs are
    i.i.d. :math:`N(0, I)`.

    (a) CPWL: along a segment :math:`a + sb`, :math:`s \in [-3, 3]`, on 4001 points, the
    activation pattern is computed, and :math:`\Phi` is compared with the affine map
    :math:`x \mapsto W^{(p)} x + c^{(p)}` of its pattern :math:`p` (computed from the weights).
    (b) Rescaling: :math:`(W_\ell, b_\ell, W_{\ell+1}) \mapsto (cW_\ell, cb_\ell, W_{\ell+1}/c)`
    for :math:`c \in \{10^{-3}, 10^3\}` and every hidden layer :math:`\ell` changes the outputs
    by rounding only. (c) :math:`\|D\Phi(x)\|_2 \le \prod_\ell\|W_\ell\|_2` with the Jacobians
    from :func:`torch.autograd.grad`, for the random network and for a network where the bound
    is attained: :math:`W_\ell = s_\ell u_\ell u_{\ell-1}^\top + E_\ell` with unit vectors
    :math:`u_\ell` (entrywise positive on the hidden layers) and :math:`E_\ell` mapping
    :math:`u_{\ell-1}^\perp` to :math:`u_\ell^\perp` with :math:`\|E_\ell\|_2 = s_\ell/2`, so that
    :math:`\|W_\ell\|_2 = s_\ell`, and biases making every pre-activation equal to 1 at
    :math:`x = 0`; there :math:`D\Phi(0) = W_{L+1}\cdots W_1` maps :math:`u_0` to
    :math:`\prod_\ell s_\ell\, u_{L+1}`. (d) The parameter count equals
    :math:`\sum_\ell (n_{\ell-1}+1) n_\ell`.

    Parameters
    ----------
    widths : sequence of int, default (3, 64, 64, 1)
        Layer widths :math:`(n_0, \dots, n_{L+1})`, at least two.
    n_points : int, default 10_000
        Number of random inputs, >= 1.
    seed : int, default 0
    device : str or torch.device, default "cpu"

    Returns
    -------
    ReluPropertiesResult

    Raises
    ------
    TypeError, ValueError
        For an argument of the wrong type or out of range; the message names it.

    References
    ----------
    Book, chapter *Neural networks and the error decomposition*, theorem
    ``learning-relu_network_properties``. Berner et al. (2022), Sec. 1.2; Arora et al. (2018), Thm 2.1.
    """
    w = check_int_sequence(widths, "widths", minimum=1, min_len=2)
    n_points = check_int(n_points, "n_points", minimum=1)
    gen = rng(seed)
    device = check_device(device)
    net = feedforward(w, dtype=torch.float64, seed=seed, device=device)
    linears = [m for m in net if isinstance(m, torch.nn.Linear)]
    x = torch.as_tensor(gen.standard_normal((n_points, w[0])), dtype=torch.float64, device=device)

    with torch.no_grad():
        out = net(x)
        # (b) positive rescaling of consecutive layers
        rescale_err = _rescaling_change(net, x, out, scale_bias=True)

    # (c) exact Jacobians by reverse-mode automatic differentiation; the samples of a batch do
    # not interact, so the gradient of the sum of output j is row j of every Jacobian
    xg = x.clone().requires_grad_(True)
    yg = net(xg)
    rows = [torch.autograd.grad(yg[:, j].sum(), xg, retain_graph=j < w[-1] - 1)[0] for j in range(w[-1])]
    jac = torch.stack(rows, dim=1)  # (N, d_out, d_in)
    grad_norms = torch.linalg.matrix_norm(jac.detach(), ord=2).cpu().numpy()
    lip_bound = spectral_norm_product(net)

    # (a) CPWL along a segment: compare with the affine map of the activation pattern
    a = torch.as_tensor(gen.standard_normal(w[0]), dtype=torch.float64, device=device)
    b = torch.as_tensor(gen.standard_normal(w[0]), dtype=torch.float64, device=device)
    s = torch.linspace(-3.0, 3.0, 4001, dtype=torch.float64, device=device)
    xs = a + s[:, None] * b
    with torch.no_grad():
        h = xs
        patterns = []
        # the affine map of the pattern, propagated alongside: Phi(x) = A x + c on the region
        amat = torch.eye(w[0], dtype=torch.float64, device=device).expand(s.numel(), -1, -1)
        cvec = torch.zeros(s.numel(), w[0], dtype=torch.float64, device=device)
        for k, layer in enumerate(linears):
            h = layer(h)
            amat = layer.weight @ amat
            cvec = cvec @ layer.weight.T + layer.bias
            if k < len(linears) - 1:
                mask = (h > 0).to(torch.float64)
                patterns.append(h > 0)
                h = h * mask
                amat = mask[:, :, None] * amat
                cvec = cvec * mask
        affine = (amat @ xs[:, :, None])[..., 0] + cvec
        cpwl_err = float((affine - net(xs)).abs().max())
        line_values = net(xs)[:, 0].cpu().numpy()
    pat = torch.cat(patterns, dim=1).cpu().numpy() if patterns else np.zeros((s.numel(), 0), bool)
    change = np.any(pat[1:] != pat[:-1], axis=1)
    s_np = s.cpu().numpy()
    breaks = 0.5 * (s_np[1:] + s_np[:-1])[change]

    # (a), wrong answer: one affine map (the pattern of the midpoint) for the whole segment
    with torch.no_grad():
        mid = s.numel() // 2
        frozen = xs @ amat[mid].T + cvec[mid]
        frozen_pattern_err = float((frozen - net(xs)).abs().max())
        # (b), wrong answer: the rescaling with the bias left unscaled
        rescale_bias_err = _rescaling_change(net, x, out, scale_bias=False)

    # (c), the instance attaining the bound
    sharp = _sharp_lipschitz_net(w, gen, device)
    x0 = torch.zeros(1, w[0], dtype=torch.float64, device=device, requires_grad=True)
    y0 = sharp(x0)
    jac0 = torch.stack([torch.autograd.grad(y0[0, j], x0, retain_graph=j < w[-1] - 1)[0][0] for j in range(w[-1])])
    sharp_ratio = float(torch.linalg.matrix_norm(jac0.detach(), ord=2)) / spectral_norm_product(sharp)

    n_params = count_parameters(net)
    max_ratio = float(grad_norms.max() / lip_bound)
    return ReluPropertiesResult(
        rescale_err=rescale_err,
        grad_norms=grad_norms,
        lip_bound=lip_bound,
        max_ratio=max_ratio,
        n_params=n_params,
        n_params_formula=relu_param_count(w),
        line_s=s_np,
        line_values=line_values,
        line_breaks=breaks,
        n_pieces=int(change.sum()) + 1,
        cpwl_err=cpwl_err,
        frozen_pattern_err=frozen_pattern_err,
        rescale_bias_err=rescale_bias_err,
        sharp_ratio=sharp_ratio,
        max_ratio_all=max(max_ratio, sharp_ratio),
        n_params_no_bias=int(sum(a * b for a, b in zip(w[:-1], w[1:]))),
        widths=w,
    )


def _rescaling_change(net: torch.nn.Module, x: torch.Tensor, out: torch.Tensor, *, scale_bias: bool) -> float:
    r"""Largest change of ``out = net(x)`` under :math:`(W_\ell, b_\ell, W_{\ell+1}) \mapsto (cW_\ell, cb_\ell, W_{\ell+1}/c)`.

    Over :math:`c \in \{10^{-3}, 10^3\}` and every hidden layer :math:`\ell`; with
    ``scale_bias=False`` the bias :math:`b_\ell` is left unscaled (the wrong answer of the check).
    """
    n_linear = sum(isinstance(m, torch.nn.Linear) for m in net)
    change = 0.0
    with torch.no_grad():
        for c in (1e-3, 1e3):
            for ell in range(n_linear - 1):
                other = copy.deepcopy(net)
                lin = [m for m in other if isinstance(m, torch.nn.Linear)]
                lin[ell].weight.mul_(c)
                if scale_bias:
                    lin[ell].bias.mul_(c)
                lin[ell + 1].weight.div_(c)
                change = max(change, float((other(x) - out).abs().max()))
    return change


def _sharp_lipschitz_net(w: tuple[int, ...], gen: np.random.Generator, device):
    """A ReLU network of widths ``w`` whose Lipschitz bound prod ||W_l||_2 is attained at x = 0.

    W_l = s_l u_l u_{l-1}^T + E_l with unit vectors u_l (entrywise positive on hidden layers),
    E_l = (I - u_l u_l^T) G_l (I - u_{l-1} u_{l-1}^T) scaled to spectral norm s_l / 2, so that
    u_{l-1} is a top right singular vector of W_l with singular value s_l and W_l u_{l-1} = s_l u_l;
    the biases make every hidden pre-activation equal to 1 at x = 0.
    """
    net = feedforward(w, dtype=torch.float64, seed=0, device=device)
    linears = [m for m in net if isinstance(m, torch.nn.Linear)]
    us = []
    for ell, width in enumerate(w):
        u = gen.standard_normal(width)
        if 0 < ell < len(w) - 1:
            u = np.abs(u) + 0.1
        us.append(u / np.linalg.norm(u))
    act = np.zeros(w[0])  # the hidden state at x = 0
    with torch.no_grad():
        for ell, layer in enumerate(linears):
            u_out, u_in = us[ell + 1], us[ell]
            s_l = float(gen.uniform(0.5, 2.0))
            g = gen.standard_normal((u_out.size, u_in.size))
            e = g - np.outer(u_out, u_out @ g)
            e = e - np.outer(e @ u_in, u_in)
            norm_e = np.linalg.norm(e, 2) if e.size else 0.0
            e = e * (0.5 * s_l / norm_e) if norm_e > 1e-12 else np.zeros_like(e)
            wmat = s_l * np.outer(u_out, u_in) + e
            if ell < len(linears) - 1:
                bias = 1.0 - wmat @ act
                act = np.ones(u_out.size)
            else:
                bias = np.zeros(u_out.size)
            layer.weight.copy_(torch.as_tensor(wmat, dtype=torch.float64))
            layer.bias.copy_(torch.as_tensor(bias, dtype=torch.float64))
    return net


declare_check(
    "learning.relu_network_properties",
    label="lipschitz",
    quantity="largest ||D Phi(x)||_2 over prod_l ||W_l||_2: a random network at Gaussian inputs and a network "
    "with aligned top singular vectors at x = 0",
    claim="upper bound",
    relation="<=",
    measure="max_ratio_all",
    predict=1.0,
    tolerance=1e-12,
    reason="float64 rounding of the Jacobians and the spectral norms; the aligned network attains the bound "
    "(ratio 1), the random one lies at about 0.08 of it",
    hypotheses="ReLU (1-Lipschitz) activation, Euclidean norms, Jacobians at points of differentiability "
    "(all neurons active near 0 for the aligned network)",
    wrong="0.9 x the product of spectral norms",
    wrong_predict=0.9,
    min_tightness=0.9,
    demo=relu_properties_demo,
)
declare_check(
    "learning.relu_network_properties",
    label="cpwl",
    quantity="largest deviation of Phi on a segment from the affine map W_{L+1} D_L W_L ... D_1 W_1 x + c_s of "
    "its activation pattern",
    claim="identity",
    relation="approx",
    measure="cpwl_err",
    predict=0.0,
    tolerance=1e-10,
    reason="float64 rounding of two evaluations of the same affine map (outputs of order 10)",
    hypotheses="ReLU activation; the pattern is read off at each of 4001 points of the segment",
    wrong="Phi affine on the whole segment (the midpoint's pattern everywhere)",
    wrong_measure="frozen_pattern_err",
    demo=relu_properties_demo,
)
declare_check(
    "learning.relu_network_properties",
    label="rescaling",
    quantity="largest change of the outputs under (W_l, b_l, W_{l+1}) -> (c W_l, c b_l, W_{l+1}/c), "
    "c in {1e-3, 1e3}, every hidden layer",
    claim="identity",
    relation="approx",
    measure="rescale_err",
    predict=0.0,
    tolerance=1e-10,
    reason="float64 rounding after scaling by 1e3 and back",
    hypotheses="ReLU activation (positively homogeneous), c > 0",
    wrong="the rescaling with the bias b_l left unscaled",
    wrong_measure="rescale_bias_err",
    demo=relu_properties_demo,
)
declare_check(
    "learning.relu_network_properties",
    label="count",
    quantity="number of parameters of the torch module against sum_l (n_{l-1} + 1) n_l",
    claim="identity",
    relation="approx",
    measure="n_params",
    predict="n_params_formula",
    tolerance=0.0,
    reason="integers: exact",
    hypotheses="fully connected layers with biases",
    wrong="sum_l n_{l-1} n_l (the biases forgotten)",
    wrong_predict="n_params_no_bias",
    demo=relu_properties_demo,
)
