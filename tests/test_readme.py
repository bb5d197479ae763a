"""The README's examples run as written, from a clean copy of the checkout.

Every fenced block that can be run (```bash and ```python blocks, and transcripts: plain blocks
whose lines start with ``$ ``) must be named in ``CASES`` below, or the test fails: a new
example is either run or explicitly skipped with its reason. Each case runs the block's own
text (so a broken example fails here), in a temporary copy of the tracked files (``git
ls-files``, as they are in the working tree), with this environment's ``allocator`` and
``python`` on ``PATH`` and the copy first on ``PYTHONPATH``. Shell commands must exit as
expected (0 unless said), and every key figure of a case must appear both in what the run
printed and in the output the README shows for it, so the README's samples stay true; figures
are matched as words, never as table layout.

The service's blocks run against ``allocator serve`` started with the README's own command on a
free port (``localhost:8000`` in the README becomes that port), with its database in the copy;
they share one shell state (``TOKEN``, ``SID``, ``field``), as in the README.

Slow cases (each over about 30 s) are marked ``slow`` and deselected by default; run them with
``pytest -m slow tests/test_readme.py``. ``pip install`` and the virtual environment lines of
the install commands are not re-run.
"""

from __future__ import annotations

import ast
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from .conftest import ROOT

README = ROOT / "README.md"
BIN = Path(sys.executable).parent
# The README's service examples talk to this address; the tests swap in a free port.
README_ADDRESS = "localhost:8000"
# Long enough for the slowest case (a 1,000-draw Monte Carlo takes about 3 minutes on 2 cores).
TIMEOUT_S = 900


@dataclass(frozen=True)
class Block:
    """A runnable fenced block of the README."""

    kind: str  # "bash", "python" or "transcript"
    text: str
    line: int
    shown: str  # what the README shows as its output: the transcript, or the text after it

    @property
    def commands(self) -> list[str]:
        """Shell commands, continuation lines joined; a transcript's output lines left out."""
        commands: list[str] = []
        continuing = False
        for raw in self.text.splitlines():
            if continuing:
                commands[-1] += "\n" + raw
            elif self.kind == "transcript" and raw.startswith("$ "):
                commands.append(raw[2:])
            elif self.kind == "bash" and raw.strip():
                commands.append(raw)
            else:
                continue
            continuing = raw.endswith("\\")
        return commands


def readme_blocks(text: str) -> list[Block]:
    """Every runnable block of ``text``, each with the README text up to the next one."""
    found: list[tuple[str, str, int, int, int]] = []  # kind, body, line, start, end
    for match in re.finditer(r"^```(\w*)\n(.*?)^```$", text, re.S | re.M):
        lang, body = match.group(1), match.group(2)
        line = text.count("\n", 0, match.start()) + 1
        if lang in ("bash", "python"):
            found.append((lang, body, line, match.start(), match.end()))
        elif not lang and body.startswith("$ "):
            found.append(("transcript", body, line, match.start(), match.end()))
    blocks = []
    for n, (kind, body, line, _, end) in enumerate(found):
        following = text[end:found[n + 1][3] if n + 1 < len(found) else len(text)]
        blocks.append(Block(kind, body, line, body if kind == "transcript" else following))
    return blocks


@dataclass(frozen=True)
class Case:
    """How one README block is run and what it must print."""

    name: str
    marker: str
    """Text only this block contains."""
    keys: tuple[str, ...] = ()
    """Figures and words the run must print and the README must show after the block."""
    prints: tuple[str, ...] = ()
    """Words the run must print where the README shows no output for the block."""
    exits: dict[str, int] = field(default_factory=dict)
    """Expected exit code of the commands starting with each text (default 0)."""
    skip: dict[str, str] = field(default_factory=dict)
    """Commands starting with each text that are not run, and why."""
    files: tuple[str, ...] = ()
    """Paths the block must have written, relative to the copy."""
    service: bool = False
    slow: bool = False


