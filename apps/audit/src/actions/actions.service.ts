import { Injectable, Logger } from '@nestjs/common';
import { definitionForType, DomainError, EventEnvelope, LedgerAppendedV1, validateEvent } from '@verity/contracts';
import { ActionEntity } from './action.entity';
import { applyAppended } from './action-projection';
import { ActionFilters, ActionsRepository } from './actions.repository';
import { ActionCursor, decodeCursor, encodeCursor } from './cursor';

export type ApplyOutcome = 'applied' | 'duplicate';

export interface ActionPage {
  actions: ActionEntity[];
  nextCursor: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Keeps the `actions` projection from the ledger's stream and answers queries over it. */
@Injectable()
export class ActionsService {
  private readonly logger = new Logger(ActionsService.name);

  constructor(private readonly repo: ActionsRepository) {}

  /**
   * Applies one ledger entry to its action's row, in one transaction with the origin's
   * high-water mark. An entry already applied to the row changes nothing.
   */
  async apply(appended: LedgerAppendedV1): Promise<ApplyOutcome> {
    const event = this.ledgeredEvent(appended);
    return this.repo.transaction(async (tx) => {
      const current = await this.repo.lockAction(tx, event.actionid);
      const next = applyAppended(current, { index: appended.index, leafHash: appended.leafHash, event });
      if (!next) return 'duplicate';
      await this.repo.saveAction(tx, next);
      await this.repo.recordApplied(tx, appended.origin, appended.index);
      return 'applied';
    });
  }

  async find(actionId: string): Promise<ActionEntity> {
    const row = UUID.test(actionId) ? await this.repo.findAction(actionId) : null;
    if (!row) throw new DomainError('AUDIT.ACTION_NOT_FOUND', `no action ${actionId}`);
    return row;
  }

  async list(filters: ActionFilters, limit: number, cursor?: string): Promise<ActionPage> {
    const after = cursor === undefined ? undefined : decodeCursor(cursor);
    const rows = await this.repo.list(filters, limit + 1, after);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    const next: ActionCursor | undefined =
      rows.length > limit && last?.requestedAt ? { requestedAt: last.requestedAt, actionId: last.actionId } : undefined;
    return { actions: page, nextCursor: next ? encodeCursor(next) : null };
  }

  async session(sessionId: string): Promise<ActionEntity[]> {
    const rows = await this.repo.listSession(sessionId);
    if (rows.length === 0) throw new DomainError('AUDIT.SESSION_NOT_FOUND', `no actions in session ${sessionId}`);
    return rows;
  }

  /** The ledgered event inside the announcement, checked against its own contract. */
  private ledgeredEvent(appended: LedgerAppendedV1): EventEnvelope<object> {
    const def = definitionForType(appended.event.type);
    if (!def?.ledgered) {
      throw new DomainError(
        'AUDIT.UNEXPECTED_EVENT',
        `ledger entry ${appended.index} holds ${appended.event.type}, which is not a ledgered event`,
      );
    }
    const checked = validateEvent(def, JSON.parse(JSON.stringify(appended.event)));
    if (!checked.ok) {
      this.logger.error(
        { origin: appended.origin, index: appended.index, errors: checked.errors },
        'ledger entry holds an invalid event',
      );
      throw new DomainError(
        'AUDIT.INVALID_EVENT',
        `ledger entry ${appended.index} holds an invalid ${def.type}`,
        checked.errors,
      );
    }
    return checked.event;
  }
}
