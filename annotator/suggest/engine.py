"""The suggesters of a project, built once and kept up to date with its settings.

Project settings (``Project.setting``):

* ``suggest.disabled`` — names of suggesters switched off (default: none);
* ``suggest.lexicons`` — paths of user lexicon files, each its own suggester;
* ``suggest.pipeline`` — an installed spaCy pipeline to use instead of the
  blank default (one with a lemmatizer lets lexicons match inflected forms);
* ``suggest.model`` / ``suggest.threshold`` — the trained span categorizer
  (default: beside the project, see :mod:`.learned`) and its score threshold.

A suggester that cannot be built (bad lexicon, model that fails to load, a
label the scheme lacks) is reported in :meth:`Engine.status` with the reason;
the others keep working.
"""

from __future__ import annotations

import threading
import weakref
from bisect import bisect_left
from collections import OrderedDict
from collections.abc import Iterable
from itertools import accumulate, islice
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from ..domain import DocumentData
from ..errors import AnnotatorError, ProjectError
from ..models import RejectedSuggestion
from ..nlp import parse, pipeline
from .base import Suggester, Suggestion, Target, has_lemmatizer
from .claims import ClaimSuggester
from .consistency import ConsistencySuggester
from .learned import SpancatSuggester, model_dir
from .lexicon import STARTER_LEXICON, LexiconSuggester, lexicon_name

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

    from ..project import Project

DISABLED = "suggest.disabled"
LEXICONS = "suggest.lexicons"
PIPELINE = "suggest.pipeline"
MODEL = "suggest.model"
THRESHOLD = "suggest.threshold"
DEFAULT_THRESHOLD = 0.5
_DOC_CACHE = 4  # Docs kept, and at most this many characters in all (the latest always):
_DOC_CACHE_CHARS = 2_000_000  # a spaCy Doc costs about 60 bytes per character
# Suggestions one suggester makes on one document, the first in reading order:
# more is no help to a reader, and each costs time and memory (a 5 MB article
# whose every word was tagged somewhere made six million).
MAX_PER_SUGGESTER = 20_000


@dataclass(frozen=True)
class SuggesterStatus:
    """What the UI lists: a suggester, whether it is on and whether it can run."""

    name: str
    title: str
    labels: tuple[str, ...]
    enabled: bool
    available: bool
    reason: str = ""  # why it cannot run, or notes worth showing
    lemmas: bool = False  # lexicon matching includes inflected forms


