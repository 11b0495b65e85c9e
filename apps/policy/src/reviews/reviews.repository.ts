import { Injectable } from '@nestjs/common';
import { EventEnvelope } from '@verity/contracts';
import { DataSource, EntityManager, IsNull, LessThan } from 'typeorm';
import { ReviewEventEntity } from './review-event.entity';
import { ReviewEntity } from './review.entity';

@Injectable()
export class ReviewsRepository {
  constructor(private readonly db: DataSource) {}

  transaction<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }

  /** Inserts the review unless one exists for the action; true when this call created it. */
  async insertIfAbsent(tx: EntityManager, review: Omit<ReviewEntity, 'createdAt' | 'closedAt'>): Promise<boolean> {
    const result = await tx
      .createQueryBuilder()
      .insert()
      .into(ReviewEntity)
      .values(review)
      .orIgnore()
      .returning(['actionId'])
      .execute();
    return result.raw.length > 0;
  }

  /** The review, locked until the transaction ends; null when there is none. */
  lock(tx: EntityManager, actionId: string): Promise<ReviewEntity | null> {
    return tx.findOne(ReviewEntity, { where: { actionId }, lock: { mode: 'pessimistic_write' } });
  }

  /** Up to `limit` pending reviews past their time, locked; rows another instance holds are skipped. */
  lockExpired(tx: EntityManager, now: Date, limit: number): Promise<ReviewEntity[]> {
    return tx
      .createQueryBuilder(ReviewEntity, 'r')
      .where(`r.status = 'pending' AND r.expires_at <= :now`, { now })
      .orderBy('r.expires_at')
      .limit(limit)
      .setLock('pessimistic_write')
      .setOnLocked('skip_locked')
      .getMany();
  }

  save(tx: EntityManager, review: ReviewEntity): Promise<ReviewEntity> {
    return tx.save(ReviewEntity, review);
  }

  /** Writes events to the outbox, in the caller's transaction. */
  async stage(tx: EntityManager, events: Array<{ event: EventEnvelope<object>; causeId: string | null }>) {
    if (events.length === 0) return;
    await tx.insert(
      ReviewEventEntity,
      events.map(({ event, causeId }) => ({
        id: event.id,
        actionId: event.actionid,
        causeId,
        type: event.type,
        envelope: event,
      })),
    );
  }

  /** The events already written in answer to `causeId` (a verdict redelivered, a decision re-made). */
  answersTo(tx: EntityManager, causeId: string): Promise<ReviewEventEntity[]> {
    return tx.find(ReviewEventEntity, { where: { causeId }, order: { createdAt: 'ASC' } });
  }

  /** The review.requested event of an action. */
  requestedEvent(tx: EntityManager, actionId: string, type: string): Promise<ReviewEventEntity | null> {
    return tx.findOne(ReviewEventEntity, { where: { actionId, type } });
  }

  markPublished(ids: string[]): Promise<unknown> {
    if (ids.length === 0) return Promise.resolve();
    return this.db
      .createQueryBuilder()
      .update(ReviewEventEntity)
      .set({ publishedAt: () => 'now()' })
      .whereInIds(ids)
      .execute();
  }

  /** Outbox rows still unpublished after `olderThan`: their publisher crashed or failed. */
  unpublished(olderThan: Date, limit: number): Promise<ReviewEventEntity[]> {
    return this.db.getRepository(ReviewEventEntity).find({
      where: { publishedAt: IsNull(), createdAt: LessThan(olderThan) },
      order: { createdAt: 'ASC' },
      take: limit,
    });
  }
}
