import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { ActionEntity, ActionStatus } from './action.entity';

export type NewAction = Omit<
  ActionEntity,
  'createdAt' | 'updatedAt' | 'decision' | 'outcomeCode' | 'ledgerIndex' | 'obligations' | 'review' | 'result'
>;
export type ActionChanges = Partial<
  Pick<ActionEntity, 'status' | 'decision' | 'outcomeCode' | 'obligations' | 'review' | 'result'>
>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

@Injectable()
export class ActionsRepository {
  constructor(@InjectRepository(ActionEntity) private readonly actions: Repository<ActionEntity>) {}

  async create(action: NewAction): Promise<void> {
    const row = {
      ...action,
      decision: null,
      outcomeCode: null,
      ledgerIndex: null,
      obligations: null,
      review: null,
      result: null,
    };
    // TypeORM's deep-partial type cannot follow the `unknown` inside JSON payloads.
    await this.actions.insert(row as QueryDeepPartialEntity<ActionEntity>);
  }

  async update(id: string, changes: ActionChanges): Promise<void> {
    await this.actions.update({ id }, changes as QueryDeepPartialEntity<ActionEntity>);
  }

  /** Idempotent: a redelivered ledger.appended writes the same index again. */
  async setLedgerIndex(id: string, index: number): Promise<void> {
    await this.actions.update({ id }, { ledgerIndex: String(index) });
  }

  /** The action, or null — also for an id that is no UUID at all (never a database error). */
  async find(id: string): Promise<ActionEntity | null> {
    return UUID.test(id) ? this.actions.findOneBy({ id }) : null;
  }

  /**
   * Moves the action from `from` to `to` only if it is still in `from`; true when this call
   * did. What makes an approved action run once, on one instance.
   */
  async transition(
    id: string,
    from: ActionStatus,
    changes: ActionChanges & { status: ActionStatus },
  ): Promise<boolean> {
    const result = await this.actions.update({ id, status: from }, changes as QueryDeepPartialEntity<ActionEntity>);
    return (result.affected ?? 0) > 0;
  }

  /** Actions waiting for review, oldest first. */
  pendingReviews(limit: number): Promise<ActionEntity[]> {
    return this.actions.find({ where: { status: 'pending_review' }, order: { createdAt: 'ASC' }, take: limit });
  }
}
