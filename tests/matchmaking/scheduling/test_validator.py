"""The validator names every broken rule of FORMAT.md and recomputes total and holes."""

import pytest

from matchmaking.scheduling import Meeting, Solution, parse_instance, validate
from matchmaking.scheduling.solution import Reason, ReasonCode, Unscheduled
from matchmaking.scheduling.validator import Violation, check_meetings
from tests.matchmaking.scheduling.builders import slots


@pytest.fixture
def instance():
    """Day one 09:00-11:00 in four slots and day two 09:00; a hall of one table and a lab of
    two, 30 minutes apart; a far venue reachable from neither."""
    return parse_instance(
        {
            "format": "b2b-schedule/1",
            "name": "rules",
            "slots": slots(4) + slots(1, day=1),
            "venues": [
                {"id": "hall", "tables": 1},
                {"id": "lab", "tables": 2},
                {"id": "far", "tables": 2},
            ],
            "travel_minutes": [{"from": "hall", "to": "lab", "minutes": 30}],
            "participants": [
                {"id": "c1", "kind": "company"},
                {"id": "c2", "kind": "company", "unavailable": ["d1-0900"], "max_meetings": 1},
                {"id": "c3", "kind": "company"},
                {"id": "p1", "kind": "partner", "venue": "lab"},
                {"id": "p2", "kind": "partner"},
                {"id": "p3", "kind": "partner", "venue": "far"},
                {"id": "p4", "kind": "partner"},
            ],
            "requests": [
                {"id": "r1", "a": "c1", "b": "p1", "priority": 3},
                {"id": "r2", "a": "c1", "b": "p2", "priority": 2},
                {"id": "r3", "a": "c2", "b": "p2", "slots": 2},
                {"id": "r4", "a": "c1", "b": "p3"},
                {"id": "r5", "a": "c2", "b": "p4"},
                {"id": "r6", "a": "c3", "b": "p4", "priority": 2},
                {
                    "id": "r7",
                    "a": "c3",
                    "b": "p2",
                    "locked": {"slot": "d2-0900", "venue": "hall"},
                },
            ],
        }
    )


VALID = (
    Meeting("r1", "d1-0900", "lab"),
    Meeting("r2", "d1-1030", "hall"),
    Meeting("r3", "d1-0930", "hall"),
    Meeting("r4", "d2-0900", "far"),
    Meeting("r6", "d1-0900", "lab"),
    Meeting("r7", "d2-0900", "hall"),
)
LEFT_OUT = (Unscheduled("r5", Reason(ReasonCode.CAP, participants=("c2",), numbers=(1,))),)


def meetings_only(*meetings: Meeting) -> Solution:
    return Solution(meetings=meetings, unscheduled=())


def test_validate_valid_solution_has_no_violation_and_its_figures(instance):
    report = validate(instance, Solution(meetings=VALID, unscheduled=LEFT_OUT))

    assert report.violations == ()
    assert (report.priority_total, report.scheduled, report.requested, report.holes) == (
        10,
        6,
        7,
        2,
    )


@pytest.mark.parametrize(
    ("meetings", "expected"),
    [
        (
            (Meeting("r3", "d1-0900", "hall"),),
            [Violation("availability", "r3", "c2 is unavailable in 'd1-0900'")],
        ),
        (
            (Meeting("r3", "d1-1030", "hall"),),
            [
                Violation(
                    "consecutive", "r3", "2 slots from 'd1-1030' are not back to back in the grid"
                )
            ],
        ),
        ((Meeting("r9", "d1-0900", "hall"),), [Violation("unknown", "r9", "no such request")]),
        (
            (Meeting("r2", "d9-0900", "hall"),),
            [Violation("unknown", "r2", "no such slot 'd9-0900'")],
        ),
        (
            (Meeting("r2", "d1-0900", "moon"),),
            [Violation("unknown", "r2", "no such venue 'moon'")],
        ),
        (
            (Meeting("r1", "d1-0900", "hall"),),
            [Violation("venue", "r1", "p1 hosts at 'lab', not 'hall'")],
        ),
        (
            (Meeting("r1", "d1-0900", "lab"), Meeting("r2", "d1-0900", "lab")),
            [Violation("overlap", "r2", "c1 is already in request 'r1' in 'd1-0900'")],
        ),
        (
            (Meeting("r2", "d1-0900", "hall"), Meeting("r6", "d1-0900", "hall")),
            [Violation("tables", "r6", "'hall' holds more than its 1 tables in 'd1-0900'")],
        ),
        (
            (Meeting("r1", "d1-0900", "lab"), Meeting("r2", "d1-0930", "hall")),
            [
                Violation(
                    "travel", "r2", "c1 has 0 min to go from 'lab' to 'hall', which takes 30 min"
                )
            ],
        ),
        (
            (Meeting("r1", "d1-0900", "lab"), Meeting("r4", "d1-1030", "far")),
            [
                Violation(
                    "travel",
                    "r4",
                    "c1 meets at 'lab' and 'far' on one day, and no travel time joins them",
                )
            ],
        ),
        (
            (Meeting("r3", "d1-0930", "hall"), Meeting("r5", "d2-0900", "lab")),
            [Violation("max_meetings", "r5", "c2 has 2 meetings, more than its max_meetings 1")],
        ),
        (
            (Meeting("r7", "d1-0900", "hall"),),
            [
                Violation(
                    "locked",
                    "r7",
                    "locked at 'd2-0900' in 'hall', placed at 'd1-0900' in 'hall'",
                )
            ],
        ),
    ],
)
def test_check_meetings_broken_rule_is_named(instance, meetings, expected):
    assert check_meetings(instance, meetings_only(*meetings)) == expected


