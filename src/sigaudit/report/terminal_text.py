"""The words of the terminal table (``report/table.py``), in English and Vietnamese.

The English text is what the table has always printed (scripts and the README quote it); the Vietnamese
is for the document-office staff who run the tool, chosen with ``--lang vi`` or a ``vi_VN`` locale.
Level names, exclusion and reconciliation texts come from :mod:`.i18n`, shared with the dashboard.
Placeholders in braces are filled with ``str.format`` from numbers and dates only, never document text.
"""

from __future__ import annotations

from collections.abc import Mapping

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


def locale_language(environ: Mapping[str, str]) -> str:
    """The terminal's language from the locale variables, in POSIX precedence (LC_ALL, LC_MESSAGES,
    LANG): "vi" for a Vietnamese locale (vi_VN.UTF-8, vi), else "en"."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name)
        if value:
            return "vi" if value.split("_")[0].split(".")[0].lower() == "vi" else "en"
    return "en"
