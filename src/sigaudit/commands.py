"""What each command does, one library function per command: ``scan``, ``report``, ``diff``, ``verify``
and ``agencies``.

The command line (:mod:`sigaudit.cli`) parses the options into the values these take (trust, policy,
registry, :class:`~sigaudit.audit.AuditOptions`, :class:`ReportRequest`), calls one of them and turns
what it returns into the exit code. Everything a command runs — the store it opens, the reports it
builds and writes, the runs it compares, the document it validates — is here, so the tests call the
same functions the command line does. Text for the terminal goes through an ``echo`` the caller passes
(the command line gives ``click.echo``), so this module does not import Click.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import sys
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Protocol

from .agencies.listing import list_agencies
from .agencies.registry import Registry
from .aggregate.diff import compare
from .aggregate.gates import Gates
from .aggregate.kpi import summarize
from .aggregate.targets import PLAN_TARGETS, Targets
from .audit import AuditOptions, ProgressCallback, run_audit
from .content import TextLimits
from .deliver import NO_DELIVERABLES, Deliverables, evidence, write_deliverables
from .errors import ConfigError, output_error
from .files import write_atomic
from .model import UNKNOWN_AGENCY, AuditRun, Counted, DocumentResult, ValidationOutcome, Verdict
from .report import FORMATTERS, ReportContext
from .report.agencies_view import render_agencies_csv, render_agencies_json, render_agencies_table
from .report.build import report_context
from .report.context import View
from .report.diff_report import render_diff_json, render_diff_text
from .report.documents import document_to_dict
from .report.escape import terminal
from .report.etsi import write_etsi_reports
from .report.i18n import VERDICTS
from .report.runs_view import StoredRunSummary, render_runs_json, render_runs_table
from .report.terminal_text import COMMAND_TEXT, TABLE_TEXT, gate_lines
from .report.verify_view import render_attachments, render_verify
from .run.pool import Limits, WorkerPool
from .sources.walk import Candidate, WalkLimits, walk
from .store.results import ResultStore, RunInfo, default_store_path
from .validation.policy import ValidationPolicy
from .validation.trust import TrustConfig


class Echo(Protocol):
    """Prints text for a person: to standard output, or standard error with ``err``; a newline after
    it unless ``nl`` is False. ``click.echo`` is one."""

    def __call__(self, message: str, *, nl: bool = True, err: bool = False) -> None: ...


def plain_echo(message: str, *, nl: bool = True, err: bool = False) -> None:
    """An :class:`Echo` for callers without Click: ``sys.stdout`` or ``sys.stderr``, as given."""
    stream: IO[str] = sys.stderr if err else sys.stdout
    stream.write(message + ("\n" if nl else ""))
    stream.flush()


@dataclass(frozen=True)
class Outputs:
    """Which reports to write, and where (``-`` is standard output)."""

    json_out: str | None = None
    csv_out: str | None = None
    html_out: str | None = None
    etsi_dir: Path | None = None
    lang: str = "vi"
    csv_raw: bool = False
    deliver: Deliverables = NO_DELIVERABLES  # --xlsx, --pdf and the PDF's signing


@dataclass(frozen=True)
class Terminal:
    """The terminal the table is printed on: its width in columns and the language of its words."""

    width: int = 150
    lang: str = "en"


@dataclass(frozen=True)
class ReportRequest:
    """The reports of a run: where they go, the KPI's view, the gates, the plan's targets, whether
    the terminal table is printed (``quiet``: only the failed gates, on standard error) and how."""

    outputs: Outputs = field(default_factory=Outputs)
    view: View = field(default_factory=View)
    gates: Gates = field(default_factory=Gates)
    targets: Targets = PLAN_TARGETS
    quiet: bool = False
    terminal: Terminal = field(default_factory=Terminal)


def write_output(target: str, text: str | Iterable[str], echo: Echo = plain_echo, bom: bool = False) -> None:
    """Write a report, given whole or in chunks, to a file or to standard output (through ``echo``) for '-'.

    A file is written beside its final name and renamed when complete, so a job that reads the
    report never sees half of one; a target that exists and is not a regular file (/dev/stderr, a
    pipe) is written directly, never replaced. A full disk is exit code 3, a bad path 2.
    """
    chunks = [text] if isinstance(text, str) else text
    if target == "-":
        for chunk in chunks:
            echo(chunk, nl=False)
        return
    write_atomic(Path(target), chunks, "utf-8-sig" if bom else "utf-8")


def _whole(text: str | Iterable[str]) -> str:
    return text if isinstance(text, str) else "".join(text)


def write_reports(run: AuditRun, request: ReportRequest, echo: Echo = plain_echo) -> tuple[str, ...]:
    """Summarise ``run``, judge the gates, write every requested report and print the table (or, when
    quiet, the failed gates); return the failed gates (empty: all passed)."""
    outputs = request.outputs
    if outputs.json_out == "-" and outputs.csv_out == "-":
        raise ConfigError("--json - and --csv - cannot both write to stdout")
    view, gates, targets = request.view, request.gates, request.targets
    with report_context(run, view, gates, targets, outputs.lang, outputs.csv_raw) as ctx:
        _write_reports(ctx, outputs, request.quiet, echo, request.terminal)
    return ctx.gate_failures


def _write_reports(
    ctx: ReportContext, outputs: Outputs, quiet: bool, echo: Echo, screen: Terminal = Terminal()
) -> None:
    """Write every requested report (the exchanges must still be open)."""
    json_out, csv_out, html_out = outputs.json_out, outputs.csv_out, outputs.html_out
    # The PDF report carries the JSON and CSV reports: then each is rendered once, whole, and the same
    # text is written and attached; otherwise they are written as they are rendered, in chunks.
    reports = None
    if outputs.deliver.pdf_out is not None:
        reports = (_whole(FORMATTERS["json"](ctx)), _whole(FORMATTERS["csv"](ctx)))
    if json_out:
        write_output(json_out, FORMATTERS["json"](ctx) if reports is None else reports[0], echo)
    if csv_out:
        csv_text = FORMATTERS["csv"](ctx) if reports is None else reports[1]
        write_output(csv_out, csv_text, echo, bom=csv_out != "-")
    if html_out:
        if "html" not in FORMATTERS:
            raise ConfigError("this installation has no HTML report")
        write_output(html_out, FORMATTERS["html"](ctx), echo)
    if outputs.deliver.wanted:
        write_deliverables(ctx, outputs.deliver, evidence(*reports) if reports is not None else None)
    if outputs.etsi_dir is not None:
        try:
            write_etsi_reports(ctx, outputs.etsi_dir)
        except OSError as exc:
            raise output_error(f"ETSI reports to {outputs.etsi_dir}", exc) from exc
    if not quiet:
        # Keep stdout clean for a machine-readable report written there.
        shown = dataclasses.replace(ctx, lang=screen.lang, width=screen.width)
        echo(_whole(FORMATTERS["table"](shown)), nl=False, err=json_out == "-" or csv_out == "-")
    else:
        gate_failed = TABLE_TEXT[_lang(screen.lang)]["gate_failed"]
        for failure in gate_lines(ctx, screen.lang):
            echo(f"{gate_failed}{terminal(failure)}", err=True)


@dataclass(frozen=True)
class ScanStore:
    """Where a scan keeps its results: ``path`` (None: the default store), or nowhere (``scratch``: a
    temporary store holds them for the reports, then goes); ``compare`` lists what changed since the
    previous run in the store afterwards."""

    path: Path | None = None
    scratch: bool = False
    compare: bool = False

    def __post_init__(self) -> None:
        if self.scratch and (self.path is not None or self.compare):
            raise ConfigError("--no-store excludes --store and --compare")


def scan(
    options: AuditOptions,
    request: ReportRequest,
    store: ScanStore = ScanStore(),  # frozen
    echo: Echo = plain_echo,
    progress: ProgressCallback | None = None,
    progress_done: Callable[[], None] = lambda: None,
    verbose: bool = False,
) -> tuple[str, ...]:
    """``sigaudit scan``: validate, record, write the reports (and with ``verbose`` list every document
    that is not valid, with ``store.compare`` what changed); return the failed gates.

    ``progress`` hears of each finished document and ``progress_done`` is called once validation
    ends, before anything is printed."""
    with contextlib.ExitStack() as resources:  # closed in reverse: the store, then its scratch folder
        if store.scratch:  # a scratch store holds the results for the reports to read, then goes
            scratch = Path(resources.enter_context(tempfile.TemporaryDirectory(prefix="sigaudit-run-")))
            results = resources.enter_context(ResultStore(scratch / "results.sqlite", temporary=True))
        else:
            results = resources.enter_context(ResultStore(store.path or default_store_path()))
        try:
            run = run_audit(options, progress=progress, store=results)
        finally:
            progress_done()
        words = COMMAND_TEXT[_lang(request.terminal.lang)]
        if not len(run.documents):
            shown = ", ".join(str(p) for p in options.paths)
            echo(terminal(words["nothing_found"].format(paths=shown)), err=True)
        failures = write_reports(run, request, echo)
        run_id = run.manifest.get("store_run_id")
        if run_id is not None and not request.quiet:
            echo(terminal(words["recorded"].format(run_id=run_id, path=results.path)),
                 err=request.outputs.json_out == "-" or request.outputs.csv_out == "-")  # fmt: skip
        if verbose:
            _list_problems(run.counted, echo, request.terminal.lang)
        if store.compare:
            _print_diff(results, None, None, None, request.targets, echo, lang=request.terminal.lang)
    return failures


def _lang(lang: str) -> str:
    """``lang`` if the terminal's words have it, else English."""
    return lang if lang in COMMAND_TEXT else "en"


