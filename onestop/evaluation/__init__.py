"""evaluation: pilot definitions and the pilot's evaluation — did the pilot agencies change more
than the others over the same months?

- pilots.py: the pilot stored with the data (agencies, period, name), through the atomic swap.
- bootstrap.py: the statistics — pooled ratios of two groups of clusters, linear contrasts of
  them (difference-in-differences, the slope of a monthly gap) and their wild cluster
  bootstrap-t intervals; numpy only, nothing about dossiers.
- compare.py: the evaluation of a pilot — periods, the counts per agency and month
  (queries/measure_counts_by_agency_month.sql), each measure of core.metrics compared,
  the pre-trend check, and what the data lack.
- readings.py, output.py, charts.py: the evaluation in words, as a table and JSON, as charts.

May import core only (web/ and cli/ use this area).
"""
