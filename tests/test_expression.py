"""Tests for rmsprop.objectives.from_expression: typed formulas, their gradients, and what is refused.

Expected values come from outside the code under test: the catalogue's
hand-written objectives, the seed's published RMSprop run, the ``math``
module, central finite differences, and an independent plain-Python evaluator
of the parsed tree written here.
"""

import ast
import builtins
import importlib
import importlib.util
import math
import os
import pathlib
import re
import subprocess
import sys
import time

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import rmsprop
from rmsprop.objectives import Objective, from_expression, get

# Any warning (overflow, division by zero, invalid value, ...) is a failure.
pytestmark = pytest.mark.filterwarnings("error")

ROOT = pathlib.Path(__file__).resolve().parents[1]
PREFIX = "expression rejected: "


@pytest.fixture(scope="module", autouse=True)
def sympy_loaded():
    """Import SymPy once up front, so that no timed call pays for it."""
    from_expression("x1")


def central_difference_gradient(f, x, h=1e-6):
    """Central finite differences (f(x + h e_i) - f(x - h e_i)) / 2h, step scaled to |x_i|."""
    grad = np.empty_like(x)
    for i in range(len(x)):
        step = np.zeros_like(x)
        step[i] = h * max(1.0, abs(x[i]))
        grad[i] = (f(x + step) - f(x - step)) / (2.0 * step[i])
    return grad


# --------------------------------------------------------------------------------------
# The catalogue's functions, typed
# --------------------------------------------------------------------------------------

# catalogue name -> the same function typed as text; the formulas are the
# catalogue's (and [VLSE]'s), Rastrigin and Ackley written out for n = 2.
TYPED = {
    "seed": "5*x1**2 + 7*x2**2",
    "rosenbrock": "100*(x2 - x1**2)**2 + (1 - x1)**2",
    "beale": "(1.5 - x1 + x1*x2)**2 + (2.25 - x1 + x1*x2**2)**2 + (2.625 - x1 + x1*x2**3)**2",
    "booth": "(x1 + 2*x2 - 7)**2 + (2*x1 + x2 - 5)**2",
    "himmelblau": "(x1**2 + x2 - 11)**2 + (x1 + x2**2 - 7)**2",
    "rastrigin": "20 + x1**2 - 10*cos(2*pi*x1) + x2**2 - 10*cos(2*pi*x2)",
    "ackley": "-20*exp(-0.2*sqrt(0.5*(x1**2 + x2**2))) - exp(0.5*(cos(2*pi*x1) + cos(2*pi*x2))) + 20 + e",
    "goldstein_price": (
        "(1 + (x1 + x2 + 1)**2 * (19 - 14*x1 + 3*x1**2 - 14*x2 + 6*x1*x2 + 3*x2**2))"
        " * (30 + (2*x1 - 3*x2)**2 * (18 - 32*x1 + 12*x1**2 + 48*x2 - 36*x1*x2 + 27*x2**2))"
    ),
    "matyas": "0.26*(x1**2 + x2**2) - 0.48*x1*x2",
    "three_hump_camel": "2*x1**2 - 1.05*x1**4 + x1**6/6 + x1*x2 + x2**2",
    "saddle": "x1**2 - x2**2",
    "ill_conditioned": "0.1*x1**2 + 2*x2**2",
    "rotated": "0.1*(x1 + x2)**2 + 2*(x1 - x2)**2",
}
# These are computed by the same operations in the same order as the
# catalogue's NumPy code, so they agree to the last bit; the others differ by
# summation order or by how SymPy groups constants (a few units in the last
# place; three_hump_camel's x1**6/6 is (1/6)*x1**6).
BIT_EXACT = {"seed", "rosenbrock", "booth", "himmelblau", "matyas", "saddle", "ill_conditioned", "rotated"}


def grid_over(objective, nx=9, ny=8):
    """A grid over the objective's domain, shape (2, ny, nx); even counts miss the origin."""
    (x_lo, x_hi), (y_lo, y_hi) = objective.domain
    return np.stack(np.meshgrid(np.linspace(x_lo, x_hi, nx), np.linspace(y_lo, y_hi, ny)))


@pytest.mark.parametrize("name", sorted(TYPED))
def test_typed_catalogue_functions_match_the_catalogue_on_a_grid(name):
    catalogue = get(name)
    typed = from_expression(TYPED[name])
    assert typed.dim == 2
    grid = grid_over(catalogue, ny=8)  # ny even: Ackley's kink at the origin is not on the grid
    f_cat, f_typed = catalogue.f(grid), typed.f(grid)
    g_cat, g_typed = catalogue.grad(grid), typed.grad(grid)
    assert f_typed.shape == f_cat.shape and g_typed.shape == g_cat.shape
    if name in BIT_EXACT:
        np.testing.assert_array_equal(f_typed, f_cat)
        np.testing.assert_array_equal(g_typed, g_cat)
    else:
        scale_f = np.maximum(1.0, np.abs(f_cat))
        scale_g = np.maximum(1.0, np.abs(g_cat))
        assert np.max(np.abs(f_typed - f_cat) / scale_f) <= 1e-13
        assert np.max(np.abs(g_typed - g_cat) / scale_g) <= 1e-13


