"""The HTML dashboard, rendered from a real audit of the sample archive.

Unit checks read the HTML text; the browser checks open the page from disk in Debian's headless
Chromium (packages ``chromium`` and ``chromium-driver``) and use it as a person would: the sections
are shown, the failing-documents table filters as you type, nothing is fetched and nothing is logged
as an error (a Content-Security-Policy violation, a script error or a blocked load would be).
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import html
import os
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from markupsafe import escape
from selenium import webdriver
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from sigaudit.agencies.registry import load_registry
from sigaudit.aggregate.exchange import Exclusion, Period, classify
from sigaudit.aggregate.gates import GateFailure
from sigaudit.aggregate.kpi import LEVEL_ORDER, Summary, summarize
from sigaudit.aggregate.reconcile import Finding, Findings, Reconciliation
from sigaudit.audit import AuditOptions, run_audit
from sigaudit.model import AuditRun, DocumentResult, Level, Verdict
from sigaudit.report import FORMATTERS, ReportContext
from sigaudit.report import html as html_report
from sigaudit.report.build import report_context
from sigaudit.report.context import View
from sigaudit.report.html import RECONCILIATION_ROWS, render_html
from sigaudit.report.i18n import (
    DEFINITIONS_VI,
    EXCLUSIONS,
    FINDINGS,
    LANGUAGES,
    LEVELS,
    MANIFEST_KEYS,
    TERMS,
    TEXT,
    VERDICTS,
    labels_for,
)
from sigaudit.report.serialize import DEFINITIONS
from sigaudit.validation.trust import build_trust

REPO = Path(__file__).parents[2]
DEMO = REPO / "demo"
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
KEY_IDS = (
    "level-bars",
    "definitions",
    "agency-ranking",
    "monthly-trend",
    "failing-documents",
    "doc-search",
    "run-manifest",
    "gates",
)
HOSTILE = "<script>alert(1)</script>"
KPI_IDS = ("kpi-scope", "flow-matrix", "kpi-periods", "processing", "reconciliation")


@pytest.fixture(scope="module")
def audit() -> tuple[AuditRun, Summary]:
    """A real run over sample_docs/ with the demo PKI and agency registry (see demo/expected.json)."""
    trust = build_trust([DEMO / "pki" / "demo-root.pem"], [DEMO / "pki" / "demo-intermediate.pem"])
    registry = load_registry(DEMO / "agencies.csv")
    options = AuditOptions(
        paths=(REPO / "sample_docs",),
        trust=trust,
        registry=registry,
        jobs=1,
        registry_path=str(DEMO / "agencies.csv"),
    )
    run = run_audit(options)
    return run, summarize(run.documents)


def _html(audit: tuple[AuditRun, Summary], lang: str = "vi", gates: tuple[GateFailure, ...] = ()) -> str:
    run, summary = audit
    return render_html(ReportContext(run, summary, gates, lang=lang))


@pytest.fixture(scope="module")
def kpi_ctx(audit: tuple[AuditRun, Summary]) -> Iterator[ReportContext]:
    """The context ``sigaudit scan --period quarter`` builds (``report_context``, the function the
    command line calls): exchanges classified, the inter-agency KPI summarised, copies reconciled (the
    sample's registers and edXML package give exclusions, flows, a district processing row and
    sent_not_received findings)."""
    run, _ = audit
    with report_context(run, View(period_kind="quarter"), lang="vi") as ctx:
        yield ctx


def _kpi_html(ctx: ReportContext, lang: str) -> str:
    return render_html(dataclasses.replace(ctx, lang=lang))


def _esc(text: str) -> str:
    """Text as the page's autoescape writes it (Jinja uses MarkupSafe)."""
    return str(escape(text))


def _failing(run: AuditRun) -> list[DocumentResult]:
    return [d for d in run.documents if d.verdict != Verdict.VALID]


def _with_hostile_agency(run: AuditRun) -> AuditRun:
    """The run with the first failing document's agency renamed to a script (as a manifest could)."""
    docs = list(run.documents)
    i = next(i for i, d in enumerate(docs) if d.verdict != Verdict.VALID)
    docs[i] = dataclasses.replace(docs[i], agency=dataclasses.replace(docs[i].agency, name=HOSTILE))
    return dataclasses.replace(run, documents=tuple(docs))


