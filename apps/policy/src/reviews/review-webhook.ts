import { Logger } from '@nestjs/common';
import { EventEnvelope, ReviewRequestedV1 } from '@verity/contracts';

const MAX_THOUGHT = 300;

/**
 * The Slack-compatible message (`text`, plus `blocks` for richer clients) announcing a review.
 * It names who asked, where, why the agent says it wants it, and what policy found — never the
 * payload itself (SQL literals or request bodies may hold data the channel should not see).
 */
export function reviewMessage(event: EventEnvelope<ReviewRequestedV1>, gatewayUrl: string): object {
  const { data, actor } = event;
  const who = actor.actingParties.length
    ? `${actor.actingParties.map((p) => p.subject).join(' → ')} acting for ${actor.subject}`
    : actor.subject;
  const thought = data.agent.thought
    ? data.agent.thought.length > MAX_THOUGHT
      ? `${data.agent.thought.slice(0, MAX_THOUGHT)}…`
      : data.agent.thought
    : '(no reason given)';
  const found = data.analysis
    ? `${data.analysis.statementKinds.join(', ')}; writes ${data.analysis.tablesWritten.join(', ') || 'nothing'}`
    : data.operation;
  const lines = [
    `*Review needed* — ${who} wants to run ${data.operation} on \`${data.connection}\`.`,
    `Agent's reason: ${thought}`,
    `Policy: ${data.reasons.join('; ')} (${data.policyIds.join(', ')}).`,
    `Found: ${found}. Approvals needed: ${data.requiredApprovals}. Expires ${data.expiresAt}.`,
    `Review: ${gatewayUrl.replace(/\/$/, '')}/v1/reviews/${event.actionid} (payload digest ${data.payloadDigest.slice(0, 12)}…)`,
  ];
  return {
    text: lines.join('\n'),
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: lines.join('\n') } }],
  };
}

/**
 * Posts review announcements to an incoming-webhook URL. Best effort, a few tries with
 * backoff; a failure is logged (without the URL, which is itself a secret) and never blocks
 * or fails the review.
 */
export class ReviewWebhook {
  private readonly logger = new Logger(ReviewWebhook.name);

  constructor(
    private readonly url: string,
    private readonly gatewayUrl: string,
    private readonly timeoutMs: number,
    private readonly attempts = 3,
  ) {}

  async announce(event: EventEnvelope<ReviewRequestedV1>): Promise<boolean> {
    const body = JSON.stringify(reviewMessage(event, this.gatewayUrl));
    for (let attempt = 1; attempt <= this.attempts; attempt++) {
      try {
        const res = await fetch(this.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
          redirect: 'error',
          signal: AbortSignal.timeout(this.timeoutMs),
        });
        await res.body?.cancel();
        if (res.ok) return true;
        this.logger.warn({ actionId: event.actionid, status: res.status, attempt }, 'review webhook refused');
        if (res.status < 500 && res.status !== 429) return false;
      } catch (err) {
        this.logger.warn({ actionId: event.actionid, err: (err as Error).name, attempt }, 'review webhook failed');
      }
      await new Promise((resolve) => setTimeout(resolve, 200 * 2 ** attempt));
    }
    return false;
  }
}
