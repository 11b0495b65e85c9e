import { Injectable } from '@nestjs/common';
import { decodeCursor, nextCursorOf, TEXT_ID } from '../actions/cursor';
import { SessionFilters, SummariesRepository } from './summaries.repository';
import { SessionSummaryEntity, SummaryCounts } from './summary.entity';

/** Counts by decision and by outcome, and the first and last activity. */
export interface SummaryView {
  actionCount: number;
  decisions: { allow: number; deny: number; review: number };
  outcomes: { executed: number; failed: number; denied: number };
  pendingReviewCount: number;
  firstAt: string | null;
  lastAt: string | null;
  /** Same as lastAt: when the identity or connection was last seen. */
  lastSeen: string | null;
}

export interface SessionView extends SummaryView {
  sessionId: string;
  identity: string | null;
  agent: string | null;
  /** Actions whose decision was deny. */
  deniedCount: number;
}

function summaryView(row: SummaryCounts): SummaryView {
  const lastAt = row.lastAt?.toISOString() ?? null;
  return {
    actionCount: row.actionCount,
    decisions: { allow: row.allowedCount, deny: row.deniedCount, review: row.reviewCount },
    outcomes: { executed: row.executedCount, failed: row.failedCount, denied: row.deniedOutcomeCount },
    pendingReviewCount: row.pendingReviewCount,
    firstAt: row.firstAt?.toISOString() ?? null,
    lastAt,
    lastSeen: lastAt,
  };
}

export function toSessionView(row: SessionSummaryEntity): SessionView {
  return {
    sessionId: row.sessionId,
    identity: row.identity,
    agent: row.agent,
    deniedCount: row.deniedCount,
    ...summaryView(row),
  };
}

/** Queries over the sessions, identities and connections views (kept by ProjectionService). */
@Injectable()
export class SummariesService {
  constructor(private readonly repo: SummariesRepository) {}

  async sessions(
    filters: SessionFilters,
    limit: number,
    cursor?: string,
  ): Promise<{ sessions: SessionView[]; nextCursor: string | null }> {
    const after = cursor === undefined ? undefined : decodeCursor(cursor, TEXT_ID);
    const rows = await this.repo.listSessions(filters, limit + 1, after);
    const nextCursor = nextCursorOf(rows, limit, (s) => (s.lastAt ? { at: s.lastAt, id: s.sessionId } : null));
    return { sessions: rows.slice(0, limit).map(toSessionView), nextCursor };
  }

  async identities(): Promise<(SummaryView & { identity: string })[]> {
    return (await this.repo.identities()).map((r) => ({ identity: r.identity, ...summaryView(r) }));
  }

  async connections(): Promise<(SummaryView & { connection: string })[]> {
    return (await this.repo.connections()).map((r) => ({ connection: r.connection, ...summaryView(r) }));
  }
}
