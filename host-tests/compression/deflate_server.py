"""Python `websockets` (Debian python3-websockets, run with /usr/bin/python3)
with permessage-deflate, as an independent compressing peer.

Starts one server per variant on 127.0.0.1, port 0, and prints
"PORT <variant> <n>" for each, then "READY". Every server echoes messages
with their type; "frag <n> <text|binary> <size>" makes it send one message
of that size in n fragments instead.
"""
import asyncio
import sys

import websockets
from websockets.extensions.permessage_deflate import ServerPerMessageDeflateFactory

VARIANTS = {
    # websockets' own default: 12-bit windows both ways, memLevel 5.
    "default": None,
    "no-context-takeover": [ServerPerMessageDeflateFactory(server_no_context_takeover=True, client_no_context_takeover=True)],
    "9-bit-windows": [ServerPerMessageDeflateFactory(server_max_window_bits=9, client_max_window_bits=9)],
    "15-bit-windows": [ServerPerMessageDeflateFactory()],
}


def payload(size, kind):
    if kind == "text":
        unit = "Hello κόσμε ✓ 5 "
        text = unit * (size // len(unit.encode()))
        return text + "x" * (size - len(text.encode()))
    return bytes(((i % 97) ^ 9) for i in range(size))


async def handler(ws, path=None):
    try:
        async for message in ws:
            if isinstance(message, str) and message.startswith("frag "):
                _, n, kind, size = message.split(" ")
                whole = payload(int(size), kind)
                step = -(-len(whole) // int(n))
                await ws.send([whole[i:i + step] for i in range(0, len(whole), step)])
            else:
                await ws.send(message)
    except websockets.ConnectionClosed:
        pass


async def main():
    servers = []
    for name, extensions in VARIANTS.items():
        kwargs = {"compression": "deflate"} if extensions is None else {"extensions": extensions, "compression": None}
        server = await websockets.serve(handler, "127.0.0.1", 0, max_size=None, ping_interval=None, **kwargs)
        servers.append(server)
        print(f"PORT {name} {server.sockets[0].getsockname()[1]}", flush=True)
    print("READY", flush=True)
    await asyncio.Future()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        sys.exit(0)
