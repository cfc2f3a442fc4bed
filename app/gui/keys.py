"""Every key of the window in one table: the menus, the shortcuts and the F1 sheet read it.

Label keys (1-9, then the second keyboard row Q W E R T ...) come from the palette's
``label_keys``; everything else is here, so the README, the sheet and the behaviour
cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Key:
    """One action: its name, menu, keys (the first is shown in menus) and what it does."""

    name: str
    menu: str
    keys: tuple[str, ...]
    text: str


KEYS: tuple[Key, ...] = (
    Key("open", "File", ("Ctrl+O",), "Open a label file"),
    Key("quit", "File", ("Ctrl+Q",), "Quit (everything is already saved)"),
    Key("undo", "Edit", ("Ctrl+Z",), "Undo the last action (also in the file)"),
    Key("redo", "Edit", ("Ctrl+Shift+Z", "Ctrl+Y"), "Redo"),
    Key("grow_line", "Select", ("L",), "Grow the selection to whole lines"),
    Key("grow_paragraph", "Select", ("P",), "Grow the selection to the paragraph"),
    Key("grow_dropped", "Select", ("D",), "Select the run of dimmed (dropped) lines here"),
    Key("clear", "Select", ("Esc",), "Clear the selection and the selected span"),
    Key("switch_pane", "Select", ("F6",), "Move between the raw and the clean pane"),
    Key("accept", "Suggestions", ("A",), "Accept the suggestion under the cursor"),
    Key("accept_all", "Suggestions", ("Shift+A",), "Accept all suggestions of the document"),
    Key("dismiss", "Suggestions", ("X",), "Dismiss the suggestion under the cursor"),
    Key("delete", "Span", ("Delete", "Backspace"), "Delete the selected span"),
    Key("new_fact", "Facts", ("F",), "Start a new fact (pick its type: 1, 2, 3 ...)"),
    Key("fill_slot", "Facts", ("S",), "Fill the slot from the selection or the figure here"),
    Key("clear_slot", "Facts", ("Shift+S",), "Clear the current slot"),
    Key("next_slot", "Facts", ("Alt+Down",), "Next slot of the fact"),
    Key("previous_slot", "Facts", ("Alt+Up",), "Previous slot of the fact"),
    Key("next_fact", "Facts", ("Alt+PgDown",), "Next fact of the document"),
    Key("previous_fact", "Facts", ("Alt+PgUp",), "Previous fact of the document"),
    Key("edit_value", "Facts", ("V",), "Type or correct the slot's value (Enter saves)"),
    Key("delete_fact", "Facts", ("Shift+Delete",), "Delete the current fact"),
    Key("dismiss_number", "Facts", ("Shift+X",), "Dismiss the suggested figure here"),
    Key("done", "Document", ("Ctrl+Return",), "Mark done and go to the next not-done"),
    Key("skip", "Document", ("Ctrl+K",), "Mark skipped and go to the next not-done"),
    Key("flag", "Document", ("Ctrl+Shift+N",), "Flag the document, with a note"),
    Key("todo", "Document", ("Ctrl+Shift+T",), "Mark back to todo"),
    Key("next", "Document", ("]",), "Next document"),
    Key("previous", "Document", ("[",), "Previous document"),
    Key("next_todo", "Document", ("N",), "Next document not done"),
    Key("filter", "Document", ("Ctrl+F",), "Filter the document list"),
    Key(
        "find",
        "Document",
        ("Ctrl+Shift+F",),
        "Find in every document; a label key in the results tags the hits",
    ),
    Key(
        "review_mode",
        "Review",
        ("Ctrl+R",),
        "Review mode: every annotator's spans beside the raw page; edits go to gold",
    ),
    Key("accept_gold", "Review", ("G",), "Accept the chosen annotator's version here into gold"),
    Key("next_version", "Review", ("C",), "Choose the next annotator's version here"),
    Key("accept_unanimous", "Review", ("Shift+G",), "Accept everything unanimous here into gold"),
    Key("reject_gold", "Review", ("Ctrl+Delete",), "Reject: remove the gold span here"),
    Key(
        "agreement",
        "Review",
        ("Ctrl+Shift+R",),
        "Agreement per label (chart) and each annotator's progress",
    ),
    Key(
        "next_disagreement",
        "Review",
        ("J",),
        "Next disagreement (then the next document with some)",
    ),
    Key("shortcuts", "Help", ("F1", "?"), "Show this sheet of keys"),
)

LABEL_KEY_HELP = (
    "Tag the selection with a label; relabel the selected span; "
    "accept the suggestion under the cursor with that label"
)


def key(name: str) -> Key:
    """The entry called ``name``."""
    return next(entry for entry in KEYS if entry.name == name)


def sheet_sections(label_keys: list[tuple[str, str]]) -> list[tuple[str, list[tuple[str, str]]]]:
    """The shortcuts sheet: label keys first, then each menu's keys."""
    sections: list[tuple[str, list[tuple[str, str]]]] = [
        ("Labels", [(keys, f"{name}") for keys, name in label_keys]),
        ("", [("label key", LABEL_KEY_HELP)]),
    ]
    for entry in KEYS:
        if not sections or sections[-1][0] != entry.menu:
            sections.append((entry.menu, []))
        sections[-1][1].append((" / ".join(entry.keys), entry.text))
    return sections
