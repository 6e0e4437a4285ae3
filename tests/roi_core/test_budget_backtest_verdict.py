"""The backtest line says why each channel is planned as it is: linear when its curve lost to the line by more
than the line's own error, the curve kept (and said so) when it lost by less."""

from types import SimpleNamespace

from roi_core.views.budget import holdout_note


def answer(lang: str, *channels: dict):
    return SimpleNamespace(lang=lang, budget={"channels": list(channels)})


def channel(name: str, mape: float, linear: float, fit: float, fallback: bool) -> dict:
    return {"channel": name, "method": "linear" if fallback else "response_curve", "fallback": fallback,
            "holdout": {"mape": mape, "covered": 1, "months": 3, "linear_mape": linear, "linear_fit_mape": fit}}


def test_kept_and_fallen_back_each_say_why():
    # 抖音: curve 16 % vs line 13 %, and the line misses its own fit months by 9 %: 16 > 13 and 16 > 9 → linear.
    # 微信: curve 12 % vs line 11 %, but the line misses its fit months by 15 %: 12 ≤ 15 → the curve is kept.
    # 短信: the curve beat the line (8 % < 10 %): nothing to explain.
    note = holdout_note(answer("zh", channel("抖音", 0.16, 0.13, 0.09, True), channel("微信", 0.12, 0.11, 0.15, False),
                               channel("短信", 0.08, 0.10, 0.05, False)))
    assert note.title == "曲线回测（最近 3 个月）"
    assert note.text == ("抖音 误差 16%，1/3 在 80% 区间内，不如平均 ROI 直线估算（误差 13%），改按线性估算；"
                         "微信 误差 12%，1/3 在 80% 区间内，略逊于直线（误差 11%），但没超出直线在拟合月份的误差 15%，仍按曲线；"
                         "短信 误差 8%，1/3 在 80% 区间内")


def test_english():
    note = holdout_note(answer("en", channel("WeChat", 0.12, 0.11, 0.15, False)))
    assert note.text == ("WeChat error 12%, 1/3 inside the 80% band, a little worse than a straight line (error 11%) "
                         "but within the line's own error on the fitted months (15%), so the curve is kept")
