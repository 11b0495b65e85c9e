import { Controller, Get, Query, StreamableFile } from '@nestjs/common';
import { Readable } from 'node:stream';
import { bundleLines } from './bundle-lines';
import { ExportEvidenceQuery } from './dto/export-evidence.dto';
import { EvidenceBundle } from './evidence-bundle';
import { EvidenceService } from './evidence.service';

@Controller('v1/ledger')
export class EvidenceController {
  constructor(private readonly evidence: EvidenceService) {}

  /**
   * An evidence bundle for entries [from, to) of a shard's log: check it offline with
   * `npm run verify -- <file>`. `format=lines` streams the same content one line per entry
   * (bundle-lines.ts), which the verifier checks on all cores.
   */
  @Get('evidence')
  async export(@Query() query: ExportEvidenceQuery): Promise<EvidenceBundle | StreamableFile> {
    const bundle = await this.evidence.export(query.shard, query);
    if (query.format !== 'lines') return bundle;
    return new StreamableFile(Readable.from(bundleLines(bundle)), { type: 'application/jsonl; charset=utf-8' });
  }
}
