"""The command line's help: each command's options in sections, everyday ones first, and examples —
Click's own help formatter, no extra dependency. :mod:`.cli` declares its commands with these classes."""

from __future__ import annotations

import click

# Each command's options by section, in the order --help shows them; an option no section names is
# listed under "Other options" (tests/cli/test_help.py asks that every option have its section).
DELIVERABLES = (
    "xlsx_out", "pdf_out", "pdf_agency", "pdf_parent", "pdf_number", "pdf_place", "pdf_recipients",
    "pdf_signer_title", "pdf_signer_name", "sign_p12", "p12_passphrase_file", "sign_pkcs11_lib",
    "sign_pkcs11_token", "sign_pkcs11_key", "sign_pkcs11_pin_file", "tsa_url",
)  # fmt: skip
HELP_SECTIONS: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "scan": (
        ("Inputs", ("agencies", "no_text", "store_path", "no_store", "since", "until", "period_kind")),
        ("Trust and policy", ("trust_roots", "other_certs", "no_shipped_roots", "policy_path",
                              "revocation_dir", "online", "online_timeout_s")),
        ("Outputs", ("json_out", "csv_out", "html_out", "lang", "quiet", "verbose", "compare", "etsi_dir",
                     "csv_raw")),
        ("Auditor's deliverables", DELIVERABLES),
        ("Gates", ("fail_under", "fail_on")),
        ("Performance", ("jobs", "rescan", "rehash", "timeout_s", "memory_mb", "max_file_mb")),
        ("Distributed", ("executor", "scheduler", "shared_paths")),
    ),
    "report": (
        ("Inputs", ("store_path", "run_id", "since", "until", "period_kind")),
        ("Outputs", ("json_out", "csv_out", "html_out", "lang", "quiet", "etsi_dir", "csv_raw")),
        ("Auditor's deliverables", DELIVERABLES),
        ("Gates", ("fail_under", "fail_on")),
    ),
    "verify": (
        ("Trust and policy", ("trust_roots", "other_certs", "no_shipped_roots", "policy_path",
                              "revocation_dir", "online", "online_timeout_s")),
        ("Outputs", ("json_out", "lang")),
        ("Performance", ("timeout_s",)),
    ),
    "diff": (("Inputs", ("store_path", "force")), ("Outputs", ("json_out", "lang"))),
    "runs": (("Inputs", ("store_path",)), ("Outputs", ("output_format", "lang"))),
    "agencies": (("Inputs", ("agencies",)), ("Outputs", ("output_format", "output", "csv_raw", "lang"))),
}  # fmt: skip

HELP_EXAMPLES: dict[str, tuple[str, ...]] = {
    "scan": (
        "sigaudit scan /mnt/vanthu --agencies agencies.csv --html dashboard.html",
        "sigaudit scan exports/ --trust-roots roots/ --fail-under 95 -q --json report.json",
        "sigaudit scan batch.zip --no-store --lang vi",
    ),
    "report": (
        "sigaudit report --run 7 --html dashboard.html",
        "sigaudit report --since 2024-01-01 --period month",
    ),
    "verify": (
        "sigaudit verify cv-12.pdf --lang vi",
        "sigaudit verify 'exports/batch.zip!/2024/cv-12.pdf' --json -",
    ),
    "diff": ("sigaudit diff", "sigaudit diff 3 7 --json changes.json"),
    "runs": ("sigaudit runs", "sigaudit runs --store /var/lib/sigaudit/results.sqlite --format json"),
    "agencies": ("sigaudit agencies exports/ --agencies agencies.csv",),
}  # fmt: skip


class SectionedCommand(click.Command):
    """A command whose --help lists its options in the sections of :data:`HELP_SECTIONS`, then its
    examples: Click's own help formatter, no extra dependency."""

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        records = {
            p.name: p.get_help_record(ctx) for p in self.get_params(ctx) if isinstance(p, click.Option)
        }
        sections = HELP_SECTIONS.get(self.name or "", ())
        for title, names in sections:
            rows = [record for name in names if (record := records.pop(name, None))]
            if rows:
                with formatter.section(title):
                    formatter.write_dl(rows)
        rest = [record for record in records.values() if record]
        if rest:
            with formatter.section("Other options" if sections else "Options"):
                formatter.write_dl(rest)

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        examples = HELP_EXAMPLES.get(self.name or "", ())
        if examples:
            with formatter.section("Examples"):
                for example in examples:
                    formatter.write_text(f"\b\n{example}")
        super().format_epilog(ctx, formatter)


class SectionedGroup(click.Group):
    """The command group: every command it declares is a :class:`SectionedCommand`, and its help lists
    the commands in the order of :data:`COMMAND_ORDER` (everyday ones first), then any other."""

    command_class = SectionedCommand

    def list_commands(self, ctx: click.Context) -> list[str]:
        names = super().list_commands(ctx)
        return [n for n in COMMAND_ORDER if n in names] + [n for n in names if n not in COMMAND_ORDER]

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with formatter.section("Examples"):
            for example in (*HELP_EXAMPLES["scan"][:2], HELP_EXAMPLES["verify"][0], "sigaudit scan --help"):
                formatter.write_text(f"\b\n{example}")


COMMAND_ORDER = ("scan", "report", "verify", "runs", "diff", "agencies")
