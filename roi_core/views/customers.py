"""Views of the customer-value answers: 客户价值 (LTV, repurchase, LTV:CAC, 回本周期), the lifecycle funnel and
the cohort table with its heat map. Words from :mod:`roi_core.views.labels`, figures from :mod:`roi_core.fmt`;
nothing here computes a number.
"""

from __future__ import annotations

from roi_core.answer.customer_value import CohortAnswer, CustomerValueAnswer, LifecycleAnswer
from roi_core.fmt import DASH, count, money, pct
from roi_core.views.actions import sheet_actions
from roi_core.views.labels import labels, phrase
from roi_core.views.model import Action, Chart, Column, Figure, ItemList, Note, Table, View, ViewOptions
from roi_core.views.parts import SHOWN_ROWS, finite, footer_of
from roi_core.views.punct import bracket


def _ask(label: str, text: str, lang: str) -> Action:
    """A button that asks a question as typed (read again against the sheet's names, like no-match's)."""
    return Action(label, "query", {"kind": "campaign", "lang": lang, "text": text})


def _customer_ask(label: str, kind: str, ans, *, metric: str | None = None) -> Action:
    """A button that asks another customer question (kind customer_value / lifecycle / cohort) about the same
    campaign, channel and period as ``ans``; it round-trips through the button's value, not as typed text."""
    payload = {"kind": kind, "lang": ans.lang, "text": getattr(ans, "campaign", None) or ""}
    if kind != "cohort":
        if getattr(ans, "channel", None):
            payload["channel"] = ans.channel
        if metric:
            payload["metric"] = metric
        period = getattr(ans, "asked_period", None)
        if period:
            payload["period"] = f"{period['start']}~{period['end']}"
    else:
        payload["text"] = ""
    return Action(label, "query", payload)


def _definitions(lang: str, items: list[str]) -> list[ItemList]:
    return [ItemList("list", phrase(lang, "cv_definitions"), list(items), numbered=False,
                     bullet="·")] if items else []


def _missing(lang: str, items: list[str]) -> list[Note]:
    return [Note(phrase(lang, "cv_tabs_would_add"), item, None) for item in items]


def _subject(ans, lang: str) -> str:
    """What the answer is about: the campaign and/or channel, else every customer."""
    parts = [p for p in (getattr(ans, "campaign", None), getattr(ans, "channel", None)) if p]
    return " · ".join(parts) if parts else phrase(lang, "cv_everyone")


def _ratio(value) -> str:
    return f"{value:.2f}" if finite(value) else DASH


def _recovered(figures) -> float | None:
    """The share of the cost recovered: measured, or, when 订单 is a sample, the sample's value per new customer
    ÷ CAC (the same number as the projected total ÷ cost, kept under ``projection``)."""
    get = figures.get if isinstance(figures, dict) else (lambda k: getattr(figures, k, None))
    if get("recovered") is not None:
        return get("recovered")
    return (get("projection") or {}).get("recovered")


def payback_text(ans: CustomerValueAnswer) -> str:
    """回本周期 as people read it: "23 天（2026-06-12）", "未回本，已收回 6.2%", or — with the reason."""
    return _payback_words(ans.lang, ans.payback_days, ans.payback_date, _recovered(ans), ans.payback_note)


def _payback_words(lang: str, days, date, recovered, note) -> str:
    if days is not None:
        return phrase(lang, "cv_payback_days", days=days, date=date)
    if finite(recovered):
        return phrase(lang, "cv_not_paid_back", share=pct(recovered))
    return DASH + bracket(note, lang) if note else DASH


def _projected(ans) -> str:
    """"按订单样本推算（覆盖 0.5%）" when the figure is projected from 订单 as a sample, else ""."""
    return phrase(ans.lang, "cv_projected", coverage=pct(ans.coverage)) if ans.projected else ""


