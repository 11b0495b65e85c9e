import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { EventEnvelope, LedgerAppended, LedgerAppendedV1 } from '@verity/contracts';
import { ConsumeEvent } from '@verity/kafka';
import { ActionsService } from './actions.service';

/** Only what the ledger holds reaches the views: group `audit.projections` reads LedgerAppended. */
@Controller()
export class ActionsConsumer {
  constructor(private readonly actions: ActionsService) {}

  @ConsumeEvent(LedgerAppended)
  async appended(@Payload() event: EventEnvelope<LedgerAppendedV1>): Promise<void> {
    await this.actions.apply(event.data);
  }
}
