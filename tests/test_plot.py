"""rmsprop.plot: every figure drawn with Agg and checked by what it shows, not only that a file appears."""

import math
import os
import subprocess
import sys
from pathlib import Path

import matplotlib
import numpy as np
import pytest
from matplotlib.colors import to_rgba
from PIL import Image

import rmsprop
from rmsprop import plot

SEED_SETTINGS = dict(learning_rate=0.1, decay=0.9, eps=1e-8, maxiter=50, gtol=0)


@pytest.fixture(scope="module")
def seed():
    return rmsprop.objectives.get("seed")


@pytest.fixture(scope="module")
def seed_run(seed):
    return rmsprop.minimize(seed, [-4, 3], **SEED_SETTINGS)


@pytest.fixture(scope="module")
def other_run(seed):
    return rmsprop.minimize(seed, [4, -4], learning_rate=0.05, decay=0.95, eps=1e-8, maxiter=80, gtol=0)


@pytest.fixture(scope="module")
def rosenbrock():
    return rmsprop.objectives.get("rosenbrock")


@pytest.fixture(scope="module")
def rosenbrock_run(rosenbrock):
    return rmsprop.minimize(rosenbrock, rosenbrock.start, learning_rate=0.01, decay=0.9, eps=1e-8, maxiter=400, gtol=0)


def blank_border(path, widest=0.03):
    """The largest fraction of the image's width or height that is a blank (white) band at one of its edges."""
    with Image.open(path) as image:
        pixels = np.asarray(image.convert("RGB"), dtype=int)
    blank = (pixels >= 250).all(axis=-1)
    rows, columns = blank.all(axis=1), blank.all(axis=0)

    def band(flags):
        return int(np.argmin(flags)) if not flags.all() else len(flags)

    return max(
        band(rows) / len(rows),
        band(rows[::-1]) / len(rows),
        band(columns) / len(columns),
        band(columns[::-1]) / len(columns),
    )


def contour_sets(ax):
    return [c for c in ax.collections if isinstance(c, matplotlib.contour.ContourSet)]


def line_by_gid(ax, gid):
    (line,) = [line for line in ax.get_lines() if line.get_gid() == gid]
    return line


def rgba_image(fig):
    fig.canvas.draw()
    return np.asarray(fig.canvas.buffer_rgba())


def colour_near(image, ax, points, rgb, radius=2, tolerance=40.0):
    """For each data point, whether a pixel within ``radius`` has colour ``rgb`` (0-255) within ``tolerance``."""
    height, width = image.shape[:2]
    found = []
    for px, py in ax.transData.transform(points):
        col, row = int(round(px)), int(round(height - py))
        patch = image[max(row - radius, 0) : row + radius + 1, max(col - radius, 0) : col + radius + 1, :3].astype(
            float
        )
        found.append(bool(np.min(np.linalg.norm(patch - rgb, axis=-1)) < tolerance) if patch.size else False)
    return np.array(found)


# --- import cost ---------------------------------------------------------------------------------


def test_import_rmsprop_and_rmsprop_plot_do_not_import_matplotlib():
    code = (
        "import sys, rmsprop, rmsprop.plot; before = 'matplotlib' in sys.modules; "
        "rmsprop.plot.settings_label({'name': 'rmsprop', 'learning_rate': 0.1}); "
        "print(before, 'matplotlib' in sys.modules, rmsprop.plot.__name__)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "False", "rmsprop.plot"]
    code = "import sys, rmsprop; rmsprop.plot.contour; print('matplotlib' in sys.modules, 'plot' in dir(rmsprop))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "True"]
    assert "plot" in rmsprop.__all__ and rmsprop.plot is plot


def test_the_package_exports_the_names_of_the_module_it_was():
    assert plot.__all__ == [
        "surface",
        "contour",
        "paths",
        "loss",
        "step_sizes",
        "panel",
        "minibatch_paths",
        "animate",
        "sweep_heatmap",
        "settings_label",
        "effective_steps",
        "contour_levels",
        "FIGURE_SUFFIXES",
        "ANIMATION_SUFFIXES",
    ]
    for name in (*plot.__all__, "MAX_PIXELS", "LOG_LEVELS_DECADES", "MAX_LEVELS", "contour_grid"):
        assert hasattr(plot, name), name


def test_the_plot_modules_import_no_private_names_from_each_other():
    import ast

    folder = Path(plot.__file__).parent
    for path in folder.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert len(text.splitlines()) < 600, path.name
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.ImportFrom) and node.level:
                source = folder.parents[node.level - 2] if node.level > 1 else folder
                source = source.joinpath(*(node.module or "").split(".")) if node.module else source
                private = [
                    alias.name
                    for alias in node.names
                    if alias.name.startswith("_")
                    and not (source / f"{alias.name}.py").exists()
                    and not (source / alias.name).is_dir()
                ]
                assert not private, f"{path.name} imports {private} from {'.' * node.level}{node.module or ''}"


