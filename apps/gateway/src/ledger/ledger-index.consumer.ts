import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  ActionDenied,
  ActionExecuted,
  ActionFailed,
  EventEnvelope,
  LedgerAppended,
  LedgerAppendedV1,
} from '@verity/contracts';
import { ConsumeEvent } from '@verity/kafka';
import { ActionsRepository } from '../actions/actions.repository';

/** Consumer name (and group `gateway.ledger-index`, shared by every gateway instance). */
export const LEDGER_INDEX_CONSUMER = 'ledger-index';

const OUTCOMES = new Set([ActionExecuted.type, ActionFailed.type, ActionDenied.type]);

/** Notes where each action's outcome event landed in the ledger, for GET /v1/actions/:id. */
@Controller()
export class LedgerIndexConsumer {
  constructor(private readonly actions: ActionsRepository) {}

  @ConsumeEvent(LedgerAppended, { consumer: LEDGER_INDEX_CONSUMER })
  async appended(@Payload() appended: EventEnvelope<LedgerAppendedV1>): Promise<void> {
    const { event, index } = appended.data;
    if (!OUTCOMES.has(event.type) || !event.actionid) return;
    await this.actions.setLedgerIndex(event.actionid, index);
  }
}
