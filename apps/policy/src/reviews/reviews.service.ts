import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { loadConfig } from '@verity/config';
import {
  ActionDecidedV1,
  ActionRequestedV1,
  ActorV1,
  AlertRaised,
  createEvent,
  definitionForType,
  EventDefinition,
  EventEnvelope,
  ReviewApproved,
  ReviewExpired,
  ReviewRejected,
  ReviewRequested,
  ReviewRequestedV1,
  ReviewRefusal,
  ReviewVerdictRefused,
  ReviewVerdictSubmittedV1,
} from '@verity/contracts';
import { EventPublisher } from '@verity/kafka';
import { PolicyBundleService } from '../bundle/policy-bundle.service';
import { PolicyConfig } from '../config/policy.config';
import { mayReview } from './review-permission';
import { judge } from './review-rules';
import { ReviewWebhook } from './review-webhook';
import { ReviewEntity } from './review.entity';
import { ReviewsRepository } from './reviews.repository';

export const REVIEW_SOURCE = '/verity/policy';
/** Expired reviews closed per sweep, and outbox rows re-sent per sweep. */
const SWEEP_BATCH = 100;
/** An outbox row older than this and unpublished has lost its publisher. */
const RELAY_AFTER_MS = 5000;

type Staged = { event: EventEnvelope<object>; causeId: string | null };

/**
 * The human-review state machine: pending → approved | rejected | expired. Each transition and
 * its events are written in one transaction (the events to an outbox) and published after it
 * commits; a redelivered verdict gets the answer it got the first time.
 */
