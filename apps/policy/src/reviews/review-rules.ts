import { ActorV1, ReviewApprovalV1, ReviewRefusal, ReviewVerdict } from '@verity/contracts';
import { ReviewStatus } from './review.entity';

/** What the rules need to know about a review. */
export interface ReviewState {
  requester: ActorV1;
  status: ReviewStatus;
  payloadDigest: string;
  requiredApprovals: number;
  distinctGroups: boolean;
  approverGroups: string[] | null;
  approvals: ReviewApprovalV1[];
  expiresAt: Date;
}

export interface Verdict {
  reviewer: ActorV1;
  verdict: ReviewVerdict;
  comment: string;
  payloadDigest: string;
}

export type Judgement =
  | { kind: 'refused'; code: ReviewRefusal; message: string }
  /** The review ran out of time before this verdict: it expires, and the verdict is refused. */
  | { kind: 'expired' }
  | { kind: 'approved'; approval: ReviewApprovalV1; complete: boolean }
  | { kind: 'rejected' };

const refuse = (code: ReviewRefusal, message: string): Judgement => ({ kind: 'refused', code, message });

const sameIdentity = (a: { subject: string; issuer?: string }, b: { subject: string; issuer?: string }) =>
  a.subject === b.subject && (a.issuer === undefined || b.issuer === undefined || a.issuer === b.issuer);

/**
 * True when the reviewer is anyone in the request's chain: the person the action was for, or
 * an agent or service that acted for them.
 */
export function isOwnRequest(requester: ActorV1, reviewer: ActorV1): boolean {
  return sameIdentity(requester, reviewer) || requester.actingParties.some((party) => sameIdentity(party, reviewer));
}

/**
 * Applies one verdict to a review. Approvals need a person acting for themselves (no
 * delegated token, no agent or service account), who is not in the request's chain, whom
 * policy permits to review on this connection (`permitted`), who is in one of the review's
 * approver groups when it names some, who has not approved yet, and — when approvals must
 * come from different groups — who brings a group not yet counted. The digest the reviewer
 * judged must be the held payload's. A rejection needs the same, except that the requester
 * may withdraw their own request.
 */
export function judge(state: ReviewState, verdict: Verdict, permitted: boolean, now: Date): Judgement {
  if (state.status !== 'pending') return refuse('REVIEW.CLOSED', `the review is already ${state.status}`);
  if (now.getTime() >= state.expiresAt.getTime()) return { kind: 'expired' };
  const { reviewer } = verdict;
  const approving = verdict.verdict === 'approve';
  if (approving && isOwnRequest(state.requester, reviewer)) {
    return refuse('REVIEW.SELF_APPROVAL', 'nobody may approve their own request (separation of duties)');
  }
  if (reviewer.kind !== 'human' || reviewer.actingParties.length > 0) {
    return refuse(
      'REVIEW.NOT_PERMITTED',
      'verdicts are given by a person with their own token, not by an agent or service',
    );
  }
  if (verdict.payloadDigest !== state.payloadDigest) {
    return refuse('REVIEW.DIGEST_MISMATCH', 'the verdict names a different payload than the one held for review');
  }
  const eligibleGroups = state.approverGroups
    ? reviewer.groups.filter((g) => state.approverGroups!.includes(g))
    : reviewer.groups;
  if (!permitted || (state.approverGroups && eligibleGroups.length === 0)) {
    return refuse('REVIEW.NOT_PERMITTED', 'policy does not permit this reviewer to review actions on this connection');
  }
  if (!approving) return { kind: 'rejected' };
  if (state.approvals.some((a) => sameIdentity(a, reviewer))) {
    return refuse('REVIEW.ALREADY_APPROVED', 'this reviewer has already approved; another reviewer must');
  }
  let group: string | undefined;
  if (state.distinctGroups) {
    const counted = new Set(state.approvals.map((a) => a.group));
    group = [...eligibleGroups].sort().find((g) => !counted.has(g));
    if (group === undefined) {
      return refuse(
        'REVIEW.GROUP_ALREADY_COUNTED',
        'an approval from each of this reviewer’s groups is already counted',
      );
    }
  }
  const approval: ReviewApprovalV1 = {
    subject: reviewer.subject,
    issuer: reviewer.issuer,
    comment: verdict.comment,
    at: now.toISOString(),
    ...(group ? { group } : {}),
  };
  return { kind: 'approved', approval, complete: state.approvals.length + 1 >= state.requiredApprovals };
}