CASES = [
    # Installing is not re-run: only the allocator command after the pip line is.
    Case("install and solve", "pip install -e . && allocator solve datasets/un_2025",
         prints=("optimal", "plan verified")),
    Case("the command line", "allocator validate datasets/un_2025",
         files=("plan.xlsx", "plan/assignments.csv", "why.csv", "examples/un_2025.xlsx")),
    Case("a scenario with mistakes", "$ allocator validate examples/bad",
         keys=("2 problem(s); nothing was loaded", "unit_pledges.csv, row 2, column "
               "'personnel_per_unit'", "unknown mission 'M9'; expected one of M1"),
         exits={"allocator validate examples/bad": 2}),
    Case("the service: token, upload, solve, download", "ADMIN=$(allocator token create",
         keys=('"result_status":"optimal"', '"weighted_shortfall":98.0',
               '"soft_goal_slack":1653.4', '"cost_usd":1308483624.0', '"warnings":[]',
               "UN-peacekeeping-force-generation-2025-26-synthetic-public-figures-"),
         service=True),
    Case("the service refuses a bad file", "-F file=@README.md",
         keys=('"error":"scenario_invalid"', "cannot read a .md"), service=True),
    Case("the service's quick solve", "localhost:8000/v1/solve",
         keys=("infeasible", "let R1 be 1 unit(s) short"), service=True),
    Case("the service's N-1 sweep and a bad what-if", "/sweeps/n-1 | field id",
         keys=("USA-E02,equipment,USA,2.0,True,optimal,106,8,296,-2",
               "ARG-U02,unit,ARG,1.0,True,optimal,106,8,297,-1",
               "unknown state 'BDG'; did you mean 'BGD'?"), service=True, slow=True),
    Case("the library", "result.export(\"plan.xlsx\")",
         prints=("optimal", "'weighted_shortfall': 98"),
         keys=("UNFICYP", "22920000.0", "USA-F06"),
         files=("plan.xlsx",)),
    Case("what if, in Python", "\"minusca_half\": [{\"scale_budgets\"",
         keys=("no_bangladesh", "minusca_half", "114", "220", "1308483624.0", "BGD-U18"),
         slow=True),
    Case("re-planning from a deployment", "Deployment.from_plan(\n    result",
         keys=("optimal", "'units_changed': 4", "'weighted_shortfall': 98"), slow=True),
    Case("what if, on the command line", "allocator whatif datasets/un_2025 examples/",
         files=("deltas.csv",), slow=True),
    Case("the sweeps", "allocator sweep n-1 datasets/un_2025",
         files=("n1.csv", "tornado.png", "draws.csv", "coverage.png",
                "coverage-by-mission.png"),
         skip={"allocator sweep monte-carlo datasets/un_2025 --dask":
               "needs a Dask scheduler (tests/sweeps checks a LocalCluster)"},
         slow=True),
    Case("the budget sweep", "$ allocator sweep budget examples/tight_budgets",
         keys=("51.4%", "74.3%", "18/35", "26/35", "144", "48", "chart saved to budget.png")),
    Case("a what-if session for a notebook", "critical = n_minus_1(base, workers=2)",
         keys=("USA-E02", "PAK-U16", "no ARG-U02, no PAK-U16", "MINURSO", "full_share"),
         files=("docs/coverage-distribution.png",), slow=True),
    Case("why is this line short", "why.pledges.reason.value_counts()",
         keys=("MINUSCA-R09", "excluded_by_rule", "language", "used_elsewhere", "readiness",
               "CHN-U13", "demand_met", "not_needed")),
    Case("why is there no plan", "$ allocator solve examples/deadline.json",
         keys=("infeasible", "M1 R1 is mandatory: 2 x UTIL_HELO",
               "ruled out by deadline (P2)", "let R1 be 1 unit(s) short"),
         exits={"allocator solve examples/deadline.json": 1}),
    Case("measured on un_2025", "$ allocator solve datasets/un_2025\n",
         keys=("optimal with auto", "weighted shortfall 98", "1,653.4",
               "US$1,308,483,624", "plan verified", "298 of 310 units filled", "MINUSCA-R09",
               "L2_HOSP")),
    Case("benchmarks", "allocator bench                                   #",
         files=("bench-results/bench-smoke.csv",),
         skip={"allocator bench --suite gap": "needs the public GAP files of "
               "../shared/benchmarks, which are never copied into the repository",
               "allocator bench --suite all": "16 minutes on 2 cores"}),
]

