"""The words of the terminal: the table (``report/table.py``), the lines the commands print around it
and ``sigaudit diff`` (:data:`COMMAND_TEXT`), in English and Vietnamese (``verify``'s are in
:mod:`.verify_text`).

The English text is what the table has always printed (scripts and the README quote it); the Vietnamese
is for the document-office staff who run the tool, chosen with ``--lang vi`` or a ``vi_VN`` locale.
Level names, exclusion and reconciliation texts come from :mod:`.i18n`, shared with the dashboard.
Placeholders in braces are filled with ``str.format``; document text (a path, a reason) is only ever an
argument, never the template, and is escaped by the caller.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from ..aggregate.gates import GateFailure
from ..runwarnings import WarningKind, summarized
from ..validation.trust import TrustWarning
from .context import ReportContext
from .i18n import LEVELS, VERDICTS

TABLE_TEXT: Mapping[str, Mapping[str, str]] = {
    "en": {
        "title_kpi": "Inter-agency KPI: documents sent between agencies, per level of the issuing agency",
        "title_levels": "Signed documents per administrative level",
        "level": "level",
        "documents": "documents",
        "documents_short": "docs",
        "signed": "signed",
        "valid": "valid",
        "invalid": "invalid",
        "indeterminate": "indeterminate",
        "unsigned": "unsigned",
        "unreadable": "unreadable",
        "pct_signed": "% signed",
        "pct_valid": "% valid",
        "target_signed": "target signed",
        "target": "target",
        "met": "met",
        "yes": "yes",
        "no": "NO",
        "total": "total",
        "not_valid_note": "Not valid, per verdict: {counts} (a wider terminal shows them per level).",
        "definitions_levels": "% signed = documents with at least one signature / documents; "
        "% valid = documents whose every signature is valid / documents.\n"
        "documents counts every document found, unreadable ones included; level = issuing agency's "
        "level from manifest.csv and the registry, 'unknown' when neither says.",
        "definitions_kpi": "Denominator (documents): documents{span} that an agency sent to at least one "
        "other agency, each counted once (sender's copy first), attributed to the issuing agency's level; "
        "unreadable ones included.\nNumerators: % signed = documents with at least one signature / "
        "documents; % valid = documents whose every signature is valid / documents. Target: the plan's "
        "share signed per level.",
        "span": " dated {since} to {until}",
        "found": "Documents found: {found}; in the KPI: {kpi}; left out:",
        "none": "  none",
        "flow_title": "Flows: issuing level (rows) → recipient level (columns)",
        "flow_corner": "from \\ to",
        "flow_cell": "{valid}/{documents} valid, {signed} signed",
        "processing_title": "Received documents processed through the system (status trail reaching 06 "
        "done), per recipient level",
        "receptions": "receptions",
        "with_trail": "with status trail",
        "done": "done",
        "pct_done": "% done",
        "periods_title": "KPI per {kind} of the document date",
        "period": "period",
        "reconciliation": "Reconciliation of sent and received copies (details in the JSON and CSV reports):",
        "skipped": "{n} file(s) skipped as not documents (listed in the JSON report).",
        "warning": "warning: ",
        "gate_failed": "GATE FAILED: ",
        "policy": "Validation policy: {name} (SHA-256 {sha256})",
        "trust": "Trusted roots: {shipped} shipped + {given} given; {untrusted} of {signed} signed "
        "document(s) chain to none of them.",
        "trust_hint": "Hint: most signed documents chain to no trusted root, so they cannot be valid. Give "
        "the root their signers chain to with --trust-roots FILE (see docs/trust.md).",
    },
    "vi": {
        "title_kpi": "Chỉ tiêu liên thông: văn bản gửi giữa các cơ quan, theo cấp của cơ quan ban hành",
        "title_levels": "Văn bản có chữ ký số theo cấp hành chính",
        "level": "cấp",
        "documents": "số văn bản",
        "documents_short": "số VB",
        "signed": "có ký",
        "valid": "hợp lệ",
        "invalid": "không hợp lệ",
        "indeterminate": "chưa xác định",
        "unsigned": "chưa ký",
        "unreadable": "không đọc được",
        "pct_signed": "% có ký",
        "pct_valid": "% hợp lệ",
        "target_signed": "mục tiêu có ký",
        "target": "mục tiêu",
        "met": "đạt",
        "yes": "đạt",
        "no": "CHƯA",
        "total": "Tổng cộng",
        "not_valid_note": "Chưa hợp lệ, theo kết quả: {counts} (cửa sổ rộng hơn hiện theo từng cấp).",
        "definitions_levels": "% có ký = văn bản có ít nhất một chữ ký số / số văn bản; % hợp lệ = văn "
        "bản mà mọi chữ ký đều hợp lệ / số văn bản.\nSố văn bản gồm mọi văn bản tìm thấy, kể cả văn bản "
        "không đọc được; cấp = cấp của cơ quan ban hành theo manifest.csv và danh mục cơ quan, «chưa xác "
        "định» khi cả hai đều không nêu.",
        "definitions_kpi": "Mẫu số (số văn bản): văn bản{span} một cơ quan gửi cho ít nhất một cơ quan "
        "khác, mỗi văn bản tính một lần (ưu tiên bản của nơi gửi), theo cấp của cơ quan ban hành; kể cả "
        "văn bản không đọc được.\nTử số: % có ký = văn bản có ít nhất một chữ ký số / số văn bản; % hợp "
        "lệ = văn bản mà mọi chữ ký đều hợp lệ / số văn bản. Mục tiêu: tỷ lệ có ký số của kế hoạch theo "
        "từng cấp.",
        "span": " đề ngày từ {since} đến {until}",
        "found": "Văn bản tìm thấy: {found}; thuộc chỉ tiêu: {kpi}; không tính:",
        "none": "  không có",
        "flow_title": "Luồng văn bản: cấp ban hành (hàng) → cấp nơi nhận (cột)",
        "flow_corner": "từ \\ đến",
        "flow_cell": "{valid}/{documents} hợp lệ, {signed} có ký",
        "processing_title": "Văn bản đến được xử lý trên hệ thống (vết trạng thái đạt 06 hoàn thành), "
        "theo cấp nơi nhận",
        "receptions": "lượt nhận",
        "with_trail": "có vết trạng thái",
        "done": "hoàn thành",
        "pct_done": "% hoàn thành",
        "periods_title": "Chỉ tiêu theo {kind} của ngày văn bản",
        "period": "kỳ",
        "reconciliation": "Đối chiếu bản gửi và bản nhận (chi tiết trong báo cáo JSON và CSV):",
        "skipped": "{n} tệp bị bỏ qua vì không phải văn bản (liệt kê trong báo cáo JSON).",
        "warning": "cảnh báo: ",
        "gate_failed": "KHÔNG ĐẠT NGƯỠNG: ",
        "policy": "Chính sách kiểm tra: {name} (SHA-256 {sha256})",
        "trust": "Gốc tin cậy: {shipped} gốc kèm theo + {given} gốc được chỉ định; {untrusted} trong "
        "{signed} văn bản có ký không dẫn tới gốc nào trong số đó.",
        "trust_hint": "Gợi ý: phần lớn văn bản có ký không dẫn tới gốc tin cậy nào nên không thể hợp lệ. "
        "Hãy chỉ định chứng thư gốc của người ký bằng --trust-roots TỆP (xem docs/trust.md).",
    },
}

PERIOD_KINDS_VI: Mapping[str, str] = {"month": "tháng", "quarter": "quý", "year": "năm"}

# The lines the commands print around the table and for ``sigaudit diff`` (:mod:`sigaudit.commands`,
# :mod:`.diff_report`); paths and reasons filled in are escaped with :func:`.escape.terminal`.
COMMAND_TEXT: Mapping[str, Mapping[str, str]] = {
    "en": {
        "nothing_found": "sigaudit: warning: nothing found under {paths}: no document to audit (an empty or "
        "unmounted folder?)",
        "recorded": "Run {run_id} recorded in {path} (sigaudit runs lists the stored runs).",
        "no_earlier_run": "No earlier run over the same inputs in the store to compare with",
        "no_earlier_run_others": " (the earlier runs scanned other inputs: name two runs and give --force to "
        "compare them anyway; 'sigaudit runs' lists them).",
        "diff_title": "Changes from run {old} to run {new}:",
        "diff_none": " none.",
        "diff_counts": "  {added} new document(s), {removed} no longer present, {changed} verdict change(s)",
        "diff_crossed": "  level {level} {word} its signed target {target}: {old} -> {new}",
        "now_met": "now meets",
        "fell_below": "fell below",
        "diff_changed": "  {old} -> {new}{content}: {path} — {reason}",
        "content_changed": " (content changed)",
        "diff_added": "  new ({verdict}): {path}",
        "diff_removed": "  gone (was {verdict}): {path}",
        "more_warnings": "… and {count} more warnings of this kind ({kind}), not listed",
    },
    "vi": {
        "nothing_found": "sigaudit: cảnh báo: không tìm thấy gì trong {paths}: không có văn bản nào để kiểm "
        "tra (thư mục trống hoặc chưa được gắn?)",
        "recorded": "Lần chạy {run_id} đã được lưu vào {path} (sigaudit runs liệt kê các lần chạy đã lưu).",
        "no_earlier_run": "Trong kho không có lần chạy trước nào trên cùng đầu vào để so sánh",
        "no_earlier_run_others": " (các lần chạy trước kiểm tra đầu vào khác: hãy nêu hai lần chạy và thêm "
        "--force để vẫn so sánh; sigaudit runs liệt kê các lần chạy).",
        "diff_title": "Thay đổi từ lần chạy {old} đến lần chạy {new}:",
        "diff_none": " không có.",
        "diff_counts": "  {added} văn bản mới, {removed} văn bản không còn, {changed} văn bản đổi kết quả",
        "diff_crossed": "  {level} {word} mục tiêu văn bản có chữ ký số {target}: {old} -> {new}",
        "now_met": "nay đạt",
        "fell_below": "đã xuống dưới",
        "diff_changed": "  {old} -> {new}{content}: {path} — {reason}",
        "content_changed": " (nội dung đã thay đổi)",
        "diff_added": "  mới ({verdict}): {path}",
        "diff_removed": "  không còn (trước là {verdict}): {path}",
        "more_warnings": "… và {count} cảnh báo khác cùng loại ({kind}), không liệt kê",
    },
}

# What the command line itself says (:mod:`sigaudit.cli`): an error's frame, a stop, a failure of the
# machine, a warning at start. {message} and {detail} (an exception's text) and {store} are escaped by the
# caller; an error's own text, raised deep in a stage, is English in both languages (docs/configuration.md).
CLI_TEXT: Mapping[str, Mapping[str, str]] = {
    "en": {
        "error": "sigaudit: error: {message}",
        "warning": "sigaudit: warning: {message}",
        "database": "database failure: {detail} (the result store, or the run's temporary files in {tmp}; "
        "TMPDIR chooses that folder)",
        "internal": "internal failure: {kind}: {detail} (set SIGAUDIT_DEBUG=1 for details)",
        "stopped": "sigaudit: stopped ({signal})",
        "stopped_kept": "sigaudit: stopped ({signal}): {kept}",
        "kept_nothing": "nothing was kept (no store)",
        "kept": "{saved} document(s) validated by this run are safe in the store {store}; the next scan "
        "resumes: it does not validate them again",
    },
    "vi": {
        "error": "sigaudit: lỗi: {message}",
        "warning": "sigaudit: cảnh báo: {message}",
        "database": "lỗi cơ sở dữ liệu: {detail} (kho kết quả, hoặc các tệp tạm của lần chạy trong {tmp}; "
        "biến TMPDIR chọn thư mục đó)",
        "internal": "lỗi nội bộ: {kind}: {detail} (đặt SIGAUDIT_DEBUG=1 để xem chi tiết)",
        "stopped": "sigaudit: đã dừng ({signal})",
        "stopped_kept": "sigaudit: đã dừng ({signal}): {kept}",
        "kept_nothing": "không giữ lại gì (không có kho kết quả)",
        "kept": "{saved} văn bản lần chạy này đã kiểm tra được lưu an toàn trong kho {store}; lần quét sau "
        "chạy tiếp: không kiểm tra lại các văn bản đó",
    },
}


def cli_words(lang: str) -> Mapping[str, str]:
    """The command line's own words in ``lang``, English for any language not here."""
    return CLI_TEXT.get(lang, CLI_TEXT["en"])


