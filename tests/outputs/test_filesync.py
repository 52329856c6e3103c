"""filesync.sync_folder: the published folder ends up with exactly the fresh files, and
a file whose bytes did not change is not touched."""

from __future__ import annotations

from pathlib import Path

from kb.outputs.filesync import SyncCount, sync_folder


def files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def write(folder: Path, content: dict[str, bytes]) -> None:
    for name, data in content.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def test_the_published_folder_becomes_the_fresh_one(tmp_path: Path) -> None:
    fresh, published = tmp_path / "fresh", tmp_path / "published"
    new = {"entry.json": b"{}", "index/a.pf_index": b"same", "fragment/b.pf_fragment": b"new b",
           "fragment/c.pf_fragment": b"c"}
    write(fresh, new)
    write(published, {"entry.json": b"{}", "index/a.pf_index": b"same",
                      "fragment/b.pf_fragment": b"old b", "old/d.pf_filter": b"stale"})
    unchanged = published / "index" / "a.pf_index"
    inode = unchanged.stat().st_ino

    count = sync_folder(fresh, published)

    assert files(published) == new
    assert count == SyncCount(replaced=2, kept=2, removed=1)
    assert unchanged.stat().st_ino == inode  # the very same file, not a copy
    assert not (published / "old").exists()  # a folder left empty goes too
    assert not fresh.exists()


def test_a_first_run_moves_everything(tmp_path: Path) -> None:
    fresh, published = tmp_path / "fresh", tmp_path / "site" / "pagefind"
    write(fresh, {"pagefind.js": b"js", "index/x.pf_index": b"x"})
    assert sync_folder(fresh, published) == SyncCount(replaced=2, kept=0, removed=0)
    assert files(published) == {"pagefind.js": b"js", "index/x.pf_index": b"x"}
