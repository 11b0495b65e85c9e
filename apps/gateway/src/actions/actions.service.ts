import { Injectable, Logger } from '@nestjs/common';
import {
  ActionDecidedV1,
  ActionPayloadV1,
  ActionDenied,
  ActionExecuted,
  ActionFailed,
  ActionRequested,
  ActionRequestedV1,
  ActorV1,
  AgentContextV1,
  createEvent,
  Decision,
  digestOf,
  DomainError,
  EventDefinition,
  EventEnvelope,
  FAILURE_STAGES,
  MaskingReportV1,
  ObligationsV1,
  newId,
  Operation,
  ResultCaptured,
  ResultMaskedV1,
  ResultSetV1,
  ReviewApprovedV1,
  ReviewExpiredV1,
  ReviewRejectedV1,
} from '@verity/contracts';
import { assertInGroups } from '@verity/identity';
import { EventPublisher } from '@verity/kafka';
import { GatewayConfig } from '../config/gateway.config';
import { ConnectionRegistry, TargetConnection } from '../connections/connection-registry';
import { assertRunnable, TargetExecutor } from '../execution/target-executor.service';
import { TargetError } from '../execution/target-error';
import { PendingReplies } from '../replies/pending-replies';
import { pollUntil } from '../replies/poll-until';
import { RepliesService } from '../replies/replies.service';
import { ActionEntity, ActionStatus, ReviewState } from './action.entity';
import { ActionMetrics, ActionStage } from './action.metrics';
import { ActionChanges, ActionsRepository } from './actions.repository';
import { toPayload } from './dto/create-action.dto';

const SOURCE = '/verity/gateway';
type Stage = (typeof FAILURE_STAGES)[number];

/**
 * Who submits an action, as every ingress (REST, MCP, the PostgreSQL wire listener) resolved it:
 * the verified actor and, for an API key, the connections it is limited to.
 */
export interface Caller {
  actor: ActorV1;
  /** API-key callers are limited to these connections; token callers are not (policy decides). */
  scope?: string[];
}

export interface SubmitAction {
  connection: string;
  operation: Operation;
  /** The operation's input: SqlPayloadV1 for sql.query, HttpPayloadV1 for http.request. */
  input: ActionPayloadV1;
  sessionId?: string;
  agent?: AgentContextV1;
  traceparent?: string;
}

export interface ExecutedAction {
  actionId: string;
  sessionId: string;
  decision: 'allow';
  result: ResultSetV1;
  masking: MaskingReportV1;
  payloadDigest: string;
}

export interface PendingAction {
  actionId: string;
  sessionId: string;
  status: 'pending_review';
}

export type SubmitOutcome =
  { status: 'executed'; body: ExecutedAction } | { status: 'pending_review'; body: PendingAction };

export interface ActionView {
  actionId: string;
  sessionId: string;
  actor: ActorV1;
  connection: string;
  operation: string;
  status: ActionStatus;
  decision: Decision | null;
  payloadDigest: string;
  outcomeCode: string | null;
  /** Ledger index of the outcome event; null until the ledger has appended it. */
  ledgerIndex: number | null;
  /** While or after a review: what it takes, the approvals counted and when it expires. */
  review?: Pick<ReviewState, 'requiredApprovals' | 'approvals' | 'expiresAt' | 'reasons' | 'policyIds'>;
  /** The masked result and masking report of an action that ran after review. */
  result?: ResultSetV1;
  masking?: MaskingReportV1;
  createdAt: string;
  updatedAt: string;
}

/** One action on its way through the platform. */
interface Run {
  actionId: string;
  sessionId: string;
  actor: ActorV1;
  traceparent?: string;
  payloadDigest: string;
  stage: Stage;
  /** Id of the last event this run published: what an unexpected failure is caused by. */
  lastEventId?: string;
  /** An outcome event (or the review hand-off) has been published; nothing more may be. */
  concluded: boolean;
  /** Records the time since the previous lap under a stage (metrics only). */
  lap: (stage: ActionStage) => void;
  /** The last update of the stored action: each next one is written after it, so they land in order. */
  recorded?: Promise<void>;
}

