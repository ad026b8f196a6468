"""hemicycle.batch_cut: the seats of every cell it keeps are the exact seat-by-seat result with no
tie at the cut; every cell with a tie at the cut (or nothing to allocate) is handed back."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from hemicycle.batch_cut import Scratch, covers, cut_block, cut_dtype
from hemicycle.highest_averages import LinearDivisors

LINES = {"dhondt": (1, 1), "sainte_lague": (2, 1), "danish": (3, 1)}


def exact(w: list[int], h: int, alpha: int, beta: int) -> tuple[list[int], bool]:
    """The seat-by-seat process in Fractions (ties to the first list) and whether the ``h``-th
    quotient ties with the next (a tie at the cut)."""
    k = len(w)
    s = [0] * k

    def quotient(i: int, at: int) -> Fraction:
        return Fraction(w[i], alpha * at + beta)

    for _ in range(h):
        q = [quotient(i, s[i]) for i in range(k)]
        s[q.index(max(q))] += 1
    nxt = max(quotient(i, s[i]) for i in range(k))
    won = [quotient(i, s[i] - 1) for i in range(k) if s[i]]
    return s, bool(won) and nxt >= min(won)


def check(lin: LinearDivisors, weights: np.ndarray, seats: np.ndarray, scratch: Scratch | None = None) -> float:
    """Every kept cell exact, every tied or empty cell handed back; returns the share handed back."""
    got, back = cut_block(lin, weights, seats, scratch)
    assert got.shape == weights.shape and back.shape == seats.shape
    for c in range(weights.shape[1]):
        w = [int(x) for x in weights[:, c]]
        if not any(w):
            assert back[c], w
            continue
        s, tied = exact(w, int(seats[c]), lin.alpha, lin.beta)
        if tied:
            assert back[c], (w, int(seats[c]))
        elif not back[c]:
            assert got[:, c].tolist() == s, (w, int(seats[c]), got[:, c].tolist())
    return float(back.mean())


def line(name: str) -> LinearDivisors:
    alpha, beta = LINES[name]
    return LinearDivisors(D=1, head=(), alpha=alpha, beta=beta)


def test_what_the_kernel_covers() -> None:
    assert all(covers(line(n)) for n in LINES)
    assert covers(LinearDivisors(D=1, head=(), alpha=1, beta=0))  # Adams: a first seat each, then as D'Hondt
    assert not covers(LinearDivisors(D=1, head=(), alpha=1, beta=2))  # Imperiali: beta > alpha
    assert not covers(LinearDivisors(D=5, head=(7,), alpha=10, beta=5))  # a first divisor of its own
    assert not covers(None)


@pytest.mark.parametrize("name", list(LINES))
@pytest.mark.parametrize("dtype", [np.int32, np.int64])
def test_random_blocks_agree_with_the_seat_by_seat_process(name: str, dtype: type) -> None:
    """Figures from a few votes (quotients tied everywhere) to a million, zero columns, lists without
    votes, magnitudes 1 to 40, in one block; the scratch arrays reused from block to block."""
    rng = np.random.default_rng(3)
    scratch = Scratch()
    shares = []
    for k, top in [(1, 9), (2, 5), (4, 40), (6, 10**6), (9, 3_000)]:
        weights = rng.integers(0, top + 1, size=(k, 250)).astype(dtype)
        weights[rng.random(weights.shape) < 0.15] = 0
        weights[:, ::11] = 0
        seats = rng.integers(1, 41, size=250)
        seats[::7] = 1
        shares.append(check(line(name), weights, seats, scratch))
    assert shares[3] < 0.1  # large figures: nearly every cell decided here (a kernel handing all back fails)


@pytest.mark.parametrize("name", list(LINES))
def test_constructed_ties_at_and_beside_the_cut(name: str) -> None:
    """Two lists with the same votes and an odd number of seats to share (a tie at the cut), the same
    with an even number (no tie), a quotient of one list equal to another's at the cut, one seat."""
    alpha, beta = LINES[name]
    cases = [([500, 500, 10, 0], 3), ([500, 500, 10, 0], 2), ([600, 200, 0, 0], 1),
             ([300 * (alpha + beta), 300 * beta, 7, 0], 2), ([4, 4, 4, 4], 2), ([4, 4, 4, 4], 4), ([1, 0, 0, 0], 5),
             ([0, 0, 9, 0], 1), ([10, 10, 0, 0], 1)]
    weights = np.array([w for w, _ in cases], dtype=np.int64).T
    seats = np.array([h for _, h in cases])
    got, back = cut_block(line(name), weights, seats)
    for c, (w, h) in enumerate(cases):
        s, tied = exact(w, h, alpha, beta)
        if tied:
            assert back[c], (w, h)
        elif not back[c]:
            assert got[:, c].tolist() == s, (w, h)
    assert back[0] and back[3] and back[4] and back[8]  # the ties at the cut
    assert not back[1] and not back[2] and not back[5] and not back[6] and not back[7]  # decided here


