"""The reader refuses a bad instance with one error that names the bad field or id."""

import json

import pytest

from matchmaking.scheduling import InstanceError, load_instance, parse_instance
from matchmaking.scheduling.instance import parse_instance_text
from tests.matchmaking.scheduling.builders import DELETE, base, changed, examples_dir

BAD_FIELDS = [
    ("format", "b2b-schedule/2", "format: must be 'b2b-schedule/1', not 'b2b-schedule/2'"),
    ("slots.0.id", "d1-0930", "slots[1] 'd1-0930': duplicate id 'd1-0930'"),
    (
        "slots.0.start",
        "2017-07-10T09:00:00",
        "slots[0] 'd1-0900'.start: needs an offset such as +02:00: '2017-07-10T09:00:00'",
    ),
    (
        "slots.0.start",
        "tomorrow",
        "slots[0] 'd1-0900'.start: not an ISO 8601 date and time: 'tomorrow'",
    ),
    (
        "slots.1.end",
        "2017-07-10T09:30:00+02:00",
        "slots[1] 'd1-0930'.end: must be after start (2017-07-10T09:30:00+02:00)",
    ),
    (
        "slots.1.start",
        "2017-07-10T09:15:00+02:00",
        "slots 'd1-0930': overlaps slot 'd1-0900' (slots never overlap)",
    ),
    ("venues.1.id", "hall", "venues[1] 'hall': duplicate id 'hall'"),
    ("venues.0.tables", 0, "venues[0] 'hall'.tables: must be at least 1, not 0"),
    ("venues.0.tables", 1.5, "venues[0] 'hall'.tables: must be an integer, not 1.5"),
    ("venues.0.tables", DELETE, "venues[0] 'hall'.tables: missing"),
    (
        "travel_minutes.0.to",
        "hall",
        "travel_minutes[0].to: same venue as from ('hall'): travel there is 0",
    ),
    ("travel_minutes.0.to", "moon", "travel_minutes[0].to: unknown venue 'moon'"),
    ("travel_minutes.0.minutes", -5, "travel_minutes[0].minutes: must be at least 0, not -5"),
    ("participants.1.id", "c1", "participants[1] 'c1': duplicate id 'c1'"),
    (
        "participants.0.kind",
        "investor",
        "participants[0] 'c1'.kind: must be 'company' or 'partner', not 'investor'",
    ),
    ("participants.0.venue", "moon", "participants[0] 'c1'.venue: unknown venue 'moon'"),
    (
        "participants.1.unavailable",
        ["d9-0900"],
        "participants[1] 'c2'.unavailable: unknown slot 'd9-0900'",
    ),
    (
        "participants.1.max_meetings",
        -1,
        "participants[1] 'c2'.max_meetings: must be at least 0, not -1",
    ),
    ("participants.1.colour", "red", "participants[1] 'c2': unknown field 'colour'"),
    ("requests.1.id", "r1", "requests[1] 'r1': duplicate id 'r1'"),
    ("requests.0.a", "c9", "requests[0] 'r1'.a: unknown participant 'c9'"),
    (
        "requests.0.b",
        "c1",
        "requests[0] 'r1'.b: same participant as a ('c1'): a meeting needs two",
    ),
    ("requests.0.priority", -1, "requests[0] 'r1'.priority: must be at least 1, not -1"),
    ("requests.0.priority", 0, "requests[0] 'r1'.priority: must be at least 1, not 0"),
    ("requests.0.priority", 1.5, "requests[0] 'r1'.priority: must be an integer, not 1.5"),
    ("requests.0.priority", "high", "requests[0] 'r1'.priority: must be an integer, not 'high'"),
    ("requests.0.priority", True, "requests[0] 'r1'.priority: must be an integer, not True"),
    ("requests.0.slots", 0, "requests[0] 'r1'.slots: must be at least 1, not 0"),
    # Above the range the engine can hand to CP-SAT (64-bit coefficients): refused by name.
    ("requests.0.priority", 1e30, "requests[0] 'r1'.priority: must be at most 1000000, not 1e+30"),
    (
        "requests.0.priority",
        10**20,
        "requests[0] 'r1'.priority: must be at most 1000000, not 100000000000000000000",
    ),
    (
        "requests.0.priority",
        1_000_001,
        "requests[0] 'r1'.priority: must be at most 1000000, not 1000001",
    ),
    ("requests.0.slots", 1e30, "requests[0] 'r1'.slots: must be at most 1000000, not 1e+30"),
    ("venues.0.tables", 1e30, "venues[0] 'hall'.tables: must be at most 1000000, not 1e+30"),
    (
        "participants.1.max_meetings",
        1e30,
        "participants[1] 'c2'.max_meetings: must be at most 1000000, not 1e+30",
    ),
    (
        "travel_minutes.0.minutes",
        1e30,
        "travel_minutes[0].minutes: must be at most 1000000, not 1e+30",
    ),
    ("requests.0.priority", 1e400, "requests[0] 'r1'.priority: must be an integer, not inf"),
    (
        "requests.0.locked",
        {"slot": "d9", "venue": "lab"},
        "requests[0] 'r1'.locked.slot: unknown slot 'd9'",
    ),
    (
        "requests.0.locked",
        {"slot": "d1-0900", "venue": "moon"},
        "requests[0] 'r1'.locked.venue: unknown venue 'moon'",
    ),
    (
        "requests.0.locked",
        {"slot": "d1-0900", "venue": "hall"},
        "requests[0] 'r1'.locked: infeasible: p1 hosts at 'lab', not 'hall'",
    ),
    (
        "requests.1.locked",
        {"slot": "d1-0900", "venue": "hall"},
        "requests[1] 'r2'.locked: infeasible: c2 is unavailable in 'd1-0900'",
    ),
    (
        "requests.1.locked",
        {"slot": "d1-1000", "venue": "hall"},
        "requests[1] 'r2'.locked: infeasible: 2 slots from 'd1-1000' are not back to back "
        "in the grid",
    ),
    ("requests", None, "requests: must be a list"),
    ("requests.0", [1], "requests[0]: must be an object"),
]


