import math

import numpy as np
import pytest
import torch

from dlmath import nets


def _manual_ntk_forward(net, x, sw2, sb2, phi):
    """The NTK-parameterised forward pass written out from the formula."""
    h = None
    inp = x
    for index, layer in enumerate(net.layers):
        fan_in = layer.weight.shape[1]
        h = math.sqrt(sw2 / fan_in) * inp @ layer.weight.T + math.sqrt(sb2) * layer.bias
        inp = phi(h)
    return h


@pytest.mark.parametrize("activation, phi", [("relu", torch.relu), ("erf", torch.erf), ("tanh", torch.tanh)])
def test_mlp_ntk_matches_formula(activation, phi):
    net = nets.mlp(4, 16, 3, activation=activation, sw2=1.7, sb2=0.3, dtype=torch.float64, seed=2)
    x = torch.randn(10, 4, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    assert torch.allclose(net(x), _manual_ntk_forward(net, x, 1.7, 0.3, phi), atol=1e-14, rtol=0)


def test_standard_and_ntk_agree_at_initialisation():
    x = torch.randn(7, 3, dtype=torch.float64, generator=torch.Generator().manual_seed(1))
    a = nets.mlp(3, 32, 2, parameterization="ntk", sb2=0.2, dtype=torch.float64, seed=5)
    b = nets.mlp(3, 32, 2, parameterization="standard", sb2=0.2, dtype=torch.float64, seed=5)
    assert torch.allclose(a(x), b(x), atol=1e-13, rtol=0)
    # but the gradients scale differently: d f / d W^1 differs by the factor sqrt(sw2/d_in)
    a(x).sum().backward()
    b(x).sum().backward()
    ratio = a.layers[0].weight.grad.norm() / b.layers[0].weight.grad.norm()
    assert float(ratio) == pytest.approx(math.sqrt(2.0 / 3.0), rel=1e-10)


def test_mean_field_output_scale():
    x = torch.randn(5, 3, dtype=torch.float64, generator=torch.Generator().manual_seed(1))
    width = 64
    ntk = nets.mlp(3, width, 1, parameterization="ntk", dtype=torch.float64, seed=3)
    mf = nets.mlp(3, width, 1, parameterization="mean_field", dtype=torch.float64, seed=3)
    assert torch.allclose(mf(x) * math.sqrt(width), ntk(x), atol=1e-13, rtol=0)


def test_mlp_output_variance_matches_nngp_diagonal():
    # For ReLU with sw2=2, sb2=0 the output variance at x equals 2|x|^2/d_in (He initialisation).
    d_in, width = 5, 256
    x = torch.ones(1, d_in, dtype=torch.float64)
    with torch.no_grad():
        outs = torch.stack([nets.mlp(d_in, width, 2, dtype=torch.float64, seed=s)(x)[0, 0] for s in range(400)])
    predicted = 2.0 * float(x.square().sum()) / d_in
    assert float(outs.var()) == pytest.approx(predicted, rel=0.2)


def test_mlp_is_seeded_and_has_the_right_size():
    a = nets.mlp(3, 8, 2, seed=1)
    b = nets.mlp(3, 8, 2, seed=1)
    c = nets.mlp(3, 8, 2, seed=2)
    assert all(torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters()))
    assert not torch.equal(a.layers[0].weight, c.layers[0].weight)
    assert nets.count_parameters(a) == (3 + 1) * 8 + (8 + 1) * 8 + (8 + 1) * 1
    assert a(torch.zeros(4, 3)).shape == (4, 1)
    assert a.layers[0].weight.dtype == torch.float32
    assert len(a.hidden(torch.zeros(2, 3))) == 3


def test_mlp_depth_zero_is_affine():
    net = nets.mlp(3, 10, 0, d_out=2, dtype=torch.float64)
    assert len(net.layers) == 1 and net.layers[0].weight.shape == (2, 3)


@pytest.mark.parametrize(
    "kwargs, exc, match",
    [
        (dict(d_in=0), ValueError, "d_in"),
        (dict(width=2.5), TypeError, "width"),
        (dict(depth=-1), ValueError, "depth"),
        (dict(activation="sigmoid"), ValueError, "activation must be one of"),
        (dict(parameterization="xavier"), ValueError, "parameterization"),
        (dict(sw2=0.0), ValueError, "sw2"),
        (dict(sb2=-1.0), ValueError, "sb2"),
        (dict(dtype=torch.int64), TypeError, "dtype"),
        (dict(seed=-3), ValueError, "seed"),
        (dict(device="nonsense"), ValueError, "device"),
    ],
)
def test_mlp_rejects_bad_arguments(kwargs, exc, match):
    args = dict(d_in=3, width=8, depth=2)
    args.update(kwargs)
    with pytest.raises(exc, match=match):
        nets.mlp(args.pop("d_in"), args.pop("width"), args.pop("depth"), **args)


def test_feedforward_layers_and_validation():
    net = nets.feedforward((3, 5, 4, 2), dtype=torch.float64, seed=0)
    assert [m.__class__.__name__ for m in net] == ["Linear", "ReLU", "Linear", "ReLU", "Linear"]
    assert nets.count_parameters(net) == (3 + 1) * 5 + (5 + 1) * 4 + (4 + 1) * 2
    assert net(torch.zeros(6, 3, dtype=torch.float64)).shape == (6, 2)
    with pytest.raises(ValueError, match="widths"):
        nets.feedforward((3,))
    with pytest.raises(ValueError, match=r"widths\[1\]"):
        nets.feedforward((3, 0, 1))
    with pytest.raises(TypeError, match="widths"):
        nets.feedforward(3)
    with pytest.raises(TypeError, match="model"):
        nets.count_parameters("net")


def test_activation_function_rejects_unknown():
    with pytest.raises(ValueError, match="relu"):
        nets.activation_function("softsign")


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_mlp_same_weights_on_cuda():
    cpu = nets.mlp(3, 8, 2, dtype=torch.float64, seed=4)
    gpu = nets.mlp(3, 8, 2, dtype=torch.float64, seed=4, device="cuda")
    x = torch.randn(5, 3, dtype=torch.float64)
    assert torch.allclose(cpu(x), gpu(x.cuda()).cpu(), atol=1e-12)
