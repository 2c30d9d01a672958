"""The words of ``sigaudit verify`` (:mod:`.verify_view`), in English and Vietnamese.

The English text is what the command has always printed (the docs quote it); the Vietnamese is for the
document-office staff who run it with ``--lang vi`` or a ``vi_VN`` locale, in the terms of :mod:`.i18n`
(chữ ký số, chứng thư số, chứng thư gốc được tin cậy, thu hồi, dấu thời gian, phạm vi ký). English shows
the values as the JSON report names them (``personal``, ``entire_file``); Vietnamese shows them in words
(:data:`VALUES_VI`). Placeholders are filled with ``str.format`` and every line the view builds goes
through :func:`.escape.terminal`, since most of them quote the document.
"""

from __future__ import annotations

from collections.abc import Mapping

LABEL_WIDTH: Mapping[str, int] = {"en": 13, "vi": 17}  # the label column, before one space

VERIFY_TEXT: Mapping[str, Mapping[str, str]] = {
    "en": {
        "sha256": "SHA-256",
        "verdict": "verdict",
        "decree30": "Decree 30",
        "empty_fields": "empty fields",
        "note": "note",
        "doc_timestamp": "doc timestamp",
        "signature": "Signature {index}: field {field} ({subfilter})",
        "no_subfilter": "no SubFilter",
        "signer": "signer",
        "subject": "subject",
        "issuer": "issuer",
        "certificate": "certificate",
        "certificate_value": "serial {serial}, SHA-256 {sha256}",
        "valid": "valid",
        "valid_value": "{start} to {end}",
        "time": "time",
        "time_basis": "time basis",
        "none_stated": "none stated",
        "time_timestamp": "{time} (attested by a valid RFC 3161 timestamp)",
        "time_document_timestamp": "{claimed} (claimed by the signer); {proof}attested by a later document "
        "timestamp",
        "time_proof": "existed by {time}, ",
        "time_token_not_valid": "{claimed} (claimed by the signer, not attested); the timestamp token "
        "({time}) is not valid or not trusted",
        "time_claimed": "{claimed} (claimed by the signer, not attested)",
        "algorithms": "algorithms",
        "integrity": "integrity",
        "integrity_value": "intact={intact}, signature verifies={verifies}",
        "true": "true",
        "false": "false",
        "trust": "trust",
        "trusted": "chains to a configured root",
        "not_trusted": "not trusted",
        "revocation": "revocation",
        "revocation_value": "{status} (evidence: {evidence})",
        "none": "none",
        "revocation_source": "revoc. source",
        "revocation_source_value": "{source} — {words}",
        "coverage": "coverage",
        "coverage_value": "{coverage}; changes after it: {changes} — {reason}",
        "after": "after it",
        "after_value": "{categories}; judged by: {permission}",
        "shown": "shown",
        "result": "result",
        "chain": "chain",
        "checks": "  legal validity conditions (Decree 130/2018 Art. 9):",
        "text_title": "Text of the pages ({status}{detail})",
        "parent": "parent body",
        "agency": "agency",
        "number": "number",
        "place_date": "place, date",
        "kind": "kind",
        "text_subject": "subject",
        "signing": "signing",
        "recipients": "recipients",
        "upward": "for report",
        "file_copy": "file copy",
        "tcvn3": "TCVN3 font",
        "tcvn3_page": "page {n} converted",
        "assumption": "Assumption: each signing key was under its holder's sole control (Decree 130/2018 "
        "Art. 9); a file\ncannot show this.",
        "policy": "Validation policy: {name} (SHA-256 {sha256}, {source})",
        "shipped": "shipped",
        "attachments": "Attached files (covered by the document's valid signature), SHA-256 of each:",
        "associated": " — associated file ({relationship})",
        "unspecified": "Unspecified",
        "size": "{size} bytes",
    },
    "vi": {
        "sha256": "SHA-256",
        "verdict": "kết quả",
        "decree30": "Nghị định 30",
        "empty_fields": "trường chưa ký",
        "note": "ghi chú",
        "doc_timestamp": "dấu thời gian VB",
        "signature": "Chữ ký {index}: trường {field} ({subfilter})",
        "no_subfilter": "không có SubFilter",
        "signer": "người ký",
        "subject": "chủ thể",
        "issuer": "tổ chức cấp",
        "certificate": "chứng thư số",
        "certificate_value": "số hiệu {serial}, SHA-256 {sha256}",
        "valid": "thời hạn",
        "valid_value": "từ {start} đến {end}",
        "time": "thời điểm ký",
        "time_basis": "căn cứ thời điểm",
        "none_stated": "không ghi",
        "time_timestamp": "{time} (được chứng thực bởi một dấu thời gian RFC 3161 hợp lệ)",
        "time_document_timestamp": "{claimed} (người ký tự khai); {proof}được chứng thực bởi một dấu thời "
        "gian văn bản gắn sau",
        "time_proof": "đã có trước {time}, ",
        "time_token_not_valid": "{claimed} (người ký tự khai, không được chứng thực); dấu thời gian ({time}) "
        "không hợp lệ hoặc không được tin cậy",
        "time_claimed": "{claimed} (người ký tự khai, không được chứng thực)",
        "algorithms": "thuật toán",
        "integrity": "toàn vẹn",
        "integrity_value": "nội dung được ký còn nguyên: {intact}, chữ ký kiểm tra đúng: {verifies}",
        "true": "có",
        "false": "không",
        "trust": "tin cậy",
        "trusted": "dẫn tới một chứng thư gốc được tin cậy",
        "not_trusted": "không được tin cậy",
        "revocation": "thu hồi",
        "revocation_value": "{status} (bằng chứng: {evidence})",
        "none": "không có",
        "revocation_source": "nguồn thu hồi",
        "revocation_source_value": "{words}",
        "coverage": "phạm vi ký",
        "coverage_value": "{coverage}; thay đổi sau khi ký: {changes} — {reason}",
        "after": "thay đổi sau",
        "after_value": "{categories}; xét theo: {permission}",
        "shown": "hiển thị",
        "result": "kết luận ETSI",
        "chain": "chuỗi chứng thư",
        "checks": "  điều kiện bảo đảm giá trị pháp lý của chữ ký số (Nghị định 130/2018, Điều 9):",
        "text_title": "Nội dung trang văn bản ({status}{detail})",
        "parent": "cơ quan chủ quản",
        "agency": "cơ quan ban hành",
        "number": "số, ký hiệu",
        "place_date": "địa danh, ngày",
        "kind": "loại văn bản",
        "text_subject": "trích yếu",
        "signing": "thẩm quyền ký",
        "recipients": "nơi nhận",
        "upward": "để báo cáo",
        "file_copy": "nơi lưu",
        "tcvn3": "phông TCVN3",
        "tcvn3_page": "trang {n} đã chuyển mã",
        "assumption": "Giả định: khóa ký của mỗi chữ ký do người giữ khóa kiểm soát duy nhất (Nghị định "
        "130/2018, Điều 9);\ntệp văn bản không thể chứng minh điều này.",
        "policy": "Chính sách kiểm tra: {name} (SHA-256 {sha256}, {source})",
        "shipped": "kèm theo sigaudit",
        "attachments": "Tệp đính kèm (thuộc phạm vi chữ ký hợp lệ của văn bản), kèm SHA-256 của từng tệp:",
        "associated": " — tệp liên kết ({relationship})",
        "unspecified": "Unspecified",
        "size": "{size} byte",
    },
}