# --- surface and contour ------------------------------------------------------------------------


def test_surface_png_has_the_asked_size_and_dpi(seed, tmp_path, artifacts_dir):
    target = tmp_path / "surface.png"
    fig = plot.surface(seed, resolution=40, figsize=(6, 5), dpi=100, save=target)
    with Image.open(target) as image:  # cut to the drawing: the asked size less the blank sides of a 3-D box
        assert 0.75 * 600 <= image.size[0] <= 1.02 * 600 and 0.75 * 500 <= image.size[1] <= 1.02 * 500
        assert image.info["dpi"] == pytest.approx((100, 100), abs=0.01)
    (ax,) = fig.axes
    assert ax.name == "3d" and (ax.get_xlabel(), ax.get_ylabel(), ax.get_zlabel()) == ("x1", "x2", "f")
    assert "seed" in ax.get_title()
    plot.surface("rosenbrock", save=Path(artifacts_dir) / "plot_surface_rosenbrock.png")


def test_contour_levels_are_log_spaced_for_rosenbrock_and_linear_for_the_seed(seed, rosenbrock):
    fig = plot.contour(rosenbrock, resolution=120)
    (ax,) = [ax for ax in fig.axes if ax.get_label() != "<colorbar>"]
    levels = contour_sets(ax)[-1].levels
    assert contour_sets(ax)[-1].rmsprop_scale == "log"
    ratios = levels[1:] / levels[:-1]  # f* = 0 is below every grid value: levels = geomspace(lo, hi)
    np.testing.assert_allclose(ratios, ratios[0], rtol=1e-9)
    assert levels[-1] / levels[0] > 1e3

    fig = plot.contour(seed, resolution=120)
    ax = fig.axes[0]
    levels = contour_sets(ax)[-1].levels
    assert contour_sets(ax)[-1].rmsprop_scale == "linear"
    np.testing.assert_allclose(np.diff(levels), np.diff(levels)[0], rtol=1e-9)
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("x1", "x2")
    assert ax.get_xlim() == (-5.0, 5.0) and ax.get_ylim() == (-5.0, 5.0)
    minimum = line_by_gid(ax, "minimum")
    assert minimum.get_marker() == "*" and np.allclose(minimum.get_xydata(), [[0.0, 0.0]])


def test_contour_levels_can_be_forced():
    Z = np.array([[1.0, 10.0], [100.0, 1000.0]])
    levels, chosen = plot.contour_levels(Z, scale="linear", levels=5)
    assert chosen == "linear" and np.allclose(np.diff(levels), np.diff(levels)[0])
    levels, chosen = plot.contour_levels(Z, 0.0, scale="log", levels=4)
    assert chosen == "log" and np.allclose(levels[1:] / levels[:-1], levels[1] / levels[0])
    levels, chosen = plot.contour_levels(Z, levels=[3, 1, 2])
    assert chosen == "given" and levels.tolist() == [1, 2, 3]


# --- paths ------------------------------------------------------------------------------------------


