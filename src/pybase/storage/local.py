"""A file store in a local (or network-mounted) directory: ``PYBASE_STORAGE_DIR``, default
``<data_dir>/files``.

Workers on other machines read the same files when the directory is a shared mount (NFS,
SMB) at the same path on every machine; otherwise use the S3 store.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from pathlib import Path

__all__ = ["LocalStore"]


class LocalStore:
    """Files under ``root``; a file reference is the file's absolute path.

    Uploads are staged in ``root/.incoming`` and renamed into place, so a reader never sees a
    half-written file and no copy is made.
    """

    def __init__(self, root: Path) -> None:
        self.root = Path(root).expanduser().resolve()

    def staging_dir(self) -> Path:
        """``root/.incoming`` (created on demand)."""
        path = self.root / ".incoming"
        path.mkdir(parents=True, exist_ok=True)
        return path

    def _path(self, key: str) -> Path:
        target = (self.root / key).resolve()
        if not target.is_relative_to(self.root) or target == self.root:
            raise ValueError(f"store key {key!r} escapes the store")
        return target

    def put(self, key: str, source: Path) -> str:
        """Move ``source`` to ``root/key`` (rename when on the same file system) and return
        its absolute path.

        Raises:
            ValueError: ``key`` would leave the store directory.
        """
        target = self._path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.replace(source, target)
        except OSError:
            shutil.move(str(source), target)
        return str(target)

    def contains(self, file_ref: str) -> bool:
        """Whether ``file_ref`` names a file inside this store."""
        if file_ref.startswith("s3://"):
            return False
        path = Path(file_ref).resolve()
        return path.is_relative_to(self.root) and path != self.root

    def delete(self, file_ref: str) -> bool:
        """Delete the file (and its job folder when that is left empty); False when the
        reference is outside the store or the file is already gone."""
        if not self.contains(file_ref):
            return False
        path = Path(file_ref).resolve()
        try:
            path.unlink()
        except FileNotFoundError:
            return False
        if path.parent != self.root:
            with contextlib.suppress(OSError):
                path.parent.rmdir()
        return True

    def describe(self) -> str:
        """``dir:<root>``."""
        return f"dir:{self.root}"
