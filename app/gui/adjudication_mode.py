"""Review mode (adjudication): a lead settles a merged file into gold, one document at a time.

In review mode the raw pane shows the gold layer, and every edit (label keys, relabel,
delete, facts, status) is written as ``gold``; each annotator's spans stand beside the
raw pane in a lane of their own (``widgets.annotator_tracks``). The lead walks the
disagreements (``J``), accepts the chosen annotator's version of the span under the
cursor (``G``; ``C`` chooses another annotator), accepts everything unanimous at once
(``Shift+G``) and rejects a gold span (``Ctrl+Delete``). Every gold write is an undo
command, committed before the window shows it.

The classification is ``app.core.adjudication``'s, the same as ``thresher adjudicate``.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QLabel, QWidget

from app.core.adjudication import (
    GOLD,
    DocumentAdjudication,
    FactItem,
    Item,
    Level,
    SpanItem,
    fact_key,
    span_key,
)
from app.core.alignment import clean_range_to_raw
from app.core.document import SlotRecord, SpanRecord
from app.gui.agreement_window import AgreementWindow
from app.gui.command_runner import CommandRunner
from app.gui.gold_commands import AcceptIntoGold, RejectFromGold
from app.gui.pane_marks import EVIDENCE_COLOR, FALLBACK_COLOR
from app.gui.tagging import Tagging
from app.session.changes import Change
from app.session.document_session import DocumentSession
from storage.gold import DocumentLabels
from widgets.annotator_tracks import AnnotatorTracks, Lane
from widgets.marks import EVIDENCE, SPAN, Mark
from widgets.plain_text import plain_label

MENU = "Review"
RAW_TITLE = "Raw page (tag spam here)"  # the raw pane's title outside review mode


class AdjudicationMode:
    """Review mode on one document session: lanes, gold keys, where the disagreements are.

    Given what it uses: the session, the raw pane's tagging (its pane and selected span),
    the lanes and the title above the raw pane, a command runner, and how to show another
    document and to forget the fact selection when the writer changes.
    """

    def __init__(
        self,
        session: DocumentSession,
        tagging: Tagging,
        tracks: AnnotatorTracks,
        raw_title: QLabel,
        runner: CommandRunner,
        *,
        show_document: Callable[[str], None],
        forget_facts: Callable[[], None],
    ) -> None:
        self.session = session
        self.tagging = tagging
        self.raw_pane = tagging.panes.raw
        self.tracks = tracks
        self.raw_title = raw_title
        self.runner = runner
        self.show_document = show_document
        self.forget_facts = forget_facts
        self.active = False
        self.annotators = session.span_annotators()
        self.available = len(self.annotators) >= 2
        self.labels: DocumentLabels | None = None
        self.found: DocumentAdjudication | None = None
        self.chosen: str | None = None  # whose version G accepts
        self.agreement: AgreementWindow | None = None
        self.agreement_parent: QWidget | None = None
        self.status = plain_label()  # the window puts it in its status bar
        self.status.hide()
        tracks.hide()
        tracks.mark_clicked.connect(self._on_tracks_mark_clicked)
        self.raw_pane.selection_changed.connect(lambda *_: self._show_here())
        session.subscribe(self._on_change)

    def handlers(self) -> dict[str, Callable[[], object]]:
        """Action name -> what it does, for the window's menus and keys."""
        return {
            "accept_gold": self.accept_here,
            "next_version": self.next_version,
            "accept_unanimous": self.accept_unanimous,
            "reject_gold": self.reject_here,
            "next_disagreement": self.next_disagreement,
            "agreement": self.show_agreement,
        }

    # -- actions ----------------------------------------------------------------------------

    def toggle(self) -> None:
        """Enter review mode (edits go to gold) or leave it (back to your own labels)."""
        if not self.available:
            self._say("Review mode needs spans by two or more annotators in this file.")
            return
        self.active = not self.active
        self.tagging.clear()
        self.forget_facts()
        writer = GOLD if self.active else self.session.annotator
        self.session.set_writer(writer, only_writer=self.active)
        self.tracks.setVisible(self.active)
        self.status.setVisible(self.active)
        if not self.active:
            self.raw_title.setText(RAW_TITLE)
        self.refresh()  # the panes were repainted by set_writer's change notice
        self._say("Review mode: edits go to gold." if self.active else "Review mode is off.")

    def accept_here(self) -> None:
        """Copy the chosen annotator's version of the item under the cursor into gold."""
        if not self._ready():
            return
        version = self._version_here()
        if version is None:
            self._say("No annotator's span here. J goes to the next disagreement.")
            return
        annotator, item = version
        if self._in_gold(item):
            self._say(f"{annotator}'s version is in gold already.")
            return
        self._accept([item], f"Accept {annotator}'s {_describe(item)} into gold", annotator)

    def next_version(self) -> None:
        """Choose the next annotator whose version ``G`` accepts (those with one here first)."""
        if not self._ready():
            return
        here = [name for name in self._lane_names() if self._items_here(name)]
        names = here or self._lane_names()
        version = self._version_here()
        now = version[0] if version is not None else self.chosen
        after = names.index(now) + 1 if now in names else 0
        self.chosen = names[after % len(names)]
        self.refresh()

    def accept_unanimous(self) -> None:
        """Copy every item all annotators of this document agree on into gold."""
        if not self._ready() or self.found is None:
            return
        items = [i for i in self.found.agreed(Level.UNANIMOUS) if not self._in_gold(i)]
        if not items:
            self._say("Nothing unanimous is missing from gold here.")
            return
        self._accept(items, f"Accept {len(items)} unanimous items into gold")

    def reject_here(self) -> None:
        """Remove the gold span under the cursor (or the selected one) from gold."""
        current = self.session.current
        if not self._ready() or current is None:
            return
        position = self.raw_pane.cursor_position()
        selected = self.session.span(self.tagging.selected_span or "")
        spans = [selected] if selected else [s for s in current.spans if _covers(s, position)]
        facts = [f for f in current.facts if any(_covers(s, position) for s in f.slots)]
        if spans:
            command = RejectFromGold(self.session, current.id, [_innermost(spans).id], [])
        elif facts:
            command = RejectFromGold(self.session, current.id, [], [facts[0].id])
        else:
            self._say("No gold span here to reject.")
            return
        self.tagging.clear()
        self.runner.run(command)

    def show_agreement(self) -> None:
        """Open (or bring forward, refreshed) the agreement window of this file."""
        if self.agreement is None:
            self.agreement = AgreementWindow(self.session, self.agreement_parent)
        self.agreement.show_fresh()

    def next_disagreement(self) -> None:
        """Move to the next disagreement left: later here, else in the next document."""
        current = self.session.current
        if not self._ready() or current is None or self.found is None:
            return
        cursor = self.raw_pane.cursor_position()
        positions = sorted(self._position(item) for item in self.found.open_items())
        later = [p for p in positions if p > cursor]
        if later:
            self._go_to(later[0])
            return
        target = self._next_document_with_disagreements(current.id)
        if target is not None:
            self.show_document(target)
            assert self.found is not None
            self._go_to(min(self._position(item) for item in self.found.open_items()))
        elif positions:
            self._go_to(positions[0])
        else:
            self._say("No disagreements left in this file.")

    # -- state ------------------------------------------------------------------------------

    def document_shown(self) -> None:
        """The window shows another document: read its labels and redraw the lanes."""
        self.refresh()

    def refresh(self) -> None:
        """Read the current document's labels, classify them and redraw lanes and status."""
        current = self.session.current
        if not self.active or current is None:
            self.labels = self.found = None
            return
        self.labels = self.session.document_labels(current.id)
        self.found = self.labels.adjudication()
        self.tracks.set_lanes(self._lanes(), self.chosen)
        self._show_here()

    def _on_change(self, change: Change) -> None:
        current = self.session.current
        if self.active and current is not None and current.id == change.doc_id:
            self.refresh()

    def _on_tracks_mark_clicked(self, lane: str, start: int) -> None:
        if lane != GOLD:
            self.chosen = lane
        self._go_to(start)
        self.refresh()

    # -- helpers ----------------------------------------------------------------------------

    def _ready(self) -> bool:
        if not self.active:
            self._say("Review mode is off (Ctrl+R turns it on).")
        return self.active and self.session.current is not None

    def _lane_names(self) -> list[str]:
        """This document's annotators (not the whole file's: lanes stay few and full)."""
        return sorted(self.found.annotators) if self.found else []

    def _lanes(self) -> list[Lane]:
        labels, found = self.labels, self.found
        assert labels is not None and found is not None
        levels = {item.key: item.level for item in found.items}
        open_keys = {item.key for item in found.open_items()}
        lanes = []
        for name in [*self._lane_names(), GOLD]:
            spans = labels.gold_spans if name == GOLD else labels.spans
            facts = labels.gold_facts if name == GOLD else labels.facts
            marks, notes = [], {}
            for span in (s for s in spans if s.annotator == name):
                raw = self._raw_range(span.layer, span.start, span.end)
                if raw is None:
                    continue
                key = span_key(span)
                color = self.session.colors.get(span.label, FALLBACK_COLOR)
                marks.append(Mark(*raw, color, SPAN, span.id, emphasis=key in open_keys))
                level = levels.get(key)
                notes[span.id] = f"{span.label} {span.start}–{span.end}" + (
                    f", {level.word}" if level is not None else ""
                )
            for fact in (f for f in facts if f.annotator == name):
                for slot in fact.slots:
                    raw = self._raw_range(slot.layer, slot.start, slot.end)
                    if raw is not None:
                        marks.append(Mark(*raw, EVIDENCE_COLOR, EVIDENCE, fact.id))
                        notes[fact.id] = f"{fact.type} fact"
            lanes.append(Lane(name, tuple(marks), notes, gold=name == GOLD))
        return lanes

    def _show_here(self) -> None:
        """The count in the status bar; above the raw pane, whose versions are here."""
        if not self.active or self.found is None:
            return
        left = len(self.found.open_items())
        self.status.setText(
            f"review mode: {left} disagreement{'s' if left != 1 else ''} left here"
            " (J next, G accepts ▶, C switches)"
        )
        version = self._version_here()
        parts = []
        for name in self._lane_names():
            items = self._items_here(name)
            if items:
                mark = "▶" if version is not None and version[0] == name else ""
                parts.append(f"{mark}{name} {_describe(_innermost_item(items))}")
        here = ", ".join(parts) if parts else "no annotator's span"
        self.raw_title.setText(f"Gold (review mode) · here: {here}")
        self.tracks.set_chosen(version[0] if version is not None else self.chosen)

    def _items_here(self, annotator: str) -> list[Item]:
        if self.found is None:
            return []
        position = self.raw_pane.cursor_position()
        return [
            item
            for item in self.found.items
            if annotator in item.annotators
            and any(self._covers_extent(extent, position) for extent in item.extents)
        ]

    def _version_here(self) -> tuple[str, Item] | None:
        """The chosen annotator's innermost item here, else the first lane's that has one."""
        names = self._lane_names()
        ordered = [self.chosen] if self.chosen in names else []
        for name in [*ordered, *names]:
            assert name is not None
            items = self._items_here(name)
            if items:
                return name, _innermost_item(items)
        return None

    def _in_gold(self, item: Item) -> bool:
        assert self.labels is not None
        if isinstance(item, SpanItem):
            return item.key in {span_key(s) for s in self.labels.gold_spans}
        return item.key in {fact_key(f) for f in self.labels.gold_facts}

    def _accept(self, items: list[Item], text: str, annotator: str | None = None) -> None:
        """Copy ``items`` into gold: ``annotator``'s records of them, or anyone's."""
        current, labels = self.session.current, self.labels
        assert current is not None and labels is not None
        spans, facts = labels.records_of(items)
        if annotator is not None:  # identical content, but the one the lead chose
            own = {item.record_id(annotator) for item in items}
            spans = [s for s in labels.spans if s.id in own]
            facts = [f for f in labels.facts if f.id in own]
        self.runner.run(AcceptIntoGold(self.session, current.id, spans, facts, text))

    def _position(self, item: Item) -> int:
        for layer, start, end in item.extents:
            raw = self._raw_range(layer, start, end)
            if raw is not None:
                return raw[0]
        return 0

    def _raw_range(
        self, layer: str | None, start: int | None, end: int | None
    ) -> tuple[int, int] | None:
        current = self.session.current
        if current is None or layer is None or start is None or end is None:
            return None
        if layer == "raw":
            return start, end
        return clean_range_to_raw(current.stored.segments, start, end)

    def _covers_extent(self, extent: tuple[str, int, int], position: int) -> bool:
        raw = self._raw_range(*extent)
        return raw is not None and raw[0] <= position < raw[1]

    def _next_document_with_disagreements(self, after: str) -> str | None:
        order = {doc_id: n for n, doc_id in enumerate(self.session.document_ids())}
        here = order.get(after, -1)
        candidates = sorted(
            (d for d in self.session.documents_needing_adjudication() if d != after),
            key=lambda doc_id: (order[doc_id] - here) % len(order),
        )
        for doc_id in candidates:
            if self.session.document_labels(doc_id).adjudication().open_items():
                return doc_id
        return None

    def _go_to(self, position: int) -> None:
        pane = self.raw_pane
        pane.setFocus()
        pane.select(position, position)
        pane.scroll_to(position)

    def _say(self, message: str) -> None:
        self.runner.say(message)


def _describe(item: Item) -> str:
    if isinstance(item, SpanItem):
        return item.key[3]
    return f"{item.key[0]} fact"


def _covers(record: SpanRecord | SlotRecord, position: int) -> bool:
    """True when a raw-layer span (or fact evidence) covers ``position``."""
    start, end = record.start, record.end
    return (
        record.layer == "raw" and start is not None and end is not None and start <= position < end
    )


def _innermost(spans: list[SpanRecord]) -> SpanRecord:
    return min(spans, key=lambda span: span.end - span.start)


def _innermost_item(items: list[Item]) -> Item:
    def length(item: Item) -> int:
        return min((end - start for _, start, end in item.extents), default=0)

    return min(items, key=lambda item: (isinstance(item, FactItem), length(item)))