# A trust-configuration warning in Vietnamese (validation.trust.TrustWarning; English is its ``text``).
TRUST_WARNING_VI: Mapping[str, str] = {
    "expired": "gốc tin cậy {subject} ({source}, SHA-256 {sha256}) đã hết hạn ngày {moment}: theo chính "
    'sách anchor_validity = "enforce", chữ ký tạo ngoài thời hạn hiệu lực của gốc có kết quả chưa xác định',
    "not_yet_valid": "gốc tin cậy {subject} ({source}, SHA-256 {sha256}) chưa có hiệu lực trước ngày "
    '{moment}: theo chính sách anchor_validity = "enforce", chữ ký tạo ngoài thời hạn hiệu lực của gốc có '
    "kết quả chưa xác định",
    "evidence_unused": "không dùng tệp chứng cứ thu hồi {source}: {detail}",
}
# Why an evidence file is skipped, as the trust module words it; any other reason (the system's) is quoted.
EVIDENCE_DETAIL_VI: Mapping[str, str] = {
    "not a CRL (DER or PEM)": "không phải CRL (DER hoặc PEM)",
    "not a DER OCSP response": "không phải phản hồi OCSP dạng DER",
    "neither a DER OCSP response nor a CRL": "không phải phản hồi OCSP dạng DER, cũng không phải CRL",
}


