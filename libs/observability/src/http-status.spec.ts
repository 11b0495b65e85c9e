import { httpStatusForCode } from './http-status';

describe('httpStatusForCode', () => {
  it.each([
    ['REQUEST.INVALID', 400],
    ['AUTH.UNAUTHENTICATED', 401],
    ['AUTH.FORBIDDEN', 403],
    ['POLICY.DENIED', 403],
    ['REVIEW.SELF_APPROVAL', 403],
    ['REVIEW.NOT_PERMITTED', 403],
    ['REVIEW.NOT_FOUND', 404],
    ['EXPLORER.METHOD_NOT_ALLOWED', 405],
    ['REVIEW.CLOSED', 409],
    ['REVIEW.ALREADY_APPROVED', 409],
    ['REVIEW.GROUP_ALREADY_COUNTED', 409],
    ['REVIEW.DIGEST_MISMATCH', 409],
    ['REQUEST.TOO_LARGE', 413],
    ['REQUEST.TOO_DEEP', 400],
    ['TARGET.QUERY_REJECTED', 422],
    ['TARGET.UNAVAILABLE', 502],
    ['EVENTS.UNAVAILABLE', 503],
    ['STORE.UNAVAILABLE', 503],
    ['REVIEW.TIMEOUT', 504],
    ['SOMETHING.ELSE', 500],
  ])('%s → %i', (code, status) => {
    expect(httpStatusForCode(code)).toBe(status);
  });
});
