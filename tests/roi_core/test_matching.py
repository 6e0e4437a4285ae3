from roi_core import match_campaign

NAMES = ["618活动", "2025 618活动", "双11大促", "线下品鉴会（上海）", "线下品鉴会（北京）", "春节年货节", "Spring Sale"]


def test_exact_after_nfkc_and_casefold():
    assert match_campaign("618活动", NAMES) .names == ("618活动",)
    assert match_campaign("spring sale", NAMES).how == "exact"
    assert match_campaign("ＳＰＲＩＮＧ ＳＡＬＥ", NAMES).unique == "Spring Sale"


def test_substring_single_and_several():
    one = match_campaign("年货", NAMES)
    assert (one.how, one.unique) == ("substring", "春节年货节")
    several = match_campaign("品鉴会", NAMES)
    assert several.how == "substring" and several.unique is None
    assert set(several.names) == {"线下品鉴会（上海）", "线下品鉴会（北京）"}


def test_chinese_numerals_unified():
    assert match_campaign("双十一", NAMES).unique == "双11大促"


def test_fuzzy():
    m = match_campaign("春节年货街", NAMES)
    assert (m.how, m.unique) == ("fuzzy", "春节年货节")


def test_none_gives_closest_names():
    m = match_campaign("zzzz", NAMES)
    assert m.how == "none" and m.unique is None and len(m.names) == 3
