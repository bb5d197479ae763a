"""Fuzz the scenario readers, the solve and the upload route with mutated scenarios.

    python scripts/fuzz.py --cases 10000 --seed 1 --processes 2 --report fuzz.json
    python scripts/fuzz.py --cases 0 --service 2000 --processes 2

Case ``i`` of a seed is always the same file (``allocator.bench.fuzz_mutations.make_case``):
a shipped scenario (the small and medium families, un_2025 as CSV and as the example
workbook, the tests' small document) with one thing changed, written as a CSV folder, a zip,
a workbook, a JSON or a YAML document. Each case runs in a worker process under a timeout
(``--timeout``, a ``hang`` when hit): read, and if it loads solve (``--time-limit`` seconds)
and verify. The table printed counts outcomes by container and defects by kind, each with its
smallest input (``--examples DIR`` writes those inputs there).

``--service N`` uploads the first N cases (a folder as its zip) to ``POST /v1/scenarios`` of an
in-process app on a fresh SQLite file, one app per worker, and counts answers by status code;
any 5xx, or a body that is not JSON, is a defect. Latencies are the route's own, in process.
"""

from __future__ import annotations

import argparse
import functools
import json
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script from the repository root
    sys.path.insert(0, str(ROOT))

from allocator.bench.fuzz import (  # noqa: E402
    Tally,
    exception_kind,
    library_handler,
    regenerate,
    remove,
    run_pool,
)
from allocator.bench.fuzz_mutations import Mutation, make_case  # noqa: E402


def service_handler(seed: int, root: str, workdir: str) -> Callable[[int], dict[str, Any]]:
    """A worker's per-case function for ``--service``: its own app, database and token."""
    import zipfile

    from fastapi.testclient import TestClient

    from api.auth import Role, create_token
    from api.main import create_app
    from api.settings import Settings

    Path(workdir).mkdir(parents=True, exist_ok=True)
    database = Path(tempfile.mkdtemp(prefix="fuzz-service-", dir=workdir)) / "s.db"
    app = create_app(Settings(database_url=f"sqlite:///{database}", workers=1,
                                log_level="ERROR"))
    # raise_server_exceptions=False: a crash must come back as the 500 a client would see.
    client = TestClient(app, raise_server_exceptions=False)
    client.__enter__()  # runs the app's startup; the worker process lives as long as the app
    with app.state.db.session() as session:
        _, secret = create_token(session, name="fuzz", role=Role.planner, workspace="fuzz")
    headers = {"Authorization": f"Bearer {secret}"}

    def handle(index: int) -> dict[str, Any]:
        case = make_case(seed, index, workdir, root)
        path = case.path
        if path.is_dir():  # a folder cannot be uploaded: its zip is what a planner sends
            zipped = path.with_suffix(".zip")
            with zipfile.ZipFile(zipped, "w", zipfile.ZIP_DEFLATED) as archive:
                for file in sorted(path.iterdir()):
                    archive.write(file, file.name)
            remove(path)
            path = zipped
        data = path.read_bytes()
        started = time.perf_counter()
        try:
            response = client.post("/v1/scenarios", headers=headers,
                                   files={"file": (path.name, data, "application/octet-stream")})
        except Exception as err:  # the client itself failed: the connection, in a real one
            kind, tail = exception_kind(err)
            remove(path)
            return {"index": index, "mutation": case.mutation.to_dict(), "size": len(data),
                    "result": "defect", "defects": [f"client error: {kind}"], "detail": tail,
                    "seconds": time.perf_counter() - started, "status_code": None}
        seconds = time.perf_counter() - started
        defects = []
        try:
            body = response.json()
            is_json = isinstance(body, dict)
        except ValueError:
            is_json = False
        code = response.status_code
        if code >= 500:
            defects.append(f"HTTP {code}{'' if is_json else ' with a non-JSON body'}"
                           f" ({_library_error(path)})")
        elif not is_json:
            defects.append(f"HTTP {code} with a non-JSON body")
        if code == 422 and is_json and any(len(str(p.get("message", ""))) > 500
                                           for p in body.get("problems") or []):
            defects.append("HTTP 422 message too long")
        remove(path)
        return {"index": index, "mutation": case.mutation.to_dict(), "size": len(data),
                "result": "defect" if defects else str(code), "defects": defects,
                "detail": response.text[:1000] if defects else "", "seconds": seconds,
                "status_code": code}

    return handle


