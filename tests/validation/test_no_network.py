"""sigaudit opens no network connection unless --online is given (test_revocation.py checks the
same with --revocation-dir, and fetching against a local server).

The scan runs in a child process whose every Python process — the CLI and its spawned workers — has
IPv4/IPv6 sockets refused by a sitecustomize hook; any attempt is recorded and fails."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

HOOK = """
import os, socket
_real = socket.socket.__init__
def _refuse(self, family=-1, *args, **kwargs):
    if family in (socket.AF_INET, socket.AF_INET6) or family == -1:
        with open(os.environ["SIGAUDIT_NET_LOG"], "a") as log:
            log.write(f"{os.getpid()} family={family}\\n")
        raise PermissionError("network refused by the test")
    _real(self, family, *args, **kwargs)
socket.socket.__init__ = _refuse
"""


@pytest.mark.slow
def test_a_scan_opens_no_network_socket(
    sample_docs: Path, demo_pki: Path, tmp_path: Path, expected: dict[str, object]
) -> None:
    hook_dir = tmp_path / "hook"
    hook_dir.mkdir()
    (hook_dir / "sitecustomize.py").write_text(HOOK, encoding="utf-8")
    log = tmp_path / "net.log"
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(hook_dir), os.environ.get("PYTHONPATH", "")]),
        "SIGAUDIT_NET_LOG": str(log),
    }
    out = tmp_path / "r.json"
    proc = subprocess.run(
        [sys.executable, "-m", "sigaudit", "scan", str(sample_docs), "--trust-roots",
         str(demo_pki / "demo-root.pem"), "--store", str(tmp_path / "s.sqlite"), "--jobs", "2", "-q",
         "--json", str(out)],
        env=env, capture_output=True, text=True, check=False, timeout=600,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    # The hook was really active in the child (a sanity probe through the same interpreter setup).
    probe = subprocess.run(
        [sys.executable, "-c", "import socket; socket.create_connection(('127.0.0.1', 9), 1)"],
        env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert probe.returncode != 0 and "network refused by the test" in probe.stderr
    attempts = [line for line in log.read_text().splitlines() if line] if log.exists() else []
    assert len(attempts) == 1  # only the probe's
    assert json.loads(out.read_text(encoding="utf-8"))["summary"]["all_total"]["documents"] == len(expected)