def test_check_meetings_travel_across_a_day_is_allowed_for_unreachable_venues(instance):
    meetings = (Meeting("r1", "d1-0900", "lab"), Meeting("r4", "d2-0900", "far"))

    assert check_meetings(instance, meetings_only(*meetings)) == []


def test_check_meetings_travel_exactly_long_enough_is_allowed(instance):
    meetings = (Meeting("r1", "d1-0900", "lab"), Meeting("r2", "d1-1000", "hall"))

    assert check_meetings(instance, meetings_only(*meetings)) == []


def test_validate_request_missing_is_named(instance):
    report = validate(instance, Solution(meetings=VALID[1:], unscheduled=LEFT_OUT))

    assert report.violations == (
        Violation("coverage", "r1", "neither in meetings nor unscheduled"),
    )


def test_validate_request_twice_is_named(instance):
    twice = (*LEFT_OUT, Unscheduled("r1", Reason(ReasonCode.NOT_PLACED)))

    report = validate(instance, Solution(meetings=VALID, unscheduled=twice))

    assert report.violations == (Violation("coverage", "r1", "appears more than once"),)


def test_validate_unknown_unscheduled_request_is_named(instance):
    extra = (*LEFT_OUT, Unscheduled("r99", Reason(ReasonCode.NOT_PLACED)))

    report = validate(instance, Solution(meetings=VALID, unscheduled=extra))

    assert report.violations == (Violation("coverage", "r99", "no such request in the instance"),)


def test_validate_locked_request_left_unscheduled_is_named(instance):
    meetings = tuple(m for m in VALID if m.request != "r7")
    unscheduled = (*LEFT_OUT, Unscheduled("r7", Reason(ReasonCode.NOT_PLACED)))

    report = validate(instance, Solution(meetings=meetings, unscheduled=unscheduled))

    assert report.violations == (Violation("locked", "r7", "locked but left unscheduled"),)


def holes_instance(unavailable: list[str]):
    return parse_instance(
        {
            "format": "b2b-schedule/1",
            "slots": slots(5) + slots(3, day=1),
            "venues": [{"id": "hall", "tables": 5}],
            "participants": [
                {"id": "a", "kind": "company", "unavailable": unavailable},
                {"id": "b", "kind": "partner"},
                {"id": "c", "kind": "partner"},
                {"id": "d", "kind": "partner"},
            ],
            "requests": [
                {"id": "ab", "a": "a", "b": "b"},
                {"id": "ac", "a": "a", "b": "c"},
                {"id": "ad", "a": "a", "b": "d"},
            ],
        }
    )


def test_validate_holes_are_free_available_slots_between_meetings_of_a_day():
    instance = holes_instance([])
    solution = meetings_only(
        Meeting("ab", "d1-0900", "hall"),
        Meeting("ac", "d1-1100", "hall"),
        Meeting("ad", "d2-1000", "hall"),
    )

    assert validate(instance, solution).holes == 3


def test_validate_holes_leave_out_unavailable_slots():
    instance = holes_instance(["d1-0930"])
    solution = meetings_only(Meeting("ab", "d1-0900", "hall"), Meeting("ac", "d1-1100", "hall"))

    assert validate(instance, solution).holes == 2


def test_validate_holes_are_never_counted_across_days():
    instance = holes_instance([])
    solution = meetings_only(Meeting("ab", "d1-1100", "hall"), Meeting("ac", "d2-0900", "hall"))

    assert validate(instance, solution).holes == 0
