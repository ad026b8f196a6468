"""The workbench's server (hemicycle.web) through its HTTP API: the same answers as the CLI, the
guards against hostile input, the worker processes' limits. The page itself is tested in a real
browser in tests/browser/."""

from __future__ import annotations

import json
import os
import re
import socket
import time
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("starlette")
pytest.importorskip("uvicorn")

from starlette.testclient import TestClient
from typer.testing import CliRunner

from hemicycle.cli import app as cli_app
from hemicycle.reports import result_csv, result_json_text
from hemicycle.web import tasks
from hemicycle.web.app import LOOPBACK, Settings, create_app
from hemicycle.web.inputs import MAX_UPLOAD_BYTES, VoteSource, safe_name, table_json
from hemicycle.web.workers import JobFailed, Verifications, WorkerPool

ROOT = Path(__file__).resolve().parent.parent
RULES = (ROOT / "rules" / "kazakhstan-2021.elect").read_text("utf-8")
BAD_RULES = sorted((ROOT / "tests" / "bad_rules").glob("*.elect"))
BAD_VOTES = sorted(p for p in (ROOT / "tests" / "bad_votes").iterdir() if p.suffix in (".csv", ".json"))
runner = CliRunner()


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(Settings(allowed_hosts=LOOPBACK | {"testserver"}))) as c:
        yield c


def allocate(client: TestClient, votes: dict[str, Any], text: str = RULES,
             file: str = "kazakhstan-2021.elect") -> dict[str, Any]:
    r = client.post("/api/allocate", json={"rules": {"text": text, "file": file}, "votes": votes})
    assert r.status_code == 200, r.text
    return r.json()


def seats(answer: dict[str, Any]) -> dict[str, int]:
    return {row["abbr"]: row["seats"] for row in answer["result"]["rows"]}


KAZAKH = {"NurOtan": 76, "AkZhol": 12, "QHP": 10, "APK": 9, "Auyl": 0, "Adal": 0}

# --- the page and its assets -------------------------------------------------------------------------


