"""Python `websockets` (Debian python3-websockets) as a server that selects no
subprotocol: serve() without a subprotocols list answers every offer with a
101 that has no Sec-WebSocket-Protocol. Echoes messages. Listens on
127.0.0.1, port 0, and prints "PORT <n>" once listening."""
import asyncio
import sys

import websockets


async def echo(ws, *_path):
    async for message in ws:
        await ws.send(message)


async def main():
    async with websockets.serve(echo, "127.0.0.1", 0) as server:
        port = next(iter(server.sockets)).getsockname()[1]
        print(f"PORT {port}", flush=True)
        await asyncio.Future()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        sys.exit(0)
