"""Read an ASGI request body ahead of the app and replay it, so a layer can look at it first."""

from __future__ import annotations

from track_assets.sandbox.hosting import Message, Receive


async def read_body(receive: Receive) -> tuple[bytes, bool]:
    """(the whole body, whether the client disconnected before sending all of it)."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return b"".join(chunks), True
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks), False


def replay_body(body: bytes, receive: Receive) -> Receive:
    """A receive callable that yields `body` once, then defers to the real one (disconnects)."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


async def wait_for_disconnect(receive: Receive) -> None:
    """Returns when the client closes the connection (the body must have been read already)."""
    while (await receive())["type"] != "http.disconnect":
        pass