def _library_error(path: Path) -> str:
    """What the library raises for an input the service answered with a 5xx."""
    from allocator import ScenarioError, read_scenario

    try:
        read_scenario(path)
    except ScenarioError:
        return "the library rejects it cleanly"
    except Exception as err:  # the crash behind the 500, to name it
        return exception_kind(err)[0]
    return "the library reads it"


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def _progress(done: int, total: int, started: float, label: str) -> None:
    if done % 500 == 0 or done == total:
        print(f"  {label}: {done}/{total} cases, {time.monotonic() - started:.0f} s",
              file=sys.stderr, flush=True)


def run_library(args: argparse.Namespace, workdir: str) -> tuple[Tally, list[dict[str, Any]]]:
    """Run the library cases; return the tally and every record."""
    tally = Tally()
    records: list[dict[str, Any]] = []
    started = time.monotonic()

    def on_result(record: dict[str, Any]) -> None:
        if "mutation" not in record:  # a hang or a dead worker: say which case it was
            record["mutation"] = _mutation_of(args.seed, record["index"], workdir)
            record.setdefault("size", 0)
        tally.add(record)
        records.append(record)
        _stream(args, "library", record)
        _progress(len(records), args.cases, started, "library")

    handler = functools.partial(library_handler, args.seed, str(ROOT), f"{workdir}/lib",
                                args.time_limit)
    run_pool(range(args.first, args.first + args.cases), handler, on_result,
             processes=args.processes, timeout=args.timeout)
    return tally, records


def run_service(args: argparse.Namespace, workdir: str) -> tuple[Tally, list[dict[str, Any]]]:
    """Upload the service cases; return the tally (by status code) and every record."""
    tally = Tally()
    records: list[dict[str, Any]] = []
    started = time.monotonic()

    def on_result(record: dict[str, Any]) -> None:
        if "mutation" not in record:
            record["mutation"] = _mutation_of(args.seed, record["index"], workdir)
            record.setdefault("size", 0)
        tally.add(record)
        records.append(record)
        _stream(args, "service", record)
        _progress(len(records), args.service, started, "service")

    handler = functools.partial(service_handler, args.seed, str(ROOT), f"{workdir}/svc")
    run_pool(range(args.first, args.first + args.service), handler, on_result,
             processes=args.processes, timeout=args.timeout)
    return tally, records


def _stream(args: argparse.Namespace, part: str, record: dict[str, Any]) -> None:
    """Append a record to ``<report>.jsonl`` as it comes, so a run cut short keeps its cases."""
    if args.report:
        with args.report.with_suffix(".jsonl").open("a", encoding="utf-8") as out:
            out.write(json.dumps({"part": part, **record}, default=str) + "\n")


def _mutation_of(seed: int, index: int, workdir: str) -> dict[str, Any]:
    case = make_case(seed, index, f"{workdir}/again", ROOT)
    remove(case.path)
    return case.mutation.to_dict()


def service_table(records: list[dict[str, Any]]) -> str:
    """Answers by status code, then p50/p99/max latency."""
    codes = Counter(str(r.get("status_code") or r["result"]) for r in records)
    lines = ["status  answers"]
    lines += [f"{code:<8}{count:>7}" for code, count in sorted(codes.items())]
    seconds = sorted(float(r.get("seconds") or 0.0) for r in records
                     if r.get("status_code") is not None)
    if seconds:
        lines.append(f"latency p50 {_percentile(seconds, 50):.3f} s, "
                     f"p99 {_percentile(seconds, 99):.3f} s, max {seconds[-1]:.3f} s")
    return "\n".join(lines)