class _Tags(HTMLParser):
    """Every start tag with its attributes, and the text of <style> and <script> elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.raw: dict[str, list[str]] = {"style": [], "script": []}
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in = tag if tag in self.raw else None

    def handle_endtag(self, tag: str) -> None:
        self._in = None

    def handle_data(self, data: str) -> None:
        if self._in:
            self.raw[self._in].append(data)


def _parse(page: str) -> _Tags:
    parser = _Tags()
    parser.feed(page)
    parser.close()
    return parser


# --- the run the page is built from ----------------------------------------------------------------
def test_the_page_is_built_from_the_real_sample_run(
    audit: tuple[AuditRun, Summary], expected: dict[str, dict[str, Any]]
) -> None:
    run, summary = audit
    assert summary.all_total is not None and summary.all_total.documents == len(expected) == 61
    want_failing = sum(e["expected_verdict"] != "valid" for e in expected.values())
    assert len(_failing(run)) == want_failing
    assert summary.by_month, "the sample's signatures give a monthly trend"


def test_html_is_in_the_formatter_registry() -> None:
    # The registry loads the dashboard module lazily; it renders the very same page.
    ctx = ReportContext(AuditRun((), (), ()), summarize(()), lang="en")
    assert FORMATTERS["html"](ctx) == render_html(ctx)


# --- labels ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("lang", "labels"),
    [
        (
            "vi",
            [
                "Tỷ lệ văn bản có chữ ký số",
                "Tỷ lệ văn bản có chữ ký số hợp lệ",
                "Đầy đủ theo Nghị định 30",
                "cấp tỉnh, cấp huyện, cấp xã",
                "Cấp tỉnh",
                "Cấp huyện",
                "Cấp xã",
                "Hợp lệ",
                "Không hợp lệ",
                "Chưa xác định",
                "Chưa ký",
                "Không đọc được",
                "Xếp hạng cơ quan",
                "Xu hướng theo tháng",
                "Tử số",
                "Mẫu số",
            ],
        ),
        (
            "en",
            [
                "Share of documents with a digital signature",
                "Share of documents with a valid digital signature",
                "Legally complete",
                "Province",
                "District",
                "Commune",
                "Invalid",
                "Indeterminate",
                "Unsigned",
                "Unreadable",
                "Agency ranking",
                "Monthly trend",
                "Numerator",
                "Denominator",
            ],
        ),
    ],
)
def test_each_language_renders_with_its_labels(
    audit: tuple[AuditRun, Summary], lang: str, labels: list[str]
) -> None:
    page = _html(audit, lang)
    assert page.startswith("<!DOCTYPE html>")
    assert f'<html lang="{lang}">' in page
    assert '<meta charset="utf-8">' in page
    for label in labels:
        assert _esc(label) in page, label
    other = "en" if lang == "vi" else "vi"
    assert TEXT[other]["failing_title"] not in page


def test_both_languages_define_the_same_labels() -> None:
    assert set(TEXT["vi"]) == set(TEXT["en"])
    assert set(MANIFEST_KEYS["vi"]) == set(MANIFEST_KEYS["en"])
    assert set(DEFINITIONS_VI) == set(DEFINITIONS), "translate every definition the JSON report prints"
    for lang in LANGUAGES:
        assert set(VERDICTS[lang]) == set(Verdict)
        assert set(LEVELS[lang]) == set(LEVELS["en"])
        assert set(TERMS[lang]) == set(DEFINITIONS)
        assert set(EXCLUSIONS[lang]) == set(Exclusion), "explain every reason a document is left out"
        assert set(FINDINGS[lang]) == set(Finding), "explain every reconciliation finding"
        assert all(v.strip() for v in TEXT[lang].values())


def test_an_unknown_language_is_an_error(audit: tuple[AuditRun, Summary]) -> None:
    with pytest.raises(ValueError, match="unsupported report language 'fr'"):
        _html(audit, "fr")
    with pytest.raises(ValueError):
        labels_for("")


# --- content ---------------------------------------------------------------------------------------
def test_key_elements_have_stable_ids(audit: tuple[AuditRun, Summary]) -> None:
    page = _html(audit)
    for element_id in KEY_IDS:
        assert page.count(f'id="{element_id}"') == 1, element_id


def test_every_failing_document_is_listed_with_its_evidence(audit: tuple[AuditRun, Summary]) -> None:
    run, _ = audit
    page = _html(audit)
    listed = [html.unescape(p) for p in re.findall(r'<code class="path[^"]*">([^<]*)</code>', page)]
    assert listed == [d.path for d in _failing(run)]  # every one, in walk order, and nothing else
    for doc in _failing(run):
        assert doc.sha256 in page
        assert _esc(doc.outcome.reason) in page
        for sig in doc.outcome.signatures:
            assert sig.signer is not None and sig.signer.common_name
            assert _esc(sig.signer.common_name) in page
    assert page.count('<tr class="doc-row"') == len(_failing(run))


def test_a_long_list_of_failing_documents_is_cut_and_says_where_the_rest_is(
    audit: tuple[AuditRun, Summary], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A province's archive can hold tens of thousands of failing documents: the page lists the first
    ones, gives the true count and points to the CSV evidence, which lists every one."""
    run, _ = audit
    monkeypatch.setattr(html_report, "FAILING_ROWS_SHOWN", 3)
    failing = _failing(run)
    assert len(failing) > 3
    for lang in ("vi", "en"):
        page = _html(audit, lang)
        listed = [html.unescape(p) for p in re.findall(r'<code class="path[^"]*">([^<]*)</code>', page)]
        assert listed == [d.path for d in failing[:3]]
        assert f"{TEXT[lang]['failing_title']} ({len(failing)})" in page
        more = TEXT[lang]["failing_more"].replace("{shown}", "3").replace("{total}", str(len(failing)))
        assert 'id="failing-more"' in page and _esc(more) in page
    monkeypatch.setattr(html_report, "FAILING_ROWS_SHOWN", len(failing))
    assert 'id="failing-more"' not in _html(audit)