def test_the_path_is_drawn_in_its_colour_where_its_points_are(seed, seed_run, artifacts_dir):
    fig = plot.paths(
        seed, seed_run, resolution=100, figsize=(6, 5), dpi=100, save=Path(artifacts_dir) / "plot_paths_seed.png"
    )
    ax = fig.axes[0]
    image = rgba_image(fig)
    assert image.shape == (500, 600, 4)
    label = "rmsprop lr=0.1 decay=0.9"
    line = line_by_gid(ax, f"path:{label}")
    rgb = np.array(to_rgba(line.get_color())[:3]) * 255
    np.testing.assert_array_equal(line.get_xydata(), seed_run.path_x)
    assert colour_near(image, ax, seed_run.path_x, rgb).all()
    # ... and not everywhere: the background does not have that colour.
    corners = np.array([[-4.5, -4.5], [4.5, 4.5], [4.5, -4.5], [-2.0, -3.0]])
    assert not colour_near(image, ax, corners, rgb).any()


def test_two_runs_get_distinct_colours_labels_and_markers(seed, seed_run, other_run, artifacts_dir):
    fig = plot.paths(
        seed,
        [seed_run, other_run],
        resolution=100,
        dpi=100,
        gradient_field=True,
        save=Path(artifacts_dir) / "plot_paths_two_runs.png",
    )
    ax = fig.axes[0]
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    assert texts == ["rmsprop lr=0.1 decay=0.9", "rmsprop lr=0.05 decay=0.95", "start", "end", "minimum"]
    first, second = (line_by_gid(ax, f"path:{label}") for label in texts[:2])
    assert to_rgba(first.get_color()) != to_rgba(second.get_color())
    image = rgba_image(fig)
    for run, line in ((seed_run, first), (other_run, second)):
        label = line.get_label()
        start, end = line_by_gid(ax, f"start:{label}"), line_by_gid(ax, f"end:{label}")
        assert start.get_marker() == "o" and np.allclose(start.get_xydata(), run.path_x[:1])
        assert end.get_marker() == "s" and np.allclose(end.get_xydata(), run.path_x[-1:])
        rgb = np.array(to_rgba(line.get_color())[:3]) * 255
        # Runs can cross near the minimum, where the one drawn later covers the other.
        assert colour_near(image, ax, run.path_x, rgb).mean() > 0.8
    assert line_by_gid(ax, "minimum").get_marker() == "*"
    assert any(q.get_gid() == "gradient field" for q in ax.collections)


def test_labels_and_dicts_name_the_runs(seed, seed_run, other_run):
    fig = plot.paths(seed, {"first": seed_run, "second": other_run}, resolution=40, legend=True)
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()][:2] == ["first", "second"]
    fig = plot.paths(seed, [seed_run, other_run], labels=["a", "b"], resolution=40)
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()][:2] == ["a", "b"]
    twin = rmsprop.minimize(seed, [1, 1], **SEED_SETTINGS)
    fig = plot.paths(seed, [seed_run, twin], resolution=40)
    texts = [t.get_text() for t in fig.axes[0].get_legend().get_texts()][:2]
    assert texts == ["rmsprop lr=0.1 decay=0.9 from (-4, 3)", "rmsprop lr=0.1 decay=0.9 from (1, 1)"]


def test_a_batch_of_runs_is_one_run_per_row(seed):
    batch = rmsprop.minimize_many(
        seed, [[-4, 3], [1, 1]], learning_rate=[0.1, 0.2], maxiter=50, gtol=1e-3, trajectories=True
    )
    fig = plot.paths(seed, batch, resolution=40)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_legend().get_texts()][:2] == ["run [0]", "run [1]"]
    for i in range(2):
        np.testing.assert_array_equal(
            line_by_gid(ax, f"path:run [{i}]").get_xydata(), batch.path_x[i, : batch.nit[i] + 1]
        )
    with pytest.raises(ValueError, match="path_jac"):
        plot.step_sizes(batch)


def test_settings_labels_are_short():
    assert plot.settings_label(rmsprop.rmsprop(0.1, 0.9, 1e-8).settings) == "rmsprop lr=0.1 decay=0.9"
    assert (
        plot.settings_label(rmsprop.rmsprop(0.01, 0.99, 1e-6, centered=True, momentum=0.9).settings)
        == "rmsprop lr=0.01 decay=0.99 eps=1e-6 centered momentum=0.9"
    )
    assert plot.settings_label(rmsprop.compat.torch(lr=0.01).settings) == "torch lr=0.01 alpha=0.99"
    schedule = rmsprop.schedules.exponential_decay(0.1, 0.5, 10)
    assert (
        plot.settings_label(rmsprop.rmsprop(schedule).settings)
        == "rmsprop lr=exponential_decay(0.1, 0.5, 10) decay=0.9"
    )
    assert plot.settings_label({"name": "mine", "lr": 0.5, "eps": 1e-3, "beta": 0, "fast": True}) == "mine lr=0.5 fast"


