"""Decree 30-layout PDFs with a real Vietnamese text layer, for the text step's tests.

The pages are drawn by ``render_pages`` of scripts/make_sample_docs.py (DejaVu Serif embedded by
pyHanko), the same code that writes the sample archive, so what the tests read is what the sample holds.
"""

from __future__ import annotations

import importlib.util
import sys
from functools import cache
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parent.parent
Line = tuple[str, float, float, int, str]


@cache
def sample_script() -> ModuleType:
    script = REPO / "scripts" / "make_sample_docs.py"
    spec = importlib.util.spec_from_file_location("make_sample_docs", script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("make_sample_docs", module)
    spec.loader.exec_module(module)
    return module


def header(agency: list[str], number: str, place_date: str, parent: str | None = None) -> list[Line]:
    """The top of a first page: parent body and agency (left), motto (right), number and date."""
    lines: list[Line] = []
    y = 790.0
    for text in [*([parent] if parent else []), *agency]:
        lines.append((text, 150, y, 11, "c"))
        y -= 14
    lines += [
        ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 400, 790, 11, "c"),
        ("Độc lập - Tự do - Hạnh phúc", 400, 776, 11, "c"),
        (number, 150, y - 16, 11, "c"),
        (place_date, 400, y - 16, 11, "c"),
    ]
    return lines


def closing(recipients: list[str], signing: list[str], y: float = 300) -> list[Line]:
    """The end of a last page: ``Nơi nhận:`` (left, one entry per line) and the signing block (right)."""
    lines: list[Line] = [("Nơi nhận:", 72, y, 10, "l")]
    for i, entry in enumerate(recipients):
        lines.append((entry, 72, y - 13 * (i + 1), 9, "l"))
    for i, text in enumerate(signing):
        lines.append((text, 420, y - 14 * i, 11, "c"))
    return lines


def body(texts: list[str], y: float = 640) -> list[Line]:
    return [(t, 72, y - 16 * i, 11, "l") for i, t in enumerate(texts)]


def pdf(pages: list[list[Line]]) -> bytes:
    result: bytes = sample_script().render_pages(pages)
    return result


@cache
def bare_folder() -> ModuleType:
    """scripts/sample_bare.py: the plan of sample_docs/thu-muc-khong-metadata/ (what each letter says)."""
    script = REPO / "scripts" / "sample_bare.py"
    spec = importlib.util.spec_from_file_location("sample_bare", script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("sample_bare", module)
    spec.loader.exec_module(module)
    return module
