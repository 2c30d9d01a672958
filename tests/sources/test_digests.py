"""Documents are hashed in background threads, yet every digest is of the whole file, in walk order."""

from __future__ import annotations

import hashlib
from pathlib import Path

from sigaudit.audit import with_digests
from sigaudit.sources.walk import Candidate, walk


def test_digests_match_the_bytes_and_keep_the_walk_order(sample_docs: Path) -> None:
    plain = list(walk([sample_docs]))
    # A tiny window forces the producer to wait on the hashing threads all the time.
    hashed = list(with_digests(walk([sample_docs]), window=2, window_bytes=1))
    assert [e for e, _ in hashed] == plain
    candidates = [(e, sha) for e, sha in hashed if isinstance(e, Candidate)]
    assert len(candidates) > 40
    for event, sha in candidates:
        if event.data is None:
            assert sha == ""
        else:
            assert sha == hashlib.sha256(event.data).hexdigest()
    assert all(sha == "" for e, sha in hashed if not isinstance(e, Candidate))


def test_a_file_read_matches_the_disk_byte_for_byte(sample_docs: Path) -> None:
    files = {e.file: e.data for e in walk([sample_docs]) if isinstance(e, Candidate) and e.file}
    assert files
    for path, data in files.items():
        assert data == path.read_bytes()