/** Statuses after which an action changes no more. */
const TERMINAL = new Set<ActionStatus>(['executed', 'denied', 'failed']);
const POLL_MS = 200;

/**
 * The synchronous path of an action: intent → decision → execution → masking → outcome.
 * Every action whose intent was published ends in exactly one outcome event (executed,
 * failed or denied), or is handed to review.
 */
@Injectable()
export class ActionsService {
  private readonly logger = new Logger(ActionsService.name);

  constructor(
    private readonly config: GatewayConfig,
    private readonly connections: ConnectionRegistry,
    private readonly executor: TargetExecutor,
    private readonly replies: RepliesService,
    private readonly publisher: EventPublisher,
    private readonly repository: ActionsRepository,
    private readonly metrics: ActionMetrics,
  ) {}

  /**
   * The one authorisation check of every ingress: the caller is in an action group
   * (GATEWAY_ACTION_GROUPS) and, with an API key, `connection` is in its scope.
   */
  authorize(caller: Caller, connection?: string): void {
    assertInGroups(caller.actor, this.config.actionGroups);
    if (connection !== undefined && caller.scope && !caller.scope.includes(connection)) {
      throw new DomainError('AUTH.FORBIDDEN', `this API key may not act on connection ${connection}`);
    }
  }

  /**
   * The action path every ingress calls — POST /v1/actions, MCP tool calls and statements on the
   * PostgreSQL wire listener: authorisation, intent, decision, execution, masking, outcome.
   */
  async submit(caller: Caller, request: SubmitAction): Promise<SubmitOutcome> {
    this.authorize(caller, request.connection);
    const { actor } = caller;
    const target = this.connections.get(request.connection);
    const payload = toPayload(request.operation, request.input);
    assertRunnable(target, request.operation, payload);
    const run: Run = {
      actionId: newId(),
      sessionId: request.sessionId ?? newId(),
      actor,
      traceparent: request.traceparent,
      payloadDigest: digestOf(payload),
      stage: 'decision',
      concluded: false,
      lap: this.metrics.stopwatch(),
    };
    const requested = this.event(run, ActionRequested, undefined, {
      connection: target.name,
      operation: request.operation,
      payload,
      payloadDigest: run.payloadDigest,
      agent: { ...request.agent },
    });
    await this.store(() =>
      this.repository.create({
        id: run.actionId,
        sessionId: run.sessionId,
        actor,
        connection: target.name,
        operation: request.operation,
        status: 'requested',
        payloadDigest: run.payloadDigest,
        payload,
        traceparent: run.traceparent ?? null,
      }),
    );
    run.lap('store');
    this.logger.log({ actionId: run.actionId, sessionId: run.sessionId, connection: target.name }, 'action requested');
    try {
      const decided = await this.decide(run, requested);
      const { decision, reasons, policyIds } = decided.data;
      if (decision === 'deny') {
        const denied = this.event(run, ActionDenied, decided.id, { reasons, policyIds });
        await this.conclude(run, ActionDenied, denied, { status: 'denied', decision, outcomeCode: 'POLICY.DENIED' });
        throw new DomainError('POLICY.DENIED', 'policy denied the action', {
          actionId: run.actionId,
          reasons,
          policyIds,
        });
      }
      if (decision === 'review') {
        // The review workflow resolves it later; until then it has no outcome.
        run.concluded = true;
        await this.record(run, { status: 'pending_review', decision, obligations: decided.data.obligations });
        return {
          status: 'pending_review',
          body: { actionId: run.actionId, sessionId: run.sessionId, status: 'pending_review' },
        };
      }
      // Written while the target runs, not before: the outcome's update is queued behind it.
      void this.record(run, { status: 'allowed', decision });
      const { obligations } = decided.data;
      const { result, durationMs } = await this.execute(
        run,
        decided.id,
        obligations,
        target,
        request.operation,
        payload,
      );
      run.lap('execute');
      const body = await this.mask(run, decided.id, obligations, result, durationMs);
      run.lap('total');
      return { status: 'executed', body };
    } catch (err) {
      if (!run.concluded && run.lastEventId) await this.concludeUnexpected(run, err);
      throw err;
    }
  }

