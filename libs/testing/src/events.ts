import { createHash } from 'node:crypto';
import {
  ActionRequested,
  ActionRequestedV1,
  ActorV1,
  AgentContextV1,
  canonicalJson,
  createEvent,
  digestOf,
  EventEnvelope,
  LedgerAppended,
  LedgerAppendedV1,
  LedgerEntryV1,
  newId,
} from '@verity/contracts';

export interface RequestedInit {
  sessionId: string;
  actor: ActorV1;
  actionId?: string;
  sql?: string;
  params?: unknown[];
  connection?: string;
  /** Defaults to the payload's real digest. */
  payloadDigest?: string;
  agent?: AgentContextV1;
}

/** A valid action.requested as the gateway would publish it, for tests that play the gateway. */
export function actionRequestedEvent(init: RequestedInit): EventEnvelope<ActionRequestedV1> {
  const payload = { sql: init.sql ?? 'SELECT 1', params: init.params ?? [] };
  return createEvent(ActionRequested, {
    source: '/verity/gateway',
    actionId: init.actionId ?? newId(),
    sessionId: init.sessionId,
    actor: init.actor,
    data: {
      connection: init.connection ?? 'demo-db',
      operation: 'sql.query',
      payload,
      payloadDigest: init.payloadDigest ?? digestOf(payload),
      agent: init.agent ?? {},
    },
  });
}

/**
 * What the ledger announces for `ledgered` appended at `index` of the shard log `origin`: the
 * entry record, its RFC 6962 leaf hash and the event, for tests that play the ledger.
 */
export function ledgerAppendedEvent(
  ledgered: EventEnvelope<object>,
  at: { origin: string; index: number; sessionSeq: number },
): EventEnvelope<LedgerAppendedV1> {
  const plain = JSON.parse(JSON.stringify(ledgered));
  const entry: LedgerEntryV1 = {
    schema: 1,
    origin: at.origin,
    eventId: ledgered.id,
    eventType: ledgered.type,
    sessionId: ledgered.sessionid,
    sessionSeq: at.sessionSeq,
    occurredAt: ledgered.time,
    payloadSha256: digestOf(plain),
    payloadSize: Buffer.byteLength(canonicalJson(plain)),
  };
  const leafHash = createHash('sha256')
    .update(Buffer.from([0]))
    .update(canonicalJson(entry))
    .digest('hex');
  return createEvent(LedgerAppended, {
    source: '/verity/ledger',
    actionId: ledgered.actionid,
    sessionId: ledgered.sessionid,
    actor: ledgered.actor,
    causationId: ledgered.id,
    data: { origin: at.origin, index: at.index, leafHash, entry, event: plain },
  });
}
