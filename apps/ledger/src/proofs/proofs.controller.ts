import { Controller, Get, Param, Query } from '@nestjs/common';
import { DomainError } from '@verity/contracts';
import { EntryView, toEntryView } from '../entries/dto/entry.view';
import { EntriesService } from '../entries/entries.service';
import { ConsistencyQuery, EventIdParams, InclusionQuery } from './dto/proof-queries.dto';
import { ConsistencyProofView, InclusionProofView, ProofsService } from './proofs.service';

@Controller('v1/ledger')
export class ProofsController {
  constructor(
    private readonly entries: EntriesService,
    private readonly proofs: ProofsService,
  ) {}

  /** An entry found by its event id, with its inclusion proof. */
  @Get('events/:eventId')
  async byEventId(
    @Param() params: EventIdParams,
    @Query() query: InclusionQuery,
  ): Promise<EntryView & { proof: InclusionProofView }> {
    const row = await this.entries.findByEventId(params.eventId);
    if (!row) throw new DomainError('LEDGER.ENTRY_NOT_FOUND', `event ${params.eventId} is not in the ledger`);
    return { ...toEntryView(row), proof: await this.proofs.inclusion(row.origin, row.index, query.treeSize) };
  }

  /** RFC 9162 consistency proof from tree size `from` to tree size `to` of a shard's log. */
  @Get('proofs/consistency')
  consistency(@Query() query: ConsistencyQuery): Promise<ConsistencyProofView> {
    return this.proofs.consistency(this.entries.originOf(query.shard), query.from, query.to);
  }
}