  /**
   * Runs an action its review approved. Claiming it (pending_review → approved) makes exactly
   * one instance run it, once; it runs only if the held payload is the one the review approved
   * (same digest), then like any allowed action, and its masked result is kept for whoever
   * long-polls the action. Every failure is the action's outcome, not the caller's error.
   */
  async runApproved(approved: EventEnvelope<ReviewApprovedV1>): Promise<void> {
    const row = await this.repository.find(approved.actionid);
    if (!row || !(await this.repository.transition(row.id, 'pending_review', { status: 'approved' }))) return;
    const run = this.resume(row, 'execution', approved.id);
    try {
      const payload = row.payload;
      if (!payload || digestOf(payload) !== row.payloadDigest || approved.data.payloadDigest !== row.payloadDigest) {
        return await this.fail(run, approved.id, 'REVIEW.DIGEST_MISMATCH', 'the held payload is not the one approved');
      }
      const target = this.connections.get(row.connection);
      const obligations = row.obligations ?? {};
      const operation = row.operation as Operation;
      const { result, durationMs } = await this.execute(run, approved.id, obligations, target, operation, payload);
      await this.mask(run, approved.id, obligations, result, durationMs, true);
      this.logger.log({ actionId: run.actionId, approvals: approved.data.approvals.length }, 'reviewed action ran');
    } catch (err) {
      if (run.concluded) return; // the outcome event says what went wrong
      if (err instanceof DomainError) {
        await this.fail(run, approved.id, err.code, err.message).catch(() => undefined);
      } else {
        await this.concludeUnexpected(run, err);
      }
    }
  }

  /**
   * Ends an action whose review was rejected (action.denied) or expired (action.failed,
   * REVIEW.EXPIRED). Claimed first so it ends once; released again if the event cannot go out.
   */
  async concludeReview(
    kind: 'rejected' | 'expired',
    event: EventEnvelope<ReviewRejectedV1> | EventEnvelope<ReviewExpiredV1>,
  ): Promise<void> {
    const row = await this.repository.find(event.actionid);
    const outcome =
      kind === 'rejected'
        ? { status: 'denied' as const, outcomeCode: 'REVIEW.REJECTED' }
        : { status: 'failed' as const, outcomeCode: 'REVIEW.EXPIRED' };
    if (!row || !(await this.repository.transition(row.id, 'pending_review', outcome))) return;
    const run = this.resume(row, 'decision', event.id);
    try {
      if (kind === 'rejected') {
        const { comment } = event.data as ReviewRejectedV1;
        const denied = this.event(run, ActionDenied, event.id, {
          reasons: [`rejected in review by ${event.actor.subject}: ${comment}`],
          policyIds: row.review?.policyIds ?? [],
        });
        await this.publisher.publish(ActionDenied, denied);
      } else {
        const { expiresAt } = event.data as ReviewExpiredV1;
        const failed = this.event(run, ActionFailed, event.id, {
          stage: 'decision',
          code: 'REVIEW.EXPIRED',
          message: `nobody completed the review before ${expiresAt}`,
          payloadDigest: run.payloadDigest,
        });
        await this.publisher.publish(ActionFailed, failed);
      }
    } catch (err) {
      await this.repository.transition(row.id, outcome.status, { status: 'pending_review', outcomeCode: null });
      throw err;
    }
    this.logger.log({ actionId: run.actionId, outcome: outcome.outcomeCode }, 'reviewed action ended');
  }

  /** A run for an action stored earlier, picked up again after its review. */
  private resume(row: ActionEntity, stage: Stage, lastEventId: string): Run {
    return {
      actionId: row.id,
      sessionId: row.sessionId,
      actor: row.actor,
      traceparent: row.traceparent ?? undefined,
      payloadDigest: row.payloadDigest,
      stage,
      lastEventId,
      concluded: false,
      lap: () => undefined,
    };
  }

