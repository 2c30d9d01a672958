"""Labels for the reports meant for people (the HTML dashboard), in Vietnamese and English.

Vietnamese is the language of the people who read the dashboard; English is for everyone else. The
English definitions are the ones the JSON report prints (``serialize.DEFINITIONS``), so the two cannot
drift apart; the Vietnamese ones translate them key for key (a test checks the keys match).

Placeholders in braces (``{shown}``, ``{n}``, ``{version}``) are filled in by the HTML formatter or
its script, never by ``str.format`` on untrusted text.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta, timezone
from types import MappingProxyType

from ..aggregate.exchange import EXCLUSION_TEXT, Exclusion
from ..aggregate.reconcile import FINDING_TEXT, Finding
from ..model import Level, Verdict
from .serialize import DEFINITIONS

LANGUAGES = ("vi", "en")
VIETNAM = timezone(timedelta(hours=7))  # Vietnam time (no daylight saving): the "UTC+07:00" of the reports


def pct(value: float | None, lang: str = "en") -> str:
    """A share as a percentage with one decimal ("—" for none); Vietnamese (``lang="vi"``) writes a
    decimal comma, as the dashboard does (the terminal table and the PDF report write a point)."""
    if value is None:
        return "—"
    text = f"{value * 100:.1f}%"
    return text.replace(".", ",") if lang == "vi" else text


TEXT: Mapping[str, Mapping[str, str]] = {
    "vi": {
        "title": "Báo cáo kiểm tra chữ ký số văn bản điện tử",
        "subtitle": "Tỷ lệ văn bản có chữ ký số và có chữ ký số hợp lệ theo cấp hành chính: "
        "trung ương, cấp tỉnh, cấp huyện, cấp xã.",
        "run_period": "Lần kiểm tra",
        "run_to": "đến",
        "card_documents": "Tổng số văn bản tìm thấy",
        "card_kpi": "Văn bản thuộc chỉ tiêu liên thông",
        "card_not_valid": "Văn bản chưa hợp lệ (mọi văn bản tìm thấy)",
        "notes_title": "Những gì chưa đo được",
        "all_intro": "Mọi văn bản tìm thấy, kể cả văn bản không thuộc chỉ tiêu (nội bộ, bản sao, không có "
        "dữ liệu liên thông…), theo cấp của cơ quan ban hành và kết quả kiểm tra.",
        "card_skipped": "Tệp bỏ qua (không phải văn bản)",
        "share_signed": "Tỷ lệ văn bản có chữ ký số",
        "share_valid": "Tỷ lệ văn bản có chữ ký số hợp lệ",
        "share_complete": "Tỷ lệ văn bản đầy đủ theo Nghị định 30",
        "gates_title": "Ngưỡng kiểm tra",
        "gates_failed": "Các ngưỡng kiểm tra không đạt:",
        "gates_none": "Không có ngưỡng kiểm tra nào bị vi phạm.",
        "levels_title": "Theo cấp hành chính",
        "levels_intro": "Mỗi cấp có hai thanh: tỷ lệ văn bản có chữ ký số và tỷ lệ văn bản có chữ ký số "
        "hợp lệ, so với mục tiêu của kế hoạch (vạch đỏ). Chỉ hiện các cấp có văn bản.",
        "legend_signed": "Có chữ ký số",
        "legend_valid": "Chữ ký số hợp lệ",
        "legend_target": "Mục tiêu kế hoạch (có chữ ký số)",
        "no_target": "không có mục tiêu",
        "target": "mục tiêu",
        "col_level": "Cấp",
        "col_documents": "Số văn bản",
        "col_signed": "Có chữ ký",
        "col_pct_signed": "% có chữ ký",
        "col_pct_valid": "% hợp lệ",
        "col_pct_complete": "% đầy đủ NĐ 30",
        "col_target": "Mục tiêu",
        "target_met": "Đạt",
        "target_not_met": "Chưa đạt",
        "total": "Tổng cộng",
        "definitions_title": "Chỉ tiêu và định nghĩa",
        "col_measure": "Chỉ tiêu",
        "col_numerator": "Tử số",
        "col_denominator": "Mẫu số",
        "col_plan_target": "Mục tiêu kế hoạch",
        "terms_title": "Thuật ngữ",
        "agencies_title": "Xếp hạng cơ quan",
        "agencies_intro": "Xếp theo tỷ lệ văn bản hợp lệ, sau đó theo tỷ lệ văn bản đầy đủ theo "
        "Nghị định 30, rồi theo số văn bản.",
        "col_rank": "Hạng",
        "col_code": "Mã định danh",
        "col_agency": "Cơ quan",
        "col_valid": "Hợp lệ",
        "col_complete": "Đầy đủ NĐ 30",
        "no_agency": "(chưa xác định cơ quan)",
        "trend_title": "Xu hướng theo tháng",
        "trend_none": "Không có văn bản nào có thời điểm ký.",
        "trend_gap": "Không có văn bản trong {n} tháng",
        "col_month": "Tháng",
        "failing_title": "Văn bản chưa hợp lệ",
        "failing_intro": "Mọi văn bản có kết quả khác «Hợp lệ», kèm lý do. Dùng đường dẫn và mã SHA-256 "
        "để tìm và kiểm tra lại từng tệp.",
        "search_label": "Tìm kiếm",
        "search_placeholder": "đường dẫn, cơ quan, người ký, lý do… (vd. gia-cam)",
        "search_count": "Đang hiện {shown}/{total} văn bản",
        "search_none": "Không có văn bản nào khớp.",
        "failing_none": "Tất cả văn bản đều hợp lệ.",
        "failing_more": "Trang này liệt kê {shown} văn bản đầu tiên trong số {total}; tệp bằng chứng CSV "
        "(--csv) liệt kê tất cả.",
        "col_verdict": "Kết quả",
        "col_reason": "Lý do",
        "col_signers": "Người ký (CN)",
        "col_path": "Đường dẫn",
        "col_sha256": "SHA-256",
        "manifest_title": "Thông tin lần chạy",
        "trust_roots_title": "Chứng thư gốc được tin cậy",
        "other_certs_title": "Chứng thư trung gian (chỉ dùng để dựng chuỗi)",
        "col_subject": "Chủ thể",
        "col_fingerprint": "Dấu vân tay SHA-256",
        "col_source": "Nguồn",
        "warnings_title": "Cảnh báo",
        "skipped_title": "Tệp bị bỏ qua",
        "footer": "Tạo bởi sigaudit {version}. Trang này độc lập: không tải gì từ mạng.",
        "kpi_title": "Văn bản liên thông tính vào chỉ tiêu",
        "kpi_intro": "Chỉ tiêu tính các văn bản một cơ quan gửi cho ít nhất một cơ quan khác (nơi gửi "
        "khác nơi nhận), mỗi văn bản tính một lần (ưu tiên bản của nơi gửi), theo cấp của cơ quan ban "
        "hành; văn bản không đọc được vẫn được tính. Các văn bản khác không tính vào chỉ tiêu và được "
        "nêu lý do dưới đây.",
        "kpi_span": "Chỉ tính văn bản có ngày từ {since} đến {until}.",
        "kpi_found": "Số văn bản tìm thấy",
        "kpi_counted": "Văn bản liên thông (tính vào chỉ tiêu)",
        "kpi_left_out": "Không tính vào chỉ tiêu",
        "exclusions_title": "Văn bản không tính vào chỉ tiêu",
        "exclusions_none": "Không có văn bản nào bị loại khỏi chỉ tiêu.",
        "col_reason_code": "Mã lý do",
        "col_count": "Số văn bản",
        "col_meaning": "Ý nghĩa",
        "flow_title": "Luồng văn bản giữa các cấp",
        "flow_intro": "Dòng: cấp của cơ quan ban hành; cột: cấp của nơi nhận. Mỗi ô: số văn bản hợp lệ / "
        "số văn bản liên thông, và số văn bản có chữ ký số. Văn bản gửi tới hai cấp được tính ở cả hai ô.",
        "flow_corner": "Cấp ban hành \\ cấp nhận",
        "flow_valid": "hợp lệ",
        "flow_signed": "có chữ ký",
        "flow_none": "Không có luồng văn bản nào.",
        "periods_title": "Chỉ tiêu theo kỳ",
        "periods_intro": "Văn bản liên thông theo {kind} của ngày văn bản (nếu không có thì thời điểm ký "
        "sau cùng).",
        "period_month": "tháng",
        "period_quarter": "quý",
        "period_year": "năm",
        "col_period": "Kỳ",
        "processing_title": "Xử lý trên hệ thống (văn bản đến)",
        "processing_intro": "Chỉ tiêu thứ hai của kế hoạch, theo cấp của nơi nhận: số lượt nhận (văn bản, "
        "nơi nhận) có vết trạng thái đạt 06 (hoàn thành) / số lượt nhận có vết trạng thái. Lượt nhận "
        "không có trạng thái được đếm nhưng không được đánh giá.",
        "processing_none": "Không có lượt nhận văn bản nào.",
        "col_recipient_level": "Cấp nơi nhận",
        "col_receptions": "Lượt nhận",
        "col_with_trail": "Có vết trạng thái",
        "col_done": "Hoàn thành (06)",
        "col_pct_done": "% hoàn thành",
        "reconciliation_title": "Đối soát văn bản đi/đến",
        "reconciliation_intro": "Bản của nơi gửi được so với bản nơi nhận nhận được, ghép theo (cơ quan "
        "ban hành, năm, số/ký hiệu) hoặc mã văn bản edXML, rồi so mã SHA-256.",
        "reconciliation_none": "Không có phát hiện nào.",
        "reconciliation_more": "… còn {n} phát hiện nữa (xem báo cáo JSON).",
        "col_finding": "Phát hiện",
        "col_findings": "Số phát hiện",
        "col_paths": "Tệp liên quan",
        "col_detail": "Chi tiết",
        "not_stated": "—",
        "yes": "có",
        "no": "không",
    },
    "en": {
        "title": "Digital signature audit of electronic documents",
        "subtitle": "Share of documents with a digital signature and with a valid one, per administrative "
        "level: central, province, district, commune.",
        "run_period": "Audit run",
        "run_to": "to",
        "card_documents": "Documents found",
        "card_kpi": "Documents in the inter-agency KPI",
        "card_not_valid": "Documents not valid (of all found)",
        "notes_title": "What could not be measured",
        "all_intro": "Every document found, in the KPI or not (internal, copies, no exchange data…), per "
        "level of the issuing agency and verdict.",
        "card_skipped": "Files skipped (not documents)",
        "share_signed": "Share of documents with a digital signature",
        "share_valid": "Share of documents with a valid digital signature",
        "share_complete": "Share of documents legally complete under Decree 30",
        "gates_title": "Gates",
        "gates_failed": "Failed gates:",
        "gates_none": "No gate failed.",
        "levels_title": "By administrative level",
        "levels_intro": "Two bars per level: the share of documents with a digital signature and the "
        "share with a valid one, against the plan's target (red mark). Only levels with documents.",
        "legend_signed": "Signed",
        "legend_valid": "Validly signed",
        "legend_target": "Plan target (signed)",
        "no_target": "no target",
        "target": "target",
        "col_level": "Level",
        "col_documents": "Documents",
        "col_signed": "Signed",
        "col_pct_signed": "% signed",
        "col_pct_valid": "% valid",
        "col_pct_complete": "% complete (Decree 30)",
        "col_target": "Target",
        "target_met": "Met",
        "target_not_met": "Not met",
        "total": "Total",
        "definitions_title": "Measures and definitions",
        "col_measure": "Measure",
        "col_numerator": "Numerator",
        "col_denominator": "Denominator",
        "col_plan_target": "Plan target",
        "terms_title": "Terms",
        "agencies_title": "Agency ranking",
        "agencies_intro": "Ordered by valid share, then by the share legally complete under Decree 30, "
        "then by number of documents.",
        "col_rank": "Rank",
        "col_code": "Code",
        "col_agency": "Agency",
        "col_valid": "Valid",
        "col_complete": "Legally complete",
        "no_agency": "(agency not identified)",
        "trend_title": "Monthly trend",
        "trend_none": "No document has a signing time.",
        "trend_gap": "No documents for {n} month(s)",
        "col_month": "Month",
        "failing_title": "Documents that are not valid",
        "failing_intro": "Every document whose verdict is not “valid”, with the reason. Use the path and "
        "the SHA-256 to find each file and check it again.",
        "search_label": "Search",
        "search_placeholder": "path, agency, signer, reason… (e.g. gia-cam)",
        "search_count": "Showing {shown} of {total} documents",
        "search_none": "No document matches.",
        "failing_none": "Every document is valid.",
        "failing_more": "This page lists the first {shown} of the {total}; the CSV evidence (--csv) lists "
        "every one.",
        "col_verdict": "Verdict",
        "col_reason": "Reason",
        "col_signers": "Signer (CN)",
        "col_path": "Path",
        "col_sha256": "SHA-256",
        "manifest_title": "Run manifest",
        "trust_roots_title": "Trusted roots",
        "other_certs_title": "Other certificates (path building only)",
        "col_subject": "Subject",
        "col_fingerprint": "SHA-256 fingerprint",
        "col_source": "Source",
        "warnings_title": "Warnings",
        "skipped_title": "Skipped files",
        "footer": "Generated by sigaudit {version}. This page is self-contained: it loads nothing from "
        "the network.",
        "kpi_title": "Documents in the inter-agency KPI",
        "kpi_intro": "The KPI counts documents an agency sent to at least one other agency (sender ≠ "
        "recipient), each once (the sender's copy first), at the level of the issuing agency; unreadable "
        "ones included. Every other document is left out, with the reason below.",
        "kpi_span": "Only documents dated {since} to {until}.",
        "kpi_found": "Documents found",
        "kpi_counted": "In the KPI (sent between agencies)",
        "kpi_left_out": "Left out of the KPI",
        "exclusions_title": "Documents left out of the KPI",
        "exclusions_none": "No document was left out of the KPI.",
        "col_reason_code": "Reason",
        "col_count": "Documents",
        "col_meaning": "Meaning",
        "flow_title": "Flows between levels",
        "flow_intro": "Rows: the issuing agency's level; columns: the recipient's level. Each cell: valid / "
        "KPI documents, and signed documents. A document sent to two levels is in both cells.",
        "flow_corner": "From \\ to",
        "flow_valid": "valid",
        "flow_signed": "signed",
        "flow_none": "No flow between agencies.",
        "periods_title": "KPI per period",
        "periods_intro": "KPI documents per {kind} of the document date (else the latest signing time).",
        "period_month": "month",
        "period_quarter": "quarter",
        "period_year": "year",
        "col_period": "Period",
        "processing_title": "Processed through the system (received documents)",
        "processing_intro": "The plan's second measure, per recipient level: receptions (document, "
        "recipient) whose status trail reaches 06 (done) / receptions with a status trail. Receptions "
        "without a status are counted but not judged.",
        "processing_none": "No reception of a document.",
        "col_recipient_level": "Recipient level",
        "col_receptions": "Receptions",
        "col_with_trail": "With status trail",
        "col_done": "Done (06)",
        "col_pct_done": "% done",
        "reconciliation_title": "Reconciliation of sent and received documents",
        "reconciliation_intro": "The sender's copies are compared with the copies recipients received, "
        "matched by (issuing agency, year, number/notation) or edXML DocumentId, then by SHA-256.",
        "reconciliation_none": "No finding.",
        "reconciliation_more": "… {n} more (see the JSON report).",
        "col_finding": "Finding",
        "col_findings": "Findings",
        "col_paths": "Files",
        "col_detail": "Detail",
        "not_stated": "—",
        "yes": "yes",
        "no": "no",
    },
}

VERDICTS: Mapping[str, Mapping[Verdict, str]] = {
    "vi": {
        Verdict.VALID: "Hợp lệ",
        Verdict.INVALID: "Không hợp lệ",
        Verdict.INDETERMINATE: "Chưa xác định",
        Verdict.UNSIGNED: "Chưa ký",
        Verdict.UNREADABLE: "Không đọc được",
    },
    "en": {
        Verdict.VALID: "Valid",
        Verdict.INVALID: "Invalid",
        Verdict.INDETERMINATE: "Indeterminate",
        Verdict.UNSIGNED: "Unsigned",
        Verdict.UNREADABLE: "Unreadable",
    },
}

LEVELS: Mapping[str, Mapping[Level, str]] = {
    "vi": {
        Level.CENTRAL: "Trung ương",
        Level.PROVINCE: "Cấp tỉnh",
        Level.DISTRICT: "Cấp huyện",
        Level.COMMUNE: "Cấp xã",
        Level.UNKNOWN: "Chưa xác định cấp",
    },
    "en": {
        Level.CENTRAL: "Central",
        Level.PROVINCE: "Province",
        Level.DISTRICT: "District",
        Level.COMMUNE: "Commune",
        Level.UNKNOWN: "Unknown level",
    },
}

# Names of the terms defined in serialize.DEFINITIONS (the JSON key is shown beside them).
TERMS: Mapping[str, Mapping[str, str]] = {
    "vi": {
        "kpi": "Chỉ tiêu liên thông",
        "processed_through_system": "Xử lý trên hệ thống",
        "documents": "Số văn bản",
        "signed": "Có chữ ký số",
        "valid": "Hợp lệ",
        "legally_complete": "Đầy đủ theo Nghị định 30",
        "by_month": "Theo tháng",
        "share_signed": "Tỷ lệ có chữ ký số",
        "share_valid": "Tỷ lệ hợp lệ",
        "level": "Cấp",
        "unknown_level": "Chưa xác định cấp",
    },
    "en": {
        "kpi": "Inter-agency KPI",
        "processed_through_system": "Processed through the system",
        "documents": "Documents",
        "signed": "Signed",
        "valid": "Valid",
        "legally_complete": "Legally complete",
        "by_month": "By month",
        "share_signed": "Share signed",
        "share_valid": "Share valid",
        "level": "Level",
        "unknown_level": "Unknown level",
    },
}

DEFINITIONS_VI: Mapping[str, str] = {
    "kpi": "chỉ tiêu văn bản điện tử gửi, nhận giữa các cơ quan: văn bản một cơ quan gửi cho ít nhất một "
    "cơ quan khác (nơi gửi khác nơi nhận), mỗi văn bản tính một lần, theo cấp của cơ quan ban hành; "
    "by_level, total, by_agency, by_period và flow_matrix đếm các văn bản này; all_by_level đếm mọi văn bản",
    "documents": "các văn bản thuộc chỉ tiêu liên thông của cấp đó, bất kể kết quả kiểm tra (kể cả văn bản "
    "không đọc được)",
    "signed": "văn bản có ít nhất một trường chữ ký đã được ký, bất kể kết quả kiểm tra",
    "valid": "văn bản mà mọi chữ ký đều hợp lệ (xem docs/verdicts.md)",
    "legally_complete": "văn bản hợp lệ được người có thẩm quyền ký rồi cơ quan ký, chữ ký của cơ quan "
    "bao trùm toàn bộ tệp (Nghị định 30/2020, Điều 5 và Điều 32)",
    "by_month": "văn bản được nhóm theo tháng của chữ ký sau cùng (thời điểm gắn dấu thời gian, nếu "
    "không có thì thời điểm ký được khai báo); văn bản chưa ký hoặc không đọc được không có tháng",
    "processed_through_system": "chỉ tiêu thứ hai của kế hoạch, theo cấp của nơi nhận: lượt nhận (văn bản, "
    "nơi nhận) có vết trạng thái (văn bản trạng thái edXML, cột trạng thái của sổ văn bản đến) đạt 06 "
    "(hoàn thành) / lượt nhận có vết trạng thái; lượt nhận không có trạng thái được đếm riêng",
    "share_signed": "có chữ ký số / số văn bản",
    "share_valid": "hợp lệ / số văn bản",
    "level": "cấp của cơ quan ban hành, theo manifest.csv và danh mục cơ quan; «chưa xác định» khi "
    "cả hai đều không nêu",
    "unknown_level": "số văn bản chưa xác định cấp theo kết quả kiểm tra, trong các văn bản thuộc chỉ tiêu "
    "(basis kpi) hoặc, khi chỉ tiêu trống, mọi văn bản tìm thấy (basis all); warn: tỷ lệ chưa xác định cấp "
    "của văn bản chưa ký và của văn bản có ký chênh nhau gap_points điểm và việc xác định cấp cho chúng có "
    "thể làm tỷ lệ có ký của một cấp thay đổi move_points điểm (docs/agencies-and-kpi.md, cảnh báo thiên "
    "lệch)",
}

# What the reports say about what they could not measure (report/notes.py), shared by the terminal and
# the dashboard. Placeholders are filled with str.format from numbers, codes and the labels above only.
NOTES: Mapping[str, Mapping[str, str]] = {
    "vi": {
        "all_title": "Mọi văn bản tìm thấy, theo cấp của cơ quan ban hành (thuộc chỉ tiêu hay không)",
        "kpi_empty": "Chỉ tiêu trống: không văn bản nào được chứng minh là gửi giữa các cơ quan ({reasons}).",
        "no_data_text_off": " {n} văn bản không có dữ liệu liên thông: hãy cung cấp manifest, sổ văn bản "
        "hoặc gói edXML ghi nơi nhận, hoặc để sigaudit đọc nội dung trang (bỏ --no-text).",
        "no_data_text_on": " {n} văn bản không có dữ liệu liên thông: không manifest, sổ văn bản hay gói "
        "edXML nào ghi nơi nhận, và trang văn bản cũng không ghi (không có lớp chữ hoặc không có mục «Nơi "
        "nhận»); hãy cung cấp manifest hoặc sổ văn bản.",
        "levels_from_names": "Cấp được xác định theo tên (không có danh mục --agencies): quy tắc tên đọc "
        "siêu dữ liệu, chứng thư số của cơ quan và, trừ khi dùng --no-text, phần đầu văn bản; {unknown} "
        "trong {documents} văn bản tìm thấy chưa xác định cấp. Cung cấp --agencies TỆP.csv để xác định "
        "theo mã.",
        "unknown_share": "Chưa xác định cấp, theo kết quả ({basis}): {counts}.",
        "basis_kpi": "văn bản thuộc chỉ tiêu",
        "basis_all": "mọi văn bản tìm thấy",
        "bias": "Có thể thiên lệch: {unsigned} văn bản chưa ký nhưng {signed} văn bản có ký chưa xác định "
        "cấp (chênh {gap:+.1f} điểm); nếu xác định được cấp, tỷ lệ có ký của {level} có thể thay đổi tới "
        "{move:.1f} điểm. Hãy cung cấp --agencies hoặc siêu dữ liệu xác định cấp của văn bản chưa ký.",
    },
    "en": {
        "all_title": "All documents found, per level of the issuing agency (in the KPI or not)",
        "kpi_empty": "The KPI is empty: no document was shown to be sent between agencies ({reasons}).",
        "no_data_text_off": " {n} have no exchange data: supply a manifest, a register or the edXML "
        "packages naming their recipients, or let sigaudit read the pages (drop --no-text).",
        "no_data_text_on": " {n} have no exchange data: no manifest, register or edXML package names their "
        "recipients and their pages name none either (no text layer, or no Nơi nhận list); supply a "
        "manifest or a register.",
        "levels_from_names": "Levels come from names (no --agencies registry): the name rules read the "
        "metadata, the agency certificates and, unless --no-text, the document headers; {unknown} of "
        "{documents} documents found are at level unknown. Supply --agencies FILE.csv to place them by code.",
        "unknown_share": "Level unknown, per verdict ({basis}): {counts}.",
        "basis_kpi": "KPI documents",
        "basis_all": "all documents found",
        "bias": "Possible bias: {unsigned} of unsigned but {signed} of signed documents are at level unknown "
        "({gap:+.1f} points); attributing them could move the {level} signed share by up to {move:.1f} "
        "points. Supply --agencies or metadata that places the unsigned documents.",
    },
}

# Why a document is left out of the KPI; English is the text the table and JSON report print.
EXCLUSIONS: Mapping[str, Mapping[Exclusion, str]] = {
    "vi": {
        Exclusion.OUT_OF_PERIOD: "ngày văn bản nằm ngoài kỳ được yêu cầu (--since/--until)",
        Exclusion.UNDATED: "không có ngày văn bản và thời điểm ký, trong khi có yêu cầu kỳ báo cáo",
        Exclusion.RECALLED: "bị cơ quan gửi thu hồi (nghiệp vụ edXML 1 hoặc trạng thái 13)",
        Exclusion.REPLACED: "phiên bản cũ của một văn bản đã được gói sau thay thế hoặc cập nhật",
        Exclusion.INTERNAL: "nơi nhận duy nhất là chính cơ quan gửi (văn bản nội bộ)",
        Exclusion.NO_EXCHANGE_DATA: "dữ liệu xuất không ghi nơi nhận và không ghi văn bản đi/đến: không "
        "chứng minh được là văn bản liên thông",
        Exclusion.DUPLICATE_COPY: "bản sao của một văn bản đã được tính (trùng nội dung, hoặc bản nơi nhận "
        "có cùng cơ quan ban hành, năm và số, ký hiệu); chỉ tính bản của nơi gửi",
    },
    "en": dict(EXCLUSION_TEXT),
}

# What each reconciliation finding means; English is the text the table prints.
FINDINGS: Mapping[str, Mapping[Finding, str]] = {
    "vi": {
        Finding.RECEIVED_DIFFERS: "bản nơi nhận nhận được khác mọi bản nơi gửi lưu",
        Finding.RECEIVED_WITHOUT_SIGNATURE: "bản nơi nhận nhận được không có chữ ký số",
        Finding.REFUSED: "nơi nhận từ chối tiếp nhận (trạng thái 02)",
        Finding.SENT_NOT_RECEIVED: "đã gửi, nhưng văn bản đến của nơi nhận không có bản nào và không có "
        "trạng thái",
        Finding.DUPLICATE_NUMBER: "cùng một số, ký hiệu dùng cho các văn bản khác nhau trong một năm",
    },
    "en": dict(FINDING_TEXT),
}

# Labels of the run manifest's keys (audit._run_manifest); other keys are shown under their own name.
MANIFEST_KEYS: Mapping[str, Mapping[str, str]] = {
    "vi": {
        "tool": "Công cụ",
        "tool_version": "Phiên bản sigaudit",
        "pyhanko_version": "Phiên bản pyHanko",
        "pyhanko_certvalidator_version": "Phiên bản pyhanko-certvalidator",
        "inputs": "Đầu vào",
        "agency_registry": "Danh mục cơ quan",
        "revocation": "Kiểm tra thu hồi",
        "validation_time": "Thời điểm xác thực",
        "started": "Bắt đầu",
        "ended": "Kết thúc",
        "jobs": "Số tiến trình",
        "policy": "Chính sách xác thực",
        "verdict_fingerprint": "Dấu vân tay cấu hình xác thực",
        "store": "Kho kết quả",
        "rescan": "Kiểm tra lại toàn bộ",
        "limits": "Giới hạn",
        "counts": "Số lượng",
        "store_run_id": "Mã lần chạy trong kho",
    },
    "en": {
        "tool": "Tool",
        "tool_version": "sigaudit version",
        "pyhanko_version": "pyHanko version",
        "pyhanko_certvalidator_version": "pyhanko-certvalidator version",
        "inputs": "Inputs",
        "agency_registry": "Agency registry",
        "revocation": "Revocation checking",
        "validation_time": "Validation time",
        "started": "Started",
        "ended": "Ended",
        "jobs": "Worker processes",
        "policy": "Validation policy",
        "verdict_fingerprint": "Verdict fingerprint",
        "store": "Result store",
        "rescan": "Rescan",
        "limits": "Limits",
        "counts": "Counts",
        "store_run_id": "Run id in the store",
    },
}


@dataclass(frozen=True)
class Labels:
    """Every label of one language, as the HTML template reads them."""

    lang: str
    text: Mapping[str, str]
    verdicts: Mapping[Verdict, str]
    levels: Mapping[Level, str]
    terms: Mapping[str, str]
    definitions: Mapping[str, str]
    manifest_keys: Mapping[str, str]
    exclusions: Mapping[Exclusion, str]
    findings: Mapping[Finding, str]


def labels_for(lang: str) -> Labels:
    """The labels of ``lang`` ("vi" or "en"); any other language is an error, not a silent fallback."""
    if lang not in LANGUAGES:
        raise ValueError(f"unsupported report language {lang!r} (use one of: {', '.join(LANGUAGES)})")
    return Labels(
        lang=lang,
        text=MappingProxyType(dict(TEXT[lang])),
        verdicts=MappingProxyType(dict(VERDICTS[lang])),
        levels=MappingProxyType(dict(LEVELS[lang])),
        terms=MappingProxyType(dict(TERMS[lang])),
        definitions=MappingProxyType(dict(DEFINITIONS_VI if lang == "vi" else DEFINITIONS)),
        manifest_keys=MappingProxyType(dict(MANIFEST_KEYS[lang])),
        exclusions=MappingProxyType(dict(EXCLUSIONS[lang])),
        findings=MappingProxyType(dict(FINDINGS[lang])),
    )
