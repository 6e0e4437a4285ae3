"""Every word an answer shows, in both languages: one table, looked up by key.

``labels(lang)`` is the table of one language (an unknown language reads
Chinese); ``phrase(lang, key, **values)`` fills a phrase's ``{placeholders}``.
Values from the sheet are filled in raw: escaping is the renderer's job.
"""

from __future__ import annotations

LABELS = {
    "zh": {
        "cost": "总成本", "revenue": "销售额", "gross_profit": "毛利", "profit": "利润", "roi": "ROI",
        "roas": "投产比(ROAS)", "cac": "获客成本", "ctr": "点击率", "cvr": "转化率", "aov": "客单价", "cpc": "CPC",
        "cpa": "CPA", "channel": "渠道", "campaign": "活动", "suggestions": "建议", "funnel": "漏斗",
        "impressions": "曝光", "clicks": "点击", "conversions": "转化", "new": "新客", "source": "数据",
        "rank": "#", "events": "活动现场", "participants": "参与人数", "cpp": "人均成本", "pcvr": "参与转化率",
        "mentions": "社媒提及", "realloc": "下月预算调整（总额不变）", "current": "当前", "proposed": "建议",
        "change": "变化", "expected": "预计收益变化", "all_time": "全部时间", "target": "目标",
        # phrases ({placeholders} are filled by phrase())
        "ranking_title": "渠道排行", "ranking_chart": "{title} {period}：ROI", "campaign_chart": "{campaign} 各渠道 ROI",
        "campaign_table": "{campaign} 各渠道", "matched_substring": "（按名称包含匹配）", "matched_fuzzy": "（按相似名称匹配）",
        "top_title": "活动 ROI 排行 {month}", "top_context": "前 {n}，共 {total} 个活动",
        "top_heading": "活动 ROI 排行（前 {n}，共 {total} 个）",
        "worst_title": "ROI 最低的活动 {month}", "worst_context": "最低的 {n} 个，共 {total} 个活动",
        "worst_heading": "ROI 最低的活动（最低 {n} 个，共 {total} 个）", "advice_title": "建议",
        "no_suggestions": "暂无建议：各渠道表现接近目标。", "channel_axis": "渠道", "month_axis": "月份",
        "btn_channels_month": "📈 同月渠道排行", "btn_advice": "💡 建议", "btn_advice_budget": "💡 建议与预算",
        "btn_attribution": "🔀 归因", "btn_channels": "📈 渠道排行", "btn_sheet": "📄 查看表格", "btn_report": "🌐 网页月报",
        "btn_chart_png": "🖼 图片版图表", "btn_month_attribution": "🔀 本月归因", "btn_month_top": "🏆 本月活动排行",
        "source_line": "数据：{source}", "just_read": "刚刚读取", "read_ago": "{n} 分钟前读取", "cached": "⚠ 缓存副本",
        "rows_left_out": "{n} 行未计入", "more": "…还有 {n} 项", "full_table_follows": "（完整表格随后附上）",
        "trend_chart": "近 {n} 个月渠道 ROI", "hint": "提示",
        "attribution_title": "归因：{label} {period}", "attribution_heading": "🔀 归因：{label}  {period}",
        "attribution_chart": "归因 ROI（{label}）",
        "attribution_context": "旅程 {journeys}，转化旅程 {converting}，转化 {conversions}，订单金额 {revenue}（回溯 {days} 天）",
        "attribution_brief": "旅程 {journeys}，转化旅程 {converting}，转化 {conversions}，订单金额 {revenue}（回溯 {days} 天）",
        "roi_by_share": "ROI(按份额)", "roi_by_share_brief": "ROI(按份额)",
        "attr_conversions": "归因转化", "attr_revenue": "归因金额", "attr_share": "份额",
        "attr_conversions_brief": "归因转化", "attr_revenue_brief": "归因金额", "attr_share_brief": "份额",
        "models_note": "*各模型对比*（归因金额排名，⚠ = 排名变化 ≥2 位）",
        "models_heading": "各模型对比（归因金额排名，⚠ = 排名变化 ≥2 位）：", "switch_model": "切换归因模型",
        "monthly_title": "月报 {month}", "best_worst": "最佳 / 最差渠道", "anomalies": "异常",
        "recurring": "与上一届相比", "candidates_lead": "「{query}」匹配到 {n} 个活动，请选一个：",
        "candidates_brief": "「{query}」匹配到多个活动，请选一个：", "type_more": "，请输入更完整的名称",
        "no_match": "没有找到活动「{query}」。", "closest_pick": "最接近的是下面这些，点一下即可查看：",
        "closest": "最接近的：", "no_match_hint": "输入 `/roi 排行` 查看所有活动。",
        "no_match_hint_brief": "输入 /roi 排行 查看所有活动。", "list_sep": "、",
        "questions": "可以这样问：", "questions_pick": "也可以这样问（点一下即可提问）：", "questions_sep": "；",
        "help_title": "ROI 助手用法", "help_lead": "在任意频道输入 `/roi` 加下面的内容，或 @ROI助手 提问：\n",
        "help_brief": "ROI 助手用法：/roi 后面跟", "recent": "*最近的活动*（点一下即可查看）", "recent_brief": "最近的活动：",
        "monthly_heading": "🗓 月报 {month}（{basis}，{target}）", "mom": "环比 {v}", "mom_yoy": "环比 {m}，同比 {y}",
        "best_channel": "最佳渠道", "worst_channel": "最差渠道", "anomalies_brief": "异常", "recurring_brief": "与上一届相比",
        "recurring_item": "{campaign} vs {previous}：销售额 {revenue}（{change}），ROI {roi}（{points}）",
        "monthly_chart": "{month} 渠道 ROI",
        # one channel month by month (channel_trend)
        "trend_title": "{channel} 走势 {period}", "trend_heading": "📉 {channel} 走势  {period}（{basis}，{target}）",
        "trend_line": "{channel} 每月 ROI", "trend_months": "{channel} 每月", "trend_campaigns": "{channel}的活动",
        "month": "月份", "no_data": "无数据", "btn_channels_last": "📈 {month} 渠道排行",
        # 月报 over several months
        "range_by_month": "每月", "range_trend_chart": "{period} 渠道 ROI",
        "range_compared": "环比、同比：与 {previous}、{last_year} 相比", "btn_month_summary": "🗓 月报 {month}",
        # two sides side by side (compare)
        "compare_title": "对比：{a} vs {b}", "compare_heading": "{title}（{basis}）", "compare_figure": "指标",
        "compare_diff": "差额（A−B）", "compare_better": "更好", "compare_same": "相同", "compare_lower": "（越低越好）",
        "compare_rule": "成本、获客成本越低越好，其余越高越好", "compare_points": "个百分点",
        "compare_new_customers": "新客数", "compare_verdict": "结论",
        "compare_roi_better": "ROI {winner} 更高（{better} 对 {worse}）", "compare_roi_same": "ROI 相同（{value}）",
        "compare_roi_missing": "ROI 无法比较", "compare_wins": "{a} {na} 项更好，{b} {nb} 项更好", "compare_join": "；",
        "compare_btn_channels": "📈 {month} 渠道排行",
        # an event's figures (活动现场)
        "kpi_sep": "，", "avg_minutes": "平均参与时长 {v} 分钟", "satisfaction": "满意度 {v}/5",
        "retention": "留存率 {v}（留存客户数 / 参与人数）",
        # customer value over time (roi_core/views/customers.py)
        "cv_definitions": "口径", "cv_tabs_would_add": "可补充", "cv_everyone": "全部客户",
        "cv_payback_days": "{days} 天（{date} 回本）", "cv_not_paid_back": "未回本，已收回 {share}",
        "cv_window": "窗口", "cv_ltv": "每位新客 LTV", "cv_old_enough": "满期新客", "cv_days": "{n} 天",
        "cv_too_young": "仅 {old}/{n} 位新客满 {days} 天", "cv_ltv_title": "{subject} 新客 LTV", "cv_payback": "回本周期",
        "cv_repurchase": "复购率", "cv_new_customers": "新客户", "cv_acquired": "获客 {n}", "cv_first_roi": "首单ROI",
        "cv_roi_repurchase": "含复购ROI",
        "cv_from_orders": "按「订单」中新客户的订单累计（{basis}）：成本 {cost}，至今收回 {returned}",
        "cv_from_campaigns": "没有订单，按「活动」行的收益按天平摊（{basis}）：成本 {cost}，至今 {returned}",
        "cv_title": "{subject} 客户价值", "cv_asof": "截至 {day}", "cv_btn_lifecycle": "🧭 生命周期",
        "cv_ask_lifecycle": "生命周期 {campaign}", "cv_btn_campaign": "📊 活动详情", "cv_btn_value": "💎 客户价值",
        "cv_ask_value": "{campaign} 客户价值",
        "lc_stage": "阶段", "lc_customers": "客户数", "lc_to_next": "转化到下一阶段", "lc_days": "间隔天数(中位)",
        "lc_cost_per": "每客成本", "lc_title": "{subject} 生命周期", "lc_chart": "各阶段客户数", "lc_end_to_end": "潜在→忠实",
        "lc_derived": "{n} 位客户的阶段按行为推断",
        "co_chart": "同期群：每位客户销售额", "co_cohort": "获客月份", "co_months_since": "获客后第几个月",
        "co_title": "同期群（每位客户销售额）", "co_context": "{n} 个获客月份，{customers} 位客户",
        "co_summary_line": "{month} 新客 {n} 位，当月每位客户销售额 {per_customer}",
        "co_summary_before": "（上月新客 {n} 位，首月每位 {per_customer}）", "co_summary_title": "新客同期群",
        # customer value, second pass: coverage of 订单, the projection, the campaign answer's 客户价值 line
        "cv_coverage": "订单覆盖", "cv_coverage_detail": "订单 {n} / 活动 {reported} 位新客",
        "cv_cac_from_campaigns": "按「活动」新客户数 {n}", "cv_cac_from_orders": "按「订单」新客户数 {n}",
        "cv_projected": "按订单样本推算（覆盖 {coverage}）",
        "cv_from_orders_projected": "按订单样本推算（覆盖 {coverage}）：每位新客累计收益（{basis}）× 「活动」新客户数 {reported}；"
                                    "成本 {cost}，至今约 {returned}（样本本身 {sample}）",
        "cv_sample_optimistic": "推算的新客首单收益 {projected} 高于「活动」的收益合计 {campaign}：订单样本（如会员导出）"
                                "的客户比全体新客更值钱，推算的 ROI 与回本偏乐观",
        "cv_line_title": "客户价值", "cv_line_ltv": "LTV {days} 天 {value}", "cv_line_payback": "回本周期 {text}",
        "cv_line_coverage": "订单覆盖 {coverage}", "cv_period": "获客于 {label}",
        "cv_coverage_unknown": "「活动」未填新客户数", "cv_btn_cohort": "🧊 同期群",
    },
    "en": {
        "cost": "Cost", "revenue": "Revenue", "gross_profit": "Gross profit", "profit": "Profit", "roi": "ROI",
        "roas": "ROAS", "cac": "CAC", "ctr": "CTR", "cvr": "CVR", "aov": "AOV", "cpc": "CPC", "cpa": "CPA",
        "channel": "Channel", "campaign": "Campaign", "suggestions": "Suggestions", "funnel": "Funnel",
        "impressions": "impressions", "clicks": "clicks", "conversions": "conversions", "new": "new customers",
        "source": "Data", "rank": "#", "events": "Events", "participants": "participants", "cpp": "cost/participant",
        "pcvr": "participant CVR", "mentions": "social mentions", "realloc": "Next month's budget (same total)",
        "current": "now", "proposed": "proposed", "change": "change", "expected": "expected change in return",
        "all_time": "all time", "target": "target",
        "ranking_title": "Channel ranking", "ranking_chart": "ROI by channel, {period}",
        "campaign_chart": "{campaign}: ROI by channel", "campaign_table": "{campaign} by channel", "matched_substring": "",
        "matched_fuzzy": "", "top_title": "Campaigns by ROI {month}", "top_context": "top {n} of {total}",
        "top_heading": "Campaigns by ROI (top {n} of {total})",
        "worst_title": "Lowest-ROI campaigns {month}", "worst_context": "lowest {n} of {total}",
        "worst_heading": "Lowest-ROI campaigns (lowest {n} of {total})", "advice_title": "Advice",
        "no_suggestions": "No suggestions.", "channel_axis": "Channel", "month_axis": "Month",
        "btn_channels_month": "📈 Channels that month", "btn_advice": "💡 Advice", "btn_advice_budget": "💡 Advice",
        "btn_attribution": "🔀 Attribution", "btn_channels": "📈 Channels", "btn_sheet": "📄 Open sheet", "btn_report": "🌐 Web report",
        "btn_chart_png": "🖼 Chart as image", "btn_month_attribution": "🔀 Attribution",
        "btn_month_top": "🏆 Top campaigns", "source_line": "Data: {source}", "just_read": "just read",
        "read_ago": "read {n} min ago", "cached": "⚠ cached copy", "rows_left_out": "{n} row(s) left out",
        "more": "…and {n} more", "full_table_follows": " (the full table follows)",
        "trend_chart": "ROI by channel, 12 months", "hint": "Hint",
        "attribution_title": "Attribution: {label} {period}", "attribution_heading": "🔀 Attribution: {label}  {period}",
        "attribution_chart": "Attributed ROI ({label})",
        "attribution_context": "{journeys} journeys, {converting} converting, {conversions} conversions, "
                               "{revenue} order value (lookback {days} days)",
        "attribution_brief": "{journeys} journeys, {converting} converting, {conversions} conversions, "
                             "order value {revenue} (lookback {days} days)",
        "roi_by_share": "ROI (by share)", "roi_by_share_brief": "ROI (by share)",
        "attr_conversions": "Conversions", "attr_revenue": "Revenue", "attr_share": "Share",
        "attr_conversions_brief": "conversions", "attr_revenue_brief": "attributed", "attr_share_brief": "share",
        "models_note": "*All models* (rank by attributed revenue, ⚠ = moves ≥2 places)",
        "models_heading": "All models (rank by attributed value; ⚠ = rank moves by 2 or more):",
        "switch_model": "Switch model", "monthly_title": "Monthly summary {month}",
        "best_worst": "Best / worst channel", "anomalies": "Anomalies", "recurring": "Against the last edition",
        "candidates_lead": "'{query}' matches {n} campaigns; pick one:",
        "candidates_brief": "'{query}' matches several campaigns; pick one:", "type_more": "; type more of the name",
        "no_match": "No campaign called '{query}'.", "closest_pick": "Closest:", "closest": "Closest: ",
        "no_match_hint": "Type `/roi top` to list campaigns.", "no_match_hint_brief": "Type /roi top to list campaigns.",
        "questions": "Try asking: ", "questions_pick": "Or ask (click to ask):", "questions_sep": "; ",
        "list_sep": ", ", "help_title": "ROI assistant",
        "help_lead": "Type `/roi` followed by one of these, or mention the app:\n",
        "help_brief": "ROI assistant: type /roi followed by one of:", "recent": "*Recent campaigns*",
        "recent_brief": "Recent campaigns: ",
        # the monthly summary in English answers (names from the sheet stay as written)
        "monthly_heading": "🗓 Monthly summary {month} ({basis}, {target})", "mom": "vs last month {v}",
        "mom_yoy": "vs last month {m}, vs last year {y}",
        "best_channel": "Best channel", "worst_channel": "Worst channel", "anomalies_brief": "Anomalies",
        "recurring_brief": "Against the last edition",
        "recurring_item": "{campaign} vs {previous}: revenue {revenue} ({change}), ROI {roi} ({points})",
        "monthly_chart": "ROI by channel, {month}",
        "trend_title": "{channel} by month {period}", "trend_heading": "📉 {channel} by month  {period} ({basis}, {target})",
        "trend_line": "{channel}: ROI by month", "trend_months": "{channel} by month",
        "trend_campaigns": "{channel}: campaigns", "month": "Month", "no_data": "no data",
        "btn_channels_last": "📈 Channels {month}",
        "range_by_month": "By month", "range_trend_chart": "ROI by channel, {period}",
        "range_compared": "changes against {previous} and {last_year}", "btn_month_summary": "🗓 Summary {month}",
        "compare_title": "{a} vs {b}", "compare_heading": "{title} ({basis})", "compare_figure": "Figure",
        "compare_diff": "Difference (A−B)", "compare_better": "Better", "compare_same": "same",
        "compare_lower": " (lower is better)", "compare_rule": "lower is better for cost and CAC, higher for the rest",
        "compare_points": " pp", "compare_new_customers": "New customers", "compare_verdict": "Verdict",
        "compare_roi_better": "{winner} has the higher ROI ({better} vs {worse})",
        "compare_roi_same": "the same ROI ({value})",
        "compare_roi_missing": "ROI cannot be compared", "compare_wins": "{a} is better on {na} figures, {b} on {nb}",
        "compare_join": "; ", "compare_btn_channels": "📈 Channels {month}",
        "kpi_sep": ", ", "avg_minutes": "{v} min average stay", "satisfaction": "satisfaction {v}/5",
        "retention": "retention {v} (retained / participants)",
        # customer value over time (roi_core/views/customers.py)
        "cv_definitions": "Definitions", "cv_tabs_would_add": "Would add", "cv_everyone": "all customers",
        "cv_payback_days": "{days} days (paid back {date})", "cv_not_paid_back": "not paid back; {share} recovered",
        "cv_window": "Window", "cv_ltv": "LTV per new customer", "cv_old_enough": "Old enough", "cv_days": "{n} days",
        "cv_too_young": "only {old} of {n} are {days} days old", "cv_ltv_title": "{subject}: LTV",
        "cv_payback": "Payback", "cv_repurchase": "Repurchase rate", "cv_new_customers": "New customers",
        "cv_acquired": "{n} acquired", "cv_first_roi": "First-order ROI", "cv_roi_repurchase": "ROI with repurchase",
        "cv_from_orders": "from the new customers' orders in 订单 ({basis}): cost {cost}, {returned} so far",
        "cv_from_campaigns": "no orders: the 活动 rows' return spread by day ({basis}): cost {cost}, {returned} so far",
        "cv_title": "{subject}: customer value", "cv_asof": "as of {day}", "cv_btn_lifecycle": "🧭 Lifecycle",
        "cv_ask_lifecycle": "lifecycle {campaign}", "cv_btn_campaign": "📊 Campaign", "cv_btn_value": "💎 Customer value",
        "cv_ask_value": "{campaign} customer value",
        "lc_stage": "Stage", "lc_customers": "Customers", "lc_to_next": "To next stage", "lc_days": "Median days to next",
        "lc_cost_per": "Cost per customer", "lc_title": "{subject}: lifecycle", "lc_chart": "Customers by stage",
        "lc_end_to_end": "Prospect → loyal", "lc_derived": "{n} stages inferred from behaviour",
        "co_chart": "Cohorts: revenue per customer", "co_cohort": "Cohort", "co_months_since": "Months since acquisition",
        "co_title": "Cohorts (revenue per customer)", "co_context": "{n} cohorts, {customers} customers",
        "co_summary_line": "{month}: {n} new customers, {per_customer} revenue per customer that month",
        "co_summary_before": " (the month before: {n}, {per_customer} in their first month)",
        "co_summary_title": "New-customer cohort",
        "cv_coverage": "Orders coverage", "cv_coverage_detail": "{n} in 订单 of {reported} in 活动",
        "cv_cac_from_campaigns": "on 活动's {n} new customers", "cv_cac_from_orders": "on 订单's {n} new customers",
        "cv_projected": "projected from the 订单 sample ({coverage} coverage)",
        "cv_from_orders_projected": "projected from the 订单 sample ({coverage} coverage): {basis} per new customer × "
                                    "活动's {reported} new customers; cost {cost}, about {returned} so far (sample: {sample})",
        "cv_sample_optimistic": "The projected first-order return {projected} exceeds the campaign's own return in 活动 "
                                "{campaign}: the 订单 sample (a members' export?) is worth more than the average new "
                                "customer, so the projected ROI and payback are optimistic",
        "cv_line_title": "Customer value", "cv_line_ltv": "LTV {days} days {value}", "cv_line_payback": "payback {text}",
        "cv_line_coverage": "orders coverage {coverage}", "cv_period": "acquired {label}",
        "cv_coverage_unknown": "活动 has no 新客户数", "cv_btn_cohort": "🧊 Cohorts",
    },
}


