"""pywb, run from its own virtual environment (it pins werkzeug, redis 2.x and fakeredis<1,
which clash with ours: FINDINGS). ``make test`` creates ``.venv-pywb``; NEWSARCHIVE_PYWB may
point at another ``bin`` directory holding ``wayback`` and ``wb-manager``."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

COLLECTION = "archive"


class ReplayError(Exception):
    """pywb is missing or the collection could not be made."""


def pywb_bin() -> Path:
    candidates = []
    if os.environ.get("NEWSARCHIVE_PYWB"):
        candidates.append(Path(os.environ["NEWSARCHIVE_PYWB"]))
    candidates.append(Path(__file__).resolve().parent.parent / ".venv-pywb" / "bin")
    found = shutil.which("wayback")
    if found:
        candidates.append(Path(found).parent)
    for directory in candidates:
        if (directory / "wayback").exists() and (directory / "wb-manager").exists():
            return directory
    raise ReplayError("pywb is not installed: run `make replay-deps` (creates .venv-pywb) "
                      "or set NEWSARCHIVE_PYWB to a directory holding wayback and wb-manager")


def prepare_collection(root: Path, wacz: Path, framed: bool = True) -> Path:
    """A fresh pywb collection holding the WACZ's WARC files and index.

    Framed replay (pywb's default, and its advice for safety) puts the page in an iframe under
    pywb's banner; frameless replay serves the page alone, as the site showed it.
    """
    bin_dir = pywb_bin()
    collection = root / "collections" / COLLECTION
    if collection.exists():
        shutil.rmtree(collection)
    root.mkdir(parents=True, exist_ok=True)
    for args in (["init", COLLECTION], ["add", "--unpack-wacz", COLLECTION, str(wacz.resolve())]):
        done = subprocess.run([str(bin_dir / "wb-manager"), *args], cwd=root, capture_output=True, text=True)
        if done.returncode != 0:
            raise ReplayError(f"wb-manager {args[0]} failed: {done.stderr.strip()[-500:]}")
    if not any((collection / "indexes").iterdir()):
        raise ReplayError(f"pywb imported no index from {wacz.name}")
    (root / "config.yaml").write_text(
        "# written by newsarchive replay; collections are found under ./collections\n"
        f"framed_replay: {'true' if framed else 'false'}\n"
        "enable_memento: true\n", "utf-8")
    return root


def wayback_command(host: str, port: int) -> list[str]:
    return [str(pywb_bin() / "wayback"), "--bind", host, "-p", str(port)]
