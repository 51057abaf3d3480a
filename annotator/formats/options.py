"""The options each format's reader and writer take, described once, so the
GUI's import and export dialogs offer what the CLI offers (``Format``'s
``read_options`` and ``write_options`` name them)."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from . import ReadOptions, WriteOptions

ADD_LABELS = "add_labels"  # not a ReadOptions field: import_files' own keyword


@dataclass(frozen=True)
class Option:
    key: str  # the ReadOptions / WriteOptions field it sets (or ADD_LABELS)
    title: str
    help: str
    default: bool | str  # False: a yes/no; a string: text (with ``choices``: one of them)
    choices: tuple[str, ...] = ()


OPTIONS = {option.key: option for option in (
    Option("label", "Label for unlabelled spans",
           "Spans the file gives no label (SemEval span identification, W3C annotations "
           "without a tagging body) get this one", ""),
    Option(ADD_LABELS, "Add missing labels",
           "Add labels and span attributes the scheme lacks instead of refusing the import",
           False),
    Option("offset_unit", "Offset unit",
           "How the file counts offsets: UTF-16 units (doccano's own) or code points "
           "(files made by scripts)", "", ("utf16", "codepoint")),
    Option("spans_key", "Span group", "spaCy DocBin: the doc.spans group", "sc"),
    Option("reanchor", "Re-anchor regions on their text",
           "A region whose text is not at its offsets moves to that text nearby "
           "(each move reported) instead of being refused", False),
    Option("keep_formulas", "Keep formula-like cells",
           "Do not neutralize cells a spreadsheet would run as formulas (for programs)", False),
    Option("gold", "Gold spans only", "Only the gold (adjudicated) annotators' spans", False),
)}

_READ_FIELDS = {f.name for f in fields(ReadOptions)}
_WRITE_FIELDS = {f.name for f in fields(WriteOptions)}


def read_options(values: dict[str, Any], **base: Any) -> tuple[ReadOptions, bool]:
    """ReadOptions from the options' values (empty text: the default), and add_labels."""
    chosen = {k: v for k, v in values.items() if k in _READ_FIELDS and v != ""}
    return ReadOptions(**base, **chosen), bool(values.get(ADD_LABELS))


def write_options(values: dict[str, Any], **base: Any) -> WriteOptions:
    """WriteOptions from the options' values (empty text: the default)."""
    chosen = {k: v for k, v in values.items() if k in _WRITE_FIELDS and v != ""}
    if values.get("keep_formulas"):
        chosen["neutralize_formulas"] = False
    return WriteOptions(**base, **chosen)
