import { Controller, Logger } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { ActionDecided, ActionRequested, ActionRequestedV1, createEvent, EventEnvelope } from '@verity/contracts';
import { ConsumeEvent, EventPublisher } from '@verity/kafka';
import { DecisionsService } from './decisions.service';

export const POLICY_SOURCE = '/verity/policy';

@Controller()
export class DecisionsConsumer {
  private readonly logger = new Logger(DecisionsConsumer.name);

  constructor(
    private readonly decisions: DecisionsService,
    private readonly publisher: EventPublisher,
  ) {}

  /** One decision per requested action. Logs the verdict and analysis, never the SQL or its params. */
  @ConsumeEvent(ActionRequested)
  async onActionRequested(@Payload() request: EventEnvelope<ActionRequestedV1>): Promise<void> {
    const decided = this.decisions.decide(request.data, request.actor, request.sessionid);
    const event = createEvent(ActionDecided, {
      source: POLICY_SOURCE,
      actionId: request.actionid,
      sessionId: request.sessionid,
      actor: request.actor,
      causationId: request.id,
      traceparent: request.traceparent,
      data: decided,
    });
    await this.publisher.publish(ActionDecided, event);
    this.logger.log(
      {
        actionId: request.actionid,
        sessionId: request.sessionid,
        eventId: event.id,
        decision: decided.decision,
        policyIds: decided.policyIds,
        bundleRevision: decided.bundleRevision,
        statementKinds: decided.analysis?.statementKinds,
        readOnly: decided.analysis?.readOnly,
      },
      'action decided',
    );
  }
}
