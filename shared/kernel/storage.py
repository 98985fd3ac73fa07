"""Content-addressed storage for uploaded files: the key is the SHA-256.

``BlobStore`` is the interface; ``FileBlobStore`` keeps files on disk under
``<root>/<2 hex>/<2 hex>/<hash>``. The same content is stored once.
"""
import hashlib
import os
import tempfile
from pathlib import Path


class BlobStore:
    def put(self, data: bytes) -> str: raise NotImplementedError
    def get(self, key: str) -> bytes: raise NotImplementedError
    def exists(self, key: str) -> bool: raise NotImplementedError


class FileBlobStore(BlobStore):
    def __init__(self, root):
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)

    def _path(self, key):
        if len(key) != 64 or any(c not in "0123456789abcdef" for c in key):
            raise KeyError(key)
        return self.root / key[:2] / key[2:4] / key

    def put(self, data):
        key = hashlib.sha256(data).hexdigest()
        path = self._path(key)
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent)
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, path)
        return key

    def get(self, key):
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError:
            raise KeyError(key) from None

    def exists(self, key):
        try:
            return self._path(key).exists()
        except KeyError:
            return False


from nameko.extensions import DependencyProvider  # noqa: E402


class Blobs(DependencyProvider):
    """``self.blobs``: the service's FileBlobStore under <data dir>/<service>/blobs."""

    def setup(self):
        from kernel import settings
        root = settings.data_dir(self.container.config) / self.container.service_name / "blobs"
        self.store = FileBlobStore(root)

    def get_dependency(self, worker_ctx):
        return self.store
