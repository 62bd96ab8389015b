"""Find the damage in a WARC file, anywhere in it: gzip members cut short or corrupt, members that
hold no WARC record, and the request/response records that damage left without their pair partner.

Our files hold one record per gzip member (WARC 1.1 Annex D.2), so a damaged member costs one
record, not the rest of the file. After a member that does not decompress, reading resumes at the
next offset where a whole member holding a WARC record begins: a write cut short by a full disk and
followed by more writes leaves exactly that, and so does one flipped byte. ``scan`` reads a file
once and says which members to keep and which to drop, and why; it reads no database and writes
nothing (``archive.repair`` rewrites files, ``archive.verify`` reports, ``archive.reparse`` and
``archive.package`` skip what it drops).
"""

from __future__ import annotations

import zlib
from dataclasses import asdict, dataclass, replace
from pathlib import Path

GZIP_MAGIC = b"\x1f\x8b\x08"
READ = 16384            # a response member is a few KB: one or two reads each
HEAD = 8192             # enough decompressed bytes for any record's WARC header block
PAIRED = ("request", "response", "revisit")


@dataclass(frozen=True)
class Member:
    """A whole gzip member holding one WARC record; ``fields`` are its WARC headers (lower-case names)."""
    start: int
    end: int
    fields: dict

    @property
    def rec_type(self) -> str | None:
        return self.fields.get("warc-type")

    @property
    def record_id(self) -> str | None:
        return self.fields.get("warc-record-id")

    @property
    def partner(self) -> str | None:
        return self.fields.get("warc-concurrent-to")


@dataclass(frozen=True)
class Dropped:
    """A stretch of the file to leave out: a damaged member (or garbage), or a whole record that
    damage left without its pair partner. Names come from the record's own headers when they
    decompress, else from its partner's (which names it in WARC-Concurrent-To)."""
    start: int
    end: int
    problem: str
    rec_type: str | None = None
    record_id: str | None = None
    target_uri: str | None = None
    date: str | None = None

    def describe(self) -> str:
        what = f"{self.rec_type or 'unreadable'} record" + (f" {self.record_id}" if self.record_id else "")
        return what + (f" of {self.target_uri}" if self.target_uri else "") + f": {self.problem}"

    def to_json(self) -> dict:
        return asdict(self)


@dataclass
class Scan:
    path: Path
    size: int
    kept: list[Member]
    dropped: list[Dropped]
    whole: list[Member]         # every member that decompresses, kept or not (an unpaired one is whole)

    @property
    def damaged(self) -> bool:
        return bool(self.dropped)

    @property
    def tail_only(self) -> bool:
        """All that is dropped lies after the last member kept: cutting the file there repairs it."""
        last = self.kept[-1].end if self.kept else 0
        return all(d.start >= last for d in self.dropped)

    def new_offsets(self) -> dict[int, int]:
        """Old start -> start in the file rewritten with the kept members only."""
        offsets, pos = {}, 0
        for member in self.kept:
            offsets[member.start] = pos
            pos += member.end - member.start
        return offsets


def inflate_member(fh, start: int) -> tuple[int | None, bytes, str | None]:
    """Decompress the gzip member at ``start``: (its end or None, the first HEAD bytes of what it
    holds, what went wrong). ``fh`` should be buffered: a seek inside the buffer reads nothing."""
    fh.seek(start)
    inflater = zlib.decompressobj(31)
    head, pos = b"", start
    while True:
        chunk = fh.read(READ)
        if not chunk:
            return None, head, "cut short: the file ends inside this gzip member"
        try:
            out = inflater.decompress(chunk)
        except zlib.error as exc:
            return None, head or _salvage_head(fh, start), f"corrupt gzip data ({exc})"
        if len(head) < HEAD:
            head += out[: HEAD - len(head)]
        if inflater.eof:
            return pos + len(chunk) - len(inflater.unused_data), head, None
        pos += len(chunk)


def _salvage_head(fh, start: int) -> bytes:
    """What decompresses of a corrupt member before the damage (its headers, as a rule): zlib gives
    nothing of a piece it fails on, so the member is fed again in small pieces."""
    fh.seek(start)
    inflater, head = zlib.decompressobj(31), b""
    while len(head) < HEAD:
        piece = fh.read(256)
        try:
            head += inflater.decompress(piece) if piece else b""
        except zlib.error:
            break
        if not piece or inflater.eof:
            break
    return head[:HEAD]


def header_fields(head: bytes) -> dict:
    """WARC header fields of a record's first bytes (names lower-case); {} when it is no WARC record."""
    if not head.startswith(b"WARC/"):
        return {}
    block, ended, _ = head.partition(b"\r\n\r\n")
    lines = block.split(b"\r\n")[1:]
    if not ended:
        lines = lines[:-1]          # the head was cut inside the block: its last line may be cut short
    fields = {}
    for line in lines:
        name, sep, value = line.partition(b":")
        if sep:
            fields[name.strip().decode("latin-1").lower()] = value.strip().decode("utf-8", "replace")
    return fields