def test_the_page_and_its_assets_are_served_from_the_package(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200 and "hemicycle workbench" in page.text
    static = resources.files("hemicycle.web").joinpath("static")
    names = sorted(p.name for p in static.iterdir())
    expected = {"index.html", "app.js", "dom.js", "editor.js", "markdown.js", "results.js", "style.css", "favicon.svg"}
    assert expected <= set(names)
    for name in names:
        assert client.get(f"/static/{name}").status_code == 200
    for ref in re.findall(r'(?:src|href)="([^"]+)"', page.text):
        assert ref.startswith("/static/"), ref  # nothing from elsewhere: the page works offline


def test_no_asset_reaches_another_host() -> None:
    static = resources.files("hemicycle.web").joinpath("static")
    for p in static.iterdir():
        text = p.read_text("utf-8")
        urls = set(re.findall(r"https?://[^\s\"')]+", text)) - {"http://www.w3.org/2000/svg"}
        assert not urls, (p.name, urls)
        assert "import(" not in text.replace("import(\"./", "")  # no dynamic imports of remote code


def test_security_headers(client: TestClient) -> None:
    r = client.get("/")
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "default-src 'none'" in csp and "frame-ancestors 'none'" in csp
    assert r.headers["x-content-type-options"] == "nosniff"


def test_catalogue(client: TestClient) -> None:
    c = client.get("/api/catalogue").json()
    assert "kazakhstan-2021" in c["rules"] and "kazakhstan-2021-dhondt" in c["rules"]
    assert "kazakhstan-2021" in c["elections"]
    assert c["pairs"]["kazakhstan-2016"] == "kazakhstan-2021"
    assert "runner-up-guarantee" in {p["name"] for p in c["properties"]}
    scopes = [g["scope"] for g in c["grammar"]]
    assert scopes[0].startswith("comment") and any(s.startswith("keyword.control.clause") for s in scopes)


def test_bundled_rule_files_by_name_only(client: TestClient) -> None:
    assert client.get("/api/rules/kazakhstan-2021").json()["text"] == RULES
    for name in ("..%2F..%2Fpyproject", "nope", "%2Fetc%2Fpasswd"):
        r = client.get(f"/api/rules/{name}")
        assert r.status_code == 404 and "error" in r.json()


# --- the same answers as the CLI -----------------------------------------------------------------------


@pytest.mark.parametrize("path", BAD_RULES, ids=[p.stem for p in BAD_RULES])
def test_diagnostics_are_those_of_hemicycle_check(client: TestClient, path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(path.parent)
    cli = runner.invoke(cli_app, ["check", path.name])
    page = client.post("/api/check", json={"text": path.read_text("utf-8"), "file": path.name}).json()
    assert page["text"].strip() == (cli.stderr + cli.stdout).strip()
    assert page["ok"] == (cli.exit_code == 0)
    for d in page["diagnostics"]:
        assert f"{path.name}:{d['line']}:{d['col']}: {d['severity']}" in page["text"]


def test_a_good_file_checks_ok_as_in_the_cli(client: TestClient) -> None:
    page = client.post("/api/check", json={"text": RULES, "file": "kazakhstan-2021.elect"}).json()
    assert page["ok"] and page["diagnostics"] == []
    assert page["text"] == "kazakhstan-2021.elect: ok (0 warning(s))"


def test_completions_and_hovers_are_the_language_servers(client: TestClient) -> None:
    from hemicycle.editor.lsp import completions, hover_text

    line = RULES.split("\n").index("  allocate largest_remainder quota hare                   [art. 97-1 p.1, p.3]")
    for character in (2, 30, 36):
        got = client.post("/api/complete", json={"text": RULES, "line": line, "character": character}).json()
        assert got["items"] == [{"label": c.label, "kind": c.kind} for c in completions(RULES, line, character)]
        hover = client.post("/api/hover", json={"text": RULES, "line": line, "character": character}).json()
        assert hover["markdown"] == hover_text(RULES, line, character)
    assert "hare" in client.post("/api/hover", json={"text": RULES, "line": line, "character": 36}).json()["markdown"]


def test_kazakhstan_2021_with_the_cli_downloads(client: TestClient) -> None:
    import hemicycle
    from hemicycle.votes import read_vote_file

    answer = allocate(client, {"kind": "bundled", "name": "kazakhstan-2021"})
    assert seats(answer) == KAZAKH
    assert answer["rules_error"] is None and answer["votes_error"] is None
    result = hemicycle.loads(RULES, "kazakhstan-2021.elect").allocate(
        read_vote_file(ROOT / "elections" / "kazakhstan-2021.json").election)
    assert answer["result"]["downloads"]["csv"] == result_csv(result)
    assert json.loads(answer["result"]["downloads"]["json"]) == json.loads(result_json_text(result))
    assert answer["result"]["downloads"]["protocol"] == result.explain()
    steps = answer["result"]["protocol"][0]["steps"]
    assert steps[0]["line"] == 14 and steps[0]["citation"] == "art. 97-1 p.1"
    assert answer["result"]["arch"].count("<circle") == 107
    assert answer["result"]["districts"] is None  # no districts in these rules


def test_dhondt(client: TestClient) -> None:
    text = client.get("/api/rules/kazakhstan-2021-dhondt").json()["text"]
    answer = allocate(client, {"kind": "bundled", "name": "kazakhstan-2021"}, text, "kazakhstan-2021-dhondt.elect")
    assert seats(answer) == {"NurOtan": 77, "AkZhol": 12, "QHP": 9, "APK": 9, "Auyl": 0, "Adal": 0}


def test_bad_rules_and_bad_votes_are_reported_each_on_its_own(client: TestClient) -> None:
    answer = allocate(client, {"kind": "bundled", "name": "no-such-election"}, RULES.replace("hare", "hair"))
    assert "unexpected 'hair'" in answer["rules_error"]
    assert "no bundled election" in answer["votes_error"]["message"]
    assert "result" not in answer


def test_an_allocation_error_names_its_clause(client: TestClient) -> None:
    rows = [["A", "", "100", ""], ["B", "", "50", ""]]
    answer = allocate(client, {"kind": "table", "rows": rows, "totals": {}})
    assert "ballots_cast" in answer["allocation_error"]["message"]
    assert answer["allocation_error"]["line"] == 14


# --- votes typed in the page ---------------------------------------------------------------------------


def test_a_typed_table_allocates(client: TestClient) -> None:
    rows = [["NurOtan", "Nur Otan", "5148074", ""], ["AkZhol", "", "792828", ""], ["QHP", "", "659019", ""],
            ["Auyl", "", "383023", ""], ["Adal", "", "258618", ""], ["", "", "", ""], ["", "", "", ""]]
    answer = allocate(client, {"kind": "table", "rows": rows, "totals": {"invalid": "297718"}})
    assert answer["votes_error"] is None, answer["votes_error"]
    assert seats(answer) == KAZAKH
    assert answer["votes_table"]["rows"][0] == ["NurOtan", "Nur Otan", "5148074", ""]


@pytest.mark.parametrize(("cell", "message"), [
    ("5,148,074", "thousands separators"), ("-5", "is negative"), ("1e6", "exponent"), ("12.5", "decimal part"),
    ("", "missing for B"),
])
def test_a_typed_table_error_names_the_table_row(client: TestClient, cell: str, message: str) -> None:
    rows = [["A", "", "100", ""], ["B", "", cell, ""], ["C", "", "7", ""]]
    answer = allocate(client, {"kind": "table", "rows": rows, "totals": {"invalid": "0"}})
    error = answer["votes_error"]
    assert error["message"].startswith("typed table: row 2, field votes: ") and message in error["message"]
    assert error["table"] == {"row": 2}


def test_a_typed_table_total_error_names_the_total(client: TestClient) -> None:
    answer = allocate(client, {"kind": "table", "rows": [["A", "", "100", ""]], "totals": {"invalid": "x"}})
    assert answer["votes_error"]["table"] == {"total": "invalid"}
    r = client.post("/api/allocate", json={"rules": {"text": RULES, "file": "k.elect"},
                                           "votes": {"kind": "table", "rows": [], "totals": {"bogus": "1"}}})
    assert r.status_code == 200 and "unknown total 'bogus'" in r.json()["votes_error"]["message"]


def test_table_json_keeps_row_numbers_and_exact_figures() -> None:
    rows = [["A", "", "9" * 40, "x; y"], ["", "", "", ""], ["B", "", " 3 ", ""], ["", "", "", ""]]
    data = json.loads(table_json(rows, [("invalid", "12")]))
    assert data["parties"] == [{"abbr": "A", "votes": int("9" * 40), "tags": ["x", "y"]}, {},
                               {"abbr": "B", "votes": 3}]
    assert data["totals"] == {"invalid": 12}


# --- uploads -------------------------------------------------------------------------------------------


def upload(client: TestClient, name: str, data: bytes) -> dict[str, Any]:
    r = client.post(f"/api/upload?name={name}", content=data, headers={"Content-Type": "application/octet-stream"})
    assert r.status_code == 200, r.text
    return r.json()


@pytest.mark.parametrize("path", BAD_VOTES, ids=[p.name for p in BAD_VOTES])
def test_an_uploaded_bad_vote_file_gets_the_clis_message(client: TestClient, path: Path) -> None:
    token = upload(client, path.name, path.read_bytes())["token"]
    answer = allocate(client, {"kind": "upload", "token": token})
    assert answer["votes_error"]["message"] == path.with_suffix(".expected").read_text("utf-8").strip()


def test_uploads_in_the_standard_formats(client: TestClient) -> None:
    nist = ROOT / "tests" / "formats" / "nist_two_contests.json"
    token = upload(client, nist.name, nist.read_bytes())["token"]
    answer = allocate(client, {"kind": "upload", "token": token})
    assert "--contest" in answer["votes_error"]["message"] or "contest" in answer["votes_error"]["message"]
    eml = ROOT / "tests" / "formats" / "eml510_tk.eml.xml"
    token = upload(client, eml.name, eml.read_bytes())["token"]
    answer = allocate(client, {"kind": "upload", "token": token})
    assert answer["votes_error"] is None or "eml510_tk.eml.xml" in answer["votes_error"]["message"]
    assert "hemicycle-upload-" not in json.dumps(answer)  # the temporary copy is never named


def test_an_upload_over_the_limit_is_refused(client: TestClient) -> None:
    r = client.post("/api/upload?name=big.csv", content=b"a" * (MAX_UPLOAD_BYTES + 1),
                    headers={"Content-Type": "application/octet-stream"})
    assert r.status_code == 413 and "larger than the limit" in r.json()["error"]


def test_an_upload_must_be_binary(client: TestClient) -> None:
    r = client.post("/api/upload?name=x.csv", content=b"abbr,votes\n", headers={"Content-Type": "text/plain"})
    assert r.status_code == 415


def test_upload_names_are_only_names() -> None:
    assert safe_name("../../etc/passwd", "votes") == "passwd"
    assert safe_name("C:\\Users\\me\\votes 2021.csv", "votes") == "votes_2021.csv"
    assert safe_name("..", "votes") == "votes"
    assert safe_name("\x1b[31mred.csv", "votes") == "__31mred.csv"


def test_an_unknown_upload_token_asks_to_upload_again(client: TestClient) -> None:
    r = client.post("/api/allocate", json={"rules": {"text": RULES, "file": "k.elect"},
                                           "votes": {"kind": "upload", "token": "guess"}})
    assert r.status_code == 400 and "upload it again" in r.json()["error"]


def test_concurrent_users_keep_their_own_votes(client: TestClient) -> None:
    a = upload(client, "a.csv", b"abbr,votes\nA,10\nB,5\n")["token"]
    b = upload(client, "b.csv", b"abbr,votes\nX,1\nY,2\nZ,3\n")["token"]
    assert a != b
    text = 'chamber "C" seats 10\ntier "t" seats 10 {\n  allocate dhondt\n  ties registration_order\n}\n'
    assert set(seats(allocate(client, {"kind": "upload", "token": a}, text))) == {"A", "B"}
    assert set(seats(allocate(client, {"kind": "upload", "token": b}, text))) == {"X", "Y", "Z"}


# --- request guards ------------------------------------------------------------------------------------


def test_other_host_names_are_refused(client: TestClient) -> None:
    r = client.get("/", headers={"Host": "evil.example"})
    assert r.status_code == 421


def test_posts_from_other_origins_are_refused(client: TestClient) -> None:
    r = client.post("/api/check", json={"text": RULES, "file": "k.elect"}, headers={"Origin": "http://evil.example"})
    assert r.status_code == 403
    r = client.post("/api/check", json={"text": RULES, "file": "k.elect"}, headers={"Origin": "http://testserver"})
    assert r.status_code == 200


def test_forms_and_other_bodies_are_refused(client: TestClient) -> None:
    r = client.post("/api/check", content=b"text=1", headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status_code == 415
    r = client.post("/api/check", content=b"{not json", headers={"Content-Type": "application/json"})
    assert r.status_code == 400 and r.json()["error"] == "the request is not valid JSON"
    r = client.post("/api/allocate", json={"rules": "x", "votes": {}})
    assert r.status_code == 400 and "error" in r.json()


def test_huge_rule_text_is_refused(client: TestClient) -> None:
    r = client.post("/api/check", json={"text": "#" * (600 * 1024), "file": "k.elect"})
    assert r.status_code == 413
    r = client.post("/api/check", content=b" " * (3 * 1024 * 1024), headers={"Content-Type": "application/json"})
    assert r.status_code == 413


def test_rule_text_is_data(client: TestClient, tmp_path: Path) -> None:
    marker = tmp_path / "touched"
    text = f'chamber "{marker}" seats 1 # __import__("os").system("touch {marker}")\n'
    answer = client.post("/api/check", json={"text": text, "file": "../../x.elect"}).json()
    assert answer["file"] == "x.elect" and not marker.exists()


# --- comparison ----------------------------------------------------------------------------------------


def test_compare_gives_the_html_report_of_hemicycle_compare(client: TestClient) -> None:
    dhondt = client.get("/api/rules/kazakhstan-2021-dhondt").json()["text"]
    sainte_lague = client.get("/api/rules/kazakhstan-2021-sainte-lague").json()["text"]
    r = client.post("/api/compare", json={
        "systems": [{"text": dhondt, "file": "dhondt.elect"}, {"text": sainte_lague, "file": "sl.elect"}],
        "votes": {"kind": "bundled", "name": "kazakhstan-2021"}, "curve": "AkZhol"}).json()
    assert "error" not in r, r
    assert r["html"].startswith("<!DOCTYPE html>") and "Seat-vote curves" in r["html"]
    assert "Votes that decide seats" in r["html"]
    assert [a["label"] for a in r["arches"]] == ["D'Hondt, 7%", "Sainte-Laguë, 7%"]  # the rule files' labels
    # tidy, one row per system and list; text cells quoted (display.csv_text)
    assert r["csv"].splitlines()[0] == '"system","rules","abbr","name","votes","seats"'
    assert r["csv"].splitlines()[1].startswith('"D\'Hondt, 7%","dhondt.elect","QHP",')


def test_compare_refuses_two_systems_with_one_name(client: TestClient) -> None:
    r = client.post("/api/compare", json={"systems": [{"text": RULES, "file": "a.elect"}] * 2,
                                          "votes": {"kind": "bundled", "name": "kazakhstan-2021"}})
    assert r.status_code == 400


# --- verification --------------------------------------------------------------------------------------


def follow(client: TestClient, job: dict[str, Any], seconds: float = 60) -> dict[str, Any]:
    end = time.monotonic() + seconds
    while job["state"] in ("starting", "running") and time.monotonic() < end:
        time.sleep(0.2)
        job = client.get(f"/api/verify/{job['id']}").json()
    return job


def test_verify_proves_the_runner_up_guarantee_and_refutes_monotonicity(client: TestClient) -> None:
    r = client.post("/api/verify", json={"rules": {"text": RULES, "file": "kazakhstan-2021.elect"},
                                         "properties": ["runner-up-guarantee", "monotonicity"], "parties": 3,
                                         "timeout": 30})
    job = follow(client, r.json())
    assert job["state"] == "done" and job["done"] == 2, job
    proved, refuted = job["results"]
    assert proved["property"] == "runner-up-guarantee" and proved["status"] == "proved"
    assert refuted["status"] == "refuted" and refuted["line"] == 14 and refuted["clause_citation"] == "art. 97-1 p.1"
    assert len(refuted["counterexample"]["elections"]) == 2


def test_verify_options_are_checked(client: TestClient) -> None:
    base = {"rules": {"text": RULES, "file": "k.elect"}, "properties": ["monotonicity"], "parties": 3}
    for change in ({"properties": ["nope"]}, {"properties": []}, {"parties": 99}, {"parties": True},
                   {"timeout": 10_000}, {"max_votes": 0}):
        r = client.post("/api/verify", json=base | change)
        assert r.status_code == 400, change
    assert client.get("/api/verify/not-a-job").status_code == 404


def test_verify_of_rules_that_do_not_parse_says_so(client: TestClient) -> None:
    r = client.post("/api/verify", json={"rules": {"text": "chamber", "file": "k.elect"},
                                         "properties": ["monotonicity"], "parties": 3})
    job = follow(client, r.json())
    assert job["state"] == "failed" and "do not parse" in job["error"]


def test_cancel_ends_the_verification_and_its_processes(client: TestClient) -> None:
    r = client.post("/api/verify", json={"rules": {"text": RULES, "file": "k.elect"},
                                         "properties": ["majority", "house-monotonicity", "upper-quota"],
                                         "parties": 8, "timeout": 60})
    job = r.json()
    end = time.monotonic() + 30
    while job["state"] == "starting" and time.monotonic() < end:
        time.sleep(0.1)
        job = client.get(f"/api/verify/{job['id']}").json()
    process = client.app.app.state.verifications.get(job["id"]).process  # type: ignore[attr-defined]
    job = client.post(f"/api/verify/{job['id']}/cancel").json()
    assert job["state"] == "cancelled"
    process.join(10)
    assert not process.is_alive()
    with pytest.raises(ProcessLookupError):  # its process group (the verifier's children) is gone too
        for _ in range(50):
            os.killpg(process.pid, 0)
            time.sleep(0.1)


# --- worker limits (the functions below run in worker processes) ----------------------------------------


def sleep_for(*args: Any) -> dict[str, Any]:
    time.sleep(float(args[-1]))
    return {"results": []}


def eat_memory(*args: Any) -> dict[str, Any]:
    block = bytearray(1024**3)
    return {"results": [{"size": len(block)}]}


def test_a_verification_over_its_time_limit_is_stopped() -> None:
    jobs = Verifications(grace=0.5)
    job = jobs.start(sleep_for, ["slow"], ("text", "file", 30.0), timeout=0.5)
    end = time.monotonic() + 40
    while job.state in ("starting", "running") and time.monotonic() < end:
        time.sleep(0.1)
    assert job.state == "failed" and "took longer than the server's limit of 1 s" in (job.error or "")
    job.process.join(5)
    assert not job.process.is_alive()


def test_a_verification_over_its_memory_limit_fails_with_a_message() -> None:
    jobs = Verifications(memory_limit=768 * 1024**2)
    job = jobs.start(eat_memory, ["big"], ("text", "file"), timeout=30)
    end = time.monotonic() + 40
    while job.state in ("starting", "running") and time.monotonic() < end:
        time.sleep(0.1)
    assert job.state == "failed" and "more memory than a worker may use (768 MiB)" in (job.error or "")


def test_at_most_max_running_verifications() -> None:
    jobs = Verifications(max_running=1)
    first = jobs.start(sleep_for, ["slow"], ("text", "file", 5.0), timeout=10)
    with pytest.raises(JobFailed, match="already running 1 verifications"):
        jobs.start(sleep_for, ["slow"], ("text", "file", 0.0), timeout=10)
    jobs.cancel(first.id)
    assert first.state == "cancelled"


def test_a_pool_job_over_its_time_is_stopped_and_the_pool_goes_on() -> None:
    import anyio

    async def scenario() -> None:
        pool = WorkerPool(size=1)
        pool.start()
        try:
            with pytest.raises(JobFailed, match=r"longer than 0\.5 s"):
                await pool.run(sleep_for, 5.0, timeout=0.5)
            answer = await pool.run(tasks.allocation, RULES, "k.elect",
                                    VoteSource("bundled", name="kazakhstan-2021"), timeout=30)
            assert answer["result"]["total"] == 107
            with pytest.raises(JobFailed, match="internal error: ValueError"):
                await pool.run(float, "not a number", timeout=10)
        finally:
            pool.close()

    anyio.run(scenario)


# --- hemicycle serve -------------------------------------------------------------------------------------


def test_serve_says_what_it_needs_when_the_extra_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "hemicycle.web.server", None)
    r = runner.invoke(cli_app, ["serve"])
    assert r.exit_code == 2 and "pip install 'hemicycle[web]'" in r.stderr


def test_serve_refuses_a_port_in_use() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        r = runner.invoke(cli_app, ["serve", "--port", str(port)])
    assert r.exit_code == 2 and f"cannot listen on 127.0.0.1:{port}" in r.stderr


def test_serve_beyond_loopback_warns_and_accepts_any_host() -> None:
    from hemicycle.web.server import is_loopback

    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1") and is_loopback("127.0.0.5")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.2")


def test_nothing_below_the_web_module_imports_it() -> None:
    src = ROOT / "src" / "hemicycle"
    for path in src.rglob("*.py"):
        if "web" in path.relative_to(src).parts or path.name == "cli.py":
            continue
        assert "hemicycle.web" not in path.read_text("utf-8"), path


# --- districts -----------------------------------------------------------------------------------------


def test_a_districted_result_is_the_clis(client: TestClient) -> None:
    import hemicycle
    from hemicycle.api import resolve_election
    from hemicycle.reports import district_csv, district_tables
    from hemicycle.votes import read_vote_file

    text = client.get("/api/rules/spain-1986").json()["text"]
    answer = allocate(client, {"kind": "bundled", "name": "spain-2015"}, text, "spain-1986.elect")
    result = hemicycle.loads(text, "spain-1986.elect").allocate(read_vote_file(resolve_election("spain-2015")).election)
    assert {k: v for k, v in seats(answer).items() if v} == {k: v for k, v in result.seats.items() if v}
    table = district_tables(result)[0]
    shown = answer["result"]["district_table"]
    assert [c["header"] for c in shown["columns"]] == [c.header for c in table.columns]
    assert shown["rows"] == table.rows and shown["totals"] == table.totals
    assert next(r for r in shown["rows"] if r[0] == "Madrid")[:4] == ["Madrid", "36", "13", "6"]
    assert answer["result"]["districts"] == result.to_json()["districts"]
    assert answer["result"]["downloads"]["districts_csv"] == district_csv(result)
    assert answer["result"]["downloads"]["protocol"] == result.explain()
    level, tier = answer["result"]["protocol"]
    assert (level["kind"], level["size"], level["units"]) == ("level", 350, 52)
    assert [p["district"] for p in tier["parts"]] == [p.district for p in result.tiers[0].parts]
    assert [s["text"] for s in tier["parts"][0]["steps"]] == [s.text for s in result.tiers[0].parts[0].steps]
    assert answer["levels"] == [{"name": "district", "seats": 350, "seats_from_votes": False,
                                 "figure": "population", "fixed": ["Ceuta", "Melilla"]}]
    # the table of these votes gives the same seats when read back
    again = allocate(client, {"kind": "table", **answer["votes_table"]}, text, "spain-1986.elect")
    assert again["votes_error"] is None and seats(again) == seats(answer)
    assert again["result"]["district_table"] == shown


def test_an_uploaded_districted_file_and_its_errors(client: TestClient) -> None:
    from hemicycle.api import resolve_election

    text = client.get("/api/rules/czech-2021").json()["text"]
    data = resolve_election("czech-2021").read_bytes()
    token = client.post("/api/upload?name=czech.json", content=data,
                        headers={"content-type": "application/octet-stream"}).json()["token"]
    answer = allocate(client, {"kind": "upload", "token": token}, text, "czech-2021.elect")
    assert answer["votes_error"] is None and len(answer["result"]["district_table"]["rows"]) == 14
    broken = json.loads(data)
    broken["districts"][2]["parties"][1]["votes"] = -5
    token = client.post("/api/upload?name=czech.json", content=json.dumps(broken).encode(),
                        headers={"content-type": "application/octet-stream"}).json()["token"]
    answer = allocate(client, {"kind": "upload", "token": token}, text, "czech-2021.elect")
    assert answer["votes_error"]["field"] == "districts[3].parties[2].votes"
    assert answer["votes_error"]["message"].startswith("czech.json: field districts[3].parties[2].votes: ")


def test_a_typed_district_error_is_placed_at_its_cell() -> None:
    from hemicycle.web.inputs import TypedDistrict
    from hemicycle.web.tasks import votes_error

    districts = [{"name": "North", "seats": "6", "votes": {"A": "600", "B": "300"}},
                 {"name": "South", "seats": "4", "votes": {"A": "", "B": "3,00"}}]
    source = VoteSource.from_json({"kind": "table", "rows": [["A", "", "", ""], ["B", "", "", ""]], "totals": {},
                                   "districts": districts})
    assert source.districts[1] == TypedDistrict(name="South", seats="4", votes=(("A", ""), ("B", "3,00")))
    with pytest.raises(Exception) as caught:
        source.read()
    error = votes_error(caught.value, source)  # type: ignore[arg-type]
    assert error["field"] == "districts[2].parties[1].votes"  # A did not stand in South: B is its first list
    assert error["table"] == {"district": 2, "cell": "votes.B"}
    assert error["message"].startswith("typed table: field districts[2].parties[1].votes: South, B:")
    districts[1]["votes"]["B"] = "300"
    districts[0]["name"] = ""
    source = VoteSource.from_json({"kind": "table", "rows": [["A", "", "", ""], ["B", "", "", ""]], "totals": {},
                                   "districts": districts})
    with pytest.raises(Exception) as caught:
        source.read()
    assert votes_error(caught.value, source)["table"] == {"district": 1, "cell": "name"}  # type: ignore[arg-type]


def test_districted_systems_compare_with_margins(client: TestClient) -> None:
    """Margins in districts where the closed form gives them (Spain: every list x province in well
    under a second); the curve in districts is left to the command line."""
    systems = [{"text": client.get(f"/api/rules/{n}").json()["text"], "file": f"{n}.elect"}
               for n in ("spain-1986", "spain-one-district")]
    r = client.post("/api/compare", json={"systems": systems, "votes": {"kind": "bundled", "name": "spain-2015"},
                                          "curve": "PP"})
    answer = r.json()
    assert "error" not in answer, answer
    assert [n.split(":")[0] for n in answer["notes"]] == ["seat-vote curve"]
    assert "given in districts" in answer["notes"][0] and "--curve PP" in answer["notes"][0]
    assert "Votes that decide seats" in answer["html"] and " in Granada" in answer["html"]
    assert [a["file"] for a in answer["arches"]] == ["spain-1986", "spain-one-district"]


def test_districted_margins_by_a_search_are_left_to_the_command_line(client: TestClient) -> None:
    systems = [{"text": client.get("/api/rules/czech-2021").json()["text"], "file": "czech-2021.elect"}]
    answer = client.post("/api/compare", json={"systems": systems,
                                               "votes": {"kind": "bundled", "name": "czech-2021"}}).json()
    assert "error" not in answer, answer
    assert [n.split(":")[0] for n in answer["notes"]] == ["margins of " + answer["arches"][0]["label"]]
    assert "by a search" in answer["notes"][0] and "--margins" in answer["notes"][0]
