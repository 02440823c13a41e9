"""onestop: analytics for Vietnam's one-stop public-administration counters."""

__version__ = "0.1.0"
