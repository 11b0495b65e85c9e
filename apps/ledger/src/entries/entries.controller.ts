import { Controller, Get, Param, Query } from '@nestjs/common';
import { DomainError } from '@verity/contracts';
import { GetEntryParams } from './dto/get-entry.dto';
import { EntryView, toEntryView } from './dto/entry.view';
import { ListEntriesQuery } from './dto/list-entries.dto';
import { EntryQuery } from '../proofs/dto/proof-queries.dto';
import { InclusionProofView, ProofsService } from '../proofs/proofs.service';
import { EntriesService } from './entries.service';

@Controller('v1/ledger/entries')
export class EntriesController {
  constructor(
    private readonly entries: EntriesService,
    private readonly proofs: ProofsService,
  ) {}

  /** The entry at an index of a shard's log, with its inclusion proof (to the latest checkpoint, or `?treeSize=`). */
  @Get(':index')
  async get(
    @Param() params: GetEntryParams,
    @Query() query: EntryQuery,
  ): Promise<EntryView & { proof: InclusionProofView }> {
    const origin = this.entries.originOf(query.shard);
    const row = await this.entries.findByIndex(origin, params.index);
    if (!row) throw new DomainError('LEDGER.ENTRY_NOT_FOUND', `no entry at index ${params.index} of ${origin}`);
    return { ...toEntryView(row), proof: await this.proofs.inclusion(origin, row.index, query.treeSize) };
  }

  /** An action's entries in index order (an action's session lives in one shard). */
  @Get()
  async list(@Query() query: ListEntriesQuery): Promise<{ entries: EntryView[] }> {
    const rows = await this.entries.findByAction(query.actionId);
    return { entries: rows.map(toEntryView) };
  }
}
