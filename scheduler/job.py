"""The clock's monthly jobs: what the persistent job store names ("scheduler.job:scheduled_run" and
"scheduler.job:scheduled_retry", kept by those names in existing databases). Each builds the job's services
from the environment and calls the month's run in the application layer (``roi_app.monthly``).
"""

from __future__ import annotations

import logging

from roi_app.bootstrap import bootstrap
from roi_app.monthly import retry_failed, run_monthly

log = logging.getLogger(__name__)


def scheduled_run() -> None:
    """The clock's job (referenced as "scheduler.job:scheduled_run" in the persistent job store)."""
    services = bootstrap(role="job")  # the config from the environment, as the stored job reference has none
    result = run_monthly(services.config, notifier=services.notifier())
    log.warning("monthly run %s: %s (%s)", result.month, result.status, result.message)


def scheduled_retry() -> None:
    """The clock's retry job ("scheduler.job:scheduled_retry"): last month again if its run failed."""
    services = bootstrap(role="job")
    result = retry_failed(services.config, notifier=services.notifier())
    if result is not None:
        log.warning("monthly retry %s: %s (%s)", result.month, result.status, result.message)
