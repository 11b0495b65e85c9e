import { Controller, Logger } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  ActionDecided,
  ActionRequested,
  ActionRequestedV1,
  AlertRaised,
  createEvent,
  EventEnvelope,
} from '@verity/contracts';
import { ConsumeEvent, EventPublisher } from '@verity/kafka';
import { BudgetsService } from '../budgets/budgets.service';
import { ReviewsService } from '../reviews/reviews.service';

export const POLICY_SOURCE = '/verity/policy';

@Controller()
export class DecisionsConsumer {
  private readonly logger = new Logger(DecisionsConsumer.name);

  constructor(
    private readonly budgets: BudgetsService,
    private readonly publisher: EventPublisher,
    private readonly reviews: ReviewsService,
  ) {}

  /**
   * One decision per requested action (the same one again on redelivery), the review when it is
   * held for one, then the alert when it crossed a session budget. Logs the verdict and analysis, never the SQL or its params.
   */
  @ConsumeEvent(ActionRequested)
  async onActionRequested(@Payload() request: EventEnvelope<ActionRequestedV1>): Promise<void> {
    const { decided, alert } = await this.budgets.decide(
      request.actionid,
      request.sessionid,
      request.data,
      request.actor,
    );
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
    if (decided.decision === 'review') await this.reviews.open(request, event);
    if (alert) {
      const raised = createEvent(AlertRaised, {
        source: POLICY_SOURCE,
        actionId: request.actionid,
        sessionId: request.sessionid,
        actor: request.actor,
        causationId: request.id,
        traceparent: request.traceparent,
        data: alert,
      });
      await this.publisher.publish(AlertRaised, raised);
      this.logger.warn(
        { actionId: request.actionid, sessionId: request.sessionid, alert: alert.details },
        alert.message,
      );
    }
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
