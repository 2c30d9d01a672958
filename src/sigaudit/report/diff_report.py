"""Formatters for ``sigaudit diff``: what changed between two runs, as text or JSON.

The text quotes document paths and reasons: each line goes through :func:`.escape.terminal`.
"""

from __future__ import annotations

import json

from ..aggregate.diff import RunDiff
from ..model import Verdict
from .escape import terminal
from .i18n import LEVELS, VERDICTS, pct
from .terminal_text import COMMAND_TEXT


def render_diff_text(diff: RunDiff, old_run: int, new_run: int, lang: str = "en") -> str:
    """What changed, in ``lang`` ("en" or "vi"; any other language is English): levels and verdicts by
    their JSON names in English, in words in Vietnamese."""
    lang = lang if lang in COMMAND_TEXT else "en"
    words = COMMAND_TEXT[lang]

    def verdict(v: Verdict) -> str:
        return VERDICTS["vi"][v] if lang == "vi" else v.value

    lines = [words["diff_title"].format(old=old_run, new=new_run)]
    if diff.empty:
        return lines[0] + words["diff_none"] + "\n"
    lines.append(words["diff_counts"].format(added=len(diff.added), removed=len(diff.removed),
                                             changed=len(diff.changed)))  # fmt: skip
    for crossing in diff.crossed:
        level = LEVELS["vi"][crossing.level] if lang == "vi" else crossing.level.value
        lines.append(words["diff_crossed"].format(
            level=level, word=words["now_met" if crossing.now_met else "fell_below"],
            target=pct(crossing.target), old=pct(crossing.old_share), new=pct(crossing.new_share),
        ))  # fmt: skip
    for change in diff.changed:
        content = words["content_changed"] if change.content_changed else ""
        shown = words["diff_changed"].format(
            old=verdict(change.old), new=verdict(change.new), content=content, path=change.path,
            reason=change.reason,
        )  # fmt: skip
        lines.append(shown)
    for doc in diff.added:
        lines.append(words["diff_added"].format(verdict=verdict(doc.verdict), path=doc.path))
    for doc in diff.removed:
        lines.append(words["diff_removed"].format(verdict=verdict(doc.verdict), path=doc.path))
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
