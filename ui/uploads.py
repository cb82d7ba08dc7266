"""Where Gradio keeps files uploaded through /ui: under the data directory, gone when the server stops.

Gradio's default is /tmp/gradio, shared by every app on the machine and never emptied.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

UPLOADS_DIR = "ui-uploads"


def use_upload_dir(data_dir: Path) -> Path:
    """Point Gradio's upload folder at ``data_dir/ui-uploads`` and return it.

    Gradio reads GRADIO_TEMP_DIR when an app or component is built (and a few module constants at import),
    so this runs before the chat is imported and built. The variable is process-wide: the last app built wins.
    """
    path = (data_dir / UPLOADS_DIR).resolve()
    os.environ["GRADIO_TEMP_DIR"] = str(path)
    return path


def remove_uploads(path: Path) -> None:
    """Delete what was uploaded; run at start (a killed server's leftovers) and at stop."""
    shutil.rmtree(path, ignore_errors=True)
