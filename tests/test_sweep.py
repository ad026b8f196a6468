"""Sweeps: the same table on every engine (a real Dask LocalCluster of 2 workers among them), a
worker killed mid-sweep, resuming from the cache, and clear errors for bad sweeps."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
from pathlib import Path

import pytest
from typer.testing import CliRunner

import hemicycle
from hemicycle.cli import app
from hemicycle.sweep import Cache, build_spec, make_engine, run_sweep, write_outputs
from hemicycle.sweep.engines import InlineEngine
from hemicycle.sweep.table import columns, to_csv

FAMILY = "kazakhstan-2021-family"


def small_spec():  # type: ignore[no-untyped-def]
    """4 variants x 2 elections x (seats, 20,000 simulated elections in 2 chunks, one property)."""
    return build_spec([FAMILY, "kazakhstan-2021"], votes=["kazakhstan-2021", "kazakhstan-2007"],
                      grid={"threshold": "5%,7%", "method": "hare,dhondt"}, simulate=20_000, chunk=10_000,
                      properties=["threshold"], parties=3, timeout=60)


@pytest.fixture(scope="module")
def dask_engine():  # type: ignore[no-untyped-def]
    pytest.importorskip("dask.distributed")
    engine = make_engine("dask", workers=2)
    yield engine
    engine.close()


@pytest.fixture(scope="module")
def reference():  # type: ignore[no-untyped-def]
    spec = small_spec()
    return spec, run_sweep(spec, InlineEngine())


def test_local_table_is_what_the_interpreter_says(reference) -> None:  # type: ignore[no-untyped-def]
    spec, result = reference
    assert len(spec.variants) == 5 and [v.label for v in spec.variants][-1] == "kazakhstan-2021"
    seats = {(r["variant"], r["election"], r["subject"]): r["value"] for r in result.rows if r["measure"] == "seats"}
    for v in spec.variants:
        rules = hemicycle.load(v.file, dict(v.values))
        for e in spec.elections:
            got = rules.allocate(e.election).seats
            assert all(seats[(v.label, e.name, a)] == got[a] for a in e.election.abbrs)
    # the law's values and the law itself agree
    law = {k[1:]: x for k, x in seats.items() if k[0] == "kazakhstan-2021"}
    assert law == {k[1:]: x for k, x in seats.items() if k[0] == "threshold=7%, method=hare"}
    verdicts = {r["verdict"] for r in result.rows if r["measure"] == "property"}
    assert verdicts == {"proved"}
    p_seat = [r for r in result.rows if r["measure"] == "p_seat" and r["subject"] == "NurOtan"]
    assert p_seat and all(r["value"] == 1.0 for r in p_seat)
    means = [r["value"] for r in result.rows if r["measure"] == "mean_seats" and r["election"] == "kazakhstan-2021"]
    assert len(set(means)) > 5  # the simulations vary with the variant


def test_dask_local_cluster_gives_the_same_table(dask_engine, reference) -> None:  # type: ignore[no-untyped-def]
    spec, local = reference
    result = run_sweep(spec, dask_engine)
    assert result.engine == "Dask LocalCluster, 2 workers" and result.lost == 0
    assert result.rows == local.rows


def test_a_timeout_is_unknown_on_the_cluster(dask_engine) -> None:  # type: ignore[no-untyped-def]
    spec = build_spec([FAMILY], grid={"threshold": "5%", "method": "dhondt"}, properties=["house-monotonicity"],
                      parties=6, timeout=0.2)
    (row,) = run_sweep(spec, dask_engine).rows
    assert row["verdict"] == "unknown" and row["detail"]


def test_killing_a_worker_mid_sweep_still_completes(dask_engine) -> None:  # type: ignore[no-untyped-def]
    spec = build_spec([FAMILY], votes=["kazakhstan-2021"], grid={"threshold": "5%,6%"}, simulate=400_000,
                      chunk=50_000)  # 8 tasks of 300,000 allocations
    before = dask_engine.client.run(os.getpid)
    killed: list[int] = []

    def progress(done: int, total: int) -> None:
        if 0 < done < total and not killed:
            pid = next(iter(before.values()))
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)

    result = run_sweep(spec, dask_engine, progress=progress)
    assert killed and result.lost == 0
    assert result.rows == run_sweep(spec, InlineEngine()).rows
    dask_engine.client.wait_for_workers(2, timeout=60)
    assert killed[0] not in dask_engine.client.run(os.getpid).values()


def test_local_processes_give_the_same_table_when_one_is_killed() -> None:
    """Without Dask: spawned local processes; one killed mid-sweep is replaced and its task run again."""
    spec = build_spec([FAMILY], votes=["kazakhstan-2021", "kazakhstan-2007"], grid={"threshold": "5%,7%"},
                      simulate=40_000, chunk=10_000)  # 9 tasks
    local = run_sweep(spec, InlineEngine())
    engine = make_engine("processes", workers=2)
    killed: list[int] = []

    def progress(done: int, total: int) -> None:
        pool = getattr(engine, "pool", None)
        if 0 < done < total and not killed and pool is not None:
            pid = next(iter(pool._processes))  # the pool's own table of its processes
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)

    try:
        result = run_sweep(spec, engine, progress=progress)
    finally:
        engine.close()
    assert killed and result.lost == 0 and result.rows == local.rows


def test_resume_from_the_cache(tmp_path: Path, reference) -> None:  # type: ignore[no-untyped-def]
    spec, local = reference
    cache = Cache(tmp_path / "cache")
    part = build_spec([FAMILY], votes=["kazakhstan-2021", "kazakhstan-2007"],
                      grid={"threshold": "5%", "method": "hare,dhondt"}, simulate=20_000, chunk=10_000,
                      properties=["threshold"], parties=3, timeout=60)
    first = run_sweep(part, InlineEngine(), cache)  # as if the sweep had been interrupted
    assert first.cached == 0
    whole = run_sweep(spec, InlineEngine(), cache)
    assert whole.cached == first.units and whole.rows == local.rows
    again = run_sweep(spec, InlineEngine(), cache)
    assert again.cached == again.units and again.rows == local.rows


def test_outputs(tmp_path: Path, reference) -> None:  # type: ignore[no-untyped-def]
    spec, result = reference
    written = {p.name for p in write_outputs(result, tmp_path)}
    assert {"results.json", "results.csv", "report.html", "seats-kazakhstan-2021-family-kazakhstan-2021.svg",
            "properties-kazakhstan-2021-family.svg"} <= written
    assert json.loads((tmp_path / "results.json").read_text("utf-8")) == result.rows
    header = next(csv.reader(io.StringIO((tmp_path / "results.csv").read_text("utf-8"))))
    assert header == columns(spec) == ["rules", "variant", "threshold", "method", "election", "measure",
                                       "subject", "value", "verdict", "detail"]
    html = (tmp_path / "report.html").read_text("utf-8")
    assert "<svg" in html and "<script" not in html and "kazakhstan-2007" in html
    pq = pytest.importorskip("pyarrow.parquet")
    table = pq.read_table(tmp_path / "results.parquet")
    assert table.num_rows == len(result.rows) and table.column_names == columns(spec)


@pytest.mark.parametrize(("args", "message"), [
    (["--grid", "threshold=10%..3%/0.5%"], "the sweep has 0 combinations: no value for threshold"),
    (["--grid", "seats=90..100"], "unknown parameter 'seats': no rule file declares it"),
    (["--grid", "threshold=12%"], "12% is not a value of parameter 'threshold': it takes 3% .. 10% step 0.5%"),
    (["--grid", "threshold=3%..10%/0.3%"], "3.3% is not a value of parameter 'threshold'"),
    (["--grid", "method=hare", "--set", "method=dhondt"], "--set method: the parameter is given twice"),
    (["--properties", "monotony"], "unknown property 'monotony'"),
    (["--grid", "threshold"], "--grid 'threshold': write NAME=VALUE"),
    ([FAMILY], "two rule files are both named 'kazakhstan-2021-family'"),
    (["--simulate", "10", "--votes", "no-such-election"], "no-such-election"),
])
def test_bad_sweeps_are_refused_clearly(args: list[str], message: str) -> None:
    r = CliRunner().invoke(app, ["sweep", FAMILY, "--votes", "kazakhstan-2021", "--engine", "inline",
                                 "--no-cache", *args])
    assert r.exit_code == 2 and message in r.output, r.output


def test_cli_sweep_writes_the_report(tmp_path: Path) -> None:
    r = CliRunner().invoke(app, ["sweep", FAMILY, "--grid", "threshold=5%..6%", "--grid", "method=hare,dhondt",
                                 "--votes", "kazakhstan-2021", "--engine", "inline", "--out", str(tmp_path / "out"),
                                 "--format", "csv"])
    assert r.exit_code == 0, r.output
    assert r.output.count('\n"kazakhstan-2021-family",') == 6 * (5 + 1)  # 6 variants x (5 lists + Gallagher)
    assert (tmp_path / "out" / "report.html").is_file() and (tmp_path / "out" / "cache").is_dir()


def test_a_family_of_a_districted_law_and_its_terminal_table() -> None:
    """A sweep over spain-family on the 2015 votes gives the interpreter's seats; the terminal
    table leaves out the lists without a seat in any variant (80 stand) and says so."""
    from hemicycle.sweep.summary import summary_tables

    spec = build_spec(["spain-family"], votes=["spain-2015"], grid={"method": "dhondt,sainte_lague",
                                                                     "threshold": "3%"})
    result = run_sweep(spec, InlineEngine())
    seats = {(r["variant"], r["subject"]): r["value"] for r in result.rows if r["measure"] == "seats"}
    (spain,) = [e.election for e in spec.elections]
    for v in spec.variants:
        got = hemicycle.load(v.file, dict(v.values)).allocate(spain, explain=False).seats
        assert all(seats[(v.label, a)] == got[a] for a in spain.abbrs)
    table = summary_tables(result)[0]
    won = {a for (_, a), n in seats.items() if n}
    assert [c.header for c in table.columns] == ["variant", *[a for a in spain.abbrs if a in won], "Gallagher"]
    assert f"{len(spain.abbrs) - len(won)} lists without a seat in any variant left out" in str(table.title)


def test_the_csv_neutralises_text_from_files() -> None:
    """The sweep's CSV goes through display.csv_text like every other: a list's abbreviation that
    looks like a formula is text in a spreadsheet, text cells are quoted, numbers are not."""
    cols = ["rules", "subject", "value", "detail"]
    rows = [{"rules": "r", "subject": "=HYPERLINK(\"x\")", "value": 3, "detail": None},
            {"rules": "r", "subject": "+A1", "value": 0.5, "detail": "@SUM(1)"}]
    text = to_csv(rows, cols)
    assert list(csv.reader(io.StringIO(text))) == [
        cols, ["r", "'=HYPERLINK(\"x\")", "3", ""], ["r", "'+A1", "0.5", "'@SUM(1)"]]
    assert text.splitlines()[1].startswith('"r",') and ",3," in text.splitlines()[1]  # numbers unquoted


@pytest.mark.parametrize("format", ["json", "csv"])
def test_sweep_output_on_a_terminal_escapes_controls(format: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The sweep's machine output goes through cli.emit: on a terminal a control character from a
    file (here a C1 CSI in a list abbreviation) is shown as an escape, never sent to the terminal."""
    from types import SimpleNamespace

    from hemicycle.cli import _sweep_output
    from hemicycle.cli_options import Format

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    screen = Terminal()
    monkeypatch.setattr("sys.stdout", screen)
    rows = [{"rules": "r", "variant": "", "election": "e", "measure": "seats", "subject": "A\x9b31m",
             "value": 1, "verdict": "", "detail": ""}]
    _sweep_output(SimpleNamespace(parameters=[]), SimpleNamespace(rows=rows), Format(format))  # type: ignore[arg-type]
    assert "\x9b" not in screen.getvalue() and "A" in screen.getvalue()
