"""Command line: parse the options, call the library — one function of :mod:`sigaudit.commands` per
command, which runs the pipeline and prints through ``click.echo`` — and choose the exit code.

Exit codes: 0 the audit ran (findings are not failures unless a gate asks); 1 a gate failed (for
``verify``: the document is not valid; a scan that finds nothing fails every gate set); 2 usage or
configuration error; 3 internal failure, or a report or the store could not be written because of the
machine; 128 + the signal's number when stopped: 130 Ctrl-C (SIGINT), 143 SIGTERM.
"""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import signal
import sqlite3
import sys
import tempfile
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from . import __version__, commands
from .agencies.registry import EMPTY_REGISTRY, load_registry
from .aggregate.exchange import Period
from .aggregate.gates import Gates
from .aggregate.kpi import PERIOD_KINDS
from .audit import AuditOptions, Progress, progress_text
from .cli_help import SectionedGroup
from .commands import Outputs, ReportRequest, ScanStore, Terminal
from .config import Config, OptionSpec, find_config, load_config
from .content import TextLimits
from .deliver import Deliverables
from .deliver_cli import deliverable_options
from .errors import ConfigError, OutputError, ScanInterrupted, SigauditError, Stopped, StoreError
from .model import Verdict
from .report.context import View
from .report.escape import terminal
from .report.terminal_text import cli_words, locale_language, trust_warning_text
from .run.pool import Limits, default_jobs
from .sources.walk import WalkLimits
from .validation.policy import ValidationPolicy, load_policy
from .validation.trust import DEFAULT_ONLINE_TIMEOUT_S, TrustConfig, build_trust

EXIT_OK, EXIT_GATE, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
F = TypeVar("F", bound=Callable[..., Any])


def _fail(message: str, code: int, lang: str = "en") -> NoReturn:
    """Say ``message`` (an error's text: English, as the stage raised it) in the frame of ``lang``."""
    click.echo(cli_words(lang)["error"].format(message=terminal(message)), err=True)
    sys.exit(code)


def _guarded(func: F) -> F:
    """Turn library errors into exit code 2 and anything unexpected into exit code 3, in words: those of
    the command's --lang, else the locale's."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        lang = _language(kwargs.get("lang"))
        words = cli_words(lang)
        try:
            with _stop_on_signals():
                return func(*args, **kwargs)
        except KeyboardInterrupt as exc:
            _stopped(exc, lang)
        except (StoreError, OutputError) as exc:
            _fail(str(exc), EXIT_INTERNAL, lang)
        except SigauditError as exc:
            _fail(str(exc), EXIT_USAGE, lang)
        except sqlite3.OperationalError as exc:  # e.g. a full disk under the store or the run's spool
            _fail(words["database"].format(detail=exc, tmp=tempfile.gettempdir()), EXIT_INTERNAL, lang)
        except Exception as exc:  # the last line of defence: never a bare traceback
            if os.environ.get("SIGAUDIT_DEBUG"):
                traceback.print_exc(file=sys.stderr)
            _fail(words["internal"].format(kind=type(exc).__name__, detail=exc), EXIT_INTERNAL, lang)

    return wrapper  # type: ignore[return-value]


@contextlib.contextmanager
def _stop_on_signals() -> Iterator[None]:
    """Ctrl-C (SIGINT) and SIGTERM stop the command as a :class:`Stopped` that says which signal it
    was; a second signal while the command cleans up is ignored (the cleanup is short)."""
    received: list[int] = []

    def stop(signum: int, _frame: object) -> None:
        if not received:
            received.append(signum)
            raise Stopped(signum)

    saved = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)


def _stopped(exc: KeyboardInterrupt, lang: str = "en") -> NoReturn:
    """Say what a stop kept and exit 128 + the signal's number (130 for Ctrl-C, 143 for SIGTERM)."""
    signum = exc.signum if isinstance(exc, Stopped) else signal.SIGINT
    name, words = signal.Signals(signum).name, cli_words(lang)
    if isinstance(exc, ScanInterrupted):
        kept = words["kept_nothing"]
        if exc.store is not None:
            kept = words["kept"].format(saved=exc.saved, store=exc.store)
        click.echo(words["stopped_kept"].format(signal=name, kept=terminal(kept)), err=True)
    else:
        click.echo(words["stopped"].format(signal=name), err=True)
    sys.exit(128 + signum)


