"""Properties on many small random events: every schedule is valid, never below the naive
greedy, and on events small enough for exhaustive search, the optimum.

Hypothesis draws the seeds of :func:`builders.random_instance`; ``derandomize`` keeps the
drawn seeds the same from run to run, so a failure here is a failure every time.
"""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matchmaking.scheduling import Meeting, Solution, parse_instance, solve, validate
from matchmaking.scheduling.compiled import compile_instance
from matchmaking.scheduling.engine import to_solution
from matchmaking.scheduling.greedy import naive_greedy
from matchmaking.scheduling.validator import check_meetings
from tests.matchmaking.scheduling.builders import random_instance

# The suite's autouse fixtures (media folder, language, cache) are harmless across examples.
PROPERTY = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def exhaustive_best(instance) -> int:
    """The best priority total, by trying every (slot, venue) or "left out" for every request,
    pruned only by the validator's own rules and by what the rest could still add."""
    requests = sorted(instance.requests, key=lambda r: -r.priority)
    options = [(slot.id, venue.id) for slot in instance.slots for venue in instance.venues]
    best = 0

    def search(index: int, meetings: list[Meeting], total: int) -> None:
        nonlocal best
        best = max(best, total)
        if index == len(requests):
            return
        if total + sum(r.priority for r in requests[index:]) <= best:
            return
        request = requests[index]
        for slot, venue in options:
            meetings.append(Meeting(request.id, slot, venue))
            if not check_meetings(instance, Solution(meetings=tuple(meetings), unscheduled=())):
                search(index + 1, meetings, total + request.priority)
            meetings.pop()
        search(index + 1, meetings, total)

    search(0, [], 0)
    return best


@PROPERTY
@given(seed=st.integers(min_value=0, max_value=10**9))
def test_solve_random_event_is_valid_and_never_below_naive_greedy(seed):
    instance = parse_instance(
        random_instance(seed, participants=8, requests=14, slots_per_day=5, days=2, venues=3)
    )
    naive = validate(instance, to_solution(naive_greedy(compile_instance(instance))))

    report = validate(instance, solve(instance, time_limit=10, work=0.3).solution)

    assert report.violations == ()
    assert naive.violations == ()
    assert report.priority_total >= naive.priority_total


@settings(PROPERTY, max_examples=40)
@given(seed=st.integers(min_value=0, max_value=10**9))
def test_solve_tiny_random_event_reaches_the_exhaustive_optimum(seed):
    instance = parse_instance(
        random_instance(seed, participants=5, requests=6, slots_per_day=4, days=1, venues=2)
    )

    report = validate(instance, solve(instance, time_limit=10, work=0.3).solution)

    assert report.violations == ()
    assert report.priority_total == exhaustive_best(instance)


@settings(PROPERTY, max_examples=30)
@given(seed=st.integers(min_value=0, max_value=10**9), lock_index=st.integers(0, 100))
def test_solve_random_event_keeps_a_locked_meeting(seed, lock_index):
    data = random_instance(seed, participants=6, requests=8, slots_per_day=4, days=1, venues=2)
    # Lock one meeting where the naive greedy put it, so the lock is always feasible.
    plain = parse_instance(data)
    placed = to_solution(naive_greedy(compile_instance(plain))).meetings
    if not placed:
        return
    meeting = placed[lock_index % len(placed)]
    for request in data["requests"]:
        if request["id"] == meeting.request:
            request["locked"] = {"slot": meeting.slot, "venue": meeting.venue}
    instance = parse_instance(data)

    solution = solve(instance, time_limit=10, work=0.3).solution

    assert validate(instance, solution).violations == ()
    assert meeting in solution.meetings
