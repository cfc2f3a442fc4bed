"""``--add-labels``: labels an import brings that the label file's schema lacks."""

from __future__ import annotations

import hashlib
import re

from app.core.labelschema import Label, LabelSchema

# The schema's own rule for names (app.core.labelschema), so an added label is one a
# schema file could have declared.
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
# Tableau 20's second half: distinct from the default schema's first ten colours.
PALETTE = (
    "#aec7e8", "#ffbb78", "#98df8a", "#ff9896", "#c5b0d5",
    "#c49c94", "#f7b6d2", "#c7c7c7", "#dbdb8d", "#9edae5",
)  # fmt: skip
DESCRIPTION = "Added by an import (--add-labels)."
# The window gives every label a key (1-9, then Q-O) and cannot show more labels yet.
WINDOW_LABEL_LIMIT = 18


def labels_to_add(names: set[str], schema: LabelSchema) -> tuple[list[Label], list[str]]:
    """New labels (with a colour, no key) for ``names`` the schema lacks; and problems."""
    known = schema.label_names()
    labels: list[Label] = []
    problems: list[str] = []
    for name in sorted(names - known):
        if not _NAME.match(name):
            problems.append(
                f"label {name!r} cannot be added: names are lower-case letters, digits and _"
                " starting with a letter"
            )
            continue
        if len(known) + len(labels) >= WINDOW_LABEL_LIMIT:
            problems.append(
                f"label {name!r} cannot be added: the file would have more than"
                f" {WINDOW_LABEL_LIMIT} labels, which the window cannot show yet"
            )
            continue
        digest = hashlib.sha256(name.encode("utf-8")).digest()
        labels.append(Label(name, PALETTE[digest[0] % len(PALETTE)], DESCRIPTION))
    return labels, problems
