"""The daily check as plain functions: run by the clock at 巡检时间, or by hand (``python -m scheduler check-now``).

``run_daily_check`` reads the sheet once, runs ``roi_core.monitor.check_day`` for the team's local day,
logs every alert (figures and proposed change) in the store, upserts them into the assistant's 预警 tab,
and posts one Slack message per campaign to 预警频道 (or the report channel). Delivery is exactly once per
campaign × kind × day (``roi_app.stores.records.AlertStore``): a re-run, a second clock or a crash never doubles
one; kinds muted from the message's buttons (今天不再提醒, 静音 7 天) are not sent while muted.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sys
import uuid
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from render.blocks import FALLBACK_TEXT, cut, fit, mrkdwn
from render.blocks.views import view_message
from render.text import render_view
from roi_app.monthly import can_post, destination, job_notifier, report_channel, retry_delay
from roi_app.stores.records import AlertStore
from roi_core import RoiError
from roi_core.monitor import Alert, check_day, kind_label
from roi_core.schema import ALERTS_TAB
from roi_core.views.alerts import alert_view
from roi_runtime.config import AppConfig
from roi_runtime.feishu_notify import feishu_reports
from roi_runtime.notify import error_code
from roi_runtime.webhook_notify import webhook_target
from sheets import open_source
from sheets.base import JOB_DEADLINE

log = logging.getLogger(__name__)

ALERT_HEADERS = ("日期", "活动名称", "渠道", "类型", "预警", "数据", "建议调整", "静音", "更新时间")
ALERT_KEYS = ("日期", "活动名称", "渠道", "类型")


@dataclass
class CheckRun:
    """What a run did. ``status``: sent | nothing | sheet_only | dry_run | partial (some posts failed)."""

    date: dt.date
    status: str
    alerts: list[Alert] = field(default_factory=list)
    sent: list[str] = field(default_factory=list)  # campaigns whose message went out in this run
    muted: list[tuple[str, str]] = field(default_factory=list)  # (campaign, kind) left out: muted
    already: list[tuple[str, str]] = field(default_factory=list)  # (campaign, kind) sent (or being sent) before
    failed: list[str] = field(default_factory=list)
    channel: str | None = None
    message: str = ""


def team_today(now: dt.datetime, timezone: str) -> dt.date:
    """The team's calendar day at the instant ``now`` (aware)."""
    return now.astimezone(ZoneInfo(timezone)).date()


def _alert_channel(config: AppConfig, data) -> str | None:
    """FEISHU_REPORT_CHAT when 飞书 takes the reports; else 设置 预警频道, else the report channel (Slack)."""
    if feishu_reports(config):
        return config.feishu_report_chat
    if webhook_target(config) is not None:  # a 企业微信 / 钉钉 group robot
        return webhook_target(config)[0]
    return data.settings.alert_channel or report_channel(config, data.settings.report_channel)


def alert_message(campaign: str, alerts: list[Alert], today: dt.date, medium: str = "slack"):
    """One campaign's alerts as a Slack message (Block Kit through the view renderer, plain-text fallback)."""
    view = alert_view(campaign, alerts, today)
    if medium == "feishu":  # the same view as a 飞书 card, its mute buttons answered by the 飞书 door
        from render.feishu import view_card

        return view_card(view)
    if medium == "markdown":  # a 企业微信 / 钉钉 group robot: one markdown message, no buttons
        from render.chat_markdown import markdown_of_view
        from roi_runtime.webhook_notify import MARKDOWN_BYTES

        return markdown_of_view(view, MARKDOWN_BYTES)
    msg = view_message(view)
    msg.blocks = fit(msg.blocks)
    msg.text = cut(mrkdwn(render_view(view)), FALLBACK_TEXT)
    msg.lang = view.lang
    return msg


def alert_rows(alerts: list[Alert], muted: set[tuple[str, str]], stamp: str) -> list[list]:
    """预警 rows in ALERT_HEADERS order."""
    return [[a.date.isoformat(), a.campaign, a.channel, kind_label(a.kind, a.lang), a.message,
             json.dumps(a.figures, ensure_ascii=False), json.dumps(a.proposal, ensure_ascii=False) if a.proposal else "",
             ("yes" if a.lang == "en" else "是") if (a.campaign, a.kind) in muted else "", stamp] for a in alerts]


def by_campaign(alerts: list[Alert]) -> dict[str, list[Alert]]:
    groups: dict[str, list[Alert]] = {}
    for a in alerts:
        groups.setdefault(a.campaign, []).append(a)
    return groups


# the 设置 rows the daily check stands on: a value that cannot be used stops a run by hand (check-now says
# which row to fix); the clock's run goes on with the default and logs the same sentence
CHECK_SETTINGS = ("巡检时间", "时区")


