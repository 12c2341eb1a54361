"""gradcheck itself: it passes correct ops and explains exactly where a wrong one fails."""

import numpy as np
import pytest

import minigrad as mg
from minigrad.ops import op


@op("cube")
def cube(a):
    """A correct user-written op: a^3 with VJP 3 a^2 g."""
    return a**3, lambda g, out, a: (3 * a**2 * g,)


@op("bad_cube")
def bad_cube(a):
    """A deliberately wrong op: its VJP forgets the factor 3."""
    return a**3, lambda g, out, a: (a**2 * g,)


@op("bad_second_input")
def bad_second_input(a, b):
    """a * b whose VJP for b is off by one at every element."""
    return a * b, lambda g, out, a, b: (g * b, g * a + 1)


def test_gradcheck_passes_a_correct_user_op():
    x = np.array([[0.5, -1.0, 2.0], [1.5, 0.1, -0.3]])
    assert mg.gradcheck(cube, [x]) is True
    np.testing.assert_allclose(cube(mg.tensor(x)).data, x**3)


def test_gradcheck_names_input_index_and_both_values_of_a_wrong_op():
    x = np.array([[0.5, -1.0], [2.0, 0.1]])
    with pytest.raises(mg.GradcheckError) as info:
        mg.gradcheck(bad_cube, [x], seed=0)
    message = str(info.value)
    # the worst element is x = 2.0 at index (1, 0): analytic w x^2, numerical 3 w x^2
    w = np.random.default_rng(0).uniform(0.5, 1.5, (2, 2))[1, 0]
    assert "input 0 (shape (2, 2)) at index (1, 0)" in message
    analytic = float(message.split("analytic gradient ")[1].split(" ")[0])
    numerical = float(message.split("numerical ")[1].split(" ")[0])
    np.testing.assert_allclose(analytic, 4 * w, rtol=1e-6)
    np.testing.assert_allclose(numerical, 12 * w, rtol=1e-6)


def test_gradcheck_error_points_at_the_wrong_input():
    a, b = np.array([1.0, 2.0, 3.0]), np.array([0.5, -0.5, 1.0])
    with pytest.raises(mg.GradcheckError, match=r"input 1 \(shape \(3,\)\) at index \(\d,\)"):
        mg.gradcheck(bad_second_input, [a, b])


def test_gradcheck_is_an_assertion_error():
    assert issubclass(mg.GradcheckError, AssertionError)


def test_gradcheck_works_in_float64_whatever_the_input_dtype():
    # In float32 a central difference with eps=1e-6 would be pure rounding noise.
    x32 = mg.tensor(np.array([0.3, 0.7], dtype=np.float32))
    seen = []

    def fn(x):
        seen.append(x.dtype)
        return mg.tanh(x) * mg.exp(x)

    assert mg.gradcheck(fn, [x32])
    assert set(seen) == {np.dtype(np.float64)}
    assert x32.dtype == np.float32 and x32.grad is None  # the caller's tensor is untouched


def test_gradcheck_does_not_modify_the_callers_arrays():
    x = np.array([1.0, 2.0])
    mg.gradcheck(cube, [x])
    np.testing.assert_array_equal(x, [1.0, 2.0])


def test_gradcheck_tolerances_are_used():
    # bad_cube's relative error is 2/3: a loose enough rtol lets it pass, the default does not
    x = [np.array([1.0, 2.0])]
    with pytest.raises(mg.GradcheckError, match=r"atol=1e-05, rtol=0.001"):
        mg.gradcheck(bad_cube, x)
    assert mg.gradcheck(bad_cube, x, rtol=0.7)


def test_gradcheck_checks_every_output_element():
    @op("wrong_last_column")
    def wrong_last_column(a):
        def vjp(g, out, a):
            grad = g.copy()
            grad[..., -1] = 0
            return (grad,)

        return a * 1.0, vjp

    with pytest.raises(mg.GradcheckError, match=r"at index \(\d, 2\)"):
        mg.gradcheck(wrong_last_column, [np.ones((2, 3))])


def test_gradcheck_input_that_gets_no_gradient_is_compared_with_zero():
    # b is unused: both gradients are zero, so this passes...
    assert mg.gradcheck(lambda a, b: a * 2, [np.ones(2), np.ones(2)])

    # ...but an op that drops a gradient it owes is caught.
    @op("drops_b")
    def drops_b(a, b):
        return a * b, lambda g, out, a, b: (g * b, None)

    with pytest.raises(mg.GradcheckError, match=r"input 1 .* analytic gradient 0 != numerical"):
        mg.gradcheck(drops_b, [np.ones(2), np.ones(2)])


def test_gradcheck_fails_on_nan_gradients():
    @op("nan_gradient")
    def nan_gradient(a):
        return a * 2, lambda g, out, a: (g * np.nan,)

    with pytest.raises(
        mg.GradcheckError, match=r"input 0 .* at index \(0,\): analytic gradient nan"
    ):
        mg.gradcheck(nan_gradient, [np.ones(3)])
