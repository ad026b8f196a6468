"""Every what-if on every bundled districted or levelled rule file, on its bundled election.

For each bundled rule file that allocates in districts or has several levels, on the bundled
election it is written for, in one process through the Python API (the calls ``compare`` makes):

* ``curve``: ``hemicycle.curve(R, E, ABBR)`` (``compare --curve``; ABBR the list with most votes),
* ``margins``: ``hemicycle.margins(R, E)`` (``compare --margins``),
* ``simulate``: ``hemicycle.simulate(R, E, N, seed=1)`` (``compare --simulate N``),
* ``national``: ``hemicycle.compare([R, NATIONAL], E)``, NATIONAL one national district of the same
  size (D'Hondt, no threshold), written to a temporary folder (``compare R NATIONAL``),

and prints one row per call: ok (with what it found), refused (the first line of the message),
or stopped at the CPU limit (``--timeout``, CPU seconds: the machine is shared, so wall-clock time
says little); the CPU seconds of the call.

    nice python scripts/whatif_survey.py [--only czech-2021,norway-2021] [--what curve,margins]
        [--simulate 1000] [--timeout 60]
"""

from __future__ import annotations

import argparse
import signal
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import hemicycle
from hemicycle.api import bundled_rules

# The election each rule file is written for (variants: the election of the law they vary).
ELECTIONS = {
    "czech-2021": "czech-2021", "denmark-2015": "denmark-2015", "finland-2019": "finland-2019",
    "germany-2005": "germany-2025", "germany-2025": "germany-2025", "iceland-2021": "iceland-2021",
    "new-zealand-2014": "new-zealand-2014", "norway-2021": "norway-2021",
    "poland-2019": "poland-2019", "poland-no-coalition-threshold": "poland-2019",
    "poland-sainte-lague": "poland-2019", "scotland-2011": "scotland-2011",
    "spain-1977": "spain-1977", "spain-1986-decree": "spain-1986", "spain-1986": "spain-2015",
    "spain-family": "spain-2015", "spain-sainte-lague": "spain-2015",
    "us-house-2000": "us-house-2000", "zug-2018": "zug-2018", "zurich-2006": "zurich-2006",
    "zurich-no-biproportional": "zurich-2006",
}
# No bundled record carries the figures these need (say so rather than skip silently).
NO_RECORD = {
    "germany-2013": "no bundled record gives the states' population",
    "kazakhstan-2023-chamber": "no bundled record of the 2023 constituency results",
}


def districted(name: str) -> bool:
    model = hemicycle.load(name).model
    return bool(model.levels) or any(t.level is not None for t in model.tiers)


def largest_list(election: str) -> str:
    from hemicycle.votes import load_votes

    found = load_votes(hemicycle.api.resolve_election(election))
    return max(found.lists, key=lambda e: (e.votes, e.abbr)).abbr


def national_file(name: str, folder: Path) -> Path:
    seats = hemicycle.load(name).model.seats
    path = folder / f"{name}-one-district.elect"
    path.write_text(f'chamber "{name}, one national district" seats {seats}\n'
                    f'tier "national" seats {seats} {{\n  allocate dhondt\n  ties lot seed 1\n}}\n', "utf-8")
    return path


class _OutOfTime(Exception):
    pass


def _stop(signum: int, frame: Any) -> None:
    raise _OutOfTime


def run(call: Callable[[], Any], timeout: float) -> tuple[str, float]:
    """(what happened, CPU seconds) of one call, stopped after ``timeout`` CPU seconds."""
    signal.signal(signal.SIGPROF, _stop)
    start = time.process_time()
    signal.setitimer(signal.ITIMER_PROF, timeout)
    try:
        found = call()
    except _OutOfTime:
        return f"STOPPED at the {timeout:.0f} s CPU limit", time.process_time() - start
    except Exception as e:  # every refusal is reported, whatever its class
        first = (str(e).strip().splitlines() or [type(e).__name__])[0]
        return f"refused ({type(e).__name__}): {first[:170]}", time.process_time() - start
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
    return f"ok: {_said(found)}", time.process_time() - start


def _said(found: Any) -> str:
    """A few words on what a call found."""
    if hasattr(found, "pieces"):
        extra = f", {len(found.gaps)} gap(s)" if getattr(found, "gaps", None) else ""
        return f"{len(found.breakpoints())} breakpoints, {getattr(found, 'found_by', 'closed form')}{extra}"
    if type(found).__name__ == "Margins":
        return f"{len(found.to_json())} lists"
    return type(found).__name__


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", default="")
    ap.add_argument("--what", default="curve,margins,simulate,national")
    ap.add_argument("--simulate", type=int, default=1000)
    ap.add_argument("--timeout", type=float, default=60.0)
    opts = ap.parse_args()
    only = [x for x in opts.only.split(",") if x]
    what = opts.what.split(",")
    names = [n for n in bundled_rules() if (not only or n in only)]
    names = [n for n in names if n in ELECTIONS or n in NO_RECORD or districted(n)]
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            if name in NO_RECORD:
                print(f"{name:30} -        skipped: {NO_RECORD[name]}", flush=True)
                continue
            election = ELECTIONS.get(name)
            if election is None:
                print(f"{name:30} -        skipped: no election named for it in this script", flush=True)
                continue
            national = national_file(name, Path(tmp))
            abbr = largest_list(election)
            calls: dict[str, Callable[[], Any]] = {
                "curve": partial(hemicycle.curve, name, election, abbr),
                "margins": partial(hemicycle.margins, name, election),
                "simulate": partial(hemicycle.simulate, name, election, opts.simulate, seed=1),
                "national": partial(hemicycle.compare, [name, str(national)], election),
            }
            for key in what:
                status, cpu = run(calls[key], opts.timeout)
                print(f"{name:30} {key:8} {cpu:7.1f} s CPU  {status}", flush=True)


if __name__ == "__main__":
    main()
