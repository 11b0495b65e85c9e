import { loadConfig } from '@verity/config';
import { bootstrapService } from '@verity/platform';
import { PolicyConfig } from './config/policy.config';
import { POLICY_SERVICE, PolicyModule } from './policy.module';

async function main(): Promise<void> {
  const config = loadConfig(PolicyConfig);
  await bootstrapService(PolicyModule, { ...POLICY_SERVICE, port: config.POLICY_PORT });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
