import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import {
  ActionPayloadV1,
  ActorV1,
  AgentContextV1,
  createEvent,
  DomainError,
  EventEnvelope,
  ReviewApprovalV1,
  ReviewApprovedV1,
  ReviewRequestedV1,
  ReviewVerdict,
  ReviewVerdictSubmitted,
  SqlAnalysisV1,
} from '@verity/contracts';
import { EventPublisher } from '@verity/kafka';
import { IsNull, Repository } from 'typeorm';
import { ActionEntity, ActionStatus } from '../actions/action.entity';
import { ActionsRepository } from '../actions/actions.repository';
import { GatewayConfig } from '../config/gateway.config';
import { pollUntil } from '../replies/poll-until';
import { ReviewVerdictDto } from './dto/review-verdict.dto';
import { VerdictEntity, VerdictOutcome } from './verdict.entity';

const SOURCE = '/verity/gateway';
const LIST_LIMIT = 200;
const POLL_MS = 50;

/** What a reviewer sees of a held action. */
export interface ReviewView {
  actionId: string;
  sessionId: string;
  status: ActionStatus;
  requester: ActorV1;
  connection: string;
  operation: string;
  payload: ActionPayloadV1 | null;
  payloadDigest: string;
  agent: AgentContextV1;
  reasons: string[];
  policyIds: string[];
  bundleRevision: string;
  analysis?: SqlAnalysisV1;
  requiredApprovals: number;
  distinctGroups: boolean;
  approverGroups?: string[];
  approvals: ReviewApprovalV1[];
  expiresAt: string;
  requestedAt: string;
}

/** Policy's answer to a verdict it accepted. */
export interface VerdictAnswer {
  actionId: string;
  verdict: ReviewVerdict;
  outcome: Exclude<VerdictOutcome, 'refused'>;
  approvals: number;
  requiredApprovals: number;
  /** True when the review is decided: approved and about to run, or rejected. */
  complete: boolean;
}

/**
 * The reviewer's side of the review workflow. Policy owns the state machine; the gateway lists
 * what policy holds, hands it verdicts, and waits for policy's answer (which its review
 * consumer writes down), so any instance can answer a reviewer.
 */
@Injectable()
export class ReviewsService {
  private readonly logger = new Logger(ReviewsService.name);

  constructor(
    private readonly config: GatewayConfig,
    private readonly actions: ActionsRepository,
    @InjectRepository(VerdictEntity) private readonly verdicts: Repository<VerdictEntity>,
    private readonly publisher: EventPublisher,
  ) {}

  async list(): Promise<ReviewView[]> {
    const rows = await this.actions.pendingReviews(LIST_LIMIT);
    return rows.filter((row) => row.review).map((row) => this.view(row));
  }

  async get(id: string): Promise<ReviewView> {
    return this.view(await this.held(id));
  }