def _list_problems(documents: Iterable[Counted], echo: Echo, lang: str = "en") -> None:
    for doc in documents:
        if doc.verdict != Verdict.VALID:
            verdict = f"{VERDICTS['vi'][doc.verdict]:14}" if lang == "vi" else f"{doc.verdict.value:13}"
            echo(terminal(f"{verdict} {doc.path}: {doc.reason}"), err=True)


def existing_store(store_path: Path | None) -> Path:
    """The store a command reads (``store_path``, else the default one); an error if there is none."""
    path = store_path or default_store_path()
    if not path.is_file():
        raise ConfigError(f"no result store at {path}: run 'sigaudit scan' first or give --store")
    return path


def report(
    store_path: Path | None, run_id: int | None, request: ReportRequest, echo: Echo = plain_echo
) -> tuple[str, ...]:
    """``sigaudit report``: rebuild the reports of a stored run (the latest when ``run_id`` is None)
    without validating again; return the failed gates."""
    with ResultStore(existing_store(store_path)) as store:  # the reports read the documents from it
        run = store.load_run(store.find_run(run_id))
        return write_reports(run, request, echo)


def diff(
    store_path: Path | None,
    old_id: int | None,
    new_id: int | None,
    json_out: str | None,
    targets: Targets = PLAN_TARGETS,
    echo: Echo = plain_echo,
    force: bool = False,
    lang: str = "en",
) -> None:
    """``sigaudit diff``: what changed between two stored runs (see :func:`runs_to_compare`), printed in
    ``lang``; runs over different inputs are refused unless ``force``."""
    with ResultStore(existing_store(store_path)) as store:
        _print_diff(store, old_id, new_id, json_out, targets, echo, force, lang)