def test_paths_window_grows_to_hold_a_path_that_leaves_the_domain(seed):
    run = rmsprop.minimize(seed, [-7, 3], **SEED_SETTINGS)
    ax = plot.paths(seed, run, resolution=40).axes[0]
    assert ax.get_xlim()[0] < -7 < -5 and ax.get_xlim()[1] == 5.0


# --- loss and step sizes -------------------------------------------------------------------------------


def test_loss_decreases_on_the_seed_run_on_a_log_scale(seed, seed_run, artifacts_dir):
    fig = plot.loss(seed_run, objective=seed, save=Path(artifacts_dir) / "plot_loss_seed.png")
    ax = fig.axes[0]
    (line,) = ax.get_lines()
    x, y = line.get_data()
    np.testing.assert_array_equal(x, np.arange(51))
    np.testing.assert_array_equal(y, seed_run.path_fun - seed.min_value)
    assert np.all(np.diff(y) < 0)
    assert ax.get_yscale() == "log"
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("iteration", "f - f*")
    assert ax.get_legend().get_texts()[0].get_text() == "rmsprop lr=0.1 decay=0.9"
    # Without the objective: f itself; with values <= 0 (the saddle): a linear scale.
    assert plot.loss(seed_run).axes[0].get_ylabel() == "f"
    saddle = rmsprop.objectives.get("saddle")
    run = rmsprop.minimize(saddle, saddle.start, learning_rate=0.05, maxiter=30, gtol=0)
    ax = plot.loss(run, objective=saddle).axes[0]
    assert ax.get_yscale() == "linear" and ax.get_ylabel() == "f"


def plain_rmsprop_steps(path_jac, lr, decay, eps):
    """lr / sqrt(e + eps), e the decaying mean of squared gradients, in Python floats."""
    e = [0.0] * len(path_jac[0])
    steps = []
    for g in path_jac[:-1]:
        e = [decay * ei + (1 - decay) * float(gi) ** 2 for ei, gi in zip(e, g)]
        steps.append([lr / math.sqrt(ei + eps) for ei in e])
    return np.array(steps)


def test_step_sizes_are_rmsprops_adapted_rates(seed_run, artifacts_dir):
    expected = plain_rmsprop_steps(seed_run.path_jac.tolist(), 0.1, 0.9, 1e-8)
    np.testing.assert_allclose(plot.effective_steps(seed_run), expected, rtol=1e-12, atol=0)
    fig = plot.step_sizes(seed_run, save=Path(artifacts_dir) / "plot_step_sizes_seed.png")
    ax = fig.axes[0]
    lines = ax.get_lines()
    assert [line.get_label() for line in lines] == ["x1", "x2"]
    for i, line in enumerate(lines):
        x, y = line.get_data()
        np.testing.assert_array_equal(x, np.arange(50))
        np.testing.assert_allclose(y, expected[:, i], rtol=1e-12, atol=0)
    assert ax.get_yscale() == "log" and ax.get_xlabel() == "iteration" and "step size" in ax.get_ylabel()


def test_step_sizes_are_nan_where_the_gradient_is_zero(seed):
    run = rmsprop.minimize(seed, [2.0, 0.0], **SEED_SETTINGS)  # x2 starts and stays at its minimum
    steps = plot.effective_steps(run)
    assert np.isnan(steps[:, 1]).all() and np.isfinite(steps[:, 0]).all()
    fig = plot.step_sizes([run, run], labels=["a", "b"])
    assert [line.get_label() for line in fig.axes[0].get_lines()] == ["a: x1", "a: x2", "b: x1", "b: x2"]


