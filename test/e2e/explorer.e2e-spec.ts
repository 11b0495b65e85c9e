/**
 * The web explorer in a real browser (Debian's chromium, driven by playwright-core) against the
 * five real services: sign in with a pasted token, open a session's timeline and read the
 * agent's thought, open an action and see it verified against the ledger's signed checkpoint
 * (in the browser, and "not verified" once a proof is tampered with), watch the live view pick
 * up a new action, and approve a held write from the review queue — after which the action
 * runs (checked through the gateway's API). Screenshots go to test-artifacts/explorer/.
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { newId } from '@verity/contracts';
import { DevIssuer } from '@verity/identity';
import { REPO_ROOT, RunningPlatform, startPlatform, waitFor } from '@verity/testing';
import { Partitioners, PartitionerArgs } from 'kafkajs';
import { Browser, chromium, Page } from 'playwright-core';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const ARTIFACTS = path.join(REPO_ROOT, 'test-artifacts', 'explorer');

/** The partition (so the ledger shard) the producers' partitioner gives a session id. */
function shardOfSession(sessionId: string, partitions: number): number {
  const partitionMetadata = Array.from({ length: partitions }, (_, i) => ({ partitionId: i, leader: 0 }));
  return Partitioners.DefaultPartitioner()({
    topic: 'any',
    partitionMetadata,
    message: { key: sessionId, value: null },
  } as unknown as PartitionerArgs);
}

/** A fresh session id whose events land outside shard 0, so the browser must ask the right shard. */
function sessionOutsideShardZero(): string {
  for (;;) {
    const id = `e2e-explorer-${newId()}`;
    if (shardOfSession(id, Number(process.env.KAFKA_PARTITIONS ?? 3)) !== 0) return id;
  }
}

