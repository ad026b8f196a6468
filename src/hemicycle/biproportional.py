"""Biproportional apportionment of a vote matrix, exactly (integers and Fractions, no floats).

Given a matrix of votes (rows: parties, columns: districts), the seats each row must get (the
upper apportionment) and the seats each column has (the district magnitudes), find row divisors
and column divisors such that every cell's seats are the rounding of ``votes / (row divisor x
column divisor)`` by a divisor method's signposts, and every row and column sum holds.

The signposts are the method's divisors ``d(0) <= d(1) <= ...`` (``model.Divisor.divisor``): a
cell with quotient ``q`` may hold ``x`` seats when ``d(x-1) <= q <= d(x)`` (``d(-1) = 0``), so
Sainte-Lague (1, 3, 5, ...) rounds ``q / 2`` to the nearest whole number and D'Hondt (1, 2, 3, ...)
rounds down. A cell with no votes (no list there) holds no seat.

The method (docs/language.md, 'Biproportional apportionment'):

1. *Feasibility*: a matrix with the required sums and seats only in cells with votes must exist
   (a maximum flow); if none does, ``NoSolution`` names the rows that cannot be served and the
   columns they stand in. Nothing is guessed.
2. *Alternating scaling*: every column apportioned by its divisor (rows' multipliers fixed), then
   every row by its divisor (columns' fixed), and so on, each divisor the simplest fraction in the
   interval that gives those seats, until both sums hold or ``ROUNDS`` rounds have passed.
3. *Tie and transfer* (Balinski and Demange) from the last column-feasible state: a seat is moved
   along a path of cells at a signpost from a row with too many seats to a row with too few; when
   no path exists, the multipliers of the rows reached are scaled by the smallest factor that puts
   a new cell on a signpost. This always ends, exactly.
4. *Uniqueness*: the result is the only one unless a cycle of cells at signposts lets seats move
   while every sum holds (a tie); ``tied_cycle`` names those cells.

Rows and columns are multiplied by ``row_scale[i]`` and ``col_scale[j]``: a cell's quotient is
``votes * row_scale * col_scale``; the divisors are their reciprocals (``Solution``).
"""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from itertools import pairwise
from math import lcm

Signpost = Callable[[int], Fraction | None]  # d(k): the quotient at which a cell's (k+1)-th seat begins

ROUNDS = 4  # alternating-scaling rounds (columns, then rows) before tie and transfer finishes the job
INF = float("inf")  # only as a capacity marker in the flow, never in arithmetic on figures


class NoSolution(Exception):
    """No matrix meets both sums with seats only where there are votes."""

    def __init__(self, message: str, rows: Sequence[int], cols: Sequence[int]) -> None:
        super().__init__(message)
        self.rows, self.cols = tuple(rows), tuple(cols)


@dataclass
class Solution:
    seats: list[list[int]]
    row_divisors: list[Fraction]  # 1 / row_scale
    col_divisors: list[Fraction]  # 1 / col_scale
    rounds: int = 0  # alternating-scaling half-steps (columns, rows, columns ...) made
    transfers: int = 0  # seats moved by tie and transfer
    scalings: int = 0  # divisor updates by tie and transfer
    history: list[str] = field(default_factory=list)  # one line per half-step, for the protocol


# --- small exact helpers ------------------------------------------------------------------------------


def simplest_between(lo: Fraction, hi: Fraction | None) -> Fraction:
    """The fraction with the smallest denominator (then numerator) strictly inside ``(lo, hi)``
    (``hi`` None: unbounded), or ``lo`` itself when ``lo == hi``; ``0 <= lo``."""
    if hi is not None and lo == hi:
        return lo
    assert hi is None or 0 <= lo < hi
    return _simplest_open(lo, hi)


def _simplest_open(lo: Fraction, hi: Fraction | None) -> Fraction:
    # the Stern-Brocot descent by continued fractions
    fl = lo.numerator // lo.denominator
    if hi is None or fl + 1 < hi:
        return Fraction(fl + 1)
    lo2, hi2 = lo - fl, hi - fl  # 0 <= lo2 < hi2 <= 1
    inner = _simplest_open(1 / hi2, None if lo2 == 0 else 1 / lo2)
    return fl + 1 / inner


