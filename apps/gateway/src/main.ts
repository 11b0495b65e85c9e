import { INestApplication } from '@nestjs/common';
import { loadConfig, PlatformConfig } from '@verity/config';
import { bootstrapService, setupApiDocs } from '@verity/platform';
import { randomBytes } from 'node:crypto';
import { GatewayConfig } from './config/gateway.config';
import { allowBrowserOrigins } from './cors/browser-origins';
import { GatewayModule } from './gateway.module';
import { LEDGER_INDEX_CONSUMER } from './ledger/ledger-index.consumer';
import { REPLIES_CONSUMER } from './replies/replies.service';
import { REVIEWS_CONSUMER } from './reviews/reviews.consumer';

/** Starts the gateway: HTTP ingress, this instance's own reply consumer, the ledger-index and review consumers. */
export function startGateway(): Promise<INestApplication> {
  const config = loadConfig(GatewayConfig);
  const { INSTANCE_ID } = loadConfig(PlatformConfig);
  return bootstrapService(GatewayModule, {
    app: 'gateway',
    port: config.GATEWAY_PORT,
    host: config.HOST,
    bodyLimit: config.GATEWAY_BODY_LIMIT,
    configure: (app) => {
      allowBrowserOrigins(app, config.corsOrigins);
      setupApiDocs(app, {
        title: 'Verity gateway',
        description:
          'Ingress for AI agents: every action is authenticated, decided by policy, run with credentials the agent never sees, masked, and recorded.',
      });
    },
    consumers: [
      {
        // Every instance reads every reply from "now" on and keeps the ones it waits for.
        groupId: `gateway.replies.${INSTANCE_ID}.${randomBytes(4).toString('hex')}`,
        name: REPLIES_CONSUMER,
        fromBeginning: false,
        deadLetter: false,
      },
      // Shared by all instances: each ledger.appended is noted once.
      { groupId: 'gateway.ledger-index', name: LEDGER_INDEX_CONSUMER, fromBeginning: false },
      // Shared by all instances, durable: each review event is handled once, even if it came while no gateway ran.
      { groupId: 'gateway.reviews', name: REVIEWS_CONSUMER },
    ],
  });
}

if (require.main === module) {
  startGateway().catch((err: Error) => {
    console.error(`gateway failed to start: ${err.message}`);
    process.exit(1);
  });
}
