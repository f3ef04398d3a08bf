/**
 * Exponential backoff with full jitter: retry n waits a uniformly random time
 * in [0, min(maxDelay, baseDelay * 2^(n-1))). Jitter spreads the clients a
 * server restart dropped, so they do not all come back in the same instant.
 */
export function backoffCap(retry: number, baseDelay: number, maxDelay: number): number {
  // Past 2^30 the product only matters through the cap; bounding the exponent keeps it finite (and 0 * 2^n = 0).
  const exponent = Math.min(Math.max(retry - 1, 0), 30);
  return Math.min(maxDelay, baseDelay * 2 ** exponent);
}

/** A number in [0, 1) from the platform's random source (4 bytes). */
export function randomUnit(randomFill: (bytes: Uint8Array) => void): number {
  const bytes = new Uint8Array(4);
  randomFill(bytes);
  return (((bytes[0] << 24) | (bytes[1] << 16) | (bytes[2] << 8) | bytes[3]) >>> 0) / 4294967296;
}

export function backoffDelay(
  retry: number,
  baseDelay: number,
  maxDelay: number,
  randomFill: (bytes: Uint8Array) => void,
): number {
  return Math.floor(randomUnit(randomFill) * backoffCap(retry, baseDelay, maxDelay));
}