  /**
   * The caller's action; with `waitMs`, waits (long poll) until it has its outcome — executed,
   * denied or failed — or the time is up, then answers with where it stands. The store is
   * polled, so the action may be run by any gateway instance.
   */
  async find(actor: ActorV1, id: string, waitMs = 0, signal?: AbortSignal): Promise<ActionView> {
    return pollUntil(
      () => this.findNow(actor, id),
      (view) => TERMINAL.has(view.status),
      { timeoutMs: waitMs, intervalMs: POLL_MS, signal },
    );
  }

  private async findNow(actor: ActorV1, id: string): Promise<ActionView> {
    const row = await this.repository.find(id);
    // Someone else's action is reported exactly like a missing one.
    if (!row || row.actor.subject !== actor.subject || row.actor.issuer !== actor.issuer) {
      throw new DomainError('ACTION.NOT_FOUND', `no action ${id}`);
    }
    return {
      actionId: row.id,
      sessionId: row.sessionId,
      actor: row.actor,
      connection: row.connection,
      operation: row.operation,
      status: row.status,
      decision: row.decision,
      payloadDigest: row.payloadDigest,
      outcomeCode: row.outcomeCode,
      ledgerIndex: row.ledgerIndex === null ? null : Number(row.ledgerIndex),
      ...(row.review
        ? {
            review: {
              requiredApprovals: row.review.requiredApprovals,
              approvals: row.review.approvals,
              expiresAt: row.review.expiresAt,
              reasons: row.review.reasons,
              policyIds: row.review.policyIds,
            },
          }
        : {}),
      ...(row.result ? { result: row.result.result, masking: row.result.masking } : {}),
      createdAt: row.createdAt.toISOString(),
      updatedAt: row.updatedAt.toISOString(),
    };
  }

  /** Publishes the intent and waits for policy's decision on it. */
  private async decide(run: Run, requested: EventEnvelope<ActionRequestedV1>): Promise<EventEnvelope<ActionDecidedV1>> {
    const timeout = this.config.GATEWAY_DECISION_TIMEOUT_MS;
    const decided = await this.ask(this.replies.decisions, run, timeout, async () => {
      // Fail closed: nothing runs unless the intent is acknowledged by the broker (acks=all) in time.
      const sent = this.publisher.publish(ActionRequested, requested);
      let acked: boolean;
      try {
        acked = await this.within(sent);
      } catch (err) {
        if (err instanceof DomainError) throw err;
        acked = false;
        this.logger.error({ actionId: run.actionId, err: (err as Error).message }, 'could not publish the intent');
      }
      if (!acked) {
        await this.record(run, { status: 'failed', outcomeCode: 'EVENTS.UNAVAILABLE' });
        // The send may still land (the producer retries): then the intent gets its outcome too.
        sent
          .then(() => {
            const failed = this.event(run, ActionFailed, requested.id, {
              stage: 'decision',
              code: 'EVENTS.UNAVAILABLE',
              message: 'the intent reached the event log too late; the action was not run',
              payloadDigest: run.payloadDigest,
            });
            return this.keepPublishing(ActionFailed, failed);
          })
          .catch(() => undefined);
        throw new DomainError('EVENTS.UNAVAILABLE', 'the event log is unavailable; the action was not run', {
          actionId: run.actionId,
        });
      }
      run.lastEventId = requested.id;
      run.lap('publish_intent');
    });
    if (!decided) return this.fail(run, requested.id, 'POLICY.TIMEOUT', `no policy decision within ${timeout} ms`);
    run.lastEventId = decided.id;
    run.lap('await_decision');
    this.logger.log(
      { actionId: run.actionId, decision: decided.data.decision, policyIds: decided.data.policyIds },
      'action decided',
    );
    return decided;
  }

