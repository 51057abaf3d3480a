"""SemEval-2020 Task 11 (Propaganda Techniques Corpus).

Articles are ``article<ID>.txt`` (title, empty line, body; UTF-8). Labels are
tab-separated lines, either technique classification ``ID TECHNIQUE START
END`` or span identification ``ID START END``; offsets are ``[START, END)`` in
Unicode code points over the whole article file as stored (title included,
CRLF counted as two characters, a leading byte-order mark U+FEFF as one, as
the organisers' Python read the files: it stays in the stored text and is
written back, see :mod:`.bom`). Spans overlap, and one span may carry two
techniques.

In: folders and files, in any order: ``article<ID>.txt`` files are articles
(the external id becomes ``article<ID>``), other files given by name are label
files (in a folder, ``*.labels`` files are). Span-identification lines take
the label given with ``--label``, by default ``propaganda``, the generic label
of the ``semeval2020-propaganda`` scheme. A labels file is the complete
annotation of the articles given with it: each of them is marked done for the
importing annotator, with spans or without (the official scorers count an
article without lines as one where nothing was found). A line that repeats an
earlier one exactly is skipped and reported.

Out (a folder): one ``article<ID>.txt`` per document, exactly as stored, and
one ``semeval.labels`` file. Spans with the generic ``propaganda`` label are
written as span-identification lines, others as technique lines, so exporting
what was imported gives back the same lines, in the same order (the official
TC scorer pairs spans by a stable sort on their start): spans imported keep
the order they were imported in, others follow by (start, end, label). The
format has no annotators: identical lines from several annotators are
written once (and reported), and it has no notes or attributes (the spans
carrying them are counted in the report).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ..domain import IncomingDocument, IncomingSpan, SpanData
from ..errors import FormatError, Where
from . import ExportReport, Format, ReadOptions, WriteOptions, read_source, register
from .bom import BOM, CountedBom
from .folder import FileNames, open_folder, write_text
from .layers import MergedLayers
from .txt import title_of

if TYPE_CHECKING:
    from ..project import Project


GENERIC_LABEL = "propaganda"
LABELS_FILE = "semeval.labels"
_ARTICLE = re.compile(r"^article([A-Za-z0-9_.\-]+)\.txt$", re.IGNORECASE)
_KEY = re.compile(r"^article([A-Za-z0-9_.\-]+)$")
_SAFE_ID = re.compile(r"^[A-Za-z0-9_.\-]+$")


def read(paths: Sequence[Path], options: ReadOptions) -> list[IncomingDocument]:
    articles: dict[str, Path] = {}
    label_files: list[Path] = []

    def add_article(path: Path, article_id: str) -> None:
        if article_id in articles:
            raise FormatError(f"article {article_id} is also {articles[article_id]}", file=str(path))
        articles[article_id] = path

    for path in paths:
        if path.is_dir():
            for child in sorted(path.iterdir()):
                if m := _ARTICLE.match(child.name):
                    add_article(child, m.group(1))
                elif child.suffix.lower() == ".labels" and child.is_file():
                    label_files.append(child)
        elif path.is_file():
            if m := _ARTICLE.match(path.name):
                add_article(path, m.group(1))
            else:
                label_files.append(path)
        else:
            raise FormatError("no such file or folder", file=str(path))
    if not articles:
        raise FormatError("no article<ID>.txt files among " + ", ".join(map(str, paths)))
    docs: dict[str, IncomingDocument] = {}
    bom = CountedBom("articles")
    for n, (article_id, path) in enumerate(articles.items()):
        text = bom.read(path, options)
        if not text:
            raise FormatError("the article is empty", file=str(path))
        docs[article_id] = IncomingDocument(text=text, source=str(path),
                                            external_id=f"article{article_id}",
                                            title=title_of(text.removeprefix(BOM)) or path.stem)
        options.progress(n + 1, len(articles))
    bom.note(options)
    repeated: list[str] = []
    for path in label_files:
        _read_labels(path, docs, options, repeated)
    if label_files:
        for doc in docs.values():
            doc.statuses[""] = "done"  # "": the importing annotator
    if repeated:
        options.notes.append(
            f"{len(repeated)} label lines repeat an earlier line exactly and are imported once "
            f"(a scorer comparing against the original file will see {len(repeated)} fewer "
            f"spans): {', '.join(repeated[:5])}" + (" ..." if len(repeated) > 5 else ""))
    return list(docs.values())


def _read_labels(path: Path, docs: dict[str, IncomingDocument], options: ReadOptions,
                 repeated: list[str]) -> None:
    generic = options.label or GENERIC_LABEL
    text = read_source(path, options)
    seen: dict[tuple[str, str, int, int], int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where: Where = {"file": str(path), "line": number}
        fields = line.split("\t")
        if len(fields) == 4:
            article_id, label, start, end = fields
        elif len(fields) == 3:
            (article_id, start, end), label = fields, generic
        else:
            raise FormatError(f"{len(fields)} tab-separated fields; expected ID, TECHNIQUE, "
                              "START, END or ID, START, END", **where)
        doc = docs.get(article_id)
        if doc is None:
            raise FormatError(f"article {article_id!r} is not among the articles given", **where)
        try:
            first, last = int(start), int(end)
        except ValueError:
            raise FormatError(f"offsets {start!r}, {end!r} are not integers", **where) from None
        if not 0 <= first < last <= len(doc.text):
            raise FormatError(f"span [{first}, {last}) is empty or outside article {article_id} "
                              f"({len(doc.text)} characters)", **where)
        if not label:
            raise FormatError("empty technique", **where)
        if (article_id, label, first, last) in seen:
            repeated.append(f"{path.name}:{number} (as line {seen[article_id, label, first, last]})")
            continue
        seen[article_id, label, first, last] = number
        doc.spans.append(IncomingSpan(first, last, label, line=number, source=str(path)))


def article_id(key: str) -> str | None:
    """The SemEval ID of a document key: ``article111`` -> ``111``."""
    m = _KEY.match(key)
    if m:
        return m.group(1)
    return key if _SAFE_ID.match(key) else None


def file_order(span: SpanData) -> tuple[int | str, ...]:
    """Spans by start; among equal starts, imported ones in the order they were
    imported (their row ids), then the others by end and label."""
    if span.origin == "imported":
        return (span.start, 0, span.id)
    return (span.start, 1, span.end, span.label, span.id)


def write(project: Project, target: Path | None, options: WriteOptions) -> ExportReport:
    report = ExportReport()
    total = project.document_count()
    names = FileNames(prefix="article")
    layers = MergedLayers("SemEval")
    lines: list[str] = []
    with open_folder(target) as folder:
        for n, (doc, spans) in enumerate(project.iter_spans(options.where)):
            ident = names.stem(doc.key, doc.id, article_id(doc.key), str(doc.id))
            write_text(folder / f"article{ident}.txt", doc.text)
            for span in layers.unique(sorted(spans, key=file_order)):
                if span.label == GENERIC_LABEL:
                    lines.append(f"{ident}\t{span.start}\t{span.end}")
                else:
                    lines.append(f"{ident}\t{span.label}\t{span.start}\t{span.end}")
                report.spans += 1
            report.documents += 1
            if n % 200 == 0:
                options.progress(n, total)
        write_text(folder / LABELS_FILE, "".join(line + "\n" for line in lines))
        names.report(folder, report, "article<ID>.txt, and the ID in the labels")
    report.notes.extend(layers.notes())
    return report


FORMAT = register(Format("semeval", "SemEval-2020 Task 11 (articles + labels)",
                         ("*.labels",), __doc__ or "", read=read, write=write, writes_folder=True,
                         read_options=("label", "add_labels")))
