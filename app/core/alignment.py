"""Alignment between a document's raw text and its clean text.

Segments say that ``raw[raw_start:raw_end] == clean[clean_start:clean_end]``. They are
sorted and disjoint on both sides, never empty, and merged where contiguous on both sides;
raw text no segment covers is what the cleaner dropped. How ``align`` finds them:

1. A box of raw x clean characters up to ``_CHAR_CELLS`` gets one character-level LCS
   (rapidfuzz Indel opcodes: bit-parallel, but it holds a raw x clean bit matrix; 100k x
   50k characters took 625 MB and 2.5 s). A larger box drops its common ends, then is
   anchored on equal lines (on equal words when lines give none), and the gaps between
   anchors are aligned the same way down to characters, which recovers joined lines and
   changed whitespace. Anchors are tokens found once on each side, in the order both
   sides agree on (patience diff), else an LCS of tokens (see ``_token_anchors``).
2. A box still over ``_CHAR_CELLS`` with nothing to anchor on is left unaligned: a
   slightly lower aligned share beats gigabytes of memory or a hung import.
3. Dropped raw runs slide to where a cleaner cuts (``_slide``), and matches shorter than
   ``_MIN_BLOCK`` not tied to a longer one are dropped (``_drop_noise``).
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import groupby
from operator import attrgetter

from rapidfuzz.distance import Indel

_CHAR_CELLS = 400_000_000  # one Indel pass: a ~50 MB bit matrix, ~0.1 s
_TOKEN_CELLS = 400_000_000  # the same bound for an LCS on lines or words
_MAX_NESTING = 64  # gaps re-anchored on the same tokens; the Python stack stays shallow
_MIN_ANCHOR = 8
_MIN_LCS_SHARE = 0.1
_MIN_BLOCK = 3
_SMALL_EDIT = 2
_SLIDE = 256  # how far a dropped run may slide to start a clean line
_TOKENIZERS = (re.compile(r"[^\n]*\n|[^\n]+"), re.compile(r"\S+"))
_SPACE = re.compile(r"\s+")
_SPACES_ONLY = re.compile(r"\s*")

Block = tuple[int, int, int]  # raw start, clean start, length
Box = tuple[int, int, int, int]  # raw start, raw end, clean start, clean end
Token = tuple[int, int, int]  # id of the token's text, start, end
Pair = tuple[int, int]  # index of a raw token, index of an equal clean token
_clean_start, _raw_start = attrgetter("clean_start"), attrgetter("raw_start")


@dataclass(frozen=True, slots=True)
class Segment:
    """Equal text at ``raw[raw_start:raw_end]`` and ``clean[clean_start:clean_end]``.

    Offsets are Python code-point indices into the canonical texts, end exclusive.
    """

    raw_start: int
    raw_end: int
    clean_start: int
    clean_end: int


def align(raw: str, clean: str) -> list[Segment]:
    """Align ``clean`` to ``raw``: where each piece of the clean text came from.

    Args:
        raw: The canonical raw text.
        clean: The canonical clean text.

    Returns:
        Segments sorted on both sides, merged where contiguous; ``[]`` if either is empty.
    """
    blocks = _align_box(raw, clean, (0, len(raw), 0, len(clean)), 0)
    return _merge(_drop_noise(_slide(blocks, raw, clean), raw, clean))


def aligned_share(segments: Sequence[Segment], clean_length: int) -> float:
    """Share of the clean characters the alignment covers; 1.0 for an empty clean text."""
    if clean_length == 0:
        return 1.0
    return sum(s.clean_end - s.clean_start for s in segments) / clean_length


def raw_coverage(segments: Sequence[Segment], raw_length: int) -> float:
    """Share of the raw characters the cleaner kept; 1.0 for an empty raw text."""
    if raw_length == 0:
        return 1.0
    return sum(s.raw_end - s.raw_start for s in segments) / raw_length


def clean_to_raw(segments: Sequence[Segment], clean_pos: int) -> int | None:
    """Raw position of the clean character at ``clean_pos``; None if it is not aligned."""
    index = bisect.bisect_right(segments, clean_pos, key=_clean_start) - 1
    if index < 0 or clean_pos >= segments[index].clean_end:
        return None
    return segments[index].raw_start + clean_pos - segments[index].clean_start


def raw_to_clean(segments: Sequence[Segment], raw_pos: int) -> int | None:
    """Clean position of the raw character at ``raw_pos``; None if the cleaner dropped it."""
    index = bisect.bisect_right(segments, raw_pos, key=_raw_start) - 1
    if index < 0 or raw_pos >= segments[index].raw_end:
        return None
    return segments[index].clean_start + raw_pos - segments[index].raw_start


def raw_to_clean_nearest(segments: Sequence[Segment], raw_pos: int) -> int:
    """Clean position of raw ``raw_pos``; dropped text maps to the next aligned piece.

    For following the cursor between panes, where some position is always wanted.
    """
    exact = raw_to_clean(segments, raw_pos)
    if exact is not None:
        return exact
    following = bisect.bisect_right(segments, raw_pos, key=_raw_start)
    if following < len(segments):
        return segments[following].clean_start
    return segments[-1].clean_end if segments else 0


def clean_to_raw_nearest(segments: Sequence[Segment], clean_pos: int) -> int:
    """Raw position of clean ``clean_pos``; unaligned text maps to the next aligned piece."""
    exact = clean_to_raw(segments, clean_pos)
    if exact is not None:
        return exact
    following = bisect.bisect_left(segments, clean_pos, key=_clean_start)
    if following < len(segments):
        return segments[following].raw_start
    return segments[-1].raw_end if segments else 0


def clean_range_to_raw(segments: Sequence[Segment], start: int, end: int) -> tuple[int, int] | None:
    """Smallest raw range covering the aligned characters of ``clean[start:end]``.

    Returns None when no character of the range is aligned (or the range is empty).
    """
    first = bisect.bisect_right(segments, start, key=_clean_start) - 1
    if first < 0 or segments[first].clean_end <= start:
        first += 1
    last = bisect.bisect_left(segments, end, key=_clean_start) - 1
    if start >= end or first > last:
        return None
    head, tail = segments[first], segments[last]
    raw_start = head.raw_start + max(0, start - head.clean_start)
    return raw_start, tail.raw_start + min(end, tail.clean_end) - tail.clean_start


def dropped_raw_ranges(segments: Sequence[Segment], raw_length: int) -> list[tuple[int, int]]:
    """Raw ranges no segment covers (what the cleaner dropped), sorted."""
    dropped: list[tuple[int, int]] = []
    position = 0
    for segment in segments:
        if segment.raw_start > position:
            dropped.append((position, segment.raw_start))
        position = segment.raw_end
    if raw_length > position:
        dropped.append((position, raw_length))
    return dropped


def _align_box(raw: str, clean: str, box: Box, level: int, nesting: int = 0) -> list[Block]:
    """Equal blocks inside ``box``, trying token level ``level`` when it is too large."""
    r0, r1, c0, c1 = box
    if r0 == r1 or c0 == c1:
        return []
    if (r1 - r0) * (c1 - c0) <= _CHAR_CELLS:
        return _char_blocks(raw[r0:r1], clean[c0:c1], r0, c0)
    head, tail = _common_ends(raw[r0:r1], clean[c0:c1])
    if head or tail:  # a common prefix or suffix is always part of some longest alignment
        inner_box = (r0 + head, r1 - tail, c0 + head, c1 - tail)
        inner = _align_box(raw, clean, inner_box, level, nesting)
        ends = [(r0, c0, head), *inner, (r1 - tail, c1 - tail, tail)]
        return [block for block in ends if block[2]]
    if level == len(_TOKENIZERS):
        return []  # too large for one pass and nothing left to anchor on: left unaligned
    anchors = _token_anchors(raw, clean, box, _TOKENIZERS[level])
    # While anchors are found, gaps stay on this level: tokens repeated in the whole box
    # may be unique inside a gap. Each gap is smaller than the box, so this terminates.
    same = bool(anchors) and nesting < _MAX_NESTING
    next_level, nesting = (level, nesting + 1) if same else (level + 1, 0)
    blocks: list[Block] = []
    r, c = r0, c0
    for rs, cs, size in [*anchors, (r1, c1, 0)]:
        blocks += _align_box(raw, clean, (r, rs, c, cs), next_level, nesting)
        blocks.append((rs, cs, size))
        r, c = rs + size, cs + size
    return blocks[:-1]


def _char_blocks(raw: str, clean: str, r0: int, c0: int) -> list[Block]:
    return [
        (r0 + op.src_start, c0 + op.dest_start, op.src_end - op.src_start)
        for op in Indel.opcodes(raw, clean)
        if op.tag == "equal"
    ]


def _common_ends(raw: str, clean: str) -> tuple[int, int]:
    """Lengths of the common prefix and of the common suffix after it."""
    head = _common_prefix(raw, clean)
    return head, _common_prefix(raw[head:][::-1], clean[head:][::-1])


def _common_prefix(first: str, second: str) -> int:
    size, step, limit = 0, 1 << 16, min(len(first), len(second))
    while step:  # compare slices with a halving step: a few passes in C, no loop per char
        while size + step <= limit and first[size : size + step] == second[size : size + step]:
            size += step
        step >>= 1
    return size


def _token_anchors(raw: str, clean: str, box: Box, pattern: re.Pattern[str]) -> list[Block]:
    """Equal tokens of ``box`` to anchor on: unique ones first, else an LCS of tokens.

    A token found once on each side is an anchor by itself (if not blank). An LCS of
    tokens matches repeated lines (a paragraph printed twice, a line many copies of a page
    share) wherever comes first, so it is used only where no unique token anchors the
    box, only its runs of ``_MIN_ANCHOR`` visible characters count, and only if they
    cover ``_MIN_LCS_SHARE`` of the clean box.
    """
    r0, r1, c0, c1 = box
    ids: dict[str, int] = {}  # exact text -> id, so equal ids always mean equal text
    raw_tokens = _tokens(raw, r0, r1, pattern, ids)
    clean_tokens = _tokens(clean, c0, c1, pattern, ids)
    anchors = _anchors(raw, raw_tokens, clean_tokens, _unique_pairs(raw_tokens, clean_tokens), 1)
    if anchors or len(raw_tokens) * len(clean_tokens) > _TOKEN_CELLS:
        return anchors
    pairs = _lcs_pairs(raw_tokens, clean_tokens)
    anchors = _anchors(raw, raw_tokens, clean_tokens, pairs, _MIN_ANCHOR)
    # When the cleaner re-wrapped the lines, the LCS is a few repeated lines matched far
    # from their source (under 1% of the clean box, measured) and would misplace the rest;
    # a clean text that kept its lines had 34% anchored even with a third of them joined.
    return anchors if sum(size for _, _, size in anchors) >= _MIN_LCS_SHARE * (c1 - c0) else []


def _anchors(
    raw: str, raw_tokens: list[Token], clean_tokens: list[Token], pairs: list[Pair], least: int
) -> list[Block]:
    """Blocks of the matched token pairs, in runs with ``least`` visible characters or more."""
    anchors: list[Block] = []
    for run in _runs(pairs):
        tokens = [raw_tokens[i] for i, _ in run]
        if sum(_visible(raw, start, end) for _, start, end in tokens) >= least:
            anchors += [
                (rs, clean_tokens[j][1], rend - rs)
                for (_, rs, rend), (_, j) in zip(tokens, run, strict=True)
            ]
    return anchors


def _tokens(
    text: str, start: int, end: int, pattern: re.Pattern[str], ids: dict[str, int]
) -> list[Token]:
    found = pattern.finditer(text, start, end)
    return [(ids.setdefault(m.group(), len(ids)), m.start(), m.end()) for m in found]


def _visible(text: str, start: int, end: int) -> int:
    return end - start - sum(map(len, _SPACE.findall(text, start, end)))


def _lcs_pairs(raw_tokens: list[Token], clean_tokens: list[Token]) -> list[Pair]:
    opcodes = Indel.opcodes([t[0] for t in raw_tokens], [t[0] for t in clean_tokens])
    return [
        (op.src_start + k, op.dest_start + k)
        for op in opcodes
        if op.tag == "equal"
        for k in range(op.src_end - op.src_start)
    ]


def _unique_pairs(raw_tokens: list[Token], clean_tokens: list[Token]) -> list[Pair]:
    """Tokens found exactly once on each side, kept where their orders agree."""
    raw_once, clean_once = _once([t[0] for t in raw_tokens]), _once([t[0] for t in clean_tokens])
    pairs = sorted((i, clean_once[key]) for key, i in raw_once.items() if key in clean_once)
    return _increasing(pairs)


def _once(ids: list[int]) -> dict[int, int]:
    counts = Counter(ids)
    return {key: index for index, key in enumerate(ids) if counts[key] == 1}


def _increasing(pairs: list[Pair]) -> list[Pair]:
    """Longest subsequence of ``pairs`` (sorted on the first item) increasing on the second."""
    tails: list[int] = []  # tails[k]: smallest second item ending a chain of length k + 1
    ends: list[int] = []  # index in pairs of that chain's last pair
    back: list[int] = []
    for index, (_, j) in enumerate(pairs):
        k = bisect.bisect_left(tails, j)
        back.append(ends[k - 1] if k else -1)
        tails[k : k + 1], ends[k : k + 1] = [j], [index]
    chain: list[Pair] = []
    index = ends[-1] if ends else -1
    while index >= 0:
        chain.append(pairs[index])
        index = back[index]
    return chain[::-1]


def _runs(pairs: list[Pair]) -> Iterator[list[Pair]]:
    """Split matched token pairs into runs that are consecutive on both sides."""
    # Along a run both indices grow with the position in ``pairs``: their offsets hold.
    for _, run in groupby(enumerate(pairs), key=lambda e: (e[1][0] - e[0], e[1][1] - e[0])):
        yield [pair for _, pair in run]


def _slide(blocks: list[Block], raw: str, clean: str) -> list[Block]:
    """Move each dropped raw run to where the cleaner most likely cut the page.

    An LCS takes the earliest match, so clean text that dropped boilerplate repeats (the
    title above the article, a headline quoting its first words) is matched there and cut
    off from the block it belongs to. Where the blocks around a dropped run are contiguous
    in clean, the run may slide by as many characters as repeat at its two ends: it goes
    where one block disappears into the other, else to the start of a clean line.
    """
    done: list[Block] = []  # reversed, so a block grown by the merge meets the one before
    for block in reversed(blocks):
        after = done[-1] if done else None
        if after and block[1] + block[2] == after[1] and block[0] + block[2] < after[0]:
            done[-1:] = reversed(_shift(block, after, raw, clean))
        else:
            done.append(block)
    return done[::-1]


def _shift(a: Block, b: Block, raw: str, clean: str) -> list[Block]:
    (ar, ac, an), (br, bc, bn) = a, b
    if br >= an and raw[br - an : br] == raw[ar : ar + an]:
        return [(br - an, ac, an + bn)]
    if raw[ar + an : ar + an + bn] == raw[br : br + bn]:
        return [(ar, ac, an + bn)]
    cap = min(_SLIDE, an - 1, bn - 1)  # a partial slide never empties a block
    left = _common_prefix(raw[ar + an - cap : ar + an][::-1], raw[br - cap : br][::-1])
    right = _common_prefix(raw[ar + an : ar + an + cap], raw[br : br + cap])
    line_starts = [d for d in range(-left, right + 1) if clean[ac + an + d - 1] == "\n"]
    d = min(line_starts, key=abs, default=0)
    return [(ar, ac, an + d), (br + d, bc + d, bn - d)]


def _drop_noise(blocks: list[Block], raw: str, clean: str) -> list[Block]:
    """Keep blocks of ``_MIN_BLOCK`` characters or more, and short ones tied to them.

    Ties propagate both ways, so short blocks joined by small edits ("산‧학‧연" cleaned to
    "산·학·연") stay next to a long block, while chains of stray short matches go.
    """
    # The texts' two ends count as long blocks: "ab" aligned to "ab" is no stray match.
    blocks = [(0, 0, 0), *blocks, (len(raw), len(clean), 0)]
    keep = [size >= _MIN_BLOCK for _, _, size in blocks]
    keep[0] = keep[-1] = True
    for i in range(1, len(blocks)):
        keep[i] = keep[i] or (keep[i - 1] and _tied(blocks[i - 1], blocks[i], raw, clean))
    for i in range(len(blocks) - 2, -1, -1):
        keep[i] = keep[i] or (keep[i + 1] and _tied(blocks[i], blocks[i + 1], raw, clean))
    return [block for block, kept in zip(blocks, keep, strict=True) if kept and block[2]]


def _tied(left: Block, right: Block, raw: str, clean: str) -> bool:
    """Whether only a small edit separates two blocks: whitespace, or a few characters."""
    raw_gap = (left[0] + left[2], right[0])
    clean_gap = (left[1] + left[2], right[1])
    if raw_gap[1] - raw_gap[0] <= _SMALL_EDIT and clean_gap[1] - clean_gap[0] <= _SMALL_EDIT:
        return True
    # Match on a range, not a slice: a gap can be megabytes of dropped text.
    return bool(_SPACES_ONLY.fullmatch(raw, *raw_gap) and _SPACES_ONLY.fullmatch(clean, *clean_gap))


def _merge(blocks: list[Block]) -> list[Segment]:
    segments: list[Segment] = []
    for rs, cs, size in blocks:
        last = segments[-1] if segments else None
        if last is not None and last.raw_end == rs and last.clean_end == cs:
            segments[-1] = Segment(last.raw_start, rs + size, last.clean_start, cs + size)
        else:
            segments.append(Segment(rs, rs + size, cs, cs + size))
    return segments