# words of the projected-ROI details (kept here: only this view says them)
_WORDS = {
    "zh": {"campaign_roi": "活动ROI", "campaign_roi_from": "按「活动」", "projection": "推算",
           "per_customer": "样本每位新客累计收益对比获客成本",
           "payback_per_customer": "订单样本 {n} 位新客，每位累计收益（{basis}）至今 {each}，获客成本 {cac}"
                                   "（「活动」成本 {cost} ÷ 新客户数 {reported}），首次覆盖获客成本那天即回本",
           "projection_text": "首单ROI {fo}（{level} 区间 {fo_low} ~ {fo_high}） · 含复购ROI {tot}（{level} 区间 "
                              "{tot_low} ~ {tot_high}）：{projected}，样本外的新客未必一样，对外引用请用活动ROI"},
    "en": {"campaign_roi": "Campaign ROI", "campaign_roi_from": "from 活动", "projection": "Projected",
           "per_customer": "the sample's value per new customer against CAC",
           "payback_per_customer": "the {n} new customers in the 订单 sample: {basis} per new customer so far {each}, "
                                   "CAC {cac} (活动 cost {cost} ÷ {reported} new customers); paid back the day the "
                                   "first reaches the second",
           "projection_text": "first-order ROI {fo} ({level} interval {fo_low} to {fo_high}) · ROI with repurchase "
                              "{tot} ({level} interval {tot_low} to {tot_high}): {projected}; the customers outside "
                              "the sample may differ, quote the campaign ROI"},
}


def _word(lang: str, key: str, **values) -> str:
    return _WORDS["en" if lang == "en" else "zh"][key].format(**values)


def _roi_figures(ans: CustomerValueAnswer) -> list[Figure]:
    """Line 2: the measured ROIs as today; when projected, the campaign ROI from 活动 instead (the projected
    ROIs go to the 推算 note)."""
    lang = ans.lang
    if ans.projection is None:
        return [Figure(phrase(lang, "cv_first_roi"), pct(ans.first_order_roi), _projected(ans), line=2),
                Figure(phrase(lang, "cv_roi_repurchase"), pct(ans.roi_with_repurchase), _projected(ans), line=2)]
    return [Figure(_word(lang, "campaign_roi"), pct(ans.campaign_roi), _word(lang, "campaign_roi_from"), line=2)]


def projection_note(ans) -> Note | None:
    """推算: the projected ROIs with their interval (None unless ``ans.projection``)."""
    p = ans.projection
    if not p or (p.get("first_order_roi") is None and p.get("roi_with_repurchase") is None):
        return None
    return Note(_word(ans.lang, "projection"), _word(
        ans.lang, "projection_text", level=f"{p['level'] * 100:.0f}%", fo=pct(p["first_order_roi"]),
        fo_low=pct(p["first_order_roi_low"]), fo_high=pct(p["first_order_roi_high"]),
        tot=pct(p["roi_with_repurchase"]), tot_low=pct(p["roi_with_repurchase_low"]),
        tot_high=pct(p["roi_with_repurchase_high"]),
        projected=phrase(ans.lang, "cv_projected", coverage=pct(p["coverage"]))), None)


def _coverage_figure(ans: CustomerValueAnswer) -> Figure:
    """订单覆盖: the new customers in 订单 against 活动's own 新客户数 (always shown beside the value figures)."""
    lang = ans.lang
    if ans.reported_new_customers is None:
        return Figure(phrase(lang, "cv_coverage"), DASH, phrase(lang, "cv_coverage_unknown"), line=3)
    return Figure(phrase(lang, "cv_coverage"), pct(ans.coverage),
                  phrase(lang, "cv_coverage_detail", n=f"{ans.new_customers:,}",
                         reported=count(ans.reported_new_customers)), line=3)


def _cac_note(ans: CustomerValueAnswer) -> str:
    if ans.cac is None:
        return ""
    if ans.cac_source == "活动":
        return phrase(ans.lang, "cv_cac_from_campaigns", n=count(ans.reported_new_customers))
    return phrase(ans.lang, "cv_cac_from_orders", n=f"{ans.new_customers:,}")