@pytest.mark.parametrize(("path", "value", "message"), BAD_FIELDS)
def test_parse_instance_bad_field_names_it(path, value, message):
    data = changed(base(), path, value)

    with pytest.raises(InstanceError) as caught:
        parse_instance(data)

    assert str(caught.value) == message


def test_parse_instance_largest_numbers_are_read():
    data = base()
    for path in ("requests.0.priority", "requests.0.slots", "venues.0.tables"):
        data = changed(data, path, 1_000_000)

    instance = parse_instance(data)

    assert (instance.requests[0].priority, instance.requests[0].slots) == (1_000_000, 1_000_000)
    assert instance.venues[0].tables == 1_000_000


def test_parse_instance_travel_pair_twice_is_refused():
    data = base()
    data["travel_minutes"].append({"from": "lab", "to": "hall", "minutes": 3})

    with pytest.raises(InstanceError) as caught:
        parse_instance(data)

    assert str(caught.value) == "travel_minutes[1]: travel between 'lab' and 'hall' twice"


def test_parse_instance_locked_meetings_without_travel_time_between_them_are_refused():
    data = base()
    data["requests"][0]["locked"] = {"slot": "d1-0930", "venue": "lab"}
    data["requests"].append(
        {"id": "r3", "a": "c1", "b": "p2", "locked": {"slot": "d1-0900", "venue": "hall"}}
    )

    with pytest.raises(InstanceError) as caught:
        parse_instance(data)

    assert str(caught.value) == (
        "requests[0] 'r1'.locked: infeasible: c1 has 0 min to go from 'hall' to 'lab', "
        "which takes 30 min"
    )


def test_parse_instance_two_locked_meetings_over_the_tables_are_refused():
    data = base()
    data["venues"][0]["tables"] = 1
    data["participants"].append({"id": "p3", "kind": "partner"})
    data["requests"][1]["locked"] = {"slot": "d1-0930", "venue": "hall"}
    data["requests"].append(
        {"id": "r3", "a": "c1", "b": "p3", "locked": {"slot": "d1-0930", "venue": "hall"}}
    )

    with pytest.raises(InstanceError) as caught:
        parse_instance(data)

    assert str(caught.value) == (
        "requests[2] 'r3'.locked: infeasible: 'hall' holds more than its 1 tables in 'd1-0930'"
    )


def test_parse_instance_defaults_fill_optional_fields():
    instance = parse_instance(base())

    request = instance.request_by_id["r1"]
    company = instance.participant_by_id["c1"]
    assert (request.priority, request.slots, request.locked) == (2, 1, None)
    assert (company.venue, company.unavailable, company.max_meetings) == (None, frozenset(), None)
    assert [slot.id for slot in instance.slots] == ["d1-0900", "d1-0930", "d1-1000"]


def test_parse_instance_slots_in_any_order_are_sorted_by_start():
    data = base()
    data["slots"].reverse()

    instance = parse_instance(data)

    assert [slot.id for slot in instance.slots] == ["d1-0900", "d1-0930", "d1-1000"]


def test_parse_instance_locked_meeting_is_read():
    data = changed(base(), "requests.0.locked", {"slot": "d1-0930", "venue": "lab"})

    instance = parse_instance(data)

    locked = instance.request_by_id["r1"].locked
    assert (locked.slot, locked.venue) == ("d1-0930", "lab")


def test_parse_instance_text_bad_json_says_where():
    with pytest.raises(InstanceError) as caught:
        parse_instance_text('{"format": ')

    assert str(caught.value) == "not valid JSON (line 1, column 12: Expecting value)"


def test_parse_instance_text_nan_is_refused():
    text = json.dumps(base()).replace('"priority": 2', '"priority": NaN')

    with pytest.raises(InstanceError) as caught:
        parse_instance_text(text)

    assert str(caught.value) == "not valid JSON (NaN is not a number)"


def test_load_instance_missing_file_is_an_instance_error(tmp_path):
    with pytest.raises(InstanceError) as caught:
        load_instance(tmp_path / "absent.json")

    assert str(caught.value) == "cannot read the file (No such file or directory)"


@pytest.mark.parametrize(
    ("name", "counts"),
    [
        ("tiny.json", (5, 3, 5, 5)),
        ("visits-example.json", (80, 8, 98, 330)),
        ("planted-example.json", (24, 1, 60, 558)),
    ],
)
def test_load_instance_examples_read_whole(name, counts):
    instance = load_instance(examples_dir() / name)

    assert (
        len(instance.slots),
        len(instance.venues),
        len(instance.participants),
        len(instance.requests),
    ) == counts