def _resync(fh, start: int, size: int) -> int:
    """The first offset from ``start`` where a whole member holding a WARC record begins (or ``size``)."""
    pos = start
    while pos < size:
        fh.seek(pos)
        window = fh.read(1 << 20)
        if not window:
            break
        found = window.find(GZIP_MAGIC)
        if found < 0:
            pos += max(1, len(window) - len(GZIP_MAGIC) + 1)
            continue
        candidate = pos + found
        end, head, _ = inflate_member(fh, candidate)
        if end is not None and header_fields(head).get("warc-type"):
            return candidate
        pos = candidate + 1
    return size


def _walk(fh, size: int):
    """(start, end, fields, problem) for each member or damaged stretch, in file order."""
    pos = 0
    while pos < size:
        end, head, problem = inflate_member(fh, pos)
        fields = header_fields(head)
        if end is not None and fields.get("warc-type"):
            yield pos, end, fields, None
        elif end is not None:
            yield pos, end, fields, "not a WARC record"
        else:
            end = _resync(fh, pos + 1, size)
            yield pos, end, fields, problem
        pos = end


def _named(start: int, end: int, problem: str, fields: dict) -> Dropped:
    return Dropped(start, end, problem, fields.get("warc-type"), fields.get("warc-record-id"),
                   fields.get("warc-target-uri"), fields.get("warc-date"))


def scan(path: Path, bad: dict[int, str] | None = None) -> Scan:
    """Read ``path`` once. ``bad`` names whole records to drop as well (offset -> problem: a digest
    that does not match, found by ``verify``); their pair partners go with them."""
    bad = bad or {}
    members: list[Member] = []
    dropped: list[Dropped] = []
    with open(path, "rb", buffering=1 << 20) as fh:
        size = fh.seek(0, 2)
        for start, end, fields, problem in _walk(fh, size):
            problem = problem or bad.get(start)
            if problem:
                dropped.append(_named(start, end, problem, fields))
            else:
                members.append(Member(start, end, fields))
    kept = _pair(members, dropped)
    dropped.sort(key=lambda d: d.start)
    return Scan(path, size, kept, dropped, members)


def _pair(members: list[Member], dropped: list[Dropped]) -> list[Member]:
    """Keep warcinfo, metadata and other lone records, and request/response pairs whose partner is
    whole in the same file; a record whose partner was damaged or is missing is dropped with it."""
    by_id = {m.record_id: m for m in members if m.rec_type in PAIRED}
    damaged_ids = {d.record_id: d for d in dropped if d.record_id}
    kept = []
    for member in members:
        if member.rec_type not in PAIRED:
            kept.append(member)
            continue
        partner = by_id.get(member.partner)
        if partner is None:     # a response written by other tools may name its request only from the request
            partner = next((m for m in by_id.values() if m.partner == member.record_id), None)
        if partner is not None and (partner.rec_type == "request") != (member.rec_type == "request"):
            kept.append(member)
            continue
        wanted = "response" if member.rec_type == "request" else "request"
        if member.partner in damaged_ids or _name_neighbour(dropped, member):
            problem = f"dropped with its {wanted}, which is damaged"
            _complete_partner(dropped, member)
        else:
            problem = f"{member.rec_type} without its {wanted} in the same file"
        dropped.append(_named(member.start, member.end, problem, member.fields))
    return kept


def _complete_partner(dropped: list[Dropped], member: Member) -> None:
    """A damaged record whose headers were cut before its target URI or date takes them from its
    whole pair partner (a request names the same URI), so that its capture is named rightly."""
    for i, d in enumerate(dropped):
        if d.record_id == member.partner and (d.target_uri is None or d.date is None):
            dropped[i] = replace(d, target_uri=d.target_uri or member.fields.get("warc-target-uri"),
                                 date=d.date or member.fields.get("warc-date"))


def _name_neighbour(dropped: list[Dropped], member: Member) -> bool:
    """A damaged stretch right after a lone request (or right before a lone response) is most likely
    its partner: name it from the partner's headers when its own did not decompress."""
    after = member.rec_type == "request"
    edge = member.end if after else member.start
    for i, d in enumerate(dropped):
        if d.record_id is None and (d.start == edge if after else d.end == edge):
            partner_type = "response" if after else "request"
            dropped[i] = Dropped(d.start, d.end, d.problem + " (named by its pair partner)", partner_type,
                                 member.partner, member.fields.get("warc-target-uri"), member.fields.get("warc-date"))
            return True
    return False