def trust_warning_text(warning: TrustWarning, lang: str) -> str:
    """A trust-configuration warning in ``lang``: Vietnamese for "vi", else the English line."""
    if lang != "vi" or warning.what not in TRUST_WARNING_VI:
        return warning.text
    return TRUST_WARNING_VI[warning.what].format(
        subject=warning.subject,
        source=warning.source,
        sha256=warning.sha256,
        moment=warning.moment,
        detail=EVIDENCE_DETAIL_VI.get(warning.detail, warning.detail),
    )


# ``sigaudit runs`` (:mod:`.runs_view`): {store} is escaped by the caller.
RUNS_TEXT: Mapping[str, Mapping[str, str]] = {
    "en": {
        "empty": "The store {store} holds no completed run.",
        "title": "Runs in {store}",
        "run": "run",
        "started": "started (UTC)",
        "inputs": "inputs",
        "documents": "documents",
        "shares": "% valid per level",
        "hint": "sigaudit report --run ID rebuilds a run's reports; sigaudit diff OLD NEW compares two.",
    },
    "vi": {
        "empty": "Kho {store} chưa có lần chạy nào hoàn tất.",
        "title": "Các lần chạy trong {store}",
        "run": "lần chạy",
        "started": "bắt đầu (UTC)",
        "inputs": "đầu vào",
        "documents": "số văn bản",
        "shares": "% hợp lệ theo cấp",
        "hint": "sigaudit report --run SỐ dựng lại các báo cáo của một lần chạy; sigaudit diff CŨ MỚI so "
        "sánh hai lần chạy.",
    },
}

