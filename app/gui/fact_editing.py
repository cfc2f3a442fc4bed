"""What the fact keys do: start a fact, fill its slots from the text, type values, delete.

The panel shows the current fact and slot; these actions change them. Evidence chosen in
the clean pane is mapped to raw through the alignment (kept on the clean layer only when
the cleaner wrote it and nothing in the raw text matches). A figure under the cursor
(a suggestion) fills the slot with its evidence and normalised value.
"""

from __future__ import annotations

from collections.abc import Callable

from app.core.alignment import clean_range_to_raw
from app.core.document import FactRecord
from app.core.korean_numbers import Expression, normalise_expression
from app.core.selection import trim
from app.gui.command_runner import CommandRunner
from app.gui.commands import DismissSuggestion
from app.gui.fact_commands import AddFact, DeleteFact, SetSlot
from app.gui.pane_painter import PanePainter
from app.session.document_session import DocumentSession
from app.session.open_document import number_id
from storage.facts import SlotState
from widgets.fact_panel import FactPanel, FactView, SlotView
from widgets.marks import NUMBER
from widgets.text_pane import DocumentPane

# Which normalised values suit a slot of each value kind.
VALUE_KINDS = {"number": ("quantity", "money"), "date": ("date",)}


class FactEditing:
    """The fact actions on one document session, and which fact and slot are current.

    Only the writer's own facts change: another annotator's is refused, naming whose it is.
    """

    def __init__(
        self,
        session: DocumentSession,
        painter: PanePainter,
        panel: FactPanel,
        runner: CommandRunner,
    ) -> None:
        self.session = session
        self.painter = painter
        self.panes = painter.panes
        self.panel = panel
        self.runner = runner
        self.types = {fact_type.name: fact_type for fact_type in session.schema.fact_types}
        self.current_fact: str | None = None
        self.current_role: str | None = None
        self._painted: str | None = None  # the fact whose evidence the panes draw selected

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
        current = self.session.current
        if current is None or self.runner.refuse_if_read_only():
            return
        choices = [(name, kind.description) for name, kind in self.types.items()]
        chosen = self.runner.interaction.choose_fact_type(choices)
        if chosen is None:
            return
        command = AddFact(self.session, current.id, chosen)
        if self.runner.run(command):
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
        # The next empty slot is current once the fill is shown: the change notice shows
        # the panel once, already moved on (a second refresh cost a sixth of the key).
        filled = _filled(fact) | {role}
        self._set(fact, role, state, then=self._first_empty(fact.type, filled, after=role))

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
        self.panel.edit_value()

    def value_edited(self, role: str, text: str) -> None:
        """The panel's editor was confirmed: store the value, keeping the evidence."""
        fact = self.session.fact(self.current_fact or "")
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
        current = self.session.current
        if fact is None or current is None:
            self._say("No fact is selected.")
            return
        if self._refused(fact):
            return
        if self.runner.run(DeleteFact(self.session, current.id, fact.id)):
            self.current_fact, self.current_role = None, None
            self.refresh()

    def dismiss_number(self) -> None:
        """Hide the suggested figure under the cursor."""
        number, current = self._number_at_cursor(), self.session.current
        if number is None or current is None:
            self._say("The cursor is not on a suggested figure.")
            return
        self.runner.run(DismissSuggestion(self.session, current.id, number_id(number)))

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
        facts = self.session.current.facts if self.session.current else []
        if not facts:
            return
        ids = [fact.id for fact in facts]
        here = ids.index(self.current_fact) if self.current_fact in ids else -step
        self.select_fact(ids[(here + step) % len(ids)])

    # -- selection --------------------------------------------------------------------------

    def select_fact(self, fact_id: str) -> None:
        """Make a fact current (from the list or a click on its evidence)."""
        fact = self.session.fact(fact_id)
        if fact is None:
            return
        self.current_fact = fact_id
        self.current_role = self._first_empty(fact.type, _filled(fact))
        self.refresh()

    def select_slot(self, role: str) -> None:
        """Make a slot of the current fact current."""
        self.current_role = role
        self.refresh()

    def clear(self) -> None:
        """Forget the current fact (another document is shown, or another writer)."""
        self.current_fact, self.current_role, self._painted = None, None, None

    def document_shown(self) -> str | None:
        """Another document: show its facts; return the fact whose evidence is drawn selected."""
        self.clear()
        self.refresh(marks=False)
        self._painted = self.current_fact
        return self.current_fact

    def refresh(self, *, marks: bool = True) -> None:
        """Show the document's facts in the panel and (``marks``) the current one's evidence."""
        current = self.session.current
        facts = current.facts if current else []
        if self.session.fact(self.current_fact or "") is None:
            self.current_fact = facts[-1].id if facts else None
            last = facts[-1] if facts else None
            self.current_role = self._first_empty(last.type, _filled(last)) if last else None
        self.panel.set_facts(
            [self._view(fact) for fact in facts], self.current_fact, self.current_role
        )
        if marks and current is not None and self._painted != self.current_fact:
            self.painter.select_fact(current, self._painted, self.current_fact)
            self._painted = self.current_fact
        self.show_hint()

    def show_hint(self) -> None:
        """Say in the panel what the figure under the cursor would fill in."""
        number = self._number_at_cursor()
        if number is None:
            self.panel.set_hint("")
            return
        unit = f" {number.unit}" if number.unit else ""
        self.panel.set_hint(
            f"Figure under the cursor: {number.text} → {number.value}{unit} "
            "(S fills the slot, Shift+X dismisses)"
        )

    # -- helpers ----------------------------------------------------------------------------

    def _current(self) -> tuple[FactRecord | None, str | None]:
        fact = self.session.fact(self.current_fact or "")
        return fact, self.current_role if fact is not None else None

    def _refused(self, fact: FactRecord) -> bool:
        refusal = self.session.refusal(fact)
        if refusal is not None:
            self._say(refusal)
        return refusal is not None

    def _set(
        self, fact: FactRecord, role: str, state: SlotState | None, then: str | None = None
    ) -> bool:
        """Run the slot change; ``then`` is the role current after it, if it is made."""
        current = self.session.current
        assert current is not None
        if self._refused(fact):
            return False
        # Current before the run: the change notice shows the panel once, with this fact.
        before = self.current_fact, self.current_role
        self.current_fact = fact.id
        if then is not None:
            self.current_role = then
        done = self.runner.run(SetSlot(self.session, current.id, fact.id, role, state))
        if not done:
            self.current_fact, self.current_role = before
        return done

    def _first_empty(self, fact_type: str, filled: set[str], after: str | None = None) -> str:
        """The first role of ``fact_type`` after ``after`` (wrapping) not in ``filled``."""
        roles = [slot.name for slot in self.types[fact_type].slots]
        start = roles.index(after) + 1 if after in roles else 0
        ordered = roles[start:] + roles[:start]
        return next((role for role in ordered if role not in filled), after or roles[0])

    def _slot_kind(self, fact: FactRecord, role: str) -> str:
        return next(slot.value_kind for slot in self.types[fact.type].slots if slot.name == role)

    def _state_from_selection(self, role: str) -> SlotState | None:
        pane = self._active_pane()
        start, end = pane.selection()
        current = self.session.current
        if start == end or current is None:
            return None
        layer = "raw"
        if pane is self.panes.clean:
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
        current = self.session.current
        if current is None:
            return None
        pane = self._active_pane()
        keys = {mark.key for mark in pane.marks_at(pane.cursor_position()) if mark.kind == NUMBER}
        if not keys:  # most of the time: no figure to look up among thousands
            return None
        return next((n for n in current.numbers if number_id(n) in keys), None)

    def _active_pane(self) -> DocumentPane:
        return self.panes.active()

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
        self.runner.say(message)


def _filled(fact: FactRecord) -> set[str]:
    """The roles of ``fact`` that have a slot."""
    return {slot.role for slot in fact.slots}
