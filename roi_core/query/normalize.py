"""The question's text as read: typo fixes, case-folding, masking of what is already read, and
the cleaning of what is left over."""

from __future__ import annotations

import re
from collections.abc import Iterable


def _alternation(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


def _words(pattern_words: Iterable[str], english: Iterable[str] = ()) -> re.Pattern:
    cn = _alternation(pattern_words)
    en = _alternation(english)
    parts = [p for p in (cn, rf"\b(?:{en})\b" if en else "") if p]
    return re.compile("|".join(parts), re.ASCII)  # ASCII \b: "的roi如何" has a boundary before "roi"


_EDGE_CHARS = "的了是在和个与及里就也都还又着过有么呢吗嘛啊呀吧哦用给 "
_LONE_PIECES = {"上", "下", "里", "中", "内", "比", "s"}  # "last month's report"
_PUNCT = re.compile(r"[?？!！。,，、;；:：~…·\"'“”‘’()（）\[\]【】<>《》「」『』|*#]+")
_MENTION = re.compile(r"<@[A-Za-z0-9]+(?:\|[^>]*)?>|@(?:roi助手|roi ?bot|roi|bot|助手)\s*", re.I)

# small typos people make in the command words (after NFKC and case-folding)
_TYPOS = {
    "渠到": "渠道", "曲道": "渠道", "区道": "渠道", "渠首": "渠道", "建意": "建议", "见议": "建议", "建以": "建议",
    "月抱": "月报", "月保": "月报", "归音": "归因", "规因": "归因", "排型": "排行", "拍行": "排行", "投产必": "投产比",
    "获课成本": "获客成本", "获客陈本": "获客成本", "小红薯": "小红书", "抖因": "抖音", "抖阴": "抖音", "上个越": "上个月",
    "季渡": "季度", "转换率": "转化率", "点及率": "点击率", "预酸": "预算", "马尔科夫": "马尔可夫",
}
_EN_VOCAB = ("channels", "channel", "attribution", "summary", "monthly", "advice", "budget", "campaigns", "campaign",
             "compare", "quarter", "revenue", "ranking", "linear", "markov", "shapley", "suggestions", "worst",
             "month", "report", "overview", "versus", "yesterday", "profit", "previous")
_EN_VOCAB_SET = frozenset(_EN_VOCAB)
_TYPO_WORD = re.compile(_alternation(_TYPOS) + r"|[a-z]{5,}")


def _english_fix(word: str) -> str | None:
    """A Latin word of 5+ letters one edit (two from 7 letters) from a command word is that word ("chanels")."""
    if not word.isascii() or len(word) < 5 or word in _EN_VOCAB_SET:
        return None
    limit = 1 if len(word) < 7 else 2
    best = min(_EN_VOCAB, key=lambda v: _edits(word, v, limit + 1))
    return best if _edits(word, best, limit + 1) <= limit else None


def _edits(a: str, b: str, cap: int) -> int:
    """Levenshtein distance, stopped at ``cap`` (enough to tell "one typo" from "another word")."""
    if abs(len(a) - len(b)) >= cap:
        return cap
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
        if min(cur) >= cap:
            return cap
        prev = cur
    return min(prev[-1], cap)


class _Text:
    """The question as typed (``orig``, NFKC) and as compared (``low``, also case-folded), of one
    length, with the characters already read masked out."""

    def __init__(self, orig: str):
        low = "".join(c.lower() if len(c.lower()) == 1 else c for c in orig)
        # typos are fixed in both forms, so positions keep matching (a fix only ever makes a command word)
        pieces_orig, pieces_low, at = [], [], 0
        for m in _TYPO_WORD.finditer(low):
            fixed = _TYPOS.get(m[0]) or _english_fix(m[0])
            if fixed is None or fixed == m[0]:
                continue
            pieces_orig += [orig[at:m.start()], fixed]
            pieces_low += [low[at:m.start()], fixed]
            at = m.end()
        self.orig = "".join(pieces_orig) + orig[at:]
        self.low = "".join(pieces_low) + low[at:]
        self.mask = [False] * len(self.orig)

    def view(self) -> str:
        """``low`` with masked characters as spaces (so rules never read them twice)."""
        return "".join(" " if m else c for c, m in zip(self.low, self.mask, strict=True))

    def take(self, a: int, b: int) -> None:
        for i in range(a, b):
            self.mask[i] = True

    def find(self, pattern: re.Pattern) -> list[re.Match]:
        """Every match of ``pattern`` in the unread text, each then masked."""
        found = [m for m in pattern.finditer(self.view()) if m[0].strip()]
        for m in found:
            self.take(m.start(), m.end())
        return found

    def rest(self) -> list[str]:
        """The unread pieces of the original text, in order."""
        pieces, cur = [], []
        for c, m in zip(self.orig, self.mask, strict=True):
            if m:
                if cur:
                    pieces.append("".join(cur))
                    cur = []
            else:
                cur.append(c)
        if cur:
            pieces.append("".join(cur))
        return pieces


def _clean_residue(pieces: list[str]) -> str:
    out = []
    for piece in pieces:
        piece = _PUNCT.sub(" ", piece).strip(_EDGE_CHARS + " \t")
        if piece and piece not in _LONE_PIECES:
            out.append(piece)
    return " ".join(out).strip()