# ``sigaudit agencies`` (:mod:`.agencies_view`); what comes from the metadata is escaped by the caller.
AGENCIES_TEXT: Mapping[str, Mapping[str, str]] = {
    "en": {
        "title": "Agencies named by {rows} metadata row(s)",
        "code": "code",
        "name": "name",
        "level": "level",
        "decided_by": "decided by",
        "issuer": "issuer",
        "recipient": "recipient",
        "dates": "dates",
        "undated": "undated",
        "note": "issuer / recipient: metadata rows (manifests, registers, edXML packages) naming the agency "
        "as the issuing agency / as a recipient; a document listed in a sent and a received register counts "
        "in both. Level: the registry entry valid at the document's date, else the name rules, else unknown.",
        "warning": "warning: {problem}",
    },
    "vi": {
        "title": "Các cơ quan được nêu trong {rows} dòng siêu dữ liệu",
        "code": "mã",
        "name": "tên",
        "level": "cấp",
        "decided_by": "căn cứ xác định cấp",
        "issuer": "ban hành",
        "recipient": "nơi nhận",
        "dates": "ngày văn bản",
        "undated": "không có ngày",
        "note": "ban hành / nơi nhận: số dòng siêu dữ liệu (manifest, sổ văn bản, gói edXML) nêu cơ quan là "
        "cơ quan ban hành / là nơi nhận; văn bản có trong cả sổ văn bản đi và sổ văn bản đến được tính ở "
        "cả hai. Cấp: theo mục của danh mục cơ quan còn hiệu lực vào ngày văn bản, nếu không có thì theo "
        "quy tắc tên, nếu không nữa thì chưa xác định.",
        "warning": "cảnh báo: {problem}",
    },
}