class Engine:
    """Builds a project's suggesters and runs them on its documents (thread-safe)."""

    def __init__(self, project: Project, lexicons: Iterable[Path] = ()):
        self.project = project
        self.extra_lexicons = tuple(Path(p) for p in lexicons)
        self._lock = threading.RLock()
        self._config: tuple[Any, ...] | None = None
        self._built: list[Suggester | SuggesterStatus] = []
        self._docs: OrderedDict[tuple[int, str], Doc] = OrderedDict()
        self.nlp: Language | None = None

    # -- building ------------------------------------------------------------
    def _settings(self) -> tuple[Any, ...]:
        p = self.project
        lexicons = tuple(str(x) for x in p.setting(LEXICONS, []) or [])
        lexicons += tuple(map(str, self.extra_lexicons))
        model = p.setting(MODEL) or model_dir(p)
        stamps = tuple(_stamp(Path(x)) for x in lexicons) + (
            _stamp(Path(model) / "meta.json") if model else None,)
        return (lexicons, p.setting(PIPELINE), str(model) if model else None, stamps,
                float(p.setting(THRESHOLD, DEFAULT_THRESHOLD)), p.scheme)

    def _ensure(self) -> list[Suggester | SuggesterStatus]:
        config = self._settings()
        if config != self._config:
            self._built = self._build(config)
            self._config = config
            self._docs.clear()
        return self._built

    def _build(self, config: tuple[Any, ...]) -> list[Suggester | SuggesterStatus]:
        lexicons, pipeline_name, model, _stamps, threshold, _scheme = config
        self.nlp = nlp = pipeline(pipeline_name)
        scheme = self.project.scheme
        built: list[Suggester | SuggesterStatus] = []

        def attempt(name: str, title: str, make: Any) -> None:
            try:
                built.append(make())
            except AnnotatorError as exc:
                built.append(SuggesterStatus(name, title, (), False, False, str(exc)))

        for path in (STARTER_LEXICON, *map(Path, lexicons)):
            name = lexicon_name(path)
            if any(b.name == name for b in built):
                built.append(SuggesterStatus(name, f"Lexicon {path}", (), False, False,
                                             f"{path}: another lexicon is already named {name}"))
                continue
            attempt(name, f"Lexicon {path.name}",
                    lambda path=path: LexiconSuggester(nlp, path, scheme))
        attempt(ClaimSuggester.name, ClaimSuggester.title, lambda: ClaimSuggester(nlp, scheme))
        built.append(ConsistencySuggester(nlp, self.project))
        if model is not None and Path(model).exists():
            attempt(SpancatSuggester.name, SpancatSuggester.title,
                    lambda: SpancatSuggester(Path(model), scheme, threshold))
        return built

    # -- what there is -------------------------------------------------------------
    def status(self) -> list[SuggesterStatus]:
        with self._lock:
            built = self._ensure()
            disabled = set(self.project.setting(DISABLED, []) or [])
            lemmas = has_lemmatizer(self.nlp) if self.nlp is not None else False
            result = []
            for item in built:
                if isinstance(item, SuggesterStatus):
                    result.append(item)
                    continue
                notes = "; ".join(getattr(item, "notes", []))
                result.append(SuggesterStatus(item.name, item.title, item.labels,
                                              item.name not in disabled, True, notes,
                                              lemmas and isinstance(item, LexiconSuggester)))
            return result

    def suggesters(self, enabled: Iterable[str] | None = None) -> list[Suggester]:
        """The runnable suggesters: those named, else those switched on."""
        with self._lock:
            ready = [s for s in self._ensure() if isinstance(s, Suggester)]
            if enabled is None:
                disabled = set(self.project.setting(DISABLED, []) or [])
                return [s for s in ready if s.name not in disabled]
            wanted = list(enabled)
            known = {s.name: s for s in self._ensure()}
            for name in wanted:
                if name not in known:
                    raise AnnotatorError(f"no suggester {name!r}; there are: "
                                         + ", ".join(sorted(known)))
                status = known[name]
                if isinstance(status, SuggesterStatus):
                    raise AnnotatorError(f"suggester {name} cannot run: {status.reason}")
            return [s for s in ready if s.name in wanted]

    # -- running -------------------------------------------------------------------
    def doc(self, document: DocumentData) -> Doc:
        """The document's spaCy Doc (the last few are kept)."""
        with self._lock:
            self._ensure()
            key = (document.id, document.sha256)
            if key in self._docs:
                self._docs.move_to_end(key)
                return self._docs[key]
            assert self.nlp is not None
            doc = self._docs[key] = parse(self.nlp, document.text)
            while len(self._docs) > 1 and (len(self._docs) > _DOC_CACHE or sum(
                    len(d.text) for d in self._docs.values()) > _DOC_CACHE_CHARS):
                self._docs.popitem(last=False)
            return doc

    def raw(self, document: DocumentData, suggesters: Iterable[Suggester], *,
            annotator: str | None = None, held_out: bool = False) -> list[Suggestion]:
        """Everything the suggesters propose, nothing filtered out."""
        with self._lock:
            target = Target(document, self.doc(document), annotator, held_out)
            return [s for suggester in suggesters
                    for s in islice(suggester.suggest(target), MAX_PER_SUGGESTER)]

    def suggest(self, document_id: int, *, enabled: Iterable[str] | None = None,
                annotator: str | None = None) -> list[Suggestion]:
        """Suggestions to show: not rejected, not already tagged, best one per span.

        A suggestion is dropped when the same label on the same characters was
        rejected, when a live span with its label overlaps it, or when a live
        span of any label covers exactly its characters (it was accepted under
        another label); spans are the annotator's, or anyone's when no
        annotator is named. When several
        suggesters propose the same label on the same characters, the highest
        score is kept.
        """
        document = self.project.document(document_id)
        found = self.raw(document, self.suggesters(enabled), annotator=annotator)
        rejected = rejected_keys(self.project, document_id)
        tagged: dict[str, list[tuple[int, int]]] = {}
        extents: set[tuple[int, int]] = set()
        for span in self.project.spans(document_id, None if annotator is None else [annotator]):
            tagged.setdefault(span.label, []).append((span.start, span.end))
            extents.add((span.start, span.end))
        overlaps = {label: _Overlaps(ranges) for label, ranges in tagged.items()}
        none = _Overlaps([])
        best: dict[tuple[str, int, int], Suggestion] = {}
        for s in found:
            if s.key in rejected or (s.start, s.end) in extents \
                    or overlaps.get(s.label, none).hit(s.start, s.end):
                continue
            if s.key not in best or s.score > best[s.key].score:
                best[s.key] = s
        return sorted(best.values(), key=lambda s: (s.start, s.end, s.label, s.suggester))


