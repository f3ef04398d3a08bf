"""A second, independent WebSocket peer for the interop tests: Python's
`websockets` (Debian python3-websockets), run with the system /usr/bin/python3.

Listens on 127.0.0.1, port 0; prints "PORT <n>" once listening, and
"CLOSED <path> <code> <reason>" when a connection ends (the close code the
peer saw on the wire). Behaviour is chosen by the request path:

  /echo                    echo every message with its type
  /headers                 send the request headers as JSON, then echo
  /fragments/<n>/<kind>    send one message in n fragments (kind text|binary), then echo
  /send/<size>/<kind>      send one message of size bytes, then echo
  /ping/<payload>          ping the client, wait for the pong, report it as text, then echo
  /close/<code>[/<reason>] close at once with that code and reason
"""
import asyncio
import json
import sys
from urllib.parse import unquote

import websockets


def payload(size, kind):
    unit = "Hello κόσμε ✓ 0123456789 " if kind == "text" else None
    if kind == "text":
        data = (unit * (size // len(unit.encode()) + 1)).encode()[:size]
        # Cut back to a character boundary, then pad with ASCII to the exact size.
        while True:
            try:
                text = data.decode()
                break
            except UnicodeDecodeError:
                data = data[:-1]
        return text + "*" * (size - len(text.encode()))
    return bytes((i * 31 + 7) & 0xFF for i in range(size))


async def echo(ws):
    async for message in ws:
        await ws.send(message)


async def handler(ws, path=None):
    path = ws.path
    parts = [p for p in path.split("/") if p]
    try:
        if parts[:1] == ["headers"]:
            await ws.send(json.dumps({k.lower(): v for k, v in ws.request_headers.raw_items()}))
        elif parts[:1] == ["fragments"]:
            n, kind = int(parts[1]), parts[2]
            whole = payload(4000, kind)
            size = -(-len(whole) // n)
            await ws.send([whole[i:i + size] for i in range(0, len(whole), size)])
        elif parts[:1] == ["send"]:
            await ws.send(payload(int(parts[1]), parts[2]))
        elif parts[:1] == ["ping"]:
            data = parts[1].encode()
            waiter = await ws.ping(data)
            await waiter
            await ws.send("pong received: " + data.decode())
        elif parts[:1] == ["close"]:
            reason = unquote(parts[2]) if len(parts) > 2 else ""
            await ws.close(code=int(parts[1]), reason=reason)
        await echo(ws)
    except websockets.ConnectionClosed:
        pass
    finally:
        await ws.wait_closed()
        print(f"CLOSED {path} {ws.close_code} {ws.close_reason}", flush=True)


async def main():
    async with websockets.serve(handler, "127.0.0.1", 0, subprotocols=["chat", "superchat"],
                                max_size=None, compression=None, ping_interval=None) as server:
        port = server.sockets[0].getsockname()[1]
        print(f"PORT {port}", flush=True)
        await asyncio.Future()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        sys.exit(0)