DECREE30_TEXT: Mapping[str, Mapping[str, str]] = {
    "en": {
        "complete": "complete: the competent person signed, then the agency, covering the whole file",
        "agency_only": "agency signature only: right for a copy (sao y) or an attachment, not for an "
        "original",
        "personal_only": "personal signature only: the agency signature is missing",
        "wrong_order": "the agency signed before the competent person",
        "changed_after_agency": "the file was changed after the agency signature",
        "other_agency": "the agency signature's certificate names another agency than the issuing one",
        "roles_unknown": "no signer recognised as a person or an agency",
        "not_signed": "not signed",
    },
    "vi": {
        "complete": "đầy đủ: người có thẩm quyền ký, sau đó cơ quan ký, chữ ký của cơ quan bao trùm toàn "
        "bộ tệp",
        "agency_only": "chỉ có chữ ký của cơ quan: đúng với bản sao (sao y) hoặc phụ lục, không đúng với "
        "bản gốc",
        "personal_only": "chỉ có chữ ký cá nhân: thiếu chữ ký của cơ quan",
        "wrong_order": "cơ quan ký trước người có thẩm quyền",
        "changed_after_agency": "tệp bị thay đổi sau chữ ký của cơ quan",
        "other_agency": "chứng thư số của chữ ký cơ quan ghi một cơ quan khác với cơ quan ban hành",
        "roles_unknown": "không nhận ra người ký nào là cá nhân hay cơ quan",
        "not_signed": "chưa ký",
    },
}