def test_loss_and_step_sizes_take_runs_of_any_dimension():
    rosenbrock4 = rmsprop.objectives.get("rosenbrock", dim=4)
    run = rmsprop.minimize(rosenbrock4, np.zeros(4), learning_rate=0.01, maxiter=20, gtol=0)
    assert len(plot.step_sizes(run).axes[0].get_lines()) == 4
    assert plot.loss(run, objective=rosenbrock4).axes[0].get_ylabel() == "f - f*"


# --- the panel --------------------------------------------------------------------------------------------


def test_panel_combines_surface_paths_loss_and_step_sizes(rosenbrock, rosenbrock_run, artifacts_dir):
    adam = rmsprop.minimize(rosenbrock, rosenbrock.start, optimizer=rmsprop.baselines.adam(0.05), maxiter=400, gtol=0)
    target = Path(artifacts_dir) / "plot_panel_rosenbrock.png"
    fig = plot.panel(rosenbrock, [rosenbrock_run, adam], resolution=100, dpi=80, save=target)
    surface, contour, loss, steps = fig.axes[:4]
    assert surface.name == "3d"
    assert contour_sets(contour)[-1].rmsprop_scale == "log"
    assert [t.get_text() for t in contour.get_legend().get_texts()][:2] == [
        "rmsprop lr=0.01 decay=0.9",
        "adam lr=0.05 b1=0.9 b2=0.999",
    ]
    assert loss.get_xlabel() == steps.get_xlabel() == "iteration"
    assert loss.get_yscale() == steps.get_yscale() == "log"
    with Image.open(target) as image:  # cut to the drawing: about the asked size
        assert 0.75 * 1040 <= image.size[0] <= 1.02 * 1040 and 0.75 * 800 <= image.size[1] <= 1.02 * 800
    assert blank_border(target) < 0.03


def test_panel_without_surface(seed, seed_run):
    fig = plot.panel(seed, seed_run, with_surface=False, resolution=60)
    assert [ax.name for ax in fig.axes[:3]] == ["rectilinear"] * 3
    assert "seed" in fig.get_suptitle()


# --- files -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("suffix", "magic"), [(".svg", b"<?xml"), (".pdf", b"%PDF"), (".PNG", b"\x89PNG")])
def test_save_writes_the_format_of_the_suffix(seed, tmp_path, suffix, magic):
    target = tmp_path / f"contour{suffix}"
    plot.contour(seed, resolution=30, save=target)
    assert target.read_bytes().startswith(magic)
    assert [p.name for p in tmp_path.iterdir()] == [target.name]


def test_a_failing_save_leaves_no_file_and_keeps_the_old_one(seed, tmp_path, monkeypatch):
    target = tmp_path / "figure.png"
    target.write_bytes(b"old")

    def broken(self, stream, **kwargs):
        stream.write(b"\x89PNG half")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(matplotlib.figure.Figure, "savefig", broken)
    with pytest.raises(ValueError, match="cannot write .*No space left"):
        plot.contour(seed, resolution=30, save=target)
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["figure.png"]


def test_ax_draws_into_a_given_axes(seed, seed_run):
    fig = plot.contour(seed, resolution=30)
    ax = fig.add_axes((0.1, 0.1, 0.3, 0.3))
    assert plot.loss(seed_run, ax=ax) is fig
    assert ax.get_ylabel() == "f"


# --- animations --------------------------------------------------------------------------------------------


def test_gif_has_one_frame_per_iteration_up_to_max_frames(seed, seed_run, other_run, tmp_path, artifacts_dir):
    target = Path(artifacts_dir) / "plot_animation_seed.gif"
    written = plot.animate(
        seed,
        [seed_run, other_run],
        target,
        max_frames=12,
        progress=False,
        with_loss=True,
        with_surface=True,
        resolution=60,
        dpi=60,
    )
    assert written == target
    with Image.open(target) as image:
        assert image.format == "GIF" and image.n_frames == 12
        assert image.size == (int(17.4 * 60), 300)
    short = rmsprop.minimize(seed, [-4, 3], **{**SEED_SETTINGS, "maxiter": 9})
    target = tmp_path / "short.gif"
    plot.animate(seed, short, target, max_frames=120, progress=False, resolution=40, dpi=40)
    with Image.open(target) as image:
        assert image.n_frames == 10  # min(nit + 1, max_frames)
        image.seek(image.n_frames - 1)
        last = np.asarray(image.convert("RGB"))
    assert last.std() > 10  # a picture, not a blank frame
    assert [p.name for p in tmp_path.iterdir()] == ["short.gif"]