def test_figures_about_the_32_bit_bound_widen_or_go_exactly() -> None:
    """Weights near 2**31 in a 32-bit block: the products do not fit, so the kernel works in 64
    bits (never wraps); weights near 2**62 go to the other kernel, which hands them back."""
    lin = line("dhondt")
    rng = np.random.default_rng(5)
    near = rng.integers(2**31 // 8, 2**31 - 1, size=(3, 200)).astype(np.int32)
    assert check(lin, near, rng.integers(1, 30, size=200)) < 0.1
    assert cut_dtype(lin, 2**31 - 1, 3, 30) is np.int64
    assert cut_dtype(lin, 10**6, 6, 36) is np.int32
    huge = rng.integers(2**61, 2**62, size=(3, 50)).astype(np.int64)
    _, back = cut_block(lin, huge, np.full(50, 5))
    assert back.all()


def test_strided_inputs_are_read_as_their_values() -> None:
    """A block given as a transposed or sliced view (not row-major) gives the same seats: the steps
    write through flat views of row-major copies."""
    lin = line("dhondt")
    rng = np.random.default_rng(8)
    weights = rng.integers(0, 10**5, size=(300, 5)).astype(np.int32).T  # column-major
    seats = rng.integers(1, 20, size=300)
    a, back_a = cut_block(lin, weights, seats)
    b, back_b = cut_block(lin, np.ascontiguousarray(weights), seats)
    assert (back_a == back_b).all() and (a[:, ~back_a] == b[:, ~back_b]).all()
    check(lin, weights[:, ::2], seats[::2])


def test_adams_gives_each_list_with_votes_a_first_seat_then_goes_as_dhondt() -> None:
    """Divisors k (Adams, d(0) = 0): every list with votes has a seat first; cells with fewer seats
    than such lists (the first quotients tie) are handed back; the rest agree with the seat-by-seat
    process, whose first quotients are infinite."""
    lin = LinearDivisors(D=1, head=(), alpha=1, beta=0)
    assert covers(lin)
    rng = np.random.default_rng(9)
    weights = rng.integers(0, 5_000, size=(5, 300)).astype(np.int32)
    weights[rng.random(weights.shape) < 0.2] = 0
    seats = rng.integers(1, 25, size=300)
    got, back = cut_block(lin, weights, seats)
    big = 10**12  # above every finite quotient: the first seats
    for c in range(300):
        w = [int(x) for x in weights[:, c]]
        h, lists = int(seats[c]), sum(1 for x in w if x)
        if lists == 0 or h < lists:
            assert back[c]
            continue
        s = [0] * 5

        def quotient(i: int, at: int, w: list[int] = w) -> Fraction:
            return Fraction(big) if at == 0 and w[i] else Fraction(w[i], max(at, 1)) if at else Fraction(0)

        for _ in range(h):
            q = [quotient(i, s[i]) for i in range(5)]
            s[q.index(max(q))] += 1
        nxt = max(quotient(i, s[i]) for i in range(5))
        tied = nxt >= min(quotient(i, s[i] - 1) for i in range(5) if s[i])
        if tied:
            assert back[c], (w, h)
        elif not back[c]:
            assert got[:, c].tolist() == s, (w, h)
    assert back.mean() < 0.5


@pytest.mark.parametrize("name", list(LINES))
def test_one_magnitude_for_every_cell_is_as_the_same_magnitude_per_cell(name: str) -> None:
    """A district's block with its magnitude given once (one figure) gives the seats and hand-backs of
    the same magnitude given per cell; 64-bit weights small enough for 32-bit products give those of
    the same weights in 32 bits; both agree with the seat-by-seat process."""
    rng = np.random.default_rng(12)
    weights = rng.integers(0, 400_000, size=(5, 400))
    weights[rng.random(weights.shape) < 0.2] = 0
    weights[:, ::37] = 0
    weights[:2, 5::41] = 1000  # two lists with the same votes: ties at the cut at odd magnitudes
    for h in (1, 6, 7, 36):
        one, back_one = cut_block(line(name), weights, h)
        many, back_many = cut_block(line(name), weights, np.full(400, h))
        narrow, back_narrow = cut_block(line(name), weights.astype(np.int32), h)
        assert (back_one == back_many).all() and (back_one == back_narrow).all()
        assert (one == many).all() and (one[:, ~back_one] == narrow[:, ~back_one]).all()
        assert one.dtype == np.int64 and narrow.dtype == np.int32
        check(line(name), weights, np.full(400, h))
