"""The agreement test, in full: the Z3 encoding on fixed random votes against the interpreter.

    python scripts/agreement.py [--count 10000] [--rules hare dhondt ...] [--json FILE]

For every rule of ``hemicycle.verify.agreement.RULES`` (every quota and rounding, every divisor
method, every base, inclusive/strict/absolute thresholds, tie chains, runner-up admission, the 0.7
correction, guarantees, caps), ``--count`` random elections with constructed ties, zero votes and
lists exactly at the threshold are allocated by the interpreter and by the encoding (the figures
fixed in the symbolic encoding built once per rule and number of lists; the seats read from Z3's
model). Scale-invariant rules alternate between the plain encoding and the normalised one the
verifier's queries use; every ``--unique-every``-th election also proves that the encoding admits
no other seat vector. Prints, per rule: elections, disagreements, seconds, and how many elections
had each edge case. Exit 1 on any disagreement. One process, one core.

    python scripts/agreement.py --districts [--count 10000] [--rules dhondt ...]
    python scripts/agreement.py --districts [--per-family 10000] [--families lots ...]

Districted elections (``hemicycle.verify.district_agreement``): per rule, ``--count`` random and
constructed elections (zeros, empty districts, equal votes, lists exactly at a national or
district threshold) through the districted encoding, and every second one also as the first
election of a step query (one list gains votes in one district; under lots, half the steps' second
election draws its own lots: ownLot), against the interpreter. ``--families``: the clause families
of ``district_agreement.FAMILIES``, ``--per-family`` elections each spread evenly over its rules
(without ``--rules``, every family). The encodings are built once per rule (``PinnedDistricts``)
and every election is checked with its figures pinned; ``--old`` builds an encoding per election.

    python scripts/agreement.py --pairs [--per-family 10000] [--families ...] [--json FILE]

The two-election agreement (``hemicycle.verify.pairs``): the verifier's own sub-queries of every
two-election property (house, vote and population monotonicity, the free-gain queries,
anonymity, distinguish; concordance as the one-election control) with both elections' figures
fixed, against the interpreter: at least ``--per-family`` pairs per rule family, spread evenly
over its rules and the properties.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import asdict
from pathlib import Path

from hemicycle.verify.agreement import RULES, run_rule


def _district_plan(args: argparse.Namespace) -> list[tuple[str, str, int]]:
    """(family, rule, elections): ``--rules`` at ``--count`` each, or ``--families`` (``--per-family``
    elections in all, spread evenly over the family's rules)."""
    from hemicycle.verify.district_agreement import FAMILIES as DFAMILIES

    if args.rules:
        return [("-", name, args.count) for name in args.rules]
    out = []
    for fam in args.families or list(DFAMILIES):
        rules = DFAMILIES[fam]
        each = -(-args.per_family // len(rules))
        out += [(fam, name, each) for name in rules]
    return out


def districts(args: argparse.Namespace) -> int:
    """Districted elections: one election and one step pair per two, against the interpreter."""
    from hemicycle.verify.district_agreement import run_rule as drun

    print(f"{'rule':26s} {'elections':>9s} {'steps':>6s} {'ownLot':>6s} {'noRes':>6s} {'disagree':>8s} "
          f"{'seconds':>8s} {'cpu s':>8s} {'el/cpu-s':>8s}", flush=True)
    total_bad = 0
    rows = []
    for fam, name, count in _district_plan(args):
        t, cpu = time.monotonic(), time.process_time()
        tally: dict[str, int] = {}
        count, steps, noresult, bad = drun(name, count, seed=args.seed, pinned=not args.old, tally=tally)
        cpu = time.process_time() - cpu
        total_bad += len(bad)
        rows.append({"family": fam, "rule": name, "elections": count, "steps": steps,
                     "own_draws": tally.get("own_draws", 0), "no_result": noresult, "disagreements": bad,
                     "seconds": round(time.monotonic() - t, 1), "cpu_seconds": round(cpu, 1)})
        print(f"{name:26s} {count:9d} {steps:6d} {tally.get('own_draws', 0):6d} {noresult:6d} {len(bad):8d} "
              f"{time.monotonic() - t:8.1f} {cpu:8.1f} {count / cpu:8.1f}", flush=True)
        for msg in bad[:3]:
            print("   ", msg, flush=True)
    for fam in dict.fromkeys(r["family"] for r in rows):
        rs = [r for r in rows if r["family"] == fam]
        print(f"family {fam}: {sum(r['elections'] for r in rs)} elections, {sum(r['steps'] for r in rs)} step "
              f"pairs ({sum(r['own_draws'] for r in rs)} with B's own draw), "
              f"{sum(len(r['disagreements']) for r in rs)} disagreements, "
              f"{sum(r['cpu_seconds'] for r in rs):.0f} CPU s", flush=True)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1) + "\n")
    return 1 if total_bad else 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--count", type=int, default=10_000, help="elections per rule")
    ap.add_argument("--rules", nargs="*", help="rule names (default: all)")
    ap.add_argument("--seed", default="bench")
    ap.add_argument("--unique-every", type=int, default=50)
    ap.add_argument("--no-scaled", action="store_true", help="plain encoding only")
    ap.add_argument("--json", type=Path, help="write the figures as JSON")
    ap.add_argument("--pairs", action="store_true", help="the two-election agreement")
    ap.add_argument("--per-family", type=int, default=10_000,
                    help="pairs (--pairs) or elections (--districts --families) per family")
    ap.add_argument("--families", nargs="*", help="families (default: all)")
    ap.add_argument("--old", action="store_true", help="--districts: an encoding built for each election")
    ap.add_argument("--districts", action="store_true",
                    help="the districted encoding (hemicycle.verify.district_agreement)")
    args = ap.parse_args()
    if args.pairs:
        return pairs(args)
    if args.districts:
        return districts(args)
    names = args.rules or sorted(RULES)
    unknown = [n for n in names if n not in RULES]
    if unknown:
        ap.error(f"unknown rules {unknown}; known: {', '.join(sorted(RULES))}")
    print(f"{'rule':26s} {'elections':>9s} {'disagree':>8s} {'seconds':>8s} {'scaled':>7s} "
          f"{'unique':>6s} {'zero':>6s} {'tie':>6s} {'thresh':>6s} {'tieErr':>6s} {'noRes':>6s}",
          flush=True)
    runs = []
    t0 = time.monotonic()
    for name in names:
        r = run_rule(name, args.count, seed=args.seed, unique_every=args.unique_every,
                     scaled=not args.no_scaled)
        runs.append(r)
        print(f"{name:26s} {r.elections:9d} {r.disagreements:8d} {r.seconds:8.1f} {r.scaled:7d} "
              f"{r.unique:6d} {r.kinds.get('zero', 0):6d} {r.kinds.get('tie', 0):6d} "
              f"{r.kinds.get('threshold', 0):6d} {r.interpreter.get('tie', 0):6d} "
              f"{r.interpreter.get('error', 0):6d}", flush=True)
        for msg in r.messages:
            print(f"  {name}: {msg}", flush=True)
        if args.json:
            args.json.write_text(json.dumps([asdict(x) for x in runs], indent=2))
    total = sum(r.elections for r in runs)
    bad = sum(r.disagreements for r in runs)
    print(f"{'total':26s} {total:9d} {bad:8d} {time.monotonic() - t0:8.1f}", flush=True)
    return 1 if bad else 0