def test_animation_shows_a_progress_bar_on_stderr(seed, seed_run, tmp_path, capsys):
    plot.animate(seed, seed_run, tmp_path / "a.gif", max_frames=3, resolution=30, dpi=40, progress=True)
    captured = capsys.readouterr()
    assert captured.out == "" and "a.gif" in captured.err and "3/3" in captured.err


def test_a_failing_animation_leaves_no_file(seed, seed_run, tmp_path, monkeypatch):
    def broken(self):
        Path(self.outfile).write_bytes(b"GIF89a partial")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(matplotlib.animation.PillowWriter, "finish", broken)
    target = tmp_path / "a.gif"
    with pytest.raises(ValueError, match="cannot write"):
        plot.animate(seed, seed_run, target, max_frames=3, resolution=30, dpi=40, progress=False)
    assert list(tmp_path.iterdir()) == []


def test_mp4_needs_ffmpeg(seed, seed_run, tmp_path, monkeypatch):
    monkeypatch.setattr("shutil.which", lambda name, *args, **kwargs: None)
    with pytest.raises(ValueError, match="ffmpeg"):
        plot.animate(seed, seed_run, tmp_path / "a.mp4", progress=False)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(os.name != "posix", reason="a shell script stands in for ffmpeg")
def test_mp4_frames_go_to_ffmpeg_as_raw_rgba(seed, seed_run, tmp_path, monkeypatch):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "ffmpeg"  # writes the number of bytes it was piped, and its arguments, as the "video"
    fake.write_text('#!/bin/sh\nfor last; do :; done\nn=$(wc -c | tr -d " ")\necho "$n $*" > "$last"\n')
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")
    out = tmp_path / "out"
    out.mkdir()
    target = plot.animate(
        seed, seed_run, out / "a.mp4", max_frames=4, fps=10, resolution=30, dpi=50, figsize=(4, 3), progress=False
    )
    count, *arguments = target.read_text().split()
    assert int(count) == 4 * 200 * 150 * 4  # frames x width x height x RGBA
    assert arguments[arguments.index("-s") + 1] == "200x150" and arguments[arguments.index("-framerate") + 1] == "10"
    assert arguments[-2] == "-y" and arguments[-1].endswith(".mp4")
    assert [p.name for p in out.iterdir()] == ["a.mp4"]


# --- bad input ---------------------------------------------------------------------------------------------


