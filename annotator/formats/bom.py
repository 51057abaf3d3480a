"""A leading byte-order mark (U+FEFF): a character that offsets count, or a mark.

Python's UTF-8 text reading keeps a leading BOM as the text's first
character, so tools that read files that way count it in their offsets: the
SemEval-2020 Task 11 organisers (2 of the 371 PTC training articles start with
one) and brat. For those formats (``semeval``, ``brat``) the BOM is content:
it stays in the stored text, spans keep their offsets, and exports write it
back. Everywhere else it is a mark and is dropped on reading: plain-text and
CSV files carry no offsets over the file, and in JSON formats the text is a
string inside the file (a U+FEFF there is a character like any other).

Each format's docstring says which; a reader that keeps one reports it.
"""

from __future__ import annotations

from pathlib import Path

from . import ReadOptions, read_source

BOM = "\ufeff"


class CountedBom:
    """Reads files whose offsets count a leading BOM, and notes those that have one."""

    def __init__(self, what: str):
        self.what = what
        self.found: list[str] = []

    def read(self, path: Path, options: ReadOptions) -> str:
        text = read_source(path, options, keep_bom=True)
        if text.startswith(BOM):
            self.found.append(path.name)
        return text

    def note(self, options: ReadOptions) -> None:
        if self.found:
            listed = ", ".join(self.found[:5]) + (" ..." if len(self.found) > 5 else "")
            options.notes.append(
                f"{len(self.found)} {self.what} begin with a byte-order mark (U+FEFF); it is "
                f"kept as their first character, since their offsets count it: {listed}")
