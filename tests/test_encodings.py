"""Legacy encodings as users meet them: Western news in Windows-1252 is read
right (not as cp1250), other languages keep their detection, and a user can
name the encoding (``import --encoding``)."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pytest

from annotator.cli import main
from annotator.formats import ReadOptions, import_files, read_files
from annotator.project import Project
from annotator.text import decode

ISSUE = "The naïve plan coûte cher, said the Ñandú society; l’œuvre “complète” costs 5 €."
TEXTS = [
    (ISSUE, "cp1252"),
    ("Le gouvernement a annoncé que la nouvelle loi entrera en vigueur en janvier. Les critiques "
     "disent que c’est une erreur coûteuse.", "cp1252"),
    ("O governo anunciou que a nova lei entrará em vigor em janeiro. Os críticos dizem que é um "
     "erro, não uma solução.", "cp1252"),
    ("Die Regierung kündigte an, dass das neue Gesetz im Januar nächsten Jahres in Kraft tritt. "
     "Kritiker sprechen von einem „Fehler“.", "cp1252"),
    ("El Gobierno anunció que la nueva ley entrará en vigor en enero del año próximo. ¿Los "
     "críticos? Dicen que es un error.", "cp1252"),
    ("Der Bürgermeister sagte, daß die Straße geschlossen wird. Größe: 5 m².", "latin-1"),
    ("Vláda oznámila, že nový zákon vstoupí v platnost v lednu příštího roku. Kritici říkají, "
     "že je to chyba.", "cp1250"),
    ("Rząd ogłosił, że nowa ustawa wejdzie w życie w styczniu przyszłego roku. Źródło: gazeta.",
     "cp1250"),
    ("Vlada je objavila da će novi zakon stupiti na snagu u siječnju sljedeće godine. Kritičari "
     "kažu da je pogreška.", "cp1250"),
    ("Hükümet, yeni yasanın önümüzdeki yıl ocak ayında yürürlüğe gireceğini açıkladı. Şişli ğ",
     "cp1254"),
    ("Правительство заявило, что новый закон вступит в силу в январе следующего года.", "cp1251"),
    ("Правительство заявило, что новый закон вступит в силу в январе следующего года.", "koi8-r"),
    ("Η κυβέρνηση ανακοίνωσε ότι ο νέος νόμος θα τεθεί σε ισχύ τον Ιανουάριο.", "cp1253"),
    ("政府は来年一月に新しい法律が施行されると発表した。批評家はこれを批判している。", "shift_jis"),
    ("政府宣布新法律将于明年一月生效。批评者对此表示强烈反对。", "gb18030"),
    ("הממשלה הודיעה כי החוק החדש ייכנס לתוקף בינואר בשנה הבאה. המבקרים אומרים שזו טעות.", "cp1255"),
]


@pytest.mark.parametrize("text, encoding", TEXTS, ids=[f"{e}-{t[:12]}" for t, e in TEXTS])
def test_legacy_text_is_decoded_as_written(text: str, encoding: str) -> None:
    assert decode(text.encode(encoding), "a.txt")[0] == text


def test_the_guess_names_windows_1252_and_lists_the_other_candidates() -> None:
    from annotator.text import detect_encoding

    guess = detect_encoding(ISSUE.encode("cp1252"))
    assert guess.encoding == "cp1252"
    assert "cp1250" in guess.candidates and "cp1252" not in guess.candidates
    assert detect_encoding("naïve 🙂".encode("utf-8")).encoding == "utf-8"
    assert detect_encoding(bytes(range(256)) * 4).encoding is None


def cli(*args: str) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            code = main(list(args))
        except SystemExit as exc:  # argparse: usage errors
            code = int(exc.code or 0)
    return code, err.getvalue()


def test_import_stores_windows_1252_right_and_says_so(project: Project, project_path: Path,
                                                      tmp_path: Path) -> None:
    path = tmp_path / "article.txt"
    path.write_bytes(ISSUE.encode("cp1252"))
    project.close()
    code, err = cli("import", "--project", str(project_path), str(path))
    assert code == 0 and f"decoded as cp1252 (not UTF-8): {path}" in err
    with Project.open(project_path) as p:
        assert p.document(1).text == ISSUE


def test_import_encoding_option(project: Project, project_path: Path, tmp_path: Path) -> None:
    polish = "Rząd ogłosił, że nowa ustawa wejdzie w życie."
    path = tmp_path / "a.txt"
    path.write_bytes(polish.encode("cp1250"))
    project.close()
    code, err = cli("import", "--project", str(project_path), "--encoding", "nonesuch", str(path))
    assert code == 2 and "unknown text encoding 'nonesuch'" in err
    code, err = cli("import", "--project", str(project_path), "--encoding", "utf-8", str(path))
    assert code == 1 and f"{path}:1: not valid utf-8" in err
    code, err = cli("import", "--project", str(project_path), "--encoding", "Windows-1250",
                    str(path))
    assert code == 0 and f"decoded as cp1250 (as chosen): {path}" in err
    with Project.open(project_path) as p:
        assert p.document(1).text == polish


def test_the_chosen_encoding_reaches_every_reader(project: Project, tmp_path: Path) -> None:
    """A file that detection would read otherwise: the user's choice wins."""
    jsonl = tmp_path / "a.jsonl"
    jsonl.write_bytes('{"text": "Ÿ ¹ ³ Ÿ"}\n'.encode("cp1252"))
    csv_file = tmp_path / "b.csv"
    csv_file.write_bytes("text\nŸ ¹ ³ Ÿ\n".encode("cp1252"))
    docs = read_files([jsonl, csv_file], options=ReadOptions(encoding="cp1252"))
    assert [d.text for d in docs] == ["Ÿ ¹ ³ Ÿ"] * 2
    report = import_files(project, [jsonl], annotator="ana", options=ReadOptions(encoding="cp1252"))
    assert f"decoded as cp1252 (as chosen): {jsonl}" in report.notes
