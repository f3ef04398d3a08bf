"""A Python `websockets` client (Debian's python3-websockets) against our server.

Usage: python_client.py <ws-url>
Prints one JSON object per line: {"step": ..., ...}; the jest side asserts on them.
"""
import asyncio
import json
import sys

import websockets

SIZES = [0, 1, 125, 126, 127, 65535, 65536, 1 << 20]


def report(**fields):
    print(json.dumps(fields), flush=True)


async def echo_sizes(url):
    async with websockets.connect(url, max_size=None) as ws:
        for n in SIZES:
            data = bytes((i * 7 + n) & 0xFF for i in range(n))
            await ws.send(data)
            back = await ws.recv()
            text = "ß" * (n // 2)
            await ws.send(text)
            back_text = await ws.recv()
            report(step="echo", size=n, binary=back == data and isinstance(back, bytes), text=back_text == text)
        # A fragmented text message: websockets sends an iterable as one message in parts.
        await ws.send(["frag", "men", "ted ", "ü"])
        report(step="fragmented", echoed=await ws.recv())
        await ws.send([b"\x01\x02", b"", b"\x03"])
        back = await ws.recv()
        report(step="fragmented-binary", echoed=list(back))
        pong = await ws.ping(b"are you there")
        await asyncio.wait_for(pong, 10)
        report(step="pong", ok=True)
        await ws.close(code=1000, reason="python says bye")
        report(step="client-close", code=ws.close_code, reason=ws.close_reason)


async def server_closes(url):
    async with websockets.connect(url) as ws:
        await ws.send("please close")
        try:
            while True:
                await ws.recv()
        except websockets.exceptions.ConnectionClosed:
            pass
        report(step="server-close", code=ws.close_code, reason=ws.close_reason)


async def main(url):
    await echo_sizes(url)
    await server_closes(url)
    report(step="done")


if __name__ == "__main__":
    asyncio.run(asyncio.wait_for(main(sys.argv[1]), 60))
