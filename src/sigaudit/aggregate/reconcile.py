"""Reconcile the sender's copies with the recipients' copies of the same document.

Copies are matched by (sender, year, number/notation) — unique per issuing agency and calendar year
(Decree 30 Art. 15) — or by edXML DocumentId, then compared by content hash. Findings:

- ``received_differs``: a received copy's bytes differ from every copy the sender kept;
- ``received_without_signature``: a received copy carries no signature;
- ``refused``: a recipient answered with status 02 (refused);
- ``sent_not_received``: an agency whose incoming documents are in the archive (a register of received
  documents names it as recipient) has no copy of, and no status for, a document sent to it;
- ``duplicate_number``: the sender used the same number/notation for different documents in one year
  (different bytes, neither a replacement or update of the other).
"""

from __future__ import annotations

import enum
import json
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from ..model import Direction
from ..rows import Rows
from .exchange import Copy, Exchanges, Exclusion, party_key


class Finding(enum.StrEnum):
    RECEIVED_DIFFERS = "received_differs"
    RECEIVED_WITHOUT_SIGNATURE = "received_without_signature"
    REFUSED = "refused"
    SENT_NOT_RECEIVED = "sent_not_received"
    DUPLICATE_NUMBER = "duplicate_number"


FINDING_TEXT = {
    Finding.RECEIVED_DIFFERS: "received copy differs from what the sender kept",
    Finding.RECEIVED_WITHOUT_SIGNATURE: "received copy carries no signature",
    Finding.REFUSED: "refused by a recipient (status 02)",
    Finding.SENT_NOT_RECEIVED: "sent, but the recipient's incoming documents hold no copy and no status",
    Finding.DUPLICATE_NUMBER: "the same number/notation used for different documents in one year",
}


@dataclass(frozen=True)
class Reconciliation:
    finding: Finding
    identity: str  # the matching key (sender|year|number/notation, or docid:…)
    paths: tuple[str, ...]  # the documents concerned, sender's copies first
    detail: str

    def as_dict(self) -> dict[str, object]:
        return {
            "finding": self.finding.value,
            "identity": self.identity,
            "paths": list(self.paths),
            "detail": self.detail,
        }


_SCHEMA = """
CREATE TABLE findings (n INTEGER PRIMARY KEY, finding TEXT, identity TEXT, paths TEXT, detail TEXT);
CREATE TABLE named (path TEXT NOT NULL, finding TEXT NOT NULL);  -- each path a finding names
"""


class Findings(Rows[Reconciliation]):
    """A run's findings in order, kept in a private temporary SQLite database like
    :class:`~.exchange.Exchanges`: an archive in bad shape can have a finding for most documents."""

    def __init__(self, findings: Iterable[Reconciliation] = ()) -> None:
        self._db = sqlite3.connect("")
        self._db.execute("PRAGMA journal_mode=OFF")  # nothing to recover: the file dies with the run
        self._db.executescript(_SCHEMA)
        self._count = 0
        with self._db:
            for n, item in enumerate(findings):
                value = item.finding.value
                self._db.execute(
                    "INSERT INTO findings VALUES (?, ?, ?, ?, ?)",
                    (n, value, item.identity, json.dumps(item.paths, ensure_ascii=False), item.detail),
                )
                self._db.executemany("INSERT INTO named VALUES (?, ?)", ((p, value) for p in item.paths))
                self._count = n + 1
            self._db.execute("CREATE INDEX named_path ON named (path)")

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Findings:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __iter__(self) -> Iterator[Reconciliation]:
        return self._select("")

    def _read(self, position: int) -> Reconciliation:
        return next(self._select("WHERE n = ?", position))

    def _select(self, where: str, *args: int) -> Iterator[Reconciliation]:
        query = f"SELECT finding, identity, paths, detail FROM findings {where} ORDER BY n"
        for finding, ident, paths, detail in self._db.execute(query, args):
            yield Reconciliation(Finding(finding), ident, tuple(json.loads(paths)), detail)

    def counts(self) -> dict[Finding, int]:
        """How many findings of each kind (every kind, zeros included)."""
        found = dict(self._db.execute("SELECT finding, COUNT(*) FROM findings GROUP BY finding").fetchall())
        return {f: int(found.get(f.value, 0)) for f in Finding}

    def naming(self, path: str) -> list[str]:
        """The kinds of finding that name a document, sorted."""
        rows = self._db.execute("SELECT DISTINCT finding FROM named WHERE path = ? ORDER BY finding", (path,))
        return [finding for (finding,) in rows]