class _Overlaps:
    """Whether a range overlaps any of some ranges, in O(log n): the ranges
    sorted by start, with the furthest end reached so far."""

    def __init__(self, ranges: list[tuple[int, int]]):
        ranges = sorted(ranges)
        self._starts = [a for a, _b in ranges]
        self._reach = list(accumulate((b for _a, b in ranges), max))

    def hit(self, start: int, end: int) -> bool:
        i = bisect_left(self._starts, end)  # ranges [0, i) start before ``end``
        return bool(i) and self._reach[i - 1] > start


def rejected_keys(project: Project, document_id: int) -> set[tuple[str, int, int]]:
    with project.reading() as s:
        rows = s.execute(select(RejectedSuggestion.label, RejectedSuggestion.start,
                                RejectedSuggestion.end)
                         .where(RejectedSuggestion.document_id == document_id))
        return {(label, start, end) for label, start, end in rows}


def _stamp(path: Path) -> float | None:
    """When a file last changed: an edited lexicon or a retrained model is reloaded."""
    try:
        return path.stat().st_mtime
    except OSError:
        return None


_engines: weakref.WeakKeyDictionary[Project, Engine] = weakref.WeakKeyDictionary()
_engines_lock = threading.Lock()


def engine(project: Project) -> Engine:
    """The project's engine, made on first use and kept while the project is open."""
    with _engines_lock:
        found = _engines.get(project)
        if found is None:
            # a proxy: an engine holding the project itself would keep it alive for ever
            found = _engines[project] = Engine(weakref.proxy(project))
        return found


def suggestions(project: Project, document_id: int, *, enabled: Iterable[str] | None = None,
                annotator: str | None = None) -> list[Suggestion]:
    """What to show on a document: see :meth:`Engine.suggest`."""
    return engine(project).suggest(document_id, enabled=enabled, annotator=annotator)


def set_enabled(project: Project, name: str, on: bool) -> None:
    """Switch a suggester on or off for the project."""
    disabled = [n for n in project.setting(DISABLED, []) or [] if n != name]
    if not on:
        disabled.append(name)
    project.set_setting(DISABLED, sorted(disabled))


def add_lexicon(project: Project, path: Path) -> None:
    """Add a user lexicon to the project's settings (checked first)."""
    from .lexicon import read_lexicon

    path = Path(path).expanduser().resolve()
    read_lexicon(path)
    lexicons = [p for p in project.setting(LEXICONS, []) or [] if p != str(path)]
    project.set_setting(LEXICONS, [*lexicons, str(path)])


def remove_lexicon(project: Project, path: Path) -> None:
    wanted = str(Path(path).expanduser().resolve())
    lexicons = project.setting(LEXICONS, []) or []
    if wanted not in lexicons:
        raise ProjectError(f"{path} is not one of the project's lexicons")
    project.set_setting(LEXICONS, [p for p in lexicons if p != wanted])