  /** Hands the verdict to policy and answers with what policy made of it. */
  async submit(reviewer: ActorV1, id: string, verdict: ReviewVerdict, body: ReviewVerdictDto): Promise<VerdictAnswer> {
    const row = await this.held(id);
    if (row.status !== 'pending_review') {
      throw new DomainError('REVIEW.CLOSED', `the action is ${row.status}; its review is closed`, { actionId: id });
    }
    if (body.payloadDigest && body.payloadDigest !== row.payloadDigest) {
      throw new DomainError('REVIEW.DIGEST_MISMATCH', 'the payload held for review is not the one judged', {
        actionId: id,
        payloadDigest: row.payloadDigest,
      });
    }
    const submitted = createEvent(ReviewVerdictSubmitted, {
      source: SOURCE,
      actionId: row.id,
      sessionId: row.sessionId,
      actor: reviewer,
      causationId: row.review!.requestedEventId,
      traceparent: row.traceparent ?? undefined,
      data: { verdict, comment: body.comment, payloadDigest: body.payloadDigest ?? row.payloadDigest },
    });
    await this.verdicts.insert({
      id: submitted.id,
      actionId: row.id,
      reviewer: reviewer.subject,
      verdict,
      outcome: null,
      code: null,
      message: null,
      answeredAt: null,
    });
    try {
      await this.publisher.publish(ReviewVerdictSubmitted, submitted);
    } catch (err) {
      if (err instanceof DomainError) throw err;
      this.logger.error({ actionId: id, err: (err as Error).message }, 'could not publish the verdict');
      throw new DomainError('EVENTS.UNAVAILABLE', 'the event log is unavailable; the verdict was not given');
    }
    const answered = await pollUntil(
      () => this.verdicts.findOneByOrFail({ id: submitted.id }),
      (v) => v.answeredAt !== null,
      { timeoutMs: this.config.GATEWAY_DECISION_TIMEOUT_MS, intervalMs: POLL_MS },
    );
    if (!answered.outcome) {
      throw new DomainError('REVIEW.TIMEOUT', 'policy has not answered yet; GET the review to see whether it counted', {
        actionId: id,
        verdictId: submitted.id,
      });
    }
    if (answered.outcome === 'refused') {
      throw new DomainError(answered.code ?? 'REVIEW.REFUSED', answered.message ?? 'policy refused the verdict', {
        actionId: id,
      });
    }
    const review = (await this.actions.find(id))?.review;
    const approvals = review?.approvals.length ?? 0;
    const requiredApprovals = review?.requiredApprovals ?? 1;
    return {
      actionId: id,
      verdict,
      outcome: answered.outcome,
      approvals,
      requiredApprovals,
      complete: answered.outcome === 'rejected' || approvals >= requiredApprovals,
    };
  }

  /** Keeps what policy opened, so reviewers can list it here. */
  async noteRequested(event: EventEnvelope<ReviewRequestedV1>): Promise<void> {
    const { payload: _payload, connection: _c, operation: _o, payloadDigest: _d, ...review } = event.data;
    await this.actions.update(event.actionid, { review: { ...review, requestedEventId: event.id, approvals: [] } });
  }

  async noteApproved(event: EventEnvelope<ReviewApprovedV1>): Promise<void> {
    const row = await this.actions.find(event.actionid);
    if (!row?.review) return;
    await this.actions.update(row.id, { review: { ...row.review, approvals: event.data.approvals } });
  }

  /** Writes down policy's answer to a verdict given here; answers to other gateways' verdicts change nothing. */
  async answer(verdictId: string | undefined, outcome: VerdictOutcome, refusal?: { code: string; message: string }) {
    if (!verdictId) return;
    await this.verdicts.update(
      { id: verdictId, answeredAt: IsNull() },
      { outcome, code: refusal?.code ?? null, message: refusal?.message ?? null, answeredAt: new Date() },
    );
  }

  private async held(id: string): Promise<ActionEntity & { review: NonNullable<ActionEntity['review']> }> {
    const row = await this.actions.find(id);
    if (!row?.review) throw new DomainError('REVIEW.NOT_FOUND', `no review for action ${id}`);
    return row as ActionEntity & { review: NonNullable<ActionEntity['review']> };
  }

  private view(row: ActionEntity): ReviewView {
    const review = row.review!;
    return {
      actionId: row.id,
      sessionId: row.sessionId,
      status: row.status,
      requester: row.actor,
      connection: row.connection,
      operation: row.operation,
      payload: row.payload,
      payloadDigest: row.payloadDigest,
      agent: review.agent,
      reasons: review.reasons,
      policyIds: review.policyIds,
      bundleRevision: review.bundleRevision,
      ...(review.analysis ? { analysis: review.analysis } : {}),
      requiredApprovals: review.requiredApprovals,
      distinctGroups: review.distinctGroups,
      ...(review.approverGroups ? { approverGroups: review.approverGroups } : {}),
      approvals: review.approvals,
      expiresAt: review.expiresAt,
      requestedAt: row.createdAt.toISOString(),
    };
  }
}