def reconcile(exchanges: Exchanges) -> Findings:
    """Every finding, grouped by document identity, in the order the documents were found; one group
    of copies is in memory at a time."""
    return Findings(_findings(exchanges))


def _findings(exchanges: Exchanges) -> Iterator[Reconciliation]:
    # Agencies whose incoming documents are in the archive: recipients named by received copies.
    receivers = {key for p in exchanges.received_recipients() if (key := party_key(p.code, p.name))}
    for ident, copies in exchanges.copies_by("identity"):
        yield from _group(ident, list(copies), receivers)


_WITHDRAWN = (Exclusion.RECALLED, Exclusion.REPLACED)  # not expected to be received


def _group(ident: str, copies: list[Copy], receivers: set[str]) -> list[Reconciliation]:
    received = [d for d in copies if d.direction == Direction.RECEIVED]
    sent = [d for d in copies if d.direction == Direction.SENT] or [
        d for d in copies if d.direction == Direction.UNKNOWN
    ]
    out: list[Reconciliation] = []
    originals = [d for d in sent if not d.newer]
    if len({d.sha256 for d in originals}) > 1:
        out.append(
            Reconciliation(
                Finding.DUPLICATE_NUMBER,
                ident,
                tuple(d.path for d in originals),
                f"{len({d.sha256 for d in originals})} different documents carry the same number",
            )
        )
    sent_hashes = {d.sha256 for d in sent}
    for copy in received:
        if sent and copy.sha256 not in sent_hashes:
            out.append(
                Reconciliation(
                    Finding.RECEIVED_DIFFERS,
                    ident,
                    (*(d.path for d in sent), copy.path),
                    f"received copy sha256 {copy.sha256[:12]}… matches none of the sender's copies",
                )
            )
        if not copy.signed:
            signed_sent = any(d.signed for d in sent)
            out.append(
                Reconciliation(
                    Finding.RECEIVED_WITHOUT_SIGNATURE,
                    ident,
                    (*(d.path for d in sent), copy.path),
                    "the sender's copy is signed" if signed_sent else "no signed copy in the archive",
                )
            )
    answered: set[str] = set()  # recipients that hold a copy or sent a status
    statuses = dict.fromkeys(s for doc in copies for s in doc.statuses)  # (code, organ, source)
    for code, organ, source in statuses:
        if code == "02":
            out.append(
                Reconciliation(
                    Finding.REFUSED,
                    ident,
                    tuple(d.path for d in copies),
                    f"status 02 from {organ or 'a recipient'} ({source})",
                )
            )
        if organ:
            answered.add(party_key(organ, None) or "")
            answered.add(party_key(None, organ) or "")
    for copy in received:
        answered |= {k for p in copy.recipients if (k := party_key(p.code, p.name))}
    for doc in sent:
        if doc.excluded in _WITHDRAWN:
            continue
        missing = [
            p
            for p in doc.recipients
            if (k := party_key(p.code, p.name)) and k in receivers and k not in answered
        ]
        if missing:
            names = ", ".join(p.code or p.name or "?" for p in missing)
            out.append(
                Reconciliation(Finding.SENT_NOT_RECEIVED, ident, (doc.path,), f"no copy or status at {names}")
            )
    return out
