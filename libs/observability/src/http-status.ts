/** HTTP status for a domain error code `<DOMAIN>.<REASON>`, by its reason. */
const BY_REASON: Array<[RegExp, number]> = [
  [/^(INVALID|MALFORMED|BAD)_?|_INVALID$|^VALIDATION/, 400],
  [/^UNAUTHENTICATED$|^TOKEN_|^UNAUTHORIZED$/, 401],
  [/^FORBIDDEN$|^DENIED$|^NOT_PERMITTED$|^SELF_APPROVAL$/, 403],
  [/NOT_FOUND$/, 404],
  [/^METHOD_NOT_ALLOWED$/, 405],
  [/^CONFLICT$|^DUPLICATE|^CLOSED$|^ALREADY_|_ALREADY_COUNTED$|_MISMATCH$/, 409],
  [/^TOO_LARGE$/, 413],
  [/^TOO_DEEP$/, 400],
  [/_REJECTED$/, 422],
  [/^UNSUPPORTED_MEDIA_TYPE$/, 415],
  [/^(UNAVAILABLE|BAD_GATEWAY|FAILED)$/, 502],
  [/^TIMEOUT$/, 504],
  [/^NOT_READY$/, 503],
];

/**
 * Verity's own event log or store is down: nothing ran, try again later (503), unlike a
 * target or upstream that failed (502).
 */
const BY_CODE: Record<string, number> = { 'EVENTS.UNAVAILABLE': 503, 'STORE.UNAVAILABLE': 503 };

export function httpStatusForCode(code: string): number {
  if (BY_CODE[code]) return BY_CODE[code];
  const reason = code.split('.').pop() ?? '';
  return BY_REASON.find(([pattern]) => pattern.test(reason))?.[1] ?? 500;
}