# next month's budget on marginal return (advice; roi_core.budget)
LABELS["zh"].update({
    "marginal_roi": "边际ROI", "realloc_budget": "下月预算分配（总额 {total}）", "linear_flag": "线性估算",
    "expected_range": "预计收益变化", "curve_overview": "边际 ROI 随预算变化（当前 = 100%）", "budget_axis": "预算（当前的 %）",
    "curve_chart": "{channel} 响应曲线（当前 {current}，建议 {proposed}）", "spend_axis": "月预算",
    "at_current": "当前", "at_proposed": "建议", "credit_basis": "渠道收益口径",
    "attribution_share_chart": "归因份额（{label}）",
})
LABELS["en"].update({
    "marginal_roi": "Marginal ROI", "realloc_budget": "Next month's budget (total {total})", "linear_flag": "linear",
    "expected_range": "Expected change in return", "curve_overview": "Marginal ROI by budget (now = 100%)",
    "budget_axis": "budget (% of now)", "curve_chart": "{channel} response (now {current}, proposed {proposed})",
    "spend_axis": "monthly budget", "at_current": "now", "at_proposed": "proposed", "credit_basis": "Channel credit",
    "attribution_share_chart": "Attributed share ({label})",
})


# channel answers on the attribution model's credit; the response curves and 预算建议 (advice, second pass)
LABELS["zh"].update({
    "ranked_by_model": "ROI 按{model}归因份额", "tab_roi": "活动表ROI",
    "response_chart": "各渠道响应曲线：月预算 → 预计月收益（● 当前，◆ 建议）", "response_band": "80% 区间",
    "return_axis": "预计月收益",
    "realloc_budget_upper": "下月预算分配（问的是 {asked}，调整上限内最多分 {total}）",
    "realloc_budget_lower": "下月预算分配（问的是 {asked}，调整下限内至少 {total}）",
    "at_upper": "+{limit} 上限", "at_lower": "-{limit} 下限", "at_minimum": "「预算」已排",
})
LABELS["en"].update({
    "ranked_by_model": "ROI by {model} attribution share", "tab_roi": "Campaign-tab ROI",
    "response_chart": "Response curves: monthly budget → expected monthly return (● now, ◆ proposed)",
    "response_band": "80% interval", "return_axis": "expected monthly return",
    "realloc_budget_upper": "Next month's budget (asked {asked}; at most {total} within the change limit)",
    "realloc_budget_lower": "Next month's budget (asked {asked}; at least {total} within the change limit)",
    "at_upper": "+{limit} cap", "at_lower": "-{limit} floor", "at_minimum": "planned in 预算",
})

