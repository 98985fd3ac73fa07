"""kernel.storage.FileBlobStore: content-addressed files on disk."""
import hashlib

import pytest

from kernel.storage import BlobStore, FileBlobStore


@pytest.fixture
def store(tmp_path):
    return FileBlobStore(tmp_path / "blobs")


def _files(root):
    return sorted(p for p in root.rglob("*") if p.is_file())


def test_put_get_round_trip(store):
    data = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 10
    key = store.put(data)
    assert key == hashlib.sha256(data).hexdigest()
    assert store.exists(key)
    assert store.get(key) == data
    assert isinstance(store, BlobStore)


def test_key_layout_is_two_levels_of_two_hex(store, tmp_path):
    key = store.put(b"scan")
    assert _files(tmp_path / "blobs") == [tmp_path / "blobs" / key[:2] / key[2:4] / key]


def test_same_content_is_stored_once(store, tmp_path):
    first = store.put(b"same bytes")
    path = tmp_path / "blobs" / first[:2] / first[2:4] / first
    mtime = path.stat().st_mtime_ns
    second = store.put(bytearray(b"same bytes"))
    assert first == second
    assert _files(tmp_path / "blobs") == [path]          # no second copy, no temp file left
    assert path.stat().st_mtime_ns == mtime              # not rewritten
    other = store.put(b"other bytes")
    assert other != first and len(_files(tmp_path / "blobs")) == 2


def test_empty_content_round_trips(store):
    key = store.put(b"")
    assert store.get(key) == b""


def test_a_new_store_on_the_same_root_sees_the_blobs(store, tmp_path):
    key = store.put(b"persisted")
    assert FileBlobStore(tmp_path / "blobs").get(key) == b"persisted"


@pytest.mark.parametrize("key", [
    "", "abc", "../" + "a" * 61, "A" * 64, "g" * 64, "a" * 63, "a" * 65,
    "../../etc/passwd", "0" * 62 + "/x", "ab/cd/" + "e" * 58,
])
def test_bad_keys_are_refused(store, key):
    with pytest.raises(KeyError):
        store.get(key)
    assert store.exists(key) is False


def test_unknown_key_is_a_key_error(store):
    key = hashlib.sha256(b"never stored").hexdigest()
    assert store.exists(key) is False
    with pytest.raises(KeyError):
        store.get(key)
