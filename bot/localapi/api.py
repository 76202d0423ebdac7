"""The stand-in itself: :class:`LocalBotAPI`, put together from its parts.

This module owns what ties the parts together: the lifecycle (bind, serve in a thread, stop),
the URLs to give python-telegram-bot, the HTTP entry point (route, token, method name, schema
checks), the dispatch of each call to its implementation under the lock, and the failures a test
injects with :meth:`LocalBotAPI.fail_next`. The state, the person's side, the reading side and the
method implementations are mixed in from their own modules.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote, urlsplit

from bot.localapi.methods_bot import _BotMethods
from bot.localapi.methods_messages import _MessageMethods
from bot.localapi.person import _PersonSide
from bot.localapi.reading import _ReadingSide
from bot.localapi.records import ApiError, Call, Failure, _bad
from bot.localapi.schema import _IMPLEMENTATIONS, _method_names, _spec, validate_params
from bot.localapi.server import _Handler, _json_error, _Server, decode_request
from bot.localapi.state import _Fault

# The whole stand-in logs under its package's name.
_LOG = logging.getLogger("bot.localapi")

_FAULT_DESCRIPTIONS = {
    400: "Bad Request: injected failure",
    401: "Unauthorized",
    403: "Forbidden: bot was blocked by the user",
    404: "Not Found",
    409: "Conflict: terminated by other getUpdates request",
    500: "Internal Server Error",
    502: "Bad Gateway",
}


class LocalBotAPI(_PersonSide, _ReadingSide, _MessageMethods, _BotMethods):
    """A Bot API server on 127.0.0.1 for one bot, with the person's side as method calls.

    Use as a context manager (or call :meth:`start` / :meth:`stop`). Every public method is
    thread-safe. ``clock`` gives "now" in Unix seconds for message dates, callback query age,
    the 48 h delete window and the flood windows, so tests can move time; long polling waits in
    real time.
    """

    def __init__(
        self,
        token: str = "123456:TEST-token",
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        flood_limits: bool = False,
        clock: Callable[[], float] = time.time,
        bot_name: str = "Between",
        bot_username: str = "between_local_bot",
        first_id: int = 1,
    ) -> None:
        bot_id = token.partition(":")[0]
        super().__init__(
            flood_limits=flood_limits,
            clock=clock,
            bot_user={
                "id": int(bot_id) if bot_id.isdigit() else 123456,
                "is_bot": True,
                "first_name": bot_name,
                "username": bot_username,
            },
            first_id=first_id,
        )
        self.token = token
        self._host, self._port = host, port
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # ---- lifecycle ----------------------------------------------------------------------------

    def start(self) -> LocalBotAPI:
        """Bind the port and serve in a background thread."""
        if self._server is not None:
            raise RuntimeError("already started")
        _spec()  # load the schema now rather than inside the first request
        self._server = _Server((self._host, self._port), _Handler, self)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="localapi-http",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving: wake long polls, close every connection, join the threads."""
        server = self._server
        if server is None:
            return
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        server.shutdown()
        server.close_connections()
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        server.join_handlers(timeout=5)
        self._server = None

    def __enter__(self) -> LocalBotAPI:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        """The bound TCP port."""
        if self._server is None:
            raise RuntimeError("not started")
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        """For python-telegram-bot's ``base_url`` (it appends the token)."""
        return f"http://{self._host}:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        """For python-telegram-bot's ``base_file_url`` (it appends the token)."""
        return f"http://{self._host}:{self.port}/file/bot"

    @property
    def bot_user(self) -> dict[str, Any]:
        """The bot's own User dict."""
        return dict(self._bot_user)

    # ---- HTTP entry point (called from handler threads) ------------------------------------

    def _handle_http(
        self,
        target: str,
        content_type: str,
        body: bytes,
        client_gone: Callable[[], bool] | None = None,
    ) -> tuple[int, str, bytes]:
        self._request_context.client_gone = client_gone
        parts = urlsplit(target)
        path = unquote(parts.path)
        if path.startswith("/file/bot"):
            return self._download(path[len("/file/bot") :])
        if not path.startswith("/bot"):
            return _json_error(ApiError(404, "Not Found"))
        token, _, method = path[len("/bot") :].partition("/")
        if token != self.token:
            return _json_error(ApiError(401, "Unauthorized"))
        canonical = _method_names().get(method.lower()) if method else None
        if canonical is None:
            missing = ApiError(404, "Not Found: method not found")
            self._record_failure(method, missing)
            return _json_error(missing)
        try:
            raw, files = decode_request(content_type, body, parts.query)
            params = validate_params(canonical, raw, files)
        except ApiError as exc:
            self._record_failure(canonical, exc)
            return _json_error(exc)
        try:
            result = self._dispatch(canonical, params)
        except ApiError as exc:
            return _json_error(exc)
        except Exception:  # a bug here must answer, not kill the connection thread
            _LOG.exception("local Bot API stand-in failed in %s", canonical)
            failure = ApiError(500, "Internal Server Error")
            self._record_failure(canonical, failure)
            return _json_error(failure)
        payload = json.dumps({"ok": True, "result": result}, ensure_ascii=False)
        return 200, "application/json", payload.encode("utf-8")

    def _download(self, rest: str) -> tuple[int, str, bytes]:
        token, _, file_path = rest.partition("/")
        with self._cond:
            found = next((f for f in self._files.values() if f.file_path == file_path), None)
        if token != self.token or found is None or found.data is None:
            return _json_error(ApiError(404, "Not Found"))
        return 200, found.mime_type or "application/octet-stream", found.data

    def _dispatch(self, method: str, params: dict[str, Any]) -> Any:
        with self._cond:
            self._calls.append(Call(method, params))
            try:
                implementation = _IMPLEMENTATIONS.get(method)
                if implementation is None:
                    raise _bad("method not supported by the local stand-in")
                fault = self._take_fault(method)
                if fault is not None:
                    parameters = {"retry_after": fault.retry_after} if fault.retry_after else None
                    raise ApiError(fault.status, fault.description, parameters)
                result = getattr(self, implementation)(params)
            except ApiError as exc:
                self._record_failure(method, exc)
                raise
            self._changes += 1
            self._cond.notify_all()
            return result

    def _record_failure(self, method: str, exc: ApiError) -> None:
        with self._cond:
            self._failures.append(Failure(method, exc.status, exc.description))

    def _take_fault(self, method: str) -> _Fault | None:
        queue = self._faults.get(method.lower())
        return queue.popleft() if queue else None

    # ---- faults ---------------------------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        *,
        status: int = 500,
        retry_after: int | None = None,
        times: int = 1,
        description: str | None = None,
    ) -> None:
        """Answer the next ``times`` calls of ``method`` with an error.

        429 carries ``parameters.retry_after`` (default 1) and Telegram's "Too Many Requests:
        retry after N" description.
        """
        if status == 429:
            retry_after = max(1, int(retry_after or 1))
            description = description or f"Too Many Requests: retry after {retry_after}"
        text = description or _FAULT_DESCRIPTIONS.get(status, f"Error {status}")
        with self._cond:
            queue = self._faults.setdefault(method.lower(), deque())
            queue.extend(_Fault(status, text, retry_after) for _ in range(times))
