"""Tests for rmsprop.objectives: formulas, gradients, published minima, broadcasting, registry.

Expected values come from outside the code under test: published minima (with
their sources), values worked out by hand, SciPy's independent Rosenbrock, and
central finite differences computed here.
"""

import ast
import dataclasses
import math
import pathlib
import re

import numpy as np
import pytest

from rmsprop.objectives import Objective, get, names

# Any warning (overflow, division by zero, invalid value, ...) is a failure.
pytestmark = pytest.mark.filterwarnings("error")

ALL_NAMES = (
    "seed",
    "rosenbrock",
    "beale",
    "booth",
    "himmelblau",
    "rastrigin",
    "ackley",
    "goldstein_price",
    "matyas",
    "three_hump_camel",
    "saddle",
    "ill_conditioned",
    "rotated",
)
ANY_DIM = ("rosenbrock", "rastrigin", "ackley")

# Every objective at its default dimension, plus the any-dim ones at dim 5.
CASES = [(name, None) for name in ALL_NAMES] + [(name, 5) for name in ANY_DIM]
CASE_IDS = [name if dim is None else f"{name}-dim{dim}" for name, dim in CASES]


def random_points(objective, count, seed=0):
    """``count`` points drawn uniformly from the objective's domain, shape (count, dim)."""
    rng = np.random.default_rng(seed)
    lo, hi = np.array(objective.domain).T
    return rng.uniform(lo, hi, size=(count, objective.dim))


def central_difference_gradient(f, x, h=1e-6):
    """Central finite differences (f(x + h e_i) - f(x - h e_i)) / 2h, step scaled to |x_i|."""
    grad = np.empty_like(x)
    for i in range(len(x)):
        step = np.zeros_like(x)
        step[i] = h * max(1.0, abs(x[i]))
        grad[i] = (f(x + step) - f(x - step)) / (2.0 * step[i])
    return grad


# --------------------------------------------------------------------------------------
# Published minima
# --------------------------------------------------------------------------------------

# name -> (global minimisers as published, f there, decimals the coordinates are published to)
# Sources: Surjanovic & Bingham, Virtual Library of Simulation Experiments,
# https://www.sfu.ca/~ssurjano/optimization.html (pages rosen, beale, booth,
# rastr, ackley, goldpr, matya, camel3) and Jamil & Yang (2013), "A literature
# survey of benchmark functions for global optimisation problems" (Himmelblau's
# four minima, to 6 decimals).  The quadratics' minima are at the origin by inspection.
PUBLISHED_MINIMA = {
    "seed": ([(0.0, 0.0)], 0.0, None),
    "rosenbrock": ([(1.0, 1.0)], 0.0, None),
    "beale": ([(3.0, 0.5)], 0.0, None),
    "booth": ([(1.0, 3.0)], 0.0, None),
    "himmelblau": (
        [(3.0, 2.0), (-2.805118, 3.131312), (-3.779310, -3.283186), (3.584428, -1.848126)],
        0.0,
        6,
    ),
    "rastrigin": ([(0.0, 0.0)], 0.0, None),
    "ackley": ([(0.0, 0.0)], 0.0, None),
    "goldstein_price": ([(0.0, -1.0)], 3.0, None),
    "matyas": ([(0.0, 0.0)], 0.0, None),
    "three_hump_camel": ([(0.0, 0.0)], 0.0, None),
    "ill_conditioned": ([(0.0, 0.0)], 0.0, None),
    "rotated": ([(0.0, 0.0)], 0.0, None),
}


def test_published_minima_cover_every_objective_but_the_saddle():
    assert set(PUBLISHED_MINIMA) == set(ALL_NAMES) - {"saddle"}


