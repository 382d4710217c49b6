"""A small async client for the control API, for code in another process or thread."""

from __future__ import annotations

from typing import Any

import aiohttp


class ControlError(RuntimeError):
    pass


class ControlClient:
    """`await ControlClient(base_url).call("send_text", user_id=1, text="hi")`; see the package
    docstring for the actions and their arguments."""

    def __init__(self, base_url: str, session: aiohttp.ClientSession | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self._session = session
        self._owns_session = session is None

    async def call(self, action: str, **args: Any) -> Any:
        if self._session is None:
            self._session = aiohttp.ClientSession()
        payload = {k: v for k, v in args.items() if v is not None}
        async with self._session.post(f"{self.base_url}/control/{action}", json=payload) as response:
            body = await response.json()
        if not body.get("ok"):
            raise ControlError(f"{action}: {body.get('description')}")
        return body["result"]

    async def send_text(self, user_id: int, text: str, **kwargs: Any) -> int:
        update_id: int = await self.call("send_text", user_id=user_id, text=text, **kwargs)
        return update_id

    async def user_says(self, user_id: int, text: str, **kwargs: Any) -> list[dict[str, Any]]:
        calls: list[dict[str, Any]] = await self.call("user_says", user_id=user_id, text=text, **kwargs)
        return calls

    async def press_button(self, user_id: int, message_id: int, callback_data: str) -> int:
        update_id: int = await self.call(
            "press_button", user_id=user_id, message_id=message_id, callback_data=callback_data
        )
        return update_id

    async def messages(self, chat_id: int) -> list[dict[str, Any]]:
        messages: list[dict[str, Any]] = await self.call("messages", chat_id=chat_id)
        return messages

    async def calls(
        self, since: int = 0, *, chat_id: int | None = None, wait: float = 0.0
    ) -> list[dict[str, Any]]:
        calls: list[dict[str, Any]] = await self.call("calls", since=since, chat_id=chat_id, wait=wait)
        return calls

    async def close(self) -> None:
        if self._session is not None and self._owns_session:
            await self._session.close()
        self._session = None

    async def __aenter__(self) -> ControlClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()
