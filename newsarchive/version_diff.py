"""What changed between one version of an article and the next, in a form a template can show.

Paragraphs are compared first (the text is stored one paragraph a line), so a moved or new
paragraph reads as one; a paragraph that was rewritten is then compared character by character,
which is how Chinese text is edited (there are no spaces between words for a word diff to use).
Unchanged paragraphs are folded, with one of context on each side of a change.

The result is plain strings tagged with an operation; the template escapes them (no HTML is
built here, so nothing scraped can become markup).
"""

from __future__ import annotations

from difflib import SequenceMatcher

FIELDS = ("title", "published_at", "source", "author", "editor")
CONTEXT = 1


def version_changes(versions: list[dict]) -> list[dict]:
    """One entry per pair of consecutive versions: the fields that changed and the text's diff."""
    changes = []
    for old, new in zip(versions, versions[1:]):
        changes.append({
            "from": old["version"], "to": new["version"], "run_id": new["run_id"], "seen_at": new["seen_at"],
            "fields": [(name, old[name], new[name]) for name in FIELDS if old[name] != new[name]],
            "text": text_diff(old["text"] or "", new["text"] or ""),
        })
    return changes


def text_diff(old: str, new: str) -> list[dict]:
    """Blocks of the diff: {"op": "equal"|"delete"|"insert"|"replace"|"folded", "pieces": [(op, text)]}.

    A "replace" block holds one rewritten paragraph as pieces ("equal", "delete", "insert") of
    characters; "folded" holds only how many unchanged paragraphs it hides.
    """
    a, b = old.split("\n"), new.split("\n")
    blocks: list[dict] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            blocks.extend(_folded(a[i1:i2], first=not blocks, last=i2 == len(a) and j2 == len(b)))
        elif tag == "replace" and i2 - i1 == j2 - j1:
            blocks.extend({"op": "replace", "pieces": _char_diff(x, y)} for x, y in zip(a[i1:i2], b[j1:j2]))
        else:
            blocks.extend({"op": "delete", "pieces": [("delete", p)]} for p in a[i1:i2])
            blocks.extend({"op": "insert", "pieces": [("insert", p)]} for p in b[j1:j2])
    return blocks


def _folded(paragraphs: list[str], first: bool, last: bool) -> list[dict]:
    """Unchanged paragraphs: the one next to each change kept, the rest counted."""
    before = 0 if first else CONTEXT
    after = 0 if last else CONTEXT
    if len(paragraphs) <= before + after + 1:
        return [{"op": "equal", "pieces": [("equal", p)]} for p in paragraphs]
    kept_before = [{"op": "equal", "pieces": [("equal", p)]} for p in paragraphs[:before]]
    kept_after = [{"op": "equal", "pieces": [("equal", p)]} for p in paragraphs[len(paragraphs) - after:]]
    return kept_before + [{"op": "folded", "count": len(paragraphs) - before - after, "pieces": []}] + kept_after


def _char_diff(old: str, new: str) -> list[tuple[str, str]]:
    pieces = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag == "equal":
            pieces.append(("equal", old[i1:i2]))
        else:
            if i2 > i1:
                pieces.append(("delete", old[i1:i2]))
            if j2 > j1:
                pieces.append(("insert", new[j1:j2]))
    return pieces
