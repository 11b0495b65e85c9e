import {
  ActionRequested,
  ActionRequestedV1,
  ActorV1,
  AgentContextV1,
  createEvent,
  digestOf,
  EventEnvelope,
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
