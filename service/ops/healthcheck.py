"""``python -m service.ops.healthcheck``: exit 0 when the server on this machine answers ``/healthz``.

The container's HEALTHCHECK runs it every half minute, so it uses the standard library only and starts in
milliseconds instead of importing the models; the slim image has no curl.
"""

from __future__ import annotations

import os
import sys
import urllib.request


def healthz_url() -> str:
    return f"http://127.0.0.1:{os.environ.get('NEWSDESK_PORT', '8000')}/healthz"


def main() -> int:
    url = healthz_url()
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return 0 if response.status == 200 else 1
    except OSError as error:
        print(f"{url}: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
