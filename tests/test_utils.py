import numpy as np
import pytest

from dlmath import utils


def test_loglog_slope_recovers_power_law():
    x = np.array([8.0, 16.0, 32.0, 64.0, 128.0])
    assert utils.loglog_slope(x, 3.0 * x**-2) == pytest.approx(-2.0, abs=1e-12)
    assert utils.loglog_slope(x, 0.5 * x**0.5) == pytest.approx(0.5, abs=1e-12)


def test_loglog_slope_is_least_squares_fit():
    rng = np.random.default_rng(1)
    x = np.logspace(0, 3, 12)
    y = x**-1.0 * np.exp(0.1 * rng.standard_normal(12))
    expected = np.polyfit(np.log(x), np.log(y), 1)[0]
    assert utils.loglog_slope(x, y) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(
    "x, y, match",
    [
        ([1.0, 2.0], [1.0], "same shape"),
        ([1.0], [1.0], "at least two"),
        ([1.0, -2.0], [1.0, 2.0], "x must contain positive"),
        ([1.0, 2.0], [0.0, 2.0], "y must contain positive"),
        ([2.0, 2.0], [1.0, 3.0], "distinct"),
        ([[1.0, 2.0]], [[1.0, 2.0]], "x must have 1 dimension"),
    ],
)
def test_loglog_slope_rejects_bad_input(x, y, match):
    with pytest.raises(ValueError, match=match):
        utils.loglog_slope(x, y)


def test_loglog_slope_rejects_non_numeric():
    with pytest.raises(TypeError, match="x"):
        utils.loglog_slope("abc", [1.0, 2.0])


def test_rng_is_reproducible_and_validated():
    assert utils.rng(3).standard_normal() == utils.rng(3).standard_normal()
    assert utils.rng(3).standard_normal() != utils.rng(4).standard_normal()
    with pytest.raises(ValueError, match="seed"):
        utils.rng(-1)
    with pytest.raises(TypeError, match="seed"):
        utils.rng(1.5)


def test_torch_generator_is_reproducible():
    import torch

    a = torch.randn(3, generator=utils.torch_generator(7))
    b = torch.randn(3, generator=utils.torch_generator(7))
    assert torch.equal(a, b)


def test_checks_name_the_argument():
    assert utils.check_int(np.int64(4), "n", minimum=1) == 4
    with pytest.raises(TypeError, match="n must be an integer"):
        utils.check_int(True, "n")
    with pytest.raises(ValueError, match="n must be >= 1"):
        utils.check_int(0, "n", minimum=1)
    assert utils.check_real(2, "eta", minimum=0, strict_min=True) == 2.0
    with pytest.raises(ValueError, match="eta must be > 0"):
        utils.check_real(0.0, "eta", minimum=0, strict_min=True)
    with pytest.raises(ValueError, match="eta must be finite"):
        utils.check_real(float("nan"), "eta")
    with pytest.raises(TypeError, match="eta"):
        utils.check_real("1", "eta")
    with pytest.raises(ValueError, match="mode must be one of"):
        utils.check_choice("c", "mode", ("a", "b"))
    with pytest.raises(TypeError, match="flag"):
        utils.check_bool(1, "flag")
    with pytest.raises(ValueError, match="X must contain only finite"):
        utils.check_array([1.0, np.inf], "X")
    with pytest.raises(ValueError, match="X must have at least 3"):
        utils.check_array([1.0, 2.0], "X", min_size=3)
    # a cast to float64 would drop the imaginary part silently
    with pytest.raises(TypeError, match="X must be real"):
        utils.check_array(np.array([1.0 + 2.0j]), "X")
    assert utils.check_array([1.0 + 2.0j], "X", dtype=np.complex128)[0].imag == 2.0


def test_check_device():
    import torch

    assert utils.check_device("cpu") == torch.device("cpu")
    with pytest.raises(ValueError, match="device"):
        utils.check_device("nonsense")


# ---------------------------------------------------------------- threads and progress


def test_torch_threads_restores_the_callers_count_even_on_error():
    import torch

    from dlmath.utils import torch_threads

    before = torch.get_num_threads()
    target = 1 if before != 1 else 2
    with pytest.raises(RuntimeError):
        with torch_threads(target):
            assert torch.get_num_threads() == target
            raise RuntimeError("inside")
    assert torch.get_num_threads() == before
    with pytest.raises(ValueError, match="n"):
        with torch_threads(0):
            pass


def test_small_network_demos_run_on_one_thread_and_restore():
    import torch

    import dlmath
    from dlmath.utils import small_network_threads

    seen = []

    @small_network_threads
    def probe():
        seen.append(torch.get_num_threads())

    torch.set_num_threads(2)
    try:
        probe()
        assert seen == [1] and torch.get_num_threads() == 2
    finally:
        torch.set_num_threads(1)
    marked = [
        dlmath.pde.train_pinn_poisson,
        dlmath.pde.train_pinn_heat,
        dlmath.kernels.lazy_training_demo,
        dlmath.kernels.depth_limit_demo,
        dlmath.optimization.diagonal_net_demo,
        dlmath.expressivity.depth_separation_training_demo,
    ]
    assert all(getattr(f, "small_network_threads", False) for f in marked)


def test_progress_is_silent_by_default_and_shown_on_request(capsys):
    import inspect

    import dlmath
    from dlmath.utils import progress_bar

    items = [1, 2, 3]
    assert progress_bar(items, False) is items
    with pytest.raises(TypeError, match="progress"):
        progress_bar(items, 1)
    demo = dlmath.optimization.diagonal_net_demo
    assert inspect.signature(demo).parameters["progress"].default is False
    demo(alphas=(1.0,), n=5, p=8)
    assert capsys.readouterr().err == ""
    demo(alphas=(1.0, 0.5), n=5, p=8, progress=True)
    assert "alpha" in capsys.readouterr().err
    with pytest.raises(TypeError, match="progress"):
        demo(alphas=(1.0,), n=5, p=8, progress="yes")
