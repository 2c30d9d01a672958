"""Command line: parse options, call the library, write the reports, choose the exit code.

Exit codes: 0 the audit ran (findings are not failures unless a gate asks); 1 a gate failed;
2 usage or configuration error; 3 internal failure.
"""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

import click

from . import __version__
from .agencies.registry import EMPTY_REGISTRY, load_registry
from .aggregate.gates import Gates, evaluate
from .aggregate.kpi import summarize
from .audit import AuditOptions, Progress, run_audit
from .errors import ConfigError, SigauditError
from .model import Verdict
from .report import FORMATTERS, ReportContext
from .run.pool import Limits, default_jobs
from .store.results import ResultStore, default_store_path
from .validation.trust import build_trust

EXIT_OK, EXIT_GATE, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3


def _fail(message: str, code: int) -> NoReturn:
    click.echo(f"sigaudit: error: {message}", err=True)
    sys.exit(code)


def _write(target: str, text: str, bom: bool = False) -> None:
    """Write a report to a file, or to stdout for '-'."""
    if target == "-":
        click.echo(text, nl=False)
        return
    path = Path(target)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8-sig" if bom else "utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot write {path}: {exc.strerror or exc}") from exc


def _progress_printer(
    enabled: bool,
) -> tuple[Callable[[Progress], None] | None, Callable[[], None]]:
    """A rich progress line on an interactive stderr; nothing when piped or in CI."""
    if not enabled:
        return None, lambda: None
    from rich.console import Console
    from rich.progress import Progress as Bar
    from rich.progress import SpinnerColumn, TextColumn, TimeElapsedColumn

    bar = Bar(
        SpinnerColumn(),
        TextColumn("{task.completed} documents"),
        TextColumn("{task.fields[rate]}"),
        TimeElapsedColumn(),
        TextColumn("{task.description}"),
        console=Console(stderr=True),
        transient=True,
    )
    task = bar.add_task("", total=None, rate="")
    bar.start()

    def update(p: Progress) -> None:
        elapsed = bar.tasks[0].elapsed or 0.0
        rate = f"{p.done / elapsed:.1f}/s" if elapsed > 0 else ""
        if p.reused:
            rate += f" ({p.reused} from the store)"
        bar.update(task, completed=p.done, description=p.path[-60:], rate=rate)

    return update, bar.stop


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="sigaudit")
def main() -> None:
    """Audit the digital signatures of state agencies' electronic documents."""


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--trust-roots",
    "trust_roots",
    multiple=True,
    type=click.Path(exists=True, path_type=Path),
    help="Trust anchor(s): PEM/DER file or folder. Repeatable. Added to the shipped Vietnamese roots.",
)
@click.option(
    "--other-certs",
    "other_certs",
    multiple=True,
    type=click.Path(exists=True, path_type=Path),
    help="Intermediate certificates for path building (never trusted as anchors). Repeatable.",
)
@click.option(
    "--no-shipped-roots",
    is_flag=True,
    help="Do not trust the shipped Vietnamese roots; only --trust-roots.",
)
@click.option(
    "--agencies",
    "agencies",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Agency registry CSV: code,name,level,parent_code,valid_from,valid_to.",
)
@click.option("--json", "json_out", metavar="FILE", help="Write the JSON report to FILE ('-' for stdout).")
@click.option("--csv", "csv_out", metavar="FILE", help="Write the CSV evidence to FILE ('-' for stdout).")
@click.option(
    "--fail-on",
    "fail_on",
    multiple=True,
    type=click.Choice([v.value for v in Verdict]),
    help="Exit 1 if any document has this verdict. Repeatable.",
)
@click.option(
    "--fail-under",
    "fail_under",
    type=click.FloatRange(0, 100),
    metavar="PCT",
    help="Exit 1 if the valid share of any level with documents is below PCT percent.",
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(1, 256),
    default=None,
    help="Worker processes for validation (default: number of CPU cores).",
)
@click.option(
    "--store",
    "store_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Result store (SQLite). Default: $XDG_CACHE_HOME/sigaudit/results.sqlite.",
)
@click.option("--no-store", is_flag=True, help="Keep no results: validate everything, record nothing.")
@click.option("--rescan", is_flag=True, help="Validate every document again, even if already in the store.")
@click.option(
    "--timeout",
    "timeout_s",
    type=click.FloatRange(min=1),
    default=120.0,
    show_default=True,
    help="Seconds one document may take; past that it is unreadable (timeout).",
)
@click.option(
    "--memory-limit",
    "memory_mb",
    type=click.IntRange(min=256),
    default=2048,
    show_default=True,
    help="MB of address space per worker; a document that needs more is unreadable (memory).",
)
@click.option(
    "--executor",
    type=click.Choice(["local", "dask"]),
    default="local",
    show_default=True,
    help="Where to validate: warm local worker processes, or a dask.distributed cluster.",
)
@click.option("--scheduler", metavar="ADDRESS", help="Dask scheduler address (with --executor dask).")
@click.option(
    "--shared-paths",
    is_flag=True,
    help="With Dask: workers read plain files from the same paths instead of receiving their bytes.",
)
@click.option("--quiet", "-q", is_flag=True, help="Print no table and no progress; only errors.")
def scan(
    paths: tuple[Path, ...],
    trust_roots: tuple[Path, ...],
    other_certs: tuple[Path, ...],
    no_shipped_roots: bool,
    agencies: Path | None,
    json_out: str | None,
    csv_out: str | None,
    fail_on: tuple[str, ...],
    fail_under: float | None,
    jobs: int | None,
    store_path: Path | None,
    no_store: bool,
    rescan: bool,
    timeout_s: float,
    memory_mb: int,
    executor: str,
    scheduler: str | None,
    shared_paths: bool,
    quiet: bool,
) -> None:
    """Validate every signed PDF under PATHS (folders, ZIPs, files) and report per level."""
    if json_out == "-" and csv_out == "-":
        _fail("--json - and --csv - cannot both write to stdout", EXIT_USAGE)
    if executor == "dask" and not scheduler:
        _fail("--executor dask needs --scheduler ADDRESS", EXIT_USAGE)
    if no_store and store_path is not None:
        _fail("--store and --no-store exclude each other", EXIT_USAGE)
    try:
        trust = build_trust(trust_roots, other_certs, use_shipped=not no_shipped_roots)
        registry = load_registry(agencies) if agencies else EMPTY_REGISTRY
        options = AuditOptions(
            paths=paths,
            trust=trust,
            registry=registry,
            jobs=jobs or default_jobs(),
            registry_path=str(agencies) if agencies else None,
            rescan=rescan,
            worker_limits=Limits(timeout_s=timeout_s, memory_mb=memory_mb),
            executor=executor,
            scheduler=scheduler,
            shared_paths=shared_paths,
        )
        interactive = sys.stderr.isatty() and not os.environ.get("CI") and not quiet
        update, stop = _progress_printer(interactive)
        store = None if no_store else ResultStore(store_path or default_store_path())
        try:
            run = run_audit(options, progress=update, store=store)
        finally:
            stop()
            if store is not None:
                store.close()
        summary = summarize(run.documents)
        gates = Gates(frozenset(Verdict(v) for v in fail_on), fail_under)
        failures = evaluate(gates, run.documents, summary)
        ctx = ReportContext(run, summary, tuple(failures))
        if json_out:
            _write(json_out, FORMATTERS["json"](ctx))
        if csv_out:
            _write(csv_out, FORMATTERS["csv"](ctx), bom=csv_out != "-")
        if not quiet:
            table = FORMATTERS["table"](ctx)
            # Keep stdout clean for a machine-readable report written there.
            click.echo(table, nl=False, err=json_out == "-" or csv_out == "-")
        elif failures:
            for failure in failures:
                click.echo(f"GATE FAILED: {failure}", err=True)
    except SigauditError as exc:
        _fail(str(exc), EXIT_USAGE)
    except Exception as exc:  # pragma: no cover - the last line of defence
        if os.environ.get("SIGAUDIT_DEBUG"):
            traceback.print_exc(file=sys.stderr)
        _fail(
            f"internal failure: {type(exc).__name__}: {exc} (set SIGAUDIT_DEBUG=1 for details)",
            EXIT_INTERNAL,
        )
    sys.exit(EXIT_GATE if failures else EXIT_OK)