def rounding_bounds(w: Fraction, x: int, d: Signpost) -> tuple[Fraction, Fraction | None]:
    """For a cell of weight ``w > 0`` holding ``x`` seats: the multipliers ``s`` for which ``w * s``
    rounds to ``x`` are ``[low, high]`` (``high`` None: unbounded)."""
    low = Fraction(0) if x == 0 else (d(x - 1) or Fraction(0)) / w
    top = d(x)
    return low, (None if top is None else top / w)


def apportion_line(weights: Sequence[Fraction], seats: int, d: Signpost) -> tuple[list[int], Fraction, Fraction | None]:
    """``seats`` seats among ``weights`` (0: no list) by highest quotients ``w / d(k)``, and the
    interval of multipliers that gives them. Ties at the cut go to the lower index (the uniqueness
    check catches a tie that matters). Compared in integers: the weights and the divisors are each
    brought to a common denominator."""
    n = len(weights)
    x = [0] * n
    live = [i for i in range(n) if weights[i] > 0]
    table = _table(d, seats)
    den = 1
    for i in live:
        den = lcm(den, weights[i].denominator)
    big = [weights[i].numerator * (den // weights[i].denominator) for i in range(n)]  # w * den, whole
    heap: list[_Quotient] = []  # each live cell's next quotient w / d(x), the highest first
    for i in live:
        top = table[0]
        if top is not None:
            heap.append(_key(big[i], top, i))
    heapq.heapify(heap)
    for _ in range(seats):
        if not heap:
            raise NoSolution("the divisor sequence runs out before every seat is given", live, ())
        i = heapq.heappop(heap).i
        x[i] += 1
        nxt = table[x[i]] if x[i] < len(table) else d(x[i])
        if nxt is not None:
            heapq.heappush(heap, _key(big[i], nxt, i))
    # the multipliers s with d(x-1) <= w s <= d(x) for every cell: s in [max d(x-1)/w, min d(x)/w],
    # kept as integer pairs (d * den / big) and made Fractions once
    lo_n, lo_d, hi_n, hi_d = 0, 1, -1, 1
    for i in live:
        xi, b = x[i], big[i]
        if xi > 0:
            low = table[xi - 1] if xi - 1 < len(table) else d(xi - 1)
            if low:
                num, dd = low.numerator * den, low.denominator * b
                if num * lo_d > lo_n * dd:
                    lo_n, lo_d = num, dd
        top = table[xi] if xi < len(table) else d(xi)
        if top is not None:
            num, dd = top.numerator * den, top.denominator * b
            if hi_n < 0 or num * hi_d < hi_n * dd:
                hi_n, hi_d = num, dd
    return x, Fraction(lo_n, lo_d), (None if hi_n < 0 else Fraction(hi_n, hi_d))


class _Quotient:
    """w / D as a heap key: larger quotients first, then the lower index; compared in integers."""

    __slots__ = ("den", "i", "num")

    def __init__(self, num: int, den: Fraction, i: int) -> None:
        self.num, self.den, self.i = num * den.denominator, den.numerator, i

    def __lt__(self, other: _Quotient) -> bool:
        if self.den == 0 or other.den == 0:  # a zero divisor: an infinite quotient
            if self.den == 0 and other.den == 0:
                return self.i < other.i
            return self.den == 0
        left, right = self.num * other.den, other.num * self.den
        return left > right or (left == right and self.i < other.i)


def _key(num: int, den: Fraction, i: int) -> _Quotient:
    return _Quotient(num, den, i)


_TABLES: dict[Signpost, list[Fraction | None]] = {}


def _table(d: Signpost, seats: int) -> list[Fraction | None]:
    """d(0), d(1), ... d(seats), made once per signpost function (and grown when needed)."""
    table = _TABLES.get(d)
    if table is None:
        if len(_TABLES) > 64:
            _TABLES.clear()
        table = _TABLES[d] = []
    while len(table) <= seats:
        table.append(d(len(table)))
    return table


# --- feasibility: a maximum flow ------------------------------------------------------------------------


def check_feasible(votes: Sequence[Sequence[int]], rows: Sequence[int], cols: Sequence[int], d: Signpost) -> None:
    """Raise ``NoSolution`` unless some matrix meets ``rows`` and ``cols`` with seats only in cells
    with votes (at least one seat in each such cell when ``d(0) = 0``; at most as many as the
    divisor sequence has terms)."""
    nr, nc = len(rows), len(cols)
    if sum(rows) != sum(cols):
        raise NoSolution(f"the rows need {sum(rows)} seats but the columns have {sum(cols)}", range(nr), range(nc))
    low = 1 if d(0) == 0 else 0
    cap_cell = _sequence_length(d)
    r = [rows[i] - low * sum(1 for j in range(nc) if votes[i][j] > 0) for i in range(nr)]
    c = [cols[j] - low * sum(1 for i in range(nr) if votes[i][j] > 0) for j in range(nc)]
    bad_r = [i for i in range(nr) if r[i] < 0]
    bad_c = [j for j in range(nc) if c[j] < 0]
    if bad_r or bad_c:
        raise NoSolution("every list with votes in a cell must get a seat there (the first divisor is 0), "
                         "and there are more such cells than seats", bad_r, bad_c)
    # nodes: 0 source, 1..nr rows, nr+1..nr+nc columns, nr+nc+1 sink
    n = nr + nc + 2
    sink = n - 1
    cap: dict[tuple[int, int], float] = {}
    adj: list[list[int]] = [[] for _ in range(n)]

    def edge(a: int, b: int, k: float) -> None:
        if (a, b) not in cap:
            adj[a].append(b)
            adj[b].append(a)
            cap.setdefault((b, a), 0)
        cap[(a, b)] = cap.get((a, b), 0) + k

    for i in range(nr):
        edge(0, 1 + i, r[i])
        for j in range(nc):
            if votes[i][j] > 0:
                edge(1 + i, 1 + nr + j, INF if cap_cell is None else cap_cell - low)
    for j in range(nc):
        edge(1 + nr + j, sink, c[j])
    flow = 0
    while True:
        parent = {0: 0}
        queue = deque([0])
        while queue and sink not in parent:
            a = queue.popleft()
            for b in adj[a]:
                if b not in parent and cap[(a, b)] > 0:
                    parent[b] = a
                    queue.append(b)
        if sink not in parent:
            break
        path = []
        b = sink
        while b != 0:
            path.append((parent[b], b))
            b = parent[b]
        push = min(cap[e] for e in path)
        for a, b in path:
            cap[(a, b)] -= push
            cap[(b, a)] += push
        flow += int(push)
    if flow < sum(r):
        reached = set(parent)
        bad_rows = [i for i in range(nr) if 1 + i in reached]
        bad_cols = [j for j in range(nc) if 1 + nr + j in reached]
        need = sum(rows[i] for i in bad_rows)
        have = sum(cols[j] for j in bad_cols)
        raise NoSolution(f"these rows are owed {need} seats but the only columns where they have votes hold "
                         f"{have}", bad_rows, bad_cols)


def _sequence_length(d: Signpost) -> int | None:
    """The number of terms of a finite divisor sequence (None: more than 2**20, as good as unbounded)."""
    if d(0) is None:
        return 0
    hi = 1
    while d(hi) is not None:  # d(hi // 2) exists, d(hi) ...
        if hi >= 1 << 20:
            return None
        hi *= 2
    lo = hi // 2  # d(lo) exists, d(hi) does not
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if d(mid) is None:
            hi = mid
        else:
            lo = mid
    return hi


# --- the solver ---------------------------------------------------------------------------------------


def biproportional(votes: Sequence[Sequence[int]], rows: Sequence[int], cols: Sequence[int], d: Signpost,
                   *, rounds: int = ROUNDS) -> Solution:
    """The biproportional apportionment of ``votes`` (rows x columns, 0 = no list) with row sums
    ``rows`` and column sums ``cols`` (see the module's docstring)."""
    nr, nc = len(rows), len(cols)
    check_feasible(votes, rows, cols, d)
    lam = [Fraction(1)] * nr
    mu = [Fraction(1)] * nc
    history: list[str] = []
    x = [[0] * nc for _ in range(nr)]
    steps = 0
    for _ in range(rounds):
        _columns(votes, cols, lam, mu, x, d)
        steps += 1
        off = [sum(x[i]) - rows[i] for i in range(nr)]
        history.append(f"columns apportioned: rows off by {sum(abs(o) for o in off) // 2} seat(s)")
        if not any(off):
            return Solution(x, [1 / v for v in lam], [1 / v for v in mu], steps, history=history)
        _rows(votes, rows, lam, mu, x, d)
        steps += 1
        off = [sum(x[i][j] for i in range(nr)) - cols[j] for j in range(nc)]
        history.append(f"rows apportioned: columns off by {sum(abs(o) for o in off) // 2} seat(s)")
        if not any(off):
            return Solution(x, [1 / v for v in lam], [1 / v for v in mu], steps, history=history)
    _columns(votes, cols, lam, mu, x, d)
    steps += 1
    sol = Solution(x, [], [], steps, history=history)
    _tie_and_transfer(votes, rows, lam, mu, x, d, sol)
    sol.row_divisors = [1 / v for v in lam]
    sol.col_divisors = [1 / v for v in mu]
    return sol


def _columns(votes: Sequence[Sequence[int]], cols: Sequence[int], lam: list[Fraction], mu: list[Fraction],
             x: list[list[int]], d: Signpost) -> None:
    nr = len(lam)
    for j, c in enumerate(cols):
        weights = [votes[i][j] * lam[i] if votes[i][j] > 0 else Fraction(0) for i in range(nr)]
        got, lo, hi = apportion_line(weights, c, d)
        for i in range(nr):
            x[i][j] = got[i]
        mu[j] = _pick(lo, hi, mu[j])


def _rows(votes: Sequence[Sequence[int]], rows: Sequence[int], lam: list[Fraction], mu: list[Fraction],
          x: list[list[int]], d: Signpost) -> None:
    nc = len(mu)
    for i, r in enumerate(rows):
        weights = [votes[i][j] * mu[j] if votes[i][j] > 0 else Fraction(0) for j in range(nc)]
        got, lo, hi = apportion_line(weights, r, d)
        x[i] = got
        lam[i] = _pick(lo, hi, lam[i])


def _pick(lo: Fraction, hi: Fraction | None, old: Fraction) -> Fraction:
    """A multiplier in ``[lo, hi]``: the simplest fraction there (an empty line keeps its own)."""
    if lo == 0 and hi is None:
        return old
    return simplest_between(lo, hi)


def _tie_and_transfer(votes: Sequence[Sequence[int]], rows: Sequence[int], lam: list[Fraction], mu: list[Fraction],
                      x: list[list[int]], d: Signpost, sol: Solution) -> None:
    """Move seats from rows with too many to rows with too few along cells at signposts, scaling
    the divisors when no such path exists; columns keep their sums throughout."""
    nr, nc = len(rows), len(mu)

    def q(i: int, j: int) -> Fraction:
        return votes[i][j] * lam[i] * mu[j]

    def can_lose(i: int, j: int) -> bool:
        if x[i][j] == 0 or votes[i][j] == 0:
            return False
        low = d(x[i][j] - 1)
        return low is not None and low > 0 and q(i, j) == low

    def can_gain(i: int, j: int) -> bool:
        if votes[i][j] == 0:
            return False
        top = d(x[i][j])
        return top is not None and q(i, j) == top

    guard = 0
    while True:
        guard += 1
        if guard > 1_000_000:  # pragma: no cover - the method ends; this guards a defect
            raise RuntimeError("tie and transfer did not end")
        over = [i for i in range(nr) if sum(x[i]) > rows[i]]
        if not over:
            return
        start = over[0]
        row_from: dict[int, int] = {start: -1}  # row -> the column it was reached from
        col_from: dict[int, int] = {}  # column -> the row it was reached from
        queue = deque([start])
        end = -1
        while queue and end < 0:
            i = queue.popleft()
            for j in range(nc):
                if j in col_from or not can_lose(i, j):
                    continue
                col_from[j] = i
                for k in range(nr):
                    if k in row_from or not can_gain(k, j):
                        continue
                    row_from[k] = j
                    if sum(x[k]) < rows[k]:
                        end = k
                        break
                    queue.append(k)
                if end >= 0:
                    break
        if end >= 0:
            k = end
            while k != start:
                j = row_from[k]
                i = col_from[j]
                x[k][j] += 1
                x[i][j] -= 1
                k = i
            sol.transfers += 1
            continue
        factor = _scale_factor(votes, x, lam, mu, d, set(row_from), set(col_from))
        if factor is None:  # pragma: no cover - check_feasible has ruled this out
            raise NoSolution("no biproportional apportionment exists", sorted(row_from), sorted(col_from))
        for i in row_from:
            lam[i] /= factor
        for j in col_from:
            mu[j] *= factor
        sol.scalings += 1


def _scale_factor(votes: Sequence[Sequence[int]], x: list[list[int]], lam: list[Fraction], mu: list[Fraction],
                  d: Signpost, rows_in: set[int], cols_in: set[int]) -> Fraction | None:
    """The largest factor by which the reached rows' multipliers may be divided (and the reached
    columns' multiplied) with every cell still rounding to its seats: it puts a new cell on a
    signpost."""
    best: Fraction | None = None
    for i in range(len(lam)):
        for j in range(len(mu)):
            v = votes[i][j]
            if v == 0 or (i in rows_in) == (j in cols_in):
                continue
            qv = v * lam[i] * mu[j]
            if i in rows_in:  # the quotient falls: bounded by the lower signpost
                if x[i][j] == 0:
                    continue
                low = d(x[i][j] - 1)
                if not low:
                    continue
                f = qv / low
            else:  # the quotient rises: bounded by the upper signpost
                top = d(x[i][j])
                if top is None:
                    continue
                f = top / qv
            if best is None or f < best:
                best = f
    return best


# --- checking a result ----------------------------------------------------------------------------------


def holds(votes: Sequence[Sequence[int]], seats: Sequence[Sequence[int]], row_div: Sequence[Fraction],
          col_div: Sequence[Fraction], rows: Sequence[int], cols: Sequence[int], d: Signpost) -> bool:
    """True when both sums hold and every cell rounds to its seats with these divisors."""
    nr, nc = len(rows), len(cols)
    if any(sum(seats[i]) != rows[i] for i in range(nr)):
        return False
    if any(sum(seats[i][j] for i in range(nr)) != cols[j] for j in range(nc)):
        return False
    for i in range(nr):
        for j in range(nc):
            v, s = votes[i][j], seats[i][j]
            if v == 0:
                if s:
                    return False
                continue
            low, high = rounding_bounds(Fraction(v), s, d)
            m = 1 / (row_div[i] * col_div[j])
            if m < low or (high is not None and m > high):
                return False
    return True


def tied_cycle(votes: Sequence[Sequence[int]], sol: Solution, d: Signpost) -> list[tuple[int, int]] | None:
    """Cells of a cycle along which seats could move with every sum and every rounding still holding
    (another apportionment, a tie), or None when the result is unique for these divisors."""
    moves = tied_moves(votes, sol, d)
    return None if moves is None else [(i, j) for i, j, _ in moves]


def tied_moves(votes: Sequence[Sequence[int]], sol: Solution, d: Signpost,
               fixed: frozenset[tuple[int, int]] = frozenset()) -> list[tuple[int, int, int]] | None:
    """A tied cycle as moves ``(row, column, -1 | +1)``: the cells that would lose a seat and those
    that would gain one, alternating, every row and column sum and every rounding still holding for
    the same divisors; cells in ``fixed`` (decided already) take no part. None: no such cycle."""
    x = sol.seats
    nr, nc = len(x), len(x[0]) if x else 0
    lam = [1 / r for r in sol.row_divisors]
    mu = [1 / c for c in sol.col_divisors]
    # row i -> column j when (i, j) can lose a seat; column j -> row k when (k, j) can gain one
    lose = [[j for j in range(nc) if (i, j) not in fixed and votes[i][j] and x[i][j] and (d(x[i][j] - 1) or 0) > 0
             and votes[i][j] * lam[i] * mu[j] == d(x[i][j] - 1)] for i in range(nr)]
    gain = [[k for k in range(nr) if (k, j) not in fixed and votes[k][j] and d(x[k][j]) is not None
             and votes[k][j] * lam[k] * mu[j] == d(x[k][j])] for j in range(nc)]
    # a directed cycle in the bipartite graph (rows 0..nr-1, columns nr..nr+nc-1)
    state = [0] * (nr + nc)
    stack_path: list[int] = []

    def succ(node: int) -> list[int]:
        return [nr + j for j in lose[node]] if node < nr else gain[node - nr]

    for root in range(nr):
        if state[root]:
            continue
        it_stack = [(root, iter(succ(root)))]
        state[root] = 1
        stack_path = [root]
        while it_stack:
            node, it = it_stack[-1]
            nxt = next(it, None)
            if nxt is None:
                state[node] = 2
                it_stack.pop()
                stack_path.pop()
                continue
            if state[nxt] == 1:
                cyc = [*stack_path[stack_path.index(nxt):], nxt]
                return [(a, b - nr, -1) if a < nr else (b, a - nr, +1) for a, b in pairwise(cyc)]
            if state[nxt] == 0:
                state[nxt] = 1
                stack_path.append(nxt)
                it_stack.append((nxt, iter(succ(nxt))))
    return None
