"""The live preview's web server: the output folder, each HTML page with a reload script.

Python's own threaded `http.server`, on 127.0.0.1 for the one person previewing; nothing
else is needed to serve a folder and hold one open response per page.

How a page reloads: every HTML page is sent with a small script (`reload_script`) that
knows the number of the last build finished when the page was served. It opens
`EVENTS` (server-sent events, the browser's `EventSource`, which reconnects by itself
when the server restarts); the server sends the number of the last finished build as
the page connects and again after every build, and the page reloads when the number is
not its own. So a page opened while a build runs reloads when that build ends, and a
page opened after it does not reload for nothing. Every response says `no-cache`: the
browser asks again on reload (unchanged files are answered with 304 Not Modified).
"""

from __future__ import annotations

import http.server
import threading
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

EVENTS = "/_kb-preview/events"
KEEP_ALIVE = 15.0  # seconds between comments on an idle event stream: a closed tab is noticed
NOT_FOUND_PAGE = "404.html"  # sphinx-notfound-page's, served for a page that is not there


class Builds:
    """The number of the last build whose pages are all written, for the pages to follow."""

    def __init__(self) -> None:
        self._number = 0
        self._closed = False
        self._changed = threading.Condition()

    @property
    def number(self) -> int:
        return self._number

    def finished(self, number: int) -> None:
        """Build `number` has written its pages: every open page is told."""
        with self._changed:
            self._number = number
            self._changed.notify_all()

    def wait_for_another(self, number: int, timeout: float) -> int:
        """The number of the last finished build once it is not `number` (or the wait
        timed out, or the server is closing)."""
        with self._changed:
            self._changed.wait_for(lambda: self._number != number or self._closed, timeout)
            return self._number

    def close(self) -> None:
        with self._changed:
            self._closed = True
            self._changed.notify_all()

    @property
    def closed(self) -> bool:
        return self._closed


def reload_script(build: int) -> bytes:
    """The script each HTML page is sent with: reload once a build other than `build` has
    finished."""
    return (
        "<script>(() => { const served = %d; const events = new EventSource(%r);"
        " events.onmessage = (event) => { if (Number(event.data) !== served) {"
        " events.close(); window.location.reload(); } }; })();</script>\n" % (build, EVENTS)
    ).encode("utf-8")


def with_reload_script(page: bytes, build: int) -> bytes:
    """`page` with the reload script just before its `</body>` (at its end if it has none)."""
    at = page.lower().rfind(b"</body>")
    script = reload_script(build)
    return page[:at] + script + page[at:] if at >= 0 else page + script


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
            self._page(path, 200)
        elif not path.exists() and (Path(self.directory) / NOT_FOUND_PAGE).is_file():
            self._page(Path(self.directory) / NOT_FOUND_PAGE, 404)
        else:
            super().do_GET()

    def _page(self, path: Path, status: int) -> None:
        try:
            body = with_reload_script(path.read_bytes(), self.builds.number)
        except OSError:  # deleted between the look and the read
            self.send_error(404)
            return
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _events(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        number = self.builds.number
        message = f"data: {number}\n\n"
        try:
            while not self.builds.closed:
                self.wfile.write(message.encode())
                self.wfile.flush()
                latest = self.builds.wait_for_another(number, KEEP_ALIVE)
                message = f"data: {latest}\n\n" if latest != number else ": idle\n\n"
                number = latest
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
