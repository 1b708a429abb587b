"""The README's Python examples run as written and print what they say they print."""

import contextlib
import io
import pathlib
import re

import pytest

README = pathlib.Path(__file__).resolve().parents[1] / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)


def test_readme_has_examples():
    assert len(BLOCKS) >= 3


@pytest.mark.parametrize("index", range(len(BLOCKS)))
def test_readme_example_runs_and_prints_what_it_claims(index):
    code = BLOCKS[index]
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        exec(compile(code, f"README block {index}", "exec"), {})
    claimed = [
        line.split("# ", 1)[1].strip() for line in code.splitlines() if line.startswith("print(") and "# " in line
    ]
    printed = [line.strip() for line in output.getvalue().splitlines()]
    for claim, line in zip(claimed, printed):
        assert " ".join(line.split()) == " ".join(claim.split())