@pytest.mark.parametrize("name", sorted(TYPED))
def test_typed_catalogue_functions_match_at_single_points(name):
    # A point goes through the same 1-D array path as a grid (x**2 is x*x, not
    # libm pow), so it is compared with the catalogue on a one-column grid: the
    # catalogue's own x1**4 on a point is a NumPy-scalar power, i.e. libm pow.
    catalogue, typed = get(name), from_expression(TYPED[name])
    for point in grid_over(catalogue, 4, 3).reshape(2, -1).T:
        value = typed(point)
        assert isinstance(value, np.floating) and value.shape == ()
        column = point[:, None]
        if name in BIT_EXACT:
            assert value == catalogue.f(column)[0]
            np.testing.assert_array_equal(typed.grad(point), catalogue.grad(column)[:, 0])
        else:
            assert value == pytest.approx(catalogue(point), rel=1e-13, abs=1e-13)


def test_the_seed_run_bit_for_bit():
    # The seed's numbers: RMSprop, lr 0.1, decay 0.9, eps 1e-8, 50 steps from (-4, 3).
    objective = from_expression("5*x1**2 + 7*x2**2")
    result = rmsprop.minimize(objective, [-4, 3], learning_rate=0.1, decay=0.9, eps=1e-8, maxiter=50, gtol=0)
    assert result.x.tolist() == [-0.10352260359924752, 0.0025296212056016548]
    assert result.fun == 0.05362944016394148
    assert result.nit == 50


def test_the_seed_run_matches_the_catalogue_seed_step_by_step():
    kwargs = dict(learning_rate=0.1, decay=0.9, eps=1e-8, maxiter=50, gtol=0)
    typed = rmsprop.minimize(from_expression("5*x1**2 + 7*x2**2"), [-4, 3], **kwargs)
    catalogue = rmsprop.minimize(get("seed"), [-4, 3], **kwargs)
    np.testing.assert_array_equal(typed.path_x, catalogue.path_x)
    np.testing.assert_array_equal(typed.path_jac, catalogue.path_jac)


def test_rosenbrock_in_x_y_style_is_minimised():
    objective = from_expression("(1 - x)**2 + 100*(y - x**2)**2", start=[-1.2, 1.0])
    result = rmsprop.minimize(objective, objective.start, learning_rate=1e-3, maxiter=5000, gtol=0)
    assert result.fun < objective(objective.start)
    np.testing.assert_array_equal(objective.grad([1.0, 1.0]), [0.0, 0.0])
    assert objective([1.0, 1.0]) == 0.0


# --------------------------------------------------------------------------------------
# Variables, constants, functions
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "dim"),
    [
        ("x1", 1),
        ("x2", 2),  # every index up to the highest is a coordinate
        ("x3**2 + x1", 3),
        ("x10", 10),
        ("x", 1),
        ("y", 2),
        ("x*y", 2),
        ("z", 3),
        ("x + z", 3),
        ("x1 - x1", 1),  # SymPy cancels it: a constant function of one variable
    ],
)
def test_dimension_is_the_highest_coordinate_used(text, dim):
    objective = from_expression(text)
    assert objective.dim == dim
    assert objective.minima.shape == (0, dim)
    assert objective.start.shape == (dim,)


def test_unused_coordinates_have_zero_gradient_of_the_right_shape():
    objective = from_expression("x3**2")
    np.testing.assert_array_equal(objective.grad([1.0, 2.0, 3.0]), [0.0, 0.0, 6.0])
    grid = np.ones((3, 4, 5))
    gradient = objective.grad(grid)
    assert gradient.shape == (3, 4, 5)
    np.testing.assert_array_equal(gradient[:2], 0.0)
    np.testing.assert_array_equal(gradient[2], 2.0)


def test_constant_function_and_constant_gradient_components_broadcast():
    constant = from_expression("x1 - x1 + 3")
    assert constant.f(np.zeros((1, 4, 2))).shape == (4, 2)
    np.testing.assert_array_equal(constant.f(np.zeros((1, 4, 2))), 3.0)
    np.testing.assert_array_equal(constant.grad(np.zeros((1, 4, 2))), 0.0)
    linear = from_expression("2*x1 - x2/4")
    np.testing.assert_array_equal(linear.grad(np.zeros((2, 3))), [[2.0] * 3, [-0.25] * 3])


def test_x_y_style_agrees_with_indexed_style():
    xy = from_expression("(1 - x)**2 + 100*(y - x**2)**2")
    indexed = from_expression("(1 - x1)**2 + 100*(x2 - x1**2)**2")
    grid = grid_over(get("rosenbrock"))
    np.testing.assert_array_equal(xy.f(grid), indexed.f(grid))
    np.testing.assert_array_equal(xy.grad(grid), indexed.grad(grid))


def test_constants_pi_and_e_are_the_doubles():
    objective = from_expression("pi*x1 + e")
    assert objective([0.0]) == math.e
    assert objective([1.0]) == math.pi + math.e
    assert objective([2.0]) == 2.0 * math.pi + math.e
    assert objective.grad([5.0])[0] == math.pi
    # all 17 digits survive the code generation: the stock printer would write 3.14159265358979
    assert from_expression("x1 + pi")([0.0]) == math.pi