def test_levels_agencies_months_and_manifest_are_shown(audit: tuple[AuditRun, Summary]) -> None:
    run, summary = audit
    page = _html(audit, "en")
    for level in summary.levels_with_documents():
        assert f'<g class="level" data-level="{level.value}">' in page
        c = summary.by_level[level]
        assert f"({c.signed}/{c.documents})" in page and f"({c.valid}/{c.documents})" in page
    assert page.count('<tr class="agency-row">') == len(summary.by_agency)
    for agency in summary.by_agency:
        if agency.name:
            assert _esc(agency.name) in page
    for month in summary.by_month:
        assert f'data-month="{month}"' in page
    roots = run.manifest["trust_roots"]
    assert isinstance(roots, list) and roots
    for root in roots:
        assert root["sha256"] in page
    assert str(run.manifest["pyhanko_version"]) in page
    assert "No gate failed." in page


def test_gate_failures_are_shown(audit: tuple[AuditRun, Summary]) -> None:
    failure = GateFailure("--fail-under 90", "level", level=Level.DISTRICT, percent=40.0)
    page = _html(audit, "en", gates=(failure,))
    assert '<section id="gates" class="gates failed">' in page
    assert "<li>--fail-under 90: level district has 40.0% valid</li>" in page


def test_an_empty_run_still_renders() -> None:
    page = render_html(ReportContext(AuditRun((), (), ()), summarize(()), lang="vi"))
    assert TEXT["vi"]["failing_none"] in page
    assert TEXT["vi"]["trend_none"] in page
    for element_id in KEY_IDS:
        assert f'id="{element_id}"' in page


# --- the inter-agency KPI --------------------------------------------------------------------------
def test_the_sample_run_exercises_every_kpi_section(kpi_ctx: ReportContext) -> None:
    """What the KPI tests below rely on: the sample has something to show in each section."""
    summary = kpi_ctx.summary
    assert summary.kpi and summary.exclusions and summary.flow and summary.by_period
    assert summary.all_total is not None and summary.all_total.documents > summary.total.documents
    assert summary.processing[Level.DISTRICT].with_trail > 0  # district: a status trail reaching 06
    findings = [r.finding for r in kpi_ctx.reconciliation]
    # two from a bare-folder letter to Việt Trì and Lâm Thao (two names on one line, read as two)
    assert findings.count(Finding.SENT_NOT_RECEIVED) == 14


