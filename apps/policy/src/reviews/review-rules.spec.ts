import { ActorV1 } from '@verity/contracts';
import { isOwnRequest, judge, ReviewState, Verdict } from './review-rules';

const ISSUER = 'urn:verity:dev-issuer';
const DIGEST = 'a'.repeat(64);
const NOW = new Date('2026-11-25T10:00:00.000Z');

const human = (subject: string, groups: string[]): ActorV1 => ({
  subject,
  issuer: ISSUER,
  kind: 'human',
  actingParties: [],
  groups,
});
// alice's agent acting for her: alice is the subject, the agent the acting party.
const requester: ActorV1 = {
  ...human('alice', ['analysts', 'approvers']),
  kind: 'agent',
  actingParties: [{ subject: 'agent:sql-helper', issuer: ISSUER }],
};
const bob = human('bob', ['approvers']);
const carol = human('carol', ['approvers', 'dba']);

function review(overrides: Partial<ReviewState> = {}): ReviewState {
  return {
    requester,
    status: 'pending',
    payloadDigest: DIGEST,
    requiredApprovals: 1,
    distinctGroups: false,
    approverGroups: null,
    approvals: [],
    expiresAt: new Date(NOW.getTime() + 60_000),
    ...overrides,
  };
}

const approve = (reviewer: ActorV1, payloadDigest = DIGEST): Verdict => ({
  reviewer,
  verdict: 'approve',
  comment: 'looks right',
  payloadDigest,
});

describe('review rules', () => {
  it('counts an approval from another permitted person and completes a one-approval review', () => {
    const judged = judge(review(), approve(bob), true, NOW);
    expect(judged).toEqual({
      kind: 'approved',
      complete: true,
      approval: { subject: 'bob', issuer: ISSUER, comment: 'looks right', at: NOW.toISOString() },
    });
  });

  it('refuses self-approval by the requester, even when policy would permit them', () => {
    const alice = human('alice', ['approvers']);
    expect(judge(review(), approve(alice), true, NOW)).toMatchObject({ code: 'REVIEW.SELF_APPROVAL' });
  });

  it('refuses approval by the agent that acted for the requester', () => {
    const agent = { ...human('agent:sql-helper', ['approvers']), kind: 'agent' as const };
    expect(isOwnRequest(requester, agent)).toBe(true);
    expect(judge(review(), approve(agent), true, NOW)).toMatchObject({ code: 'REVIEW.SELF_APPROVAL' });
  });

  it('does not confuse a namesake from another issuer with the requester', () => {
    expect(isOwnRequest(requester, { ...human('alice', []), issuer: 'https://other.example' })).toBe(false);
  });

  it('refuses delegated tokens, agents and services as reviewers', () => {
    const delegated = { ...bob, actingParties: [{ subject: 'agent:x' }] };
    const service = { ...bob, kind: 'service' as const };
    for (const reviewer of [delegated, service]) {
      expect(judge(review(), approve(reviewer), true, NOW)).toMatchObject({ code: 'REVIEW.NOT_PERMITTED' });
    }
  });

  it('refuses a reviewer policy does not permit, and one outside the approver groups', () => {
    expect(judge(review(), approve(bob), false, NOW)).toMatchObject({ code: 'REVIEW.NOT_PERMITTED' });
    expect(judge(review({ approverGroups: ['dba'] }), approve(bob), true, NOW)).toMatchObject({
      code: 'REVIEW.NOT_PERMITTED',
    });
  });

  it('binds the verdict to the held payload digest', () => {
    expect(judge(review(), approve(bob, 'b'.repeat(64)), true, NOW)).toMatchObject({ code: 'REVIEW.DIGEST_MISMATCH' });
  });

  it('needs N different people, and with distinct groups a new group each time', () => {
    const state = review({ requiredApprovals: 2, distinctGroups: true, approverGroups: ['approvers', 'dba'] });
    const first = judge(state, approve(bob), true, NOW);
    expect(first).toMatchObject({ kind: 'approved', complete: false, approval: { group: 'approvers' } });
    if (first.kind !== 'approved') throw new Error('expected an approval');
    const after = review({ ...state, approvals: [first.approval] });
    expect(judge(after, approve(bob), true, NOW)).toMatchObject({ code: 'REVIEW.ALREADY_APPROVED' });
    const dave = human('dave', ['approvers']);
    expect(judge(after, approve(dave), true, NOW)).toMatchObject({ code: 'REVIEW.GROUP_ALREADY_COUNTED' });
    expect(judge(after, approve(carol), true, NOW)).toMatchObject({
      kind: 'approved',
      complete: true,
      approval: { subject: 'carol', group: 'dba' },
    });
  });

  it('lets the requester withdraw (reject) their own request, but only if permitted to review', () => {
    const alice = human('alice', ['approvers']);
    const reject: Verdict = { ...approve(alice), verdict: 'reject' };
    expect(judge(review(), reject, true, NOW)).toEqual({ kind: 'rejected' });
    expect(judge(review(), reject, false, NOW)).toMatchObject({ code: 'REVIEW.NOT_PERMITTED' });
  });

  it('refuses verdicts on closed reviews and expires a review past its time', () => {
    for (const status of ['approved', 'rejected', 'expired'] as const) {
      expect(judge(review({ status }), approve(bob), true, NOW)).toMatchObject({ code: 'REVIEW.CLOSED' });
    }
    expect(judge(review({ expiresAt: NOW }), approve(bob), true, NOW)).toEqual({ kind: 'expired' });
  });
});
