import { Controller, Logger } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { ActionExecuted, ActionExecutedV1, EventEnvelope } from '@verity/contracts';
import { ConsumeEvent } from '@verity/kafka';
import { BudgetsService } from './budgets.service';

/** The Kafka server (consumer group `policy.budgets`) that reads what actions returned. */
export const ROWS_CONSUMER = 'budgets';

@Controller()
export class RowsConsumer {
  private readonly logger = new Logger(RowsConsumer.name);

  constructor(private readonly budgets: BudgetsService) {}

  /** Adds the rows an executed action returned to its session's rows budget. */
  @ConsumeEvent(ActionExecuted, { consumer: ROWS_CONSUMER })
  async onActionExecuted(@Payload() executed: EventEnvelope<ActionExecutedV1>): Promise<void> {
    const rows = executed.data.result.rowCount;
    const counted = await this.budgets.countRows(executed.actionid, rows);
    if (counted) {
      this.logger.debug(
        { actionId: executed.actionid, sessionId: counted.sessionId, rows, total: counted.rows },
        'rows counted',
      );
    } else {
      this.logger.log(
        { actionId: executed.actionid, sessionId: executed.sessionid, rows },
        'rows not counted: no decision recorded for the action, or counted already',
      );
    }
  }
}
