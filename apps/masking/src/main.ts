import { loadConfig } from '@verity/config';
import { bootstrapService } from '@verity/platform';
import { MaskingConfig } from './config/masking.config';
import { MASKING_SERVICE, MaskingModule } from './masking.module';

async function main(): Promise<void> {
  const config = loadConfig(MaskingConfig);
  await bootstrapService(MaskingModule, { ...MASKING_SERVICE, port: config.MASKING_PORT });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