@pytest.mark.parametrize("name", sorted(PUBLISHED_MINIMA))
def test_value_and_gradient_at_the_published_minima(name):
    points, value, decimals = PUBLISHED_MINIMA[name]
    objective = get(name)
    exact = decimals is None
    for point in points:
        x = np.array(point)
        # Exact minimisers give the value up to rounding; Himmelblau's 6-decimal
        # points are off by <= 5e-7 per coordinate, which moves f by O(1e-11) and grad by O(1e-4).
        assert objective(x) == pytest.approx(value, abs=1e-12 if exact else 1e-10)
        assert np.max(np.abs(objective.grad(x))) <= (1e-12 if exact else 2e-4)


@pytest.mark.parametrize("name", sorted(PUBLISHED_MINIMA))
def test_stored_minima_agree_with_the_published_ones(name):
    points, value, decimals = PUBLISHED_MINIMA[name]
    objective = get(name)
    assert objective.min_value == value
    assert objective.minima.shape == (len(points), 2)
    tolerance = 0.0 if decimals is None else 0.5 * 10.0**-decimals
    for point in points:
        distance = np.min(np.linalg.norm(objective.minima - np.array(point), axis=1))
        assert distance <= tolerance * math.sqrt(2)


@pytest.mark.parametrize(("name", "dim"), CASES, ids=CASE_IDS)
def test_stored_minima_are_stationary_points_with_the_minimum_value(name, dim):
    objective = get(name, dim)
    for x_star in objective.minima:
        assert objective(x_star) == pytest.approx(objective.min_value, abs=1e-12)
        assert np.max(np.abs(objective.grad(x_star))) <= 1e-10


@pytest.mark.parametrize(
    ("name", "dim", "minimiser"),
    [("rosenbrock", 5, np.ones(5)), ("rastrigin", 5, np.zeros(5)), ("ackley", 5, np.zeros(5))],
)
def test_n_dimensional_minima(name, dim, minimiser):
    # [VLSE]: Rosenbrock's minimum is (1, ..., 1), Rastrigin's and Ackley's the origin, f = 0.
    objective = get(name, dim)
    np.testing.assert_array_equal(objective.minima, [minimiser])
    assert objective.min_value == 0.0
    assert objective(minimiser) == pytest.approx(0.0, abs=1e-12)


@pytest.mark.parametrize(("name", "dim"), CASES, ids=CASE_IDS)
def test_f_is_at_least_the_infimum_on_the_domain(name, dim):
    objective = get(name, dim)
    values = objective(random_points(objective, 200).T)
    assert np.all(values >= objective.min_value)


def test_saddle_has_no_minimum():
    saddle = get("saddle")
    assert saddle.minima.shape == (0, 2)
    assert saddle.min_value == -math.inf
    assert math.isnan(saddle.nearest_minimum_distance([1.0, 2.0]))  # unknown, not infinitely far
    # Unbounded below along the y axis.
    assert saddle([0.0, 1e3]) == -1e6


# --------------------------------------------------------------------------------------
# Values and gradients
# --------------------------------------------------------------------------------------

# Values worked out by hand from the formulas.
HAND_VALUES = [
    ("seed", (1.0, 1.0), 12.0),
    ("rosenbrock", (-1.2, 1.0), 24.2),  # the classic start, Rosenbrock (1960)
    ("beale", (0.0, 0.0), 1.5**2 + 2.25**2 + 2.625**2),
    ("booth", (0.0, 0.0), 49.0 + 25.0),
    ("himmelblau", (0.0, 0.0), 121.0 + 49.0),
    ("rastrigin", (0.5, 0.5), 2 * (0.25 + 10.0 + 10.0)),  # cos(pi) = -1
    ("ackley", (1.0, 1.0), 20.0 - 20.0 * math.exp(-0.2)),  # cos(2 pi) = 1
    ("goldstein_price", (0.0, 0.0), (1.0 + 19.0) * 30.0),
    ("matyas", (1.0, 1.0), 0.52 - 0.48),
    ("three_hump_camel", (1.0, 1.0), 2.0 - 1.05 + 1.0 / 6.0 + 1.0 + 1.0),
    ("saddle", (1.0, 2.0), -3.0),
    ("ill_conditioned", (1.0, 1.0), 2.1),
    ("rotated", (1.0, 1.0), 0.4),
]


