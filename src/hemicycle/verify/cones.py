"""Proofs on cones: a query's lemmas, and the query itself, first asked of a small part of it.

A query is a list of assertions (the encoding's constraints, its assumptions, its case, its
proved normalisations and its negated property). A fact that follows from *some* of them follows
from all of them, and if some of them are contradictory, so are all: so a lemma may be proved,
and the query shown unsatisfiable, from any sub-list. A model of a sub-list proves nothing (it
may not extend to the rest), so a lemma that is not proved on its cone is left out, and a query
that is not unsatisfiable on its cone goes to the whole solver as before: a cone can make a
proof faster, never change an answer.

The cone of a goal: the constraints that define the goal's variables, and those that define
theirs, and so on (a constraint *defines* the newest variable in it, the encoder naming each
fresh variable with a counter in order of creation), stopping at the **cut** (the variables that
earlier lemmas already tie down: their definitions are left out, the lemmas stand in for them),
and every conjunct of the assumptions and every proved lemma whose variables are all in the cone.
Asked of Z3's simple solver (no pre-processing of the whole problem), a lemma about two lists of
two related elections is a question about a few dozen assertions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import z3
from z3 import z3core

from hemicycle.verify.solving import check, left

_INDEX = re.compile(r"!(\d+)$")
# seconds for one lemma on its cone (each is about a few lists; one that takes longer is left out)
LEMMA_SECONDS = 5.0


def creation(name: str) -> int:
    """The encoder's counter in a variable's name (``q1.f3!52`` -> 52; -1 without one)."""
    m = _INDEX.search(name)
    return int(m.group(1)) if m else -1


def conjuncts(e: z3.BoolRef) -> Iterator[z3.BoolRef]:
    """The top-level conjuncts of ``e`` (``Not(Or(...))`` is read as a conjunction too)."""
    stack = [e]
    while stack:
        x = stack.pop()
        if z3.is_and(x):
            stack.extend(reversed(x.children()))
        elif z3.is_not(x) and z3.is_or(x.arg(0)):
            stack.extend(z3.Not(c) for c in reversed(x.arg(0).children()))
        elif not z3.is_true(x):
            yield x


def _unchecked(fn: Any) -> Any:
    """The C function behind a z3core wrapper, without the error check after every call (the
    walk below makes about a million calls that cannot fail); the wrapper where the generated
    module has another shape."""
    d = getattr(fn, "__defaults__", None)
    return d[0].f if d and hasattr(d[0], "f") else fn


_ID, _KIND, _NARGS, _ARG, _DECL, _DKIND, _DNAME, _SYMBOL = (_unchecked(f) for f in (
    z3core.Z3_get_ast_id, z3core.Z3_get_ast_kind, z3core.Z3_get_app_num_args, z3core.Z3_get_app_arg,
    z3core.Z3_get_app_decl, z3core.Z3_get_decl_kind, z3core.Z3_get_decl_name,
    z3core.Z3_get_symbol_string))
_NONE: frozenset[str] = frozenset()


class Variables:
    """The free variables of Z3 terms (by name), each shared sub-term walked once. The walk
    reads Z3's terms through its C interface (the Python objects for every sub-term cost 6x
    the time); the terms asked about must stay alive while this object is used (its memo is
    keyed by Z3's term ids)."""

    def __init__(self) -> None:
        self._memo: dict[int, frozenset[str]] = {}
        self._c = z3.main_ctx().ref()

    def __call__(self, e: z3.ExprRef) -> frozenset[str]:
        memo, c = self._memo, self._c
        root = e.as_ast()
        rid = _ID(c, root)
        stack = [(root, rid, False)]
        while stack:
            a, i, kids_done = stack.pop()
            if i in memo:
                continue
            if _KIND(c, a) != z3.Z3_APP_AST:  # numerals, quantifiers' variables: none here
                memo[i] = _NONE
                continue
            n = _NARGS(c, a)
            if n == 0:
                d = _DECL(c, a)
                memo[i] = (frozenset((_SYMBOL(c, _DNAME(c, d)).decode(),))
                           if _DKIND(c, d) == z3.Z3_OP_UNINTERPRETED else _NONE)
                continue
            kids = [_ARG(c, a, k) for k in range(n)]
            ids = [_ID(c, k) for k in kids]
            if kids_done:
                memo[i] = frozenset().union(*(memo[j] for j in ids))
                continue
            stack.append((a, i, True))
            stack.extend((k, j, False) for k, j in zip(kids, ids, strict=True) if j not in memo)
        return memo[rid]


@dataclass
class Cones:
    """The constraints of a query (each with its variables and the one it defines) and the
    facts it may use without a definition (assumption conjuncts, proved lemmas)."""

    cons: list[z3.BoolRef]
    given: list[z3.BoolRef]
    variables: Variables = field(default_factory=Variables)

    def __post_init__(self) -> None:
        self._cons = []
        for c in self.cons:
            vs = self.variables(c)
            self._cons.append((c, vs, max(vs, key=creation) if vs else None))
        self._given = [(g, self.variables(g)) for g in self.given]

    def cone(self, goal: z3.ExprRef, cut: set[str], facts: Iterable[z3.BoolRef] = ()) -> list[z3.BoolRef]:
        """The sub-list of the constraints, given conjuncts and ``facts`` that the cone of
        ``goal`` holds (see the module's docstring); every element is one of the inputs."""
        reach = set(self.variables(goal))
        taken = [False] * len(self._cons)
        grew = True
        while grew:
            grew = False
            for k, (_, vs, head) in enumerate(self._cons):
                if not taken[k] and head is not None and head in reach and head not in cut:
                    taken[k] = True
                    reach |= vs
                    grew = True
        out = [c for k, (c, _, _) in enumerate(self._cons) if taken[k]]
        out += [g for g, vs in self._given if vs <= reach]
        out += [f for f in facts if self.variables(f) <= reach]
        return out


def solve_on_cones(cons: list[z3.BoolRef], given: list[z3.BoolRef], lemmas: list[z3.BoolRef],
                   violation: z3.BoolRef, deadline: float) -> tuple[list[z3.BoolRef], bool]:
    """Prove each lemma on its cone (the earlier ones as facts and as the cut) and then ask the
    violation on its cone. ``given``: the query's assumptions, case and proved normalisations
    (each asserted in the solver the lemmas go to). Returns the lemmas proved and whether the
    violation is unsatisfiable on its cone (then on the whole query too)."""
    cones = Cones(cons, [g for x in given for g in conjuncts(x)])
    facts: list[z3.BoolRef] = []
    cut: set[str] = set()
    for lemma in lemmas:
        if left(deadline) <= 0:
            return facts, False
        s = z3.SimpleSolver()
        s.add(*cones.cone(lemma, cut, facts), z3.Not(lemma))
        r, _ = check(s, left(deadline, LEMMA_SECONDS))
        if r == z3.unsat:
            facts.append(lemma)
            cut |= cones.variables(lemma)
    if left(deadline) <= 0:
        return facts, False
    s = z3.SimpleSolver()
    s.add(*cones.cone(violation, cut, facts), violation)
    r, _ = check(s, left(deadline))
    return facts, r == z3.unsat
