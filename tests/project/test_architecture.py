"""Imports run one way (CONTRIBUTING.md, "Architecture"): read from the source with ``ast``, every import
counted — also those inside a function or under ``TYPE_CHECKING``, where a cycle hides.

The bottom (values and helpers every stage shares) imports no stage; each stage imports only those
below it; the command line is on top and nothing imports it; only ``validation/`` and ``signing/`` import
pyHanko and only the command line (``cli.py``, ``cli_help.py``, ``deliver_cli.py``) imports Click.
"""

from __future__ import annotations

import ast
import functools
from dataclasses import dataclass
from pathlib import Path

import sigaudit

PACKAGE = Path(sigaudit.__file__).parent

# Modules below every stage, each importing only those before it in this list.
BOTTOM = ("text", "errors", "files", "native", "rows", "runwarnings", "model", "codec")
# The stages and what sits on them, lowest first: each may import the bottom and what comes before it.
LAYERS = (
    "sources",
    "content",
    "agencies",
    "validation",
    "run",
    "store",
    "aggregate",
    "report",
    "signing",
    "config",
    "audit",
    "deliver",
    "commands",
    "deliver_cli",
    "cli_help",
    "cli",
    "__main__",
)
STAGES = ("sources", "content", "agencies", "validation", "run", "store", "aggregate", "report", "signing")
# Which stages each stage reads (besides the bottom). A new arrow is a decision, made here in review: a
# helper two stages share goes to the bottom instead (as the text folding did, from sources/manifest.py
# to text.py, and the Decree 30 agency check, from validation/ to model.py).
MAY_IMPORT = {
    "sources": (),
    # What the pages say (text layer, Decree 30 fields): only PDFium and the values at the bottom.
    "content": (),
    "agencies": ("sources",),  # manifest rows and the walk's findings name the agencies
    "validation": (),
    # Documents from the walk, validated in worker processes; the same workers read the pages' text
    # (content/), so each document's bytes are handed over once and the text step shares its limits.
    "run": ("sources", "validation", "content"),
    "store": ("sources",),  # the file stamps that let a re-scan skip unchanged files
    "aggregate": (),
    "report": ("agencies", "aggregate", "store", "validation"),  # the listing, the KPI, stored rows, policy
    "signing": (),  # sigaudit's own report signed: pyHanko's signers, nothing of the pipeline
    "config": ("aggregate", "sources"),  # the plan's targets, the manifest's column names
}


@dataclass(frozen=True)
class Import:
    """One import statement's target, where it is written."""

    module: str  # e.g. "sigaudit.model", "pyhanko.sign"
    file: str  # relative to the package, e.g. "store/results.py"
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line} imports {self.module}"


