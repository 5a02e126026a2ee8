"""The Vietnamese and English catalogues are complete, every key the code asks for exists, and the
pages, charts, UI parts and reports hold no user-facing text outside the catalogues."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest
from helpers import VI_LETTER

from dashboard.i18n import LANGS, STRINGS
from dashboard.reports import period as period_report

ROOT = Path(__file__).resolve().parents[1]
CODE = sorted(
    [
        ROOT / "app.py",
        *ROOT.glob("pages/*.py"),
        *ROOT.glob("src/dashboard/charts/*.py"),
        *ROOT.glob("src/dashboard/ui/*.py"),
        *ROOT.glob("src/dashboard/reports/*.py"),
    ]
)
#: what marks text a reader would see: a Vietnamese letter (VI_LETTER), or two words
WORDS = re.compile(r"[^\W\d_]{2,}\s+[^\W\d_]{2,}")
#: literals without Vietnamese that look like text but are not shown as such (why, each)
NOT_TEXT = [
    re.compile(r"^(top|bottom|middle|lower|upper) ?(left|right|center)?$"),  # plotly / matplotlib positions
    re.compile(r"^DejaVu Sans$"),  # a font name
    re.compile(r"^\s*<style>"),  # CSS
    re.compile(r"^[\s\"/>]*<[a-z/]"),  # SVG/HTML markup that the catalogue texts are put into
    re.compile(r"^\s*:host \{"),  # the map component's CSS
    re.compile(r"^\s*export default function"),  # the map component's JavaScript
]
CATALOGUES = {"i18n.STRINGS": STRINGS, "reports.period.LABELS": period_report.LABELS}


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


@pytest.mark.parametrize("name", CATALOGUES)
def test_every_key_has_both_languages_with_the_same_placeholders(name):
    for key, texts in CATALOGUES[name].items():
        assert set(texts) == set(LANGS), f"{name}[{key!r}] lacks {set(LANGS) - set(texts)}"
        assert all(texts[lang].strip() for lang in LANGS), f"{name}[{key!r}] is empty in a language"
        assert _fields(texts["vi"]) == _fields(texts["en"]), f"{name}[{key!r}] placeholders differ"


def test_the_catalogues_are_one_file_per_language_with_the_same_keys_in_the_same_order():
    """A key written twice in a file is refused by the TOML reader; a key in one language only, or in
    another place, would show one language's text in the other."""
    import tomllib

    from dashboard.i18n import LOCALES

    files = {lang: tomllib.loads((LOCALES / f"{lang}.toml").read_text(encoding="utf-8")) for lang in LANGS}

    def shape(doc, path=""):
        if isinstance(doc, dict):
            return [(f"{path}.{k}", shape(v, f"{path}.{k}")) for k, v in doc.items()]
        if isinstance(doc, list):
            return [shape(v, f"{path}[{i}]") for i, v in enumerate(doc)]
        return "text"

    assert shape(files["vi"]) == shape(files["en"])
    for kind in files["vi"]["reasons"]:  # the importers' reasons keep their placeholders in both
        for code, vi in files["vi"]["reasons"][kind].items():
            assert _fields(vi) == _fields(files["en"]["reasons"][kind][code]), (kind, code)


def test_no_catalogue_is_written_in_python_any_more():
    """One catalogue: the strings, the report's labels and methodology, and the importers' reasons all
    come from locales/ (no dict of texts left in i18n.py, reports/period.py or the importers)."""
    for rel in (
        "src/dashboard/i18n.py",
        "src/dashboard/reports/period.py",
        "src/dashboard/warehouse/importer.py",
        "src/dashboard/warehouse/official.py",
    ):
        for node in ast.walk(ast.parse((ROOT / rel).read_text(encoding="utf-8"))):
            if isinstance(node, ast.Dict) and len(node.keys) > 5:
                values = [v for v in node.values if isinstance(v, (ast.Dict, ast.Tuple))]
                assert not any(
                    isinstance(e, ast.Constant) and isinstance(e.value, str) and VI_LETTER.search(e.value)
                    for v in values
                    for e in ast.walk(v)
                ), f"{rel}:{node.lineno} holds texts"


def test_the_methodology_sheet_has_the_same_lines_in_both_languages():
    assert set(period_report.METHOD) == set(LANGS)
    assert len(period_report.METHOD["vi"]) == len(period_report.METHOD["en"])
    for (vi_name, vi_text), (en_name, en_text) in zip(period_report.METHOD["vi"], period_report.METHOD["en"]):
        assert _fields(vi_text) == _fields(en_text), (vi_name, en_name)


def _docstrings(tree: ast.AST) -> set[int]:
    out = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if (
            isinstance(body, list)
            and body
            and isinstance(body[0], ast.Expr)
            and isinstance(body[0].value, ast.Constant)
        ):
            out.add(id(body[0].value))
    return out


def _regex_patterns(tree: ast.AST) -> set[int]:
    return {
        id(a)
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "compile"
        for a in node.args
    }


def _log_messages(tree: ast.AST) -> set[int]:
    """The operator's log lines (log.warning("…")): for the server log, in English, not for a visitor."""
    levels = {"debug", "info", "warning", "error", "exception", "critical"}
    return {
        id(a)
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and getattr(node.func, "attr", "") in levels
        and getattr(getattr(node.func, "value", None), "id", "") in ("log", "logger")
        for a in node.args[:1]
    }


def _t_calls(tree: ast.AST):
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and getattr(node.func, "id", getattr(node.func, "attr", None)) == "t"
            and node.args
        ):
            yield node.args[0]


@pytest.mark.parametrize("path", CODE, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_user_facing_text_outside_the_catalogues(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _docstrings(tree) | _regex_patterns(tree) | _log_messages(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
            v = node.value
            # Vietnamese is always text; two words are, unless the literal is one of NOT_TEXT
            if VI_LETTER.search(v) or (WORDS.search(v) and not any(p.search(v) for p in NOT_TEXT)):
                found.append(f"line {node.lineno}: {v[:60]!r}")
    if path.name == "period.py":  # the report's own bilingual catalogue (LABELS, METHOD, the period rule)
        found = [f for f in found if not _in_catalogue_block(path, f)]
    assert not found, f"{path.relative_to(ROOT)} has text outside the catalogues: {found}"


def _in_catalogue_block(path: Path, finding: str) -> bool:
    line = int(finding.split(":")[0].split()[1])
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in tree.body:
        names = [t.id for t in getattr(node, "targets", []) if isinstance(t, ast.Name)]
        if isinstance(node, ast.FunctionDef):
            names = [node.name]
        if set(names) & {"LABELS", "METHOD", "period_rule"} and node.lineno <= line <= node.end_lineno:
            return True
    return False


@pytest.mark.parametrize("path", CODE, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_key_the_code_asks_for_exists(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    missing = []
    for arg in _t_calls(tree):
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
            if arg.value not in STRINGS:
                missing.append(arg.value)
        elif isinstance(arg, ast.JoinedStr) and isinstance(arg.values[0], ast.Constant):
            prefix = arg.values[0].value  # t(f"band_{x}"): some key must start so
            if not any(k.startswith(prefix) for k in STRINGS):
                missing.append(prefix + "…")
    assert not missing, f"{path.relative_to(ROOT)} asks for keys not in i18n.STRINGS: {missing}"
