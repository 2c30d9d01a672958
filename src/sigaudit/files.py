"""Writing an output file so that nobody ever sees half of it (reports, workbooks, the PDF report)."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable
from pathlib import Path
from typing import IO

from .errors import output_error


def write_atomic(path: Path, chunks: Iterable[str] | Iterable[bytes], encoding: str | None = "utf-8") -> None:
    """Write ``chunks`` (text in ``encoding``, or bytes when ``encoding`` is None) beside ``path`` and
    rename the file into place. A target that exists and is not a regular file (a pipe, /dev/stdout) is
    written directly, never replaced. A bad path is exit code 2, a full disk 3 (:func:`.errors.output_error`).
    """
    if path.exists() and not path.is_file():
        try:
            with _open(path, encoding) as handle:
                handle.writelines(chunks)  # type: ignore[arg-type]
        except OSError as exc:
            raise output_error(str(path), exc) from exc
        return
    partial = path.with_name(f".{path.name}.partial")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with _open(partial, encoding) as handle:
            for chunk in chunks:
                handle.write(chunk)  # type: ignore[arg-type]
        os.replace(partial, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            partial.unlink()
        raise output_error(str(path), exc) from exc


def _open(path: Path, encoding: str | None) -> IO[str] | IO[bytes]:
    if encoding is None:
        return path.open("wb")
    return path.open("w", encoding=encoding, newline="")
