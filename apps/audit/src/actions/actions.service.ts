import { Injectable } from '@nestjs/common';
import { DomainError } from '@verity/contracts';
import { ActionEntity } from './action.entity';
import { ActionFilters, ActionsRepository } from './actions.repository';
import { decodeCursor, nextCursorOf, UUID } from './cursor';

export interface ActionPage {
  actions: ActionEntity[];
  nextCursor: string | null;
}

/** Answers queries over the `actions` view (kept by ProjectionService). */
@Injectable()
export class ActionsService {
  constructor(private readonly repo: ActionsRepository) {}

  async find(actionId: string): Promise<ActionEntity> {
    const row = UUID.test(actionId) ? await this.repo.findAction(actionId) : null;
    if (!row) throw new DomainError('AUDIT.ACTION_NOT_FOUND', `no action ${actionId}`);
    return row;
  }

  async list(filters: ActionFilters, limit: number, cursor?: string): Promise<ActionPage> {
    const after = cursor === undefined ? undefined : decodeCursor(cursor);
    const rows = await this.repo.list(filters, limit + 1, after);
    const nextCursor = nextCursorOf(rows, limit, (r) => (r.requestedAt ? { at: r.requestedAt, id: r.actionId } : null));
    return { actions: rows.slice(0, limit), nextCursor };
  }

  /** Actions under review, newest review first. */
  async reviews(state: string | undefined, limit: number, cursor?: string): Promise<ActionPage> {
    const after = cursor === undefined ? undefined : decodeCursor(cursor);
    const rows = await this.repo.listReviews(state, limit + 1, after);
    const nextCursor = nextCursorOf(rows, limit, (r) =>
      r.reviewRequestedAt ? { at: r.reviewRequestedAt, id: r.actionId } : null,
    );
    return { actions: rows.slice(0, limit), nextCursor };
  }

  async session(sessionId: string): Promise<ActionEntity[]> {
    const rows = await this.repo.listSession(sessionId);
    if (rows.length === 0) throw new DomainError('AUDIT.SESSION_NOT_FOUND', `no actions in session ${sessionId}`);
    return rows;
  }
}
