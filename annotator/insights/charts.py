"""The Insights charts, drawn with matplotlib on a figure the caller owns.

One drawing per chart serves the HTML report (as SVG) and the window (on a
Qt canvas). No pyplot: nothing global, no backend chosen here. Every chart
states its layer and denominators; intervals are drawn; groups of fewer than
``SMALL_N`` documents are hatched and starred. Bars carry their group as
``gid`` so a viewer can tell which one was clicked.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ..schemes import PALETTE
from .stats import SMALL_N, Distribution, Table

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from .process import Period

MAX_BARS = 25
_NOTE: dict[str, Any] = {"fontsize": 8, "color": "#444444"}


def _footer(fig: Figure, text: str) -> None:
    fig.text(0.01, 0.01, text, ha="left", va="bottom", wrap=True, **_NOTE)


def _bar_height(bars: int) -> float:
    return max(2.4, 0.9 + 0.32 * bars)


def density_chart(fig: Figure, table: Table, label_name: str, color: str, *,
                  sized: bool = True) -> None:
    """Spans per 1,000 words per group, with 95% intervals (horizontal bars).
    ``sized``: fit the figure's height to the bars (False on a canvas that has its own size)."""
    rows = [r for r in table.rows if r.density is not None]
    shown = sorted(rows, key=lambda r: -r.documents)[:MAX_BARS]
    shown = [r for r in table.rows if r in shown]  # keep the table's order (months in time)
    if sized:
        fig.set_size_inches(7.5, _bar_height(len(shown)) + 0.6)
    ax = fig.add_subplot()
    if not shown:
        ax.axis("off")
        ax.text(0.5, 0.5, table.message or "not enough data: no group has words", ha="center",
                va="center", transform=ax.transAxes)
        return
    ys = list(range(len(shown)))[::-1]
    for y, row in zip(ys, shown):
        density = row.density
        assert density is not None
        err = None
        if density.low is not None and density.high is not None:
            err = [[density.value - density.low], [density.high - density.value]]
        bar = ax.barh(y, density.value, xerr=err, color=color, edgecolor="#333333",
                      linewidth=0.6, hatch="///" if row.small else None,
                      alpha=0.55 if row.small else 1.0, capsize=3,
                      error_kw={"ecolor": "#222222", "elinewidth": 1})
        bar.patches[0].set_gid(row.group)
        bar.patches[0].set_picker(True)
    ax.set_yticks(ys, [f"{r.group}{' *' if r.small else ''} (n={r.documents})" for r in shown],
                  fontsize=8)
    ax.set_xlabel(f"{label_name} per 1,000 words")
    ax.set_title(f"{label_name} per 1,000 words, by {table.by}", fontsize=10, loc="left")
    ax.grid(axis="x", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    ax.spines[["top", "right"]].set_visible(False)
    more = f"; {len(shown)} of {len(rows)} groups (most documents) shown" \
        if len(rows) > len(shown) else ""
    _footer(fig, f"layer: {table.layer}; {table.documents:,} documents, {table.words:,} words; "
                 f"whiskers: 95% bootstrap interval ({table.resamples} resamples); "
                 f"* hatched: fewer than {SMALL_N} documents{more}")
    fig.tight_layout(rect=(0, 0.07, 1, 1))


def distribution_chart(fig: Figure, dist: Distribution, title: str, *,
                       sized: bool = True) -> None:
    """Share of each document-label value per group (stacked horizontal bars)."""
    groups = [g for g, n in dist.labelled.items() if n][:MAX_BARS]
    if sized:
        fig.set_size_inches(7.5, _bar_height(len(groups)) + 1.0)
    ax = fig.add_subplot()
    if not groups:
        ax.axis("off")
        ax.text(0.5, 0.5, dist.message or "not enough data", ha="center", va="center",
                transform=ax.transAxes)
        return
    ys = list(range(len(groups)))[::-1]
    left = [0.0] * len(groups)
    for i, value in enumerate(dist.values):
        shares = [dist.counts[g].get(value, 0) / dist.labelled[g] for g in groups]
        if not any(shares):
            continue
        ax.barh(ys, shares, left=left, color=PALETTE[i % len(PALETTE)], edgecolor="white",
                linewidth=0.5, label=str(value))
        left = [a + b for a, b in zip(left, shares)]
    ax.set_yticks(ys, [f"{g}{' *' if dist.labelled[g] < SMALL_N else ''} "
                       f"(n={dist.labelled[g]} of {dist.documents[g]})" for g in groups],
                  fontsize=8)
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(lambda x, _pos: f"{x:.0%}")
    ax.set_title(f"{title}, by {dist.by}", fontsize=10, loc="left")
    ax.legend(fontsize=7, ncols=4, loc="upper center", bbox_to_anchor=(0.5, -0.12), frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    _footer(fig, f"layer: {dist.layer}; share of the documents with {dist.key} set "
                 f"(n = labelled of the layer's documents); * fewer than {SMALL_N} documents")
    fig.tight_layout(rect=(0, 0.05, 1, 1))


def agreement_chart(fig: Figure, periods: Sequence[Period], message: str, *,
                    sized: bool = True) -> None:
    """Span F1 (overlap) per month of finished documents."""
    if sized:
        fig.set_size_inches(7.5, 2.8)
    ax = fig.add_subplot()
    points = [p for p in periods if p.value is not None]
    if not points:
        ax.axis("off")
        ax.text(0.5, 0.5, message or "not enough data: no month has a defined agreement",
                ha="center", va="center", transform=ax.transAxes)
        return
    xs = list(range(len(points)))
    ax.plot(xs, [p.value for p in points if p.value is not None], marker="o", color=PALETTE[4])
    ax.set_xticks(xs, [f"{p.month}\n(n={p.documents})" for p in points], fontsize=7)
    ax.set_ylim(-0.05, 1.05)
    ax.set_ylabel("span F1 (overlap)")
    ax.set_title("Agreement over time (documents finished each month)", fontsize=10, loc="left")
    ax.spines[["top", "right"]].set_visible(False)
    _footer(fig, "span F1, overlap matching, all labels, every annotator against the reference; "
                 "n: documents every compared annotator marked done that month")
    fig.tight_layout(rect=(0, 0.08, 1, 1))


def new_figure() -> Figure:
    from matplotlib.figure import Figure

    return Figure(layout=None)


def svg(fig: Figure) -> str:
    """The figure as an inline ``<svg>`` element (text kept as text, no date)."""
    import matplotlib

    out = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "insights"}):
        fig.savefig(out, format="svg", metadata={"Date": None})
    text = out.getvalue()
    return text[text.index("<svg"):]