def _screen(lang: str | None) -> Terminal:
    """The terminal the table goes to: its width when standard output is one (else $COLUMNS, else
    150, the width logs and the README show), and ``lang``, else the locale's language."""
    width = 150
    if sys.stdout.isatty():
        width = shutil.get_terminal_size((150, 24)).columns
    elif os.environ.get("COLUMNS", "").isdigit():
        width = int(os.environ["COLUMNS"])
    return Terminal(width=max(width, 40), lang=_language(lang))


def _language(lang: str | None) -> str:
    """The language of what a command prints: ``lang`` (--lang), else the locale's."""
    return lang or locale_language(os.environ)


def _interactive(quiet: bool) -> bool:
    return sys.stderr.isatty() and not os.environ.get("CI") and not quiet


def _progress_printer(
    enabled: bool, lang: str = "en"
) -> tuple[Callable[[Progress], None] | None, Callable[[], None]]:
    """A rich progress line on an interactive stderr; nothing when piped or in CI."""
    if not enabled:
        return None, lambda: None
    from rich.console import Console
    from rich.progress import Progress as Bar
    from rich.progress import SpinnerColumn, TextColumn, TimeElapsedColumn

    bar = Bar(
        SpinnerColumn(),
        TextColumn("{task.fields[counts]}", markup=False),
        TimeElapsedColumn(),
        TextColumn("{task.description}", markup=False),  # a document path: text, never markup
        console=Console(stderr=True),
        transient=True,
    )
    task = bar.add_task("", total=None, counts="")
    bar.start()

    def update(p: Progress) -> None:
        elapsed = bar.tasks[0].elapsed or 0.0
        counts = progress_text(p, elapsed, lang)
        room = max(10, bar.console.width - len(counts) - 20)  # the path gets what the counts leave
        bar.update(task, completed=p.done, description=terminal(p.path[-room:]), counts=counts)

    return update, bar.stop


# --- options shared by several commands ------------------------------------------------------------
def trust_options(func: F) -> F:
    """--trust-roots, --other-certs, --no-shipped-roots."""
    func = click.option(
        "--no-shipped-roots",
        is_flag=True,
        help="Do not trust the shipped Vietnamese roots; only --trust-roots.",
    )(func)
    func = click.option(
        "--other-certs", "other_certs", multiple=True, type=click.Path(exists=True, path_type=Path),
        help="Intermediate certificates for path building (never trusted as anchors). Repeatable.",
    )(func)  # fmt: skip
    func = click.option(
        "--trust-roots", "trust_roots", multiple=True, type=click.Path(exists=True, path_type=Path),
        help="Trust anchor(s): PEM/DER file or folder. Repeatable. Added to the shipped Vietnamese roots.",
    )(func)  # fmt: skip
    return func


def policy_option(func: F) -> F:
    """--policy FILE: the validation policy (default: sigaudit.toml's ``policy``, else the shipped one)."""
    return click.option(
        "--policy", "policy_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
        default=None,
        help="Validation policy (TOML). Default: 'policy' in sigaudit.toml, else the shipped "
        "sigaudit-default policy.",
    )(func)  # fmt: skip


def _policy(policy_path: Path | None, config: Config) -> ValidationPolicy:
    """The policy the command line names, else the configuration's, else the shipped one."""
    return load_policy(policy_path if policy_path is not None else config.policy)


def revocation_options(func: F) -> F:
    """--revocation-dir, --online, --online-timeout: where revocation evidence may come from."""
    func = click.option(
        "--online-timeout", "online_timeout_s", type=click.FloatRange(min=0.1),
        default=DEFAULT_ONLINE_TIMEOUT_S, show_default=True, metavar="SECONDS",
        help="With --online: seconds one request (OCSP, CRL, issuer certificate) may take.",
    )(func)  # fmt: skip
    func = click.option(
        "--online", is_flag=True,
        help="Fetch OCSP responses, CRLs and missing issuer certificates from the URLs in the "
        "certificates (off by default: results then depend on the network and the time).",
    )(func)  # fmt: skip
    func = click.option(
        "--revocation-dir", "revocation_dir", type=click.Path(file_okay=False, path_type=Path),
        default=None, metavar="DIR",
        help="Folder of CRLs (.crl, DER or PEM) and OCSP responses (.ocsp/.der, DER) to use as "
        "revocation evidence besides what the documents carry.",
    )(func)  # fmt: skip
    return func