def _ltv_table(ans: CustomerValueAnswer) -> Table:
    lang, L, s = ans.lang, labels(ans.lang), ans.currency
    columns = [Column(phrase(lang, "cv_window"), "left"), Column(phrase(lang, "cv_ltv"), type="money"),
               Column(phrase(lang, "cv_old_enough"), type="count")]
    rows, notes = [], {}
    for i, (days, value) in enumerate(ans.ltv.items()):
        old = ans.old_enough.get(days, 0)
        rows.append([phrase(lang, "cv_days", n=days), money(value, s), f"{old:,} / {ans.new_customers:,}"])
        if value is None and ans.new_customers:
            notes[(i, 1)] = phrase(lang, "cv_too_young", old=old, n=ans.new_customers, days=days)
        elif value is None:
            notes[(i, 1)] = L.get("no_data", "")
    return Table(phrase(lang, "cv_ltv_title", subject=_subject(ans, lang)), columns, rows, "ltv.csv", SHOWN_ROWS,
                 notes=notes, notes_in_brief=True)


def customer_value_view(ans: CustomerValueAnswer, options: ViewOptions) -> View:
    """The value of the customers a campaign acquired: the figure asked first, the LTV windows as a table,
    where 回本 was computed from, what the optional tabs would add, the definitions."""
    lang, L, s = ans.lang, labels(ans.lang), ans.currency
    subject = _subject(ans, lang)
    # payback when projected = the day the sample's value per new customer reaches CAC: measured, said so
    payback_detail = _word(lang, "per_customer") if ans.projection else _projected(ans)
    payback = [Figure(phrase(lang, "cv_payback"), payback_text(ans), payback_detail)] if ans.campaign else []
    repurchase = [Figure(phrase(lang, "cv_repurchase"), pct(ans.repurchase_rate),
                         f"{ans.repeat_customers:,} / {ans.new_customers:,}" if ans.new_customers else "")]
    first = payback + repurchase if ans.asked != "repurchase" else repurchase + payback
    figures = [*first,
               Figure(phrase(lang, "cv_new_customers"), count(ans.new_customers),
                      phrase(lang, "cv_acquired", n=f"{ans.acquired_customers:,}"), line=1),
               Figure(L["cac"], money(ans.cac, s), _cac_note(ans), line=1),
               Figure("LTV:CAC", _ratio(ans.ltv_cac),
                      phrase(lang, "cv_days", n=ans.ltv_cac_window) if ans.ltv_cac_window else "", line=1),
               *_roi_figures(ans)]
    if ans.has_orders:
        figures.append(_coverage_figure(ans))
    notes = [note] if (note := projection_note(ans)) else []
    if ans.campaign and ans.payback_source == "订单" and ans.projection and ans.cac and ans.new_customers:
        notes.append(Note(phrase(lang, "cv_payback"), _word(
            lang, "payback_per_customer", n=f"{ans.new_customers:,}", basis=ans.payback_basis_label,
            each=money(ans.sample_returned / ans.new_customers if finite(ans.sample_returned) else None, s),
            cac=money(ans.cac, s), cost=money(ans.cost, s), reported=count(ans.reported_new_customers)), None))
    elif ans.campaign and ans.payback_source == "订单" and ans.projected:
        notes.append(Note(phrase(lang, "cv_payback"),
                          phrase(lang, "cv_from_orders_projected", coverage=pct(ans.coverage),
                                 basis=ans.payback_basis_label, reported=count(ans.reported_new_customers),
                                 cost=money(ans.cost, s),
                                 returned=money((ans.projection or {}).get("returned", ans.returned), s),
                                 sample=money(ans.sample_returned, s)), None))
    elif ans.campaign and ans.payback_source:
        notes.append(Note(phrase(lang, "cv_payback"),
                          phrase(lang, "cv_from_orders" if ans.payback_source == "订单" else "cv_from_campaigns",
                                 basis=ans.payback_basis_label, cost=money(ans.cost, s),
                                 returned=money(ans.returned, s)), None))
    if ans.sample_optimistic:
        notes.append(Note(L["hint"], phrase(lang, "cv_sample_optimistic", projected=money(
            ans.projected_first_order_return, s), campaign=money(ans.campaign_return, s)), None))
    if ans.reason:
        notes.append(Note(L["hint"], ans.reason, None))
    notes += _missing(lang, ans.missing)
    title = phrase(lang, "cv_title", subject=subject) + (
        f" {phrase(lang, 'cv_period', label=ans.label)}" if ans.label else "")
    actions = [_customer_ask(phrase(lang, "cv_btn_lifecycle"), "lifecycle", ans)]
    if ans.campaign:
        actions.append(_ask(phrase(lang, "cv_btn_campaign"), ans.campaign, lang))
    if ans.has_orders:
        actions.append(_customer_ask(phrase(lang, "cv_btn_cohort"), "cohort", ans))
    return View(kind=ans.kind, lang=lang, title=f"💎 {title}",
                heading=f"💎 {title}  {phrase(lang, 'cv_asof', day=ans.asof)}" + bracket(ans.basis_label, lang),
                when=phrase(lang, "cv_asof", day=ans.asof), context=[ans.basis_label], figures=figures, notes=notes,
                tables=[_ltv_table(ans)] if ans.has_orders else [], lists=_definitions(lang, ans.definitions),
                actions=[*actions, *sheet_actions(options, lang)], actions_id="roi_customer_value_actions",
                footer=footer_of(ans, options))