SKIPPED = {
    "ruff check . && lint-imports && pytest -q": "CI's own command: it runs this test",
    "allocator serve --host 127.0.0.1 --port 8000": "runs until stopped: the service fixture "
    "starts it with this command, on a free port, in the background",
}


def _case_of(block: Block) -> Case | str:
    cases = [c for c in CASES if c.marker in block.text]
    skipped = [reason for marker, reason in SKIPPED.items() if marker in block.text]
    assert len(cases) + len(skipped) == 1, (
        f"README line {block.line}: a runnable block must match exactly one case or skip "
        f"reason in tests/test_readme.py, not {[c.name for c in cases] + skipped}")
    return cases[0] if cases else skipped[0]


BLOCKS = readme_blocks(README.read_text(encoding="utf-8"))


def test_every_runnable_block_is_run_or_skipped_with_a_reason() -> None:
    matched = [_case_of(block) for block in BLOCKS]
    names = [m.name for m in matched if isinstance(m, Case)]
    assert sorted(names) == sorted(c.name for c in CASES), "a case matches no README block"
    assert sorted(m for m in matched if isinstance(m, str)) == sorted(SKIPPED.values())


def test_a_broken_example_fails(checkout: Path) -> None:
    """The runner is not lenient: a README command with a typo fails, and a missing figure too."""
    block = Block("bash", "allocator validate examples/bda\n", 1, "")
    with pytest.raises(AssertionError, match="exited 2, expected 0"):
        _run_shell(block, Case("typo", "x"), checkout, {})
    block = Block("transcript", "$ allocator validate examples/bad\n2 problem(s)\n", 1, "")
    with pytest.raises(AssertionError, match="'3 problem"):
        output = _run_shell(block, Case("x", "x", exits={"allocator": 2}), checkout, {})
        _check_keys(Case("x", "x", keys=("3 problem(s)",)), block, output)


