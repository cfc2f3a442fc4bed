"""What the fact keys do: start a fact, fill its slots from the text, type values, delete.

The panel shows the current fact and slot; these actions change them. Evidence chosen in
the clean pane is mapped to raw through the alignment (kept on the clean layer only when
the cleaner wrote it and nothing in the raw text matches). A figure under the cursor
(a suggestion) fills the slot with its evidence and normalised value.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from app.core.alignment import clean_range_to_raw
from app.core.document import FactRecord
from app.core.korean_numbers import Expression, normalise_expression
from app.core.labelschema import FactType
from app.core.selection import trim
from app.gui.commands import DismissSuggestion
from app.gui.fact_commands import AddFact, DeleteFact, SetSlot
from app.gui.review_model import number_id
from storage.facts import SlotState
from widgets.fact_panel import FactView, SlotView
from widgets.marks import NUMBER
from widgets.text_pane import DocumentPane

if TYPE_CHECKING:
    from app.gui.main_window import MainWindow

# Which normalised values suit a slot of each value kind.
VALUE_KINDS = {"number": ("quantity", "money"), "date": ("date",)}


class FactEditing:
    """The fact actions of one window, and which fact and slot are current."""

    def __init__(self, window: MainWindow, fact_types: tuple[FactType, ...]) -> None:
        self.window = window
        self.types = {fact_type.name: fact_type for fact_type in fact_types}
        self.current_fact: str | None = None
        self.current_role: str | None = None

    def handlers(self) -> dict[str, Callable[[], object]]:
        """Action name -> what it does, for the window's menus and keys."""
        return {
            "new_fact": self.new_fact,
            "fill_slot": self.fill_slot,
            "clear_slot": self.clear_slot,
            "next_slot": lambda: self.move_slot(1),
            "previous_slot": lambda: self.move_slot(-1),
            "next_fact": lambda: self.move_fact(1),
            "previous_fact": lambda: self.move_fact(-1),
            "edit_value": self.edit_value,
            "delete_fact": self.delete_fact,
            "dismiss_number": self.dismiss_number,
        }

    # -- actions ----------------------------------------------------------------------------

    def new_fact(self) -> None:
        """Ask for a type and start an empty fact of it; its first slot becomes current."""
        current = self.window.model.current
        if current is None or self.window.refuse_if_read_only():
            return
        choices = [(name, kind.description) for name, kind in self.types.items()]
        chosen = self.window.interaction.choose_fact_type(choices)
        if chosen is None:
            return
        command = AddFact(self.window.model, current.id, chosen)
        if self.window.run(command):
            self.current_fact = command.fact_id
            self.current_role = self.types[chosen].slots[0].name
            self.refresh()

    def fill_slot(self) -> None:
        """Fill the current slot from the selection, or from the figure under the cursor."""
        fact, role = self._current()
        if fact is None or role is None:
            self._say("Press F to start a fact first.")
            return
        state = self._state_from_selection(role) or self._state_from_number(role)
        if state is None:
            self._say("Select the evidence first, or put the cursor on a suggested figure.")
            return
        if self._set(fact, role, state):
            self._advance(fact)

    def clear_slot(self) -> None:
        """Empty the current slot."""
        fact, role = self._current()
        if fact is not None and role is not None:
            self._set(fact, role, None)

    def edit_value(self) -> None:
        """Open the current slot's value for typing (Enter saves it as one action)."""
        if self._current()[1] is None:
            self._say("Press F to start a fact first.")
            return
        self.window.fact_panel.edit_value()

    def value_edited(self, role: str, text: str) -> None:
        """The panel's editor was confirmed: store the value, keeping the evidence."""
        fact = self.window.model.fact(self.current_fact or "")
        if fact is None:
            return
        slot = next((s for s in fact.slots if s.role == role), None)
        value = text.strip() or None
        if slot is not None and slot.value == value:
            return
        evidence = (slot.layer, slot.start, slot.end) if slot else (None, None, None)
        empty = value is None and evidence[0] is None
        self._set(fact, role, None if empty else SlotState(*evidence, value=value))

    def delete_fact(self) -> None:
        """Delete the current fact."""
        fact, _ = self._current()
        current = self.window.model.current
        if fact is None or current is None:
            self._say("No fact is selected.")
            return
        if self.window.run(DeleteFact(self.window.model, current.id, fact.id)):
            self.current_fact, self.current_role = None, None
            self.refresh()

    def dismiss_number(self) -> None:
        """Hide the suggested figure under the cursor."""
        number, current = self._number_at_cursor(), self.window.model.current
        if number is None or current is None:
            self._say("The cursor is not on a suggested figure.")
            return
        self.window.run(DismissSuggestion(self.window.model, current.id, number_id(number)))

    def move_slot(self, step: int) -> None:
        """Make the next (or previous) slot of the current fact current."""
        fact, role = self._current()
        if fact is None or role is None:
            return
        roles = [slot.name for slot in self.types[fact.type].slots]
        self.current_role = roles[(roles.index(role) + step) % len(roles)]
        self.refresh()

    def move_fact(self, step: int) -> None:
        """Make the next (or previous) fact of the document current."""
        facts = self.window.model.current.facts if self.window.model.current else []
        if not facts:
            return
        ids = [fact.id for fact in facts]
        here = ids.index(self.current_fact) if self.current_fact in ids else -step
        self.select_fact(ids[(here + step) % len(ids)])

    # -- selection --------------------------------------------------------------------------

    def select_fact(self, fact_id: str) -> None:
        """Make a fact current (from the list or a click on its evidence)."""
        fact = self.window.model.fact(fact_id)
        if fact is None:
            return
        self.current_fact = fact_id
        self.current_role = self._first_empty(fact)
        self.refresh()

    def select_slot(self, role: str) -> None:
        """Make a slot of the current fact current."""
        self.current_role = role
        self.refresh()

    def clear(self) -> None:
        """Forget the current fact (another document is shown)."""
        self.current_fact, self.current_role = None, None

    def refresh(self, *, marks: bool = True) -> None:
        """Show the document's facts in the panel and (``marks``) their evidence in the panes."""
        current = self.window.model.current
        facts = current.facts if current else []
        if self.window.model.fact(self.current_fact or "") is None:
            self.current_fact = facts[-1].id if facts else None
            self.current_role = self._first_empty(facts[-1]) if facts else None
        self.window.fact_panel.set_facts(
            [self._view(fact) for fact in facts], self.current_fact, self.current_role
        )
        if marks:
            self.window.refresh_marks()
        self.show_hint()

    def show_hint(self) -> None:
        """Say in the panel what the figure under the cursor would fill in."""
        number = self._number_at_cursor()
        if number is None:
            self.window.fact_panel.set_hint("")
            return
        unit = f" {number.unit}" if number.unit else ""
        self.window.fact_panel.set_hint(
            f"Figure under the cursor: {number.text} → {number.value}{unit} "
            "(S fills the slot, Shift+X dismisses)"
        )

    # -- helpers ----------------------------------------------------------------------------

    def _current(self) -> tuple[FactRecord | None, str | None]:
        fact = self.window.model.fact(self.current_fact or "")
        return fact, self.current_role if fact is not None else None

    def _set(self, fact: FactRecord, role: str, state: SlotState | None) -> bool:
        current = self.window.model.current
        assert current is not None
        command = SetSlot(self.window.model, current.id, fact.id, role, state)
        done = self.window.run(command)
        if done:
            self.current_fact = fact.id
            self.refresh()
        return done

    def _advance(self, fact: FactRecord) -> None:
        """After a fill, move on to the next slot still empty."""
        stored = self.window.model.fact(fact.id)
        if stored is not None:
            self.current_role = self._first_empty(stored, after=self.current_role)
            self.refresh()

    def _first_empty(self, fact: FactRecord, after: str | None = None) -> str:
        roles = [slot.name for slot in self.types[fact.type].slots]
        filled = {slot.role for slot in fact.slots}
        start = roles.index(after) + 1 if after in roles else 0
        ordered = roles[start:] + roles[:start]
        return next((role for role in ordered if role not in filled), after or roles[0])

    def _slot_kind(self, fact: FactRecord, role: str) -> str:
        return next(slot.value_kind for slot in self.types[fact.type].slots if slot.name == role)

    def _state_from_selection(self, role: str) -> SlotState | None:
        pane = self._active_pane()
        start, end = pane.selection()
        current = self.window.model.current
        if start == end or current is None:
            return None
        layer = "raw"
        if pane is self.window.clean_pane:
            mapped = clean_range_to_raw(current.stored.segments, start, end)
            layer, (start, end) = ("clean", (start, end)) if mapped is None else ("raw", mapped)
        text = current.stored.raw_text if layer == "raw" else current.stored.clean_text
        start, end = trim(text, start, end)
        if start >= end:
            return None
        return SlotState(layer, start, end, self._normalised(role, text[start:end]))

    def _state_from_number(self, role: str) -> SlotState | None:
        number = self._number_at_cursor()
        if number is None:
            return None
        fact, _ = self._current()
        assert fact is not None
        suits = number.kind in VALUE_KINDS.get(self._slot_kind(fact, role), ())
        return SlotState("raw", number.start, number.end, number.value if suits else None)

    def _normalised(self, role: str, text: str) -> str | None:
        fact, _ = self._current()
        assert fact is not None
        expression = normalise_expression(text)
        if expression is None:
            return None
        suits = expression.kind in VALUE_KINDS.get(self._slot_kind(fact, role), ())
        return expression.value if suits else None

    def _number_at_cursor(self) -> Expression | None:
        current = self.window.model.current
        if current is None:
            return None
        pane = self._active_pane()
        keys = {mark.key for mark in pane.marks_at(pane.cursor_position()) if mark.kind == NUMBER}
        return next((n for n in current.numbers if number_id(n) in keys), None)

    def _active_pane(self) -> DocumentPane:
        return self.window.tagging.active_pane()

    def _view(self, fact: FactRecord) -> FactView:
        slots = {slot.role: slot for slot in fact.slots}
        views = []
        for slot_type in self.types[fact.type].slots:
            slot = slots.get(slot_type.name)
            views.append(
                SlotView(
                    slot_type.name,
                    slot_type.description,
                    slot_type.value_kind,
                    slot.text if slot else None,
                    slot.layer if slot else None,
                    slot.value if slot else None,
                )
            )
        return FactView(fact.id, fact.type, fact.annotator, tuple(views))

    def _say(self, message: str) -> None:
        self.window.statusBar().showMessage(message, 6000)