def sheet_problem(data) -> RoiError | None:
    """Why the daily check cannot run on ``data`` as the team wrote it, as one sentence naming the tab, row
    and value (None when it can): no usable 活动 tab, or a 设置 巡检时间 / 时区 that cannot be used."""
    if data.missing:
        blocking = next((p for p in data.problems if p.blocking), None)
        hint = blocking.reason.partition("：")[2] if blocking is not None and "：" in blocking.reason else None
        return RoiError(data.missing[0], hint or "修好表格后再运行")
    for problem in data.problems:
        name, _, why = problem.reason.partition("：")
        if name in CHECK_SETTINGS and problem.row:
            why, _, default = why.partition("，已用默认值 ")
            value = problem.value if problem.value not in (None, "") else ""
            used = f"；不改的话，时钟的每日巡检按默认值 {default} 运行" if default else ""
            return RoiError(f"「{problem.tab}」第{problem.row}行 {name}「{value}」{why}", f"改好这一行后再运行{used}")
    return None


def run_daily_check(config: AppConfig, *, now: dt.datetime | None = None, date: dt.date | None = None,
                    source: str | None = None, dry_run: bool = False, store: AlertStore | None = None,
                    notifier=None, out=None, strict: bool = False) -> CheckRun:
    """Check the campaigns running on ``date`` (default: the team's day at ``now``) and deliver the alerts.

    ``dry_run``: nothing written, recorded or posted; the messages are printed. Raises ``RoiError`` when
    the sheet cannot be read (the caller reports it), and with ``strict`` (a run by hand) when
    :func:`sheet_problem` finds one; without it a bad 巡检时间 / 时区 is logged and its default used."""
    out = out or sys.stdout
    now = now or dt.datetime.now(dt.UTC)
    sheet = open_source(source, config)
    data = sheet.read(deadline=JOB_DEADLINE)
    problem = sheet_problem(data)
    if problem is not None and (strict or data.missing):
        raise problem
    if problem is not None:
        log.warning("daily check: %s (%s)", problem.message, problem.hint)
    timezone = config.timezone or data.settings.timezone
    today = date or team_today(now, timezone)
    alerts = check_day(data, today).alerts
    groups = by_campaign(alerts)
    channel = _alert_channel(config, data)
    text_only = not (can_post(config) and channel)
    if dry_run:
        _print_dry_run(out, today, groups, channel if not text_only else None, destination(config))
        return CheckRun(today, "dry_run", alerts, channel=channel, message="dry run: nothing written or posted")

    store = store or AlertStore(config.database)
    store.log_alerts(alerts)
    muted = store.muted(today)
    run = CheckRun(today, "nothing", alerts, channel=channel)
    run.muted = sorted({(a.campaign, a.kind) for a in alerts if (a.campaign, a.kind) in muted})
    if alerts:
        stamp = now.astimezone(ZoneInfo(timezone)).strftime("%Y-%m-%d %H:%M")
        try:
            sheet.upsert_rows(ALERTS_TAB, list(ALERT_HEADERS), alert_rows(alerts, muted, stamp), list(ALERT_KEYS))
        except Exception as err:  # alerts are urgent: Slack still hears them when the sheet cannot be written
            _log_failure(err, "the %s tab could not be written", ALERTS_TAB)
            run.message = f"「{ALERTS_TAB}」没有写成：{getattr(err, 'message', None) or type(err).__name__}；"
    if text_only:
        for campaign, group in groups.items():
            shown = [a for a in group if (a.campaign, a.kind) not in muted]
            if shown:
                print(render_view(alert_view(campaign, shown, today)), file=out)
        run.status = "sheet_only" if alerts else "nothing"
        run.message += "未配置 Slack 或预警频道，预警打印在此" if alerts else "今天没有预警"
        return run
    notifier = notifier or job_notifier(config)
    _deliver(run, groups, muted, store, notifier, channel, today, now)
    run.status = "partial" if run.failed else "sent" if run.sent else "nothing"
    run.message += _summary(run)
    return run


def _deliver(run: CheckRun, groups: dict[str, list[Alert]], muted: set, store: AlertStore, notifier, channel: str,
             today: dt.date, now: dt.datetime) -> None:
    """Post one message per campaign for the kinds this run may send (claimed: not sent, not held by another
    run, not muted); record sent or failed. Fills ``run.sent``, ``run.already``, ``run.failed``."""
    day = today.isoformat()
    for campaign, group in groups.items():
        wanted = list(dict.fromkeys(a.kind for a in group if (campaign, a.kind) not in muted))
        if not wanted:
            continue
        owner = uuid.uuid4().hex
        kinds = store.claim(campaign, wanted, day, owner, now=now)
        run.already += [(campaign, k) for k in wanted if k not in kinds]
        if not kinds:
            continue
        message = alert_message(campaign, [a for a in group if a.kind in kinds], today,
                                getattr(notifier, "medium", "slack"))
        store.mark_posting(campaign, kinds, day, owner)
        try:
            response = notifier.post(channel, message)
        except Exception as err:  # Slack refused or is down: nothing went out; the clock retries it today
            _log_failure(err, "alert for %s could not be posted", campaign)
            store.mark_failed(campaign, kinds, day, owner, f"{type(err).__name__}: {err}", now=now)
            run.failed.append(campaign)
            continue
        store.mark_sent(campaign, kinds, day, owner, response.get("channel", channel), response["ts"])
        run.sent.append(campaign)