# function as typed -> (Python reference, a point inside its domain)
FUNCTIONS = {
    "sin": (math.sin, 0.7),
    "cos": (math.cos, 0.7),
    "tan": (math.tan, 0.7),
    "asin": (math.asin, 0.3),
    "arcsin": (math.asin, 0.3),
    "acos": (math.acos, 0.3),
    "arccos": (math.acos, 0.3),
    "atan": (math.atan, 1.7),
    "arctan": (math.atan, 1.7),
    "sinh": (math.sinh, 0.7),
    "cosh": (math.cosh, 0.7),
    "tanh": (math.tanh, 0.7),
    "asinh": (math.asinh, 1.7),
    "arcsinh": (math.asinh, 1.7),
    "acosh": (math.acosh, 1.7),
    "arccosh": (math.acosh, 1.7),
    "atanh": (math.atanh, 0.3),
    "arctanh": (math.atanh, 0.3),
    "exp": (math.exp, 1.7),
    "log": (math.log, 1.7),
    "log2": (math.log2, 1.7),
    "log10": (math.log10, 1.7),
    "sqrt": (math.sqrt, 1.7),
    "abs": (abs, -1.7),
}


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_each_function_value_and_derivative(name):
    reference, point = FUNCTIONS[name]
    objective = from_expression(f"{name}(x1)")
    assert objective([point]) == pytest.approx(reference(point), rel=1e-15)
    # of a composed argument too (the chain rule through an intermediate)
    composed = from_expression(f"{name}(x1/2 + x2/2)")
    x = np.array([point + 0.1, point - 0.1])
    assert composed(x) == pytest.approx(reference(point), rel=1e-15)
    expected = central_difference_gradient(lambda p: reference(p[0] / 2 + p[1] / 2), x)
    np.testing.assert_allclose(composed.grad(x), expected, rtol=1e-7, atol=1e-9)


def test_atan2_takes_y_then_x():
    objective = from_expression("atan2(y, x)")
    assert objective([1.0, 1.0]) == pytest.approx(math.pi / 4, rel=1e-15)
    assert objective([-1.0, 0.0]) == pytest.approx(math.pi, rel=1e-15)
    x = np.array([0.3, -1.2])
    np.testing.assert_allclose(objective.grad(x), [-x[1] / (x @ x), x[0] / (x @ x)], rtol=1e-14)
    assert from_expression("arctan2(x2, x1)")(x) == objective(x)


def test_abs_has_the_sign_as_gradient_and_zero_at_the_kink():
    objective = from_expression("abs(x1) + abs(x2 - 1)")
    np.testing.assert_array_equal(objective.grad([-2.0, 3.0]), [-1.0, 1.0])
    np.testing.assert_array_equal(objective.grad([0.0, 1.0]), [0.0, 0.0])


@pytest.mark.parametrize(
    "text",
    [
        "sin(x1)*exp(-x2**2) + log(1 + x1**2)",
        "sqrt(x1**2 + x2**2 + 1) * atan(x1 - x2)",
        "x1**x2 + 2**x1 + x1**2.5 + x2**-3",
        "tanh(cosh(x1) / (1 + sinh(x2)**2)) + acosh(2 + x1**2)",
        "(x1 - 1)**4 / (x2**2 + 3) + log10(x1**2 + 2) * log2(x2**2 + 2)",
        "exp(sin(exp(cos(x1 * x2))))",
    ],
)
def test_gradients_match_central_differences(text):
    objective = from_expression(text)
    rng = np.random.default_rng(7)
    for x in rng.uniform(0.5, 2.0, size=(10, 2)):
        expected = central_difference_gradient(objective, x)
        np.testing.assert_allclose(objective.grad(x), expected, rtol=1e-6, atol=1e-8)


def test_integer_powers_are_products_and_float32_stays_float32():
    objective = from_expression("x1**2 + 3*x2")
    x = np.array([[0.1, 1e10, 3.3], [1.0, 2.0, 3.0]])
    np.testing.assert_array_equal(objective.f(x), x[0] * x[0] + 3 * x[1])
    x32 = x.astype(np.float32)
    assert objective.f(x32).dtype == np.float32
    assert objective.grad(x32).dtype == np.float32
    np.testing.assert_array_equal(objective.f(x32), x32[0] * x32[0] + np.float32(3) * x32[1])
    # integers become float64, as for the catalogue
    assert objective.f(np.array([1, 2])).dtype == np.float64


def test_wrong_number_of_coordinates_is_a_clear_error():
    objective = from_expression("x1 + x2")
    with pytest.raises(ValueError, match="2 coordinates on the leading axis"):
        objective.f(np.zeros(3))


def test_overflow_and_poles_give_inf_or_nan_without_warnings():
    # pytestmark turns any warning into an error
    tower = from_expression("exp(exp(exp(exp(x1))))")
    assert tower([3.0]) == math.inf
    assert tower.grad([3.0])[0] == math.inf
    assert from_expression("1/x1")([0.0]) == math.inf
    assert math.isnan(from_expression("log(x1)")([-1.0]))
    assert math.isnan(from_expression("sqrt(-exp(x1))")([0.0]))
    assert from_expression("x1**2")(np.array([1e200])) == math.inf
    assert from_expression("x1**2").f(np.array([1e30], dtype=np.float32)) == np.float32(np.inf)


