"""Files uploaded through /ui: kept under the data directory, removed when the server stops."""

from pathlib import Path

from tests.conftest import app_client
from ui.uploads import UPLOADS_DIR


def test_uploads_live_under_the_data_dir_and_go_when_the_server_stops(sample_engine, tmp_path):
    data_dir = tmp_path / "data"
    with app_client(sample_engine, data_dir=data_dir) as client:
        response = client.post("/ui/gradio_api/upload", files={"files": ("story.txt", b"The port reopened.")})
        assert response.status_code == 200, response.text
        [stored] = response.json()
        assert Path(stored).is_relative_to(data_dir.resolve())
        assert Path(stored).read_bytes() == b"The port reopened."
    assert not Path(stored).exists()
    assert data_dir.exists() and not any(data_dir.rglob("story.txt"))


def test_a_killed_servers_uploads_go_at_the_next_start(sample_engine, tmp_path):
    left = tmp_path / "data" / UPLOADS_DIR / "0123abcd" / "story.txt"
    left.parent.mkdir(parents=True)
    left.write_text("The port reopened.")
    with app_client(sample_engine, data_dir=tmp_path / "data"):
        assert not left.exists()
