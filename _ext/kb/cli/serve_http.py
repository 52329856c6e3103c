"""The live preview's web server: the output folder, each HTML page with a reload script.

Python's own threaded `http.server`, on 127.0.0.1 for the one person previewing; nothing
else is needed to serve a folder and hold one open response per page.

How a page reloads: once its own file has been written again. A build tells the server
which files it wrote, once or twice (cli/warm_build.py: the pages of the documents the
save changed first, then the rest); each telling is a notice, numbered. Every HTML page is
sent with a small script (`reload_script`) that opens `EVENTS` (server-sent events, the
browser's `EventSource`, which reconnects by itself when the server restarts), naming its
file, the last notice when it was served, and this server's id. The server answers with a
message, on which the page reloads, as soon as a notice after that one wrote its file (or
every file: a build that could not say which). So the page being edited reloads as soon
as it is written, a page the edit changed too reloads when its turn comes, and a page the
edit did not change stays as it is, scrolled where the reader left it. A page served by an
earlier server (the preview restarted) reloads once this server's first build has written
its pages. Every response says `no-cache`: the browser asks again on reload (unchanged
files are answered with 304 Not Modified).
"""

from __future__ import annotations

import http.server
import threading
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

EVENTS = "/_kb-preview/events"
KEEP_ALIVE = 15.0  # seconds between comments on an idle event stream: a closed tab is noticed
NOT_FOUND_PAGE = "404.html"  # sphinx-notfound-page's, served for a page that is not there
RELOAD = "reload"  # the one message a page is sent


class Builds:
    """What the builds have written, for the open pages to follow."""

    def __init__(self) -> None:
        self.server = uuid.uuid4().hex  # pages served by another server (before a restart)
        self._number = 0  # the last build whose pages are all written
        self._notices = 0
        self._written: dict[str, int] = {}  # a file (relative to the output, posix): its notice
        self._everything = 0  # the last notice that wrote every file (or did not say which)
        self._closed = False
        self._changed = threading.Condition()

    @property
    def number(self) -> int:
        return self._number

    @property
    def notices(self) -> int:
        return self._notices

    def written(self, files: Iterable[str] | None, finished: int | None = None) -> None:
        """A build has written `files` (None: every file, or it cannot say which); with
        `finished`, that build's number, it has written all its pages. The pages showing
        those files are told."""
        with self._changed:
            self._notices += 1
            if files is None:
                self._everything = self._notices
            else:
                self._written.update(dict.fromkeys(files, self._notices))
            if finished is not None:
                self._number = finished
            self._changed.notify_all()

    def stale(self, page: str, served: int, server: str) -> bool:
        """Whether the page showing file `page`, served after notice `served` by the server
        `server`, has been written again since."""
        with self._changed:
            if server != self.server:
                return self._number > 0
            return max(self._written.get(page, 0), self._everything) > served

    def wait_for_notice(self, seen: int, timeout: float) -> int:
        """The number of the last notice once it is past `seen` (or the wait timed out, or
        the server is closing)."""
        with self._changed:
            self._changed.wait_for(lambda: self._notices != seen or self._closed, timeout)
            return self._notices

    def close(self) -> None:
        with self._changed:
            self._closed = True
            self._changed.notify_all()

    @property
    def closed(self) -> bool:
        return self._closed


def reload_script(page: str, served: int, server: str) -> bytes:
    """The script each HTML page is sent with: reload once file `page` (the page's own,
    relative to the output) is written again after notice `served` of server `server`."""
    query = urlencode({"page": page, "served": served, "server": server})
    return (
        "<script>(() => { const events = new EventSource(%r);"
        " events.onmessage = () => { events.close(); window.location.reload(); };"
        " })();</script>\n" % f"{EVENTS}?{query}"
    ).encode("utf-8")


def with_reload_script(body: bytes, script: bytes) -> bytes:
    """`body` with `script` just before its `</body>` (at its end if it has none)."""
    at = body.lower().rfind(b"</body>")
    return body[:at] + script + body[at:] if at >= 0 else body + script


class PreviewHandler(http.server.SimpleHTTPRequestHandler):
    """Files of the output folder; HTML pages with the reload script; the event stream."""

    builds: Builds  # set on the class `handler_for` makes

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's name
        pass  # one line per request would bury the builds' warnings

    def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
        if urlsplit(self.path).path == EVENTS:
            self._events()
            return
        path = Path(self.translate_path(self.path))
        if path.is_dir() and self.path.split("?", 1)[0].endswith("/"):
            path = path / "index.html"
        if path.suffix == ".html" and path.is_file():
            self._page(path, path, 200)
        elif not path.exists() and (Path(self.directory) / NOT_FOUND_PAGE).is_file():
            # the page reloads once the file asked for is written (a new page being built)
            self._page(Path(self.directory) / NOT_FOUND_PAGE, path, 404)
        else:
            super().do_GET()

    def _page(self, path: Path, shows: Path, status: int) -> None:
        """Send `path` with the script that reloads it once the file `shows` is written."""
        builds = self.builds
        served = builds.notices  # before the read: a file written meanwhile reloads again
        try:
            page = shows.resolve().relative_to(Path(self.directory).resolve()).as_posix()
        except ValueError:
            page = ""
        try:
            body = with_reload_script(path.read_bytes(),
                                      reload_script(page, served, builds.server))
        except OSError:  # deleted between the look and the read
            self.send_error(404)
            return
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _events(self) -> None:
        query = parse_qs(urlsplit(self.path).query)
        page = query.get("page", [""])[0]
        server = query.get("server", [""])[0]
        try:
            served = int(query.get("served", ["0"])[0])
        except ValueError:
            served = 0
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        builds = self.builds
        seen = builds.notices
        try:
            while not builds.closed:
                if builds.stale(page, served, server):
                    self.wfile.write(f"data: {RELOAD}\n\n".encode())
                    self.wfile.flush()
                    return
                self.wfile.write(b": idle\n\n")  # also tells the browser the stream is open
                self.wfile.flush()
                seen = builds.wait_for_notice(seen, KEEP_ALIVE)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the page was closed or reloaded


def handler_for(directory: Path, builds: Builds) -> type[PreviewHandler]:
    class Handler(PreviewHandler):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, directory=str(directory), **kwargs)

    Handler.builds = builds
    return Handler


class PreviewServer:
    """The web server, answering in threads of its own until `close`."""

    def __init__(self, directory: Path, host: str, port: int, builds: Builds) -> None:
        self.builds = builds
        self.server = http.server.ThreadingHTTPServer((host, port), handler_for(directory, builds))
        self.server.daemon_threads = True  # an open event stream does not hold up the exit
        self.thread = threading.Thread(target=self.server.serve_forever, name="kb-preview-http",
                                       daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> None:
        self.thread.start()

    def close(self) -> None:
        self.builds.close()
        self.server.shutdown()
        self.server.server_close()
