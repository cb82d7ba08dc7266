"""The chat's login in a browser: the 401 must offer a challenge Chromium answers with the key."""

import base64

from tests.conftest import app_client


def test_the_login_challenge_offers_basic_in_a_header_of_its_own(sample_engine):
    """Chromium reads one challenge a header: with Bearer first in a shared header it sends no credentials."""
    with app_client(sample_engine, api_keys=["reader"]) as guarded:
        challenge = guarded.get("/ui/")
        assert challenge.status_code == 401
        assert challenge.headers.get_list("www-authenticate") == [
            'Basic realm="Newsdesk"',
            'Bearer realm="Newsdesk"',
        ]
        basic = base64.b64encode(b"newsroom:reader").decode()
        assert guarded.get("/ui/", headers={"Authorization": f"Basic {basic}"}).status_code == 200
