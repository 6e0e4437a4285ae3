"""The APScheduler clock: one job, persisted, that survives restarts without running twice.

Only the ``clock`` process builds this (never the web workers). The job is
stored in SQLAlchemyJobStore (the SQLite file by default, DATABASE_URL for
PostgreSQL), so a restart keeps its next run time: downtime shorter than the
grace time runs the missed month once on start (coalesced); longer downtime
is a ``missed`` event, recorded and reported.
"""

from __future__ import annotations

import datetime as dt
import logging

from apscheduler.events import EVENT_JOB_MISSED, JobExecutionEvent
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler

from roi_core import RoiError, Settings
from roi_core.config import AppConfig
from scheduler.job import missed_run
from scheduler.schedule import Schedule, last_full_month, monthly_trigger
from sheets import open_source

log = logging.getLogger(__name__)

JOB_ID = "monthly_summary"
JOB_FUNC = "scheduler.job:scheduled_run"
MISFIRE_GRACE = dt.timedelta(hours=6)
JOB_OPTIONS = {"coalesce": True, "max_instances": 1, "misfire_grace_time": int(MISFIRE_GRACE.total_seconds())}


def settings_for_schedule(config: AppConfig) -> Settings:
    """设置 from the sheet for the schedule; when the sheet cannot be read, defaults (env still overrides)."""
    try:
        return open_source(None, config).read().settings
    except RoiError as err:
        log.warning("schedule from defaults, the sheet could not be read: %s", err.message)
        return Settings()


def build_scheduler(config: AppConfig, schedule: Schedule,
                    scheduler_class: type[BaseScheduler] = BlockingScheduler) -> BaseScheduler:
    """A scheduler (not started) with the monthly job in the persistent job store."""
    store = SQLAlchemyJobStore(url=config.database)
    scheduler = scheduler_class(
        jobstores={"default": store}, timezone=schedule.zone,
        job_defaults=JOB_OPTIONS,
    )
    trigger = monthly_trigger(schedule)
    store.jobs_t.create(store.engine, checkfirst=True)  # so the lookup works before the scheduler starts
    existing = store.lookup_job(JOB_ID)
    # An unchanged job keeps its stored next run time, which is how a restart
    # after downtime still sees (and runs, or reports) the run it missed.
    if existing is None or str(existing.trigger) != str(trigger):
        scheduler.add_job(JOB_FUNC, trigger=trigger, id=JOB_ID, name="月报", replace_existing=True)
    else:
        # keep its next run time, but with today's run options (a job stored by an older clock may lack them)
        existing._modify(**JOB_OPTIONS)
        store.update_job(existing)

    def on_missed(event: JobExecutionEvent) -> None:
        month = last_full_month(event.scheduled_run_time, schedule.timezone)
        log.error("monthly run for %s missed (scheduled %s)", month, event.scheduled_run_time)
        missed_run(config, str(month), event.scheduled_run_time)

    scheduler.add_listener(on_missed, EVENT_JOB_MISSED)
    return scheduler
