"""The planner's pages in a real headless Chromium against the real service.

The whole path (sign in, upload the shipped workbook, the plan, a what-if, the downloaded
workbook checked against the library's result), a bad file's problem table, the live
progress and cancel with the queue position, an analyst's read-only page, escaping of a
hostile scenario, the infeasible diagnosis, the phone layout and keyboard use.

Screenshots go to ``$SCREENSHOTS_DIR`` (the README's come from
``SCREENSHOTS_DIR=docs/screenshots pytest tests/web``), else to the test's temporary folder.
"""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path
from typing import Any

import httpx
import openpyxl
import pytest
from playwright.sync_api import expect

from allocator import AllocationResult, Scenario, read_scenario

from ..api.live import LiveService, wait_for_job
from ..helpers import mission, pledge, req, scenario
from .conftest import Tokens

ROOT = Path(__file__).resolve().parents[2]
WORKBOOK = ROOT / "examples" / "un_2025.xlsx"
SMALL = ROOT / "datasets" / "families" / "small"
SOLVE_MS = 180_000  # the shipped workbook solves in seconds; CI machines may be slow


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("SCREENSHOTS_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def sign_in(page: Any, live: LiveService, token: str) -> None:
    page.goto(live.url + "/")
    expect(page).to_have_url(re.compile(r"/sign-in$"))
    page.get_by_label("API token").fill(token)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/scenarios$"))


def upload(page: Any, path: Path | None = None, *, name: str = "", data: bytes = b"",
           mime: str = "application/json") -> None:
    chooser = page.locator("#file")
    if path is not None:
        chooser.set_input_files(str(path))
    else:
        chooser.set_input_files({"name": name, "mimeType": mime, "buffer": data})
    page.get_by_role("button", name="Upload and check").click()
    expect(page.locator("#uploaded, #upload-error")).to_be_visible()


def job_id_of(page: Any) -> str:
    return page.url.rsplit("/", 1)[-1]


def library_result(live: LiveService, token: str, job_id: str) -> AllocationResult:
    """The job's result as the library reads it back from the API (verified again)."""
    with live.client(token) as client:
        job = client.get(f"/v1/jobs/{job_id}").json()
        stored = client.get(f"/v1/scenarios/{job['scenario_id']}").json()["scenario"]
        document = client.get(f"/v1/jobs/{job_id}/result").json()
    return AllocationResult.from_dict(document, Scenario.model_validate(stored))


def library_result_scenario_id(live: LiveService, token: str, job_id: str) -> str:
    with live.client(token) as client:
        return client.get(f"/v1/jobs/{job_id}").json()["scenario_id"]


def count_scenarios(live: LiveService, token: str) -> int:
    with live.client(token) as client:
        return client.get("/v1/scenarios").json()["count"]


def page_weights(page: Any, live: LiveService, paths: dict[str, str]) -> dict[str, Any]:
    """Bytes transferred (bodies and headers) on a first load, cold cache, of each page, in a
    fresh context signed in as ``page`` is; every request must go to the service itself."""
    weights: dict[str, dict[str, int]] = {}
    for name, path in paths.items():
        context = page.context.browser.new_context(viewport={"width": 1280, "height": 800})
        context.add_cookies(page.context.cookies())
        fresh = context.new_page()
        loaded: list[tuple[str, int]] = []
        fresh.on("requestfinished", lambda request, into=loaded: into.append(
            (request.url, request.sizes()["responseBodySize"]
             + request.sizes()["responseHeadersSize"])))
        fresh.goto(live.url + path, wait_until="networkidle")
        time.sleep(0.2)
        context.close()
        assert loaded and all(url.startswith(live.url) for url, _ in loaded), loaded
        weights[name] = {"requests": len(loaded), "bytes": sum(size for _, size in loaded)}
    return weights


def test_the_planners_whole_path(
        page: Any, live: LiveService, tokens: Tokens, shots: Path, tmp_path: Path) -> None:
    token = tokens("planner", "path")
    sign_in(page, live, token)
    page.screenshot(path=str(shots / "scenarios.png"), full_page=True)
    upload(page, WORKBOOK)
    expect(page.locator("#uploaded")).to_contain_text("Uploaded and checked")
    expect(page.locator("#scenario-name")).to_have_text(read_scenario(WORKBOOK).name)
    page.screenshot(path=str(shots / "scenario.png"))

    # Solve with the default engine and follow the job to its plan.
    page.get_by_role("button", name="Solve", exact=True).click()
    expect(page).to_have_url(re.compile(r"/jobs/[0-9a-f]{32}$"))
    job_id = job_id_of(page)
    expect(page.locator("#table-missions")).to_be_visible(timeout=SOLVE_MS)
    expect(page.locator("#job-status")).to_have_text("done (optimal)")
    expect(page.locator("#chart")).to_be_visible()
    page.locator("#chart").scroll_into_view_if_needed()
    page.screenshot(path=str(shots / "plan.png"))
    page.locator("#table-missions").screenshot(path=str(shots / "plan-missions.png"))

    # The page's figures are the library's: every mission's personnel.
    result = library_result(live, token, job_id)
    shown = page.locator("#table-missions tbody tr")
    expect(shown).to_have_count(len(result.missions))
    for i, m in enumerate(result.missions.to_dict(orient="records")):
        cells = shown.nth(i).locator("td")
        expect(cells.nth(0)).to_have_text(m["mission_id"])
        expect(cells.nth(2)).to_have_text(f"{m['personnel']:,}")

    # The workbook downloaded from the page holds the same plan.
    with page.expect_download() as download:
        page.locator("#download-xlsx").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.suffix == ".xlsx"
    book = openpyxl.load_workbook(saved, read_only=True)
    rows = list(book["missions"].iter_rows(values_only=True))
    header = list(rows[0])
    by_mission = {r[header.index("Mission")]: r[header.index("Personnel")] for r in rows[1:]}
    assert by_mission == dict(zip(result.missions.mission_id, result.missions.personnel,
                                  strict=True))
    assert len(list(book["assignments"].iter_rows())) - 1 == len(result.assignments)

    # A what-if from the page: the largest contributor withdraws, changes kept small.
    top = (result.assignments.groupby("state").personnel.sum().sort_values(ascending=False)
           .index[0])
    page.get_by_role("link", name=result.scenario.name).click()
    page.get_by_label("Withdraw every pledge of a state").select_option(top)
    page.get_by_label("Name of the variant").fill(f"without {top}")
    page.get_by_label("Keep changes to the current plan small").check()
    page.get_by_role("button", name="Compare").click()
    expect(page.locator("#table-comparison")).to_be_visible(timeout=SOLVE_MS)
    variants = page.locator("#table-comparison thead th")
    expect(variants).to_have_text(["Measure", "base", f"without {top}", "change"])
    # The page's comparison is the library's: coverage lost by withdrawing the top state.
    assert page.locator("#table-comparison tbody tr").first.inner_text().split("\t")[0] \
        == "Status"
    expect(page.locator("#table-assignment_changes")).to_be_visible()
    page.locator("#table-comparison").screenshot(path=str(shots / "whatif.png"))

    # What each page of this path weighs on a first load (the README and the note quote it).
    scenario_id = library_result_scenario_id(live, token, job_id)
    weights = page_weights(page, live, {
        "sign-in": "/sign-in", "scenarios": "/scenarios",
        "scenario": f"/scenarios/{scenario_id}", "plan": f"/jobs/{job_id}"})
    (shots / "page-weights.json").write_text(json.dumps(weights, indent=2) + "\n")


def test_a_bad_file_shows_every_problem_and_stores_nothing(
        page: Any, live: LiveService, tokens: Tokens, shots: Path) -> None:
    token = tokens("planner", "bad-file")
    sign_in(page, live, token)
    before = count_scenarios(live, token)
    document = read_scenario(SMALL).to_document()
    document["missions"][0]["budget_usd"] = "lots"
    del document["member_states"]
    # Dropped on the drop zone rather than chosen: the page's script puts it in the form.
    dropped = page.evaluate_handle("""text => {
        const transfer = new DataTransfer();
        transfer.items.add(new File([text], "broken.json", {type: "application/json"}));
        return transfer;
    }""", json.dumps(document))
    page.locator("#dropzone").dispatch_event("drop", {"dataTransfer": dropped})
    expect(page.locator("#chosen")).to_have_text("Chosen: broken.json")
    page.get_by_role("button", name="Upload and check").click()
    expect(page.locator("#upload-error")).to_contain_text("was not stored")
    problems = page.locator("#table-problems tbody tr")
    expect(problems.first).to_be_visible()
    text = page.locator("#table-problems").inner_text()
    assert "member_states" in text and "budget_usd" in text
    assert problems.count() >= 2
    page.screenshot(path=str(shots / "problems.png"), full_page=True)
    assert count_scenarios(live, token) == before


def test_live_progress_queue_position_and_cancel(
        page: Any, live: LiveService, tokens: Tokens) -> None:
    token = tokens("planner", "live")
    sign_in(page, live, token)
    upload(page, name="small.json", data=json.dumps(read_scenario(SMALL).to_document()).encode())
    # The answer to the upload names the scenario's own address (reload opens, not re-posts).
    expect(page).to_have_url(re.compile(r"/scenarios/[0-9a-f]{32}$"))
    scenario_url = page.url
    # A long Monte Carlo run takes the service's one solve slot...
    page.get_by_label("Draws", exact=True).fill("5000")
    page.get_by_role("button", name="Run Monte Carlo").click()
    expect(page).to_have_url(re.compile(r"/jobs/"))
    long_job = page.url
    expect(page.locator("#job-status")).to_have_text("running", timeout=60_000)
    # ... and the page follows it without a reload: the count of draws done grows.
    expect(page.locator("#job-done")).to_have_text(re.compile(r"^[1-9]\d* of 5000$"),
                                                   timeout=60_000)
    first = int(page.locator("#job-done").inner_text().split()[0])
    expect(page.locator("#job-done")).not_to_have_text(f"{first} of 5000", timeout=30_000)

    # A solve queued behind it shows its place in the queue.
    page.goto(scenario_url)
    page.get_by_role("button", name="Solve", exact=True).click()
    expect(page.locator("#job-status")).to_have_text("queued")
    expect(page.locator("#job-queue")).to_have_text("number 1 in the queue")
    queued_job = page.url

    # Cancelling the long run frees the slot: the queued solve runs to its plan.
    page.goto(long_job)
    page.get_by_role("button", name="Cancel").click()
    expect(page.locator("#job-status")).to_have_text("cancelled")
    expect(page.locator("#cancel-form")).to_have_count(0)
    page.goto(queued_job)
    expect(page.locator("#table-missions")).to_be_visible(timeout=SOLVE_MS)


def test_an_analyst_reads_and_downloads_but_changes_nothing(
        page: Any, live: LiveService, tokens: Tokens) -> None:
    planner = tokens("planner", "read-only")
    with live.client(planner) as client:
        made = client.post("/v1/scenarios", json=read_scenario(SMALL).to_document())
        scenario_id = made.json()["id"]
        job = client.post(f"/v1/scenarios/{scenario_id}/solve", json={"backend": "cbc"})
        wait_for_job(client, job.json()["id"], 120)
    analyst = tokens("analyst", "read-only")
    sign_in(page, live, analyst)
    expect(page.locator("#who")).to_contain_text("analyst")
    expect(page.locator("#upload-form")).to_have_count(0)
    page.locator("#scenario-list a").first.click()
    for form in ("solve-form", "whatif-form", "n1-form", "mc-form", "delete-form"):
        expect(page.locator(f"#{form}")).to_have_count(0)
    page.locator("#job-list a").first.click()
    expect(page.locator("#table-missions")).to_be_visible()
    expect(page.locator("#cancel-form")).to_have_count(0)
    with page.expect_download() as download:
        page.locator("#download-csv").click()
    assert download.value.suggested_filename.endswith("-csv.zip")


HOSTILE = "<script>alert(1)</script>"
QUOTED = '"onerror=alert(1) x="'


def test_scenario_text_is_shown_as_text_never_run(
        page: Any, live: LiveService, tokens: Tokens) -> None:
    document = read_scenario(SMALL).to_document()
    document["name"] = HOSTILE
    document["missions"][0]["name"] = HOSTILE
    document["member_states"][0]["name"] = QUOTED
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    sign_in(page, live, tokens("planner", "escape"))
    upload(page, name="hostile.json", data=json.dumps(document).encode())
    expect(page.locator("#scenario-name")).to_have_text(HOSTILE)
    page.get_by_role("link", name=re.compile("^member states")).click()
    expect(page.locator("#table-scenario-table")).to_contain_text(QUOTED)
    page.get_by_role("link", name=re.compile("^missions")).click()
    expect(page.locator("#table-scenario-table")).to_contain_text(HOSTILE)
    page.get_by_role("button", name="Solve", exact=True).click()
    expect(page.locator("#table-missions")).to_be_visible(timeout=SOLVE_MS)
    expect(page.locator(".pa-plan h2")).to_have_text(HOSTILE)
    page.goto(live.url + "/scenarios")
    expect(page.locator("#scenario-list")).to_contain_text(HOSTILE)
    # Text, not markup: no element came from the scenario, no script ran.
    assert page.locator("script:not([src])").count() == 0
    assert page.locator("[onerror]").count() == 0
    assert dialogs == []


def test_an_infeasible_scenario_shows_its_diagnosis(
        page: Any, live: LiveService, tokens: Tokens, shots: Path) -> None:
    # One mandatory battalion line whose only pledge costs more than the mission's budget.
    infeasible = scenario(missions=[mission("M1", budget_usd=1_000_000)],
                          requirements=[req("R1", "INF_BN", 1, mandatory=True)],
                          unit_pledges=[pledge("P1", personnel_per_unit=800)])
    sign_in(page, live, tokens("planner", "infeasible"))
    upload(page, name="infeasible.json", data=json.dumps(infeasible.to_document()).encode())
    page.get_by_role("button", name="Solve", exact=True).click()
    expect(page.locator("#table-conflict")).to_be_visible(timeout=SOLVE_MS)
    expect(page.locator(".pa-status")).to_have_text("infeasible")
    expect(page.locator("#table-conflict")).to_contain_text("R1")
    expect(page.locator("#table-relaxation")).to_contain_text("R1")
    expect(page.locator("#chart")).to_have_count(0)
    page.screenshot(path=str(shots / "diagnosis.png"), full_page=True)


def test_phone_width_and_keyboard(
        phone_page: Any, live: LiveService, tokens: Tokens, shots: Path) -> None:
    page = phone_page
    page.goto(live.url + "/sign-in")
    # Keyboard only: focus the token field, type, Enter submits.
    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Tab")  # the brand link
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "token"
    page.keyboard.type(tokens("planner", "phone"))
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/scenarios$"))
    upload(page, WORKBOOK)
    expect(page.locator("#uploaded")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/scenarios/[0-9a-f]{32}$"))
    scenario_url = page.url
    page.get_by_role("button", name="Solve", exact=True).click()
    expect(page.locator("#table-missions")).to_be_visible(timeout=SOLVE_MS)
    for url in (page.url, scenario_url, scenario_url + "?table=unit_pledges",
                live.url + "/scenarios"):
        page.goto(url)
        # Nothing wider than the phone: wide tables scroll inside their own box.
        assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1, url
    page.screenshot(path=str(shots / "phone.png"), full_page=False)
    # Every control of every form has a label: the scenario page has them all.
    page.goto(scenario_url)
    controls = page.evaluate("""() => [...document.querySelectorAll(
        'input:not([type=hidden]), select, textarea')].map(el => [el.name,
        Boolean((el.labels && el.labels.length) || el.getAttribute('aria-label'))])""")
    assert len(controls) >= 20
    assert [name for name, labelled in controls if not labelled] == []


def test_n_minus_1_budget_and_monte_carlo_charts_then_delete(
        page: Any, live: LiveService, tokens: Tokens, shots: Path) -> None:
    token = tokens("planner", "sweeps")
    sign_in(page, live, token)
    upload(page, name="small.json", data=json.dumps(read_scenario(SMALL).to_document()).encode())
    expect(page).to_have_url(re.compile(r"/scenarios/[0-9a-f]{32}$"))
    scenario_url = page.url

    def loaded_chart() -> None:
        chart = page.locator("#chart")
        expect(chart).to_be_visible(timeout=SOLVE_MS)
        # Drawn by the library as SVG and loaded under the page's CSP.
        page.wait_for_function("document.getElementById('chart').naturalWidth > 0")

    page.get_by_label("Withdraw each").select_option("state")
    page.get_by_role("button", name="Run N-1").click()
    expect(page.locator("#table-n_minus_1")).to_be_visible(timeout=SOLVE_MS)
    loaded_chart()
    page.locator("#chart").screenshot(path=str(shots / "tornado.png"))
    # One row per state that pledges anything: each is withdrawn in turn.
    small = read_scenario(SMALL)
    states = ({u.state for u in small.unit_pledges} | {q.state for q in small.equipment_pledges}
              | {f.donor for f in small.funding_pledges})
    expect(page.locator("#table-n_minus_1 tbody tr")).to_have_count(len(states))

    page.goto(scenario_url)
    page.get_by_label("Draws", exact=True).fill("20")
    page.get_by_role("button", name="Run Monte Carlo").click()
    expect(page.locator("#table-summary")).to_be_visible(timeout=SOLVE_MS)
    loaded_chart()
    expect(page.locator("#job-done")).to_have_text("20 of 20")

    page.goto(scenario_url)
    page.get_by_label("Scale every budget by (factors, commas between)").fill("0.8, 1")
    page.get_by_role("button", name="Run the budget sweep").click()
    expect(page.locator("#table-budget")).to_be_visible(timeout=SOLVE_MS)
    loaded_chart()
    # A row per scale and mission.
    expect(page.locator("#table-budget tbody tr")).to_have_count(2 * len(small.missions))

    # Deleting asks first; once confirmed the scenario and its jobs are gone.
    page.goto(scenario_url)
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Delete this scenario and its results").click()
    expect(page.locator(".notice")).to_contain_text("deleted")
    with live.client(token) as client:
        assert client.get("/v1/scenarios").json()["count"] == 0
        assert client.get("/v1/jobs").json()["count"] == 0


def test_a_revoked_token_returns_to_the_sign_in(
        page: Any, live: LiveService, tokens: Tokens) -> None:
    made = tokens.make("planner", "revoked", "leaver")
    sign_in(page, live, made["token"])
    with httpx.Client(base_url=live.url,
                      headers={"Authorization": f"Bearer {tokens.admin}"}) as admin:
        assert admin.delete(f"/v1/tokens/{made['id']}").status_code == 200
    page.reload()
    expect(page).to_have_url(re.compile(r"/sign-in\?m=revoked$"))
    expect(page.locator(".notice")).to_contain_text("revoked")
    # The cookie went with it: the next visit asks to sign in, with no stale session.
    assert [c for c in page.context.cookies() if c["name"] == "pa_session"] == []