def test_kpi_sections_are_absent_without_exchanges(audit: tuple[AuditRun, Summary]) -> None:
    """``summarize(documents)`` alone (no classification): the page is the plain dashboard."""
    for lang in LANGUAGES:
        page = _html(audit, lang)
        for element_id in KPI_IDS:
            assert f'id="{element_id}"' not in page and f'href="#{element_id}"' not in page
    empty = render_html(ReportContext(AuditRun((), (), ()), summarize(classify(())), lang="en"))
    for element_id in ("kpi-scope", "flow-matrix", "processing", "reconciliation"):
        assert f'id="{element_id}"' in empty, "an empty classified run still shows the KPI sections"
    assert TEXT["en"]["flow_none"] in empty and TEXT["en"]["reconciliation_none"] in empty
    assert 'id="kpi-periods"' not in empty, "no --period, no period breakdown"


def test_each_kpi_section_has_an_anchor_in_the_nav(kpi_ctx: ReportContext) -> None:
    page = _kpi_html(kpi_ctx, "vi")
    nav = page[page.index('<nav class="toc">') : page.index("</nav>")]
    for element_id in KPI_IDS:
        assert page.count(f'id="{element_id}"') == 1, element_id
        assert f'href="#{element_id}"' in nav, element_id
    for label in ("Văn bản liên thông", "Không tính vào chỉ tiêu", "Luồng văn bản", "Xử lý trên hệ thống"):
        assert label in page, label
    assert _esc("Đối soát văn bản đi/đến") in page


def test_the_period_bounds_are_stated(kpi_ctx: ReportContext) -> None:
    from datetime import date

    ctx = dataclasses.replace(kpi_ctx, period=Period(date(2024, 1, 1), None))
    assert "Only documents dated 2024-01-01 to …." in _kpi_html(ctx, "en")
    assert "Chỉ tính văn bản có ngày từ 2024-01-01 đến …." in _kpi_html(ctx, "vi")


def _finding(n: int, detail: str = "no copy or status at X") -> Reconciliation:
    return Reconciliation(Finding.SENT_NOT_RECEIVED, f"code:X|2024|{n}", (f"sent/{n}.pdf",), detail)


def test_the_list_of_findings_is_capped(kpi_ctx: ReportContext) -> None:
    extra = 37
    findings = tuple(_finding(n) for n in range(RECONCILIATION_ROWS + extra))
    ctx = dataclasses.replace(kpi_ctx, reconciliation=Findings(findings))
    page = _kpi_html(ctx, "en")
    assert page.count('<tr class="finding-row"') == RECONCILIATION_ROWS
    assert f"… {extra} more (see the JSON report)." in page
    assert f'<td class="num count">{len(findings)}</td>' in page, "the count covers every finding"
    vi = _kpi_html(ctx, "vi")
    assert f"… còn {extra} phát hiện nữa (xem báo cáo JSON)." in vi
    assert 'id="findings-more"' not in _kpi_html(kpi_ctx, "en"), "all 14 listed, no 'more' line"


# --- self-contained and safe -----------------------------------------------------------------------
def test_the_page_loads_nothing_from_anywhere(audit: tuple[AuditRun, Summary]) -> None:
    page = _html(audit)
    tags = _parse(page)
    for tag, attrs in tags.tags:
        for name in ("src", "href", "xlink:href", "action", "srcset", "poster", "data"):
            value = (attrs.get(name) or "").strip().lower()
            assert not value.startswith(("http:", "https:", "//")), (tag, name, value)
        assert not (tag == "script" and "src" in attrs), "no external script"
        assert not (tag == "link" and "stylesheet" in (attrs.get("rel") or "")), "no external stylesheet"
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*https?://""", page, re.IGNORECASE)
    assert "@import" not in page and "url(" not in page and "@font-face" not in page


def test_the_content_security_policy_allows_only_the_inline_style_and_script(
    audit: tuple[AuditRun, Summary],
) -> None:
    tags = _parse(_html(audit))
    csp = [
        a["content"] for t, a in tags.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"
    ]
    assert len(csp) == 1 and csp[0] is not None
    policy = csp[0]
    assert "default-src 'none'" in policy
    for kind in ("style", "script"):
        assert len(tags.raw[kind]) == 1, f"exactly one inline {kind}"
        digest = base64.b64encode(hashlib.sha256(tags.raw[kind][0].encode()).digest()).decode()
        assert f"{kind}-src 'sha256-{digest}'" in policy