# ----- the clean copy and the service ---------------------------------------------------------
@pytest.fixture(scope="module")
def checkout(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tracked files, copied as they are in the working tree; nothing generated."""
    copy = tmp_path_factory.mktemp("checkout")
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True,
                            check=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():  # a tracked file deleted in the working tree is left out
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, copy / name)
    return copy


def _environment(copy: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONPATH"] = str(copy)
    env.pop("DATABASE_URL", None)  # the README's default: allocator-service.db in the copy
    env["COLUMNS"] = "80"
    return env


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def service(checkout: Path) -> Iterator[dict[str, str]]:
    """``allocator serve`` as the README starts it, on a free port; the shell state file."""
    block = next(b for b in BLOCKS if "allocator serve --host 127.0.0.1 --port 8000" in b.text)
    port = _free_port()
    command = block.commands[0].replace("--port 8000", f"--port {port}")
    log = open(checkout / "serve.log", "w")  # noqa: SIM115 (closed after the server)
    server = subprocess.Popen(command, shell=True, executable="/bin/bash", cwd=checkout,
                              env=_environment(checkout), stdout=log, stderr=subprocess.STDOUT,
                              start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                    break
            except OSError:
                assert server.poll() is None, (checkout / "serve.log").read_text()
                assert time.monotonic() < deadline, "the service did not start in 60 s"
                time.sleep(0.3)
        yield {"port": str(port), "state": str(checkout / "service-state.sh")}
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=30)
        log.close()


@pytest.fixture(scope="module")
def service_flow(checkout: Path, service: dict[str, str]) -> str:
    """The first service block (tokens, upload, solve): it sets the shell state the others
    use, so it runs once, before them."""
    case = next(c for c in CASES if c.name.startswith("the service: token"))
    block = next(b for b in BLOCKS if case.marker in b.text)
    return _run_shell(block, case, checkout, service, save_state=True)


# ----- running a block ----------------------------------------------------------------------
def _run_shell(block: Block, case: Case, copy: Path, service: dict[str, str],
               save_state: bool = False) -> str:
    """Run the block's commands in one bash, each checked for its exit code; the output."""
    lines = ["set -o pipefail",
             '__check() { if [ "$2" != "$1" ]; then echo "README command $3 exited $2, '
             'expected $1" >&2; exit 99; fi; }']
    if service and not save_state:
        lines.append(f"source {service['state']}")
    for n, command in enumerate(block.commands, start=1):
        if any(command.startswith(prefix) for prefix in case.skip):
            continue
        # The install line: only what follows the virtual environment and pip is run.
        parts = [p for p in command.split(" && ") if not p.startswith(
            ("python3 -m venv", ". .venv/bin/activate", "pip install"))]
        if not parts:
            continue
        command = " && ".join(parts)
        if service:
            command = command.replace(README_ADDRESS, f"localhost:{service['port']}")
        expected = next((code for prefix, code in case.exits.items()
                         if command.startswith(prefix)), 0)
        lines += [command, f"__check {expected} $? {n}"]
    if save_state:
        lines.append(f"declare -p TOKEN SID JOB > {service['state']}; "
                     f"declare -f field >> {service['state']}")
    done = subprocess.run(["bash", "-c", "\n".join(lines)], cwd=copy, env=_environment(copy),
                          capture_output=True, text=True, timeout=TIMEOUT_S)
    output = done.stdout + done.stderr
    assert done.returncode == 0, f"README line {block.line} ({case.name}):\n{output}"
    return output


NOTEBOOK = '''
import ast, sys
source = open(sys.argv[1], encoding="utf-8").read()
scope = {"__name__": "__main__"}
for node in ast.parse(source).body:
    if isinstance(node, ast.Expr):  # shown, as a notebook cell's last line would be
        value = eval(compile(ast.Expression(node.value), "README", "eval"), scope)
        if value is not None:
            print(value.to_string() if hasattr(value, "to_string") else repr(value))
    else:
        exec(compile(ast.Module([node], []), "README", "exec"), scope)
'''


def _run_python(block: Block, case: Case, copy: Path) -> str:
    """Run a Python block statement by statement, showing bare expressions like a notebook."""
    ast.parse(block.text)  # a syntax error is reported here, with the README's text
    (copy / "readme_block.py").write_text(block.text, encoding="utf-8")
    (copy / "readme_notebook.py").write_text(NOTEBOOK, encoding="utf-8")
    done = subprocess.run([sys.executable, "readme_notebook.py", "readme_block.py"], cwd=copy,
                          env=_environment(copy), capture_output=True, text=True,
                          timeout=TIMEOUT_S)
    output = done.stdout + done.stderr
    assert done.returncode == 0, f"README line {block.line} ({case.name}):\n{output}"
    return output


def _words(text: str) -> str:
    """Whitespace collapsed, so a figure is found whatever the table's column widths."""
    return " ".join(text.split())


def _check_keys(case: Case, block: Block, output: str) -> None:
    for key in case.prints:
        assert _words(key) in _words(output), f"{case.name}: the run did not print {key!r}"
    for key in case.keys:
        assert _words(key) in _words(output), f"{case.name}: the run did not print {key!r}"
        assert _words(key) in _words(block.shown), (
            f"{case.name}: the README does not show {key!r} (README line {block.line})")


@pytest.mark.parametrize("case", [
    pytest.param(c, id=c.name.replace(" ", "-"), marks=[pytest.mark.slow] if c.slow else [])
    for c in CASES])
def test_readme_example(case: Case, checkout: Path, request: pytest.FixtureRequest) -> None:
    block = next(b for b in BLOCKS if case.marker in b.text)
    if case.service:
        flow = request.getfixturevalue("service_flow")
        service = request.getfixturevalue("service")
        output = flow if case.name.startswith("the service: token") else _run_shell(
            block, case, checkout, service)
    elif block.kind == "python":
        output = _run_python(block, case, checkout)
    else:
        output = _run_shell(block, case, checkout, {})
    dump = os.environ.get("README_DUMP")
    if dump:  # for regenerating the README's samples: what each case printed
        Path(dump).mkdir(parents=True, exist_ok=True)
        (Path(dump) / f"{case.name}.txt").write_text(output, encoding="utf-8")
    _check_keys(case, block, output)
    for name in case.files:
        assert (checkout / name).exists(), f"{case.name}: {name} was not written"