@functools.cache
def imports(package: Path = PACKAGE) -> dict[str, tuple[Import, ...]]:
    """Every module's imports by its unit (the top-level module or sub-package: "model", "store"…);
    a ``from . import name`` counts as importing ``name``'s module too."""
    found: dict[str, list[Import]] = {}
    for path in sorted(package.rglob("*.py")):
        relative = path.relative_to(package)
        dotted = [package.name, *relative.with_suffix("").parts]
        if dotted[-1] == "__init__":
            dotted.pop()
        here = dotted if path.name == "__init__.py" else dotted[:-1]
        unit = relative.parts[0].removesuffix(".py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = here[: len(here) - node.level + 1] if node.level else []
                module = ".".join([*base, *([node.module] if node.module else [])])
                targets = [module, *(f"{module}.{alias.name}" for alias in node.names)]
            for target in targets:
                found.setdefault(unit, []).append(Import(target, relative.as_posix(), node.lineno))
    return {unit: tuple(items) for unit, items in found.items()}


def unit_of(module: str) -> str | None:
    """The sigaudit unit a module name belongs to (None: not sigaudit's, or the package itself)."""
    parts = module.split(".")
    if parts[0] != "sigaudit" or len(parts) < 2 or parts[1] == "__version__":
        return None
    return parts[1].removesuffix(".py")


def sigaudit_imports(unit: str) -> list[tuple[str, Import]]:
    return [(u, i) for i in imports().get(unit, ()) if (u := unit_of(i.module)) is not None and u != unit]


def test_the_reader_counts_imports_inside_functions() -> None:
    """run/pool.py loads the validation engine inside a function (pyHanko only where documents are
    validated): the reader must see it, or a hidden cycle would pass unnoticed."""
    lazy = [i for i in imports()["run"] if i.module == "sigaudit.validation.engine"]
    assert lazy and all(i.file == "run/pool.py" for i in lazy)


def test_every_module_is_in_a_layer() -> None:
    units = set(imports())
    assert units <= {*BOTTOM, *LAYERS, "__init__"}, (
        f"place {units - {*BOTTOM, *LAYERS, '__init__'}} in a layer"
    )


def test_the_model_imports_no_stage() -> None:
    """model.py is at the bottom: the values every stage shares, and the text helpers they need."""
    wrong = [str(i) for unit, i in sigaudit_imports("model") if unit not in BOTTOM[: BOTTOM.index("model")]]
    assert not wrong, wrong


def test_the_shared_text_helpers_import_nothing_of_sigaudit() -> None:
    assert not sigaudit_imports("text")


def test_the_bottom_imports_only_what_is_below_it() -> None:
    wrong = [
        str(i)
        for position, bottom in enumerate(BOTTOM)
        for unit, i in sigaudit_imports(bottom)
        if unit not in BOTTOM[:position]
    ]
    assert not wrong, wrong


def test_imports_run_down_the_layers() -> None:
    """A stage imports the bottom and the stages below it, never one above (reports read aggregates,
    aggregates read stored results…), so any stage can be read and tested without those above."""
    wrong = [
        str(i)
        for position, layer in enumerate(LAYERS)
        for unit, i in sigaudit_imports(layer)
        if unit not in BOTTOM and unit not in LAYERS[:position]
    ]
    assert not wrong, wrong


def test_each_stage_reads_only_the_stages_it_is_allowed_to() -> None:
    wrong = [
        str(i)
        for stage, allowed in MAY_IMPORT.items()
        for unit, i in sigaudit_imports(stage)
        if unit not in BOTTOM and unit not in allowed
    ]
    assert not wrong, wrong


def test_the_allowed_arrows_point_down_the_layers() -> None:
    """So no cycle can be allowed by the table above."""
    for stage, allowed in MAY_IMPORT.items():
        below = LAYERS[: LAYERS.index(stage)]
        assert set(allowed) <= set(below), f"{stage} may not import {set(allowed) - set(below)}"


def test_no_stage_imports_the_command_line_or_the_commands() -> None:
    above = ("cli", "commands", "audit", "config", "__main__")
    wrong = [str(i) for stage in STAGES for unit, i in sigaudit_imports(stage) if unit in above]
    assert not wrong, wrong


def test_the_store_does_not_import_validation_or_the_reports() -> None:
    """The store keeps its own form; the report layer builds the public JSON from it."""
    wrong = [str(i) for unit, i in sigaudit_imports("store") if unit in ("validation", "report", "aggregate")]
    assert not wrong, wrong


def test_only_validation_and_signing_import_pyhanko() -> None:
    """pyHanko validates in validation/ and signs sigaudit's own PDF report in signing/, nowhere else."""
    wrong = [
        str(i)
        for unit, found in imports().items()
        if unit not in ("validation", "signing")
        for i in found
        if i.module.split(".")[0] in ("pyhanko", "pyhanko_certvalidator")
    ]
    assert not wrong, wrong


def test_only_the_command_line_imports_click() -> None:
    """cli.py, with cli_help.py (its help's sections and examples) and deliver_cli.py, which declares the
    deliverables' options for it."""
    wrong = [
        str(i)
        for unit, found in imports().items()
        if unit not in ("cli", "cli_help", "deliver_cli")
        for i in found
        if i.module.split(".")[0] == "click"
    ]
    assert not wrong, wrong


# What running a command takes: the command line calls sigaudit.commands for these, never them itself.
PIPELINE_STEPS = (
    "sigaudit.audit.run_audit",
    "sigaudit.sources.walk.walk",
    "sigaudit.run.pool.WorkerPool",
    "sigaudit.store",
    "sigaudit.aggregate.exchange.classify",
    "sigaudit.aggregate.kpi.summarize",
    "sigaudit.aggregate.reconcile",
    "sigaudit.aggregate.gates.evaluate",
    "sigaudit.aggregate.diff",
    "sigaudit.agencies.listing",
    "sigaudit.report.FORMATTERS",
    "sigaudit.report.build",
    "sigaudit.report.documents",
    "sigaudit.report.etsi",
    "sigaudit.report.diff_report",
    "sigaudit.report.verify_view",
    "sigaudit.report.agencies_view",
)


def test_the_command_line_parses_and_calls_but_runs_no_pipeline_step() -> None:
    wrong = [str(i) for i in imports()["cli"] if i.module.startswith(PIPELINE_STEPS)]
    assert not wrong, wrong


def test_reading_attachments_loads_no_signature_machinery() -> None:
    """``sigaudit verify`` lists a file's attachments in the parent process: that must not load
    pyhanko.sign (0.3 s, and its DSA deprecation warning printed on stderr, silenced only in workers)."""
    import subprocess
    import sys

    probe = (
        "import sys, sigaudit.validation.attachments; "
        "print(sorted(m for m in sys.modules if m.startswith('pyhanko.sign')))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]" and done.stderr == ""
