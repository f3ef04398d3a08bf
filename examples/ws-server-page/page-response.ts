// Serving a page through Moddable's HTTP server in pieces the socket can take.
// A response with a whole string body is written in one socket.write(), which Moddable's Linux
// simulator refuses past its 1024-byte send buffer ("can't write all data": the connection closes
// after the headers). With `body: true` and a Content-Length, the server asks for the body piece
// by piece (Server.responseFragment, with the room the socket has), on every platform.

/** What the HTTP server keeps per request (`this` in its callback): how much of the page went out. */
export interface PageRequest {
  sent?: number;
}

/** The response for Server.prepareResponse: headers, with the body to follow in fragments. */
export function pageResponse(page: ArrayBuffer, type = "text/html; charset=utf-8"): { headers: string[]; body: true } {
  return { headers: ["Content-Type", type, "Content-Length", String(page.byteLength)], body: true };
}

/** The next piece for Server.responseFragment (`room`: bytes the socket takes now); undefined when all was sent. */
export function pageFragment(request: PageRequest, page: ArrayBuffer, room: number): ArrayBuffer | undefined {
  const at = request.sent ?? 0;
  if (at >= page.byteLength || room <= 0) return undefined;
  const end = Math.min(page.byteLength, at + room);
  request.sent = end;
  return page.slice(at, end);
}
