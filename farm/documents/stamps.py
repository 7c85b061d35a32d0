"""Fixed dates for the writers: the same truth always gives the same bytes.

Zip members carry :data:`FIXED_TIME`; DOCX core properties and PDF dates carry the report's own
signing date (:func:`report_datetime`), as a real export would, rather than the time of the run.
"""

from __future__ import annotations

import datetime as dt

FIXED_TIME = (2024, 1, 1, 0, 0, 0)


def report_datetime(truth: dict) -> dt.datetime:
    """The signing date at 09:00 (or 20 Jan of the next year): stamped into DOCX and PDF."""
    if truth["report_date"]:
        d = dt.date.fromisoformat(truth["report_date"])
    else:
        d = dt.date(truth["year"] + 1, 1, 20)
    return dt.datetime(d.year, d.month, d.day, 9, 0, 0)
