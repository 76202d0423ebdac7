"""The HTTP side of the stand-in: a threading HTTP/1.1 server and the request wire format.

:func:`decode_request` splits a request into its fields and uploaded files as Telegram accepts
them, :func:`_json_error` writes an error answer, :class:`_Server` tracks keep-alive connections
so that stopping closes them, and :class:`_Handler` reads each body (chunked too, up to
:data:`MAX_BODY`), hands it to the stand-in and writes the answer. Request lines carry the bot
token, so nothing here logs them.
"""

from __future__ import annotations

import email.parser
import email.policy
import json
import logging
import socket
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Protocol
from urllib.parse import parse_qsl

from bot.localapi.records import ApiError, UploadedFile, _bad


class HttpApi(Protocol):
    """What the HTTP side needs of the stand-in (bot/localapi/api.py): one request in, one answer out."""

    def _handle_http(
        self, target: str, content_type: str, body: bytes, client_gone: Callable[[], bool] | None = None
    ) -> tuple[int, str, bytes]: ...


# The whole stand-in logs under its package's name.
_LOG = logging.getLogger("bot.localapi")

MAX_BODY = 64 * 1024 * 1024


def _utf8_text(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise _bad("strings must be encoded in UTF-8") from None


def _header_text(value: str) -> str:
    """Undo the email parser's surrogate escapes: clients put raw UTF-8 in form-data headers."""
    try:
        return value.encode("utf-8", "surrogateescape").decode("utf-8")
    except UnicodeError:
        return value


def decode_request(
    content_type: str, body: bytes, query: str
) -> tuple[dict[str, Any], dict[str, UploadedFile]]:
    """Split a request into its fields and its uploaded files, as Telegram accepts them.

    Query strings, ``application/x-www-form-urlencoded`` and ``multipart/form-data`` give text
    values (python-telegram-bot JSON-encodes everything that is not a string);
    ``application/json`` gives typed values.
    """
    params: dict[str, Any] = dict(parse_qsl(query, keep_blank_values=True))
    files: dict[str, UploadedFile] = {}
    if not body:
        return params, files
    mime = content_type.partition(";")[0].strip().lower()
    if mime == "application/json":
        try:
            data = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            raise _bad("can't parse JSON encoded request") from None
        if not isinstance(data, dict):
            raise _bad("JSON request body must be an object")
        params.update(data)
    elif mime in ("application/x-www-form-urlencoded", ""):
        text = _utf8_text(body)
        try:
            params.update(parse_qsl(text, keep_blank_values=True, errors="strict"))
        except UnicodeDecodeError:
            raise _bad("strings must be encoded in UTF-8") from None
    elif mime == "multipart/form-data":
        head = f"Content-Type: {content_type}\r\n\r\n".encode("latin-1", "replace")
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
        if not message.is_multipart():
            raise _bad("can't parse multipart/form-data request")
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            if not isinstance(name, str):
                continue
            name = _header_text(name)
            payload = part.get_payload(decode=True)
            data = payload if isinstance(payload, bytes) else b""
            filename = part.get_filename()
            if filename is not None:
                files[name] = UploadedFile(_header_text(filename), data, part.get_content_type())
            else:
                params[name] = _utf8_text(data)
    else:
        raise _bad(f"unsupported content type {mime}")
    return params, files


def _json_error(exc: ApiError) -> tuple[int, str, bytes]:
    body: dict[str, Any] = {"ok": False, "error_code": exc.status, "description": exc.description}
    if exc.parameters:
        body["parameters"] = exc.parameters
    return exc.status, "application/json", json.dumps(body, ensure_ascii=False).encode("utf-8")


class _BodyTooLarge(Exception):
    pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler], api: HttpApi) -> None:
        self.api = api
        self._connections: dict[socket.socket, threading.Thread] = {}
        self._connections_lock = threading.Lock()
        super().__init__(address, handler)

    def track(self, connection: socket.socket) -> None:
        with self._connections_lock:
            self._connections[connection] = threading.current_thread()

    def untrack(self, connection: socket.socket) -> None:
        with self._connections_lock:
            self._connections.pop(connection, None)

    def close_connections(self) -> None:
        """Shut every open keep-alive connection so that its handler thread ends."""
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def join_handlers(self, timeout: float) -> None:
        with self._connections_lock:
            threads = list(self._connections.values())
        deadline = time.monotonic() + timeout
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that went away mid-answer (e.g. a cancelled long poll) is not an error.
        _LOG.debug("connection error in the local Bot API stand-in", exc_info=True)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes; with Nagle's algorithm on, the client's delayed ACK
    # would hold every answer back by ~40 ms.
    disable_nagle_algorithm = True
    server: _Server

    def setup(self) -> None:
        super().setup()
        self.server.track(self.connection)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.untrack(self.connection)

    def do_POST(self) -> None:
        try:
            body = self._read_body()
        except _BodyTooLarge:
            self.close_connection = True
            self._reply(*_json_error(ApiError(413, "Request Entity Too Large")))
            return
        content_type = self.headers.get("Content-Type", "")
        status, mime, payload = self.server.api._handle_http(self.path, content_type, body, self._client_gone)
        self._reply(status, mime, payload)

    def _client_gone(self) -> bool:
        """True once the client closed its end (it gave up waiting for this answer)."""
        dont_wait = getattr(socket, "MSG_DONTWAIT", None)
        if dont_wait is None:  # no way to peek without blocking here: assume it is still there
            return False
        try:
            return self.connection.recv(1, socket.MSG_PEEK | dont_wait) == b""
        except BlockingIOError:
            return False  # nothing to read: the client is still waiting
        except OSError:
            return True

    do_GET = do_POST

    def log_message(self, format: str, *args: Any) -> None:
        # Request lines carry the bot token; the stand-in keeps quiet.
        return

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks: list[bytes] = []
            total = 0
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                total += size
                if total > MAX_BODY:
                    raise _BodyTooLarge
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            raise _BodyTooLarge
        return self.rfile.read(length) if length > 0 else b""

    def _reply(self, status: int, mime: str, payload: bytes) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", mime)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except OSError:
            self.close_connection = True
