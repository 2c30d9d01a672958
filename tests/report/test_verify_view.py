"""``sigaudit verify``'s view in English (what it has always printed, byte for byte) and in Vietnamese.

The document is built from values (no validation runs): one signature per way a signing time is shown,
a later revision's categories and visual check, the legal conditions, the text of the pages. The real
command on the sample archive is tested in ``tests/cli/test_commands.py``.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

from sigaudit.model import (
    UNKNOWN_AGENCY,
    CertificateInfo,
    ChangeCategory,
    Changes,
    CheckName,
    CheckStatus,
    Coverage,
    Decree30,
    DocumentResult,
    DocumentTimestampResult,
    Indication,
    LegalCheck,
    Permission,
    RevocationSource,
    RevocationStatus,
    ShownCheck,
    SignatureResult,
    SignerRole,
    SubIndication,
    TextMeta,
    TextStatus,
    TimeBasis,
    ValidationOutcome,
    Verdict,
)  # fmt: skip
from sigaudit.report.verify_view import render_verify
from sigaudit.validation.policy import load_policy

T0 = datetime(2024, 3, 1, 2, 5, tzinfo=UTC)
CERT = CertificateInfo(
    subject="CN=Nguyễn Văn A,O=UBND tỉnh Phú Thọ,C=VN",
    common_name="Nguyễn Văn A",
    organization="UBND tỉnh Phú Thọ",
    organizational_unit=None,
    uid=(),
    issuer="CN=DEMO CA,C=VN",
    serial="0a1b",
    sha256="ab" * 32,
    not_before=datetime(2020, 1, 1, tzinfo=UTC),
    not_after=datetime(2045, 1, 1, tzinfo=UTC),
)
SIG = SignatureResult(
    field="Sig_CaNhan",
    subfilter="/adbe.pkcs7.detached",
    signer=CERT,
    role=SignerRole.PERSONAL,
    claimed_signing_time=T0,
    timestamp_time=None,
    digest_algorithm="sha256",
    signature_algorithm="sha256_rsa",
    intact=True,
    crypto_valid=True,
    trusted=True,
    revocation=RevocationStatus.GOOD,
    revocation_evidence=("dss",),
    coverage=Coverage.ENTIRE_REVISION,
    changes=Changes.PERMITTED,
    changes_reason="a later signature",
    indication=Indication.TOTAL_PASSED,
    sub_indication=None,
    reason="intact, verified",
    chain=("CN=DEMO Root,C=VN", "CN=DEMO CA,C=VN", "CN=Nguyễn Văn A,O=UBND tỉnh Phú Thọ,C=VN"),
    revision=0,
    checks=(
        LegalCheck(CheckName.VALID_AT_SIGNING_TIME, CheckStatus.PASSED, "within validity"),
        LegalCheck(CheckName.NOT_REVOKED_AT_SIGNING_TIME, CheckStatus.UNKNOWN, "no evidence"),
        LegalCheck(CheckName.SOLE_CONTROL, CheckStatus.ASSUMED, "cannot be shown"),
        LegalCheck(CheckName.USAGE_MATCHES_CERTIFICATE, CheckStatus.NOT_APPLICABLE, "not checked"),
    ),
    revocation_source=RevocationSource.DSS,
    time_basis=TimeBasis.DOCUMENT_TIMESTAMP,
    change_categories=(ChangeCategory.SIGNATURE, ChangeCategory.INCOMING_STAMP),
    permission=Permission.APPROVAL,
    shown=ShownCheck.SAME,
    shown_reason="every page looks the same",
)
STAMP = DocumentTimestampResult(
    field="DocTS",
    time=datetime(2024, 3, 2, tzinfo=UTC),
    intact=True,
    valid=True,
    trusted=True,
    tsa="CN=TSA",
    revision=2,
    reason="valid document timestamp",
)
SIGS = (
    SIG,
    dataclasses.replace(
        SIG,
        field="Sig_CoQuan",
        role=SignerRole.AGENCY,
        time_basis=TimeBasis.TIMESTAMP,
        timestamp_time=T0,
        coverage=Coverage.ENTIRE_FILE,
        changes=Changes.NONE,
        permission=None,
        revocation_source=RevocationSource.EMBEDDED,
        chain=(),
    ),
    dataclasses.replace(
        SIG,
        field="Sig_3",
        subfilter=None,
        signer=None,
        role=SignerRole.UNKNOWN,
        time_basis=TimeBasis.CLAIMED,
        timestamp_time=T0,
        intact=False,
        trusted=False,
        revocation=RevocationStatus.NOT_CHECKED,
        revocation_evidence=(),
        revocation_source=RevocationSource.NONE,
        coverage=Coverage.PARTIAL,
        changes=Changes.DISALLOWED,
        indication=Indication.TOTAL_FAILED,
        sub_indication=SubIndication.HASH_FAILURE,
        checks=(),
        change_categories=(),
        permission=Permission.DOCMDP_P2,
        shown=ShownCheck.DIFFERS,
    ),
    dataclasses.replace(SIG, field="Sig_4", time_basis=TimeBasis.CLAIMED, permission=None, checks=()),
    dataclasses.replace(
        SIG,
        field="Sig_5",
        time_basis=TimeBasis.NONE,
        claimed_signing_time=None,
        permission=None,
        checks=(),
        revocation_source=RevocationSource.LOCAL,
    ),
)
DOC = DocumentResult(
    "tinh/cv-12.pdf",
    "cd" * 32,
    1000,
    UNKNOWN_AGENCY,
    ValidationOutcome(
        Verdict.INVALID,
        "Sig_3: the signed bytes were changed",
        SIGS,
        ("Sig_Empty",),
        ("a note",),
        Decree30.WRONG_ORDER,
        (STAMP,),
        TextMeta(
            TextStatus.READ,
            "",
            parent="UBND TỈNH PHÚ THỌ",
            agency="SỞ NỘI VỤ",
            number="12",
            notation="SNV-VP",
            place="Phú Thọ",
            kind="Công văn",
            subject="V/v thử",
            signing="KT. GIÁM ĐỐC",
            recipients=("Như trên",),
            upward=("UBND tỉnh",),
            file_copy="Lưu: VT",
        ),
    ),
)


# What render_verify printed for DOC before it spoke Vietnamese (captured from that code).
ENGLISH = """tinh/cv-12.pdf
  SHA-256       cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd
  verdict       INVALID — Sig_3: the signed bytes were changed
  Decree 30     the agency signed before the competent person
  empty fields  Sig_Empty
  note          a note
  doc timestamp DocTS: valid document timestamp