describe('web explorer, in headless Chromium', () => {
  const basePort = Number(process.env.E2E_BASE_PORT ?? 18080);
  const explorerOrigin = `http://127.0.0.1:${basePort + 1}`;
  let platform: RunningPlatform;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  const session = sessionOutsideShardZero();
  const requester = `dana-${newId()}`;
  const reviewer = `carol-${newId()}`;
  const tokens = { agent: '', reviewer: '', analyst: '' };
  const thought = `Looking up the first customers for ticket ${newId().slice(-6)}`;
  let readId = '';
  let heldId = '';

  const api = async (base: string, method: string, url: string, token: string, body?: object) => {
    const res = await fetch(`${base}${url}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as Json) : undefined };
  };
  const act = (step: number, sql: string, why: string, params?: unknown[]) =>
    api(platform.url.gateway, 'POST', '/v1/actions', tokens.agent, {
      connection: 'demo-db',
      operation: 'sql.query',
      input: { sql, ...(params ? { params } : {}) },
      sessionId: session,
      agent: { step, thought: why, tool: 'run_sql', model: 'e2e' },
    });
  /** A link of the main navigation (other links, e.g. session ids, may contain the same words). */
  const nav = (name: string) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });
  const shot = (name: string) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });

  beforeAll(async () => {
    if (!existsSync(CHROMIUM))
      throw new Error(`no Chromium at ${CHROMIUM}: run scripts/install-chromium.sh (or set CHROMIUM_PATH)`);
    mkdirSync(ARTIFACTS, { recursive: true });
    platform = await startPlatform({
      basePort,
      env: {
        GATEWAY_CORS_ORIGINS: explorerOrigin,
        // This test is about the explorer, not latency: a loaded machine may take seconds for the first decision.
        GATEWAY_DECISION_TIMEOUT_MS: '30000',
        GATEWAY_MASKING_TIMEOUT_MS: '30000',
      },
    });
    const issuer = await DevIssuer.load(path.join(REPO_ROOT, '.verity'));
    tokens.agent = await issuer.mint({ sub: requester, groups: ['analysts'], act: { sub: 'agent:explorer-bot' } });
    tokens.reviewer = await issuer.mint({ sub: reviewer, groups: ['compliance', 'approvers'] });
    tokens.analyst = await issuer.mint({ sub: `erin-${newId()}`, groups: ['analysts'] });

    // Step 1: a read that runs (masked), step 2: a write that policy holds for review.
    const read = await act(1, 'SELECT id, full_name, email FROM customers ORDER BY id LIMIT 3', thought);
    expect(read.status).toBe(200);
    readId = read.body.actionId;
    const held = await act(
      2,
      "UPDATE customers SET notes = coalesce(notes, '') || $1 WHERE id = 2",
      'Note on the customer that the ticket was answered',
      ['[explorer]'],
    );
    expect(held.status).toBe(202);
    heldId = held.body.actionId;
    // Audit has both, and all of the read's lifecycle, from the ledger.
    const readAction = await waitFor(
      async () => {
        const a = await api(platform.url.audit, 'GET', `/v1/audit/actions/${readId}`, tokens.reviewer);
        const s = await api(platform.url.audit, 'GET', `/v1/audit/sessions/${session}`, tokens.reviewer);
        return a.body?.status === 'executed' && a.body.ledgerRefs.length >= 3 && s.body?.actions?.length === 2
          ? a.body
          : undefined;
      },
      { timeoutMs: 60_000, what: 'the session in the audit views' },
    );
    // The session's entries are in a shard other than 0: the badge must ask that shard's log.
    expect(readAction.ledgerRefs.every((r: Json) => r.shard > 0 && r.origin.endsWith(`/shard-${r.shard}`))).toBe(true);

    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('pageerror', (err) => pageErrors.push(err.message));
    page.on('console', (msg) => {
      if (msg.type() === 'error' && /Content Security Policy/i.test(msg.text())) pageErrors.push(msg.text());
    });
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
  });

  it('signs in with a pasted token and shows the session list', async () => {
    await page.goto(`${explorerOrigin}/`);
    await page.getByLabel('Access token').fill(tokens.reviewer);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('signed-in-as').filter({ hasText: reviewer }).waitFor();
    await page.getByRole('link', { name: session, exact: true }).waitFor();
    await shot('1-sessions');
  });

  it("opens the session's timeline and shows the agent's thought beside each action", async () => {
    await page.getByRole('link', { name: session, exact: true }).click();
    await page.waitForURL(`**/sessions/${session}`);
    const steps = page.locator('li.step');
    await steps.nth(1).waitFor();
    expect(await steps.count()).toBe(2);
    expect(await steps.nth(0).getByTestId('thought').innerText()).toBe(thought);
    expect(await steps.nth(0).innerText()).toMatch(/allow[\s\S]*executed/);
    expect(await steps.nth(1).innerText()).toMatch(/review/);
    await shot('2-timeline');
  });

  it('opens the action and verifies its ledger entries against the signed checkpoint in the browser', async () => {
    await page
      .locator('li.step')
      .nth(0)
      .getByRole('link', { name: /Action details/ })
      .click();
    await page.waitForURL(`**/actions/${readId}`);
    const badge = page.getByTestId('verified-badge');
    await badge.waitFor();
    expect(await badge.getAttribute('data-verified')).toBe('true');
    expect(await badge.innerText()).toBe('✓ verified');
    expect(await page.locator('section.ledger table').innerText()).toMatch(
      /in \S+\/shard-[1-9]\d* at size \d+, signed by /,
    );
    // The masked result is there, and no raw e-mail address reached the page.
    const table = page.getByTestId('result-table');
    expect(await table.locator('th').allInnerTexts()).toEqual(['id', 'full_name', 'email']);
    expect(await table.locator('tbody tr').count()).toBe(3);
    expect(await table.innerText()).toContain('[EMAIL]');
    expect(await table.innerText()).not.toMatch(/[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[a-z]{2,}/);
    await shot('3-action-verified');
  });

  it('shows "not verified" when a proof the ledger returns has been tampered with', async () => {
    await page.route('**/ledger/v1/ledger/entries/*', async (route) => {
      const res = await route.fetch();
      const body = (await res.json()) as Json;
      if (body.proof?.hashes?.length) body.proof.hashes[0] = Buffer.alloc(32, 7).toString('base64');
      else if (body.proof) body.proof.checkpoint.note = body.proof.checkpoint.note.replace(/\n\d+\n/, '\n999\n');
      await route.fulfill({ response: res, json: body });
    });
    await page.reload();
    const badge = page.getByTestId('verified-badge');
    await badge.waitFor();
    expect(await badge.getAttribute('data-verified')).toBe('false');
    expect(await badge.innerText()).toBe('✗ not verified');
    await shot('4-action-tampered');
    await page.unroute('**/ledger/v1/ledger/entries/*');
  });

  it('shows new actions in the live view as they land', async () => {
    await nav('Live').click();
    await page.getByTestId('live-table').waitFor();
    const step3 = await act(3, 'SELECT count(*) AS n FROM customers', 'Counting customers for the report');
    expect(step3.status).toBe(200);
    await page
      .getByTestId('live-table')
      .locator('tr', { hasText: `${session} / 3` })
      .waitFor({ timeout: 30_000 });
    await shot('5-live');
  });

  it('approves the held write from the review queue; the action then runs', async () => {
    await nav('Reviews').click();
    const card = page.locator(`[data-testid="review-card"][data-action-id="${heldId}"]`);
    await card.waitFor({ timeout: 30_000 });
    expect(await card.innerText()).toContain('UPDATE customers');
    await card.getByLabel('Comment (required)').fill('ticket answered, fine to note');
    await shot('6-review-queue');
    await card.getByRole('button', { name: 'Approve' }).click();
    // The verdict is confirmed above the queue, and the review leaves the queue.
    await page
      .getByTestId('verdict-given')
      .filter({ hasText: /^Approved .*: review approved$/ })
      .waitFor();
    await card.waitFor({ state: 'detached', timeout: 30_000 });
    await shot('7-review-approved');
    const done = await api(platform.url.gateway, 'GET', `/v1/actions/${heldId}?wait=30`, tokens.agent);
    expect(done.body).toMatchObject({
      status: 'executed',
      review: { approvals: [{ subject: reviewer, comment: 'ticket answered, fine to note' }] },
    });
    expect(pageErrors).toEqual([]);
  });

  it('serves the SPA without shadowing the APIs, proxies only ledger reads, and lets only its origin call the gateway', async () => {
    const audit = platform.url.audit;
    const deep = await fetch(`${audit}/sessions/anything`);
    expect(deep.status).toBe(200);
    expect(deep.headers.get('content-type')).toMatch(/text\/html/);
    expect(deep.headers.get('content-security-policy')).toContain(`connect-src 'self' http://127.0.0.1:${basePort}`);
    const unknownApi = await fetch(`${audit}/v1/audit/nothing-here`, { headers: { accept: 'text/html' } });
    expect(unknownApi.status).toBe(404);
    expect(unknownApi.headers.get('content-type')).toMatch(/json/);
    expect((await fetch(`${audit}/health/live`)).headers.get('content-type')).toMatch(/json/);
    expect((await fetch(`${audit}/metrics`)).headers.get('content-type')).toMatch(/text\/plain/);
    expect((await fetch(`${audit}/assets/missing.js`)).status).toBe(404);
    const config = (await (await fetch(`${audit}/explorer-config.json`)).json()) as Json;
    expect(config).toEqual({ gatewayUrl: `http://127.0.0.1:${basePort}`, ledgerVerifierKey: null, pollMs: 2000 });

    const checkpoint = await fetch(`${audit}/ledger/v1/ledger/checkpoint?shard=0`);
    expect([200, 404]).toContain(checkpoint.status);
    expect((await fetch(`${audit}/ledger/v1/ledger/public-key`)).status).toBe(200);
    const write = await fetch(`${audit}/ledger/v1/ledger/checkpoint?shard=0`, { method: 'POST' });
    expect(write.status).toBe(405);
    expect(((await write.json()) as Json).error.code).toBe('EXPLORER.METHOD_NOT_ALLOWED');
    const other = await fetch(`${audit}/ledger/v1/ledger/evidence`);
    expect(other.status).toBe(404);
    expect(((await other.json()) as Json).error.code).toBe('EXPLORER.NOT_FOUND');

    const preflight = (origin: string) =>
      fetch(`${platform.url.gateway}/v1/reviews/${heldId}/approve`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization,content-type',
        },
      });
    expect((await preflight(explorerOrigin)).headers.get('access-control-allow-origin')).toBe(explorerOrigin);
    expect((await preflight('http://evil.example')).headers.get('access-control-allow-origin')).toBeNull();
    // Audit data stays closed to tokens outside the compliance group, whatever the explorer shows.
    expect((await api(audit, 'GET', `/v1/audit/sessions/${session}`, tokens.analyst)).status).toBe(403);
  });
});