# Where an agency's level came from (model.Agency.source, parts joined by "+"), in Vietnamese.
AGENCY_SOURCES_VI: Mapping[str, str] = {
    "manifest": "manifest",
    "registry": "danh mục cơ quan",
    "name-rule": "quy tắc tên",
    "text": "nội dung văn bản",
    "none": "không có",
}
# How the level was decided (model.Agency.basis, parts joined by "; "), in Vietnamese: each part the
# agencies stage words in a fixed form; a part of any other form is quoted as recorded.
BASIS_VI: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), words)
    for pattern, words in (
        (r"level stated by the manifest or register", "cấp do manifest hoặc sổ văn bản nêu"),
        (r"no name rule matches", "không quy tắc tên nào khớp"),
        (r"no metadata names the agency", "không siêu dữ liệu nào nêu cơ quan"),
        (r"(?P<code>.+) is not in the registry", "{code} không có trong danh mục cơ quan"),
        (r"name rule '(?P<rule>.+)'", "quy tắc tên «{rule}»"),
        (
            r"name rule '(?P<rule>.+)' gives district, but no district level exists on (?P<on>\S+) "
            r"\(two-tier local government from (?P<since>\S+)\)",
            "quy tắc tên «{rule}» cho cấp huyện, nhưng ngày {on} không còn cấp huyện (chính quyền địa "
            "phương hai cấp từ {since})",
        ),
        (
            r"the registry lists (?P<code>.+) but no entry is valid on (?P<on>\S+)",
            "danh mục cơ quan có {code} nhưng không mục nào còn hiệu lực vào ngày {on}",
        ),
        (r"registry entry of (?P<file>.+) valid (?P<start>\S+) to (?P<end>\S+)",
         "mục của danh mục cơ quan {file}, hiệu lực từ {start} đến {end}"),
        (r"registry entry of (?P<file>.+) valid from (?P<start>\S+)",
         "mục của danh mục cơ quan {file}, hiệu lực từ {start}"),
        (r"registry entry of (?P<file>.+) valid until (?P<end>\S+)",
         "mục của danh mục cơ quan {file}, hiệu lực đến {end}"),
        (r"registry entry of (?P<file>.+) without validity dates",
         "mục của danh mục cơ quan {file}, không ghi thời hạn hiệu lực"),
    )
)  # fmt: skip


def agency_source_text(source: str, lang: str) -> str:
    """Where a level came from (``manifest+registry``…) in ``lang``; Vietnamese parts joined by " + "."""
    if lang != "vi":
        return source
    return " + ".join(AGENCY_SOURCES_VI.get(part, part) for part in source.split("+"))


