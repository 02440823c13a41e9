"""demo: a deterministic, realistic demo database that reproduces the pilot's published year.

Three populations of dossiers share one provincial centre:
- the pilot: six agencies in 2023, every dossier received by one postal staffer, calibrated so
  that Biểu 06 for the year gives exactly the published figures (calibrate);
- the baseline: the same six agencies in 2022, received by their own civil servants;
- non-pilot agencies over the whole demo span, for comparisons and "what if we add agencies".
reference holds the agencies, fields, procedures and staff, populations how dossiers arrive and
end, counter_visits the queue tickets, build puts it together. Everything is drawn with numpy
from one seed (a large demo's other agencies in streams spawned from it, drawn side by side), so
the same arguments give the same tables on any machine.

May import core only. What the command line and tests use is imported here; modules inside the
package import each other directly, never through this file.
"""

from onestop.demo.build import (
    DEFAULT_DOSSIERS,
    MAX_DOSSIERS,
    MIN_DOSSIERS,
    DemoSummary,
    build_demo,
    build_demo_frames,
    largest_fitting,
    memory_needed,
    write_database,
)
from onestop.demo.calibrate import PILOT_TARGET
from onestop.demo.counter_visits import single_server_waits

__all__ = [
    "DEFAULT_DOSSIERS",
    "MAX_DOSSIERS",
    "MIN_DOSSIERS",
    "PILOT_TARGET",
    "DemoSummary",
    "build_demo",
    "build_demo_frames",
    "largest_fitting",
    "memory_needed",
    "single_server_waits",
    "write_database",
]