def test_a_hostile_agency_name_is_escaped(audit: tuple[AuditRun, Summary]) -> None:
    run = _with_hostile_agency(audit[0])
    page = render_html(ReportContext(run, summarize(run.documents), lang="vi"))
    assert HOSTILE not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert page.count("<script") == 1  # the page's own filter script, nothing else
    assert len(_parse(page).raw["script"]) == 1


# --- in a real browser -----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[webdriver.Chrome]:
    """Debian's headless Chromium, driven by chromedriver; no network, no profile, no sandbox (root)."""
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]
    if missing:
        reason = (
            f"the real-browser test needs Debian's chromium and chromium-driver packages "
            f"({', '.join(missing)} missing; apt-get install -y chromium chromium-driver)"
        )
        if os.environ.get("CI"):
            pytest.fail(f"{reason}; CI must run it, not skip it")
        pytest.skip(reason)
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}",
        "--window-size=1280,1000",
    ):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def _severe(driver: webdriver.Chrome) -> list[dict[str, Any]]:
    return [e for e in driver.get_log("browser") if e.get("level") == "SEVERE"]


def _shown_paths(driver: webdriver.Chrome) -> list[str]:
    rows = driver.find_elements(By.CSS_SELECTOR, "#failing-documents tr.doc-row")
    return [r.find_element(By.CSS_SELECTOR, "code.path").text for r in rows if r.is_displayed()]


def _search(driver: webdriver.Chrome, text: str) -> None:
    """Replace the search text with the keyboard, as a person would (each key fires "input")."""
    box = driver.find_element(By.ID, "doc-search")
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys(Keys.BACKSPACE)
    if text:
        box.send_keys(text)


@pytest.mark.browser
def test_the_dashboard_works_in_a_real_browser(
    audit: tuple[AuditRun, Summary],
    browser: webdriver.Chrome,
    tmp_path: Path,
    expected: dict[str, dict[str, Any]],
) -> None:
    run, summary = audit
    path = tmp_path / "dashboard.html"
    path.write_text(_html(audit, "vi"), encoding="utf-8")
    browser.get(path.as_uri())

    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "vi"
    for element_id in KEY_IDS:
        element = browser.find_element(By.ID, element_id)
        assert element.is_displayed(), element_id
    assert browser.find_element(By.CSS_SELECTOR, "#level-bars svg").is_displayed()
    assert browser.find_element(By.CSS_SELECTOR, "#monthly-trend svg.chart").is_displayed()
    dots = browser.find_elements(By.CSS_SELECTOR, "#monthly-trend svg.chart circle")
    assert len(dots) == 3 * len(summary.by_month)  # signed, valid, complete per month

    # The per-level table shows the numbers demo/expected.json declares.
    for level in summary.levels_with_documents():
        want = [e for e in expected.values() if e["level"] == level.value]
        row = browser.find_element(By.CSS_SELECTOR, f'#level-table tr[data-level="{level.value}"]')
        assert row.find_element(By.CSS_SELECTOR, "td.documents").text == str(len(want))
        valid = sum(e["expected_verdict"] == "valid" for e in want)
        assert row.find_element(By.CSS_SELECTOR, "td.valid").text == str(valid)

    # One row per document that is not valid; the search box filters them as you type.
    failing = [d.path for d in _failing(run)]
    assert _shown_paths(browser) == failing
    _search(browser, "gia-cam")
    shown = _shown_paths(browser)
    assert shown == [p for p in failing if "gia-cam" in p]
    assert 0 < len(shown) < len(failing)
    assert browser.find_element(By.ID, "doc-count").text == f"Đang hiện {len(shown)}/{len(failing)} văn bản"
    # Diacritics and case do not matter: "gia cam" finds the agency "UBND phường Gia Cẩm".
    gia_cam = [d.path for d in _failing(run) if "Gia Cẩm" in (d.agency.name or "")]
    _search(browser, "Gia Cẩm")
    assert _shown_paths(browser) == gia_cam
    _search(browser, "GIA CAM")
    assert _shown_paths(browser) == gia_cam
    _search(browser, "no-such-document-anywhere")
    assert _shown_paths(browser) == []
    assert browser.find_element(By.ID, "doc-none").is_displayed()
    _search(browser, "")
    assert _shown_paths(browser) == failing
    assert not browser.find_element(By.ID, "doc-none").is_displayed()

    # Offline and clean: nothing fetched, nothing logged as an error (CSP violations would be).
    assert browser.execute_script("return performance.getEntriesByType('resource').length") == 0
    assert _severe(browser) == []

    height = browser.execute_script("return document.documentElement.scrollHeight")
    browser.set_window_size(1280, int(height) + 100)
    shot = tmp_path / "dashboard.png"
    assert browser.save_screenshot(str(shot))
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 10_000
    browser.set_window_size(1280, 1000)


