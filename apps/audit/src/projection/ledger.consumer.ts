import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { EventEnvelope, LedgerAppended, LedgerAppendedV1 } from '@verity/contracts';
import { ConsumeEvent } from '@verity/kafka';
import { ProjectionService } from './projection.service';

/** Only what the ledger holds reaches the views: group `audit.projections` reads LedgerAppended. */
@Controller()
export class LedgerConsumer {
  constructor(private readonly projection: ProjectionService) {}

  @ConsumeEvent(LedgerAppended)
  async appended(@Payload() event: EventEnvelope<LedgerAppendedV1>): Promise<void> {
    await this.projection.apply(event.data, event.time);
  }
}
