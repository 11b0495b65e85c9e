import { Controller, Get, Query } from '@nestjs/common';
import { ExportEvidenceQuery } from './dto/export-evidence.dto';
import { EvidenceBundle } from './evidence-bundle';
import { EvidenceService } from './evidence.service';

@Controller('v1/ledger')
export class EvidenceController {
  constructor(private readonly evidence: EvidenceService) {}

  /** An evidence bundle for entries [from, to) of a shard's log: check it offline with `npm run verify -- <file>`. */
  @Get('evidence')
  export(@Query() query: ExportEvidenceQuery): Promise<EvidenceBundle> {
    return this.evidence.export(query.shard, query);
  }
}
