"""Label schemes: TOML files in ``schema/``, validated with messages that name
the file, the key and the problem. A project stores its own copy (as JSON), so
a project file is self-describing.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, NoReturn

from . import files
from .errors import FormatError, SchemeError
from .resources import SCHEMA_DIR

DEFAULT_SCHEME = "media-bias"
ATTRIBUTE_TYPES = ("choice", "text", "bool")
# Okabe-Ito, then Paul Tol's muted and light palettes: colour-blind safe.
PALETTE = (
    "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#999999",
    "#CC6677", "#332288", "#DDCC77", "#117733", "#88CCEE", "#882255", "#44AA99", "#999933",
    "#AA4499", "#77AADD", "#EE8866", "#EEDD88", "#FFAABB", "#99DDFF", "#44BB99", "#BBCC33",
)
LABEL_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_,.\-]*$")
# Attribute keys as corpora write them: brat's Mention, SUBCAT, Confidence.
_ATTR_KEY = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")
_COLOR = re.compile(r"^#[0-9A-Fa-f]{6}$")


def label_key_problem(key: str) -> str | None:
    """Why ``key`` cannot be a label key, or None."""
    if LABEL_KEY.fullmatch(key):
        return None
    return ("not a valid label key (a letter or digit, then letters, digits, "
            "'_', ',', '.' or '-'; no spaces)")


@dataclass(frozen=True)
class Attribute:
    """A field an analyst fills in on a span (or a document-level label)."""

    key: str
    name: str
    type: str = "text"
    choices: tuple[str, ...] = ()
    description: str = ""

    def check(self, value: Any) -> str | None:
        """The problem with ``value`` for this attribute, or None."""
        if self.type == "bool":
            return None if isinstance(value, bool) else "expected true or false"
        if not isinstance(value, str):
            return "expected a string"
        if self.type == "choice" and value not in self.choices:
            return f"{value!r} is not one of {', '.join(self.choices)}"
        return None


@dataclass(frozen=True)
class Label:
    key: str
    name: str
    color: str
    description: str = ""
    shortcut: str | None = None
    attributes: tuple[Attribute, ...] = ()
    # How a selection snaps for this label (the guideline's boundaries):
    trim_punctuation: bool = False  # drop punctuation that ends the span (". , ; : ! ?")
    keep_quotes: bool = False  # keep quotation marks at its edges (else they are trimmed)

    def attribute(self, key: str) -> Attribute | None:
        return next((a for a in self.attributes if a.key == key), None)


@dataclass(frozen=True)
class Scheme:
    name: str
    title: str
    labels: tuple[Label, ...]
    document_labels: tuple[Attribute, ...] = ()
    description: str = ""
    version: int = 1
    _by_key: dict[str, Label] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_key", {label.key: label for label in self.labels})

    def label(self, key: str) -> Label | None:
        return self._by_key.get(key)

    def has_label(self, key: str) -> bool:
        return key in self._by_key

    def document_label(self, key: str) -> Attribute | None:
        return next((d for d in self.document_labels if d.key == key), None)

    def check_attributes(self, label_key: str, attributes: dict[str, Any]) -> str | None:
        """The first problem with a span's attributes, or None."""
        label = self.label(label_key)
        if label is None:
            return f"unknown label {label_key!r}"
        for key, value in attributes.items():
            attribute = label.attribute(key)
            if attribute is None:
                return f"label {label_key!r} has no attribute {key!r}"
            problem = attribute.check(value)
            if problem:
                return f"attribute {key!r}: {problem}"
        return None

    def with_labels(self, keys: list[str]) -> Scheme:
        """A copy with plain labels added for ``keys`` not in the scheme yet."""
        labels = list(self.labels)
        for key in keys:
            if key in self._by_key or any(label.key == key for label in labels):
                continue
            if problem := label_key_problem(key):
                raise SchemeError(f"cannot add label {key!r}: {problem}")
            color = PALETTE[len(labels) % len(PALETTE)]
            labels.append(Label(key=key, name=key, color=color, description="Added on import."))
        return replace(self, labels=tuple(labels))

    def with_attributes(self, found: Iterable[tuple[str, str, Any]]) -> tuple[Scheme, list[str]]:
        """A copy in which every ``(label, key, value)`` found fits, and what was added.

        An attribute a label lacks is added (yes/no when all its values are
        true or false, else a choice of the values seen, in order); a value a
        choice lacks is added to it. Labels the scheme lacks are left alone.
        """
        wanted: dict[str, dict[str, list[Any]]] = {}
        for name, key, value in found:
            values = wanted.setdefault(name, {}).setdefault(key, [])
            if value not in values:
                values.append(value)
        labels, added = list(self.labels), []
        for i, label in enumerate(labels):
            attributes = list(label.attributes)
            for key, values in wanted.get(label.key, {}).items():
                at = next((j for j, a in enumerate(attributes) if a.key == key), None)
                if at is None:
                    if not _ATTR_KEY.match(key):
                        raise SchemeError(f"cannot add attribute {key!r}: not a valid key")
                    if all(isinstance(v, bool) for v in values):
                        attributes.append(Attribute(key, key, "bool"))
                    else:
                        attributes.append(Attribute(key, key, "choice",
                                                    tuple(str(v) for v in values)))
                    added.append(f"attribute {key} of {label.key}")
                elif attributes[at].type == "choice":
                    new = [v for v in values if isinstance(v, str) and v not in attributes[at].choices]
                    if new:
                        attributes[at] = replace(attributes[at],
                                                 choices=attributes[at].choices + tuple(new))
                        added.append(f"{', '.join(new)} to attribute {key} of {label.key}")
            labels[i] = replace(label, attributes=tuple(attributes))
        return (replace(self, labels=tuple(labels)) if added else self), added

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("_by_key", None)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Scheme:
        """Rebuild a scheme stored by :meth:`to_dict` (already validated)."""
        return parse_scheme(
            {
                "scheme": {k: data[k] for k in ("name", "title", "description", "version")},
                "labels": data["labels"],
                "document_labels": data.get("document_labels", []),
            },
            origin="project scheme",
        )


