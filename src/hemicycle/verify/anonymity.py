"""Anonymity's lemmas (each variable of the permuted election equals its counterpart in the first)
and its case of other admitted lists, asked of the admission-only encoding.

The anonymity query allocates an election A and the same election with its lists permuted (B's
list i is A's list ``perm[i]``). Where both admit the same lists, B's integer parts, method seats,
guarantee layers and seats are A's permuted: the encoder builds both allocations step by step in
the same order and names every fresh variable by what it holds and, for one list's figure, the
list (``f3``, ``s3``, ``g.s3``: see ``Ctx.name``), so B's k-th ``g.s3`` is the counterpart of A's
k-th ``g.s{perm[2] + 1}``. These equations are only *candidates*: each is proved (on its cone,
verify/cones.py) before it is used, and one that is not proved is left out, so a wrong pairing
costs time, never an answer.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import z3

from hemicycle.verify.cones import creation
from hemicycle.verify.encoder import TierEnc, encode_tier
from hemicycle.verify.problem import Part, Problem, Query
from hemicycle.verify.symbolic import Ctx, derive

_LIST = re.compile(r"^(.*?)(\d+)$")


def mark(ctx: Ctx) -> int:
    """The encoder's counter now: variables named after this are newer."""
    return creation(ctx.name("mark"))


def _defined(ctx: Ctx, lo: int, hi: int) -> list[z3.ArithRef]:
    """The arithmetic variables created in (lo, hi], in order: each stands on the left of a
    constraint of its own (a definition ``x == ...`` or a bound ``x >= lo``)."""
    seen: dict[str, z3.ArithRef] = {}
    for c in ctx.cons:
        if c.num_args() != 2:
            continue
        x = c.arg(0)
        if z3.is_const(x) and x.decl().kind() == z3.Z3_OP_UNINTERPRETED and z3.is_arith(x):
            name = x.decl().name()
            if lo < creation(name) <= hi:
                seen.setdefault(name, x)
    return sorted(seen.values(), key=lambda x: creation(x.decl().name()))


def _key(ctx: Ctx, x: z3.ArithRef) -> tuple[str, int | None]:
    """(what the variable holds, its list from 0, or None for a figure of no one list)."""
    base = x.decl().name()[len(ctx.prefix):].rsplit("!", 1)[0]
    m = _LIST.match(base)
    return (m.group(1), int(m.group(2)) - 1) if m else (base, None)


def paired_lemmas(ctx: Ctx, start: int, mid: int, end: int, perm: list[int]) -> list[z3.BoolRef]:
    """``b == a`` for each variable b of B (created in (mid, end]) and its counterpart a in A
    (created in (start, mid]): the same kind, for list ``perm[i]`` when b is list i's, the same
    occurrence; in B's order of creation (the earlier ones are the later ones' cut)."""
    occurrences: dict[tuple[str, int | None], list[z3.ArithRef]] = {}
    for x in _defined(ctx, start, mid):
        occurrences.setdefault(_key(ctx, x), []).append(x)
    seen: dict[tuple[str, int | None], int] = {}
    out = []
    for y in _defined(ctx, mid, end):
        what, i = _key(ctx, y)
        k = seen.get((what, i), 0)
        seen[(what, i)] = k + 1
        mine = occurrences.get((what, None if i is None else perm[i] if i < len(perm) else -1), [])
        if k < len(mine) and mine[k].sort() == y.sort():
            out.append(y == mine[k])
    return out


def other_admitted(p: Problem, label: str, perm: list[int],
                   same_admitted: Callable[[TierEnc, TierEnc, int, list[int]], z3.BoolRef]) -> Query:
    """The case where B admits other lists than A's permuted, asked of the admission-only
    encoding (``encode_tier(method=False)``: thresholds, conditions and admission as they are,
    every seat and every flag of the method a free variable). Every election of the case with
    no tie broken is a model of it (its seats and flags give the free ones), so where this
    query has no model, neither has the case (it is empty: a permutation keeps which lists pass
    and are admitted when no tie is broken); a model is only a lead (``refutes=False``), which
    the property's fallback (the case on the whole encoding) settles."""
    n = p.n
    ctx = p.ctx()
    e = p.election(ctx, "A")
    a = encode_tier(ctx, p.tier, e, label="A", method=False)
    e2 = derive(ctx, e, [e.votes[perm[i]] for i in range(n)], "A permuted")
    e2.tags = {t: [vs[perm[i]] for i in range(n)] for t, vs in e.tags.items()}
    b = encode_tier(ctx, p.tier, e2, label="A permuted", method=False)
    differ = z3.Or([b.seats[i] != a.seats[perm[i]] for i in range(n)])
    return Query(label, ctx, [a.defined, b.defined, z3.Not(a.tie_used), z3.Not(b.tie_used)], differ,
                 [a, b], case=z3.Not(same_admitted(a, b, n, perm)), objective=p.total_votes(e),
                 parts=[Part("admission only", z3.BoolVal(True), refutes=False)])