@dataclass(frozen=True)
class Revocation:
    """The revocation options of a validating command."""

    revocation_dir: Path | None = None
    online: bool = False
    online_timeout_s: float = DEFAULT_ONLINE_TIMEOUT_S


def lang_option(func: F) -> F:
    """--lang for a command whose only words are on the terminal (verify, diff, runs, agencies)."""
    return click.option(
        "--lang", type=click.Choice(["vi", "en"]), default=None,
        help="Language of what is printed. Default: the locale (vi_VN: Vietnamese, else English).",
    )(func)  # fmt: skip


def store_option(func: F) -> F:
    return click.option(
        "--store", "store_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
        help="Result store (SQLite). Default: $XDG_CACHE_HOME/sigaudit/results.sqlite.",
    )(func)  # fmt: skip


def gate_options(func: F) -> F:
    func = click.option(
        "--fail-under", "fail_under", type=click.FloatRange(0, 100), metavar="PCT",
        help="Exit 1 if the KPI's valid share of any level is below PCT percent (or nothing is "
        "measurable, or nothing is found).",
    )(func)  # fmt: skip
    func = click.option(
        "--fail-on", "fail_on", multiple=True, type=click.Choice([v.value for v in Verdict]),
        help="Exit 1 if any document has this verdict (or nothing is found). Repeatable.",
    )(func)  # fmt: skip
    return func


def report_options(func: F) -> F:
    func = click.option(
        "--lang", type=click.Choice(["vi", "en"]), default=None,
        help="Language of the terminal table, the HTML dashboard, the workbook and the PDF report. "
        "Default: the table follows the locale (vi_VN: Vietnamese, else English), reports: Vietnamese.",
    )(func)  # fmt: skip
    func = click.option(
        "--etsi-report", "etsi_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
        help="Write an ETSI TS 119 102-2 validation report per signed document into DIR.",
    )(func)  # fmt: skip
    func = click.option(
        "--csv-raw", "csv_raw", is_flag=True,
        help="Write CSV cells exactly as found: no ' before document text that a spreadsheet would take "
        "for a formula (=, +, -, @, tab, CR). For programs, not spreadsheets.",
    )(func)  # fmt: skip
    func = click.option("--html", "html_out", metavar="FILE", help="Write the HTML dashboard to FILE.")(func)
    func = click.option(
        "--csv", "csv_out", metavar="FILE", help="Write the CSV evidence to FILE ('-' for stdout)."
    )(func)
    func = click.option(
        "--json", "json_out", metavar="FILE", help="Write the JSON report to FILE ('-' for stdout)."
    )(func)
    return func


def period_options(func: F) -> F:
    """--since, --until, --period: which documents the KPI covers and how it is broken down."""
    func = click.option(
        "--period", "period_kind", type=click.Choice(list(PERIOD_KINDS)), default=None,
        help="Also break the KPI down by month, quarter or year of the document date.",
    )(func)  # fmt: skip
    func = click.option(
        "--until", type=click.DateTime(["%Y-%m-%d"]), default=None, metavar="YYYY-MM-DD",
        help="Count only documents dated on or before this day.",
    )(func)  # fmt: skip
    func = click.option(
        "--since", type=click.DateTime(["%Y-%m-%d"]), default=None, metavar="YYYY-MM-DD",
        help="Count only documents dated on or after this day.",
    )(func)  # fmt: skip
    return func


def _view(since: datetime | None, until: datetime | None, period_kind: str | None) -> View:
    if since and until and since > until:
        raise ConfigError("--since is after --until")
    period = Period(since.date() if since else None, until.date() if until else None)
    return View(period, period_kind)


def _trust(
    trust_roots: tuple[Path, ...],
    other_certs: tuple[Path, ...],
    no_shipped_roots: bool,
    revocation: Revocation = Revocation(),  # frozen
    lang: str = "en",
) -> TrustConfig:
    """The trust configuration, its warnings printed in ``lang``."""
    trust = build_trust(
        trust_roots,
        other_certs,
        use_shipped=not no_shipped_roots,
        revocation_dir=revocation.revocation_dir,
        online=revocation.online,
        online_timeout_s=revocation.online_timeout_s,
    )
    for notice in trust.notices:
        message = terminal(trust_warning_text(notice, lang))
        click.echo(cli_words(lang)["warning"].format(message=message), err=True)
    return trust