def test_bad_input_gets_one_line_errors(seed, seed_run, tmp_path):
    rosenbrock3 = rmsprop.objectives.get("rosenbrock", dim=3)
    run3 = rmsprop.minimize(rosenbrock3, np.zeros(3), learning_rate=0.01, maxiter=3, gtol=0)
    cases = [
        (ValueError, "2-D objective", lambda: plot.contour(rosenbrock3)),
        (ValueError, "2-D objective", lambda: plot.surface(rosenbrock3)),
        (ValueError, "2-D objective", lambda: plot.paths(rosenbrock3, run3)),
        (ValueError, "3 coordinates but objective 'seed' has 2", lambda: plot.paths(seed, run3)),
        (ValueError, "runs is empty", lambda: plot.paths(seed, [])),
        (ValueError, "runs is empty", lambda: plot.loss({})),
        (TypeError, "not a result of rmsprop.minimize", lambda: plot.loss([seed_run, 3])),
        (TypeError, "runs must be", lambda: plot.step_sizes(3.5)),
        (TypeError, "objective must be", lambda: plot.contour(42)),
        (ValueError, "unknown objective", lambda: plot.contour("nope")),
        (ValueError, "labels must be one string per run", lambda: plot.paths(seed, seed_run, labels=["a", "b"])),
        (ValueError, "cannot tell the format", lambda: plot.contour(seed, save=tmp_path / "c.bmp")),
        (ValueError, "cannot tell the format", lambda: plot.contour(seed, save=tmp_path / "c")),
        (ValueError, "cannot tell the format", lambda: plot.animate(seed, seed_run, tmp_path / "a.avi")),
        (ValueError, "does not exist", lambda: plot.contour(seed, save=tmp_path / "missing" / "c.png")),
        (ValueError, "is a directory", lambda: plot.animate(seed, seed_run, tmp_path)),
        (TypeError, "save must be a path", lambda: plot.contour(seed, save=3)),
        (ValueError, "max_frames", lambda: plot.animate(seed, seed_run, tmp_path / "a.gif", max_frames=0)),
        (ValueError, "fps", lambda: plot.animate(seed, seed_run, tmp_path / "a.gif", fps=-1)),
        (ValueError, "3-D Axes", lambda: plot.surface(seed, ax=plot.contour(seed, resolution=20).axes[0])),
        (ValueError, "resolution", lambda: plot.contour(seed, resolution=1)),
        (ValueError, "window", lambda: plot.contour(seed, window=((1, 0), (0, 1)))),
    ]
    for kind, message, call in cases:
        with pytest.raises(kind, match=message) as error:
            call()
        assert "\n" not in str(error.value), message
    (tmp_path / "blocker").write_text("")
    with pytest.raises(ValueError, match="not a directory"):
        plot.contour(seed, save=tmp_path / "blocker" / "c.png")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["blocker"]


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs a non-root POSIX user")
def test_an_unwritable_folder_is_a_clean_error(seed, tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        with pytest.raises(ValueError, match="not writable"):
            plot.contour(seed, resolution=20, save=locked / "c.png")
    finally:
        locked.chmod(0o700)


# --- what the figures are given: names, formulas, functions (issue 17) ------------------------------------


def _rosen(x):
    return (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2


def test_figures_take_a_name_a_formula_an_objective_or_a_function_with_a_domain(rosenbrock, rosenbrock_run):
    """The four forms draw the same function: the grid of f is the catalogue's wherever the formulas agree."""
    formula = "(1 - x)**2 + 100*(y - x**2)**2"
    window = ((-2.0, 2.0), (-1.0, 3.0))
    figures = [
        plot.contour("rosenbrock", resolution=30),
        plot.contour(formula, domain=window, resolution=30),
        plot.contour(rosenbrock, resolution=30),
        plot.contour(_rosen, domain=window, resolution=30),
    ]
    fills = [contour_sets(fig.axes[0])[0] for fig in figures]
    assert all(fig.axes[0].get_xlim() == window[0] and fig.axes[0].get_ylim() == window[1] for fig in figures)
    assert all(len(fill.levels) == len(fills[0].levels) for fill in fills)
    np.testing.assert_array_equal(fills[2].levels, fills[0].levels)  # the name is the objective
    np.testing.assert_allclose(fills[3].levels, fills[1].levels, rtol=1e-12)  # f* unknown for both: the same levels
    assert [fig.axes[0].get_title() for fig in figures][1] == "f = " + formula  # the formula once
    assert plot.paths(_rosen, rosenbrock_run, domain=window, resolution=30).axes[0].get_title().startswith("rmsprop on")
    assert plot.loss(rosenbrock_run, objective=_rosen, domain=window).axes


def test_a_function_without_a_domain_gets_one_line_naming_domain():
    with pytest.raises(ValueError, match=r"^paths was given a function: say where it lives with domain=\(") as caught:
        plot.paths(_rosen, {"path_x": np.zeros((2, 2)), "path_fun": np.zeros(2)})
    assert "\n" not in str(caught.value)
    with pytest.raises(ValueError, match=r"did you mean 'rosenbrock'"):
        plot.contour("rosenbrok")
    with pytest.raises(TypeError, match="a formula or a function with domain="):
        plot.contour(3)


# --- figures that show what matters (issue 17) ----------------------------------------------------------


def _compare_runs(objective):
    """RMSprop, SGD, momentum and Adam on Rosenbrock, as `rmsprop compare` runs them."""
    runs = {}
    for name, rate in (("rmsprop", 0.01), ("sgd", 0.001), ("momentum", 0.001), ("adam", 0.05)):
        optimizer = rmsprop.baselines.OPTIMIZERS[name](rate)
        runs[name] = rmsprop.minimize(objective, objective.start, optimizer=optimizer, maxiter=2000, gtol=0)
    return runs


def _legend_covers(ax, points):
    """How many of ``points`` (data) inside the axes lie under the legend's window extent."""
    legend = ax.get_legend()
    extent = legend.get_window_extent()
    shown = ax.transData.transform(np.asarray(points, dtype=float))
    box = ax.bbox
    inside = (shown[:, 0] >= box.x0) & (shown[:, 0] <= box.x1) & (shown[:, 1] >= box.y0) & (shown[:, 1] <= box.y1)
    under = (
        (shown[:, 0] >= extent.x0)
        & (shown[:, 0] <= extent.x1)
        & (shown[:, 1] >= extent.y0)
        & (shown[:, 1] <= extent.y1)
    )
    return int(np.count_nonzero(inside & under))


@pytest.mark.parametrize("name", ["rosenbrock", "rastrigin", "seed"])
def test_the_legend_hides_no_path_and_no_start(name, tmp_path, artifacts_dir):
    objective = rmsprop.objectives.get(name)
    runs = _compare_runs(objective)
    target = Path(artifacts_dir) / f"plot_paths_compare_{name}.png"
    fig = plot.paths(objective, runs, resolution=60, save=target)
    (ax,) = [ax for ax in fig.axes if ax.get_legend() is not None]
    fig.draw_without_rendering()
    every_point = np.concatenate([result.path_x for result in runs.values()])
    starts = np.array([result.path_x[0] for result in runs.values()])
    assert _legend_covers(ax, every_point) == 0 and _legend_covers(ax, starts) == 0
    assert blank_border(target) < 0.03


def test_contours_are_equal_aspect_and_png_has_no_blank_margins(tmp_path):
    target = tmp_path / "contour.png"
    fig = plot.contour("rosenbrock", resolution=40, save=target)
    ax = fig.axes[0]
    assert ax.get_aspect() == 1.0
    assert blank_border(target) < 0.03
    long = plot.contour("seed", window=((-10, 10), (-1, 1)), resolution=20).axes[0]
    assert long.get_aspect() == "auto"  # a window 10 times longer than high fills the axes


def test_default_window_holds_the_paths_and_the_domain():
    rastrigin = rmsprop.objectives.get("rastrigin")
    run = rmsprop.minimize(rastrigin, rastrigin.start, learning_rate=1.0, maxiter=1000)
    ax = plot.paths(rastrigin, run, resolution=40).axes[0]
    (x_lo, x_hi), (y_lo, y_hi) = ax.get_xlim(), ax.get_ylim()
    finite = run.path_x[np.isfinite(run.path_x).all(axis=1)]
    assert x_lo <= finite[:, 0].min() and finite[:, 0].max() <= x_hi
    assert y_lo <= finite[:, 1].min() and finite[:, 1].max() <= y_hi
    assert x_lo <= -5.12 and x_hi >= 5.12 and y_lo <= -5.12 and y_hi >= 5.12  # Rastrigin's square, whole
    assert max(x_hi - x_lo, y_hi - y_lo) <= 2 * min(x_hi - x_lo, y_hi - y_lo)


def test_one_colour_map_in_the_figures_and_the_playground():
    """The playground's contour and surface take the figures' map, the same way up (low f dark)."""
    from rmsprop.playground._compute import compute
    from rmsprop.playground._figures import contour_figure, surface_figure
    from rmsprop.playground._state import View

    picture = compute(View())
    matplotlib_map = contour_sets(plot.contour("seed", resolution=20).axes[0])[0].get_cmap().name
    for figure in (contour_figure(picture), surface_figure(picture)):
        trace = figure["data"][0]
        assert trace["colorscale"].lower() == matplotlib_map == "viridis" and trace["reversescale"] is False


def test_the_demos_figures_have_no_wide_blank_margins(tmp_path):
    """The seed's figures as the seed draws them, cut to the drawing (a 3-D box keeps a little room)."""
    from rmsprop.demo import run_seed, save_seed_figures, seed_lines

    result = run_seed()
    assert seed_lines(result)[0] == "The optimal value of x1 is: -0.10352260359924752"  # the seed's numbers
    for path in save_seed_figures(result, tmp_path):
        assert blank_border(path) < 0.05, path.name
