import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { ActionEntity } from './action.entity';

export type NewAction = Omit<ActionEntity, 'createdAt' | 'updatedAt' | 'decision' | 'outcomeCode' | 'ledgerIndex'>;
export type ActionChanges = Partial<Pick<ActionEntity, 'status' | 'decision' | 'outcomeCode'>>;

@Injectable()
export class ActionsRepository {
  constructor(@InjectRepository(ActionEntity) private readonly actions: Repository<ActionEntity>) {}

  async create(action: NewAction): Promise<void> {
    await this.actions.insert({ ...action, decision: null, outcomeCode: null, ledgerIndex: null });
  }

  async update(id: string, changes: ActionChanges): Promise<void> {
    await this.actions.update({ id }, changes);
  }

  /** Idempotent: a redelivered ledger.appended writes the same index again. */
  async setLedgerIndex(id: string, index: number): Promise<void> {
    await this.actions.update({ id }, { ledgerIndex: String(index) });
  }

  find(id: string): Promise<ActionEntity | null> {
    return this.actions.findOneBy({ id });
  }
}
