import { Injectable, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { ActionFilters } from '../actions/actions.repository';
import { ActionsService } from '../actions/actions.service';
import { toActionView } from '../actions/dto/action.view';
import type { ExportFormat } from '../actions/dto/list-actions.dto';
import { csvHeader, csvRow } from './csv';
import { toOcsf } from './ocsf';

/** Rows fetched per query while exporting: what the process holds at once. */
export const EXPORT_BATCH = 500;

const CONTENT_TYPES: Record<Exclude<ExportFormat, 'json'>, string> = {
  jsonl: 'application/x-ndjson; charset=utf-8',
  ocsf: 'application/x-ndjson; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
};

/**
 * Streams every action matching the filters, newest first, as JSON Lines, CSV or OCSF (JSON
 * Lines of OCSF records). Reads in keyset pages of EXPORT_BATCH rows through the same indexed
 * query as the list (never OFFSET, never one long transaction holding a snapshot), and waits for
 * the socket to drain before the next page, so memory stays flat whatever the row count.
 */
@Injectable()
export class ExportService {
  private readonly logger = new Logger(ExportService.name);

  constructor(private readonly actions: ActionsService) {}

  async stream(
    res: Response,
    format: Exclude<ExportFormat, 'json'>,
    filters: ActionFilters,
    page: { limit?: number; cursor?: string },
    done: (records: number | undefined) => Promise<void>,
  ): Promise<void> {
    // The first page is read before any byte goes out, so a bad cursor is still a clean 400.
    let batch = await this.actions.list(filters, Math.min(EXPORT_BATCH, page.limit ?? EXPORT_BATCH), page.cursor);
    res.status(200);
    res.setHeader('content-type', CONTENT_TYPES[format]);
    res.setHeader('content-disposition', `attachment; filename="actions.${format === 'csv' ? 'csv' : 'jsonl'}"`);
    const line =
      format === 'csv'
        ? csvRow
        : format === 'ocsf'
          ? (a: Parameters<typeof csvRow>[0]) => `${JSON.stringify(toOcsf(a))}\n`
          : (a: Parameters<typeof csvRow>[0]) => `${JSON.stringify(a)}\n`;
    let records = 0;
    let aborted = false;
    res.on('close', () => (aborted = !res.writableFinished));
    try {
      if (format === 'csv') await this.write(res, csvHeader());
      for (;;) {
        for (const row of batch.actions) {
          await this.write(res, line(toActionView(row)));
          records++;
        }
        const left = page.limit === undefined ? EXPORT_BATCH : Math.min(EXPORT_BATCH, page.limit - records);
        if (!batch.nextCursor || left <= 0 || aborted) break;
        batch = await this.actions.list(filters, left, batch.nextCursor);
      }
      res.end();
    } catch (err) {
      this.logger.error({ err: (err as Error).message, records }, 'export stopped');
      res.destroy(err as Error);
      await done(undefined);
      return;
    }
    await done(aborted ? undefined : records);
  }

  /** Writes, waiting for the socket to drain when its buffer is full. */
  private write(res: Response, chunk: string): Promise<void> {
    if (res.write(chunk)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const onDrain = () => {
        res.off('close', onClose);
        resolve();
      };
      const onClose = () => {
        res.off('drain', onDrain);
        reject(new Error('client went away'));
      };
      res.once('drain', onDrain);
      res.once('close', onClose);
    });
  }
}
