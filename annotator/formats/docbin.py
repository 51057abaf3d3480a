"""spaCy DocBin (``*.spacy``), for training spaCy's span categorizer.

Out: one ``Doc`` per document and annotator (those with spans there, or who
marked it done), tokenized with the project's pipeline
(:func:`annotator.nlp.pipeline`, ``blank:en`` by default); the annotator's
spans go to ``doc.spans[KEY]`` (``sc``, spancat's default; ``--spans-key``).
Span offsets are code points, as spaCy's ``char_span`` counts. A span whose
ends are not token boundaries is skipped, never moved (``alignment_mode=
"strict"``), and reported with a count and examples: fix it by snapping it to
whole words in the editor. ``doc.user_data`` carries ``sha256``,
``external_id``, ``title`` and ``annotator``. ``--gold`` writes only the gold
annotator's layer.

In: each ``Doc``'s text, with its spans from ``doc.spans[KEY]`` or else
``doc.ents``; the annotator from ``user_data`` when present (else the one
named on import); a ``sha256`` in ``user_data`` must match the text.

Training a span categorizer on an export::

    python -m annotator.cli export --format docbin --annotator ana -o train.spacy
    python -m annotator.cli export --format docbin --annotator bob -o dev.spacy
    python -m spacy init config config.cfg --lang en --pipeline spancat
    python -m spacy train config.cfg --output model \\
        --paths.train train.spacy --paths.dev dev.spacy
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from .. import files
from ..domain import DocumentData, IncomingDocument, IncomingSpan, SpanData
from ..errors import FormatError
from ..nlp import pipeline
from ..text import text_sha256
from ..wording import agree, plural
from . import ExportReport, Format, ReadOptions, WriteOptions, register
from .output import open_output
from .txt import title_of

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, DocBin

    from ..project import Project


EXAMPLES = 5
# What spaCy raises on damaged DocBin contents (strings missing, arrays cut
# short, bytes changed); msgpack's own error is added where it is imported
# (srsly costs about 0.2-0.4 s to import, not to be paid at start-up).
DAMAGED = (KeyError, IndexError, ValueError, TypeError, AttributeError, OverflowError,
           RecursionError)
_registry_lock = threading.Lock()


@contextmanager
def _msgpack_extensions_looked_up_once() -> Iterator[None]:
    """srsly looks its msgpack extensions up in a registry each time it packs
    or unpacks, scanning every installed package's entry points: about 1 ms
    per Doc, half the time of a DocBin of 10,000 documents. Nothing registers
    extensions during one export or import, so look them up once for it."""
    from srsly.msgpack import msgpack_decoders, msgpack_encoders

    registries = (msgpack_encoders, msgpack_decoders)
    with _registry_lock:
        try:
            for registry in registries:
                registry.get_all = lambda found=registry.get_all(): found  # noqa: B008 (bound once, on purpose)
        except AttributeError:  # a srsly that does not allow it: only slower
            pass
        try:
            yield
        finally:
            for registry in registries:
                vars(registry).pop("get_all", None)


def _done(project: Project) -> dict[int, list[str]]:
    """Annotators who marked each document done: their empty layers are real negatives."""
    from sqlalchemy import select

    from ..models import Annotator, DocumentStatus

    done: dict[int, list[str]] = {}
    with project.reading() as s:
        for doc_id, name in s.execute(select(DocumentStatus.document_id, Annotator.name)
                                      .join(Annotator).where(DocumentStatus.status == "done")):
            done.setdefault(doc_id, []).append(name)
    return done


def write(project: Project, target: Path | None, options: WriteOptions) -> ExportReport:
    from spacy.tokens import DocBin

    report = ExportReport()
    nlp = pipeline()
    key = options.spans_key
    chosen = set(options.where.annotators)
    done = _done(project)
    bin_ = DocBin(store_user_data=True)
    misaligned: list[str] = []
    total = project.document_count()
    with _msgpack_extensions_looked_up_once():
        for n, (doc, spans) in enumerate(project.iter_spans(options.where)):
            _add_layers(bin_, nlp, doc, spans, done, chosen, key, misaligned, report)
            if n % 200 == 0:
                options.progress(n, total)
        data = bin_.to_bytes()
    with open_output(target, binary=True) as out:
        out.write(data)
    if misaligned:
        report.notes.append(
            f"{plural(len(misaligned), 'span')} {agree(len(misaligned), 'does', 'do')} not start "
            f"and end on token boundaries and {agree(len(misaligned), 'was', 'were')} not written "
            f"(snap them to whole words to include them): {'; '.join(misaligned[:EXAMPLES])}"
            + (" ..." if len(misaligned) > EXAMPLES else ""))
    return report


def _add_layers(bin_: DocBin, nlp: Language, doc: DocumentData, spans: list[SpanData],
                done: dict[int, list[str]], chosen: set[str], key: str, misaligned: list[str],
                report: ExportReport) -> None:
    """One Doc per annotator of ``doc`` (with spans there, or done with it)."""
    layers: dict[str, list[SpanData]] = {}
    for span in spans:
        layers.setdefault(span.annotator, []).append(span)
    for name in done.get(doc.id, ()):
        if not chosen or name in chosen:
            layers.setdefault(name, [])
    if not layers:
        return
    tokens = nlp.make_doc(doc.text)
    for i, (name, layer) in enumerate(sorted(layers.items())):
        sdoc = tokens.copy() if i else tokens
        group = []
        for span in layer:
            made = sdoc.char_span(span.start, span.end, label=span.label, alignment_mode="strict")
            if made is None:
                misaligned.append(f"{doc.key} {name} {span.label} [{span.start}, {span.end}) "
                                  f"{doc.text[span.start:span.end][:40]!r}")
                continue
            group.append(made)
        sdoc.spans[key] = group
        sdoc.user_data.update({"sha256": doc.sha256, "external_id": doc.key,
                               "title": doc.title, "annotator": name})
        bin_.add(sdoc)
        report.spans += len(group)
    report.documents += 1


def read(paths: Sequence[Path], options: ReadOptions) -> list[IncomingDocument]:
    from spacy.tokens import DocBin
    from srsly.msgpack.exceptions import UnpackException

    vocab = pipeline().vocab
    key = options.spans_key
    docs: dict[str, IncomingDocument] = {}
    without = 0
    ignored: set[str] = set()
    for path in paths:
        try:
            bin_ = DocBin(store_user_data=True).from_bytes(files.read_bytes(path))
        except FormatError:
            raise
        except Exception as exc:  # msgpack and zlib raise their own types
            raise FormatError(f"not a spaCy DocBin file ({type(exc).__name__})",
                              file=str(path)) from None
        n = 1  # the Doc being read
        try:
            with _msgpack_extensions_looked_up_once():
                for sdoc in bin_.get_docs(vocab):
                    without += _read_doc(sdoc, n, str(path), key, docs, ignored)
                    n += 1
        except (*DAMAGED, UnpackException) as exc:
            raise FormatError(f"damaged spaCy DocBin: Doc {n} cannot be read "
                              f"({type(exc).__name__})", file=str(path), line=n) from None
        options.progress(len(docs), len(docs))
    if without:
        options.notes.append(f"{without} Docs have neither doc.spans[{key!r}] nor entities")
    if ignored:
        options.notes.append(f"span groups other than {key!r} were not read: "
                             f"{', '.join(sorted(ignored))} (choose one with --spans-key)")
    return list(docs.values())


def _read_doc(sdoc: Doc, n: int, source: str, key: str, docs: dict[str, IncomingDocument],
              ignored: set[str]) -> bool:
    """Add Doc ``n``'s text and spans to ``docs`` (by SHA-256); True if it has
    neither the span group nor entities."""
    text = sdoc.text
    if not text:
        raise FormatError(f"Doc {n} has no text", file=source, line=n)
    data = sdoc.user_data
    sha = text_sha256(text)
    declared = data.get("sha256")
    if declared is not None and declared != sha:
        raise FormatError(f"Doc {n} ({data.get('external_id', '?')}): the text differs "
                          "from the one its spans were made on (SHA-256 mismatch)",
                          file=source, line=n)
    without = False
    if key in sdoc.spans:
        group = list(sdoc.spans[key])
    else:
        group = list(sdoc.ents)
        without = not group
    ignored.update(k for k in sdoc.spans if k != key)
    incoming = docs.get(sha)
    if incoming is None:
        external = data.get("external_id")
        incoming = docs[sha] = IncomingDocument(
            text=text, source=source, line=n,
            external_id=None if external is None else str(external),
            title=str(data["title"]) if "title" in data else title_of(text))
    annotator = data.get("annotator")
    for span in group:
        if not span.label_:
            raise FormatError(f"Doc {n}: a span without a label at "
                              f"[{span.start_char}, {span.end_char})", file=source, line=n)
        incoming.spans.append(IncomingSpan(span.start_char, span.end_char, span.label_,
                                           annotator=str(annotator) if annotator else None,
                                           line=n))
    return without


FORMAT = register(Format("docbin", "spaCy DocBin (.spacy)", ("*.spacy",), __doc__ or "",
                         read=read, write=write, read_options=("spans_key", "add_labels"),
                         write_options=("spans_key", "gold")))
