/** HTTP status for a domain error code `<DOMAIN>.<REASON>`, by its reason. */
const BY_REASON: Array<[RegExp, number]> = [
  [/^(INVALID|MALFORMED|BAD)_?|_INVALID$|^VALIDATION/, 400],
  [/^UNAUTHENTICATED$|^TOKEN_|^UNAUTHORIZED$/, 401],
  [/^FORBIDDEN$|^DENIED$|^NOT_PERMITTED$|^SELF_APPROVAL$/, 403],
  [/NOT_FOUND$/, 404],
  [/^METHOD_NOT_ALLOWED$/, 405],
  [/^CONFLICT$|^DUPLICATE|^CLOSED$|^ALREADY_|_ALREADY_COUNTED$|_MISMATCH$/, 409],
  [/^TOO_LARGE$/, 413],
  [/_REJECTED$/, 422],
  [/^UNSUPPORTED_MEDIA_TYPE$/, 415],
  [/^(UNAVAILABLE|BAD_GATEWAY|FAILED)$/, 502],
  [/^TIMEOUT$/, 504],
  [/^NOT_READY$/, 503],
];

export function httpStatusForCode(code: string): number {
  const reason = code.split('.').pop() ?? '';
  return BY_REASON.find(([pattern]) => pattern.test(reason))?.[1] ?? 500;
}
