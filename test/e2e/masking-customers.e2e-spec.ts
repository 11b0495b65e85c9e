/**
 * Masking on the real stack: a SELECT over the demo customers table comes back with personal data and
 * secrets masked by the default profile, and the ledgered outcome event carries the masking report.
 */
import path from 'node:path';
import { newId } from '@verity/contracts';
import { DevIssuer } from '@verity/identity';
import { REPO_ROOT, RunningPlatform, startPlatform, testDatabaseUrl, waitFor } from '@verity/testing';
import { Client } from 'pg';

interface Answer {
  actionId: string;
  decision: string;
  result: { columns: string[]; rows: unknown[][] };
  masking: {
    profile: string;
    maskedValues: number;
    fields: Array<{ field: string; entities: Record<string, number> }>;
  };
}

describe('masking of the demo customers, end to end', () => {
  let platform: RunningPlatform;
  let token: string;
  let db: Client;

  beforeAll(async () => {
    platform = await startPlatform();
    const issuer = await DevIssuer.load(path.join(REPO_ROOT, '.verity'));
    token = await issuer.mint({ sub: 'alice', groups: ['analysts'], act: { sub: 'agent:support-bot' } });
    db = new Client({ connectionString: testDatabaseUrl() });
    await db.connect();
  }, 180_000);

  afterAll(async () => {
    await db?.end();
    await platform?.stop();
  });

  it('masks e-mails, phones, cards, SSNs, names and a key inside JSON, and ledgers the report', async () => {
    const sql =
      'SELECT id, full_name, email, phone, card_number, ssn, city, notes, preferences FROM customers WHERE id <= 8 ORDER BY id';
    const res = await fetch(`${platform.url.gateway}/v1/actions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        connection: 'demo-db',
        operation: 'sql.query',
        input: { sql },
        sessionId: `e2e-mask-${newId()}`,
      }),
    });
    expect(res.status).toBe(200);
    const answer = (await res.json()) as Answer;
    expect(answer.result.rows).toHaveLength(8);
    for (const [id, name, email, phone, card, ssn, city] of answer.result.rows) {
      expect(typeof id).toBe('number');
      expect(name).toBe('[PERSON]');
      expect(email).toBe('[EMAIL]');
      expect(phone).toBe('[PHONE]');
      expect(card).toMatch(/^\*{4} \*{4} \*{4} \d{4}$/);
      expect(ssn).toBe('[US_SSN]');
      expect(typeof city).toBe('string');
      expect(city).not.toMatch(/\[/);
    }
    const seventh = answer.result.rows[6][8] as {
      integrations: { s3_export: { access_key_id: string; region: string } };
    };
    expect(seventh.integrations.s3_export).toEqual({ access_key_id: '[AWS_ACCESS_KEY]', region: 'eu-west-1' });
    const raw = JSON.stringify(answer.result);
    expect(raw).not.toMatch(/@example\.com|AKIA|555-01\d\d|\d{4} \d{4} \d{4} \d{4}/);

    expect(answer.masking.profile).toBe('default');
    const entities = Object.fromEntries(answer.masking.fields.map((f) => [f.field, f.entities]));
    expect(entities).toMatchObject({
      full_name: { person: 8 },
      email: { email: 8 },
      phone: { phone: 8 },
      card_number: { credit_card: 8 },
      ssn: { us_ssn: 8 },
      'preferences.integrations.s3_export.access_key_id': { aws_access_key: 1 },
    });

    // The outcome event in the ledger carries the same report, and no value.
    const executed = await waitFor(
      async () => {
        const { rows } = await db.query<{ payload: { data: { masking: Answer['masking']; result: unknown } } }>(
          "SELECT payload FROM ledger.entries WHERE action_id = $1 AND event_type = 'verity.action.executed.v1'",
          [answer.actionId],
        );
        return rows[0]?.payload;
      },
      { timeoutMs: 15_000, what: `ledgered outcome of ${answer.actionId}` },
    );
    expect(executed.data.masking).toEqual(answer.masking);
    expect(JSON.stringify(executed)).not.toMatch(/@example\.com|AKIA4DEMO/);
  });
});
