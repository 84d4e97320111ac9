import math

import numpy as np
import pytest
import torch

from dlmath import nets, utils


def _manual_ntk_forward(net, x, sw2, sb2, phi):
    """The NTK-parameterised forward pass written out from the formula."""
    h = None
    inp = x
    for layer in net.layers:
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


# ---------------------------------------------------------------------------------------------
# the registry, the seeded initialisation and the input contract of every network


def test_activation_registry_is_the_one_dispatch():
    x = torch.linspace(-2, 2, 9, dtype=torch.float64)
    expected = {"relu": x.clamp(min=0), "erf": torch.erf(x), "tanh": torch.tanh(x), "identity": x}
    assert set(nets.ACTIVATIONS) == set(expected)
    for name, value in expected.items():
        torch.testing.assert_close(nets.activation_function(name)(x), value, rtol=0, atol=0)
        torch.testing.assert_close(nets.activation_module(name)(x), value, rtol=0, atol=0)
    # a feedforward network and an MLP use the same registry entry
    ff = nets.feedforward([1, 3, 1], activation="erf")
    assert type(ff[1]) is nets.ACTIVATIONS["erf"].module


def test_seeded_normal_is_a_float64_draw_then_cast():
    a = nets.seeded_normal(utils.torch_generator(3), (4, 5), 0.5)
    b = nets.seeded_normal(utils.torch_generator(3), (4, 5), 0.5, dtype="float32")
    assert a.dtype == torch.float64 and b.dtype == torch.float32
    torch.testing.assert_close(b, a.float(), rtol=0, atol=0)
    ref = torch.randn(4, 5, generator=utils.torch_generator(3), dtype=torch.float64) * 0.5
    torch.testing.assert_close(a, ref, rtol=0, atol=0)


def test_he_init_statistics_and_zero_biases():
    conv = torch.nn.Conv2d(8, 64, 3)
    nets.he_init_(conv, utils.torch_generator(0))
    assert torch.count_nonzero(conv.bias) == 0
    fan_in = 8 * 9
    var = conv.weight.double().var().item()
    # 64*8*9 = 4608 draws: the sample variance is within 5 standard errors (sqrt(2/n) relative)
    assert abs(var / (2.0 / fan_in) - 1) < 5 * (2 / conv.weight.numel()) ** 0.5
    assert abs(var / (1.0 / fan_in) - 1) > 0.5  # not LeCun's 1/fan_in


def test_networks_take_numpy_and_name_a_dtype_mismatch(dtype):
    net = nets.mlp(3, 8, 1, dtype=dtype)
    x = np.random.default_rng(0).standard_normal((5, 3))
    out = net(x)
    assert isinstance(out, torch.Tensor) and out.dtype == dtype
    torch.testing.assert_close(out, net(torch.as_tensor(x, dtype=dtype)))
    other = torch.float64 if dtype == torch.float32 else torch.float32
    with pytest.raises(TypeError, match=r"x has dtype .* but the network's is"):
        net(torch.zeros(2, 3, dtype=other))
    with pytest.raises(TypeError, match="x must be a tensor or a NumPy array"):
        net("abc")
    with pytest.raises(TypeError, match="x must be real"):
        net(np.ones((2, 3)) * 1j)


def test_dtype_accepts_torch_and_string_alike():
    a = nets.mlp(2, 4, 1, dtype=torch.float64)
    b = nets.mlp(2, 4, 1, dtype="float64")
    for p, q in zip(a.parameters(), b.parameters()):
        assert q.dtype == torch.float64
        torch.testing.assert_close(p, q, rtol=0, atol=0)


def test_unavailable_device_is_a_clear_error():
    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA; the error path is for machines without it")
    with pytest.raises(ValueError, match="not available"):
        nets.mlp(2, 4, 1, device="cuda")