Signature 1: field Sig_CaNhan (/adbe.pkcs7.detached)
  signer        Nguyễn Văn A — personal
  subject       CN=Nguyễn Văn A,O=UBND tỉnh Phú Thọ,C=VN
  issuer        CN=DEMO CA,C=VN
  certificate   serial 0a1b, SHA-256 abababababababababababababababababababababababababababababababab
  valid         2020-01-01T00:00:00+00:00 to 2045-01-01T00:00:00+00:00
  time          2024-03-01T02:05:00+00:00 (claimed by the signer); existed by 2024-03-02T00:00:00+00:00, attested by a later document timestamp
  time basis    document_timestamp
  algorithms    sha256 / sha256_rsa
  integrity     intact=true, signature verifies=true
  trust         chains to a configured root
  revocation    good (evidence: dss)
  revoc. source dss — the PDF's Document Security Store
  coverage      entire_revision; changes after it: permitted — a later signature
  after it      signature, incoming_stamp; judged by: approval
  shown         same — every page looks the same
  result        TOTAL_PASSED — intact, verified
  chain         CN=Nguyễn Văn A,O=UBND tỉnh Phú Thọ,C=VN
                <- CN=DEMO CA,C=VN
                <- CN=DEMO Root,C=VN
  legal validity conditions (Decree 130/2018 Art. 9):
    valid_at_signing_time        passed          within validity
    not_revoked_at_signing_time  unknown         no evidence
    sole_control                 assumed         cannot be shown
    usage_matches_certificate    not_applicable  not checked