@pytest.mark.parametrize(("name", "point", "value"), HAND_VALUES, ids=[v[0] for v in HAND_VALUES])
def test_values_worked_out_by_hand(name, point, value):
    assert get(name)(point) == pytest.approx(value, rel=1e-14, abs=1e-14)


def test_rosenbrock_matches_scipy():
    optimize = pytest.importorskip("scipy.optimize")
    objective = get("rosenbrock", 5)
    x = random_points(objective, 10).T
    np.testing.assert_allclose(objective.f(x), optimize.rosen(x), rtol=1e-13)
    for point in x.T:
        np.testing.assert_allclose(objective.grad(point), optimize.rosen_der(point), rtol=1e-13, atol=1e-12)


def test_seed_reproduces_the_reference_program_bit_for_bit():
    seed = get("seed")
    assert seed([-0.10352260359924752, 0.0025296212056016548]) == 0.05362944016394148


@pytest.mark.parametrize(("name", "dim"), CASES, ids=CASE_IDS)
def test_gradient_matches_central_differences(name, dim):
    objective = get(name, dim)
    for x in random_points(objective, 6, seed=1):
        fd = central_difference_gradient(objective, x)
        grad = objective.grad(x)
        # Componentwise relative error, measured against the gradient's size.
        assert np.max(np.abs(grad - fd)) <= 1e-6 * (1.0 + np.max(np.abs(fd)))


def test_ackley_gradient_at_the_origin_is_zero_without_warnings():
    for dim in (2, 5):
        ackley = get("ackley", dim)
        np.testing.assert_array_equal(ackley.grad(np.zeros(dim)), np.zeros(dim))
    # A grid through the origin: no warning, finite everywhere.
    X, Y = np.meshgrid(np.linspace(-1.0, 1.0, 5), np.linspace(-1.0, 1.0, 5))
    grad = get("ackley").grad(np.stack([X, Y]))
    assert np.all(np.isfinite(grad))
    np.testing.assert_array_equal(grad[:, 2, 2], [0.0, 0.0])


def test_value_and_grad():
    booth = get("booth")
    value, grad = booth.value_and_grad([0, 0])
    assert value == 74.0
    # d/dx = 2(x + 2y - 7) + 4(2x + y - 5) = -34, d/dy = 4(x + 2y - 7) + 2(2x + y - 5) = -38 at 0.
    np.testing.assert_array_equal(grad, [-34.0, -38.0])


def test_nearest_minimum_distance():
    himmelblau = get("himmelblau")
    assert himmelblau.nearest_minimum_distance([3.3, 2.4]) == pytest.approx(0.5)
    assert get("rosenbrock", 3).nearest_minimum_distance([1.0, 1.0, 3.0]) == 2.0
    with pytest.raises(ValueError, match="shape"):
        himmelblau.nearest_minimum_distance([1.0, 2.0, 3.0])


# --------------------------------------------------------------------------------------
# Shapes, broadcasting, dtypes, input checking
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "dim"), CASES, ids=CASE_IDS)
def test_point_shapes(name, dim):
    objective = get(name, dim)
    x = objective.start
    assert np.shape(objective.f(x)) == ()
    assert objective.grad(x).shape == (objective.dim,)


