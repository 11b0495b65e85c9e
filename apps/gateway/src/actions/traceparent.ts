const TRACEPARENT = /^00-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}$/;

/**
 * A W3C `traceparent` header worth carrying into the events, or undefined. An invalid one is
 * dropped (Trace Context says to restart the trace), never an error.
 */
export function acceptedTraceparent(header: unknown): string | undefined {
  return typeof header === 'string' && TRACEPARENT.test(header.trim()) ? header.trim() : undefined;
}