# --------------------------------------------------------------------------------------
# The Objective record
# --------------------------------------------------------------------------------------


def test_objective_fields_and_defaults():
    objective = from_expression("  5*x1**2   +\t7*x2**2 ")
    assert isinstance(objective, Objective)
    assert objective.name == "5*x1**2 + 7*x2**2"
    assert objective.formula == "  5*x1**2   +\t7*x2**2 "
    assert objective.reference == "typed expression"
    assert objective.minima.shape == (0, 2)
    assert math.isnan(objective.min_value)
    assert objective.domain == ((-5.0, 5.0), (-5.0, 5.0))
    np.testing.assert_array_equal(objective.start, [0.0, 0.0])
    assert math.isnan(objective.nearest_minimum_distance([1.0, 1.0]))  # unknown, not infinitely far


def test_domain_start_and_name_can_be_given():
    one_pair = from_expression("x + y", domain=(-2, 4), name="plane")
    assert one_pair.name == "plane"
    assert one_pair.domain == ((-2.0, 4.0), (-2.0, 4.0))
    np.testing.assert_array_equal(one_pair.start, [1.0, 1.0])
    per_coordinate = from_expression("x + y", domain=[(-1, 1), (0, 10)], start=[0.5, 9])
    assert per_coordinate.domain == ((-1.0, 1.0), (0.0, 10.0))
    np.testing.assert_array_equal(per_coordinate.start, [0.5, 9.0])


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"domain": (1, 1)}, "domain must be"),
        ({"domain": (0, math.inf)}, "domain must be"),
        ({"domain": [(0, 1)] * 3}, "domain must be"),
        ({"domain": "wide"}, "domain must be"),
        ({"start": [1.0]}, "start must be 2 finite numbers"),
        ({"start": [1.0, math.nan]}, "start must be 2 finite numbers"),
        ({"start": "here"}, "start must be 2 finite numbers"),
    ],
)
def test_bad_domain_or_start(kwargs, match):
    with pytest.raises(ValueError, match=match) as error:
        from_expression("x + y", **kwargs)
    assert "\n" not in str(error.value)


@pytest.mark.parametrize("text", [None, b"x1", 1.5, ["x1"]])
def test_text_must_be_a_str(text):
    with pytest.raises(TypeError, match="expression must be a str"):
        from_expression(text)


def test_name_must_be_a_str():
    with pytest.raises(TypeError, match="name must be a str"):
        from_expression("x1", name=3)


def test_a_sweep_sends_a_typed_formula_as_its_text():
    # rmsprop.sweep knows f and grad of from_expression by the module that makes them, and then sends
    # the formula's text to its workers (and keys its saved chunks by it) instead of the functions.
    from rmsprop.sweep._source import resolve_objective

    objective = from_expression("(x - 1)**2 + 3*(y + 2)**2")
    _, source, identity = resolve_objective(objective, None)
    assert source is not None and identity == {"kind": "formula", "formula": objective.formula, "dim": 2}


def test_sympy_is_imported_lazily():
    code = "import sys, rmsprop, rmsprop.objectives; print('sympy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


# --------------------------------------------------------------------------------------
# What is refused
# --------------------------------------------------------------------------------------

