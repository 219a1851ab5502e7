"""The instance as small integers, and a mutable schedule that knows what may go where.

Every phase of the solver (construction, CP-SAT, local search) works on this form: slots,
venues, participants and requests are numbered, times are minutes, and each request carries
the list of first slots where both sides are available for its whole length. The schedule
keeps who is busy when and how many tables each venue uses, so that "may this meeting start
here?" costs a few list look-ups instead of a scan.
"""

from __future__ import annotations

from dataclasses import dataclass

from matchmaking.scheduling.instance import Instance

UNREACHABLE = -1
NO_CAP = 1 << 30


@dataclass(frozen=True, slots=True)
class Compiled:
    instance: Instance
    n_slots: int
    slot_start: tuple[int, ...]  # minutes since the epoch (UTC)
    slot_end: tuple[int, ...]
    slot_day: tuple[int, ...]  # day number, by calendar date of the start in its own offset
    day_slots: tuple[tuple[int, ...], ...]
    slot_pos: tuple[int, ...]  # position of a slot within its day's slots
    tables: tuple[int, ...]
    travel: tuple[tuple[int, ...], ...]  # minutes, 0 on the diagonal, UNREACHABLE if none
    has_travel: bool  # some participant may meet at two venues: travel must be checked
    available: tuple[bytes, ...]  # per participant, per slot: 1 when available
    cap: tuple[int, ...]
    host: tuple[int, ...]  # venue a participant hosts at, -1 if none
    req_a: tuple[int, ...]
    req_b: tuple[int, ...]
    weight: tuple[int, ...]
    length: tuple[int, ...]
    req_venues: tuple[tuple[int, ...], ...]  # venues a request may take
    starts: tuple[tuple[int, ...], ...]  # first slots where both sides are free for its length
    locked: tuple[tuple[int, int] | None, ...]  # (slot, venue) fixed by staff
    requests_of: tuple[tuple[int, ...], ...]  # per participant

    @property
    def n_requests(self) -> int:
        return len(self.req_a)

    @property
    def n_participants(self) -> int:
        return len(self.cap)

    @property
    def n_venues(self) -> int:
        return len(self.tables)

    def days_of(self, start: int, length: int) -> range | tuple[int, ...]:
        first, last = self.slot_day[start], self.slot_day[start + length - 1]
        return (first,) if first == last else range(first, last + 1)

    def conflict(self, s1: int, k1: int, v1: int, s2: int, k2: int, v2: int) -> bool:
        """Whether one participant cannot attend both meetings (time overlap or travel)."""
        e1, e2 = s1 + k1 - 1, s2 + k2 - 1
        if s1 <= e2 and s2 <= e1:
            return True
        if v1 == v2:
            return False
        minutes = self.travel[v1][v2]
        if minutes == UNREACHABLE:
            return self.slot_day[s1] <= self.slot_day[e2] and self.slot_day[s2] <= self.slot_day[e1]
        if e1 < s2:
            return self.slot_end[e1] + minutes > self.slot_start[s2]
        return self.slot_end[e2] + minutes > self.slot_start[s1]


