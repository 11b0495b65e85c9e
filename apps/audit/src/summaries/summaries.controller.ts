import { Controller, Get } from '@nestjs/common';
import { ActorV1 } from '@verity/contracts';
import { CurrentActor } from '@verity/identity';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AuditReaders } from '../auth/audit-reader.guard';
import { AuditReadRecorder } from '../reads/audit-read.recorder';
import { SummariesService, SummaryView } from './summaries.service';

@Controller('v1/audit')
@AuditReaders()
@ApiTags('summaries')
@ApiBearerAuth('bearer')
export class SummariesController {
  constructor(
    private readonly summaries: SummariesService,
    private readonly reads: AuditReadRecorder,
  ) {}

  /** Every identity that requested an action: counts by decision and outcome, last seen first. */
  @Get('identities')
  async identities(@CurrentActor() actor: ActorV1): Promise<{ identities: (SummaryView & { identity: string })[] }> {
    const identities = await this.summaries.identities();
    await this.reads.record(actor, { route: 'GET /v1/audit/identities', records: identities.length });
    return { identities };
  }

  /** Every connection an action named: counts by decision and outcome, last seen first. */
  @Get('connections')
  async connections(
    @CurrentActor() actor: ActorV1,
  ): Promise<{ connections: (SummaryView & { connection: string })[] }> {
    const connections = await this.summaries.connections();
    await this.reads.record(actor, { route: 'GET /v1/audit/connections', records: connections.length });
    return { connections };
  }
}
