"""A Python `websockets` client (Debian's python3-websockets) against our server.

Usage: python_client.py <ws-url> [largest-size] [close-request]
(largest-size: skip larger echo sizes, for a device's message limit; close-request: the text that asks
the server to close, default "please close")
Prints one JSON object per line: {"step": ..., ...}; the jest side asserts on them.
"""
import asyncio
import json
import sys

import websockets

SIZES = [0, 1, 125, 126, 127, 65535, 65536, 1 << 20]


def report(**fields):
    print(json.dumps(fields), flush=True)


async def echo_sizes(url, largest):
    async with websockets.connect(url, max_size=None) as ws:
        for n in [n for n in SIZES if n <= largest]:
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


async def server_closes(url, close_request):
    async with websockets.connect(url) as ws:
        await ws.send(close_request)
        try:
            while True:
                await ws.recv()
        except websockets.exceptions.ConnectionClosed:
            pass
        report(step="server-close", code=ws.close_code, reason=ws.close_reason)


async def main(url, largest, close_request):
    await echo_sizes(url, largest)
    await server_closes(url, close_request)
    report(step="done")


if __name__ == "__main__":
    largest = int(sys.argv[2]) if len(sys.argv) > 2 else max(SIZES)
    close_request = sys.argv[3] if len(sys.argv) > 3 else "please close"
    asyncio.run(asyncio.wait_for(main(sys.argv[1], largest, close_request), 60))
