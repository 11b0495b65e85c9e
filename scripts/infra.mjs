#!/usr/bin/env node
// Makes the local infrastructure answer: a Kafka broker at KAFKA_BROKERS (started with
// deploy/kafka/kafka-local.sh when nothing answers) and the database in DATABASE_URL
// (created when missing). With --test, the test database instead (its name must hold "test"),
// dropped and created afresh for every test run.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import pg from 'pg';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const test = process.argv.includes('--test');
const defaultUrl = 'postgres://postgres@127.0.0.1:5432/verity';

export function databaseUrl(forTests = false) {
  if (!forTests) return process.env.DATABASE_URL ?? defaultUrl;
  const url = new URL(process.env.TEST_DATABASE_URL ?? defaultUrl.replace(/\/verity$/, '/verity_test'));
  if (!url.pathname.includes('test'))
    throw new Error(`refusing test database ${url.pathname}: name must contain "test"`);
  return url.toString();
}

export async function ensureDatabase(url) {
  const admin = new URL(url);
  const name = decodeURIComponent(admin.pathname.slice(1));
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  try {
    await client.connect();
  } catch (err) {
    throw new Error(`PostgreSQL does not answer at ${admin.host}: ${err.message}`);
  }
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
  } finally {
    await client.end();
  }
}

export function ensureKafka() {
  execFileSync('bash', [path.join(root, 'deploy/kafka/kafka-local.sh'), 'start'], {
    stdio: 'inherit',
    env: process.env,
  });
}

/**
 * Drops and recreates a test database, so that every test run starts from an empty one: its
 * state must match the broker's (a fresh broker has none of the events an old database was
 * built from) and the migrations of the code under test (not of another branch).
 */
export async function recreateTestDatabase(url) {
  const admin = new URL(url);
  const name = decodeURIComponent(admin.pathname.slice(1));
  if (!name.includes('test')) throw new Error(`refusing to drop ${name}: name must contain "test"`);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name.replace(/"/g, '""')}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
  await ensureDatabase(url);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  ensureKafka();
  if (test) await recreateTestDatabase(databaseUrl(true));
  else await ensureDatabase(databaseUrl(false));
}
