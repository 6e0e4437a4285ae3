"""The team's calendar: "today" and "last month" are read in the team's time zone, from a ``now``
the caller passes in (the core never reads a clock).

>>> import datetime as dt
>>> now = dt.datetime(2026, 10, 31, 20, 0, tzinfo=dt.UTC)   # already Nov 1, 04:00 in Shanghai
>>> local_today(now, "Asia/Shanghai")
datetime.date(2026, 11, 1)
>>> str(last_full_month(now, "Asia/Shanghai")), str(last_full_month(now, "UTC"))
('2026-10', '2026-09')
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pandas as pd


def local_today(now: dt.datetime, timezone: str) -> dt.date:
    """The date it is at ``now`` (an aware datetime) in ``timezone`` (an IANA name)."""
    return now.astimezone(ZoneInfo(timezone)).date()


def last_full_month(now: dt.datetime, timezone: str) -> pd.Period:
    """The last complete calendar month at ``now`` in ``timezone`` (month boundaries are local).

    One definition for the bot, the console and the clock, so 月报 without a month and the
    monthly job agree on "last month" at any hour of the 1st."""
    return pd.Period(local_today(now, timezone), freq="M") - 1