def keep_examples(seed: int, tally: Tally, folder: Path) -> dict[str, str]:
    """Write the smallest input of each defect kind into ``folder``; kind -> path."""
    kept: dict[str, str] = {}
    for kind, record in tally.examples.items():
        path = regenerate(seed, record["index"], ROOT, folder)
        kept[kind] = str(path)
    return kept


def markdown(args: argparse.Namespace, parts: list[tuple[str, Tally, str, dict[str, str]]]
             ) -> str:
    """The findings as Markdown: the tables, then each defect kind with its example."""
    out = [f"# Fuzz findings, {time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime())}", "",
           f"Command: `python scripts/fuzz.py {' '.join(sys.argv[1:])}` (code under "
           f"`{ROOT.name}`)", ""]
    for title, tally, table, kept in parts:
        out += [f"## {title}", "", "```", table, "", tally.defect_table(), "```", ""]
        for kind, count in tally.defects.most_common():
            record = tally.examples[kind]
            mutation = Mutation(**record["mutation"]).describe() if record.get(
                "mutation") else "?"
            out += [f"### {kind} ({count})", "",
                    f"- case {record['index']} (seed {args.seed}): {mutation}",
                    f"- input: `{kept.get(kind, '?')}` ({record.get('size', 0):,} bytes)",
                    "", "```", str(record.get("detail", "")).strip()[-1500:], "```", ""]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    """Parse the arguments, run the cases, print the tables and write the reports."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=1000, help="library cases (default 1000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--first", type=int, default=0, help="index of the first case")
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=60.0,
                        help="seconds a case may take before it counts as a hang")
    parser.add_argument("--time-limit", type=float, default=2.0,
                        help="solver time limit per case, seconds")
    parser.add_argument("--service", type=int, default=0, metavar="N",
                        help="also upload N cases to POST /v1/scenarios")
    parser.add_argument("--report", type=Path, help="write every case's record as JSON here")
    parser.add_argument("--examples", type=Path,
                        help="write the smallest input of each defect kind here")
    parser.add_argument("--markdown", type=Path, help="write the findings as Markdown here")
    args = parser.parse_args(argv)
    started = time.monotonic()
    report: dict[str, Any] = {"seed": args.seed, "first": args.first}
    parts: list[tuple[str, Tally, str, dict[str, str]]] = []
    with tempfile.TemporaryDirectory(prefix="fuzz-") as workdir:
        if args.cases:
            tally, records = run_library(args, workdir)
            table = tally.table()
            print(f"library: {args.cases} cases, seed {args.seed}, "
                  f"{time.monotonic() - started:.0f} s")
            print(table)
            print()
            print(tally.defect_table())
            kept = keep_examples(args.seed, tally, args.examples / "library") \
                if args.examples else {}
            parts.append((f"Library, {args.cases} cases", tally, table, kept))
            report["library"] = {"outcomes": {c: dict(n) for c, n in
                                              tally.by_container.items()},
                                 "defects": dict(tally.defects), "cases": records}
        if args.service:
            service_started = time.monotonic()
            tally, records = run_service(args, workdir)
            table = service_table(records)
            print(f"\nservice: {args.service} uploads to POST /v1/scenarios, "
                  f"{time.monotonic() - service_started:.0f} s")
            print(table)
            print()
            print(tally.defect_table())
            kept = keep_examples(args.seed, tally, args.examples / "service") \
                if args.examples else {}
            parts.append((f"Service, {args.service} uploads", tally, table, kept))
            report["service"] = {"defects": dict(tally.defects), "cases": records}
    if args.report:
        args.report.write_text(json.dumps(report, indent=1, default=str), encoding="utf-8")
    if args.markdown:
        args.markdown.write_text(markdown(args, parts), encoding="utf-8")
    total = sum(t.defects.total() for _, t, _, _ in parts)
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main())