def _config(ctx: click.Context) -> Config:
    config = ctx.find_object(Config)
    return config if config is not None else Config()


# --- the commands ----------------------------------------------------------------------------------
@click.group(
    cls=SectionedGroup,
    context_settings={"help_option_names": ["-h", "--help"], "auto_envvar_prefix": "SIGAUDIT"},
)
@click.version_option(__version__, prog_name="sigaudit")
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    envvar="SIGAUDIT_CONFIG",
    help="Configuration file (default: ./sigaudit.toml when present).",
)
@click.pass_context
def main(ctx: click.Context, config_path: Path | None) -> None:
    """Audit the digital signatures of state agencies' electronic documents.

    Every option can also be set in sigaudit.toml ([scan], [report], [diff], [verify] tables) or by an
    environment variable SIGAUDIT_<COMMAND>_<OPTION>, e.g. SIGAUDIT_SCAN_FAIL_UNDER=95.
    """
    try:
        config = load_config(find_config(config_path), _option_specs(main))
    except SigauditError as exc:
        _fail(str(exc), EXIT_USAGE, _language(None))
    ctx.obj = config
    ctx.default_map = {name: dict(values) for name, values in config.defaults.items()}


def _option_specs(group: click.Group) -> dict[str, dict[str, OptionSpec]]:
    """Configuration keys each command accepts: its long option names without the leading dashes."""
    specs: dict[str, dict[str, OptionSpec]] = {}
    for name, command in group.commands.items():
        keys: dict[str, OptionSpec] = {}
        for param in command.params:
            if not isinstance(param, click.Option) or param.name is None:
                continue
            for opt in param.opts:
                if opt.startswith("--"):
                    keys[opt[2:]] = OptionSpec(param.name, isinstance(param.type, click.Path))
        specs[name] = keys
    return specs


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@trust_options
@policy_option
@revocation_options
@click.option(
    "--agencies", "agencies", type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Agency registry CSV: code,name,level,parent_code,valid_from,valid_to.",
)  # fmt: skip
@report_options
@gate_options
@click.option(
    "--jobs", "-j", type=click.IntRange(1, 256), default=None,
    help="Worker processes for validation (default: number of CPU cores).",
)  # fmt: skip
@store_option
@click.option(
    "--no-store",
    is_flag=True,
    help="Keep no results: validate everything, record nothing (a scratch store, deleted at the end, "
    "holds them for the reports).",
)
@click.option("--rescan", is_flag=True, help="Validate every document again, even if already in the store.")
@click.option(
    "--rehash", is_flag=True,
    help="Read and hash every file, even those unchanged (inode, size, mtime, ctime) since the last run.",
)  # fmt: skip
@click.option(
    "--compare",
    is_flag=True,
    help="After the scan, list what changed since the previous stored run of the same inputs.",
)
@click.option(
    "--timeout", "timeout_s", type=click.FloatRange(min=1), default=120.0, show_default=True,
    help="Seconds one document may take; past that it is unreadable (timeout).",
)  # fmt: skip
@click.option(
    "--memory-limit", "memory_mb", type=click.IntRange(min=256), default=2048, show_default=True,
    help="MB of address space per worker; a document that needs more is unreadable (memory).",
)  # fmt: skip
@click.option(
    "--max-file-mb", "max_file_mb", type=click.IntRange(min=1, max=4096), default=512, show_default=True,
    help="Largest file or ZIP member read, in MiB; a larger one is unreadable (too large). The memory "
    "this process needs grows with it (the workers' is --memory-limit).",
)  # fmt: skip
@click.option(
    "--executor", type=click.Choice(["local", "dask"]), default="local", show_default=True,
    help="Where to validate: warm local worker processes, or a dask.distributed cluster.",
)  # fmt: skip
@click.option("--scheduler", metavar="ADDRESS", help="Dask scheduler address (with --executor dask).")
@click.option(
    "--shared-paths", is_flag=True,
    help="With Dask: workers read plain files from the same paths instead of receiving their bytes.",
)  # fmt: skip
@click.option(
    "--no-text", is_flag=True,
    help="Do not read the documents' first and last pages (agency, number, date, Nơi nhận): for exports "
    "whose metadata names every agency and recipient.",
)  # fmt: skip
@period_options
@click.option("--quiet", "-q", is_flag=True, help="Print no table and no progress; only errors.")
@click.option(
    "--verbose", "-v", is_flag=True, help="Also list every document that is not valid, with its reason."
)
@click.pass_context
@_guarded
@deliverable_options
def scan(
    ctx: click.Context,
    paths: tuple[Path, ...],
    trust_roots: tuple[Path, ...],
    other_certs: tuple[Path, ...],
    no_shipped_roots: bool,
    policy_path: Path | None,
    revocation_dir: Path | None,
    online: bool,
    online_timeout_s: float,
    agencies: Path | None,
    json_out: str | None,
    csv_out: str | None,
    html_out: str | None,
    etsi_dir: Path | None,
    csv_raw: bool,
    lang: str | None,
    fail_on: tuple[str, ...],
    fail_under: float | None,
    jobs: int | None,
    store_path: Path | None,
    no_store: bool,
    rescan: bool,
    rehash: bool,
    compare: bool,
    timeout_s: float,
    memory_mb: int,
    max_file_mb: int,
    executor: str,
    scheduler: str | None,
    shared_paths: bool,
    no_text: bool,
    since: datetime | None,
    until: datetime | None,
    period_kind: str | None,
    quiet: bool,
    verbose: bool,
    deliver: Deliverables,
) -> None:
    """Validate every signed PDF under PATHS (folders, ZIPs, files) and report per level."""
    if executor == "dask" and not scheduler:
        raise ConfigError("--executor dask needs --scheduler ADDRESS")
    store = ScanStore(store_path, scratch=no_store, compare=compare)
    config = _config(ctx)
    view = _view(since, until, period_kind)
    options = AuditOptions(
        paths=paths,
        trust=_trust(
            trust_roots,
            other_certs,
            no_shipped_roots,
            Revocation(revocation_dir, online, online_timeout_s),
            _language(lang),
        ),
        registry=load_registry(agencies) if agencies else EMPTY_REGISTRY,
        jobs=jobs or default_jobs(),
        registry_path=str(agencies) if agencies else None,
        rescan=rescan,
        rehash=rehash,
        worker_limits=Limits(timeout_s=timeout_s, memory_mb=memory_mb),
        limits=WalkLimits(max_file_bytes=max_file_mb * 1024 * 1024, columns=config.columns),
        executor=executor,
        scheduler=scheduler,
        shared_paths=shared_paths,
        policy=_policy(policy_path, config),
        text=None if no_text else TextLimits(),
    )
    outputs = Outputs(json_out, csv_out, html_out, etsi_dir, lang or "vi", csv_raw, deliver)
    request = ReportRequest(outputs, view, _gates(fail_on, fail_under), config.targets, quiet, _screen(lang))
    update, stop = _progress_printer(_interactive(quiet), request.terminal.lang)
    failures = commands.scan(options, request, store, click.echo, update, stop, verbose)
    sys.exit(EXIT_GATE if failures else EXIT_OK)


