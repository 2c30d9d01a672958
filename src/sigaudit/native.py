"""Locks around native libraries that are not thread-safe, shared by every stage that calls them.

PDFium (pypdfium2) must not be entered by two threads of one process at once (pypdfium2's documentation);
the text step (content/pages.py) and the visual check (validation/visual.py) both call it, and a Dask
worker runs several tasks in threads. Local pool workers have one thread: the lock costs them nothing.
"""

from __future__ import annotations

import threading

PDFIUM_LOCK = threading.Lock()
