"""The demo workbook read once per module (``demo``) and its campaign and channel names (``names``); a module
with a ``demo`` fixture of its own keeps it."""

import pytest

from roi_runtime.config import DEMO_WORKBOOK
from sheets import open_source


@pytest.fixture(scope="module")
def demo():
    return open_source(str(DEMO_WORKBOOK)).read()


@pytest.fixture(scope="module")
def names(demo):
    return (demo.campaigns["campaign"].dropna().unique().tolist(), demo.campaigns["channel"].dropna().unique().tolist())
