"""The month's run, as plain functions: the clock runs it, and so do ``python -m scheduler run-once`` and the
plugin's ``POST /api/v1/monthly``.

``run_monthly`` reads the sheet once, computes the month's summary, upserts
月度汇总 and 渠道月度, rewrites 数据校验, and posts to the report channel (or
edits the message it posted before). A delivery record keyed by month
(``roi_app.stores.records.DeliveryStore``) makes it exactly once whoever runs
it, and lets a later run finish a run that crashed between the sheet write and
the post. ``retry_failed`` runs a failed month again after its backoff and
``missed_run`` records a run the clock missed; the clock's own jobs
(``scheduler.job``) call them.
"""

from __future__ import annotations

import datetime as dt
import logging
import sys
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pandas as pd

from render.blocks import mrkdwn
from roi_app.follow_up import FOLLOW_UP_HEADER, follow_up_cell, proposal_lookup, record_month
from roi_app.stores.records import DeliveryStore
from roi_app.table_sources import monthly_orders, warm_table_month
from roi_core import RoiError
from roi_core.budget.answer import budget_sheet_rows
from roi_core.cohort_report import CUSTOMER_VALUE_KEY, cohort_sheet_rows
from roi_core.follow_up import with_follow_up
from roi_core.monthly import (
    CHANNEL_MONTHLY_HEADERS,
    MONTHLY_SUMMARY_HEADERS,
    MonthlySummary,
    channel_rows,
    monthly_summary,
    summary_row,
)
from roi_core.periods import last_full_month
from roi_core.schema import BUDGET_ADVICE_TAB, CHANNEL_MONTHLY_TAB, CUSTOMER_VALUE_TAB, MONTHLY_SUMMARY_TAB
from roi_core.sheetdata import Settings
from roi_runtime.config import AppConfig
from roi_runtime.feishu_notify import feishu_reports
from roi_runtime.webhook_notify import webhook_target
from sheets import open_source, sheet_link
from sheets.base import JOB_DEADLINE

log = logging.getLogger(__name__)


def utc_now() -> dt.datetime:
    """The clock the job reads when no ``now`` is passed in (the one seam tests set: the clock process
    itself runs on real time)."""
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class RunResult:
    """What a run did: ``status`` is posted | updated | sheet_only | dry_run | locked | failed."""

    month: str
    status: str
    message: str
    channel: str | None = None
    ts: str | None = None


def job_notifier(config: AppConfig):
    """The notifier the job posts with, from the composition root (None without a bot token)."""
    from roi_app.bootstrap import bootstrap

    return bootstrap(config, role="job").notifier()


def summary_message(summary: MonthlySummary, sheet_url: str | None = None, report_url: str | None = None):
    """The monthly message as bot renders it (Block Kit within Slack's limits, fallback text, trend chart);
    ``report_url``: the signed link to the month's web report (a 🌐 button), None without the web pages."""
    from render.blocks import RenderOptions, build_message

    return build_message(summary, RenderOptions(sheet_url=sheet_url, now=utc_now(),
                                                report_url=report_url))


def report_link(config: AppConfig, month: str) -> str | None:
    """The signed, expiring link to ``/report/<month>`` when ROI_PUBLIC_URL and ROI_WEB_SECRET are set; a
    link that cannot be made costs the message its button, never the message."""
    if not (config.public_url and config.web_secret):
        return None
    try:
        from roi_app.report_links import monthly_report_url

        return monthly_report_url(config, month)
    except Exception:
        log.exception("could not sign the monthly report link")
        return None


def feishu_summary_message(summary: MonthlySummary, sheet_url: str | None = None, report_url: str | None = None):
    """The monthly message as a 飞书 card (render.feishu), from the same view as the Slack message."""
    from render.blocks import RenderOptions
    from render.feishu import build_card

    return build_card(summary, RenderOptions(sheet_url=sheet_url, now=utc_now(), report_url=report_url))


def report_channel(config: AppConfig, summary_settings_channel: str | None) -> str | None:
    """Where the month's summary goes: FEISHU_REPORT_CHAT when 飞书 takes the reports, else Slack's channel."""
    if feishu_reports(config):
        return config.feishu_report_chat
    robot = webhook_target(config)
    if robot is not None:  # a 企业微信 / 钉钉 group robot: its chat is the webhook's own
        return robot[0]
    return config.report_channel or summary_settings_channel


def can_post(config: AppConfig) -> bool:
    """True when a report can be posted somewhere: a Slack bot token, or a 飞书 app with FEISHU_REPORT_CHAT."""
    return bool(config.slack_bot_token) or feishu_reports(config) or webhook_target(config) is not None