Signature 2: field Sig_CoQuan (/adbe.pkcs7.detached)
  signer        Nguyễn Văn A — agency
  subject       CN=Nguyễn Văn A,O=UBND tỉnh Phú Thọ,C=VN
  issuer        CN=DEMO CA,C=VN
  certificate   serial 0a1b, SHA-256 abababababababababababababababababababababababababababababababab
  valid         2020-01-01T00:00:00+00:00 to 2045-01-01T00:00:00+00:00
  time          2024-03-01T02:05:00+00:00 (attested by a valid RFC 3161 timestamp)
  time basis    timestamp
  algorithms    sha256 / sha256_rsa
  integrity     intact=true, signature verifies=true
  trust         chains to a configured root
  revocation    good (evidence: dss)
  revoc. source embedded — the signature's embedded evidence (adbe-revocationInfoArchival)
  coverage      entire_file; changes after it: none — a later signature
  result        TOTAL_PASSED — intact, verified
  legal validity conditions (Decree 130/2018 Art. 9):
    valid_at_signing_time        passed          within validity
    not_revoked_at_signing_time  unknown         no evidence
    sole_control                 assumed         cannot be shown
    usage_matches_certificate    not_applicable  not checked

Signature 3: field Sig_3 (no SubFilter)
  time          2024-03-01T02:05:00+00:00 (claimed by the signer, not attested); the timestamp token (2024-03-01T02:05:00+00:00) is not valid or not trusted
  time basis    claimed
  algorithms    sha256 / sha256_rsa
  integrity     intact=false, signature verifies=true
  trust         not trusted
  revocation    not_checked (evidence: none)
  revoc. source none — no evidence decided
  coverage      partial; changes after it: disallowed — a later signature
  after it      none; judged by: docmdp_p2
  shown         differs — every page looks the same
  result        TOTAL_FAILED / HASH_FAILURE — intact, verified
  chain         CN=Nguyễn Văn A,O=UBND tỉnh Phú Thọ,C=VN
                <- CN=DEMO CA,C=VN
                <- CN=DEMO Root,C=VN

Signature 4: field Sig_4 (/adbe.pkcs7.detached)
  signer        Nguyễn Văn A — personal
  subject       CN=Nguyễn Văn A,O=UBND tỉnh Phú Thọ,C=VN
  issuer        CN=DEMO CA,C=VN
  certificate   serial 0a1b, SHA-256 abababababababababababababababababababababababababababababababab
  valid         2020-01-01T00:00:00+00:00 to 2045-01-01T00:00:00+00:00
  time          2024-03-01T02:05:00+00:00 (claimed by the signer, not attested)
  time basis    claimed
  algorithms    sha256 / sha256_rsa
  integrity     intact=true, signature verifies=true
  trust         chains to a configured root
  revocation    good (evidence: dss)
  revoc. source dss — the PDF's Document Security Store
  coverage      entire_revision; changes after it: permitted — a later signature
  result        TOTAL_PASSED — intact, verified
  chain         CN=Nguyễn Văn A,O=UBND tỉnh Phú Thọ,C=VN
                <- CN=DEMO CA,C=VN
                <- CN=DEMO Root,C=VN

Signature 5: field Sig_5 (/adbe.pkcs7.detached)
  signer        Nguyễn Văn A — personal
  subject       CN=Nguyễn Văn A,O=UBND tỉnh Phú Thọ,C=VN
  issuer        CN=DEMO CA,C=VN
  certificate   serial 0a1b, SHA-256 abababababababababababababababababababababababababababababababab
  valid         2020-01-01T00:00:00+00:00 to 2045-01-01T00:00:00+00:00
  time          none stated
  time basis    none
  algorithms    sha256 / sha256_rsa
  integrity     intact=true, signature verifies=true
  trust         chains to a configured root
  revocation    good (evidence: dss)
  revoc. source local — the revocation folder (--revocation-dir)
  coverage      entire_revision; changes after it: permitted — a later signature
  result        TOTAL_PASSED — intact, verified
  chain         CN=Nguyễn Văn A,O=UBND tỉnh Phú Thọ,C=VN
                <- CN=DEMO CA,C=VN
                <- CN=DEMO Root,C=VN