def lifecycle_view(ans: LifecycleAnswer, options: ViewOptions) -> View:
    """The funnel: customers at each stage, conversion to the next, median days between, cost per customer."""
    lang, L, s = ans.lang, labels(ans.lang), ans.currency
    subject = _subject(ans, lang)
    stage_word = (lambda r: r["stage"]) if lang != "en" else (lambda r: r["stage_en"])
    columns = [Column(phrase(lang, "lc_stage"), "left"), Column(phrase(lang, "lc_customers"), type="count"),
               Column(phrase(lang, "lc_to_next"), type="pct"), Column(phrase(lang, "lc_days"), type="count"),
               Column(phrase(lang, "lc_cost_per"), type="money")]
    rows = [[stage_word(r), count(r["customers"]), pct(r.get("conversion_to_next")),
             DASH if r.get("median_days_to_next") is None else f"{r['median_days_to_next']:,.0f}",
             money(r.get("cost_per_customer"), s)] for r in ans.stages]
    title = phrase(lang, "lc_title", subject=subject) + (f" {ans.label}" if ans.label else "")
    chart = Chart(kind="bar", title=phrase(lang, "lc_chart"), categories=[stage_word(r) for r in ans.stages],
                  series=[(phrase(lang, "lc_customers"), [float(r["customers"]) for r in ans.stages])],
                  y_label=phrase(lang, "lc_customers"), x_label=phrase(lang, "lc_stage"), filename="lifecycle.png",
                  inline=options.native_charts, png=False)  # the PNG bars are ROI bars (labelled in %)
    end_to_end = ans.stages[-1]["customers"] / ans.customers if ans.customers else None
    figures = [Figure(phrase(lang, "lc_customers"), count(ans.customers)),
               Figure(L["cost"], money(ans.cost, s)),
               Figure(phrase(lang, "lc_end_to_end"), pct(end_to_end), line=1)]
    actions = [_customer_ask(phrase(lang, "cv_btn_value"), "customer_value", ans)]
    return View(kind=ans.kind, lang=lang, title=f"🧭 {title}", heading=f"🧭 {title}", when=ans.label,
                context=[phrase(lang, "lc_derived", n=f"{ans.derived_customers:,}")] if ans.derived else [],
                figures=figures, notes=_missing(lang, ans.missing), charts=[chart],
                tables=[Table(title, columns, rows, "lifecycle.csv", SHOWN_ROWS)],
                lists=_definitions(lang, ans.definitions), actions=[*actions, *sheet_actions(options, lang)],
                actions_id="roi_lifecycle_actions", footer=footer_of(ans, options))