def markdown_summary_message(summary: MonthlySummary, sheet_url: str | None = None, report_url: str | None = None):
    """The monthly message as one markdown message for a 企业微信 / 钉钉 group robot (render.chat_markdown)."""
    from render.blocks import RenderOptions
    from render.chat_markdown import markdown_of_view
    from roi_core.views import view_of
    from roi_runtime.webhook_notify import MARKDOWN_BYTES

    view = view_of(summary, RenderOptions(sheet_url=sheet_url, now=utc_now(), report_url=report_url))
    return markdown_of_view(view, MARKDOWN_BYTES)


def run_monthly(config: AppConfig, *, month: pd.Period | None = None, now: dt.datetime | None = None,
                source: str | None = None, dry_run: bool = False, force: bool = False,
                store: DeliveryStore | None = None, notifier=None, out=None, dry_run_format: str = "text") -> RunResult:
    """Run the monthly summary for ``month`` (default: the last full month in the configured 时区).

    ``dry_run_format="feishu"``: a dry run prints the 飞书 card's JSON instead of the text.

    A month named up front takes its lease before the sheet is read, so six people pressing
    "生成上月月报" at once cost one read and one summary, and the other five hear "locked" at once."""
    out = out or sys.stdout
    now = now or utc_now()
    if month is None or dry_run:
        return _run(config, month, now, source, dry_run, store, notifier, out, owner=None, force=force,
                    dry_run_format=dry_run_format)
    store = store or DeliveryStore(config.database)
    if force:
        store.break_lease(str(month))
    owner = store.acquire(str(month), now=now)
    if owner is None:
        return _locked(str(month), out)
    try:
        return _run(config, month, now, source, dry_run, store, notifier, out, owner=owner)
    finally:
        store.release(str(month), owner)


def _locked(month: str, out) -> RunResult:
    msg = f"{month} 的月报正在由另一个进程运行，本次跳过（如确认它已中断，可加 --force）"
    print(msg, file=out)
    return RunResult(month, "locked", msg, None)


def _run(config: AppConfig, month: pd.Period | None, now: dt.datetime, source: str | None, dry_run: bool,
         store: DeliveryStore | None, notifier, out, *, owner: str | None, force: bool = False,
         dry_run_format: str = "text") -> RunResult:
    """The run itself; ``owner``: the lease already held by the caller (None: taken here, after the read
    has told which month it is)."""
    sheet = open_source(source, config)
    try:
        data = sheet.read(deadline=JOB_DEADLINE)  # no one is waiting: Google gets longer than for an answer
        timezone = config.timezone or data.settings.timezone
        month = month or last_full_month(now, timezone)
        summary = monthly_summary(data, month)
        if not dry_run:  # 触点 from a table source: the month's sums kept, so its questions do not rescan
            warm_table_month(config, data, month, now.astimezone(ZoneInfo(timezone)).date())
    except RoiError as err:
        # Google down, the share lost, the workbook locked, or no rows for the month yet: recorded, told once,
        # retried with backoff (rows typed in later in the month are picked up by a retry)
        if dry_run:
            raise
        month = month or last_full_month(now, config.timezone or Settings().timezone)
        return _could_not_run(config, store or DeliveryStore(config.database), str(month), now, err, notifier, out,
                              owner=owner)
    summary = with_follow_up(summary, proposal_lookup(config)(summary), data)  # 上月建议的结果 (roi_core.follow_up)
    row = summary_row(summary, now.astimezone(ZoneInfo(timezone)))
    per_channel = channel_rows(summary)
    channel = report_channel(config, data.settings.report_channel)
    text_only = not (can_post(config) and channel)

    if dry_run:
        if dry_run_format == "feishu":  # the card the 飞书 door would post, as im/v1/messages takes it
            link = sheet_link(source or config.source, config.sheet_url)
            print(feishu_summary_message(summary, link, report_link(config, str(month))).payload()[1], file=out)
            return RunResult(str(month), "dry_run", "dry run: nothing written or posted", channel)
        _print_dry_run(out, summary, row, per_channel, data, channel if not text_only else None,
                       destination(config))
        return RunResult(str(month), "dry_run", "dry run: nothing written or posted", channel)

    store = store or DeliveryStore(config.database)
    held = owner is not None
    if not held:
        if force:
            store.break_lease(str(month))
        owner = store.acquire(str(month), now=now)
        if owner is None:
            return _locked(str(month), out)
    try:
        ordered = monthly_orders(config, data)  # 订单 from ROI_ORDERS / 设置 订单来源 when named (None: unreadable)
        with sheet.batch() as writes:  # a workbook is loaded and saved once for the three tabs
            writes.upsert_rows(MONTHLY_SUMMARY_TAB, list(MONTHLY_SUMMARY_HEADERS), [row], ["月份"])
            writes.upsert_rows(CHANNEL_MONTHLY_TAB, list(CHANNEL_MONTHLY_HEADERS), per_channel, ["月份", "渠道"])
            writes.write_problems(list(data.problems), now)
            headers, cohort_rows = cohort_sheet_rows(ordered, month, row[-1]) if ordered is not None else ([], [])
            if cohort_rows:  # 客户价值: the cohort table (with 订单)
                writes.upsert_rows(CUSTOMER_VALUE_TAB, headers, cohort_rows, [CUSTOMER_VALUE_KEY])
            budget_headers, budget_rows = budget_sheet_rows(summary, row[-1])  # 预算建议: next month's plan
            if budget_rows:  # rewritten whole: the tab shows the latest plan (and, on Google, its chart)
                writes.replace_rows(BUDGET_ADVICE_TAB, budget_headers, budget_rows)
            if getattr(summary, "follow_up", None):  # 月度汇总 gains the column 上月建议的结果 (the month's row)
                writes.upsert_rows(MONTHLY_SUMMARY_TAB, ["月份", FOLLOW_UP_HEADER], [follow_up_cell(summary)], ["月份"])
        store.mark_sheet_written(str(month), owner)
        _record_proposals(config, summary)  # what this month proposes, for next month's 上月建议的结果
        if text_only:
            from render.text import render_text

            print(render_text(summary), file=out)
            return RunResult(str(month), "sheet_only", "已写入表格；未配置 Slack 或月报频道，摘要打印在此", None)
        link = sheet_link(source or config.source, config.sheet_url)
        return _deliver(store, owner, summary, channel, notifier or job_notifier(config), link,
                        report_url=report_link(config, str(month)))
    except Exception as err:  # recorded and reported, never lost
        reason = err.message if isinstance(err, RoiError) else f"{type(err).__name__}: {err}"
        if isinstance(err, RoiError):  # a named fault (Google refused the write, Slack down): its cause, no stack
            log.error("monthly run for %s failed: %s", month, err.message)
        else:
            log.exception("monthly run for %s failed", month)
        store.mark_failed(str(month), owner, reason)
        _report_failure(config, notifier, channel, str(month), reason, text_only)
        return RunResult(str(month), "failed", reason, channel)
    finally:
        if not held:
            store.release(str(month), owner)