def run_inputs(run: RunInfo) -> tuple[str, ...]:
    """The paths a stored run scanned, as its manifest records them (sorted: their order is no matter)."""
    inputs = run.manifest.get("inputs")
    return tuple(sorted(str(p) for p in inputs)) if isinstance(inputs, list) else ()


def runs_to_compare(
    store: ResultStore, old_id: int | None, new_id: int | None, force: bool = False
) -> tuple[RunInfo, RunInfo] | None:
    """The two runs to compare: both named; else the latest against ``old_id``, or against the latest
    earlier run over the same inputs (any earlier run with ``force``). None when no run is named and
    there is no such earlier run. Named runs over different inputs are an error unless ``force``:
    comparing two unrelated archives would only list every document as new or gone."""
    if new_id is not None:
        chosen = store.find_run(old_id), store.find_run(new_id)
    elif old_id is not None:
        chosen = store.find_run(old_id), store.find_run(None)
    else:
        runs = store.runs()
        if not runs:
            return None
        latest = runs[-1]
        earlier = [r for r in runs[:-1] if force or run_inputs(r) == run_inputs(latest)]
        return (earlier[-1], latest) if earlier else None
    old, new = chosen
    if not force and run_inputs(old) != run_inputs(new):
        old_in, new_in = (", ".join(run_inputs(r)) or "unknown" for r in (old, new))
        raise ConfigError(
            f"runs {old.id} and {new.id} scanned different inputs (run {old.id}: {old_in}; run {new.id}: "
            f"{new_in}): every document would show as new or gone. Compare runs of the same archive, "
            "or give --force"
        )
    return chosen


def _print_diff(
    store: ResultStore,
    old_id: int | None,
    new_id: int | None,
    json_out: str | None,
    targets: Targets,
    echo: Echo,
    force: bool = False,
    lang: str = "en",
) -> None:
    words = COMMAND_TEXT[_lang(lang)]
    chosen = runs_to_compare(store, old_id, new_id, force)
    if chosen is None:
        others = len(store.runs()) > 1
        echo(words["no_earlier_run"] + (words["no_earlier_run_others"] if others else "."), err=True)
        return
    old_info, new_info = chosen
    old_run, new_run = store.load_run(old_info), store.load_run(new_info)
    result = compare(
        old_run.counted, new_run.counted, summarize(old_run.counted), summarize(new_run.counted), targets
    )
    if json_out:
        write_output(json_out, render_diff_json(result, old_info.id, new_info.id), echo)
    if json_out != "-":
        echo(render_diff_text(result, old_info.id, new_info.id, lang), nl=False)


