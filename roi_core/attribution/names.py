"""Model names: the canonical names, their Chinese labels, every accepted alias, and each model's options."""

from __future__ import annotations

import unicodedata

from roi_core.attribution.errors import AttributionError

MODELS: tuple[str, ...] = (
    "first", "last", "last_non_direct", "linear", "time_decay", "position", "markov", "shapley",
)

MODEL_LABELS_ZH: dict[str, str] = {
    "first": "首次触点",
    "last": "末次触点",
    "last_non_direct": "末次非直接",
    "linear": "线性",
    "time_decay": "时间衰减",
    "position": "位置(U型)",
    "markov": "马尔可夫",
    "shapley": "沙普利",
}

_ALIAS_WORDS: dict[str, tuple[str, ...]] = {
    "first": ("first", "first_touch", "first_click", "first-touch", "首次触点", "首次", "首触", "首次点击"),
    "last": ("last", "last_touch", "last_click", "last-touch", "末次触点", "末次", "末触", "最后触点",
             "末次点击"),
    "last_non_direct": ("last_non_direct", "last_non_direct_click", "last-non-direct", "lnd", "末次非直接",
                        "末次非直接触点", "非直接末次"),
    "linear": ("linear", "线性", "线性归因", "平均"),
    "time_decay": ("time_decay", "time-decay", "timedecay", "decay", "时间衰减", "衰减"),
    "position": ("position", "position_based", "position-based", "u_shaped", "u-shaped", "u型", "U型",
                 "位置", "位置归因", "U形", "u形"),
    "markov": ("markov", "markov_chain", "马尔可夫", "马尔科夫", "马尔可夫链", "马尔科夫链"),
    "shapley": ("shapley", "shapley_value", "沙普利", "夏普利", "沙普利值"),
}


def _normalize_word(word: object) -> str:
    # Same normalisation as the rest of the core (NFKC, trim, case-fold): "Ｕ型 " == "u型".
    return unicodedata.normalize("NFKC", str(word)).strip().casefold()


#: Every accepted spelling (canonical, English variants, Chinese) → canonical model name.
#: Keys are present both as written and NFKC + case-folded.
MODEL_ALIASES: dict[str, str] = {}
for _model, _words in _ALIAS_WORDS.items():
    for _word in (*_words, MODEL_LABELS_ZH[_model]):
        MODEL_ALIASES[_word] = _model
        MODEL_ALIASES[_normalize_word(_word)] = _model
del _model, _words, _word


def resolve_model(name: str) -> str:
    """Canonical model name for any accepted spelling (English or Chinese, any case or width).

    Examples
    --------
    >>> resolve_model("马尔可夫"), resolve_model(" U型 "), resolve_model("Last_Non_Direct")
    ('markov', 'position', 'last_non_direct')
    """
    canonical = MODEL_ALIASES.get(_normalize_word(name))
    if canonical is None:
        choices = " ".join(MODEL_LABELS_ZH[m] for m in MODELS)
        raise AttributionError(f"不认识的归因模型「{name}」", f"可选：{choices}")
    return canonical


_MODEL_OPTIONS: dict[str, frozenset[str]] = {
    "last_non_direct": frozenset({"direct_channels"}),
    "time_decay": frozenset({"half_life_days"}),
    "markov": frozenset({"order"}),
    "shapley": frozenset({"value"}),
}
_JOURNEY_OPTIONS = frozenset({"lookback_days", "path_separator"})
_ALL_OPTIONS = frozenset().union(*_MODEL_OPTIONS.values(), _JOURNEY_OPTIONS)
