import { Controller, Logger } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { createEvent, EventEnvelope, ResultCaptured, ResultCapturedV1, ResultMasked } from '@verity/contracts';
import { ConsumeEvent, EventPublisher } from '@verity/kafka';
import { ResultsService } from './results.service';

export const MASKING_SOURCE = '/verity/masking';

@Controller()
export class ResultsConsumer {
  private readonly logger = new Logger(ResultsConsumer.name);

  constructor(
    private readonly results: ResultsService,
    private readonly publisher: EventPublisher,
  ) {}

  /** Masks each captured result and hands it back. Logs counts only, never values. */
  @ConsumeEvent(ResultCaptured)
  async onResultCaptured(@Payload() captured: EventEnvelope<ResultCapturedV1>): Promise<void> {
    const masked = this.results.mask(captured.data);
    const event = createEvent(ResultMasked, {
      source: MASKING_SOURCE,
      actionId: captured.actionid,
      sessionId: captured.sessionid,
      actor: captured.actor,
      causationId: captured.id,
      traceparent: captured.traceparent,
      data: masked,
    });
    await this.publisher.publish(ResultMasked, event);
    this.logger.log(
      {
        actionId: captured.actionid,
        sessionId: captured.sessionid,
        eventId: event.id,
        profile: masked.report.profile,
        rows: masked.result.rows.length,
        maskedValues: masked.report.maskedValues,
        fields: masked.report.fields.length,
      },
      'result masked',
    );
  }
}
