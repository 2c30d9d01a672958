"""Formatters for ``sigaudit diff``: what changed between two runs, as text or JSON.

The text quotes document paths and reasons: each line goes through :func:`.escape.terminal`.
"""

from __future__ import annotations

import json

from ..aggregate.diff import RunDiff
from .escape import terminal
from .i18n import pct


def render_diff_text(diff: RunDiff, old_run: int, new_run: int) -> str:
    lines = [f"Changes from run {old_run} to run {new_run}:"]
    if diff.empty:
        return lines[0] + " none.\n"
    lines.append(f"  {len(diff.added)} new document(s), {len(diff.removed)} no longer present, "
                 f"{len(diff.changed)} verdict change(s)")  # fmt: skip
    for crossing in diff.crossed:
        word = "now meets" if crossing.now_met else "fell below"
        lines.append(
            f"  level {crossing.level.value} {word} its signed target {pct(crossing.target)}: "
            f"{pct(crossing.old_share)} -> {pct(crossing.new_share)}"
        )
    for change in diff.changed:
        content = " (content changed)" if change.content_changed else ""
        lines.append(f"  {change.old.value} -> {change.new.value}{content}: {change.path} — {change.reason}")
    for doc in diff.added:
        lines.append(f"  new ({doc.verdict.value}): {doc.path}")
    for doc in diff.removed:
        lines.append(f"  gone (was {doc.verdict.value}): {doc.path}")
    return "".join(terminal(line) + "\n" for line in lines)


def render_diff_json(diff: RunDiff, old_run: int, new_run: int) -> str:
    payload = {
        "old_run": old_run,
        "new_run": new_run,
        "added": [{"path": d.path, "sha256": d.sha256, "verdict": d.verdict.value} for d in diff.added],
        "removed": [{"path": d.path, "sha256": d.sha256, "verdict": d.verdict.value} for d in diff.removed],
        "changed": [
            {
                "path": c.path,
                "old_verdict": c.old.value,
                "new_verdict": c.new.value,
                "content_changed": c.content_changed,
                "reason": c.reason,
            }
            for c in diff.changed
        ],
        "crossed_targets": [
            {
                "level": c.level.value,
                "old_share_signed": c.old_share,
                "new_share_signed": c.new_share,
                "target": c.target,
                "now_met": c.now_met,
            }
            for c in diff.crossed
        ],
    }
    return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"
