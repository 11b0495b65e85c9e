#!/usr/bin/env node
// Seeds the demo target behind connection `demo-db`: a database with a `customers` table of
// synthetic personal data, and a login role the gateway uses (its password generated once into
// <secretsDir>/demo-db.password, mode 0600). Idempotent: a re-run changes nothing.
//   node scripts/seed-demo.mjs        (server from DATABASE_URL, database verity_demo)
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DEFAULT_SERVER = 'postgres://postgres@127.0.0.1:5432';

const FIRST = ['Alice', 'Bruno', 'Chloe', 'Dmitri', 'Elena', 'Farid', 'Grace', 'Hiro', 'Ingrid', 'Jamal'];
const LAST = [
  'Anders',
  'Baptiste',
  'Castillo',
  'Dubois',
  'Eriksen',
  'Fontaine',
  'Garcia',
  'Haddad',
  'Ivanova',
  'Jensen',
];
const CITIES = ['Lisbon', 'Lyon', 'Toronto', 'Austin', 'Osaka', 'Dublin', 'Porto', 'Denver'];
// Free text holds personal data too, as real notes do: masking must find it there.
const NOTES = [
  () => null,
  (c) => `Prefers contact by e-mail at ${c.email}.`,
  (c) => `Asked to update billing address; call back on ${c.phone}.`,
  () => null,
  () => 'VIP customer since 2019.',
  (c) => `Reported a lost card ending ${c.card_number.slice(-4)}; replacement issued.`,
  () => null,
  () => 'Requested a copy of stored personal data (GDPR art. 15).',
];

const q = (name) => `"${name.replace(/"/g, '""')}"`;

function luhnCheckDigit(digits) {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 0) d *= 2; // every second digit, counting from the check digit's left neighbour
    sum += d > 9 ? d - 9 : d;
  }
  return String((10 - (sum % 10)) % 10);
}

/** A 16-digit Visa-range test number that passes the Luhn check, grouped by four. */
export function cardNumber(i) {
  const body = `400000${String(i * 7_654_321 + 12_345)
    .padStart(9, '0')
    .slice(-9)}`;
  return `${body}${luhnCheckDigit(body)}`.replace(/(\d{4})(?=\d)/g, '$1 ');
}

/** An SSN in the issued ranges: area 001–899 but not 666, group 01–99, serial 0001–9999. */
export function ssn(i) {
  let area = 100 + ((i * 37) % 700);
  if (area === 666) area = 667;
  const group = 1 + ((i * 13) % 99);
  const serial = 1 + ((i * 7_919) % 9_999);
  return `${area}-${String(group).padStart(2, '0')}-${String(serial).padStart(4, '0')}`;
}

/** The same 50 customers on every run: distinct names, e-mails at example.com, 555-01xx phones. */
export function demoCustomers(count = 50) {
  return Array.from({ length: count }, (_, i) => {
    const first = FIRST[i % 10];
    const last = LAST[(i + Math.floor(i / 10)) % 10];
    const customer = {
      id: i + 1,
      full_name: `${first} ${last}`,
      email: `${first}.${last}@example.com`.toLowerCase(),
      phone: `+1-202-555-01${String(i).padStart(2, '0')}`,
      city: CITIES[i % CITIES.length],
      card_number: cardNumber(i),
      ssn: ssn(i),
      notes: null,
      created_at: new Date(Date.UTC(2024, 0, 1 + i, 9 + (i % 8))).toISOString(),
    };
    return { ...customer, notes: NOTES[i % NOTES.length](customer) };
  });
}

/** A synthetic AWS-style access key (right shape, issued by nobody) kept in one customer's JSON settings. */
export const DEMO_AWS_KEY = 'AKIA4DEMOQ7ZT2VX6KLM';

/**
 * The `preferences` JSON column: settings of each customer; customer 7's integration settings hold an
 * AWS-style key, as pasted configuration often does. Masking must find it inside the JSON.
 */
export function demoPreferences(id) {
  const prefs = { newsletter: id % 2 === 0, language: ['en', 'fr', 'pt', 'ja'][id % 4] };
  if (id === 7) prefs.integrations = { s3_export: { access_key_id: DEMO_AWS_KEY, region: 'eu-west-1' } };
  return prefs;
}

