import { Module } from '@nestjs/common';
import { loadConfig } from '@verity/config';
import { PlatformModule, ServiceOptions } from '@verity/platform';
import { MaskingConfig } from './config/masking.config';
import { ProfileRegistry } from './profiles/masking-profile';
import { profileRegistry } from './profiles/profile-config';
import { ResultsConsumer } from './results/results.consumer';
import { ResultsService } from './results/results.service';

/** How the masking process runs, less its port (see main.ts). */
export const MASKING_SERVICE: Omit<ServiceOptions, 'port'> = {
  app: 'masking',
  consumers: [{ groupId: 'masking.workers' }],
};

@Module({
  imports: [PlatformModule.forApp({ app: MASKING_SERVICE.app })],
  controllers: [ResultsConsumer],
  providers: [
    ResultsService,
    { provide: ProfileRegistry, useFactory: () => profileRegistry(loadConfig(MaskingConfig)) },
  ],
})
export class MaskingModule {}