# input -> a piece of text the one-line message must contain
REJECTED = [
    ("__import__('os').system('echo hi')", "'.system'"),
    ("().__class__.__bases__", "'.__bases__'"),
    ("x1.__class__", "attribute access '.__class__' at column 3"),
    ("x1.real", "attribute access '.real' at column 3"),
    ("lambda: 1", "lambda 'lambda: 1'"),
    ("[x for x in ()]", "list comprehension"),
    ("{1}", "set '{1}'"),
    ("{'a': 1}", "dict"),
    ("x1[0]", "subscript 'x1[0]'"),
    ('"abc"', "string literal"),
    ('b"x"', "bytes literal"),
    ("1 if x1 else 2", "conditional expression"),
    ("x1 < 2", "comparison 'x1 < 2'"),
    ("x1 and x2", "boolean operator 'and'"),
    ('f"{x1}"', "f-string"),
    ("(x1 := 2)", "assignment expression 'x1 := 2'"),
    ("open('f')", "'open' at column 1 is not a known function"),
    ("eval('1')", "'eval' at column 1 is not a known function"),
    ("getattr(x1, 'real')", "'getattr'"),
    ("globals()", "'globals'"),
    ("__builtins__", "'__builtins__' at column 1 is not a known name"),
    ("sin(x1, x2)", "'sin' takes exactly 1 argument, got 2"),
    ("atan2(x1)", "'atan2' takes exactly 2 arguments, got 1"),
    ("sin(x=x1)", "keyword argument 'x=x1'"),
    ("sin(*[x1])", "starred argument '*[x1]'"),
    ("sin(**{})", "argument unpacking '**{}'"),
    ("sin", "function 'sin' at column 1 must be called"),
    ("sin(x1)(x2)", "'sin(x1)' at column 1 is not a function"),
    ("x1(2)", "'x1' at column 1 is not a function"),
    ("pi(1)", "'pi' at column 1 is not a function"),
    ("9**9**9", "exponent '9**9'"),
    ("x1**1000", "exponent '1000'"),
    ("2**101*x1", "exponent '101'"),
    ("1e400", "number '1e400'"),
    ("x1*1e101", "number '1e101'"),
    ("1e100**4*x1", "'1e100**4' at column 1 overflows a double"),
    ("exp(1000)*x1", "'exp(1000)' at column 1 overflows a double"),
    ("(" * 10_000 + "x1" + ")" * 10_000, "20002 characters long"),
    ("(" * 60 + "x1" + ")" * 60, "brackets nested deeper than 50 levels at column 51"),
    ("-" * 60 + "x1", "nested deeper than 50 levels"),
    ("x1+" * 33_333 + "x1", "100001 characters long"),
    ("+".join(["x1"] * 300), "more than 400 parts"),
    ("\uff581", "non-ASCII character '\uff58' (U+FF58) at column 1"),
    ("x1\u200b", "non-ASCII character '\\u200b' (U+200B) at column 3"),
    ("x1\x00", "control character '\\x00' at column 3"),
    ("x_1", "'x_1' at column 1 is not a known name"),
    ("x0", "variable 'x0' at column 1 does not exist"),
    ("x01", "variable 'x01' at column 1 has a leading zero"),
    ("x101", "variable 'x101' at column 1 is beyond x100"),
    ("X1", "'X1' at column 1 is not a known name (names are case-sensitive)"),
    ("foo", "'foo' at column 1 is not a known name"),
    ("x + x1", "variable 'x1' at column 5 mixes the two naming styles"),
    ("x1 x2", "invalid syntax at column 4 near 'x1 x2'"),
    ("x1 +", "invalid syntax at column 5 near 'x1 +'"),
    ("*", "invalid syntax at column 1 near '*'"),
    ("sin(x1", "'(' was never closed at column 4"),
    ("x1; x2", "invalid syntax"),
    ("import os", "invalid syntax at column 1 near 'import os'"),
    ("", "the expression is empty"),
    ("   \n\t ", "the expression is empty"),
    ("1/0", "'1/0' at column 1 divides by zero"),
    ("x1/0", "'x1/0' at column 1 divides by zero"),
    ("x1/(3 - 3)", "'x1/(3 - 3)' at column 1 divides by zero"),
    ("log(0)*x1", "'log(0)' at column 1 is outside the domain of log"),
    ("sqrt(-1) + x1", "'sqrt(-1)' at column 1 is outside the domain of sqrt"),
    ("(-8)**(1/3) + x1", "'(-8)**(1/3)' at column 1 is not a real number"),
    ("log(x1 - x1)", "'log(x1 - x1)' at column 1 is not a finite real number"),
    ("(x1 - x1)**-1", "is not a finite real number"),
    ("(-2)**x1", "the gradient of '(-2)**x1' is not a finite real function"),
    ("5", "'5' uses no variable"),
    ("pi * e", "'pi * e' uses no variable"),
    ("x1 // 2", "operator '//' in 'x1 // 2'"),
    ("x1 % 2", "operator '%'"),
    ("x1 @ x2", "operator '@'"),
    ("x1 ^ 2", "operator '^' in 'x1 ^ 2' at column 1 is not allowed; write x**2 for a power"),
    ("~x1", "operator '~'"),
    ("not x1", "operator 'not'"),
    ("x1 << 2", "operator '<<'"),
    ("1j * x1", "complex number '1j'"),
    ("True * x1", "'True' at column 1 is not a number"),
    ("None", "'None' at column 1 is not a number"),
    ("...", "'...' at column 1 is not a number"),
    ("x1, x2", "tuple 'x1, x2'"),
    ("[x1]", "list '[x1]'"),
    ("(yield)", "yield"),
    ("await x1", "await 'await x1'"),
    ("(x1 +\n  x2.imag)", "attribute access '.imag' at line 2, column 5"),
]


def test_the_rejection_table_is_big_enough():
    assert len(REJECTED) >= 40
    assert len({text for text, _ in REJECTED}) == len(REJECTED)