def bundled_schemes() -> dict[str, Path]:
    """Bundled scheme names mapped to their files."""
    return {p.stem: p for p in sorted(SCHEMA_DIR.glob("*.toml"))}


def resolve_scheme(name_or_path: str | Path | None) -> Scheme:
    """A bundled scheme by name, or a scheme file by path (None: the default)."""
    name = str(name_or_path or DEFAULT_SCHEME)
    bundled = bundled_schemes()
    if name in bundled:
        return load_scheme(bundled[name])
    path = Path(name)
    if path.suffix.lower() == ".toml" or path.exists():
        return load_scheme(path)
    raise SchemeError(f"no scheme named {name!r} (bundled: {', '.join(bundled) or 'none'})")


def load_scheme(path: str | Path) -> Scheme:
    path = Path(path)
    if not path.exists():
        raise SchemeError(f"{path}: no such scheme file")
    try:
        data = tomllib.loads(files.read_bytes(path).decode("utf-8"))
    except FormatError as exc:
        raise SchemeError(str(exc)) from None
    except UnicodeDecodeError as exc:
        raise SchemeError(f"{path}: cannot read: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise SchemeError(f"{path}: not valid TOML: {exc}") from None
    return parse_scheme(data, origin=str(path))


def parse_scheme(data: dict[str, Any], *, origin: str) -> Scheme:
    """Validate a scheme given as a TOML-like dict; errors name ``origin`` and the key."""
    v = _Validator(origin)
    head = v.table(data, "scheme", "scheme")
    name = v.string(head, "name", "scheme.name")
    title = v.string(head, "title", "scheme.title", default=name)
    description = v.string(head, "description", "scheme.description", default="")
    version = head.get("version", 1)
    if not isinstance(version, int):
        v.fail("scheme.version", "must be an integer")
    raw_labels = data.get("labels")
    if not isinstance(raw_labels, list) or not raw_labels:
        v.fail("labels", "at least one [[labels]] table is required")
    labels = [v.label(raw, f"labels[{i}]") for i, raw in enumerate(raw_labels)]
    v.unique([lb.key for lb in labels], "labels", "key")
    v.unique([lb.shortcut for lb in labels if lb.shortcut], "labels", "shortcut")
    raw_docs = data.get("document_labels", [])
    if not isinstance(raw_docs, list):
        v.fail("document_labels", "must be an array of tables ([[document_labels]])")
    docs = [v.attribute(raw, f"document_labels[{i}]") for i, raw in enumerate(raw_docs)]
    v.unique([d.key for d in docs], "document_labels", "key")
    unknown = set(data) - {"scheme", "labels", "document_labels"}
    if unknown:
        v.fail(sorted(unknown)[0], "unknown top-level key")
    return Scheme(name, title, tuple(labels), tuple(docs), description, version)


class _Validator:
    def __init__(self, origin: str):
        self.origin = origin

    def fail(self, key: str, problem: str) -> NoReturn:
        raise SchemeError(f"{self.origin}: {key}: {problem}")

    def table(self, data: Any, key: str, where: str) -> dict[str, Any]:
        value = data.get(key) if isinstance(data, dict) else None
        if not isinstance(value, dict):
            self.fail(where, "a table is required")
        return value

    def string(self, data: dict[str, Any], key: str, where: str, default: str | None = None) -> str:
        value = data.get(key, default)
        if value is None:
            self.fail(where, "is required")
        if not isinstance(value, str):
            self.fail(where, "must be a string")
        return value

    def unique(self, values: list[str], where: str, what: str) -> None:
        seen: set[str] = set()
        for value in values:
            if value in seen:
                self.fail(where, f"{what} {value!r} is used twice")
            seen.add(value)

    def label(self, raw: Any, where: str) -> Label:
        if not isinstance(raw, dict):
            self.fail(where, "must be a table")
        key = self.string(raw, "key", f"{where}.key")
        if label_key_problem(key):
            self.fail(f"{where}.key", f"{key!r} must match {LABEL_KEY.pattern}")
        color = self.string(raw, "color", f"{where}.color")
        if not _COLOR.match(color):
            self.fail(f"{where}.color", f"{color!r} is not a #RRGGBB colour")
        shortcut = raw.get("shortcut")
        if shortcut is not None and (not isinstance(shortcut, str) or len(shortcut) != 1
                                     or not shortcut.isalnum()):
            self.fail(f"{where}.shortcut", "must be a single letter or digit")
        raw_attrs = raw.get("attributes", [])
        if not isinstance(raw_attrs, list):
            self.fail(f"{where}.attributes", "must be an array of tables")
        attrs = [self.attribute(a, f"{where}.attributes[{i}]") for i, a in enumerate(raw_attrs)]
        self.unique([a.key for a in attrs], f"{where}.attributes", "key")
        flags = {}
        for flag in ("trim_punctuation", "keep_quotes"):
            flags[flag] = raw.get(flag, False)
            if not isinstance(flags[flag], bool):
                self.fail(f"{where}.{flag}", "must be true or false")
        extra = set(raw) - {"key", "name", "color", "shortcut", "description", "attributes",
                            *flags}
        if extra:
            self.fail(f"{where}.{sorted(extra)[0]}", "unknown key")
        return Label(
            key=key,
            name=self.string(raw, "name", f"{where}.name", default=key),
            color=color.upper(),
            description=self.string(raw, "description", f"{where}.description", default=""),
            shortcut=shortcut.lower() if shortcut else None,
            attributes=tuple(attrs),
            **flags,
        )

    def attribute(self, raw: Any, where: str) -> Attribute:
        if not isinstance(raw, dict):
            self.fail(where, "must be a table")
        key = self.string(raw, "key", f"{where}.key")
        if not _ATTR_KEY.match(key):
            self.fail(f"{where}.key", f"{key!r} must match {_ATTR_KEY.pattern}")
        kind = self.string(raw, "type", f"{where}.type", default="text")
        if kind not in ATTRIBUTE_TYPES:
            self.fail(f"{where}.type", f"{kind!r} is not one of {', '.join(ATTRIBUTE_TYPES)}")
        choices = raw.get("choices", [])
        if not isinstance(choices, list) or not all(isinstance(c, str) for c in choices):
            self.fail(f"{where}.choices", "must be a list of strings")
        if kind == "choice" and not choices:
            self.fail(f"{where}.choices", "a choice attribute needs choices")
        if kind != "choice" and choices:
            self.fail(f"{where}.choices", f"only choice attributes take choices, not {kind}")
        self.unique(choices, f"{where}.choices", "choice")
        extra = set(raw) - {"key", "name", "type", "choices", "description"}
        if extra:
            self.fail(f"{where}.{sorted(extra)[0]}", "unknown key")
        return Attribute(
            key=key,
            name=self.string(raw, "name", f"{where}.name", default=key),
            type=kind,
            choices=tuple(choices),
            description=self.string(raw, "description", f"{where}.description", default=""),
        )