@Injectable()
export class ReviewsService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(ReviewsService.name);
  private readonly config = loadConfig(PolicyConfig);
  private readonly webhook = this.config.POLICY_REVIEW_WEBHOOK_URL
    ? new ReviewWebhook(
        this.config.POLICY_REVIEW_WEBHOOK_URL,
        this.config.POLICY_GATEWAY_URL,
        this.config.POLICY_REVIEW_WEBHOOK_TIMEOUT_MS,
      )
    : undefined;
  private timer?: NodeJS.Timeout;
  private sweeping = false;

  constructor(
    private readonly repository: ReviewsRepository,
    private readonly bundles: PolicyBundleService,
    private readonly publisher: EventPublisher,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.sweepSafely(), this.config.POLICY_REVIEW_SWEEP_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /**
   * Opens the review of an action policy held, with what its review policies ask for. Once per
   * action: a redelivered request republishes the same review.requested.
   */
  async open(request: EventEnvelope<ActionRequestedV1>, decided: EventEnvelope<ActionDecidedV1>): Promise<void> {
    const bundle = this.bundles.current();
    const reviewPolicies = decided.data.policyIds.map((id) => bundle.meta[id]).filter((m) => m?.review);
    const requiredApprovals = Math.max(1, ...reviewPolicies.map((m) => m.approvals ?? 1));
    const groups = [...new Set(reviewPolicies.flatMap((m) => m.approverGroups ?? []))];
    const approverGroups = groups.length > 0 ? groups : undefined;
    const expiresAt = new Date(Date.now() + this.config.POLICY_REVIEW_TTL_MS);
    const { connection, operation, payload, payloadDigest, agent } = request.data;
    const data: ReviewRequestedV1 = {
      connection,
      operation,
      payload,
      payloadDigest,
      agent,
      reasons: decided.data.reasons,
      policyIds: reviewPolicies.map((m) => m.id),
      bundleRevision: decided.data.bundleRevision,
      ...(decided.data.analysis ? { analysis: decided.data.analysis } : {}),
      requiredApprovals,
      distinctGroups: !!approverGroups && requiredApprovals > 1,
      ...(approverGroups ? { approverGroups } : {}),
      expiresAt: expiresAt.toISOString(),
    };
    const event = this.event(ReviewRequested, request, request.actor, decided.id, data);
    const opened = await this.repository.transaction(async (tx) => {
      const created = await this.repository.insertIfAbsent(tx, {
        actionId: request.actionid,
        sessionId: request.sessionid,
        requester: request.actor,
        connection,
        operation,
        payloadDigest,
        requiredApprovals,
        distinctGroups: data.distinctGroups,
        approverGroups: approverGroups ?? null,
        status: 'pending',
        approvals: [],
        expiresAt,
        traceparent: request.traceparent ?? null,
      });
      if (created) {
        await this.repository.stage(tx, [{ event, causeId: decided.id }]);
        return { created, event: event as EventEnvelope<object> };
      }
      const earlier = await this.repository.requestedEvent(tx, request.actionid, ReviewRequested.type);
      return { created, event: earlier?.envelope as EventEnvelope<object> | undefined };
    });
    if (opened.event) await this.publish([opened.event]);
    if (opened.created) {
      this.logger.log(
        { actionId: request.actionid, requiredApprovals, approverGroups, expiresAt: data.expiresAt },
        'review requested',
      );
      if (this.webhook) void this.webhook.announce(event);
    }
  }

  /** Applies a reviewer's verdict; returns the events that answer it (also on redelivery). */
  async verdict(submitted: EventEnvelope<ReviewVerdictSubmittedV1>): Promise<EventEnvelope<object>[]> {
    const now = new Date();
    const events = await this.repository.transaction(async (tx) => {
      const earlier = await this.repository.answersTo(tx, submitted.id);
      if (earlier.length > 0) return earlier.map((e) => e.envelope as EventEnvelope<object>);
      const review = await this.repository.lock(tx, submitted.actionid);
      const staged = review
        ? this.apply(review, submitted, now)
        : [this.refusal(submitted, 'REVIEW.NOT_FOUND', 'no review is held for this action')];
      if (review) await this.repository.save(tx, review);
      await this.repository.stage(tx, staged);
      return staged.map((s) => s.event);
    });
    await this.publish(events);
    return events;
  }

  /** Judges the verdict and changes `review` in place; returns the events to stage. */
  private apply(review: ReviewEntity, submitted: EventEnvelope<ReviewVerdictSubmittedV1>, now: Date): Staged[] {
    const reviewer = submitted.actor;
    const permitted = mayReview(this.bundles.current(), reviewer, {
      connection: review.connection,
      operation: review.operation,
      sessionId: review.sessionId,
      requester: review.requester,
    });
    const judged = judge(
      review,
      {
        reviewer,
        verdict: submitted.data.verdict,
        comment: submitted.data.comment,
        payloadDigest: submitted.data.payloadDigest,
      },
      permitted,
      now,
    );
    const log = { actionId: review.actionId, reviewer: reviewer.subject, verdict: submitted.data.verdict };
    switch (judged.kind) {
      case 'expired':
        return [this.expire(review, now), this.refusal(submitted, 'REVIEW.CLOSED', 'the review has expired')];
      case 'refused': {
        this.logger.warn({ ...log, code: judged.code }, 'verdict refused');
        const refused = this.refusal(submitted, judged.code, judged.message);
        if (judged.code !== 'REVIEW.SELF_APPROVAL') return [refused];
        const alert = this.event(AlertRaised, submitted, reviewer, submitted.id, {
          kind: 'review.self_approval',
          severity: 'warning',
          message: `${reviewer.subject} tried to approve their own request`,
          details: { reviewer: reviewer.subject, connection: review.connection },
        });
        return [refused, { event: alert, causeId: submitted.id }];
      }
      case 'rejected':
        review.status = 'rejected';
        review.closedAt = now;
        this.logger.log(log, 'review rejected');
        return [
          {
            event: this.event(ReviewRejected, submitted, reviewer, submitted.id, {
              comment: submitted.data.comment,
              payloadDigest: review.payloadDigest,
            }),
            causeId: submitted.id,
          },
        ];
      case 'approved':
        review.approvals = [...review.approvals, judged.approval];
        if (judged.complete) {
          review.status = 'approved';
          review.closedAt = now;
        }
        this.logger.log({ ...log, approvals: review.approvals.length, complete: judged.complete }, 'approval counted');
        return [
          {
            event: this.event(ReviewApproved, submitted, reviewer, submitted.id, {
              approvals: review.approvals,
              payloadDigest: review.payloadDigest,
              requiredApprovals: review.requiredApprovals,
              complete: judged.complete,
            }),
            causeId: submitted.id,
          },
        ];
    }
  }

  /** Closes pending reviews past their time, then re-sends outbox events whose publisher died. */
  async sweep(now = new Date()): Promise<number> {
    const expired = await this.repository.transaction(async (tx) => {
      const due = await this.repository.lockExpired(tx, now, SWEEP_BATCH);
      const staged = due.map((review) => this.expire(review, now));
      for (const review of due) await this.repository.save(tx, review);
      await this.repository.stage(tx, staged);
      return staged.map((s) => s.event);
    });
    await this.publish(expired);
    const stale = await this.repository.unpublished(new Date(now.getTime() - RELAY_AFTER_MS), SWEEP_BATCH);
    await this.publish(stale.map((row) => row.envelope as EventEnvelope<object>));
    return expired.length;
  }

  private async sweepSafely(): Promise<void> {
    if (this.sweeping) return;
    this.sweeping = true;
    try {
      await this.sweep();
    } catch (err) {
      this.logger.error({ err: (err as Error).message }, 'review sweep failed; retrying on the next tick');
    } finally {
      this.sweeping = false;
    }
  }

  private expire(review: ReviewEntity, now: Date): Staged {
    review.status = 'expired';
    review.closedAt = now;
    this.logger.warn({ actionId: review.actionId, approvals: review.approvals.length }, 'review expired');
    const origin = {
      actionid: review.actionId,
      sessionid: review.sessionId,
      traceparent: review.traceparent ?? undefined,
    };
    const event = this.event(ReviewExpired, origin, review.requester, undefined, {
      expiresAt: review.expiresAt.toISOString(),
      approvals: review.approvals.length,
    });
    return { event, causeId: null };
  }

  private refusal(submitted: EventEnvelope<ReviewVerdictSubmittedV1>, code: ReviewRefusal, message: string): Staged {
    const event = this.event(ReviewVerdictRefused, submitted, submitted.actor, submitted.id, {
      verdict: submitted.data.verdict,
      code,
      message,
    });
    return { event, causeId: submitted.id };
  }

  private event<T extends object>(
    def: EventDefinition<T>,
    origin: { actionid: string; sessionid: string; traceparent?: string },
    actor: ActorV1,
    causationId: string | undefined,
    data: T,
  ): EventEnvelope<T> {
    return createEvent(def, {
      source: REVIEW_SOURCE,
      actionId: origin.actionid,
      sessionId: origin.sessionid,
      actor,
      causationId,
      traceparent: origin.traceparent,
      data,
    });
  }

  /** Publishes outbox events in order and marks them sent. */
  private async publish(events: EventEnvelope<object>[]): Promise<void> {
    for (const event of events) {
      const def = definitionForType(event.type);
      if (!def) throw new Error(`the outbox holds an unregistered event type ${event.type}`);
      await this.publisher.publish(def, event);
    }
    await this.repository.markPublished(events.map((e) => e.id));
  }
}