def pairs(args: argparse.Namespace) -> int:
    from hemicycle.verify.pairs import FAMILIES, PROPERTIES, family_plan
    from hemicycle.verify.pairs import run_rule as run_pairs

    families = args.families or list(FAMILIES)
    runs = []
    t0 = time.monotonic()
    print(f"{'rule':22s} {'property':24s} {'pairs':>6s} {'disagree':>8s} {'unique':>6s} "
          f"{'tieErr':>6s} {'noRes':>6s} {'seconds':>8s}", flush=True)
    for fam in families:
        print(f"== {fam}", flush=True)
        for rule, prop, count in family_plan(fam, args.per_family):
            r = run_pairs(rule, prop, count, seed=args.seed, unique_every=args.unique_every)
            runs.append((fam, r))
            print(f"{rule:22s} {prop:24s} {r.pairs:6d} {r.disagreements:8d} {r.unique:6d} "
                  f"{r.interpreter.get('tie', 0):6d} {r.interpreter.get('error', 0):6d} "
                  f"{r.seconds:8.1f}", flush=True)
            for msg in r.messages:
                print(f"  {rule} {prop}: {msg}", flush=True)
            if args.json:
                args.json.write_text(json.dumps([{"family": f, **asdict(x)} for f, x in runs],
                                                indent=2))
    print("\nper family")
    for fam in families:
        rs = [r for f, r in runs if f == fam]
        print(f"  {fam:36s} {sum(r.pairs for r in rs):7d} pairs "
              f"{sum(r.disagreements for r in rs):3d} disagreements", flush=True)
    print("per property")
    for prop in PROPERTIES:
        rs = [r for _, r in runs if r.property == prop]
        print(f"  {prop:36s} {sum(r.pairs for r in rs):7d} pairs "
              f"{sum(r.disagreements for r in rs):3d} disagreements", flush=True)
    bad = sum(r.disagreements for _, r in runs)
    print(f"total {sum(r.pairs for _, r in runs)} pairs, {bad} disagreements, "
          f"{time.monotonic() - t0:.0f} s", flush=True)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