def _gates(fail_on: tuple[str, ...], fail_under: float | None) -> Gates:
    return Gates(frozenset(Verdict(v) for v in fail_on), fail_under)


@main.command()
@store_option
@click.option("--run", "run_id", type=int, default=None, help="Run id in the store (default: the latest).")
@report_options
@gate_options
@period_options
@click.option("--quiet", "-q", is_flag=True, help="Print no table.")
@click.pass_context
@_guarded
@deliverable_options
def report(
    ctx: click.Context,
    store_path: Path | None,
    run_id: int | None,
    json_out: str | None,
    csv_out: str | None,
    html_out: str | None,
    etsi_dir: Path | None,
    csv_raw: bool,
    lang: str | None,
    fail_on: tuple[str, ...],
    fail_under: float | None,
    since: datetime | None,
    until: datetime | None,
    period_kind: str | None,
    quiet: bool,
    deliver: Deliverables,
) -> None:
    """Rebuild the reports of a stored run without validating again."""
    view = _view(since, until, period_kind)
    outputs = Outputs(json_out, csv_out, html_out, etsi_dir, lang or "vi", csv_raw, deliver)
    targets = _config(ctx).targets
    request = ReportRequest(outputs, view, _gates(fail_on, fail_under), targets, quiet, _screen(lang))
    failures = commands.report(store_path, run_id, request, click.echo)
    sys.exit(EXIT_GATE if failures else EXIT_OK)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--agencies", "agencies", type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Agency registry CSV: code,name,level,parent_code,valid_from,valid_to.",
)  # fmt: skip
@click.option(
    "--format", "output_format", type=click.Choice(["table", "csv", "json"]), default="table",
    show_default=True, help="How to print the list.",
)  # fmt: skip
@click.option("--output", "-o", "output", default="-", help="File to write (default: standard output).")
@click.option(
    "--csv-raw", "csv_raw", is_flag=True,
    help="With --format csv: cells exactly as found, no ' before a cell a spreadsheet would take for "
    "a formula.",
)  # fmt: skip
@lang_option
@click.pass_context
@_guarded
def agencies(
    ctx: click.Context,
    paths: tuple[Path, ...],
    agencies: Path | None,
    output_format: str,
    output: str,
    csv_raw: bool,
    lang: str | None,
) -> None:
    """List every agency the metadata under PATHS names, its level and how the level was decided.

    Reads manifests, registers and edXML packages only: nothing is validated and PDFs are not read.
    """
    registry = load_registry(agencies) if agencies else EMPTY_REGISTRY
    limits = WalkLimits(columns=_config(ctx).columns)
    commands.agencies(paths, registry, limits, output_format, output, csv_raw, click.echo, _language(lang))
    sys.exit(EXIT_OK)