def basis_text(basis: str, lang: str) -> str:
    """How a level was decided, in ``lang``: for "vi" each part of a known form in Vietnamese (the code,
    the rule's words and the file named in it kept), any other part as recorded; else as recorded."""
    if lang != "vi":
        return basis
    return "; ".join(_basis_part_vi(part) for part in basis.split("; "))


def _basis_part_vi(part: str) -> str:
    for pattern, words in BASIS_VI:
        if found := pattern.fullmatch(part):
            return words.format(**found.groupdict())
    return part


# The kinds of run warning (runwarnings.WarningKind), as the Vietnamese summary line names them.
WARNING_KINDS_VI: Mapping[WarningKind, str] = {
    WarningKind.TRUST: "cấu hình tin cậy",
    WarningKind.NAME: "tên hiển thị đã thoát ký tự đặc biệt",
    WarningKind.DUPLICATE_PATH: "văn bản trùng đường dẫn",
    WarningKind.MANIFEST_ROW: "lỗi của manifest và sổ văn bản",
    WarningKind.MANIFEST_CONFLICT: "văn bản được hai dòng mô tả khác nhau",
    WarningKind.UNMATCHED: "dòng manifest ghi tệp không có trong kho lưu trữ được kiểm tra",
    WarningKind.ATTRIBUTION: "nguồn ghi các cơ quan khác nhau",
    WarningKind.OTHER: "cảnh báo khác",
}


def warning_text(line: str, lang: str) -> str:
    """A run warning as shown in ``lang``: the summary line of a kind cut short
    (:func:`sigaudit.runwarnings.summary_line`) in Vietnamese for "vi"; any other line as recorded."""
    found = summarized(line) if lang == "vi" else None
    if found is None:
        return line
    kind, count = found
    return COMMAND_TEXT["vi"]["more_warnings"].format(
        count=f"{count:,}".replace(",", "."), kind=WARNING_KINDS_VI[kind]
    )


# A failed gate in Vietnamese (aggregate.gates.GateFailure; English is its ``text``). {gate} is the
# option as given; the verdict and the level are in words.
GATE_TEXT_VI: Mapping[str, str] = {
    "nothing_found": "{gate}: không tìm thấy gì: không có văn bản nào để đánh giá (thư mục trống hoặc chưa "
    "được gắn?)",
    "verdict": "{gate}: {count} văn bản có kết quả «{verdict}»",
    "nothing_measured": "{gate}: không có gì để đo: không văn bản nào trong {count} văn bản tìm thấy được "
    "chứng minh là gửi giữa các cơ quan (xem số văn bản không tính vào chỉ tiêu)",
    "level": "{gate}: {level} có {percent:.1f}% văn bản hợp lệ",
}


def gate_text(failure: GateFailure, lang: str) -> str:
    """A failed gate in ``lang``: Vietnamese for "vi", else the English message."""
    if lang != "vi" or failure.what not in GATE_TEXT_VI:
        return failure.text
    return GATE_TEXT_VI[failure.what].format(
        gate=failure.gate,
        count=failure.count,
        verdict=VERDICTS["vi"][failure.verdict] if failure.verdict is not None else "",
        level=LEVELS["vi"][failure.level] if failure.level is not None else "",
        percent=failure.percent,
    )


def gate_lines(ctx: ReportContext, lang: str) -> tuple[str, ...]:
    """The context's failed gates in ``lang``."""
    return tuple(gate_text(failure, lang) for failure in ctx.failed_gates)


def locale_language(environ: Mapping[str, str]) -> str:
    """The terminal's language from the locale variables, in POSIX precedence (LC_ALL, LC_MESSAGES,
    LANG): "vi" for a Vietnamese locale (vi_VN.UTF-8, vi), else "en"."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name)
        if value:
            return "vi" if value.split("_")[0].split(".")[0].lower() == "vi" else "en"
    return "en"