def cohort_chart(ans: CohortAnswer, lang: str) -> Chart:
    """The cohort heat map: one row per acquisition month, one column per month since; None where not yet."""
    return Chart(kind="heatmap", title=phrase(lang, "co_chart"),
                 categories=[f"M{k}" for k in ans.months_since],
                 series=[(f"{r['cohort']} ({r['customers']:,})", r["per_customer"]) for r in ans.rows],
                 y_label=phrase(lang, "co_cohort"), x_label=phrase(lang, "co_months_since"), filename="cohorts.png",
                 inline=False, png=True)


def cohort_view(ans: CohortAnswer, options: ViewOptions) -> View:
    """The cohort table (revenue per customer) and its heat map as a PNG."""
    lang, s = ans.lang, ans.currency
    columns = [Column(phrase(lang, "co_cohort"), "left"), Column(phrase(lang, "lc_customers"), type="count")] + \
              [Column(f"M{k}", type="money") for k in ans.months_since]
    rows = [[r["cohort"], count(r["customers"])] + [money(v, s) for v in r["per_customer"]] for r in ans.rows]
    title = phrase(lang, "co_title")
    return View(kind=ans.kind, lang=lang, title=f"🧊 {title}",
                heading=f"🧊 {title}  {phrase(lang, 'cv_asof', day=ans.asof)}",
                when=phrase(lang, "cv_asof", day=ans.asof),
                context=[phrase(lang, "co_context", n=len(ans.rows), customers=f"{ans.customers:,}")],
                notes=_missing(lang, ans.missing), charts=[cohort_chart(ans, lang)],
                tables=[Table(title, columns, rows, f"cohorts_{ans.asof}.csv", SHOWN_ROWS)],
                lists=_definitions(lang, ans.definitions), actions=sheet_actions(options, lang),
                actions_id="roi_cohort_actions" if options.sheet_url else "", footer=footer_of(ans, options))


def cohort_notes(ans) -> list[Note]:
    """The monthly summary's line on the month's new-customer cohort (none without a 订单 tab)."""
    line = getattr(ans, "new_customer_cohort", None) or {}
    if not line:
        return []
    lang, s = ans.lang, ans.currency
    text = phrase(lang, "co_summary_line", month=line["month"], n=f"{line['customers']:,}",
                  per_customer=money(line.get("per_customer"), s))
    if line.get("previous_customers"):
        text += phrase(lang, "co_summary_before", n=f"{line['previous_customers']:,}",
                       per_customer=money(line.get("previous_per_customer"), s))
    return [Note(phrase(lang, "co_summary_title"), text, None)]


def campaign_value_notes(ans) -> list[Note]:
    """The campaign answer's short 客户价值 line: 回本 (or share recovered), LTV 90 天, 复购率, LTV:CAC, with the
    coverage of 订单 (also when 订单 is a sample: these figures are per new customer, measured; the projected ROIs
    are in the 客户价值 answer's 推算 line); none without a 订单 tab."""
    cv = getattr(ans, "customer_value", None) or {}
    if not cv.get("has_orders") or not cv.get("new_customers"):  # no 订单, or none of this campaign's customers
        return []
    lang, s = ans.lang, ans.currency
    back = _payback_words(lang, cv.get("payback_days"), cv.get("payback_date"), _recovered(cv), None)
    parts = [phrase(lang, "cv_line_payback", text=back) if cv.get("payback_days") is not None else back,
             phrase(lang, "cv_line_ltv", days=90, value=money((cv.get("ltv") or {}).get("90"), s)),
             f"{phrase(lang, 'cv_repurchase')} {pct(cv.get('repurchase_rate'))}",
             f"LTV:CAC {_ratio(cv.get('ltv_cac'))}"]
    if cv.get("projected") and not cv.get("projection"):
        detail = phrase(lang, "cv_projected", coverage=pct(cv.get("coverage")))
    elif cv.get("coverage") is not None:
        # issue 24: the line's figures are per new customer in the sample (payback: value per head against CAC),
        # measured, not projected; only the ROIs are, and the line shows none
        detail = phrase(lang, "cv_line_coverage", coverage=pct(cv.get("coverage")))
    else:
        detail = None
    return [Note(phrase(lang, "cv_line_title"), " · ".join(parts), detail)]