/** Reads the role's password, or generates it once (mode 0600). */
function rolePassword(secretsDir) {
  const file = path.join(secretsDir, 'demo-db.password');
  try {
    const existing = readFileSync(file, 'utf8').trim();
    if (existing) {
      chmodSync(file, 0o600);
      return { file, password: existing };
    }
  } catch (err) {
    if (err.code !== 'ENOENT') throw err;
  }
  mkdirSync(secretsDir, { recursive: true, mode: 0o700 });
  const password = randomBytes(24).toString('base64url');
  writeFileSync(file, `${password}\n`, { mode: 0o600 });
  return { file, password };
}

function withDatabase(serverUrl, database) {
  const url = new URL(serverUrl);
  url.pathname = `/${encodeURIComponent(database)}`;
  return url.toString();
}

async function withClient(url, work) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

const ignoreDuplicate = (err) => {
  // Created meanwhile by a concurrent run.
  if (!['42P04', '42710', '23505'].includes(err.code)) throw err;
};

/**
 * Creates (when missing) the database, the role `role` with its password, the `customers`
 * table and its rows, and grants the role SELECT/INSERT/UPDATE/DELETE on it.
 */
export async function seedDemo({
  adminUrl = process.env.DATABASE_URL ?? DEFAULT_SERVER,
  database = 'verity_demo',
  secretsDir = path.join(root, '.verity', 'secrets'),
  role = 'verity_demo_agent',
} = {}) {
  const { file, password } = rolePassword(secretsDir);
  await withClient(withDatabase(adminUrl, 'postgres'), async (admin) => {
    const db = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (!db.rowCount) await admin.query(`CREATE DATABASE ${q(database)}`).catch(ignoreDuplicate);
    const exists = await admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
    const secret = admin.escapeLiteral(password);
    if (!exists.rowCount) await admin.query(`CREATE ROLE ${q(role)} LOGIN PASSWORD ${secret}`).catch(ignoreDuplicate);
    await admin.query(`ALTER ROLE ${q(role)} LOGIN PASSWORD ${secret}`);
    await admin.query(`GRANT CONNECT ON DATABASE ${q(database)} TO ${q(role)}`);
  });
  const customers = demoCustomers();
  const inserted = await withClient(withDatabase(adminUrl, database), async (client) => {
    await client.query(`
      CREATE TABLE IF NOT EXISTS customers (
        id serial PRIMARY KEY,
        full_name text NOT NULL,
        email text NOT NULL,
        phone text,
        city text,
        card_number text,
        ssn text,
        notes text,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    const columns = Object.keys(customers[0]);
    const values = customers.flatMap((c) => columns.map((k) => c[k]));
    const tuples = customers.map((_, r) => `(${columns.map((__, c) => `$${r * columns.length + c + 1}`).join(', ')})`);
    const { rowCount } = await client.query(
      `INSERT INTO customers (${columns.join(', ')}) VALUES ${tuples.join(', ')} ON CONFLICT (id) DO NOTHING`,
      values,
    );
    // Added after the first release of the demo: existing databases get the column and its values once.
    await client.query('ALTER TABLE customers ADD COLUMN IF NOT EXISTS preferences jsonb');
    for (const c of customers) {
      await client.query(
        'UPDATE customers SET preferences = $2 WHERE id = $1 AND preferences IS DISTINCT FROM $2::jsonb',
        [c.id, JSON.stringify(demoPreferences(c.id))],
      );
    }
    if (rowCount > 0) {
      await client.query(`SELECT setval(pg_get_serial_sequence('customers', 'id'), (SELECT max(id) FROM customers))`);
    }
    await client.query(`GRANT USAGE ON SCHEMA public TO ${q(role)}`);
    await client.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON customers TO ${q(role)}`);
    await client.query(`GRANT USAGE, SELECT ON SEQUENCE customers_id_seq TO ${q(role)}`);
    return rowCount;
  });
  return { database, role, passwordFile: file, customers: customers.length, inserted };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    const seeded = await seedDemo();
    console.log(
      `demo seeded: database ${seeded.database}, role ${seeded.role} (password in ${seeded.passwordFile}), ` +
        `${seeded.inserted} of ${seeded.customers} customers inserted`,
    );
  } catch (err) {
    console.error(`seeding the demo failed: ${err.message}`);
    process.exit(1);
  }
}
