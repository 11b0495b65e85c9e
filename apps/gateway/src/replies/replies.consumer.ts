import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { ActionDecided, ActionDecidedV1, EventEnvelope, ResultMasked, ResultMaskedV1 } from '@verity/contracts';
import { ConsumeEvent } from '@verity/kafka';
import { RepliesService, REPLIES_CONSUMER } from './replies.service';

/** Every instance sees every reply; only the one holding the request acts on it. */
@Controller()
export class RepliesConsumer {
  constructor(private readonly replies: RepliesService) {}

  @ConsumeEvent(ActionDecided, { consumer: REPLIES_CONSUMER })
  decided(@Payload() event: EventEnvelope<ActionDecidedV1>): void {
    this.replies.decisions.resolve(event.actionid, event);
  }

  @ConsumeEvent(ResultMasked, { consumer: REPLIES_CONSUMER })
  masked(@Payload() event: EventEnvelope<ResultMaskedV1>): void {
    this.replies.masked.resolve(event.actionid, event);
  }
}