@pytest.mark.parametrize(("name", "dim"), CASES, ids=CASE_IDS)
def test_broadcasting_equals_pointwise_evaluation(name, dim):
    objective = get(name, dim)
    if objective.dim == 2:
        (xlo, xhi), (ylo, yhi) = objective.domain
        X, Y = np.meshgrid(np.linspace(xlo, xhi, 7), np.linspace(ylo, yhi, 4))
        grid = np.stack([X, Y])
    else:
        grid = random_points(objective, 12).T.reshape(objective.dim, 3, 4)
    values, grads = objective.f(grid), objective.grad(grid)
    assert values.shape == grid.shape[1:]
    assert grads.shape == grid.shape
    for index in np.ndindex(*grid.shape[1:]):
        point = grid[(slice(None), *index)]
        np.testing.assert_allclose(values[index], objective.f(point), rtol=1e-15, atol=1e-15)
        np.testing.assert_allclose(grads[(slice(None), *index)], objective.grad(point), rtol=1e-15, atol=1e-15)


@pytest.mark.parametrize(("name", "dim"), CASES, ids=CASE_IDS)
def test_float32_stays_float32(name, dim):
    objective = get(name, dim)
    point = objective.start.astype(np.float32)
    grid = random_points(objective, 6).T.reshape(objective.dim, 2, 3).astype(np.float32)
    for x in (point, grid):
        value, grad = objective.f(x), objective.grad(x)
        assert value.dtype == np.float32
        assert grad.dtype == np.float32
        np.testing.assert_allclose(value, objective.f(x.astype(np.float64)), rtol=1e-4, atol=1e-4)


def test_integer_input_is_evaluated_in_float64():
    booth = get("booth")
    assert booth.f(np.array([1, 3])).dtype == np.float64
    assert booth.grad(np.array([1, 3])).dtype == np.float64
    assert booth.f(np.array([1, 3])) == 0.0


@pytest.mark.parametrize(("name", "dim"), CASES, ids=CASE_IDS)
def test_wrong_leading_dimension_raises(name, dim):
    objective = get(name, dim)
    n = objective.dim
    message = f"objective '{name}' takes x with {n} coordinates on the leading axis, got shape"
    for bad in (np.zeros(n + 1), np.zeros((n - 1, 4)), np.zeros((4, n)), np.float64(1.0)):
        with pytest.raises(ValueError, match=message):
            objective.f(bad)
        with pytest.raises(ValueError, match=message):
            objective.grad(bad)


def test_wrong_leading_dimension_message():
    with pytest.raises(ValueError) as info:
        get("booth")([1.0, 2.0, 3.0])
    assert str(info.value) == ("objective 'booth' takes x with 2 coordinates on the leading axis, got shape (3,)")


# --------------------------------------------------------------------------------------
# The records
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "dim"), CASES, ids=CASE_IDS)
def test_record_fields(name, dim):
    objective = get(name, dim)
    n = 2 if dim is None else dim
    assert isinstance(objective, Objective)
    assert objective.name == name
    assert objective.dim == n
    assert objective.minima.dtype == np.float64 and objective.minima.ndim == 2
    assert objective.minima.shape[1] == n
    assert objective.start.dtype == np.float64 and objective.start.shape == (n,)
    assert len(objective.domain) == n
    assert all(isinstance(lo, float) and isinstance(hi, float) and lo < hi for lo, hi in objective.domain)
    assert isinstance(objective.formula, str) and objective.formula
    assert isinstance(objective.reference, str) and objective.reference


@pytest.mark.parametrize(("name", "dim"), CASES, ids=CASE_IDS)
def test_start_and_minima_lie_in_the_domain(name, dim):
    objective = get(name, dim)
    lo, hi = np.array(objective.domain).T
    assert np.all((lo < objective.start) & (objective.start < hi))
    assert np.all((lo <= objective.minima) & (objective.minima <= hi))


@pytest.mark.parametrize(("name", "dim"), CASES, ids=CASE_IDS)
def test_start_is_not_stationary(name, dim):
    objective = get(name, dim)
    assert objective(objective.start) > objective.min_value
    assert np.linalg.norm(objective.grad(objective.start)) > 1e-3
    distance = objective.nearest_minimum_distance(objective.start)
    assert distance > 0.0 if len(objective.minima) else math.isnan(distance)


