"""Which files of a folder ``thresher import`` reads, and how their names become ids.

- **Symbolic links** never lead out of the folder named on the command line: a linked file
  is read only when its target lies inside that folder (a link to ``/etc/passwd`` is
  skipped and named); linked folders are never entered (they could loop, or repeat
  pages that are read where they are). A file or folder named on the command line is
  read wherever it points: the user chose it.
- **File names** must be text: a name that is not valid UTF-8, or that holds control
  characters (a newline, an escape sequence), is refused by name, because it would make
  an id nobody can type and could rewrite the terminal it is printed on.
- **Ids** are NFC-normalised, so a page saved on macOS (names in NFD) gets the id a
  person types.
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Iterator
from pathlib import Path

# A byte that is not UTF-8 reaches Python as a lone surrogate (os.fsdecode's escape).
_ESCAPED_BYTES = range(0xDC80, 0xDD00)


def printable(text: str) -> str:
    """``text`` safe for a terminal: control, format and undecodable characters escaped.

    An undecodable byte of a file name shows as ``\\xff``, a newline as ``\\n``.
    """
    return "".join(char if char.isprintable() else _escape(char) for char in text)


def _escape(char: str) -> str:
    code = ord(char)
    if code in _ESCAPED_BYTES:
        return f"\\x{code - 0xDC00:02x}"
    escaped = char.encode("unicode_escape").decode("ascii")
    return escaped if escaped != char else f"\\u{code:04x}"


def name_problem(name: str) -> str | None:
    """Why a file name cannot give a document id, or None when it can."""
    if any(ord(char) in _ESCAPED_BYTES for char in name):
        return "its name is not valid UTF-8 (rename the file to import it)"
    if any(unicodedata.category(char) == "Cc" for char in name):
        return "its name holds control characters (rename the file to import it)"
    return None


def document_id(name: str) -> str:
    """The id a file gives: its name without extension (or path in its folder), NFC."""
    return unicodedata.normalize("NFC", name)


def walk_folder(root: Path, suffixes: tuple[str, ...]) -> Iterator[tuple[Path, str]]:
    """Files under ``root`` whose names end in ``suffixes``, sorted, as the module says.

    Yields (path, problem): an empty problem for a file to read, else why it is skipped.
    """
    real_root = root.resolve()
    found: list[tuple[Path, str]] = []
    for folder, folders, files in os.walk(root, followlinks=False):
        base = Path(folder)
        for name in folders:
            if (base / name).is_symlink():
                found.append((base / name, "a link to a folder, not entered"))
        for name in files:
            if name.lower().endswith(suffixes):
                found.append((base / name, _file_problem(base / name, root, real_root)))
    yield from sorted(found)


def _file_problem(path: Path, root: Path, real_root: Path) -> str:
    if path.is_symlink():
        target = path.resolve()
        if not target.is_relative_to(real_root):
            return f"a link leading out of the folder (to {printable(str(target))}), not followed"
        if not target.is_file():
            return "a link to something that is not a file, not followed"
    return name_problem(str(path.relative_to(root))) or ""
