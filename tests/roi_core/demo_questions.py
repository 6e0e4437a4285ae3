"""Questions asked of examples/demo.xlsx on 2026-11-30, as the issue-22 answer tests ask them (the demo itself
is the ``demo`` fixture of tests/roi_core/conftest.py)."""

import datetime as dt

from roi_core import answer, parse_query

TODAY = dt.date(2026, 11, 30)


def ask(text, demo):
    return answer(parse_query(text, TODAY), demo, TODAY)