  /** Runs an allowed action under the decision's obligations; a target failure is the outcome. */
  private async execute(
    run: Run,
    causeId: string,
    obligations: ObligationsV1,
    target: TargetConnection,
    operation: Operation,
    payload: ActionPayloadV1,
  ): Promise<{ result: ResultSetV1; durationMs: number }> {
    run.stage = 'execution';
    const { rowLimit, readOnly } = obligations;
    const started = Date.now();
    try {
      const result = await this.executor.run(target, operation, payload, {
        rowLimit: rowLimit ?? this.config.GATEWAY_DEFAULT_ROW_LIMIT,
        readOnly: readOnly ?? false,
      });
      return { result, durationMs: Date.now() - started };
    } catch (err) {
      if (err instanceof TargetError) return this.fail(run, causeId, err.code, err.message, err.details as object);
      throw err;
    }
  }

  /** Sends the raw result to masking and answers with what comes back; never with the raw result. */
  private async mask(
    run: Run,
    causeId: string,
    obligations: ObligationsV1,
    raw: ResultSetV1,
    durationMs: number,
    keepResult = false,
  ): Promise<ExecutedAction> {
    run.stage = 'masking';
    const resultDigest = digestOf(raw);
    const captured = this.event(run, ResultCaptured, causeId, {
      profile: obligations.maskingProfile ?? 'default',
      resultDigest,
      result: raw,
    });
    const timeout = this.config.GATEWAY_MASKING_TIMEOUT_MS;
    let masked: EventEnvelope<ResultMaskedV1> | undefined;
    try {
      masked = await this.ask(this.replies.masked, run, timeout, async () => {
        await this.publisher.publish(ResultCaptured, captured);
        run.lastEventId = captured.id;
        run.lap('publish_result');
      });
    } catch (err) {
      // E.g. a result larger than the broker accepts in one message.
      if (err instanceof DomainError) throw err;
      this.logger.error(
        { actionId: run.actionId, err: (err as Error).message },
        'could not hand the result to masking',
      );
      return this.fail(run, causeId, 'MASKING.UNAVAILABLE', 'the result could not be handed to masking');
    }
    if (!masked) return this.fail(run, captured.id, 'MASKING.TIMEOUT', `no masked result within ${timeout} ms`);
    run.lap('await_masking');
    if (masked.data.resultDigest !== resultDigest) {
      return this.fail(run, masked.id, 'MASKING.FAILED', 'masking answered for a different result');
    }
    const { result, report } = masked.data;
    const executed = this.event(run, ActionExecuted, masked.id, {
      payloadDigest: run.payloadDigest,
      resultDigest,
      result,
      masking: report,
      durationMs,
    });
    // A reviewed action's result is kept: nobody is waiting on the request that asked for it.
    await this.conclude(run, ActionExecuted, executed, {
      status: 'executed',
      ...(keepResult ? { result: { result, masking: report } } : {}),
    });
    this.logger.log(
      { actionId: run.actionId, rowCount: result.rowCount, maskedValues: report.maskedValues, durationMs },
      'action executed',
    );
    return {
      actionId: run.actionId,
      sessionId: run.sessionId,
      decision: 'allow',
      result,
      masking: report,
      payloadDigest: run.payloadDigest,
    };
  }

  /** Waits for a reply to this action; the wait starts before the request goes out. */
  private async ask<T>(
    pending: PendingReplies<T>,
    run: Run,
    timeoutMs: number,
    send: () => Promise<void>,
  ): Promise<T | undefined> {
    const reply = pending.expect(run.actionId, timeoutMs);
    try {
      await send();
    } catch (err) {
      pending.cancel(run.actionId);
      throw err;
    }
    return reply;
  }

  /** Publishes action.failed for the current stage and answers with its code. */
  private async fail(run: Run, causationId: string, code: string, message: string, details?: object): Promise<never> {
    const failed = this.event(run, ActionFailed, causationId, {
      stage: run.stage,
      code,
      message,
      payloadDigest: run.payloadDigest,
    });
    await this.conclude(run, ActionFailed, failed, { status: 'failed', outcomeCode: code });
    this.logger.warn({ actionId: run.actionId, stage: run.stage, code }, 'action failed');
    throw new DomainError(code, message, { actionId: run.actionId, ...details });
  }