@pytest.mark.parametrize("name", ALL_NAMES)
def test_arrays_are_read_only_and_record_is_frozen(name):
    objective = get(name)
    with pytest.raises(ValueError):
        objective.minima[...] = 1.0
    with pytest.raises(ValueError):
        objective.start[0] = 1.0
    with pytest.raises(dataclasses.FrozenInstanceError):
        objective.name = "other"


def test_starts_are_the_classic_ones():
    np.testing.assert_array_equal(get("seed").start, [-4.0, 3.0])
    np.testing.assert_array_equal(get("rosenbrock").start, [-1.2, 1.0])
    np.testing.assert_array_equal(get("rosenbrock", 5).start, [-1.2, 1.0, -1.2, 1.0, -1.2])
    assert get("seed").domain == ((-5.0, 5.0), (-5.0, 5.0))
    assert get("rosenbrock").domain == ((-2.0, 2.0), (-1.0, 3.0))


def test_objective_validates_its_fields():
    def square(x):
        return x[0] ** 2

    def double(x):
        return 2.0 * x

    kwargs = dict(
        name="square",
        f=square,
        grad=double,
        dim=1,
        minima=[[0.0]],
        min_value=0.0,
        domain=((-1.0, 1.0),),
        start=[0.5],
        formula="x1**2",
        reference="by inspection",
    )
    objective = Objective(**kwargs)
    assert objective([0.5]) == 0.25
    with pytest.raises(ValueError, match="start"):
        Objective(**{**kwargs, "start": [0.5, 0.5]})
    with pytest.raises(ValueError, match="minima"):
        Objective(**{**kwargs, "minima": [[0.0, 0.0]]})
    with pytest.raises(ValueError, match="domain"):
        Objective(**{**kwargs, "domain": ((1.0, -1.0),)})


# --------------------------------------------------------------------------------------
# The registry
# --------------------------------------------------------------------------------------


def test_names_in_catalogue_order():
    assert names() == ALL_NAMES


@pytest.mark.parametrize("alias", ["three-hump-camel", "goldstein-price", "ill-conditioned"])
def test_hyphen_aliases(alias):
    assert get(alias).name == alias.replace("-", "_")


def test_unknown_name():
    with pytest.raises(ValueError) as info:
        get("foo")
    assert str(info.value) == "unknown objective 'foo'; choose one of: " + ", ".join(ALL_NAMES)
    with pytest.raises(ValueError, match="unknown objective 'Booth'"):
        get("Booth")


@pytest.mark.parametrize("bad", [None, 3, b"booth", ("booth",)])
def test_non_str_name(bad):
    with pytest.raises(TypeError):
        get(bad)


def test_dim_for_fixed_dimension_objective():
    with pytest.raises(ValueError) as info:
        get("booth", dim=3)
    assert str(info.value) == "objective 'booth' is 2-dimensional; dim=3 is not allowed"
    assert get("booth", dim=2).dim == 2


@pytest.mark.parametrize("name", ANY_DIM)
def test_dim_for_any_dimension_objective(name):
    assert get(name).dim == 2
    assert get(name, dim=np.int64(3)).dim == 3
    with pytest.raises(ValueError, match="dim >= 2"):
        get(name, dim=1)
    with pytest.raises(TypeError):
        get(name, dim=2.0)
    with pytest.raises(TypeError):
        get(name, dim=True)


# --------------------------------------------------------------------------------------
# Dependencies
# --------------------------------------------------------------------------------------


def test_objectives_import_only_numpy_and_the_standard_library():
    """At module level; SymPy, for typed formulas, is imported inside the function that needs it."""
    import sys

    package = pathlib.Path(__import__("rmsprop.objectives").objectives.__file__).parent
    for path in package.rglob("*.py"):  # the _expression package too
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                modules = [] if node.level else [node.module]
            else:
                continue
            for module in modules:
                top = module.split(".")[0]
                assert top == "numpy" or top in sys.stdlib_module_names, f"{path.name} imports {module}"


