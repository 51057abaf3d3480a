"""suggest, suggesters, evaluate-suggestions and train."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..wording import plural
from . import add_project_options, annotator_of, open_from_args, stderr_progress


def add(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("suggest", help="list suggested spans (nothing is stored)",
                       description="List what the suggesters propose: not rejected, not "
                                   "already tagged by the annotator. Offsets are [start, end) "
                                   "in Unicode code points.")
    add_project_options(p)
    p.add_argument("--suggester", action="append", dest="suggesters", metavar="NAME",
                   help="only this suggester (repeatable; default: those switched on)")
    p.add_argument("--documents", nargs="+", default=[], metavar="ID",
                   help="only these documents (external or row ids)")
    p.add_argument("--lexicon", action="append", default=[], type=Path, metavar="FILE",
                   help="also use this lexicon file, for this run only (repeatable)")
    p.add_argument("--annotator", default=None,
                   help="whose spans hide suggestions (default: your user name)")
    p.add_argument("--json", action="store_true", help="one JSON object a line")
    p.set_defaults(func=suggest_)

    p = sub.add_parser("suggesters", help="list suggesters; switch them on or off",
                       description="List the project's suggesters and why any cannot run; "
                                   "switch them on or off and manage user lexicons.")
    add_project_options(p)
    p.add_argument("--enable", action="append", default=[], metavar="NAME")
    p.add_argument("--disable", action="append", default=[], metavar="NAME")
    p.add_argument("--add-lexicon", action="append", default=[], type=Path, metavar="FILE")
    p.add_argument("--remove-lexicon", action="append", default=[], type=Path, metavar="FILE")
    p.add_argument("--threshold", type=float, default=None,
                   help="score the trained model's suggestions need (default 0.5)")
    p.set_defaults(func=suggesters_)

    p = sub.add_parser("evaluate-suggestions",
                       help="precision, recall and F1 of each suggester against the spans",
                       description="Score each suggester against the live spans of documents "
                                   "that have any, per label.")
    add_project_options(p)
    p.add_argument("--suggester", action="append", dest="suggesters", metavar="NAME")
    p.add_argument("--annotator", action="append", default=[], dest="annotators", metavar="NAME",
                   help="reference spans of this annotator only (repeatable; default: all)")
    p.add_argument("--documents", nargs="+", default=[], metavar="ID")
    p.add_argument("--overlap", action="store_true",
                   help="count any overlap with the same label as a match (default: exact)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=evaluate_)

    p = sub.add_parser("train", help="train a span categorizer on the project's spans",
                       description="Train a spaCy span categorizer (CPU) on live spans and use "
                                   "it as the 'spancat' suggester.")
    add_project_options(p)
    p.add_argument("--labels", nargs="+", default=[], metavar="KEY",
                   help="only these labels (default: each label with enough short spans)")
    who = p.add_mutually_exclusive_group()
    who.add_argument("--annotator", action="append", default=[], dest="annotators",
                     metavar="NAME", help="spans of this annotator (repeatable; default: all)")
    who.add_argument("--gold", action="store_true", help="spans of the gold (adjudicated) layer")
    p.add_argument("--output", type=Path, default=None, metavar="DIR",
                   help="model folder (default: beside the project, <project>.models/spancat)")
    p.add_argument("--epochs", type=int, default=None,
                   help="passes over the data (default: 4-20, fewer for more data)")
    p.set_defaults(func=train_)


def suggest_(args: argparse.Namespace) -> int:
    from ..suggest.engine import Engine
    from ..suggest.lexicon import read_lexicon

    for path in args.lexicon:
        read_lexicon(path)  # a bad file is an error here, not a note
    with open_from_args(args) as project:
        engine = Engine(project, args.lexicon)
        for status in engine.status():
            if not status.available:
                print(f"note: {status.name} cannot run: {status.reason}", file=sys.stderr)
        annotator = annotator_of(project, args.annotator)
        engine.suggesters(args.suggesters)  # unknown names fail before any work
        for document in project.documents(args.documents):
            for s in engine.suggest(document.id, enabled=args.suggesters, annotator=annotator):
                text = document.text[s.start:s.end]
                if args.json:
                    print(json.dumps({"document": document.key, "start": s.start, "end": s.end,
                                      "label": s.label, "text": text, "suggester": s.suggester,
                                      "score": s.score, "reason": s.reason}, ensure_ascii=False))
                else:
                    shown = " ".join(text.split())
                    shown = shown if len(shown) <= 60 else shown[:57] + "..."
                    print(f"{document.key}\t{s.start}\t{s.end}\t{s.label}\t{s.suggester}\t"
                          f"{s.score:.2f}\t{shown}\t{s.reason}")
    return 0


def suggesters_(args: argparse.Namespace) -> int:
    from ..errors import AnnotatorError
    from ..suggest import add_lexicon, engine, remove_lexicon, set_enabled
    from ..suggest.engine import LEXICONS, THRESHOLD
    from ..suggest.lexicon import lexicon_name, read_lexicon

    if args.threshold is not None and not 0 < args.threshold < 1:
        raise AnnotatorError("--threshold must be between 0 and 1")
    with open_from_args(args) as project:
        # check everything first: a mistake anywhere changes nothing
        for path in args.add_lexicon:
            read_lexicon(path)
        listed = project.setting(LEXICONS, []) or []
        for path in args.remove_lexicon:
            if str(path.expanduser().resolve()) not in listed:
                raise AnnotatorError(f"{path} is not one of the project's lexicons")
        known = {s.name for s in engine(project).status()}
        known |= {lexicon_name(path) for path in args.add_lexicon}
        for name in args.enable + args.disable:
            if name not in known:
                raise AnnotatorError(f"no suggester {name!r}; there are: {', '.join(sorted(known))}")
        if args.threshold is not None:
            project.set_setting(THRESHOLD, args.threshold)
        for path in args.add_lexicon:
            add_lexicon(project, path)
        for path in args.remove_lexicon:
            remove_lexicon(project, path)
        for name in args.enable:
            set_enabled(project, name, True)
        for name in args.disable:
            set_enabled(project, name, False)
        for s in engine(project).status():
            state = ("on" if s.enabled else "off") if s.available else "unavailable"
            line = f"{s.name}\t{state}\t{s.title}"
            if s.labels:
                line += f"\tlabels: {', '.join(s.labels)}"
            if s.name.startswith("lexicon:") and s.available:
                line += "\tinflected forms: " + ("matched (lemmatizer)" if s.lemmas
                                                 else "only as listed (no lemmatizer)")
            if s.reason:
                line += f"\t{s.reason}"
            print(line)
    return 0


def evaluate_(args: argparse.Namespace) -> int:
    from ..suggest.evaluate import evaluate

    with open_from_args(args) as project:
        result = evaluate(project, enabled=args.suggesters, annotators=args.annotators,
                          documents=args.documents, overlap=args.overlap,
                          progress=stderr_progress("evaluating"))
    if args.json:
        print(json.dumps({"documents": result.documents, "match": "overlap" if args.overlap
                          else "exact", "scores": [
            {"suggester": s.suggester, "label": s.label, "predicted": s.predicted,
             "correct": s.correct, "reference": s.reference, "found": s.found,
             "precision": s.precision, "recall": s.recall, "f1": s.f1}
            for s in result.scores]}, indent=2))
        _notes(result.notes)
        return 0
    print(f"{plural(result.documents, 'document')} with spans; "
          f"{'overlap' if args.overlap else 'exact'} match")
    print(f"{'suggester':<24} {'label':<22} {'pred':>6} {'ref':>6} "
          f"{'precision':>9} {'recall':>7} {'F1':>6}")
    for s in result.scores:
        print(f"{s.suggester:<24} {'(all)' if s.label == '*' else s.label:<22} "
              f"{s.predicted:>6} {s.reference:>6} {_pct(s.precision):>9} {_pct(s.recall):>7} "
              f"{_pct(s.f1):>6}")
    _notes(result.notes)
    return 0


def _notes(notes: list[str]) -> None:
    sys.stdout.flush()
    for note in notes:
        print(f"note: {note}", file=sys.stderr)


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"


def train_(args: argparse.Namespace) -> int:
    from ..errors import AnnotatorError
    from ..suggest.engine import MODEL
    from ..suggest.learned import gold_annotators, model_dir, train

    with open_from_args(args) as project:
        annotators = gold_annotators(project) if args.gold else args.annotators
        if args.gold and not annotators:
            raise AnnotatorError("the project has no gold layer yet")
        report = train(project, labels=args.labels, annotators=annotators,
                       output=args.output, epochs=args.epochs,
                       progress=stderr_progress("training"))
        if args.output is not None and args.output != model_dir(project):
            project.set_setting(MODEL, str(args.output.resolve()))
    for note in report.notes:
        print(f"note: {note}", file=sys.stderr)
    print(report.summary())
    return 0
