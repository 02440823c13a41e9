"""Pilot evaluation: did the pilot agencies change more than the others over the same months?

- bootstrap.py: the statistics — pooled ratios of two groups of clusters, linear contrasts of
  them (difference-in-differences, the slope of a monthly gap) and their wild cluster
  bootstrap-t intervals; numpy only, nothing about dossiers.
- compare.py: the evaluation of a pilot — periods, the counts per agency and month
  (queries/measure_counts_by_agency_month.sql), each measure of onestop.metrics compared,
  the pre-trend check, and what the data lack.

Imports: onestop's core modules (db, metrics, filters, calendar, i18n) only.
"""