# --------------------------------------------------------------------------------------
# Objective.from_function: a plain Python function, with or without its gradient
# --------------------------------------------------------------------------------------


def _rosen(x):
    return (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2


def test_from_function_runs_as_minimize_runs_the_bare_function():
    """Without grad, the gradient is minimize's own central differences: the same run, bit for bit."""
    import rmsprop

    objective = Objective.from_function(_rosen, domain=((-2, 2), (-1, 3)))
    ours = rmsprop.minimize(objective, [-1.2, 1.0], learning_rate=0.01, maxiter=200, gtol=0)
    bare = rmsprop.minimize(_rosen, [-1.2, 1.0], learning_rate=0.01, maxiter=200, gtol=0)
    assert ours.x.tolist() == bare.x.tolist() and float(ours.fun) == float(bare.fun)
    assert np.array_equal(ours.path_x, bare.path_x)


def test_from_function_gradient_is_close_to_the_catalogues_analytic_one():
    objective = Objective.from_function(_rosen, domain=((-2, 2), (-1, 3)))
    rosenbrock = get("rosenbrock")
    X, Y = np.meshgrid(np.linspace(-2, 2, 7), np.linspace(-1, 3, 5))
    grid = np.stack([X, Y])
    assert objective.grad(grid).shape == (2, 5, 7)
    np.testing.assert_allclose(objective.grad(grid), rosenbrock.grad(grid), rtol=1e-6, atol=1e-6)
    np.testing.assert_array_equal(objective(grid), rosenbrock(grid))


def test_from_function_calls_a_one_point_function_per_point():
    calls = []

    def norm(x):
        calls.append(np.shape(x))
        assert np.shape(x) == (2,), "called with many points"
        return float(math.hypot(x[0], x[1]))

    objective = Objective.from_function(norm, lambda x: np.asarray(x) / math.hypot(x[0], x[1]), domain=(-1, 1))
    grid = np.stack(np.meshgrid([3.0, 1.0], [4.0, 0.0, 2.0]))
    np.testing.assert_array_equal(objective(grid), np.hypot(grid[0], grid[1]))
    np.testing.assert_allclose(objective.grad(grid), grid / np.hypot(grid[0], grid[1]))
    assert objective.grad([3.0, 4.0]).tolist() == [0.6, 0.8]


def test_from_function_defaults():
    objective = Objective.from_function(lambda x: x[0] ** 2 + x[1] ** 2, domain=(-2, 4))
    assert objective.name == "f" and objective.dim == 2 and objective.domain == ((-2.0, 4.0), (-2.0, 4.0))
    assert objective.start.tolist() == [1.0, 1.0] and math.isnan(objective.min_value) and len(objective.minima) == 0
    assert math.isnan(objective.nearest_minimum_distance([0.0, 0.0]))
    known = Objective.from_function(_rosen, domain=[(-2, 2), (-1, 3), (0, 1)], minima=[1, 1, 1], name="mine")
    assert (known.name, known.dim, known.min_value, known.minima.tolist()) == ("mine", 3, 0.0, [[1.0, 1.0, 1.0]])


@pytest.mark.parametrize(
    ("arguments", "error", "message"),
    [
        ({"f": 3}, TypeError, "f must be callable; got int"),
        ({"f": _rosen, "grad": "no"}, TypeError, "grad must be callable or None; got str"),
        ({"f": _rosen, "domain": (2, 1)}, ValueError, "domain must be one (lo, hi) pair or 2 such pairs"),
        ({"f": _rosen, "start": [1.0]}, ValueError, "start must be 2 finite numbers"),
    ],
)
def test_from_function_refuses_bad_input_in_one_line(arguments, error, message):
    arguments = {"domain": (-1, 1), **arguments}
    with pytest.raises(error, match=re.escape(message)) as caught:
        Objective.from_function(**arguments)
    assert "\n" not in str(caught.value)