def _record_proposals(config: AppConfig, summary: MonthlySummary) -> None:
    """Record the month's proposals (roi_core.follow_up.proposals_of) beside the delivery record; a failure
    is logged and costs next month its follow-up section, never this month's summary."""
    try:
        record_month(config, summary)
    except Exception:
        log.exception("could not record the proposals of %s", summary.month)


def _could_not_run(config: AppConfig, store: DeliveryStore, month: str, now: dt.datetime, err: RoiError, notifier,
                   out, owner: str | None = None) -> RunResult:
    """The sheet could not be read, or the month has nothing to summarise: the attempt is recorded (so
    :func:`retry_failed` tries again with backoff), the first failure of the month is told to the report
    channel, the run exits non-zero. A month already posted is left as it is."""
    reason = err.message + (f"（{err.hint}）" if err.hint else "")
    log.error("monthly run for %s could not run: %s", month, err.message)
    held = owner is not None  # the caller's lease (released by the caller)
    owner = owner or store.acquire(month, now=now)
    if owner is None:
        return RunResult(month, "locked", f"{month} 的月报正在由另一个进程运行，本次跳过", None)
    try:
        record = store.get(month)
        if record is not None and record.status == "posted":
            return RunResult(month, "failed", f"本次没有完成，已发布的月报保持不变：{reason}", record.channel)
        store.mark_failed(month, owner, reason)
    finally:
        if not held:
            store.release(month, owner)
    attempts = record.attempts if record is not None else 1
    wait = retry_delay(attempts)
    print(f"⚠ {month} 月报没有完成：{reason}；{wait // 60:.0f} 分钟后自动重试（时钟进程运行时）", file=out)
    channel = report_channel(config, None)
    if attempts <= 1:  # the channel hears about the month once, not on every retry
        _report_failure(config, notifier, channel, month, reason, not (can_post(config) and channel))
    return RunResult(month, "failed", reason, channel)


def retry_delay(attempts: int) -> float:
    """Seconds to wait after the ``attempts``-th failed run of a month: 10 min, 20, 40, … at most 6 h."""
    return float(min(6 * 3600, 600 * 2 ** max(0, attempts - 1)))


def retry_failed(config: AppConfig, *, now: dt.datetime | None = None, store: DeliveryStore | None = None,
                 notifier=None, out=None) -> RunResult | None:
    """Run last month's summary again when its last run failed and its backoff has passed (the clock
    calls this every few minutes; it does nothing for a month delivered, running or waiting)."""
    now = now or utc_now()
    store = store or DeliveryStore(config.database)
    month = last_full_month(now, config.timezone or Settings().timezone)
    record = store.get(str(month))
    if record is None or record.status != "failed":
        return None
    last = store.last_update(str(month))
    if last is not None and (now - last).total_seconds() < retry_delay(record.attempts):
        return None
    return run_monthly(config, month=month, now=now, store=store, notifier=notifier, out=out)