@pytest.mark.parametrize(("text", "piece"), REJECTED, ids=[repr(text[:30]) for text, _ in REJECTED])
def test_rejected_with_one_line_naming_the_piece(text, piece, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    started = time.perf_counter()
    with pytest.raises(ValueError) as error:
        from_expression(text)
    assert time.perf_counter() - started < 1.0  # a generous guard, not a benchmark
    message = str(error.value)
    assert "\n" not in message and "\r" not in message
    assert message.startswith(PREFIX)
    assert piece in message
    assert list(tmp_path.iterdir()) == []


def test_the_growth_guard(monkeypatch):
    from rmsprop.objectives._expression import limits

    text = "*".join(f"sin(x{i})" for i in range(1, 31))
    from_expression(text)  # within the default budget
    monkeypatch.setattr(limits, "MAX_WORK", 1000)
    with pytest.raises(ValueError, match="is too large to differentiate: its gradient would take about") as error:
        from_expression(text)
    assert "\n" not in str(error.value) and "'sin(x1)*sin(x2)*sin(x3)" in str(error.value)


def test_messages_say_what_is_allowed():
    with pytest.raises(ValueError) as error:
        from_expression("foo + x1")
    message = str(error.value)
    for word in ("x1..xn or x, y, z", "pi and e", "+ - * / **", "sin", "atan2", "sqrt", "abs"):
        assert word in message


@pytest.mark.parametrize(
    "text",
    [
        "exp(exp(exp(exp(x1))))",  # allowed: inf where the double range ends
        "x1 # a comment is dropped by the parser",
        "  (x1 +\n   x2)",  # leading whitespace and a line break inside brackets
        "(x1 +\r\n x2 +\r x3)",  # Windows and old Mac line breaks
        "1_000*x1 + 0x10*x2",
        "x1**100 + x1**-100 + (x1**100)**100",
        "-" * 40 + "x1",
        "(" * 49 + "x1" + ")" * 49,
        "+".join(f"x{i}**2" for i in range(1, 101)),
        "*".join(f"x{i}" for i in range(1, 101)),
        "x1" + "**x1" * 45,
    ],
)
def test_accepted_edge_cases(text):
    started = time.perf_counter()
    objective = from_expression(text)
    assert time.perf_counter() - started < 1.0
    x = np.full(objective.dim, 0.5)
    assert np.shape(objective(x)) == () and objective.grad(x).shape == (objective.dim,)


# --------------------------------------------------------------------------------------
# No user text is ever executed
# --------------------------------------------------------------------------------------

FORBIDDEN_NAMES = {"eval", "exec", "compile", "sympify", "parse_expr", "S", "__import__", "lambda_notation"}


def test_the_package_source_names_no_evaluator():
    # Static half of the proof: no module of the _expression package names eval, exec,
    # compile, sympify, parse_expr or S -- neither as a name nor as an attribute, nor
    # imports one -- and the only parser the package calls is ast.parse, once.
    package = ROOT / "src" / "rmsprop" / "objectives" / "_expression"
    paths = sorted(package.glob("*.py"))
    assert {path.name for path in paths} >= {"__init__.py", "text.py", "builder.py", "objective.py"}
    parse_calls = []
    for path in paths:
        tree = ast.parse(path.read_text())
        names = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
        attributes = {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)}
        imported = {
            alias.asname or alias.name
            for node in ast.walk(tree)
            if isinstance(node, (ast.Import, ast.ImportFrom))
            for alias in node.names
        }
        assert not (names | attributes | imported) & FORBIDDEN_NAMES, path.name
        parse_calls += [
            ast.unparse(node.func)
            for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and "parse" in node.func.attr
        ]
    assert parse_calls == ["ast.parse"]


@pytest.fixture
def spies(monkeypatch):
    """Record every call of eval/exec/compile and of SymPy's string entry points.

    ``ast.parse`` is ``compile(text, ..., flags=ast.PyCF_ONLY_AST)``, which
    builds a tree and runs nothing; lambdify compiles and execs the code it
    generates from the SymPy tree.  So these are recorded, not forbidden: the
    tests check what reaches them.  SymPy's internal modules hold their own references to
    ``sympify``; the patched names are the public ones and the module
    attributes that code looking them up at call time (as lambdify does) uses.
    """
    import sympy
    import sympy.parsing.sympy_parser

    sympify_module = importlib.import_module("sympy.core.sympify")  # sympy.core.sympify is the function
    calls = []

    def spy(name, original):
        def wrapper(*args, **kwargs):
            calls.append((name, args, kwargs))
            return original(*args, **kwargs)

        return wrapper

    for module, name in [
        (builtins, "eval"),
        (builtins, "exec"),
        (builtins, "compile"),
        (sympy, "sympify"),
        (sympify_module, "sympify"),
        (sympy, "parse_expr"),
        (sympy.parsing.sympy_parser, "parse_expr"),
    ]:
        monkeypatch.setattr(module, name, spy(f"{module.__name__}.{name}", getattr(module, name)))
    system_calls = []
    monkeypatch.setattr(os, "system", lambda command: system_calls.append(command) or 0)
    return calls, system_calls


def only_ast(name, args, kwargs):
    """Whether a recorded call is ast.parse's compile to a tree (nothing is run)."""
    flags = kwargs.get("flags", args[3] if len(args) > 3 else 0)
    return name == "builtins.compile" and bool(flags & ast.PyCF_ONLY_AST)


def test_user_text_never_reaches_an_evaluator(spies):
    calls, system_calls = spies
    text = "sin( x1 )  *  3.25+x2 **  2"  # spacing that no code printer produces
    objective = from_expression(text)
    assert objective([0.0, 2.0]) == 4.0
    parsed = [args[0] for name, args, kwargs in calls if only_ast(name, args, kwargs)]
    assert parsed == [text]  # ast.parse, once
    others = [(name, args) for name, args, kwargs in calls if not only_ast(name, args, kwargs)]
    for name, args in others:
        string_entry_point = "sympify" in name or "parse_expr" in name
        assert not (string_entry_point and any(isinstance(arg, str) for arg in args)), (name, args)
        assert not any(isinstance(arg, str) and text in arg for arg in args), (name, args)
    # what was compiled to code is lambdify's generated source, built from the SymPy tree
    compiled = [args[0] for name, args in others if name == "builtins.compile"]
    assert len(compiled) == 2 and all(source.startswith("def _lambdifygenerated(") for source in compiled)
    assert system_calls == []