def runs(
    store_path: Path | None,
    output_format: str = "table",
    echo: Echo = plain_echo,
    screen: Terminal = Terminal(),  # frozen
) -> None:
    """``sigaudit runs``: every completed run in the store, oldest first: id, start, inputs, documents
    and the valid share per level (of every document found, as ``diff`` compares them); the table as
    wide as ``screen`` and in its language."""
    with ResultStore(existing_store(store_path)) as store:
        listed = [StoredRunSummary(info, summarize(store.load_run(info).counted)) for info in store.runs()]
    if output_format == "json":
        echo(render_runs_json(listed), nl=False)
    else:
        echo(render_runs_table(listed, store.path, screen.width, screen.lang), nl=False)


def verify(
    file: str | Path,
    trust: TrustConfig,
    policy: ValidationPolicy,
    timeout_s: float,
    json_out: str | None = None,
    echo: Echo = plain_echo,
    lang: str = "en",
) -> DocumentResult:
    """``sigaudit verify``: validate one document in a worker process, print its signatures in detail
    in ``lang`` (and write its JSON to ``json_out``), and return it."""
    from .validation.attachments import embedded_files  # pyHanko: loaded only to read attachments

    doc, data = _verified(file, trust, policy, timeout_s)
    # The files a valid document carries (sigaudit's signed report: its JSON and CSV), with SHA-256.
    attached = embedded_files(data) if data is not None and doc.verdict == Verdict.VALID else ()
    if json_out:
        shown = {**document_to_dict(doc), "policy": {"name": policy.name, "sha256": policy.sha256}}
        if attached:
            shown["attachments"] = [dataclasses.asdict(f) for f in attached]
        write_output(json_out, json.dumps(shown, ensure_ascii=False, indent=2) + "\n", echo)
    if json_out != "-":
        echo(render_verify(doc, policy, lang) + render_attachments(attached, lang), nl=False)
    return doc


MEMBER_SEPARATOR = "!/"  # how the reports name a ZIP member or an edXML attachment: batch.zip!/2024/x.pdf


def verify_document(
    file: str | Path, trust: TrustConfig, policy: ValidationPolicy, timeout_s: float
) -> DocumentResult:
    """One document validated as a scan would (walked, then validated in a worker with ``timeout_s``),
    not attributed to any agency. ``file`` is a file, or a path as the reports print it for a ZIP
    member or an edXML attachment (``batch.zip!/2024/x.pdf``, ``pkg.edxml!/1-x.pdf``, nested ZIPs
    too): its container is walked and that document picked. An error when it names no document or
    more than one."""
    return _verified(file, trust, policy, timeout_s)[0]


def _verified(
    file: str | Path, trust: TrustConfig, policy: ValidationPolicy, timeout_s: float
) -> tuple[DocumentResult, bytes | None]:
    """:func:`verify_document`, with the bytes that were validated."""
    target = str(file)
    container, member = Path(target), None
    if not container.exists() and MEMBER_SEPARATOR in target:
        outer, member = target.split(MEMBER_SEPARATOR, 1)
        container = Path(outer)
    if not container.exists():
        raise ConfigError(f"no such file: {container}")
    if container.is_dir():
        raise ConfigError(f"{container} is a folder; verify takes one document (sigaudit scan takes folders)")
    found = [e for e in walk([container]) if isinstance(e, Candidate)]
    if member is not None:
        found = [e for e in found if e.path.split(MEMBER_SEPARATOR, 1)[-1] == member]
        if not found:
            raise ConfigError(f"{container} holds no document {member}")
    if len(found) != 1:
        what = "is not a document" if not found else f"holds {len(found)} documents; verify takes one"
        raise ConfigError(f"{target} {what}")
    event = found[0]
    if event.data is None or event.error is not None:
        outcome = ValidationOutcome(Verdict.UNREADABLE, event.error or "unreadable")
    else:
        with WorkerPool(1, trust, Limits(timeout_s=timeout_s), policy, text=TextLimits()) as pool:
            [(_, outcome)] = list(pool.map_unordered([(0, event.data)]))
    sha = hashlib.sha256(event.data).hexdigest() if event.data is not None else ""
    return DocumentResult(target, sha, len(event.data or b""), UNKNOWN_AGENCY, outcome), event.data


def agencies(
    paths: Sequence[Path],
    registry: Registry,
    limits: WalkLimits,
    output_format: str = "table",
    output: str = "-",
    csv_raw: bool = False,
    echo: Echo = plain_echo,
    lang: str = "en",
) -> None:
    """``sigaudit agencies``: every agency the metadata under ``paths`` names, as a table (in ``lang``),
    CSV or JSON."""
    listing = list_agencies(paths, registry, limits)
    if output_format == "csv":
        text = render_agencies_csv(listing, raw=csv_raw)
    else:
        text = (
            render_agencies_table(listing, lang=lang)
            if output_format == "table"
            else render_agencies_json(listing)
        )
    write_output(output, text, echo, bom=output_format == "csv" and output != "-")