@pytest.mark.browser
def test_a_hostile_agency_name_stays_text_in_a_real_browser(
    audit: tuple[AuditRun, Summary], browser: webdriver.Chrome, tmp_path: Path
) -> None:
    run = _with_hostile_agency(audit[0])
    path = tmp_path / "hostile.html"
    path.write_text(render_html(ReportContext(run, summarize(run.documents), lang="en")), encoding="utf-8")
    browser.get(path.as_uri())
    with pytest.raises(NoAlertPresentException):
        browser.switch_to.alert.text  # noqa: B018 - reading it is what raises when no alert is open
    assert HOSTILE in browser.find_element(By.ID, "failing-documents").text
    assert HOSTILE in browser.find_element(By.ID, "agency-ranking").text
    assert len(browser.find_elements(By.TAG_NAME, "script")) == 1
    assert _severe(browser) == []


def _cell(driver: webdriver.Chrome, selector: str) -> str:
    return str(driver.find_element(By.CSS_SELECTOR, selector).text)


def _pct_text(value: float | None, lang: str) -> str:
    text = "—" if value is None else f"{value * 100:.1f}%"
    return text.replace(".", ",") if lang == "vi" else text


@pytest.mark.browser
@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_kpi_sections_show_the_summary_in_a_real_browser(
    kpi_ctx: ReportContext, browser: webdriver.Chrome, tmp_path: Path, lang: str
) -> None:
    summary, t = kpi_ctx.summary, labels_for(lang)
    path = tmp_path / f"kpi-{lang}.html"
    path.write_text(_kpi_html(kpi_ctx, lang), encoding="utf-8")
    browser.get(path.as_uri())

    # Every section is reachable from the nav and shown.
    for element_id in KPI_IDS:
        link = browser.find_element(By.CSS_SELECTOR, f'nav.toc a[href="#{element_id}"]')
        assert link.is_displayed() and link.text, element_id
        assert browser.find_element(By.ID, element_id).is_displayed(), element_id

    # What the KPI counts: found, in the KPI, left out, and each reason with its meaning.
    assert summary.all_total is not None
    assert _cell(browser, "#kpi-found") == str(summary.all_total.documents)
    assert _cell(browser, "#kpi-counted") == str(summary.total.documents)
    assert _cell(browser, "#kpi-left-out") == str(sum(summary.exclusions.values()))
    rows = browser.find_elements(By.CSS_SELECTOR, "#exclusions tbody tr")
    assert [r.get_attribute("data-reason") for r in rows] == [e.value for e in summary.exclusions]
    for reason, count in summary.exclusions.items():
        row = f'#exclusions tr[data-reason="{reason.value}"]'
        assert _cell(browser, f"{row} td.count") == str(count)
        assert _cell(browser, f"{row} td.meaning") == t.exclusions[reason]

    # The flow matrix: one cell per (issuing level, recipient level), valid/documents and signed.
    for (sender, recipient), c in summary.flow.items():
        cell = f'#flow-table tr[data-from="{sender.value}"] td[data-to="{recipient.value}"]'
        assert _cell(browser, f"{cell} .valid") == str(c.valid)
        assert _cell(browser, f"{cell} .documents") == str(c.documents)
        assert _cell(browser, f"{cell} .signed") == str(c.signed)
    senders = {s for s, _ in summary.flow}
    shown = browser.find_elements(By.CSS_SELECTOR, "#flow-table tbody tr")
    assert [r.get_attribute("data-from") for r in shown] == [lv.value for lv in LEVEL_ORDER if lv in senders]
    row_header = browser.find_element(By.CSS_SELECTOR, "#flow-table tbody tr th").text
    assert row_header == t.levels[next(lv for lv in LEVEL_ORDER if lv in senders)]

    # The period breakdown (--period quarter).
    periods = browser.find_elements(By.CSS_SELECTOR, "#period-table tbody tr")
    assert [p.get_attribute("data-period") for p in periods] == list(summary.by_period)
    for key, c in summary.by_period.items():
        row = f'#period-table tr[data-period="{key}"]'
        assert _cell(browser, f"{row} td.documents") == str(c.documents)
        assert _cell(browser, f"{row} td.signed") == str(c.signed)
        assert _cell(browser, f"{row} td.valid") == str(c.valid)
    assert sum(c.documents for c in summary.by_period.values()) == summary.total.documents
    assert t.text[f"period_{summary.period_kind}"] in _cell(browser, "#kpi-periods p")

    # The plan's second measure, judged against [targets.processed] where there is a status trail.
    for level, c in summary.processing.items():
        row = f'#processing-table tr[data-level="{level.value}"]'
        assert _cell(browser, f"{row} td.receptions") == str(c.receptions)
        assert _cell(browser, f"{row} td.with-trail") == str(c.with_trail)
        assert _cell(browser, f"{row} td.done") == str(c.done)
        assert _cell(browser, f"{row} td.pct-done") == _pct_text(c.share_done, lang)
        target = kpi_ctx.targets.processed_target(level)
        judged = browser.find_elements(By.CSS_SELECTOR, f"{row} td.target span")
        if target is None or c.share_done is None:
            assert judged == []
        else:
            met = c.share_done >= target
            assert [j.get_attribute("class") for j in judged] == ["met" if met else "not-met"]
            assert judged[0].text == t.text["target_met" if met else "target_not_met"]
            assert _pct_text(target, lang) in _cell(browser, f"{row} td.target")
    district = summary.processing[Level.DISTRICT]
    assert district.share_done == 1.0, "the sample's district trail reaches 06: met"

    # Reconciliation: a count per finding with its meaning, then every finding (14 < the cap).
    for finding in Finding:
        row = f'#finding-counts tr[data-finding="{finding.value}"]'
        want = sum(r.finding == finding for r in kpi_ctx.reconciliation)
        assert _cell(browser, f"{row} td.count") == str(want)
        assert _cell(browser, f"{row} td.meaning") == t.findings[finding]
    listed = browser.find_elements(By.CSS_SELECTOR, "#findings tr.finding-row")
    assert len(listed) == len(kpi_ctx.reconciliation) == 14
    for row, finding in zip(listed, kpi_ctx.reconciliation, strict=True):
        assert [c.text for c in row.find_elements(By.CSS_SELECTOR, "ul.paths code")] == list(finding.paths)
        assert row.find_element(By.CSS_SELECTOR, "td.detail").text == finding.detail
        assert t.findings[finding.finding] in row.text

    assert browser.execute_script("return performance.getEntriesByType('resource').length") == 0
    assert _severe(browser) == []


