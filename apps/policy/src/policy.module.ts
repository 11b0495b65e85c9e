import { Module } from '@nestjs/common';
import { PlatformModule, ServiceOptions } from '@verity/platform';
import { SqlAnalysisService } from './analysis/sql-analysis.service';
import { PolicyBundleService } from './bundle/policy-bundle.service';
import { DecisionsConsumer } from './decisions/decisions.consumer';
import { DecisionsService } from './decisions/decisions.service';

/** How the policy process runs, less its port (see main.ts). */
export const POLICY_SERVICE: Omit<ServiceOptions, 'port'> = {
  app: 'policy',
  consumers: [{ groupId: 'policy.decisions' }],
};

@Module({
  imports: [PlatformModule.forApp({ app: POLICY_SERVICE.app })],
  controllers: [DecisionsConsumer],
  providers: [SqlAnalysisService, PolicyBundleService, DecisionsService],
})
export class PolicyModule {}