def _deliver(store: DeliveryStore, owner: str, summary: MonthlySummary, channel: str, notifier,
             link: str | None, report_url: str | None = None) -> RunResult:
    """Post (or, on a re-run, edit) the month's message through the notifier (checked against Slack's
    block contract first; a layout Slack refuses goes out as plain text). Slack errors raise."""
    render = {"feishu": feishu_summary_message, "markdown": markdown_summary_message}.get(
        getattr(notifier, "medium", "slack"), summary_message)
    message = render(summary, link, report_url)
    record = store.get(summary.month)
    if record and record.message_ts:
        # a re-run edits the message it posted, in the channel it posted to
        notifier.update(record.channel, record.message_ts, message)
        store.mark_posted(summary.month, owner, record.channel, record.message_ts)
        return RunResult(summary.month, "updated", "已更新上次发布的月报消息", record.channel, record.message_ts)
    response = notifier.post(channel, message)
    ts = response["ts"]
    posted_channel = response.get("channel", channel)
    store.mark_posted(summary.month, owner, posted_channel, ts)
    _upload_trend_chart(notifier, summary, posted_channel, ts)
    return RunResult(summary.month, "posted", "已发布月报", posted_channel, ts)


def _upload_trend_chart(notifier, summary: MonthlySummary, channel: str, ts: str) -> None:
    """The 12-month ROI trend as a PNG in the message's thread; a missing files:write scope is fine."""
    from render.blocks import trend_chart
    from render.charts import render_png

    spec = trend_chart(summary)
    png = render_png(spec) if spec is not None else None
    if png is None:
        return
    notifier.upload(channel, png, f"roi-trend-{summary.month}.png", spec.title, thread_ts=ts)


def _report_failure(config: AppConfig, notifier, channel: str | None, month: str, reason: str, text_only: bool) -> None:
    if text_only or not channel:
        return
    try:
        (notifier or job_notifier(config)).post(
            channel, f"⚠️ {month} 月报没有完成：{mrkdwn(reason)}\n会自动重试；也可手动运行 "
                     f"python -m scheduler run-once --month {month}")
    except Exception:  # Slack itself is down: the record in the database keeps the failure
        log.exception("could not report the failed monthly run to Slack")


def destination(config: AppConfig) -> str:
    """What the reports' channel is, in words: Slack 频道, 飞书群, 企业微信群机器人 or 钉钉群机器人."""
    if feishu_reports(config):
        return "飞书群"
    robot = webhook_target(config)
    return {"wecom": "企业微信群机器人", "dingtalk": "钉钉群机器人"}[robot[0]] if robot else "Slack 频道"


def _print_dry_run(out, summary: MonthlySummary, row: list, per_channel: list[list], data, channel: str | None,
                   where: str = "Slack 频道") -> None:
    from render.text import render_text

    print(f"[dry-run] 将写入「{MONTHLY_SUMMARY_TAB}」（按 月份 更新 1 行）：", file=out)
    print("  " + " | ".join(f"{h}={v}" for h, v in zip(MONTHLY_SUMMARY_HEADERS, row, strict=True)), file=out)
    print(f"[dry-run] 将写入「{CHANNEL_MONTHLY_TAB}」（按 月份+渠道 更新 {len(per_channel)} 行）", file=out)
    print(f"[dry-run] 将重写「数据校验」：{len(data.problems)} 个问题", file=out)
    if summary.budget.get("channels"):
        print(f"[dry-run] 将重写「{BUDGET_ADVICE_TAB}」：{len(summary.budget['channels'])} 个渠道的下月预算建议", file=out)
    print(f"[dry-run] 将发布到 {where} {channel}：" if channel else "[dry-run] 未配置 Slack，摘要如下：", file=out)
    print(render_text(summary), file=out)


def missed_run(config: AppConfig, month: str, scheduled_for: dt.datetime, store: DeliveryStore | None = None,
               notifier=None) -> None:
    """Record a run missed beyond the grace time and say so in the report channel."""
    store = store or DeliveryStore(config.database)
    reason = f"计划于 {scheduled_for:%Y-%m-%d %H:%M %Z} 运行，但时钟进程当时不在线，超过了补跑宽限时间"
    store.mark_missed(month, reason)
    channel = report_channel(config, None)
    if can_post(config) and channel:
        try:
            (notifier or job_notifier(config)).post(
                channel, f"⚠️ {month} 月报错过了计划时间（{reason}）。"
                         f"补发：python -m scheduler run-once --month {month}")
        except Exception:
            log.exception("could not report the missed run to Slack")

