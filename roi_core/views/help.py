"""The views that help someone ask: 帮助, the campaigns a name could mean, and what to ask when no
name matched. Each is shown to the asker alone (ephemeral)."""

from __future__ import annotations

from roi_core.answer.shapes import CandidatesAnswer, HelpAnswer, NoMatchAnswer
from roi_core.views.actions import sheet_actions
from roi_core.views.labels import phrase
from roi_core.views.model import Action, Column, ItemList, Table, View, ViewOptions
from roi_core.views.parts import footer_of


def candidates_view(ans: CandidatesAnswer, options: ViewOptions) -> View:
    lang = ans.lang
    return View(kind=ans.kind, lang=lang, lead=phrase(lang, "candidates_lead", query=ans.query, n=len(ans.candidates)),
                brief_lead=phrase(lang, "candidates_brief", query=ans.query),
                lists=[ItemList("choose", "", list(ans.candidates), numbered=False, bullet="  •")],
                footer=footer_of(ans, options), ephemeral=True)


def no_match_view(ans: NoMatchAnswer, options: ViewOptions) -> View:
    """The closest names to pick, then the questions that would work: a line of text, buttons that ask them."""
    lang, head = ans.lang, phrase(ans.lang, "no_match", query=ans.query)
    questions = list(getattr(ans, "suggested_questions", []) or [])
    lists = [ItemList("choose", "", list(ans.closest), numbered=False, brief_title=phrase(lang, "closest"),
                      joiner=phrase(lang, "list_sep"))]
    if questions:
        lists.append(ItemList("questions", phrase(lang, "questions_pick"), questions, numbered=False,
                              brief_title=phrase(lang, "questions"), joiner=phrase(lang, "questions_sep")))
    # a question as typed: the kind is a placeholder, answer() reads the text again against the sheet's names
    asks = [Action(q, "query", {"kind": "campaign", "lang": lang, "text": q}) for q in questions]
    return View(kind=ans.kind, lang=lang, lead=f"🔍 {head}", brief_lead=head,
                hint=phrase(lang, "closest_pick" if ans.closest else "no_match_hint"),
                brief_hint="" if ans.closest else phrase(lang, "no_match_hint_brief"),
                lists=lists, actions=asks, actions_id="roi_no_match_questions" if asks else "",
                footer=footer_of(ans, options), ephemeral=True)


def help_view(ans: HelpAnswer, options: ViewOptions) -> View:
    lang = ans.lang
    examples = Table("", [Column("/roi", "left"), Column("", "left")], [[cmd, what] for cmd, what in ans.examples])
    return View(kind=ans.kind, lang=lang, title=f"👋 {phrase(lang, 'help_title')}",
                brief_lead=phrase(lang, "help_brief"), hint=phrase(lang, "help_lead"), tables=[examples],
                lists=[ItemList("recent", phrase(lang, "recent"), list(ans.campaigns), numbered=False,
                                brief_title=phrase(lang, "recent_brief"), joiner="、")],
                actions=sheet_actions(options, lang), actions_id="roi_help_actions", footer=footer_of(ans, options),
                ephemeral=True)
