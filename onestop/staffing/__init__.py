"""staffing: is one postal staffer enough? The load measured from the data (load), the question
and its two models (models: Erlang C in queueing; the simulation in fastsim, which computes the
SimPy model of simulation as arrays), the answer in sentences (answer) and the page's charts
(charts).

May import core only. What pages and the command line use is imported here; modules inside the
package import each other directly, never through this file.
"""

from onestop.core.codes import DEFAULT_TASK_MINUTES, DESK_KINDS, PURPOSES
from onestop.staffing.answer import (
    answer,
    json_ready,
    scenario_sentence,
    to_table,
    unbounded_note,
)
from onestop.staffing.charts import scenario_frame, staffing_charts
from onestop.staffing.load import MeasuredLoad, measure_load
from onestop.staffing.models import (
    DAYS_RANGE,
    GROWTH_RANGE,
    MAX_ARRIVALS_PER_HOUR,
    MAX_STAFF,
    MODELS,
    REPLICATIONS_RANGE,
    SERVICE_CV_RANGE,
    TARGET_WAIT_RANGE,
    TASK_MINUTES_RANGE,
    Question,
    ServiceTarget,
    constant_rate_scenarios,
    evaluate,
)
from onestop.staffing.simulation import DEFAULT_SERVICE_CV, SimulationSettings

__all__ = [
    "DAYS_RANGE",
    "DEFAULT_SERVICE_CV",
    "DEFAULT_TASK_MINUTES",
    "DESK_KINDS",
    "GROWTH_RANGE",
    "MAX_ARRIVALS_PER_HOUR",
    "MAX_STAFF",
    "MODELS",
    "PURPOSES",
    "REPLICATIONS_RANGE",
    "SERVICE_CV_RANGE",
    "TARGET_WAIT_RANGE",
    "TASK_MINUTES_RANGE",
    "MeasuredLoad",
    "Question",
    "ServiceTarget",
    "SimulationSettings",
    "answer",
    "constant_rate_scenarios",
    "evaluate",
    "json_ready",
    "measure_load",
    "scenario_frame",
    "scenario_sentence",
    "staffing_charts",
    "to_table",
    "unbounded_note",
]
