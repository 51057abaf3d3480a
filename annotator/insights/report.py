"""One self-contained HTML report: charts as inline SVG, tables, the scheme and
its guidelines, agreement with its definitions, and the method (which layer,
which documents, when). No script, no external file: it reads offline and
prints to PDF.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import __version__
from ..domain import Progress, no_progress
from ..errors import AnnotatorError
from . import charts
from .process import IDLE_MINUTES, agreement_over_time, pace
from .stats import RESAMPLES, SEED, SMALL_N, Dataset, default_layer, distribution, grouped, load, \
    top_terms
from .terms import WORD_DEFINITION

if TYPE_CHECKING:
    from ..project import Project

DEFINITIONS = {
    "f1": "Span F1: the harmonic mean of precision and recall of one annotator's spans against "
          "the reference's; a span matches when it overlaps one of the same label.",
    "precision": "Share of an annotator's spans that match a reference span.",
    "recall": "Share of the reference's spans matched by an annotator's span.",
    "cohen_kappa": "Cohen's kappa on token decisions: for each token and label, whether the "
                   "token lies in a span of that label; chance-corrected agreement of two "
                   "annotators (1 perfect, 0 chance).",
    "fleiss_kappa": "Fleiss' kappa: Cohen's idea for any number of annotators, on the same "
                    "token decisions.",
    "krippendorff_alpha": "Krippendorff's alpha (nominal) on the same token decisions; 1 is "
                          "perfect agreement, 0 what chance gives.",
    "unitizing_alpha": "Krippendorff's unitizing alpha: agreement on where spans begin and end, "
                       "over characters, per label and overall.",
}
NAMES = {"f1": "F1", "precision": "precision", "recall": "recall",
         "cohen_kappa": "Cohen's kappa", "fleiss_kappa": "Fleiss' kappa",
         "krippendorff_alpha": "Krippendorff's alpha", "unitizing_alpha": "unitizing alpha"}
SHOWN_METHODS = ("exact", "overlap", "token", "character")
CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;max-width:60rem;margin:2rem auto;
padding:0 1rem;color:#1a1a1a;line-height:1.45}
h1{font-size:1.6rem}h2{font-size:1.25rem;border-bottom:1px solid #ccc;padding-bottom:.2rem;
margin-top:2.2rem}h3{font-size:1.05rem}
table{border-collapse:collapse;margin:.6rem 0 1rem;font-size:.85rem}
th,td{border-bottom:1px solid #e2e2e2;padding:.2rem .55rem;text-align:left}
td.n{text-align:right;font-variant-numeric:tabular-nums}
.note{color:#555;font-size:.85rem}.small{color:#8a5a00}
.swatch{display:inline-block;width:.9em;height:.9em;border:1px solid #555;vertical-align:middle;
margin-right:.3em}
figure{margin:1rem 0;break-inside:avoid}figure svg{max-width:100%;height:auto}
@media print{body{margin:0;max-width:none}h2{break-before:auto}}
"""


@dataclass(frozen=True)
class Written:
    path: Path
    charts: int
    layer: str
    documents: int


def write(project: Project, target: Path, *, by: str = "outlet", labels: Sequence[str] = (),
          layer: str | None = None, seed: int | None = SEED, resamples: int = RESAMPLES,
          progress: Progress = no_progress) -> Written:
    """Build the report and write it atomically through the guarded output path."""
    from ..formats.output import open_output

    html, written = build(project, by=by, labels=labels, layer=layer, seed=seed,
                          resamples=resamples, progress=progress)
    with open_output(target) as out:
        out.write(html)
    return Written(target, written.charts, written.layer, written.documents)