def retry_failed_alerts(config: AppConfig, *, now: dt.datetime | None = None, source: str | None = None,
                        store: AlertStore | None = None, notifier=None) -> CheckRun | None:
    """Post again the alerts whose post failed, the same day only, with the monthly job's backoff.

    The clock calls this every 10 minutes. Without a failed record it does nothing (no sheet read). Failed
    records of a day before the team's today are stale: marked ``expired``, never sent. Today's are sent
    again once ``retry_delay(failures)`` (10 min, 20, 40, … at most 6 h) has passed since the last failure,
    from the alerts the check finds now (an alert that is gone from the sheet is not sent), through the
    same delivery records (a kind another run sent meanwhile is not sent twice). None when nothing was due."""
    now = now or dt.datetime.now(dt.UTC)
    store = store or AlertStore(config.database)
    failed = store.failed()
    if not failed:
        return None
    sheet = open_source(source, config)
    data = sheet.read(deadline=JOB_DEADLINE)
    today = team_today(now, config.timezone or data.settings.timezone)
    day = today.isoformat()
    for record in failed:
        if record["day"] < day:
            store.expire(record["campaign"], [record["kind"]], record["day"], now=now)
            log.warning("alert %s / %s of %s expired unsent", record["campaign"], record["kind"], record["day"])
    due = {(r["campaign"], r["kind"]) for r in failed if r["day"] == day
           and (r["updated_at"] is None or (now - r["updated_at"]).total_seconds() >= retry_delay(r["failures"]))}
    if not due:
        return None
    alerts = [a for a in check_day(data, today).alerts if (a.campaign, a.kind) in due]
    channel = _alert_channel(config, data)
    run = CheckRun(today, "nothing", alerts, channel=channel)
    if not (can_post(config) and channel):
        return run
    muted = store.muted(today)
    run.muted = sorted({(a.campaign, a.kind) for a in alerts if (a.campaign, a.kind) in muted})
    _deliver(run, by_campaign(alerts), muted, store, notifier or job_notifier(config), channel, today, now)
    run.status = "partial" if run.failed else "sent" if run.sent else "nothing"
    run.message = _summary(run)
    return run


def _summary(run: CheckRun) -> str:
    parts = [f"{run.date} 共 {len(run.alerts)} 条预警"]
    if run.sent:
        parts.append(f"已发送 {len(run.sent)} 个活动的消息到 {run.channel}")
    if run.already:
        parts.append(f"{len(run.already)} 项今天已发过")
    if run.muted:
        parts.append(f"{len(run.muted)} 项静音中")
    if run.failed:
        parts.append(f"{len(run.failed)} 个活动发送失败，当天自动重试（时钟进程运行时）")
    return "，".join(parts)


def _print_dry_run(out, today: dt.date, groups: dict[str, list[Alert]], channel: str | None,
                   where: str = "Slack 频道") -> None:
    total = sum(len(g) for g in groups.values())
    if not total:
        print(f"[dry-run] {today}：没有进行中的活动需要预警", file=out)
        return
    print(f"[dry-run] {today}：{len(groups)} 个活动共 {total} 条预警；将写入「{ALERTS_TAB}」（按 日期+活动名称+渠道+类型 "
          f"更新 {total} 行）", file=out)
    print(f"[dry-run] 将发布到 {where} {channel}（每个活动一条消息）：" if channel else
          "[dry-run] 未配置 Slack 或预警频道，消息如下：", file=out)
    for campaign, group in groups.items():
        print("", file=out)
        print(render_view(alert_view(campaign, group, today)), file=out)


def alerts_json(alerts: list[Alert]) -> str:
    """``--json``: the alerts as a list of objects (campaign, channel, kind, date, the figures, message, proposal)."""
    return json.dumps([a.to_json() for a in alerts], ensure_ascii=False, indent=2)


def scheduled_check() -> None:
    """The clock's daily job ("scheduler.alerts:scheduled_check" in the persistent job store)."""
    _clock_run("daily check", run_daily_check)


def scheduled_retry() -> None:
    """The clock's retry job ("scheduler.alerts:scheduled_retry", every 10 minutes): failed posts of today."""
    _clock_run("alert retry", retry_failed_alerts)


def _clock_run(what: str, run) -> None:
    # a clock job never raises into APScheduler: it logs, and the next run (or retry) tries again
    from roi_app.bootstrap import bootstrap

    services = bootstrap(role="job")
    try:
        result = run(services.config, notifier=services.notifier())
    except Exception as err:
        _log_failure(err, "the %s failed", what)
        return
    if result is not None:
        log.warning("%s %s: %s (%s)", what, result.date, result.status, result.message)


def _log_failure(err: BaseException, what: str, *args) -> None:
    """Log a failure in ONE line with its cause when it is a named fault (Google refused the write or was down,
    the sheet cannot be read: a RoiError with its message and fix; Slack's own error code); the stack only for
    an error we did not foresee (a bug of ours)."""
    code = error_code(err)
    if isinstance(err, RoiError):
        log.error(what + ": %s", *args, f"{err.message}；{err.hint}" if err.hint else err.message)
    elif code:
        log.error(what + ": Slack %s", *args, code)
    else:
        log.exception(what, *args)