def compile_instance(instance: Instance) -> Compiled:
    slots = instance.slots
    slot_start = tuple(int(slot.start.timestamp()) // 60 for slot in slots)
    slot_end = tuple(int(slot.end.timestamp()) // 60 for slot in slots)
    day_numbers: dict[object, int] = {}
    for day in sorted({slot.day for slot in slots}):
        day_numbers[day] = len(day_numbers)
    slot_day = tuple(day_numbers[slot.day] for slot in slots)
    day_slots = tuple(
        tuple(i for i in range(len(slots)) if slot_day[i] == d) for d in range(len(day_numbers))
    )
    slot_pos = [0] * len(slots)
    for members in day_slots:
        for position, i in enumerate(members):
            slot_pos[i] = position
    venue_index = {venue.id: i for i, venue in enumerate(instance.venues)}
    n_venues = len(venue_index)
    travel = [[0 if i == j else UNREACHABLE for j in range(n_venues)] for i in range(n_venues)]
    for item in instance.travel:
        i, j = venue_index[item.a], venue_index[item.b]
        travel[i][j] = travel[j][i] = item.minutes
    slot_index = instance.slot_index
    participant_index = {p.id: i for i, p in enumerate(instance.participants)}
    available = []
    for participant in instance.participants:
        row = bytearray([1]) * len(slots)
        for slot_id in participant.unavailable:
            row[slot_index[slot_id]] = 0
        available.append(bytes(row))
    # back_to_back[i]: slot i+1 starts when slot i ends, so a meeting may run on into it.
    back_to_back = [slot_end[i] == slot_start[i + 1] for i in range(len(slots) - 1)]
    run = [1] * len(slots)  # length of the back-to-back run starting at each slot
    for i in range(len(slots) - 2, -1, -1):
        if back_to_back[i]:
            run[i] = run[i + 1] + 1
    host = tuple(-1 if p.venue is None else venue_index[p.venue] for p in instance.participants)
    req_a, req_b, weight, length, req_venues, starts, locked = [], [], [], [], [], [], []
    requests_of: list[list[int]] = [[] for _ in instance.participants]
    for r, request in enumerate(instance.requests):
        a, b = participant_index[request.a], participant_index[request.b]
        req_a.append(a)
        req_b.append(b)
        weight.append(request.priority)
        length.append(request.slots)
        requests_of[a].append(r)
        requests_of[b].append(r)
        hosts = {v for v in (host[a], host[b]) if v >= 0}
        venues = tuple(sorted(hosts)) if len(hosts) == 1 else ()
        if not hosts:
            venues = tuple(range(n_venues))
        req_venues.append(venues)
        k = request.slots
        both = [available[a][i] and available[b][i] for i in range(len(slots))]
        free_run = [0] * (len(slots) + 1)
        for i in range(len(slots) - 1, -1, -1):
            if both[i]:
                free_run[i] = 1 + (free_run[i + 1] if i + 1 < len(slots) and back_to_back[i] else 0)
        starts.append(tuple(i for i in range(len(slots)) if free_run[i] >= k and run[i] >= k))
        if request.locked is not None:
            locked.append((slot_index[request.locked.slot], venue_index[request.locked.venue]))
        else:
            locked.append(None)
    has_travel = n_venues > 1 and any(
        len({v for r in rs for v in req_venues[r]}) > 1 for rs in requests_of
    )
    return Compiled(
        instance=instance,
        n_slots=len(slots),
        slot_start=slot_start,
        slot_end=slot_end,
        slot_day=slot_day,
        day_slots=day_slots,
        slot_pos=tuple(slot_pos),
        tables=tuple(venue.tables for venue in instance.venues),
        travel=tuple(tuple(row) for row in travel),
        has_travel=has_travel,
        available=tuple(available),
        cap=tuple(
            NO_CAP if p.max_meetings is None else p.max_meetings for p in instance.participants
        ),
        host=host,
        req_a=tuple(req_a),
        req_b=tuple(req_b),
        weight=tuple(weight),
        length=tuple(length),
        req_venues=tuple(req_venues),
        starts=tuple(starts),
        locked=tuple(locked),
        requests_of=tuple(tuple(rs) for rs in requests_of),
    )


class Schedule:
    """A mutable partial schedule over a :class:`Compiled` instance.

    ``start[r]``/``venue[r]`` are -1 while request ``r`` is unscheduled. ``occ[p][s]`` is the
    request participant ``p`` attends in slot ``s`` (-1 when free), ``load[v][s]`` the tables
    venue ``v`` uses, ``count[p]`` how many meetings ``p`` has.
    """

    __slots__ = ("c", "count", "load", "meetings_of", "occ", "start", "venue")

    def __init__(self, compiled: Compiled) -> None:
        self.c = compiled
        n = compiled.n_slots
        self.start = [-1] * compiled.n_requests
        self.venue = [-1] * compiled.n_requests
        self.occ = [[-1] * n for _ in range(compiled.n_participants)]
        self.load = [[0] * n for _ in range(compiled.n_venues)]
        self.count = [0] * compiled.n_participants
        self.meetings_of: list[list[int]] = [[] for _ in range(compiled.n_participants)]

    def copy(self) -> Schedule:
        other = Schedule.__new__(Schedule)
        other.c = self.c
        other.start = self.start[:]
        other.venue = self.venue[:]
        other.occ = [row[:] for row in self.occ]
        other.load = [row[:] for row in self.load]
        other.count = self.count[:]
        other.meetings_of = [row[:] for row in self.meetings_of]
        return other

    def assignment(self) -> list[tuple[int, int]]:
        return list(zip(self.start, self.venue, strict=True))

    def value(self) -> int:
        weight = self.c.weight
        return sum(weight[r] for r, s in enumerate(self.start) if s >= 0)

    def scheduled(self) -> list[int]:
        return [r for r, s in enumerate(self.start) if s >= 0]

    def fits(self, r: int, s: int, v: int, *, ignore: int = -1) -> bool:
        """Whether request ``r`` may start at ``s`` in ``v`` now (``s`` must be one of its
        ``starts`` and ``v`` one of its venues). ``ignore`` is a request treated as absent."""
        c = self.c
        k = c.length[r]
        a, b = c.req_a[r], c.req_b[r]
        occ_a, occ_b, load = self.occ[a], self.occ[b], self.load[v]
        tables = c.tables[v]
        for i in range(s, s + k):
            x = occ_a[i]
            if x != -1 and x != ignore:
                return False
            x = occ_b[i]
            if x != -1 and x != ignore:
                return False
            if load[i] >= tables and not (ignore >= 0 and self._uses(ignore, v, i)):
                return False
        for p in (a, b):
            used = self.count[p] - (1 if ignore >= 0 and self._attends(ignore, p) else 0)
            if used >= c.cap[p]:
                return False
        if c.has_travel:
            for p in (a, b):
                if not self._travel_ok(p, r, s, v, ignore):
                    return False
        return True

    def _uses(self, r: int, v: int, i: int) -> bool:
        s = self.start[r]
        return s >= 0 and self.venue[r] == v and s <= i < s + self.c.length[r]

    def _attends(self, r: int, p: int) -> bool:
        return self.start[r] >= 0 and (self.c.req_a[r] == p or self.c.req_b[r] == p)

    def _travel_ok(self, p: int, r: int, s: int, v: int, ignore: int) -> bool:
        c = self.c
        k = c.length[r]
        for other in self.meetings_of[p]:
            if other in (ignore, r):
                continue
            v2 = self.venue[other]
            if v2 != v and c.conflict(s, k, v, self.start[other], c.length[other], v2):
                return False
        return True

    def place(self, r: int, s: int, v: int) -> None:
        c = self.c
        self.start[r] = s
        self.venue[r] = v
        load = self.load[v]
        for p in (c.req_a[r], c.req_b[r]):
            row = self.occ[p]
            for i in range(s, s + c.length[r]):
                row[i] = r
            self.count[p] += 1
            self.meetings_of[p].append(r)
        for i in range(s, s + c.length[r]):
            load[i] += 1

    def remove(self, r: int) -> None:
        c = self.c
        s, v = self.start[r], self.venue[r]
        load = self.load[v]
        for p in (c.req_a[r], c.req_b[r]):
            row = self.occ[p]
            for i in range(s, s + c.length[r]):
                row[i] = -1
            self.count[p] -= 1
            self.meetings_of[p].remove(r)
        for i in range(s, s + c.length[r]):
            load[i] -= 1
        self.start[r] = -1
        self.venue[r] = -1

    # --- idle holes ------------------------------------------------------------------------

    def day_holes(self, p: int, d: int) -> int:
        """Idle holes of participant ``p`` on day ``d``."""
        row = self.occ[p]
        avail = self.c.available[p]
        slots = self.c.day_slots[d]
        first = last = -1
        for position, i in enumerate(slots):
            if row[i] != -1:
                if first < 0:
                    first = position
                last = position
        if first < 0:
            return 0
        return sum(1 for i in slots[first : last + 1] if row[i] == -1 and avail[i])

    def holes(self) -> int:
        c = self.c
        total = 0
        for p in range(c.n_participants):
            if self.count[p]:
                total += sum(self.day_holes(p, d) for d in range(len(c.day_slots)))
        return total
