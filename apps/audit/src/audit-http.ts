import { INestApplication } from '@nestjs/common';
import { setupApiDocs } from '@verity/platform';

/** HTTP set-up of the audit app beyond the platform's: the OpenAPI document at /docs. */
export function configureAuditHttp(app: INestApplication): void {
  setupApiDocs(app, {
    title: 'Verity audit',
    description:
      'Compliance views built from the ledger: actions with their decision, review and outcome, sessions (the ReAct timeline), reviews, alerts, identities and connections; exports as JSON Lines, CSV or OCSF. Every route needs a bearer token in one of AUDIT_READ_GROUPS, and every read is itself recorded (audit.read).',
  });
}