  /** Something unexpected broke a run after its intent went out: it still gets its one outcome. */
  private async concludeUnexpected(run: Run, err: unknown): Promise<void> {
    this.logger.error(
      { actionId: run.actionId, stage: run.stage, err: (err as Error)?.message },
      'action broke unexpectedly',
    );
    const failed = this.event(run, ActionFailed, run.lastEventId, {
      stage: run.stage,
      code: 'GATEWAY.INTERNAL',
      message: 'the gateway failed unexpectedly',
      payloadDigest: run.payloadDigest,
    });
    await this.conclude(run, ActionFailed, failed, { status: 'failed', outcomeCode: 'GATEWAY.INTERNAL' }).catch(
      (e: Error) => this.logger.error({ actionId: run.actionId, err: e.message }, 'could not record the failure'),
    );
  }

  /**
   * Publishes the action's one outcome. Once this starts the outcome is decided: the same event
   * (same id, so the ledger keeps it once) is sent until the broker takes it, however long that
   * is. The caller gets its answer only when the outcome is durable in time; otherwise
   * EVENTS.UNAVAILABLE (503), and no result.
   */
  private async conclude<T extends object>(
    run: Run,
    def: EventDefinition<T>,
    event: EventEnvelope<T>,
    changes: ActionChanges,
  ): Promise<void> {
    run.concluded = true;
    run.lastEventId = event.id;
    const sent = this.keepPublishing(def, event);
    const acked = await this.within(sent);
    run.lap('publish_outcome');
    await this.record(run, changes);
    run.lap('record');
    if (!acked) {
      throw new DomainError(
        'EVENTS.UNAVAILABLE',
        'the event log is unavailable; the outcome is recorded once it is back, and no result is given without it',
        { actionId: run.actionId },
      );
    }
  }

  /** True when `sent` resolves within GATEWAY_PUBLISH_TIMEOUT_MS, false when it takes longer. */
  private async within(sent: Promise<void>): Promise<boolean> {
    // A failure after the time is up is the background sender's (keepPublishing) to report.
    sent.catch(() => undefined);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), this.config.GATEWAY_PUBLISH_TIMEOUT_MS);
    });
    try {
      return await Promise.race([sent.then(() => true as const), late]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Sends an event until the broker acknowledges it (for up to an hour, while this process lives). */
  private async keepPublishing<T extends object>(def: EventDefinition<T>, event: EventEnvelope<T>): Promise<void> {
    const deadline = Date.now() + 3_600_000;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.publisher.publish(def, event);
      } catch (err) {
        if (err instanceof DomainError || Date.now() > deadline) {
          this.logger.error({ actionId: event.actionid, eventId: event.id, err: (err as Error).message }, 'event lost');
          throw err;
        }
        this.logger.warn({ actionId: event.actionid, eventId: event.id, attempt }, 'event log unavailable; retrying');
        await new Promise((r) => setTimeout(r, Math.min(250 * 2 ** attempt, 5_000)));
      }
    }
  }

  /** The gateway's own store: when it is down nothing has been published or run yet. */
  private async store<T>(write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (err) {
      this.logger.error({ err: (err as Error).message }, 'could not store the action');
      throw new DomainError('STORE.UNAVAILABLE', 'the action store is unavailable; the action was not run');
    }
  }

  /**
   * The stored state follows the events; failing to store it must not change the answer. A run's
   * updates are written one after the other, in the order they were asked for; never rejects.
   */
  private record(run: Run, changes: ActionChanges): Promise<void> {
    const write = () =>
      this.repository
        .update(run.actionId, changes)
        .then(() => undefined)
        .catch((err: Error) =>
          this.logger.error(
            { actionId: run.actionId, err: err.message, changes },
            'could not update the stored action',
          ),
        );
    run.recorded = run.recorded ? run.recorded.then(write) : write();
    return run.recorded;
  }

  private event<T extends object>(
    run: Run,
    def: EventDefinition<T>,
    causationId: string | undefined,
    data: T,
  ): EventEnvelope<T> {
    return createEvent(def, {
      source: SOURCE,
      actionId: run.actionId,
      sessionId: run.sessionId,
      actor: run.actor,
      causationId,
      traceparent: run.traceparent,
      data,
    });
  }
}