def build(project: Project, *, by: str = "outlet", labels: Sequence[str] = (),
          layer: str | None = None, seed: int | None = SEED, resamples: int = RESAMPLES,
          progress: Progress = no_progress, data: Dataset | None = None) -> tuple[str, Written]:
    """The report as one HTML string."""
    data = data or load(project, progress=lambda done, total: progress(done, total * 4))
    total = max(1, len(data.keys)) * 4
    chosen, why = (layer, "chosen") if layer else default_layer(data)
    if chosen is not None:
        data.rater(chosen)  # an unknown layer is an error before any work
    scheme = project.scheme
    names = {lab.key: lab.name for lab in scheme.labels}
    colors = {lab.key: lab.color for lab in scheme.labels}
    page = _Page()
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    title = Path(project.location).stem
    page.add(f"<h1>Insights: {escape(title)}</h1>")
    page.add(f"<p class='note'>Exported {stamp} by media-bias-annotator {escape(__version__)} "
             f"from {escape(str(project.location))}; scheme {escape(scheme.title)} "
             f"({escape(scheme.name)}, version {scheme.version}).</p>")
    if chosen is None:
        page.add(f"<p><strong>{escape(why)}.</strong> Import articles and annotate them, then "
                 "export the report again.</p>")
        _scheme_section(page, scheme)
        return page.html(title), Written(Path(), 0, "", 0)
    rater = data.rater(chosen)
    layer_docs = int(data.worked[:, rater].sum())
    wanted = list(labels)
    if not wanted:
        present = set(data.span_label[data.span_rater == rater].tolist())
        wanted = [lab for i, lab in enumerate(data.labels) if i in present] or list(data.labels)
    tables = grouped(data, by, wanted, chosen, seed=seed, resamples=resamples)
    progress(total // 4 * 2, total)
    _method(page, data, chosen, why, layer_docs, by, seed, resamples)
    page.add(f"<h2>Labels per 1,000 words, by {escape(by)}</h2>")
    for table in tables:
        name = names.get(table.label, table.label)
        page.add(f"<h3><span class='swatch' style='background:{colors[table.label]}'></span>"
                 f"{escape(name)}</h3>")
        if table.message:
            page.add(f"<p>{escape(table.message)}</p>")
            continue
        fig = charts.new_figure()
        charts.density_chart(fig, table, name, colors[table.label])
        page.figure(fig, f"{name} per 1,000 words by {by}")
        page.add(_density_table(table))
        for note in table.notes:
            page.add(f"<p class='note'>{escape(note)}</p>")
    page.add(f"<h2>Top terms, with their distinctiveness by {escape(by)}</h2>")
    page.add("<p class='note'>Terms: the spaCy NORM of the words a span covers. z: log-odds "
             "ratio with an informative Dirichlet prior (Monroe, Colaresi and Quinn 2008), each "
             "group against all others, prior = the term's count over all groups; |z| &gt; 1.96 "
             "is unlikely by chance alone.</p>")
    for label in wanted:
        _terms_section(page, top_terms(data, label, chosen, by=by), names.get(label, label))
    progress(total // 4 * 3, total)
    _document_labels(page, data, scheme, chosen, by)
    _agreement(page, project)
    _process(page, project)
    _scheme_section(page, scheme)
    progress(total, total)
    return page.html(title), Written(Path(), page.charts, chosen, layer_docs)


class _Page:
    def __init__(self) -> None:
        self.parts: list[str] = []
        self.charts = 0

    def add(self, html: str) -> None:
        self.parts.append(html)

    def figure(self, fig: Any, caption: str) -> None:
        self.parts.append(f"<figure role='img' aria-label='{escape(caption)}'>"
                          f"{charts.svg(fig)}</figure>")
        self.charts += 1

    def html(self, title: str) -> str:
        body = "\n".join(self.parts)
        return (f"<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
                f"<title>Insights: {escape(title)}</title><style>{CSS}</style></head>"
                f"<body>\n{body}\n</body></html>\n")


def _method(page: _Page, data: Dataset, layer: str, why: str, layer_docs: int, by: str,
            seed: int | None, resamples: int) -> None:
    words = int(data.words[data.worked[:, data.rater(layer)]].sum())
    page.add("<h2>Method</h2><ul>"
             f"<li>Layer: <strong>{escape(layer)}</strong> ({escape(why)}).</li>"
             f"<li>Documents: the {layer_docs:,} of the project's {len(data.keys):,} documents "
             f"this layer worked on (a span, or a status other than to do); {words:,} words.</li>"
             f"<li>{escape(WORD_DEFINITION[0].upper() + WORD_DEFINITION[1:])}.</li>"
             "<li>Density: a group's spans per 1,000 of its words. Intervals: 95% percentile "
             f"bootstrap, {resamples:,} resamples of the group's documents with replacement "
             f"(seed {seed}).</li>"
             f"<li>Groups of fewer than {SMALL_N} documents are marked * and hatched: read them "
             "with care.</li>"
             f"<li>Grouped by {escape(by)}; documents without one are left out (see the notes "
             "under each chart).</li></ul>")


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{x:.0%}"


def _num(x: float | None) -> str:
    return "–" if x is None else f"{x:.2f}"


def _density_table(table: Any) -> str:
    head = ("<table><tr><th>group</th><th>documents</th><th>words</th><th>spans</th>"
            "<th>per 1,000 words</th><th>95% interval</th><th>documents with a span</th>"
            "<th>95% interval</th></tr>")
    rows = []
    for r in table.rows:
        d = r.density
        mark = " <span class='small' title='fewer than 5 documents'>*</span>" if r.small else ""
        rows.append(
            f"<tr><td>{escape(r.group)}{mark}</td><td class='n'>{r.documents:,}</td>"
            f"<td class='n'>{r.words:,}</td><td class='n'>{r.spans:,}</td>"
            f"<td class='n'>{_num(d.value if d else None)}</td>"
            f"<td class='n'>{_num(d.low if d else None)}–{_num(d.high if d else None)}</td>"
            f"<td class='n'>{r.with_span:,} ({_pct(r.share.value)})</td>"
            f"<td class='n'>{_pct(r.share.low)}–{_pct(r.share.high)}</td></tr>")
    return head + "".join(rows) + "</table>"


def _terms_section(page: _Page, terms: Any, name: str) -> None:
    page.add(f"<h3>{escape(name)}</h3>")
    if terms.message:
        page.add(f"<p>{escape(terms.message)}</p>")
        return
    groups = list(terms.groups)[:8]
    head = "".join(f"<th>z {escape(g)}</th>" for g in groups)
    rows = "".join(
        f"<tr><td>{escape(r.term)}</td><td class='n'>{r.count:,}</td>"
        f"<td class='n'>{r.documents:,}</td>"
        + "".join(f"<td class='n'>{r.z.get(g, 0.0):+.2f}</td>" for g in groups) + "</tr>"
        for r in terms.rows[:20])
    page.add(f"<p class='note'>{terms.spans:,} spans with words; terms per group: "
             + ", ".join(f"{escape(g)} {n:,}" for g, n in terms.group_totals.items()) + "</p>")
    page.add(f"<table><tr><th>term</th><th>spans</th><th>documents</th>{head}</tr>{rows}</table>")
    typical = [(g, terms.distinctive(g, 5)) for g in groups]
    items = "".join(f"<li><strong>{escape(g)}</strong>: "
                    + ", ".join(f"{escape(r.term)} ({r.z[g]:+.1f})" for r in found) + "</li>"
                    for g, found in typical if found)
    if items:
        page.add(f"<p class='note'>Most distinctive per group (z):</p><ul>{items}</ul>")
    for note in terms.notes:
        page.add(f"<p class='note'>{escape(note)}</p>")


def _document_labels(page: _Page, data: Dataset, scheme: Any, layer: str, by: str) -> None:
    page.add(f"<h2>Frames and slant, by {escape(by)}</h2>")
    if not data.choices:
        page.add("<p>The scheme has no choice document labels.</p>")
        return
    for definition in scheme.document_labels:
        if definition.key not in data.choices:
            continue
        dist = distribution(data, definition.key, layer, by=by)
        page.add(f"<h3>{escape(definition.name)}</h3>")
        if dist.message:
            page.add(f"<p>{escape(dist.message)}</p>")
            continue
        fig = charts.new_figure()
        charts.distribution_chart(fig, dist, definition.name)
        page.figure(fig, f"{definition.name} by {by}")
        used = [v for v in dist.values if any(c.get(v, 0) for c in dist.counts.values())]
        head = "".join(f"<th>{escape(str(v))}</th>" for v in used)
        rows = "".join(f"<tr><td>{escape(g)}</td><td class='n'>{dist.labelled[g]:,} of "
                       f"{dist.documents[g]:,}</td>"
                       + "".join(f"<td class='n'>{c.get(v, 0)}</td>" for v in used)
                       + "</tr>" for g, c in dist.counts.items())
        page.add(f"<table><tr><th>group</th><th>labelled</th>{head}</tr>{rows}</table>")


def _agreement(page: _Page, project: Project) -> None:
    from ..agreement import measure

    page.add("<h2>Agreement</h2>")
    try:
        result = measure(project, per_document=True)
    except AnnotatorError as exc:
        page.add(f"<p>{escape(str(exc))}</p>")
        return
    overall = [f for f in result.figures if f.label is None and f.method in SHOWN_METHODS]
    if not overall or all(f.value is None for f in overall):
        reason = next((f.reason for f in overall if f.reason), "not enough data")
        page.add(f"<p>Not enough data: {escape(reason.removeprefix('not enough data: '))}.</p>")
    else:
        page.add(f"<p class='note'>Annotators: {', '.join(map(escape, result.annotators))} "
                 f"(reference: {escape(result.reference or '')}); {result.documents:,} documents "
                 "every one of them worked on; all labels together.</p>")
        rows = "".join(
            f"<tr><td>{escape(NAMES.get(f.measure, f.measure))}</td><td>{escape(f.method)}</td>"
            f"<td>{escape(' vs '.join(f.annotators))}</td><td class='n'>{_num(f.value)}</td>"
            f"<td class='note'>{escape(f.reason)}</td></tr>" for f in overall)
        page.add("<table><tr><th>measure</th><th>method</th><th>annotators</th><th>value</th>"
                 f"<th></th></tr>{rows}</table>")
        used = dict.fromkeys(f.measure for f in overall)
        page.add("<dl class='note'>" + "".join(f"<dt>{escape(NAMES[m])}</dt>"
                                               f"<dd>{escape(DEFINITIONS[m])}</dd>"
                                               for m in used if m in DEFINITIONS)
                 + "</dl>")
    for note in result.notes:
        page.add(f"<p class='note'>{escape(note)}</p>")
    periods, message = agreement_over_time(project, result)
    fig = charts.new_figure()
    charts.agreement_chart(fig, periods, message)
    if periods:
        page.figure(fig, "agreement over time")
    else:
        page.add(f"<p>{escape(message)}</p>")


def _process(page: _Page, project: Project) -> None:
    page.add("<h2>Annotation process</h2>")
    rows = pace(project)
    if not rows:
        page.add("<p>Not enough data: no annotator has worked yet.</p>")
        return
    body = "".join(
        f"<tr><td>{escape(p.annotator)}</td><td class='n'>{p.documents_done:,}</td>"
        f"<td class='n'>{p.hours:.1f}</td><td class='n'>{p.spans:,}</td>"
        f"<td class='n'>{_num(p.spans_per_hour)}</td><td class='n'>{_num(p.median_minutes)}"
        f" (n={p.timed_documents})</td><td class='note'>{escape(p.reason)}</td></tr>"
        for p in rows)
    page.add("<table><tr><th>annotator</th><th>documents done</th><th>hours</th>"
             "<th>spans made</th><th>spans per hour</th><th>median minutes per document</th>"
             f"<th></th></tr>{body}</table>")
    page.add(f"<p class='note'>Time is recorded while an annotator works in the window; pauses "
             f"over {IDLE_MINUTES} minutes are left out. Spans made: live spans drawn or accepted "
             "in the app (not imported).</p>")


def _scheme_section(page: _Page, scheme: Any) -> None:
    page.add(f"<h2>The scheme and its guidelines</h2><p>{escape(scheme.description)}</p><dl>")
    for label in scheme.labels:
        page.add(f"<dt><span class='swatch' style='background:{label.color}'></span>"
                 f"<strong>{escape(label.name)}</strong> <code>{escape(label.key)}</code></dt>"
                 f"<dd>{escape(label.description)}</dd>")
    for doc_label in scheme.document_labels:
        choices = f" ({', '.join(map(escape, doc_label.choices))})" if doc_label.choices else ""
        page.add(f"<dt><strong>{escape(doc_label.name)}</strong> (document){choices}</dt>"
                 f"<dd>{escape(doc_label.description)}</dd>")
    page.add("</dl>")
