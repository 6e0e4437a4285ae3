"""A budget out of bounds in a Slack question is refused in the asker's language, naming the amount and the bound."""

from __future__ import annotations


def test_a_budget_over_1e15_is_refused_in_chinese(driver):
    driver.command("下个月预算 100000000000000000000元怎么分")  # 10^20 yuan > 10^15
    body = driver.responses(1)[0]
    assert body["response_type"] == "ephemeral"
    assert body["text"] == ("❌ 预算「100000000000000000000元」超过上限 1,000,000,000,000,000 元（1,000 万亿）"
                            "（请检查单位和位数，例：/roi 下个月预算 50万怎么分）")


def test_a_zero_budget_asked_in_english_is_refused_in_english(driver):
    driver.command("budget 0 yuan how to split")
    body = driver.responses(1)[0]
    assert body["text"] == ("❌ The budget 「0 yuan」 must be more than 0 "
                            "(Write the total to split; e.g. budget 500k how to split)")
    assert "提示" not in str(body["blocks"])  # the hint's label is English too