@pytest.mark.browser
def test_a_hostile_reconciliation_finding_stays_text_in_a_real_browser(
    kpi_ctx: ReportContext, browser: webdriver.Chrome, tmp_path: Path
) -> None:
    """A path and a detail taken from the archive (a member named like a script) are shown as text."""
    hostile_path = f"batch.zip!/{HOSTILE}.pdf"
    finding = _finding(1, detail=f"no copy or status at {HOSTILE}")
    finding = dataclasses.replace(finding, paths=(hostile_path,))
    ctx = dataclasses.replace(kpi_ctx, reconciliation=Findings((*kpi_ctx.reconciliation, finding)))
    page = _kpi_html(ctx, "en")
    assert HOSTILE not in page and page.count("<script") == 1
    path = tmp_path / "hostile-finding.html"
    path.write_text(page, encoding="utf-8")
    browser.get(path.as_uri())
    with pytest.raises(NoAlertPresentException):
        browser.switch_to.alert.text  # noqa: B018 - reading it is what raises when no alert is open
    last = browser.find_elements(By.CSS_SELECTOR, "#findings tr.finding-row")[-1]
    assert last.find_element(By.CSS_SELECTOR, "td.detail").text == f"no copy or status at {HOSTILE}"
    assert last.find_element(By.CSS_SELECTOR, "ul.paths code").text == hostile_path
    assert len(browser.find_elements(By.TAG_NAME, "script")) == 1
    assert _severe(browser) == []
