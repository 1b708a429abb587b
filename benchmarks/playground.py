"""The playground under load: many browsers at once asking the real server for views, over loopback.

Starts ``rmsprop playground --port 0 [--workers N]`` in a subprocess (the real server: gunicorn's
master and N worker processes, by default one per CPU; Werkzeug's threaded server in one process
for ``--workers 1``), reads its ``/_dash-dependencies`` to find the ``draw`` callback (controls ->
contour, loss and step figures, table, paths, message) and its ``/_dash-layout`` to find the
iterations field (the one number input: its id and its maximum), and then lets ``--clients`` threads post to
``/_dash-update-component`` at once, ``--requests`` each, with the exact body Dash's renderer
sends (``output``, ``outputs``, ``inputs`` with id/property/value, ``changedPropIds``; no
``state``: ``draw`` has none). Each client sends seeded random, realistic views: catalogue
objectives and a few typed formulas, starts inside the objective's window, learning rates on
the slider's log10 scale, decays, 50 to 400 iterations, some baselines, some library flavors
and options; about 5 % are invalid (a bad start, formula, iteration count, flavor, ...).
One valid and one invalid request go first, unmeasured, to check the body (and to load what
any view needs); the server is otherwise cold, as after a real start: the first views of a kind
(a linear-scale contour, a typed formula) load more modules while others are in flight.
``--warm`` first draws every catalogue objective and a formula, one at a time, for the steady
state; ``--cold-cache`` starts the server with an empty Numba cache (a fresh temporary
``NUMBA_CACHE_DIR``), as after a fresh install: each new loop is then compiled, in the
background (:mod:`rmsprop.playground._loading`), while its first views take the Python loop.

Every response is checked: HTTP 200 and JSON; a valid view must bring every output of
``draw`` (a contour figure with traces, one path per run -- RMSprop plus its baselines --,
at most ``iterations`` steps, an empty message), an invalid one only its non-empty message
(an invalid view answered with its message is a correct answer, not an error). Anything else
-- an exception, another status, a timeout, a wrong shape, a valid view refused or an invalid
one drawn -- is an error. The table shows errors (the exit status is 1 unless there are
none), throughput (requests / wall time of the loaded phase) and latency percentiles (send to
last byte of the answer, per request), with the load average and CPU count: the server and
the clients share the machine, so a busy or small machine shows in every number. At the end
the server is stopped with SIGINT, which must print ``Stopped.`` and exit 0; tracebacks in
its stderr are counted as errors. Everything is bounded: requests per client, a timeout per
request and ``--time-limit`` for the whole loaded phase (requests not sent by then are errors).

The targets (issue 14) are shown beside the numbers: no error, p50 <= 0.5 s and p99 <= 1.5 s
with 50 clients, and the default view (the seed's experiment) computed by the ``draw``
callback in at most 15 ms of CPU time, measured here in this process (median of ``--draw-calls``
calls, after one to warm up; the wall time and the JSON encoding, as Dash sends it, shown beside). Only errors make the
exit status 1: the times depend on the machine, and the table says whether they met the targets.

    python benchmarks/playground.py [--clients 50] [--requests 20] [--workers N] [--port 0]
                                    [--seed 0] [--timeout 120] [--time-limit 600] [--warm] [--cold-cache]
                                    [--draw-calls 50] [--json playground.json]
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import os
import queue
import random
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

import _machine  # benchmarks/_machine.py: what every benchmark records about the machine

from rmsprop import compat, objectives
from rmsprop.playground import default_workers
from rmsprop.playground._controls import FORMULA, LR_SLIDER
from rmsprop.playground._problems import PROBLEMS as ONLINE
from rmsprop.playground._state import BASELINES, FLAVORS, OBJECTIVES, OWN_RULE

HOST = "127.0.0.1"
START_TIMEOUT_S = 60.0  # for the server's address line
STOP_TIMEOUT_S = 30.0  # for its exit after SIGINT
DRAW_OUTPUTS = ("contour.figure", "message.children")  # the outputs that name the draw callback
VALID_OUTPUTS = {
    "contour": "figure",
    "loss": "figure",
    "steps": "figure",
    "results": "children",
    "paths": "data",
    "frame": ("max", "value"),
    "message": "children",
}
INVALID_SHARE = 0.05
#: The ids the iterations field has had.
ITERATION_IDS = ("maxiter", "iterations")
#: The targets of issue 14: latency percentiles with 50 clients, and the default view's draw in-process.
TARGET_P50_MS = 500.0
TARGET_P99_MS = 1500.0
TARGET_DRAW_MS = 15.0
FORMULAS = (
    "x**2 + 3*y**2",
    "(1 - x)**2 + 100*(y - x**2)**2",
    "sin(x)*cos(y) + 0.1*(x**2 + y**2)",
    "log(1 + x**2 + y**2)",
    "x1**2 + 10*x2**2 + x1*x2",
    "abs(x) + 0.5*y**2",
)
#: Invalid views: what is changed from a valid one (control values as the browser would send them;
#: ``"iterations"`` is the iterations field, whatever its id, and TOO_MANY one over its maximum).
TOO_MANY = "one over the maximum"
PROBLEMS = tuple(ONLINE)
INVALID = (
    {"x1": "abc"},
    {"x2": ""},
    {"x1": "1e9"},
    {"iterations": 0},
    {"iterations": TOO_MANY},
    {"iterations": 10.5},
    {"iterations": None},
    {"objective": FORMULA, "formula": "x**2 +"},
    {"objective": FORMULA, "formula": "x1 + x2 + x3"},
    {"objective": FORMULA, "formula": "__import__('os')"},
    {"objective": FORMULA, "formula": ""},
    {"flavor": "adamw"},
    {"baselines": ["rmsprop2"]},
    {"decay": 1.0},
    {"eps": None},
    {"flavor": OWN_RULE, "flags": ["nesterov"], "momentum": 0},
)


# --------------------------------------------------------------------------- the server


class Server:
    """``rmsprop playground --port PORT [--workers N]`` in a subprocess; its stdout and stderr drained by threads."""

    def __init__(self, port: int, workers: int | None, numba_cache: str | None = None) -> None:
        command = [sys.executable, "-m", "rmsprop", "playground", "--host", HOST, "--port", str(port)]
        if workers is not None:
            command += ["--workers", str(workers)]
        env = dict(os.environ) if numba_cache is None else dict(os.environ, NUMBA_CACHE_DIR=numba_cache)
        self.process = subprocess.Popen(
            command,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.stdout: list[str] = []
        self.stderr: list[str] = []
        for stream, sink in ((self.process.stdout, self.stdout), (self.process.stderr, self.stderr)):
            threading.Thread(target=self._drain, args=(stream, sink), daemon=True).start()

    def _drain(self, stream, sink: list[str]) -> None:
        for line in stream:
            sink.append(line)
            if sink is self.stdout:
                self.lines.put(line)

    def wait_for_address(self, timeout: float) -> str:
        """The base URL from the line ``RMSprop playground on http://HOST:PORT/ (Ctrl-C to stop)``."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.2)
            except queue.Empty:
                if self.process.poll() is not None:
                    raise RuntimeError(
                        f"the server exited with status {self.process.returncode}: {''.join(self.stderr)[-2000:]}"
                    ) from None
                continue
            if line.startswith("RMSprop playground on http://"):
                return line.split(" on ", 1)[1].split()[0].rstrip("/")
        raise RuntimeError(f"no address line from the server within {timeout:g} s")

    def stop(self) -> int | None:
        """SIGINT, then its exit status (None: it did not exit in time and was killed)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
                return None
        time.sleep(0.1)  # let the drain threads read the last lines
        return self.process.returncode


# --------------------------------------------------------------------------- the requests


def get_json(url: str, timeout: float):
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return json.loads(response.read())


def draw_callback(dependencies: list[dict]) -> dict:
    """The server callback whose outputs include the contour figure and the message."""
    found = [
        dep
        for dep in dependencies
        if dep.get("clientside_function") is None and all(f".{output}." in dep["output"] for output in DRAW_OUTPUTS)
    ]
    if len(found) != 1:
        raise RuntimeError(f"expected one draw callback in /_dash-dependencies, found {len(found)}")
    return found[0]


def iterations_field(layout: dict, callback: dict) -> tuple[str, int]:
    """The id and maximum of the iterations field: the number input ``maxiter`` (``iterations`` before) of ``callback``."""
    found = []
    stack = [layout]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, dict):
            props = node.get("props", {})
            if node.get("type") == "Input" and props.get("type") == "number" and props.get("id") in ITERATION_IDS:
                found.append(props)
            stack.extend(props.values())
    inputs = {spec["id"] for spec in callback["inputs"]}
    fields = [props for props in found if props.get("id") in inputs]
    if len(fields) != 1 or not isinstance(fields[0].get("max"), int):
        raise RuntimeError(f"expected one number input with a maximum among the draw callback's inputs, found {fields}")
    return fields[0]["id"], fields[0]["max"]


def request_body(callback: dict, values: dict, changed: str, page: dict) -> bytes:
    """The JSON Dash's renderer posts for ``callback`` with the inputs ``values``, ``changed`` the trigger.

    ``values`` and ``changed`` name the controls by their ids, but for the iterations field, named
    ``"iterations"`` here and sent under its id ``page["iterations_id"]``.
    """
    ids = {"iterations": page["iterations_id"]}
    values = {ids.get(name, name): value for name, value in values.items()}
    changed = ids.get(changed, changed)
    output = callback["output"]
    if output.startswith(".."):  # several outputs: "..a.p...b.q.."
        outputs = [dict(zip(("id", "property"), part.rsplit(".", 1))) for part in output[2:-2].split("...")]
    else:
        outputs = dict(zip(("id", "property"), output.rsplit(".", 1)))
    inputs = []
    for spec in callback["inputs"]:
        item = {"id": spec["id"], "property": spec["property"]}
        if values[spec["id"]] is not None:  # the renderer leaves an undefined value out
            item["value"] = values[spec["id"]]
        inputs.append(item)
    body = {
        "output": output,
        "outputs": outputs,
        "inputs": inputs,
        "changedPropIds": [f"{changed}.value"],
        "parsedChangedPropsIds": [f"{changed}.value"],
    }
    if callback.get("state"):
        raise RuntimeError("the draw callback has State; this benchmark sends none")
    return json.dumps(body).encode()


def _number_text(value: float) -> str:
    return f"{value:.4g}"


def random_view(rng: random.Random) -> dict:
    """A valid view as the page's controls send it (lr and eps as the sliders' log10 values)."""
    formula = rng.random() < 0.06
    name = rng.choice(OBJECTIVES)
    domain = ((-5.0, 5.0), (-5.0, 5.0)) if formula else objectives.get(name).domain
    start = [rng.uniform(lo, hi) for lo, hi in domain]
    low, high = LR_SLIDER
    view = {
        "objective": FORMULA if formula else name,
        "formula": rng.choice(FORMULAS) if formula else "",
        "x1": _number_text(start[0]),
        "x2": _number_text(start[1]),
        "lr": round(rng.uniform(max(low, -4.0), min(high, 0.0)), 1),  # the slider's 0.1 steps
        "decay": rng.choice((0.9, 0.9, 0.99, 0.95, 0.5, round(rng.uniform(0.0, 0.999), 3))),
        "eps": float(rng.choice((-8, -8, -8, -6, -4, -12))),
        "iterations": rng.choice((50, 50, 100, 200, 300, 400, rng.randint(50, 400))),
        "flavor": OWN_RULE,
        "flags": [],
        "momentum": 0,
        "sqrt": "in",
        "baselines": [],
        "C": "3",
        "schedule": "constant",
        "rate": "0.99",
        "noise": 0.0,
        "relative": [],
        "seed": 0,
        "display": "contour",
    }
    if rng.random() < 0.1:  # issue 16: schedules, noise, the 3-D surface, an online problem
        view["schedule"] = rng.choice(("sqrt", "exp"))
    if rng.random() < 0.1:
        view.update(noise=rng.choice((0.5, 1.0, 3.0)), seed=rng.randint(0, 99), relative=rng.choice(([], ["relative"])))
    if rng.random() < 0.1:
        view["display"] = "3d"
    if rng.random() < 0.03:
        view.update(objective=rng.choice(PROBLEMS), x1=_number_text(rng.uniform(-1.0, 1.0)), x2="0")
    if rng.random() < 0.25:
        view["flavor"] = rng.choice([flavor for flavor in FLAVORS if flavor != OWN_RULE])
    flavor = view["flavor"]

    def can(setting: str) -> bool:
        return flavor == OWN_RULE or compat.accepts(flavor, setting)

    if can("momentum") and rng.random() < 0.25:
        view["momentum"] = rng.choice((0.5, 0.9, 0.9, round(rng.uniform(0.0, 0.99), 2)))
    if can("centered") and rng.random() < 0.15:
        view["flags"].append("centered")
    if can("nesterov") and view["momentum"] > 0 and rng.random() < 0.5:
        view["flags"].append("nesterov")
    if flavor == OWN_RULE and rng.random() < 0.15:
        view["sqrt"] = "out"
    if rng.random() < 0.3:
        view["baselines"] = sorted(rng.sample(BASELINES, rng.randint(1, 3)), key=BASELINES.index)
    return view


def plan(rng: random.Random, page: dict) -> tuple[dict, str, bool]:
    """One request: the control values, the control that changed, and whether the view is valid."""
    view = random_view(rng)
    if rng.random() < INVALID_SHARE:
        change = {
            name: page["max_iterations"] + 1 if value == TOO_MANY else value
            for name, value in rng.choice(INVALID).items()
        }
        view.update(change)
        return view, next(iter(change)), False
    return view, rng.choice(list(view)), True


def check(status: int, data: bytes, values: dict, valid: bool) -> str | None:
    """None if the answer is right for the view, else what is wrong."""
    if status != 200:
        return f"HTTP {status}"
    try:
        answer = json.loads(data)
    except ValueError as error:
        return f"not JSON: {error}"
    response = answer.get("response") if isinstance(answer, dict) else None
    if not isinstance(response, dict):
        return "no 'response' object"
    message = response.get("message", {}).get("children")
    if not valid:
        if set(response) != {"message"} or not isinstance(message, str) or not message:
            return f"invalid view not answered with its message alone: outputs {sorted(response)}"
        return None
    if message:
        return f"valid view refused: {message!r}"
    for component, props in VALID_OUTPUTS.items():
        for prop in (props,) if isinstance(props, str) else props:
            if prop not in response.get(component, {}):
                return f"output {component}.{prop} missing"
    figure = response["contour"]["figure"]
    if not isinstance(figure, dict) or not figure.get("data"):
        return "contour figure has no traces"
    paths = response["paths"]["data"].get("paths", [])
    if len(paths) != 1 + len(values["baselines"]):
        return f"{len(paths)} paths for {1 + len(values['baselines'])} runs"
    steps = response["frame"]["max"]
    if not isinstance(steps, int) or not 0 <= steps <= values["iterations"]:
        return f"frame.max {steps!r} for {values['iterations']} iterations"
    return None


def post(url: str, body: bytes, timeout: float) -> tuple[int, bytes]:
    request = urllib.request.Request(
        url, data=body, method="POST", headers={"Content-Type": "application/json", "Accept": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def one(url: str, callback: dict, page: dict, values: dict, changed: str, valid: bool, timeout: float) -> dict:
    """Send one view; its latency (send to last byte) and what was wrong, if anything."""
    body = request_body(callback, values, changed, page)
    start = time.perf_counter()
    try:
        status, data = post(url, body, timeout)
    except Exception as error:  # noqa: BLE001 -- a timeout, a reset connection: every failure is an error
        return {
            "seconds": time.perf_counter() - start,
            "valid": valid,
            "error": f"{type(error).__name__}: {error}",
            "view": values,
        }
    seconds = time.perf_counter() - start
    return {
        "seconds": seconds,
        "valid": valid,
        "bytes": len(data),
        "error": check(status, data, values, valid),
        "view": values,
    }


def client(
    index: int, url: str, callback: dict, page: dict, requests: int, seed: int, timeout: float, deadline: float
) -> list[dict]:
    rng = random.Random(f"{seed}-{index}")
    results = []
    for _ in range(requests):
        values, changed, valid = plan(rng, page)
        if time.monotonic() > deadline:
            results.append({"seconds": None, "valid": valid, "error": "not sent: over the time limit", "view": values})
            continue
        results.append(one(url, callback, page, values, changed, valid, timeout))
    return results


# --------------------------------------------------------------------------- report


def percentile(sorted_values: list[float], q: float) -> float:
    """The q-th percentile (0..100), linear between the closest ranks."""
    if len(sorted_values) == 1:
        return sorted_values[0]
    rank = q / 100 * (len(sorted_values) - 1)
    low = int(rank)
    high = min(low + 1, len(sorted_values) - 1)
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * (rank - low)


def machine_info() -> dict:
    return _machine.machine_info(("dash", "werkzeug", "gunicorn", "orjson", "numba"))


def default_view_draw(calls: int) -> dict:
    """The ``draw`` callback on the default view (the seed's experiment), in this process: median ms of ``calls``.

    The compute is this process's CPU time (``time.process_time``: what the callback costs, not counting
    the time other processes of a shared machine hold the CPU); the wall time is shown beside it. Also the
    JSON encoding of its outputs as Dash encodes a response (``dash._utils.to_json``), timed apart.
    """
    from dash._utils import to_json

    from rmsprop.playground import _app, _controls, _state

    values = _controls.controls_from_view(_state.DEFAULT)
    out = _app.draw(*values)  # the first call: imports and compiles, unmeasured
    if out[-1]:
        raise RuntimeError(f"the default view was refused: {out[-1]}")
    draw_ms, wall_ms, json_ms = [], [], []
    for _ in range(calls):
        start, start_cpu = time.perf_counter(), time.process_time()
        out = _app.draw(*values)
        middle, middle_cpu = time.perf_counter(), time.process_time()
        to_json({"multi": True, "response": out})
        draw_ms.append((middle_cpu - start_cpu) * 1e3)
        wall_ms.append((middle - start) * 1e3)
        json_ms.append((time.process_time() - middle_cpu) * 1e3)
    return {
        "calls": calls,
        "draw_ms": statistics.median(draw_ms),
        "draw_wall_ms": statistics.median(wall_ms),
        "json_ms": statistics.median(json_ms),
    }


def summary(results: list[dict], wall: float) -> dict:
    sent = [r for r in results if r["seconds"] is not None]
    latencies = sorted(r["seconds"] * 1e3 for r in sent)
    valid = [r["seconds"] * 1e3 for r in sent if r["valid"] and not r["error"]]
    return {
        "requests": len(results),
        "sent": len(sent),
        "invalid_views": sum(not r["valid"] for r in results),
        "errors": sum(bool(r["error"]) for r in results),
        "wall_s": wall,
        "throughput_rps": len(sent) / wall if wall > 0 else None,
        "latency_ms": {name: percentile(latencies, q) for name, q in (("p50", 50), ("p95", 95), ("p99", 99))}
        | {"max": latencies[-1], "mean": statistics.fmean(latencies)}
        if latencies
        else {},
        "valid_latency_ms_p50": statistics.median(valid) if valid else None,
        "mean_response_kb": statistics.fmean(r["bytes"] for r in sent if "bytes" in r) / 1e3
        if any("bytes" in r for r in sent)
        else None,
    }


def verdict(value: float | None, target: float) -> str:
    return "-" if value is None else "met" if value <= target else "MISSED"


def targets(numbers: dict, draw: dict | None) -> dict:
    """Each target of issue 14: the value, the target and whether it was met."""
    latency = numbers["latency_ms"]
    found = {
        "errors": (numbers["errors"], 0),
        "p50_ms": (latency.get("p50"), TARGET_P50_MS),
        "p99_ms": (latency.get("p99"), TARGET_P99_MS),
        "default_view_draw_ms": (draw["draw_ms"] if draw else None, TARGET_DRAW_MS),
    }
    return {name: {"value": v, "target": t, "met": v is not None and v <= t} for name, (v, t) in found.items()}


def print_table(
    args: argparse.Namespace,
    kind: str,
    numbers: dict,
    first: dict,
    load: dict,
    machine: dict,
    cpu: dict,
    draw: dict | None,
) -> None:
    latency = numbers["latency_ms"]
    p50, p99 = latency.get("p50", float("nan")), latency.get("p99", float("nan"))
    rows = [
        (
            "server",
            f"{kind} (rmsprop playground --workers {args.workers or 'default'})"
            + ("; empty Numba cache" if args.cold_cache else ""),
        ),
        ("clients", f"{args.clients}"),
        ("requests", f"{numbers['requests']} ({args.requests} per client; {numbers['invalid_views']} invalid views)"),
        ("errors", f"{numbers['errors']}   target 0: {verdict(numbers['errors'], 0)}"),
        ("wall time", f"{numbers['wall_s']:.1f} s"),
        ("throughput", f"{numbers['throughput_rps']:.1f} req/s"),
        ("latency p50", f"{p50:.0f} ms   target <= {TARGET_P50_MS:.0f} ms: {verdict(p50, TARGET_P50_MS)}"),
        ("latency p95", f"{latency.get('p95', float('nan')):.0f} ms"),
        ("latency p99", f"{p99:.0f} ms   target <= {TARGET_P99_MS:.0f} ms: {verdict(p99, TARGET_P99_MS)}"),
        ("latency max", f"{latency.get('max', float('nan')):.0f} ms"),
        ("mean response", f"{numbers['mean_response_kb']:.0f} kB" if numbers["mean_response_kb"] else "-"),
        ("first requests", f"valid {first['valid_ms']:.0f} ms, invalid {first['invalid_ms']:.0f} ms (unmeasured)"),
        (
            "default view",
            f"draw {draw['draw_ms']:.1f} ms CPU   target <= {TARGET_DRAW_MS:.0f} ms: "
            f"{verdict(draw['draw_ms'], TARGET_DRAW_MS)}   (wall {draw['draw_wall_ms']:.1f} ms; "
            f"+ JSON {draw['json_ms']:.1f} ms CPU; in this process, median of {draw['calls']}, after the loaded phase)"
            if draw
            else "-",
        ),
        (
            "load average",
            f"before {' '.join(f'{v:.2f}' for v in load['before'])}; "
            f"after {' '.join(f'{v:.2f}' for v in load['after'])} (1, 5, 15 min)",
        ),
        ("CPUs", f"{machine['cpu_count']} ({machine['cpus_usable']} usable; server and clients share them)"),
        (
            "CPU time",
            f"server {cpu['server_s']:.1f} s, this process (clients) {cpu['benchmark_s']:.1f} s "
            "(whole run, start-up included)",
        ),
    ]
    width = max(len(name) for name, _ in rows)
    print(f"{'':-<{width + 40}}")
    for name, value in rows:
        print(f"{name:<{width}}  {value}")
    print(f"{'':-<{width + 40}}")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50, help="concurrent clients (threads)")
    parser.add_argument("--requests", type=int, default=20, help="requests per client")
    parser.add_argument(
        "--workers", type=int, default=None, help="the server's worker processes (default: its own, one per CPU)"
    )
    parser.add_argument("--port", type=int, default=0, help="the server's port on 127.0.0.1 (0: any free one)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the views")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds one request may take")
    parser.add_argument("--time-limit", type=float, default=600.0, help="seconds for the whole loaded phase")
    parser.add_argument(
        "--warm",
        action="store_true",
        help="first draw every catalogue objective and a formula, one at a time (lazy imports done)",
    )
    parser.add_argument(
        "--cold-cache",
        action="store_true",
        help="the server with an empty Numba cache (NUMBA_CACHE_DIR, a fresh temporary folder), as after a fresh install",
    )
    parser.add_argument(
        "--draw-calls", type=int, default=50, help="calls of draw on the default view, in this process (0: none)"
    )
    parser.add_argument("--json", default=None, help="also write the numbers here")
    args = parser.parse_args()
    if not 1 <= args.clients <= 500:
        parser.error("--clients must be between 1 and 500")
    if not 1 <= args.requests <= 1000:
        parser.error("--requests must be between 1 and 1000")
    if not 0 <= args.port <= 65535:
        parser.error("--port must be between 0 and 65535")
    if args.workers is not None and args.workers < 1:
        parser.error("--workers must be at least 1")
    if not 0 <= args.draw_calls <= 10000:
        parser.error("--draw-calls must be between 0 and 10000")
    return args


def main() -> int:
    args = parse_args()
    machine = machine_info()
    load = {"before": os.getloadavg()}
    cache = tempfile.TemporaryDirectory(prefix="rmsprop-numba-") if args.cold_cache else None
    server = Server(args.port, args.workers, None if cache is None else cache.name)
    problems: list[str] = []
    results: list[dict] = []
    workers = args.workers or default_workers()  # the server's default: the same function, on the same machine
    kind = f"gunicorn, {workers} worker processes" if workers > 1 else "Werkzeug, one process"
    first: dict = {}
    wall = 0.0
    try:
        base = server.wait_for_address(START_TIMEOUT_S)
        print(f"server: {base}/ (pid {server.process.pid})")
        callback = draw_callback(get_json(f"{base}/_dash-dependencies", args.timeout))
        iterations_id, max_iterations = iterations_field(get_json(f"{base}/_dash-layout", args.timeout), callback)
        page = {"iterations_id": iterations_id, "max_iterations": max_iterations}
        url = f"{base}/_dash-update-component"

        # One valid and one invalid view first: the body is right, and what any view needs is loaded.
        probe = random.Random(f"{args.seed}-probe")
        values = random_view(probe)
        values.update(objective="rosenbrock", x1="-1.5", x2="2", iterations=200, baselines=["adam"])
        checked = one(url, callback, page, values, "lr", True, args.timeout)
        first["valid_ms"] = checked["seconds"] * 1e3
        if checked["error"]:
            raise RuntimeError(f"the first, valid request failed: {checked['error']}")
        bad = dict(values, x1="abc")
        checked = one(url, callback, page, bad, "x1", False, args.timeout)
        first["invalid_ms"] = checked["seconds"] * 1e3
        if checked["error"]:
            raise RuntimeError(f"the first, invalid request failed: {checked['error']}")
        print("checked: one valid and one invalid view answered as the page expects")
        if args.warm:
            warm_start = time.perf_counter()
            for name in (*OBJECTIVES, FORMULA):
                view = dict(
                    values,
                    objective=name,
                    formula=FORMULAS[0] if name == FORMULA else "",
                    x1="0.5",
                    x2="0.5",
                    iterations=50,
                    baselines=[],
                )
                checked = one(url, callback, page, view, "objective", True, args.timeout)
                if checked["error"]:
                    raise RuntimeError(f"warm-up view {name!r} failed: {checked['error']}")
            first["warm_up_s"] = time.perf_counter() - warm_start
            print(f"warmed up: {len(OBJECTIVES) + 1} views, one at a time, in {first['warm_up_s']:.1f} s")

        print(f"{args.clients} clients x {args.requests} requests ...", flush=True)
        start = time.perf_counter()
        deadline = time.monotonic() + args.time_limit
        with concurrent.futures.ThreadPoolExecutor(max_workers=args.clients) as pool:
            futures = [
                pool.submit(client, index, url, callback, page, args.requests, args.seed, args.timeout, deadline)
                for index in range(args.clients)
            ]
            for future in futures:
                results.extend(future.result())
        wall = time.perf_counter() - start
    except Exception as error:  # noqa: BLE001 -- reported, and the server still stopped
        problems.append(f"{type(error).__name__}: {error}")
    finally:
        status = server.stop()
        if cache is not None:
            cache.cleanup()
    load["after"] = os.getloadavg()
    own, server_cpu = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = {"benchmark_s": own.ru_utime + own.ru_stime, "server_s": server_cpu.ru_utime + server_cpu.ru_stime}
    if status != 0:
        problems.append(f"the server's exit status after SIGINT was {status}, not 0")
    if not any(line.strip() == "Stopped." for line in server.stdout):
        problems.append("the server did not print 'Stopped.'")
    tracebacks = sum(line.startswith("Traceback") for line in server.stderr)
    if tracebacks:
        problems.append(f"{tracebacks} traceback(s) in the server's stderr")
    draw = None
    if args.draw_calls:
        print(f"the default view's draw in this process, {args.draw_calls} calls ...", flush=True)
        draw = default_view_draw(args.draw_calls)

    numbers = summary(results, wall) if results else None
    failed = [r for r in results if r["error"]]
    kinds: dict[str, int] = {}
    for r in failed:
        kinds[r["error"]] = kinds.get(r["error"], 0) + 1
    if numbers:
        print_table(args, kind, numbers, first, load, machine, cpu, draw)
        for error, count in sorted(kinds.items(), key=lambda item: -item[1])[:10]:
            example = next(r["view"] for r in failed if r["error"] == error)
            print(f"error x{count}: {error}\n    e.g. view {json.dumps(example)}")
        slowest = sorted((r for r in results if r["seconds"] is not None), key=lambda r: -r["seconds"])[:3]
        print("slowest requests:")
        for r in slowest:
            print(f"  {r['seconds'] * 1e3:.0f} ms: {json.dumps(r['view'])}")
    for problem in problems:
        print(f"error: {problem}")
    if server.stderr:
        print("server stderr (last lines):")
        for line in server.stderr[-20:]:
            print(f"  {line.rstrip()}")
    ok = not problems and numbers is not None and numbers["errors"] == 0
    print(f"server stopped with status {status}; {'ok' if ok else 'FAILED'}")

    if args.json:
        with open(args.json, "w") as stream:
            json.dump(
                {
                    "machine": machine,
                    "load_average": load,
                    "settings": vars(args),
                    "server": kind,
                    "first_requests_ms": first,
                    "cpu_seconds": cpu,
                    "results": numbers,
                    "default_view": draw,
                    "targets": targets(numbers, draw) if numbers else None,
                    "error_kinds": kinds,
                    "problems": problems,
                    "server_exit_status": status,
                    "ok": ok,
                },
                stream,
                indent=2,
            )
        print(f"Wrote {args.json}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