@pytest.mark.parametrize(
    "text",
    [
        "__import__('os').system('echo hi')",
        'eval(\'__import__("os").system("echo hi")\')',
        "exec('import os')",
        "x1 + __import__('os').system('echo hi')",
        "open('pwned', 'w')",
        "compile('1', 'f', 'eval')",
    ],
)
def test_escape_attempts_are_refused_before_any_code_is_compiled(text, spies, tmp_path, monkeypatch):
    calls, system_calls = spies
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ValueError, match="^expression rejected: "):
        from_expression(text)
    assert [call for call in calls if not only_ast(*call)] == []  # nothing but ast.parse
    assert system_calls == []
    assert list(tmp_path.iterdir()) == []


# --------------------------------------------------------------------------------------
# Properties: random valid formulas against a plain-Python evaluation; random junk
# --------------------------------------------------------------------------------------

UNARY = sorted(FUNCTIONS)
PY_FUNCTIONS = {name: reference for name, (reference, _) in FUNCTIONS.items()}
PY_FUNCTIONS.update(atan2=math.atan2, arctan2=math.atan2)
PY_CONSTANTS = {"pi": math.pi, "e": math.e}


class DomainError(Exception):
    """The plain-Python evaluation is undefined (domain, pole, overflow or non-real)."""


def evaluate(node, env, noise=None):
    """Evaluate a parsed formula with Python floats and ``math``.

    With ``noise`` (a draw from [-1, 1]), every value v becomes
    v (1 + 1e-10 noise()) + 1e-300 noise(): a relative perturbation, plus an absolute one that gives a zero a random
    sign (``atan2(-0.0, -1)`` is -pi, ``atan2(0.0, -1)`` is pi, and SymPy has
    only one zero).
    """
    if isinstance(node, ast.Expression):
        return evaluate(node.body, env, noise)
    try:
        if isinstance(node, ast.Constant):
            value = float(node.value)
        elif isinstance(node, ast.Name):
            value = env[node.id] if node.id in env else PY_CONSTANTS[node.id]
        elif isinstance(node, ast.UnaryOp):
            operand = evaluate(node.operand, env, noise)
            value = -operand if isinstance(node.op, ast.USub) else operand
        elif isinstance(node, ast.BinOp):
            left, right = evaluate(node.left, env, noise), evaluate(node.right, env, noise)
            value = {
                ast.Add: lambda: left + right,
                ast.Sub: lambda: left - right,
                ast.Mult: lambda: left * right,
                ast.Div: lambda: left / right,
                ast.Pow: lambda: left**right,
            }[type(node.op)]()
        elif isinstance(node, ast.Call):
            value = PY_FUNCTIONS[node.func.id](*[evaluate(arg, env, noise) for arg in node.args])
        else:
            raise AssertionError(f"the generator made {ast.dump(node)}")
    except (ValueError, ZeroDivisionError, OverflowError) as error:
        raise DomainError from error
    if isinstance(value, complex) or not math.isfinite(value):
        raise DomainError
    return value * (1.0 + 1e-10 * noise()) + 1e-300 * noise() if noise is not None else value


def formulas(variables):
    leaf = st.one_of(
        st.sampled_from(variables),
        st.integers(0, 9).map(str),
        st.floats(0.1, 9.9).map(lambda v: f"{v:.3g}"),
        st.sampled_from(["pi", "e"]),
    )

    def extend(child):
        return st.one_of(
            st.tuples(child, st.sampled_from(["+", "-", "*", "/"]), child).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
            st.tuples(child, st.sampled_from(["2", "3", "0.5", "-1", "(1/3)"])).map(lambda t: f"({t[0]})**{t[1]}"),
            st.tuples(st.sampled_from(UNARY), child).map(lambda t: f"{t[0]}({t[1]})"),
            st.tuples(st.sampled_from(["atan2", "arctan2"]), child, child).map(lambda t: f"{t[0]}({t[1]}, {t[2]})"),
            child.map(lambda c: f"-{c}"),
        )

    uses_a_variable = re.compile(r"\b(" + "|".join(variables) + r")\b").search
    return st.recursive(leaf, extend, max_leaves=10).filter(uses_a_variable)


# Reasons a formula in the generated grammar may be refused: its value, not its syntax.
SEMANTIC_REASONS = (
    "uses no variable",
    "outside the domain",
    "overflows a double",
    "not a finite real",
    "not a real number",
    "divides by zero",
    "too large",
)
POINTS = np.random.default_rng(3).uniform(-2.0, 2.0, size=(6, 3))