Text of the pages (read)
  parent body   UBND TỈNH PHÚ THỌ
  agency        SỞ NỘI VỤ
  number        12/SNV-VP
  place, date   Phú Thọ
  kind          Công văn
  subject       V/v thử
  signing       KT. GIÁM ĐỐC
  recipients    Như trên
  for report    UBND tỉnh
  file copy     Lưu: VT

Assumption: each signing key was under its holder's sole control (Decree 130/2018 Art. 9); a file
cannot show this.
"""  # noqa: E501

ENGLISH_LABELS = (
    "verdict", "Decree 30", "empty fields", "note", "doc timestamp", "signer", "subject",
    "issuer", "certificate", "valid", "time", "time basis", "algorithms", "integrity", "trust",
    "revocation", "revoc. source", "coverage", "after it", "shown", "result", "chain", "parent body",
    "agency", "number", "place, date", "kind", "signing", "recipients", "for report", "file copy",
)  # fmt: skip
ENGLISH_SENTENCES = (
    "Signature ", "no SubFilter", "claimed by the signer", "attested by", "not attested", "none stated",
    "existed by", "intact=", "chains to a configured root", "not trusted", "(evidence:",
    "changes after it:", "judged by:", "legal validity conditions", "Text of the pages", "Assumption:",
    "cannot show this", "Validation policy:", "the competent person", "Document Security Store",
    "revocation folder",
)  # fmt: skip


def test_english_is_what_verify_has_always_printed() -> None:
    assert render_verify(DOC) == ENGLISH
    assert render_verify(DOC, lang="en") == ENGLISH
    policy = load_policy(None)
    assert render_verify(DOC, policy).endswith(
        f"Validation policy: {policy.name} (SHA-256 {policy.sha256}, shipped)\n"
    )


def test_vietnamese_labels_every_line_and_leaves_no_english_sentence() -> None:
    text = render_verify(DOC, load_policy(None), lang="vi")
    for words in (
        "  kết quả           KHÔNG HỢP LỆ — ", "Nghị định 30      cơ quan ký trước người có thẩm quyền",
        "Chữ ký 1: trường Sig_CaNhan", "người ký          Nguyễn Văn A — cá nhân", "— cơ quan",
        "(người ký tự khai); đã có trước 2024-03-02T00:00:00+00:00, được chứng thực bởi",
        "dấu thời gian RFC 3161 hợp lệ", "không hợp lệ hoặc không được tin cậy",
        "thời điểm ký      không ghi",
        "thu hồi           chưa bị thu hồi (bằng chứng: dss)", "phạm vi ký        một phần tệp",
        "thay đổi sau khi ký: không được phép", "xét theo: chữ ký phê duyệt", "hiển thị          khác",
        "chuỗi chứng thư   CN=Nguyễn Văn A", "                    <- CN=DEMO CA,C=VN",
        "(Nghị định 130/2018, Điều 9):", "chứng thư số còn hiệu lực tại thời điểm ký", "giả định",
        "không áp dụng", "Nội dung trang văn bản (đã đọc)", "trích yếu         V/v thử", "Giả định:",
        "Chính sách kiểm tra: sigaudit-default", "kèm theo sigaudit)",
    ):  # fmt: skip
        assert words in text, words
    for line in text.splitlines():
        assert not any(line.startswith(f"  {label:<13} ") for label in ENGLISH_LABELS), line
    # The reasons come from the validation in English (document facts, not the view's words); the
    # constructed ones ("a later signature", "intact, verified"…) contain none of the view's sentences.
    leftover = [s for s in ENGLISH_SENTENCES if s in text]
    assert not leftover


def test_a_document_s_text_stays_escaped_in_vietnamese() -> None:
    hostile = dataclasses.replace(DOC, path="tinh/\x1b[31mred\u202e.pdf")
    text = render_verify(hostile, lang="vi")
    assert "\x1b" not in text and "\u202e" not in text
    assert text.splitlines()[0] == render_verify(hostile).splitlines()[0]
