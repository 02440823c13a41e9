"""The counter simulation as arrays: the SimPy model's working days, stepped by the busiest day.

The model is the SimPy one in onestop/staffing/simulation.py: citizens arrive by a per-weekday,
per-hour profile during opening hours and are served first in, first out by `staff`
interchangeable staffers; a citizen who arrived before closing is served even after it
(overtime); when nobody waits, a staffer starts the desk task at the head of the queue if it fits
before the session closes; desk work left at the end of a day carries over to the next;
replications give 95% intervals.

How it is computed is what differs. Every working day of every replication and every staff level
is a lane, and all lanes advance together, one event per lane per step (a citizen served or a desk
task started): the first-come-first-served recursion (a citizen goes to the staffer free first and
waits until then) with desk work slotted into idle time. The number of steps is the busiest
simulated day's citizens and desk tasks, whatever the number of days, replications or staff levels,
and a step is a few numpy operations over all lanes; a queue left at closing, once every citizen
in it has arrived, is served with a lighter step. A day depends on the day before only through
what is carried over: the desk backlog and, when the queue is still not cleared at the next
opening, the staffers' free times. Every day is first run from a fresh start; a day whose carried
state no run made so far matches is run again with the state its predecessor leaves (and, when it
opens with a backlog, once with a bottomless desk queue, which stands for every longer backlog),
until every day of every replication is the continuation of the day before: a few passes, over
those days only. The tests check the result citizen by citizen against the SimPy engine.

Common random numbers: citizens are the points of a Poisson process in time × height whose density
over time is the profile, and a volume factor f keeps the points below height f; desk tasks the
same. A larger factor keeps every citizen of a smaller one (with its purpose and service time) and
every desk task, and adds more; every staff level sees the same citizens. Without desk work no
citizen then waits less with more volume or fewer staff; desk work done in idle time can move a
wait either way, and a share of citizens can dip by a hair where almost nobody waits (the citizens
added mostly do not wait), but where a service target binds the figures move monotonically.

Where it departs from the SimPy engine, on purpose (none changes what a figure estimates; the tests
compare both engines within their intervals):
- A desk task's duration belongs to its place in the day's order of work (the k-th task a day
  starts) rather than to the task: a task left at closing keeps its place at the head of the queue,
  but its duration is drawn again the next morning. The backlog measured at closing uses the
  duration it had that day, as the SimPy engine does.
- Desk tasks come in random order of their kinds (by the week's mix) rather than all of one day's
  online checks before its digitising.
- A staff level that could not serve the expected counter work even working round the clock has
  no steady state: the SimPy engine let its queue grow day after day, so its waits grew with the
  length of the run and said only "far too few staff". Here it is not simulated at all: each
  figure is its limit as the run grows, from the load alone (everyone waits, without bound;
  utilisation is the offered work), `stable` is False and `runaway` True. This is what keeps
  the cost bounded however large the province: a level simulated serves at most its staff times
  24 hours of work a day.
- A staff level short of that but with more counter work over a replication than its staff can
  serve in the open hours, whose queue is still not cleared at the next opening, is not chased
  from day to day either: the next day starts from an empty counter, the waits are then a floor
  and `stable` is False.
"""

from __future__ import annotations

import math

import numpy as np

from onestop.staffing.simulation import (
    METRICS,
    MINUTES_PER_DAY,
    CounterLoad,
    SimulationSettings,
    open_minutes_by_hour,
    t95,
)

# Desk slots are drawn in blocks of this many, each block from its own stream, so a slot's
# duration does not depend on how many slots a run needed.
_SLOT_BLOCK = 64
# Steps between checks for lanes that have finished their day.
_COMPACT_EVERY = 16
# Citizens read and written at a time per lane while draining a queue after closing.
_DRAIN_BLOCK = 256
# Runs processed together when computing each session's last finish (bounds temporary memory).
_FINISH_CHUNK = 256
# Stream names (arbitrary, fixed): one per kind of draw, so adding one kind moves no other.
_CITIZEN_STREAM, _DESK_COUNT_STREAM, _DESK_SLOT_STREAM = 0xC171, 0xDE5C, 0x5107


# --- random draws, shared by every staff level and nested in the volume factor ---------------


def _sorted_uniforms(rng: np.random.Generator, counts: np.ndarray) -> np.ndarray:
    """`counts[j]` uniforms on [0, 1) for each j in turn, sorted within each group.

    The order statistics of n uniforms are the partial sums of n + 1 exponentials over their
    total, so no sort is needed.
    """
    lengths = counts + 1
    spacings = rng.standard_exponential(int(lengths.sum()))
    sums = np.cumsum(spacings)
    ends = np.cumsum(lengths) - 1
    before = np.concatenate([[0.0], sums[ends[:-1]]])
    total = sums[ends] - before
    inner = np.ones(sums.size, bool)
    inner[ends] = False
    group = np.repeat(np.arange(counts.size), counts)
    return (sums[inner] - before[group]) / total[group]