def check_against_python(text, variables):
    try:
        objective = from_expression(text)
    except ValueError as error:
        message = str(error)
        assert "\n" not in message and any(reason in message for reason in SEMANTIC_REASONS), message
        return
    tree = ast.parse(text, mode="eval")
    rng = np.random.default_rng(0)
    for point in POINTS:
        env = dict(zip(variables, point.tolist()))
        try:
            exact = evaluate(tree, env)
            # condition check: relative noise of 1e-10 on every intermediate value (and a random sign for zeros)
            noisy = [evaluate(tree, env, lambda: rng.uniform(-1, 1)) for _ in range(2)]
        except DomainError:
            continue  # undefined here in plain Python; SymPy may have simplified it to something defined
        scale = max(1.0, abs(exact))
        if max(abs(value - exact) for value in noisy) > 1e-6 * scale:
            continue  # ill-conditioned at this point: any two evaluation orders may differ
        value = float(objective(point[: objective.dim]))
        assert abs(value - exact) <= 1e-8 * scale, (text, point, value, exact)


@settings(max_examples=150, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(formulas(["x1", "x2", "x3"]))
def test_random_formulas_match_plain_python(text):
    check_against_python(text, ["x1", "x2", "x3"])


@settings(max_examples=50, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(formulas(["x", "y", "z"]))
def test_random_x_y_z_formulas_match_plain_python(text):
    check_against_python(text, ["x", "y", "z"])


JUNK = list("x1234567890yz+-*/() .,e_[]{}'\"<>=!@#%^&|~:;\\\n\t") + [
    "sin",
    "pi",
    "lambda",
    "__",
    "import",
    "\uff58",
    "\u200b",
    "\u00e9",
    "\x00",
    "**",
    "x1",
    "os",
]


def check_junk(text):
    started = time.perf_counter()
    try:
        objective = from_expression(text)
    except ValueError as error:
        message = str(error)
        assert "\n" not in message and message.startswith(PREFIX), message
    else:
        assert isinstance(objective, Objective)
        objective.value_and_grad(objective.start)
    assert time.perf_counter() - started < 1.0


@settings(max_examples=300, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(JUNK), max_size=25).map("".join))
def test_junk_from_grammar_pieces_is_only_ever_a_value_error(text):
    check_junk(text)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.text(max_size=40))
def test_arbitrary_text_is_only_ever_a_value_error(text):
    check_junk(text)


# --------------------------------------------------------------------------------------
# The fuzzer of tests/fuzz/fuzz_expression.py, a small run
# --------------------------------------------------------------------------------------

FUZZ_SCRIPT = ROOT / "tests" / "fuzz" / "fuzz_expression.py"


@pytest.fixture(scope="module")
def fuzz():
    """The fuzzer's module, loaded once (it installs one audit hook, inert outside its checks)."""
    spec = importlib.util.spec_from_file_location("fuzz_expression", FUZZ_SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_fuzzers_checks_catch_an_unsafe_reader(fuzz):
    # eval() of every canary payload (ASCII and NFKC look-alikes such as ｅｖａｌ and __𝓲𝓶𝓹𝓸𝓻𝓽__) is
    # caught, so are files written or removed, processes started, code compiled or run from a string,
    # a reader that NFKC-normalises and a slow call.
    assert fuzz.self_test() == []


def test_the_generator_spells_escapes_in_look_alikes(fuzz):
    import random
    import unicodedata

    rng = random.Random(3)
    for text in fuzz.CANARY_ESCAPES:
        if not fuzz._identifier_positions(text):
            continue  # f'{...}': its names are inside a string
        spelled = fuzz.nfkc_lookalike(rng, text, share=1.0)
        assert not spelled.isascii() and unicodedata.normalize("NFKC", spelled) == text
        compile(spelled, "<fuzz>", "eval")  # Python would run it: the look-alike is a real escape
    assert unicodedata.normalize("NFKC", fuzz.full_width("eval('1')")) == "eval('1')"


def test_a_small_fuzz_run(fuzz):
    count = 1500
    # The full run's limit is 1 s; CI machines are shared, so a slow call here must be twice that.
    summary = fuzz.run(count, seed=1, limit=2.0)
    assert summary["failures"] == []
    assert summary["leftovers"] == []
    assert summary["inputs"] == len(fuzz.fixed_inputs()) + count
    outcomes = set(summary["counts"])
    assert {kind for kind, _ in outcomes} == {"valid", "mutated", "junk", "escape", "unicode", "caps"}
    assert ("valid", "accepted") in outcomes and ("escape", "rejected") in outcomes
    assert ("unicode", "rejected") in outcomes and ("caps", "accepted") in outcomes
    assert not any(kind in ("escape", "unicode") and outcome != "rejected" for kind, outcome in outcomes)


def test_the_fuzzer_reports_a_crash_and_a_hang(fuzz):
    fixed = len(fuzz.fixed_inputs())
    crash, hang = fixed + 40, fixed + 90
    run = subprocess.run(
        [
            sys.executable,
            str(FUZZ_SCRIPT),
            "-n",
            "150",
            "--seed",
            "2",
            "--hang",
            "2",
            "--limit",
            "5",
            "--inject-crash",
            str(crash),
            "--inject-hang",
            str(hang),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert run.returncode == 1, run.stdout + run.stderr
    assert f"{fixed + 150} inputs ({fixed} fixed, 150 generated)" in run.stdout
    failures = [line for line in run.stdout.splitlines() if line.startswith("FAILURE")]
    assert len(failures) == 2, run.stdout
    assert "crashed (killed by signal SIGABRT)" in failures[0] and "hung: still running after 2 s" in failures[1]
