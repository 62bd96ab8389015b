"""Interviews as ordered question/answer pairs, with the people interviewed.

Formats: labelled turns (``记者：`` / the guest's name, ``问：``/``答：``, ``网友：``/``受访嘉宾：``,
``【主持人】``), numbered questions (``一、…？``) and bold questions. The page's evidence decides
which reading wins (issue 15): labelled turns first, for a label says who speaks, where a bold
question may be a bold label; then numbered questions, then bold ones. A turn of the asking side
is the interviewer's even when it is a statement ending in 。. Labels never stay in the text.

Not interviews: a numbered report whose headings are not questions; an agenda whose 主持人 is the
session's chair and whose other rows are 时间/地点/电话 (no questions asked); a message board of
网友 questions and 回复 replies. 网友, 受访嘉宾, 记者, 主持人 are never people (``guests.py``).

The paragraphs come as stored (in the page's script); the rules read a simplified copy of them
(``script.Aligned``) and the pairs are cut from the stored text.
"""

from __future__ import annotations

from . import selectors as S
from .body import Paragraph
from .guests import has_surname, interviewees, is_person
from .script import Aligned

ASK, ANSWER = "ask", "answer"


def _label_turn(line: Aligned):
    """(side, speaker, offset of the words) of a labelled turn, or None."""
    m = S.TURN.match(line.analysed)
    if not m:
        return None
    label = m.group(1) or m.group(2)
    if label in S.NOT_A_TURN or not m.group(3):
        return None
    if label in S.ASKER_LABELS or (len(label) >= 3 and S.ASKER_SUFFIX.search(label)):
        return ASK, None, m.start(3)
    if label in S.ANSWER_ROLES:
        return ANSWER, None, m.start(3)
    if _named(label):
        group = 1 if m.group(1) else 2
        return ANSWER, line.cut(m.start(group), m.end(group)), m.start(3)
    return None


def _is_reply(line: Aligned) -> bool:
    """A message board's reply row ("回复：…"): its questions were not asked in an interview."""
    m = S.TURN.match(line.analysed)
    return bool(m and (m.group(1) or m.group(2)) in S.REPLY_LABELS)


def _named(label: str) -> bool:
    """A speaker's label that names someone ("李金泽", "王局长"), not a lead-in ("具体来说：")."""
    return is_person(label) and has_surname(label)


def _turns(lines: list[Aligned]):
    """(lead, pairs, speakers) from labelled turns; None when they do not make an interview.

    Unlabelled paragraphs continue the turn before them: after a question, they are more of the
    question when a labelled answer follows, else the answer. With several guests, each guest's
    answer to one question is a pair of its own, attributed to its speaker."""
    qa, lead, speakers = [], [], []
    question = answer = None
    pending: list[str] = []
    replies = 0
    for line in lines:
        turn = _label_turn(line)
        replies += bool(question is not None and turn is None and _is_reply(line))
        if turn and turn[0] == ASK:
            if question is not None and answer is not None:
                qa.append((question, answer[0], answer[1]))
            elif question is not None and pending:
                qa.append((question, pending, None))
            question, answer, pending = [line.cut(turn[2])], None, []
        elif turn and question is not None:
            speaker = turn[1]
            if answer is None:
                question += pending
            elif answer[1] != speaker:
                qa.append((question, answer[0], answer[1]))
            answer = ([line.cut(turn[2])] if answer is None or answer[1] != speaker
                      else answer[0] + [line.cut(turn[2])], speaker)
            pending = []
            if speaker and speaker not in speakers:
                speakers.append(speaker)
        elif question is None:
            lead.append(line)
        elif not S.BYLINE_NOTE.match(line.analysed):
            if answer is None:
                pending.append(line.stored)
            else:
                answer[0].append(line.stored)
    if question is not None:
        if answer is not None:
            qa.append((question, answer[0], answer[1]))
        elif pending:
            qa.append((question, pending, None))
    pairs = [{"question": "\n".join(q), "answer": "\n".join(a), "speaker": s} for q, a, s in qa if a]
    asked = sum(1 for p in pairs if S.QUESTION_END.search(Aligned(p["question"]).analysed))
    if len(pairs) < S.MIN_PAIRS or asked < S.MIN_QUESTIONS or 2 * replies >= len(pairs):
        return None
    return lead, pairs, speakers


def _numbered(lines: list[Aligned]):
    starts = [i for i, line in enumerate(lines) if S.NUMBERED_QUESTION.match(line.analysed)]
    return _questions_at(lines, starts) if len(starts) >= 2 else None


def _bold(lines: list[Aligned]):
    """Bold questions; once there are questions, a bold statement between an answer and the next
    question is the interviewer's too (it introduces that question or stands as a turn)."""
    asked = [i for i, line in enumerate(lines) if line.bold and S.QUESTION_END.search(line.analysed)]
    if len(asked) < 2:
        return None
    starts = [i for i, line in enumerate(lines) if i >= asked[0] and line.bold
              and (i in asked or line.analysed.endswith(("。", "！", "…")))]
    return _questions_at(lines, starts)


def _questions_at(lines: list[Aligned], starts: list[int]):
    """(lead, pairs) with a question at each of ``starts`` (a run of them is one question)."""
    qa, n = [], 0
    while n < len(starts):
        first = last = starts[n]
        while n + 1 < len(starts) and starts[n + 1] == last + 1:
            n, last = n + 1, starts[n + 1]
        end = starts[n + 1] if n + 1 < len(starts) else len(lines)
        answer = [_unlabelled(line) for line in lines[last + 1:end] if not S.BYLINE_NOTE.match(line.analysed)]
        if not any(answer):
            return None
        qa.append({"question": "\n".join(_unlabelled(line) for line in lines[first:last + 1]),
                   "answer": "\n".join(a for a in answer if a), "speaker": None})
        n += 1
    return lines[:starts[0]], qa, []


def _unlabelled(line: Aligned) -> str:
    """The line without a turn's label ("问：", "答：", "记者：", a name)."""
    turn = _label_turn(line)
    return line.cut(turn[2]) if turn else line.stored


def extract_interview(paragraphs: list[Paragraph], title: str = "", card: list[str] | None = None,
                      analysed: list[str] | None = None) -> dict | None:
    """``{"interviewees": [...], "qa": [...]}`` or None when the page is not an interview.

    ``paragraphs`` as stored, ``title`` as stored, ``card``: the lines of a guest card (as served);
    ``analysed``: the paragraphs in simplified characters, when the caller has them (else made here)."""
    if analysed is None:
        lines = Aligned.many([p.text for p in paragraphs], [p.bold for p in paragraphs])
    else:
        lines = [Aligned(p.text, text, p.bold) for p, text in zip(paragraphs, analysed)]
    found = _turns(lines) or _numbered(lines) or _bold(lines)
    if not found:
        return None
    lead, qa, speakers = found
    card_lines = Aligned.many(card or [])
    people = interviewees([s for s in speakers if is_person(s)], card_lines, lead, Aligned(title or ""))
    for pair in qa:
        if pair["speaker"] and not is_person(pair["speaker"]):
            pair["speaker"] = None
    return {"interviewees": people, "qa": qa}