# the closed loop (roi_core/views/follow_up.py)
LABELS["zh"].update({"follow_up_monthly": "上月建议的结果", "follow_up_campaign": "预警建议的结果"})
LABELS["en"].update({"follow_up_monthly": "What happened to last month's advice",
                     "follow_up_campaign": "What happened after the alerts"})

# the daily check's alert message and what the campaign answer says of today's alerts (roi_core/views/alerts.py)
LABELS["zh"].update({
    "alert_title": "⚠️ 预警：{campaign}", "alert_count": "{n} 条", "alert_channels": "渠道：{channels}",
    "alert_list": "预警", "btn_alert_details": "🔎 查看详情", "btn_mute_today": "🔕 今天不再提醒",
    "btn_mute_week": "🔇 静音 7 天", "alert_muted": "🔕 已静音「{campaign}」的{kinds}预警，到 {when}为止",
    "alert_muted_today": "今天", "alert_muted_until": "{day}（含）", "alerts_today": "今日预警 {n} 条",
})
LABELS["en"].update({
    "alert_title": "⚠️ Alert: {campaign}", "alert_count": "{n} alert(s)", "alert_channels": "channels: {channels}",
    "alert_list": "Alerts", "btn_alert_details": "🔎 Details", "btn_mute_today": "🔕 Not again today",
    "btn_mute_week": "🔇 Mute 7 days", "alert_muted": "🔕 Muted the {kinds} alerts of '{campaign}' until {when}",
    "alert_muted_today": "the end of today", "alert_muted_until": "{day} (inclusive)",
    "alerts_today": "Today's alerts: {n}",
})