@main.command()
@click.argument("old_run", type=int, required=False)
@click.argument("new_run", type=int, required=False)
@store_option
@click.option(
    "--json", "json_out", metavar="FILE", help="Write the differences as JSON to FILE ('-' for stdout)."
)
@click.option(
    "--force", is_flag=True, help="Compare runs even if they scanned different inputs (folders, files)."
)
@lang_option
@click.pass_context
@_guarded
def diff(
    ctx: click.Context,
    old_run: int | None,
    new_run: int | None,
    store_path: Path | None,
    json_out: str | None,
    force: bool,
    lang: str | None,
) -> None:
    """List what changed between two stored runs of the same inputs (default: the latest run and the
    one before it over the same inputs). See the run ids with 'sigaudit runs'."""
    commands.diff(
        store_path, old_run, new_run, json_out, _config(ctx).targets, click.echo, force, _language(lang)
    )


@main.command()
@store_option
@click.option(
    "--format", "output_format", type=click.Choice(["table", "json"]), default="table",
    show_default=True, help="How to print the list.",
)  # fmt: skip
@lang_option
@_guarded
def runs(store_path: Path | None, output_format: str, lang: str | None) -> None:
    """List the runs in the store: id, start, inputs, documents and % valid per level."""
    commands.runs(store_path, output_format, click.echo, _screen(lang))


@main.command()
@click.argument("file")
@trust_options
@policy_option
@revocation_options
@click.option(
    "--timeout", "timeout_s", type=click.FloatRange(min=1), default=120.0, show_default=True,
    help="Seconds the validation may take.",
)  # fmt: skip
@click.option(
    "--json", "json_out", metavar="FILE", help="Also write the document's JSON to FILE ('-' for stdout)."
)
@lang_option
@click.pass_context
@_guarded
def verify(
    ctx: click.Context,
    file: str,
    trust_roots: tuple[Path, ...],
    other_certs: tuple[Path, ...],
    no_shipped_roots: bool,
    policy_path: Path | None,
    revocation_dir: Path | None,
    online: bool,
    online_timeout_s: float,
    timeout_s: float,
    json_out: str | None,
    lang: str | None,
) -> None:
    """Show one PDF's signatures in detail: signer, role, time, revocation, changes, verdict.

    FILE is a PDF, or a path as the reports print it for a ZIP member or an edXML attachment
    (batch.zip!/2024/x.pdf). Exit code 0 when the document is valid, 1 when it is not.
    """
    revocation = Revocation(revocation_dir, online, online_timeout_s)
    trust = _trust(trust_roots, other_certs, no_shipped_roots, revocation, _language(lang))
    policy = _policy(policy_path, _config(ctx))
    doc = commands.verify(file, trust, policy, timeout_s, json_out, click.echo, _language(lang))
    sys.exit(EXIT_OK if doc.verdict == Verdict.VALID else EXIT_GATE)