class _Days:
    """The simulated working days (lanes of the day axis): hours, citizens and desk work.

    Citizens are stored citizen-major (`arrival[position, day]`): all lanes advance together, so
    a step reads within a few neighbouring rows instead of one row per lane spread over the whole
    array (which, at a million citizens, costs a cache miss per lane per step).
    """

    def __init__(
        self, load: CounterLoad, settings: SimulationSettings, factor: float, most_staff: int
    ):
        hours = settings.hours
        open_weekdays = [w for w in range(7) if hours.open_minutes(w) > 0]
        if not open_weekdays:
            raise ValueError("the counter never opens: no working day to simulate")
        self.replications = settings.replications
        self.per_replication = settings.days_per_replication
        self.count = self.replications * self.per_replication
        day_in_replication = np.tile(np.arange(self.per_replication), self.replications)
        self.day_in_replication = day_in_replication
        self.weekday = np.asarray(open_weekdays)[day_in_replication % len(open_weekdays)]
        sessions = {w: sorted((s, e) for s, e in hours.sessions(w) if e > s) for w in range(7)}
        width = max(len(sessions[w]) for w in open_weekdays)
        # Padding that no desk task ever fits in: starts at +inf, ends at -inf.
        starts = np.full((7, width), np.inf)
        ends = np.full((7, width), -np.inf)
        for w in open_weekdays:
            for index, (start, end) in enumerate(sessions[w]):
                starts[w, index], ends[w, index] = start, end
        self.session_start = starts[self.weekday]
        self.session_end = ends[self.weekday]
        # The same closing times padded with +inf, for sorting citizens into sessions.
        self.close = np.where(np.isfinite(self.session_end), self.session_end, np.inf)
        self.last_close = self.session_end.max(axis=1)
        self.open_minutes = np.array([hours.open_minutes(w) for w in range(7)], float)[self.weekday]
        # The next day's first opening, relative to this day's midnight (last day: never).
        first = self.session_start[:, 0]
        following = np.full(self.count, np.inf)
        same_replication = day_in_replication < self.per_replication - 1
        following[same_replication] = first[1:][same_replication[:-1]] + MINUTES_PER_DAY
        self.next_opening = following
        self._citizens(load, settings, factor)
        self._desk(load, settings, factor, most_staff)

    def _citizens(self, load: CounterLoad, settings: SimulationSettings, factor: float) -> None:
        hours = settings.hours
        # Pieces of clock hours within sessions, per weekday in time order: the arrival profile
        # is uniform within each, as in the SimPy engine.
        piece_weekday, piece_low, piece_span, piece_expected = [], [], [], []
        for weekday in range(7):
            open_by_hour = open_minutes_by_hour(hours, weekday)
            for start, end in sorted(hours.sessions(weekday)):
                for hour in range(start // 60, math.ceil(end / 60)):
                    low, high = max(start, hour * 60), min(end, hour * 60 + 60)
                    if high > low:
                        piece_weekday.append(weekday)
                        piece_low.append(low)
                        piece_span.append(high - low)
                        share = (high - low) / open_by_hour[hour]
                        piece_expected.append(load.arrivals[:, weekday, hour] * share)
        purposes = len(load.purposes)
        low = np.asarray(piece_low, float)
        span = np.asarray(piece_span, float)
        expected = np.asarray(piece_expected, float).reshape(len(piece_low), purposes)
        mean = expected.sum(axis=1)
        shares = np.cumsum(expected, axis=1) / np.where(mean > 0, mean, 1.0)[:, None]
        # Cells: each day's pieces, day after day (so cell order is time order).
        per_weekday = np.bincount(np.asarray(piece_weekday, np.int64), minlength=7)
        first_piece = np.concatenate([[0], np.cumsum(per_weekday)[:-1]])
        cells_per_day = per_weekday[self.weekday]
        cell_day = np.repeat(np.arange(self.count), cells_per_day)
        within = np.arange(cell_day.size) - np.repeat(np.cumsum(cells_per_day) - cells_per_day,
                                                      cells_per_day)  # fmt: skip
        cell_piece = first_piece[self.weekday[cell_day]] + within
        service_means = np.asarray(load.service_minutes, float)
        sigma = math.sqrt(math.log(1.0 + settings.service_cv**2))
        # (An empty start, so that a factor of 0, with no band at all, gives no citizens.)
        days: list[np.ndarray] = [np.empty(0, np.int64)]
        times: list[np.ndarray] = [np.empty(0)]
        services: list[np.ndarray] = [np.empty(0)]
        keys: list[np.ndarray] = [np.empty(0)]
        bands = math.ceil(factor)
        for band in range(bands):
            rng = np.random.default_rng([settings.seed, _CITIZEN_STREAM, band])
            counts = rng.poisson(mean[cell_piece])
            cell = np.repeat(np.arange(cell_piece.size), counts)
            u_time = _sorted_uniforms(rng, counts)
            total = cell.size
            u_height, u_purpose = rng.random(total), rng.random(total)
            spread = (
                rng.standard_exponential(total)
                if settings.distribution == "exponential"
                # Mean-preserving: E[exp(N(mu, sigma²))] = exp(mu + sigma²/2).
                else np.exp(sigma * rng.standard_normal(total) - sigma**2 / 2.0)
            )
            kept = band + u_height < factor
            cell, u_time, u_purpose = cell[kept], u_time[kept], u_purpose[kept]
            spread = spread[kept]
            piece = cell_piece[cell]
            purpose = np.zeros(cell.size, np.int64)
            for p in range(purposes - 1):
                purpose += u_purpose >= shares[piece, p]
            days.append(cell_day[cell])
            times.append(low[piece] + u_time * span[piece])
            services.append(service_means[purpose] * spread)
            keys.append(cell + u_time)
        day, time, service = np.concatenate(days), np.concatenate(times), np.concatenate(services)
        if bands > 1:
            # Within a band the points come in time order (cells are in time order, uniforms
            # sorted within each); several bands are merged.
            order = np.argsort(np.concatenate(keys), kind="stable")
            day, time, service = day[order], time[order], service[order]
        self.citizens = np.bincount(day, minlength=self.count)
        position = np.arange(day.size) - np.repeat(
            np.cumsum(self.citizens) - self.citizens, self.citizens
        )
        # One row more than the busiest day: reading past a day's citizens finds +inf. Filled
        # day by day (sequential writes), then turned citizen-major.
        self.width = int(self.citizens.max(initial=0)) + 1
        at = day * self.width + position
        by_day = np.full(self.count * self.width, np.inf)
        by_day[at] = time
        # (.copy(), not ascontiguousarray: with one row or one day the transpose is already
        # contiguous and would stay a view of `by_day`, which is reused below.)
        self.arrival = by_day.reshape(self.count, self.width).T.copy()
        by_day[:] = 0.0
        by_day[at] = service
        self.service = by_day.reshape(self.count, self.width).T.copy()
        self.service_total = np.bincount(day, weights=service, minlength=self.count)
        last = np.maximum(self.citizens - 1, 0)
        self.last_arrival = np.where(
            self.citizens > 0, self.arrival[last, np.arange(self.count)], -np.inf
        )
        # Where each session's citizens begin, per day (citizens are in time order).
        self.session_first = np.stack(
            [np.zeros(self.count, np.int64)]
            + [(self.arrival <= self.close[:, s]).sum(axis=0)
               for s in range(self.close.shape[1] - 1)],
            axis=1,
        )  # fmt: skip

    def _desk(
        self, load: CounterLoad, settings: SimulationSettings, factor: float, most_staff: int
    ) -> None:
        # A task of no minutes is done the moment it is reached: it can neither delay a citizen
        # nor be left over, so only kinds that take time are simulated.
        minutes = np.asarray(load.desk_minutes, float)
        timed = np.flatnonzero(minutes > 0) if load.desk_kinds else np.empty(0, np.int64)
        tasks = np.asarray(load.desk_tasks, float)[timed] if timed.size else np.zeros((0, 7))
        self.new_tasks = np.zeros(self.count, np.int64)
        self.slots = 0
        self.slot_minutes = np.zeros((1, self.count))
        self.mean_task_minutes = 0.0
        if timed.size == 0 or tasks.sum() <= 0:
            return
        per_day = tasks[:, self.weekday]  # kinds × days
        for band in range(math.ceil(factor)):
            rng = np.random.default_rng([settings.seed, _DESK_COUNT_STREAM, band])
            counts = rng.poisson(per_day).sum(axis=0)
            heights = rng.random(int(counts.sum()))
            day = np.repeat(np.arange(self.count), counts)
            self.new_tasks += np.bincount(day[band + heights < factor], minlength=self.count)
        mix = tasks.sum(axis=1) / tasks.sum()
        kind_minutes = minutes[timed]
        self.mean_task_minutes = float(np.dot(mix, kind_minutes))
        cumulative_mix = np.cumsum(mix)[:-1]
        sigma = math.sqrt(math.log(1.0 + settings.service_cv**2))
        # Enough slots that the most staff cannot start them all within a day (desk work all
        # ends by closing): a run given every slot then behaves as if the queue had no bottom.
        # A slot's duration does not depend on how many are drawn, so neither do the results.
        capacity = self.open_minutes * most_staff
        blocks: list[np.ndarray] = []
        done = np.zeros(self.count)
        while not (done > capacity).all():
            rng = np.random.default_rng([settings.seed, _DESK_SLOT_STREAM, len(blocks)])
            kind = np.zeros((_SLOT_BLOCK, self.count), np.int64)
            u_kind = rng.random((_SLOT_BLOCK, self.count))
            for bound in cumulative_mix:
                kind += u_kind >= bound
            spread = (
                rng.standard_exponential((_SLOT_BLOCK, self.count))
                if settings.distribution == "exponential"
                else np.exp(sigma * rng.standard_normal((_SLOT_BLOCK, self.count)) - sigma**2 / 2)
            )
            blocks.append(kind_minutes[kind] * spread)
            done += blocks[-1].sum(axis=0)
        self.slot_minutes = np.concatenate(blocks, axis=0)
        self.slots = self.slot_minutes.shape[0]
        # Desk minutes done by a day that started its first k tasks: slot_done[k, day].
        self.slot_done = np.concatenate(
            [np.zeros((1, self.count)), np.cumsum(self.slot_minutes, axis=0)], axis=0
        )


# --- one pass: many (day, staff level, carried state) runs stepped together -------------------


class _Runs:
    """Runs of single days: which day, how many staff, the state carried in, and the outcome."""

    def __init__(self, day: np.ndarray, level: np.ndarray, free: np.ndarray, available):
        self.day, self.level, self.free_in = day, level, free
        self.available = np.asarray(available, np.int64)
        self.free_out = free.copy()
        self.started = np.zeros(day.size, np.int64)
        self.waits = np.empty((0, 0), np.float32)  # [citizen, run]
        self.last_finish = np.empty((0, 0))  # [run, session]


def _insert(rows: list[np.ndarray], free: np.ndarray, spare: np.ndarray) -> None:
    """Row 0 leaves and `free` joins rows 1.. in order, in place: r_k = max(s_k, min(free, s_k+1)).

    (Rows are rewritten in place, so a caller holding row 0 must be done with it.)
    """
    last = len(rows) - 1
    if last == 0:
        rows[0][:] = free
        return
    np.minimum(free, rows[1], out=rows[0])
    for c in range(1, last):
        np.minimum(free, rows[c + 1], out=spare)
        np.maximum(rows[c], spare, out=rows[c])
    np.maximum(rows[last], free, out=rows[last])


class _Lanes:
    """The runs still stepping, with their state: compacted as runs finish or start draining."""

    def __init__(self, days: _Days, runs: _Runs):
        sessions = days.session_end.shape[1]
        self.run = np.arange(runs.day.size)
        # Each run's staffers' free times, sorted: row 0 is the staffer free first (who serves
        # the next citizen or starts the next task), so no search is needed, and putting the
        # new free time back in order is a merge (`_insert`).
        ordered = np.sort(runs.free_in, axis=1)
        self.rows = [np.ascontiguousarray(ordered[:, c]) for c in range(ordered.shape[1])]
        self.at_citizen = runs.day.copy()  # flat index of the next citizen: position·days + day
        self.at_wait = self.run.copy()  # flat index of its wait: position·runs + run
        self.at_task = self.run * (days.slots + 1)  # flat index of the next desk task
        # When the last desk task started: tasks start in queue order, so a task that waits for
        # the next session (too long for this one) holds back those behind it, as in SimPy.
        self.last_desk = np.full(self.run.size, -np.inf)
        self.starts = [days.session_start[runs.day, s] for s in range(sessions)]
        self.ends = [days.session_end[runs.day, s] for s in range(sessions)]
        # From this free time on every citizen left has arrived and no desk task can start.
        self.drains_from = np.maximum(days.last_arrival, days.last_close)[runs.day]

    def take(self, keep: np.ndarray) -> _Lanes:
        """The lanes where `keep` holds, as a new set (this one keeps its arrays)."""
        other = object.__new__(_Lanes)
        for name in ("run", "at_citizen", "at_wait", "at_task", "last_desk", "drains_from"):
            setattr(other, name, getattr(self, name)[keep])
        for name in ("rows", "starts", "ends"):
            setattr(other, name, [values[keep] for values in getattr(self, name)])
        return other

    @staticmethod
    def concatenate(parts: list[_Lanes]) -> _Lanes:
        """One set of lanes from several."""
        joined = object.__new__(_Lanes)
        for name in ("run", "at_citizen", "at_wait", "at_task", "last_desk", "drains_from"):
            setattr(joined, name, np.concatenate([getattr(p, name) for p in parts]))
        for name in ("rows", "starts", "ends"):
            width = len(getattr(parts[0], name))
            setattr(
                joined,
                name,
                [np.concatenate([getattr(p, name)[i] for p in parts]) for i in range(width)],
            )
        return joined

    def settle(self, runs: _Runs, which: np.ndarray, slots: int) -> None:
        """Write the final state of the lanes in `which` back to their runs."""
        run = self.run[which]
        runs.free_out[run] = np.stack([r[which] for r in self.rows], axis=1)
        runs.started[run] = self.at_task[which] - run * (slots + 1)


# Runs that have finished their day stay in the step until the next compaction, computing inf - inf.
@np.errstate(invalid="ignore")
def _step_days(days: _Days, runs: _Runs) -> None:
    """Serve each run's day: citizens first come first served, desk work in idle time.

    Two phases: the general step (a citizen or a desk task per lane), and, once every citizen
    left in a lane has arrived and the counter has closed (a long queue served in overtime), a
    lighter step that only serves the queue.
    """
    count = runs.day.size
    slots = days.slots
    sessions = days.session_end.shape[1]
    waits = np.zeros((days.width, count), np.float32)
    runs.waits = waits
    runs.last_finish = np.full((count, sessions), -np.inf)
    if count == 0:
        return
    # Each run's own desk queue (a row per run): its day's slots, then +inf once its available
    # tasks are used up.
    queue = np.full((count, slots + 1), np.inf)
    if slots:
        queue[:, :slots] = days.slot_minutes[:, runs.day].T
        queue[np.arange(slots + 1)[None, :] >= runs.available[:, None]] = np.inf
    arrival_flat = days.arrival.ravel()
    service_flat = days.service.ravel()
    queue_flat = queue.ravel()
    waits_flat = waits.ravel()
    next_citizen, next_wait = days.count, count

    lanes = _Lanes(days, runs)
    draining: list[_Lanes] = []
    # Once no run has a desk task left, the desk step is skipped (a used-up queue stays empty).
    desk_left = bool(slots)
    steps = 0
    while lanes.run.size:
        rows = lanes.rows
        at = rows[0]
        spare = np.empty(at.size)
        arrives = arrival_flat.take(lanes.at_citizen)
        start = np.maximum(at, arrives)
        finish = start + service_flat.take(lanes.at_citizen)
        if desk_left:
            task = queue_flat.take(lanes.at_task)
            # The earliest moment the task fits: within a session, ending by its close, and not
            # before the task ahead of it started.
            ready = np.maximum(at, lanes.last_desk)
            begin = np.maximum(ready, lanes.starts[-1])
            desk_at = np.where(begin + task <= lanes.ends[-1], begin, np.inf)
            for s in range(sessions - 2, -1, -1):
                begin = np.maximum(ready, lanes.starts[s])
                desk_at = np.where(begin + task <= lanes.ends[s], begin, desk_at)
            desk = desk_at < arrives
            citizen = ~desk & (arrives < np.inf)
            _insert(rows, np.where(desk, desk_at + task, np.where(citizen, finish, at)), spare)
            lanes.at_task += desk
            lanes.last_desk = np.where(desk, desk_at, lanes.last_desk)
        else:
            desk = None
            citizen = arrives < np.inf
            _insert(rows, np.where(citizen, finish, at), spare)
        waits_flat[lanes.at_wait] = start - arrives
        lanes.at_citizen += citizen * next_citizen
        lanes.at_wait += citizen * next_wait
        steps += 1
        if steps % _COMPACT_EVERY == 0:
            if desk_left:
                desk_left = bool(np.isfinite(queue_flat.take(lanes.at_task)).any())
            done = ~citizen if desk is None else ~(desk | citizen)
            drains = ~done & (rows[0] >= lanes.drains_from)
            if done.any() or drains.any():
                lanes.settle(runs, done, slots)
                if drains.any():
                    draining.append(lanes.take(drains))
                lanes = lanes.take(~done & ~drains)
    if draining:
        _drain(days, runs, _Lanes.concatenate(draining), waits_flat)
    # Each session's last finish of a citizen who arrived in it (for overtime). Sessions are
    # ranges of positions: the first ends where a running maximum from the top stands, the last
    # starts where one from the bottom does (a middle one, should hours ever have three, masked).
    for first in range(0, count, _FINISH_CHUNK):
        part = slice(first, first + _FINISH_CHUNK)
        day = runs.day[part]
        citizens = days.citizens[day]
        rows = int(citizens.max(initial=0))
        if rows == 0:
            continue
        finish = days.arrival[:rows, day] + waits[:rows, part] + days.service[:rows, day]
        finish[~(finish < np.inf)] = -np.inf  # padding (+inf, or nan from a stale wait)
        bounds = np.concatenate([days.session_first[day], citizens[:, None]], axis=1)
        column = np.arange(day.size)
        from_top = np.maximum.accumulate(finish, axis=0)
        from_bottom = np.maximum.accumulate(finish[::-1], axis=0)[::-1]
        for s in range(sessions):
            low, high = bounds[:, s], bounds[:, s + 1]
            if s == 0:
                last = from_top[np.maximum(high - 1, 0), column]
            elif s == sessions - 1:
                last = from_bottom[np.minimum(low, rows - 1), column]
            else:
                position = np.arange(rows)[:, None]
                mine = (position >= low) & (position < high)
                last = np.where(mine, finish, -np.inf).max(axis=0)
            runs.last_finish[part, s] = np.where(high > low, last, -np.inf)


def _drain(days: _Days, runs: _Runs, lanes: _Lanes, waits_flat: np.ndarray) -> None:
    """Serve the queues left after closing: every citizen left has arrived and no desk task can
    start, so each citizen starts when the staffer free first is free. The lanes' next citizens
    are read a block at a time (a lane past its last citizen reads padding: arrival +inf,
    service 0, which puts back the free time it took out) and their waits written a block at a
    time, leaving the step itself a subtraction and the sorted insert."""
    arrival_flat, service_flat = days.arrival.ravel(), days.service.ravel()
    day = lanes.at_citizen % days.count
    position = lanes.at_citizen // days.count
    end = days.citizens[day]
    while lanes.run.size:
        block = int(min(_DRAIN_BLOCK, (end - position).max()))
        at_position = position[None, :] + np.arange(block)[:, None]
        read = np.minimum(at_position, days.width - 1) * days.count + day[None, :]
        arrival, service = arrival_flat.take(read), service_flat.take(read)
        wait = np.empty_like(arrival)
        rows = lanes.rows
        free, spare = np.empty(lanes.run.size), np.empty(lanes.run.size)
        for arrives, serves, waits in zip(arrival, service, wait, strict=True):
            np.subtract(rows[0], arrives, out=waits)
            np.add(rows[0], serves, out=free)
            _insert(rows, free, spare)
        real = at_position < end[None, :]
        waits_flat[(at_position * runs.day.size + lanes.run[None, :])[real]] = wait[real]
        position += block
        done = position >= end
        lanes.settle(runs, done, days.slots)
        lanes = lanes.take(~done)
        day, position, end = day[~done], position[~done], end[~done]


# --- stitching days into replications ---------------------------------------------------------


def _fresh(levels: np.ndarray, width: int) -> np.ndarray:
    """Free times at the start of a replication: each staffer free, absent ones never."""
    free = np.zeros((levels.size, width))
    free[np.arange(width)[None, :] >= levels[:, None]] = np.inf
    return free


def _same_start(a: np.ndarray, b: np.ndarray, opening: np.ndarray) -> np.ndarray:
    """Whether two sets of free times make the same day: equal once those before opening wait."""
    a = np.sort(np.maximum(a, opening[:, None]), axis=1)
    b = np.sort(np.maximum(b, opening[:, None]), axis=1)
    return (a == b).all(axis=1)


class _Stitched:
    """Which run stands for each day of each replication and staff level (chains: level-major),
    with the desk tasks waiting as each day opens and the levels whose queue ran away."""

    def __init__(self, days: _Days, levels: np.ndarray):
        self.days = days
        self.levels = levels
        self.chain_level = np.repeat(levels, days.replications)
        self.made, self.chosen, self.tasks, self.unstable = _stitch(days, levels)

    def waits(self, chain: int, day: int) -> np.ndarray:
        """The waits of the citizens of one day of one chain (float32)."""
        run = int(self.chosen[chain, day])
        for runs in self.made:
            if run < runs.day.size:
                return runs.waits[: int(self.days.citizens[runs.day[run]]), run]
            run -= runs.day.size
        raise IndexError(run)


def simulate_levels(
    load: CounterLoad,
    staff_levels: tuple[int, ...] | list[int],
    settings: SimulationSettings,
    volume_factor: float = 1.0,
) -> list[dict]:
    """`simulate` for several staff levels at once, on the same citizens (one result each)."""
    levels_in = [int(staff) for staff in staff_levels]
    if not levels_in or min(levels_in) < 1:
        raise ValueError("staff must be at least 1")
    if not (math.isfinite(volume_factor) and volume_factor >= 0):
        raise ValueError("the volume factor must be a finite number, 0 or more")
    levels = np.asarray(sorted(set(levels_in)))
    expected = _Expected(load, settings, float(volume_factor))
    results = {
        int(staff): expected.runaway(int(staff)) for staff in levels if expected.runs_away(staff)
    }
    simulated = np.asarray([staff for staff in levels if int(staff) not in results], np.int64)
    if simulated.size:
        days = _Days(load, settings, float(volume_factor), int(simulated.max()))
        stitched = _Stitched(days, simulated)
        summaries = _summaries(days, stitched, [int(staff) for staff in simulated], settings)
        results.update({summary["staff"]: summary for summary in summaries})
    return [dict(results[staff]) for staff in levels_in]


class _Expected:
    """The expected work of a replication's days, from the load alone (nothing drawn).

    A staff level that could not serve the expected counter work even working round the clock
    (every minute from one opening to the next) has no steady state whatever the draws: its
    queue grows day after day by the work it cannot do, so each figure is its limit as the run
    grows (everyone waits, without bound; utilisation is the offered work over the open hours)
    and is known without simulating a citizen. This is what bounds the cost: the levels
    simulated serve at most their staff times a day's minutes of work a day, however large the
    province, and a level past that is answered from the load (the SimPy engine, simulating it,
    gave waits that only grew with the length of the run).
    """

    def __init__(self, load: CounterLoad, settings: SimulationSettings, factor: float):
        hours = settings.hours
        open_weekdays = [w for w in range(7) if hours.open_minutes(w) > 0]
        if not open_weekdays:
            raise ValueError("the counter never opens: no working day to simulate")
        per = settings.days_per_replication
        weekdays = np.asarray(open_weekdays)[np.arange(per) % len(open_weekdays)]
        citizens, minutes, open_minutes = np.zeros(7), np.zeros(7), np.zeros(7)
        service = np.asarray(load.service_minutes, float)
        for weekday in open_weekdays:
            # Arrivals in an hour the counter is closed are not simulated (as in _Days).
            is_open = open_minutes_by_hour(hours, weekday) > 0
            by_purpose = load.arrivals[:, weekday, is_open].sum(axis=1)
            citizens[weekday] = by_purpose.sum()
            minutes[weekday] = float(np.dot(by_purpose, service))
            open_minutes[weekday] = hours.open_minutes(weekday)
        desk = np.zeros(7)
        if load.desk_kinds:
            timed = np.asarray(load.desk_minutes, float) > 0
            desk = np.asarray(load.desk_tasks, float)[timed].sum(axis=0)
        self.days = per
        self.citizens = factor * float(citizens[weekdays].sum())
        self.counter_minutes = factor * float(minutes[weekdays].sum())
        self.open_minutes = float(open_minutes[weekdays].sum())
        self.desk_tasks = factor * float(desk[weekdays].sum())

    def runs_away(self, staff: int) -> bool:
        """Whether `staff` cannot serve the expected counter work even round the clock."""
        return self.counter_minutes > staff * self.days * MINUTES_PER_DAY

    def runaway(self, staff: int) -> dict:
        """The figures of a level whose queue runs away: their limits as the run grows."""
        busy = self.counter_minutes / (staff * self.open_minutes)
        backlog = math.inf if self.desk_tasks > 0 else 0.0
        values = {
            "mean_wait_min": math.inf,
            "p95_wait_min": math.inf,
            "p_wait": 1.0,
            "p_wait_over_15": 1.0,
            "p_wait_over_target": 1.0,
            "utilisation": busy,
            "counter_utilisation": busy,
            "desk_backlog_min": backlog,
            "desk_backlog_tasks": backlog,
            "overtime_min": math.inf,
            "citizens_per_day": self.citizens / self.days,
        }
        summary: dict = {"staff": int(staff)}
        for name in METRICS:
            summary[name] = float(values[name])
            summary[f"{name}_ci"] = 0.0  # a limit, not an estimate
        summary["stable"] = False
        summary["runaway"] = True
        return summary


def _stitch(
    days: _Days, levels: np.ndarray
) -> tuple[list[_Runs], np.ndarray, np.ndarray, np.ndarray]:
    """Run the days until each is the continuation of the day before (see the module docstring).

    Returns the runs made, the run chosen for each chain and day, the desk tasks waiting as each
    day opens, and which chains had a queue run away (no steady state).
    """
    most = int(levels.max())
    desk = days.slots > 0
    chains = levels.size * days.replications
    per = days.per_replication
    chain_level = np.repeat(levels, days.replications)
    chain_first_day = np.tile(np.arange(days.replications) * per, levels.size)
    # Runs so far, and for each chain and day the runs made for it (-1: none).
    made: list[_Runs] = []
    offsets = [0]
    candidates = np.full((chains, per, 0), -1, np.int64)
    current = np.full((chains, per), -1, np.int64)

    def add(runs: _Runs) -> np.ndarray:
        _step_days(days, runs)
        made.append(runs)
        offsets.append(offsets[-1] + runs.day.size)
        return np.arange(offsets[-2], offsets[-1])

    def field(name: str) -> np.ndarray:
        return np.concatenate([getattr(runs, name) for runs in made])

    def attach(chain: np.ndarray, day: np.ndarray, ids: np.ndarray) -> None:
        nonlocal candidates
        slot = (candidates[chain, day] >= 0).sum(axis=1)
        if slot.size and slot.max() >= candidates.shape[2]:
            extra = np.full((chains, per, 1), -1, np.int64)
            candidates = np.concatenate([candidates, extra], axis=2)
        candidates[chain, day, slot] = ids
        current[chain, day] = ids

    # Pass 1: every day from a fresh start.
    chain_all = np.repeat(np.arange(chains), per)
    day_all = np.tile(np.arange(per), chains)
    lane_all = chain_first_day[chain_all] + day_all
    level_all = chain_level[chain_all]
    fresh = _fresh(level_all, most)
    attach(chain_all, day_all, add(_Runs(lane_all, level_all, fresh, days.new_tasks[lane_all])))
    bottomless = np.zeros((chains, per), bool)

    unstable = np.zeros(chains, bool)
    # A staff level with more counter work over a replication than its staff can serve in the
    # open hours has no steady state: its queue, once it runs past the next opening, is not
    # chased from day to day (see the module docstring).
    lanes_of_chain = chain_first_day[:, None] + np.arange(per)[None, :]
    overloaded = days.service_total[lanes_of_chain].sum(axis=1) > chain_level * (
        days.open_minutes[lanes_of_chain].sum(axis=1)
    )
    for _ in range(per + 1):
        free_in, free_out = field("free_in"), field("free_out")
        available, started = field("available"), field("started")
        chosen = np.full((chains, per), -1, np.int64)
        tasks = np.zeros((chains, per), np.int64)  # desk tasks waiting when each day opens
        exact = np.ones(chains, bool)  # chains whose state so far is exact, not a guess
        state = _fresh(chain_level, most)
        backlog = np.zeros(chains, np.int64)
        wanted_chain, wanted_day, wanted_free, wanted_available = [], [], [], []
        unstable[:] = False
        for day in range(per):
            lane = chain_first_day + day
            waiting = backlog + days.new_tasks[lane]
            tasks[:, day] = waiting
            usable = np.minimum(waiting, days.slots) if desk else np.zeros_like(waiting)
            match = np.full(chains, -1, np.int64)
            for k in range(candidates.shape[2]):
                ids = candidates[:, day, k]
                known = (ids >= 0) & (match < 0)
                safe = np.where(known, ids, 0)
                fits = (usable >= started[safe]) & (
                    (started[safe] < available[safe]) | (usable == available[safe])
                )
                same = _same_start(free_in[safe], state, days.session_start[lane, 0])
                match = np.where(known & fits & same, ids, match)
            found = match >= 0
            # A chain whose state is exact and has no matching run needs one; a guessed state
            # with no matching run gets one too (the next pass may prove the guess right).
            need = ~found
            if need.any():
                wanted_chain.append(np.flatnonzero(need))
                wanted_day.append(np.full(int(need.sum()), day))
                wanted_free.append(state[need])
                wanted_available.append(usable[need])
            chosen[exact & found, day] = match[exact & found]
            exact &= found
            # Carry on with the matching run, else (a guess) with the run believed so far.
            follow = np.where(found, match, current[:, day])
            current[:, day] = follow
            carried = free_out[follow] - MINUTES_PER_DAY
            spills = np.where(np.isfinite(carried), carried, -np.inf).max(axis=1) > (
                days.next_opening[lane] - MINUTES_PER_DAY
            )
            frozen = overloaded & spills
            unstable |= frozen & (day < per - 1)
            state = np.where(frozen[:, None], _fresh(chain_level, most), carried)
            backlog = waiting - started[follow] if desk else backlog
        if exact.all():
            break
        chain = np.concatenate(wanted_chain)
        day = np.concatenate(wanted_day)
        lane = chain_first_day[chain] + day
        free = np.concatenate(wanted_free)
        usable = np.concatenate(wanted_available)
        # A day that opens with a backlog is also run with a bottomless desk queue: that run
        # stands for every backlog at least as long as the tasks it started, so a backlog that
        # keeps growing needs no run per length.
        deep = (usable > days.new_tasks[lane]) & ~bottomless[chain, day]
        if deep.any():
            ids = add(_Runs(lane[deep], chain_level[chain[deep]], free[deep],
                            np.full(int(deep.sum()), days.slots)))  # fmt: skip
            attach(chain[deep], day[deep], ids)
            bottomless[chain[deep], day[deep]] = True
        attach(chain, day, add(_Runs(lane, chain_level[chain], free, usable)))
    else:  # pragma: no cover - each pass settles at least one more day of every chain
        raise RuntimeError("the simulated days did not settle")

    return made, chosen, tasks, unstable


def _summaries(
    days: _Days, stitched: _Stitched, asked: list[int], settings: SimulationSettings
) -> list[dict]:
    """Figures per replication from the chosen run of each day, then mean and interval."""
    made, chosen, tasks = stitched.made, stitched.chosen, stitched.tasks
    chain_level, unstable, levels = stitched.chain_level, stitched.unstable, stitched.levels
    sizes = np.cumsum([0] + [runs.day.size for runs in made])
    started = np.concatenate([runs.started for runs in made])
    last_finish = np.concatenate([runs.last_finish for runs in made])
    chains, per = chosen.shape
    lanes = (np.arange(chains) % days.replications)[:, None] * per + np.arange(per)[None, :]
    done = started[chosen]
    if days.slots:
        desk_minutes = days.slot_done[done, lanes]
        usable = np.minimum(tasks, days.slots)
        left_minutes = (
            days.slot_done[usable, lanes]
            - desk_minutes
            + np.maximum(tasks - days.slots, 0) * days.mean_task_minutes
        )
    else:
        desk_minutes = np.zeros((chains, per))
        left_minutes = np.zeros((chains, per))
    left_tasks = tasks - done
    overtime = np.maximum(last_finish[chosen] - days.close[lanes], 0.0).sum(axis=(1, 2))
    service = days.service_total[lanes].sum(axis=1)
    open_minutes = days.open_minutes[lanes].sum(axis=1)
    citizens = days.citizens[lanes].sum(axis=1)
    position = np.arange(days.width)[:, None]
    target = settings.target_wait_min
    figures: dict[str, list[float]] = {name: [] for name in METRICS}
    for chain in range(chains):
        # The waits of this replication's days, each from the pass that made its chosen run.
        columns = []
        for index, runs in enumerate(made):
            mine = (chosen[chain] >= sizes[index]) & (chosen[chain] < sizes[index + 1])
            if mine.any():
                lane = lanes[chain][mine]
                counted = position < days.citizens[lane]
                if settings.warmup_minutes > 0:
                    absolute = days.arrival[:, lane] + days.day_in_replication[lane] * (
                        float(MINUTES_PER_DAY)
                    )
                    counted &= absolute >= settings.warmup_minutes
                columns.append(runs.waits[:, chosen[chain][mine] - sizes[index]][counted])
        wait = np.concatenate(columns)  # float32: sums below are taken in float64
        some = wait.size > 0
        staff = float(chain_level[chain])
        values = {
            "mean_wait_min": float(wait.mean(dtype=float)) if some else 0.0,
            "p95_wait_min": float(np.percentile(wait, 95)) if some else 0.0,
            "p_wait": float((wait > 1e-9).mean()) if some else 0.0,
            "p_wait_over_15": float((wait > 15.0).mean()) if some else 0.0,
            "p_wait_over_target": float((wait > target).mean()) if some else 0.0,
            "utilisation": float(
                (service[chain] + desk_minutes[chain].sum()) / (staff * open_minutes[chain])
            ),
            "counter_utilisation": float(service[chain] / (staff * open_minutes[chain])),
            "desk_backlog_min": float(left_minutes[chain].mean()),
            "desk_backlog_tasks": float(left_tasks[chain].mean()),
            "overtime_min": float(overtime[chain] / per),
            "citizens_per_day": float(citizens[chain] / per),
        }
        for name in METRICS:
            figures[name].append(values[name])
    results = {}
    for position_, staff in enumerate(levels):
        mine = slice(position_ * days.replications, (position_ + 1) * days.replications)
        summary: dict = {"staff": int(staff)}
        for name in METRICS:
            values_ = np.array(figures[name][mine])
            summary[name] = float(values_.mean())
            spread = float(values_.std(ddof=1)) if values_.size > 1 else 0.0
            summary[f"{name}_ci"] = t95(values_.size - 1) * spread / math.sqrt(values_.size)
        summary["stable"] = not bool(unstable[mine].any())
        summary["runaway"] = False
        results[int(staff)] = summary
    return [dict(results[staff]) for staff in asked]


def simulate(
    load: CounterLoad, staff: int, settings: SimulationSettings, volume_factor: float = 1.0
) -> dict:
    """Mean of each figure over the replications, with `<name>_ci` the 95% half-interval.

    `volume_factor` multiplies every volume (citizens and desk tasks) with common random
    numbers: a larger factor keeps every citizen and task of a smaller one.
    """
    return simulate_levels(load, (staff,), settings, volume_factor)[0]
