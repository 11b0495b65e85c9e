import { Injectable } from '@nestjs/common';
import { ActorV1, AuditRead, AuditReadV1, createEvent, newId } from '@verity/contracts';
import { EventPublisher } from '@verity/kafka';
import { UUID } from '../actions/cursor';

export const AUDIT_SOURCE = '/verity/audit';

export interface AuditReadInit {
  route: string;
  resourceIds?: string[];
  filters?: object;
  format?: AuditReadV1['format'];
  records?: number;
}

/** A reader's subject as session id: characters a session id may not hold become `_`. */
export function readerSession(subject: string): string {
  return `audit:${subject.replace(/[^A-Za-z0-9._:@-]/g, '_')}`.slice(0, 256);
}

/**
 * Publishes `audit.read` for each read of audit data: who (the actor), which route, which ids and
 * filters, how many records — never the data. The ledger appends it like any lifecycle event, so
 * the reads of the audit trail are themselves in the audit trail. A read is answered only once
 * its record is published (a JSON read), or the record follows the stream's end (an export).
 */
@Injectable()
export class AuditReadRecorder {
  constructor(private readonly publisher: EventPublisher) {}

  async record(actor: ActorV1, read: AuditReadInit): Promise<void> {
    const ids = read.resourceIds ?? [];
    const filters = Object.fromEntries(
      Object.entries(read.filters ?? {})
        .filter(([, v]) => v !== undefined && v !== null)
        .map(([k, v]) => [k, String(v)]),
    );
    const actionId = ids.find((id) => UUID.test(id) && id[14] === '7') ?? newId();
    await this.publisher.publish(
      AuditRead,
      createEvent(AuditRead, {
        source: AUDIT_SOURCE,
        actionId,
        sessionId: readerSession(actor.subject),
        actor,
        data: {
          route: read.route,
          resourceIds: ids.slice(0, 16).map((id) => id.slice(0, 256)),
          filters,
          format: read.format ?? 'json',
          ...(read.records === undefined ? {} : { records: read.records }),
        },
      }),
    );
  }
}