# a monthly anomaly in English answers (the Chinese wording is the core's own Anomaly.text)
LABELS["zh"].update({"anomaly_roi_drop": "", "anomaly_cost_jump": ""})
LABELS["en"].update({
    "anomaly_roi_drop": "「{channel}」 ROI {roi}, {points} pp below its median of the previous {months} months ({median})",
    "anomaly_cost_jump": "「{channel}」 cost {previous_cost} → {cost} (+{rise}), revenue about flat "
                         "({previous_revenue} → {revenue})",
})


# why a figure shows —, in English answers: the core words its reasons in Chinese (roi_core.metrics,
# roi_core.attribution); a reason not listed here is shown as the core wrote it
REASONS_EN = {
    "无成本数据": "no cost data", "成本为0": "cost is 0", "成本为负数": "negative cost",
    "触点样本不足，不折算": "触点 is a sample: not scaled up", "无法计算 (成本为负)": "cannot compute (negative cost)",
    "无法计算 (成本为0)": "cannot compute (cost is 0)", "无数据": "no data",
    "毛利未知（填写毛利列或在设置中填写毛利率）": "gross profit unknown (fill 毛利 or the gross margin in 设置)",
}


def reason_words(lang: str, reason: str) -> str:
    """Why a figure shows —, in ``lang`` (Chinese: the core's reason as written)."""
    return REASONS_EN.get(reason, reason) if lang == "en" else reason


def labels(lang: str) -> dict:
    """The words of ``lang`` ("zh" or "en"; anything else reads "zh")."""
    return LABELS.get(lang, LABELS["zh"])


def phrase(lang: str, key: str, **values) -> str:
    """The phrase ``key`` in ``lang`` with its ``{placeholders}`` filled from ``values``."""
    text = labels(lang)[key]
    return text.format(**values) if values else text