SOURCE_TEXT: Mapping[str, Mapping[str, str]] = {
    "en": {
        "embedded": "the signature's embedded evidence (adbe-revocationInfoArchival)",
        "dss": "the PDF's Document Security Store",
        "local": "the revocation folder (--revocation-dir)",
        "online": "fetched online (--online)",
        "none": "no evidence decided",
    },
    "vi": {
        "embedded": "bằng chứng gắn trong chữ ký (adbe-revocationInfoArchival)",
        "dss": "kho bằng chứng xác thực (DSS) của tệp PDF",
        "local": "thư mục thông tin thu hồi (--revocation-dir)",
        "online": "tải trực tuyến (--online)",
        "none": "không có bằng chứng nào quyết định",
    },
}

# The values English prints as the JSON report names them, in Vietnamese words; by kind, since two
# enums may share a value ("none").
VALUES_VI: Mapping[str, Mapping[str, str]] = {
    "role": {"personal": "cá nhân", "agency": "cơ quan", "unknown": "chưa xác định vai trò"},
    "time_basis": {
        "timestamp": "dấu thời gian",
        "document_timestamp": "dấu thời gian văn bản",
        "claimed": "người ký tự khai",
        "none": "không có",
    },
    "revocation": {
        "good": "chưa bị thu hồi",
        "revoked": "đã bị thu hồi",
        "unknown": "chưa rõ",
        "not_checked": "chưa kiểm tra",
    },
    "coverage": {
        "entire_file": "toàn bộ tệp",
        "entire_revision": "toàn bộ phiên bản được ký",
        "partial": "một phần tệp",
    },
    "changes": {"none": "không có", "permitted": "được phép", "disallowed": "không được phép"},
    "category": {
        "signature": "chữ ký",
        "form_fill": "điền biểu mẫu",
        "annotation": "ghi chú trên trang",
        "incoming_stamp": "dấu văn bản đến",
        "dss": "dữ liệu xác thực (DSS)",
        "document_timestamp": "dấu thời gian văn bản",
        "undefined": "thay đổi khác",
    },
    "permission": {
        "approval": "chữ ký phê duyệt (cho điền biểu mẫu, ký, ghi chú)",
        "docmdp_p1": "chữ ký chứng nhận, không cho thay đổi (DocMDP P=1)",
        "docmdp_p2": "chữ ký chứng nhận, cho điền biểu mẫu và ký (DocMDP P=2)",
        "docmdp_p3": "chữ ký chứng nhận, cho điền biểu mẫu, ký và ghi chú (DocMDP P=3)",
    },
    "shown": {
        "same": "giống",
        "differs": "khác",
        "incomplete": "chưa so hết",
        "not_rendered": "không hiển thị được",
    },
    "check": {
        "valid_at_signing_time": "chứng thư số còn hiệu lực tại thời điểm ký",
        "not_revoked_at_signing_time": "chứng thư số không bị tạm dừng, thu hồi tại thời điểm ký",
        "signature_intact": "chữ ký kiểm tra đúng, văn bản không bị thay đổi",
        "chain_to_recognised_root": "chứng thư số dẫn tới chứng thư gốc được công nhận",
        "usage_matches_certificate": "sử dụng đúng phạm vi của chứng thư số",
        "sole_control": "khóa ký chỉ do người ký kiểm soát",
    },
    "check_status": {
        "passed": "đạt",
        "failed": "không đạt",
        "unknown": "chưa rõ",
        "assumed": "giả định",
        "not_applicable": "không áp dụng",
    },
    "text_status": {"read": "đã đọc", "no_text_layer": "không có lớp chữ", "not_read": "không đọc được"},
}
