"""Interviews as ordered question/answer pairs, with the people interviewed.

Formats: numbered questions (``一、…？``), ``问：``/``答：``, dialog (``记者：`` / the
guest's name followed by ``：``) and bold questions. A numbered report whose headings are
not questions is not an interview.
"""

from __future__ import annotations

from . import selectors as S
from .body import Paragraph


def _interviewees(lines: list[str]) -> list[dict]:
    people = []
    for line in lines:
        m = S.GUEST_LINE.match(line)
        if m:
            for part in m.group(1).replace("，", "、").split("、"):
                pm = S.INTERVIEWEE_LINE.match(part.strip())
                people.append({"name": pm.group("name"), "position": pm.group("position")} if pm
                              else {"name": part.strip(), "position": None})
            continue
        m = S.INTERVIEWEE_LINE.match(line)
        if m:
            people.append({"name": m.group("name"), "position": m.group("position")})
    return people


def _numbered(paragraphs: list[Paragraph]):
    starts = [i for i, p in enumerate(paragraphs) if S.NUMBERED_QUESTION.match(p.text)]
    if len(starts) < 2:
        starts = [i for i, p in enumerate(paragraphs) if p.bold and p.text.endswith(("？", "?"))]
    if len(starts) < 2:
        return None
    qa = []
    for n, i in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(paragraphs)
        answer = "\n".join(p.text for p in paragraphs[i + 1:end])
        if not answer:
            return None
        qa.append({"question": paragraphs[i].text, "answer": answer, "speaker": None})
    return [p.text for p in paragraphs[:starts[0]]], qa


def _ask_answer_turn(text: str):
    m = S.ASK_ANSWER.match(text)
    if not m:
        return None
    return ("ask", None, m.group(2)) if m.group(1) == "问" else ("answer", None, m.group(2))


def _dialog_turn(text: str):
    m = S.DIALOG_TURN.match(text)
    if not m:
        return None
    return ("ask", None, m.group(2)) if m.group(1) in S.INTERVIEWER else ("answer", m.group(1), m.group(2))


def _turns(paragraphs: list[Paragraph], classify):
    """Q&A from labelled turns; a paragraph with no label continues the answer before it.

    With several guests, each guest's answer to one question becomes its own pair,
    attributed to its speaker. Answers are gathered as lists of lines and joined once (adding
    to a string in a dict copied the whole answer for every line: quadratic).
    """
    qa, lead, current, speakers = [], [], None, set()
    for p in paragraphs:
        turn = classify(p.text)
        if turn and turn[0] == "ask":
            current = {"question": turn[2], "answer": [], "speaker": None}
            qa.append(current)
        elif turn and current is not None:
            speaker = turn[1]
            if speaker:
                speakers.add(speaker)
            if current["answer"] and current["speaker"] != speaker:
                current = {"question": current["question"], "answer": [], "speaker": None}
                qa.append(current)
            current["speaker"] = speaker
            if turn[2]:
                current["answer"].append(turn[2])
        elif current is not None and current["answer"] and not S.BYLINE_NOTE.match(p.text):
            current["answer"].append(p.text)
        elif current is None:
            lead.append(p.text)
    qa = [{**q, "answer": "\n".join(q["answer"])} for q in qa if q["answer"]]
    return (lead, qa, speakers) if len(qa) >= 2 else None


def _from_title(people: list[dict], title: str) -> list[dict]:
    """Fill in positions (or find the guest) from titles like ``专访长春市交通运输局局长王强：…``."""
    m = S.TITLE_GUEST.search(title or "")
    if not m:
        return people
    who = m.group("who").strip()
    for person in people:
        if person["position"] is None and who.endswith(person["name"]) and len(who) > len(person["name"]):
            person["position"] = who[: -len(person["name"])].strip()
    if not people:
        pm = S.POSITION_THEN_NAME.match(who)
        if pm:
            people.append({"name": pm.group("name"), "position": pm.group("position")})
    return people


def extract_interview(paragraphs: list[Paragraph], title: str = "") -> dict | None:
    """``{"interviewees": [...], "qa": [...]}`` or None when the page is not an interview."""
    found = _extract(paragraphs)
    if found:
        found["interviewees"] = _from_title(found["interviewees"], title)
    return found


def _extract(paragraphs: list[Paragraph]) -> dict | None:
    found = _numbered(paragraphs)
    if found:
        lead, qa = found
        return {"interviewees": _interviewees(lead), "qa": qa}
    for classify in (_ask_answer_turn, _dialog_turn):
        found = _turns(paragraphs, classify)
        if found:
            lead, qa, speakers = found
            people = _interviewees(lead)
            known = {p["name"] for p in people}
            people += [{"name": s, "position": None} for s in sorted(speakers) if s not in known]
            return {"interviewees": people, "qa": qa}
    return None
