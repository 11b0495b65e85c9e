import { createHash } from 'node:crypto';
import { LedgerAppendedV1 } from '@verity/contracts';

/** Entries per evidence request (the ledger allows 100 000; it rounds the end up to a checkpoint). */
const CHUNK = 5_000;

interface Shard {
  shard: number;
  origin: string;
  size: number;
}

interface Bundle {
  manifest: { origin: string; from: number; to: number };
  entries: { index: number; entry: string; payload: string | object }[];
}

async function getJson<T>(url: string, init?: RequestInit): Promise<T> {
  const res = await fetch(url, init);
  if (!res.ok) throw new Error(`${init?.method ?? 'GET'} ${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/**
 * Every entry of every shard of the ledger at `ledgerUrl`, in ledger order per shard, as the
 * ledger announces it (origin, index, leaf hash, entry, event). Read through the ledger's public
 * evidence export — the same bytes an auditor verifies — because audit never reads another app's
 * tables. Each shard is first checkpointed so the export reaches its end.
 */
export async function* ledgerEntries(ledgerUrl: string): AsyncGenerator<LedgerAppendedV1> {
  const base = ledgerUrl.replace(/\/$/, '');
  const { shards } = await getJson<{ shards: Shard[] }>(`${base}/v1/ledger/shards`);
  for (const { shard } of shards) {
    const latest = await getJson<{ size: number }>(`${base}/v1/ledger/checkpoint?shard=${shard}`, {
      method: 'POST',
    }).catch(() => ({ size: 0 })); // an empty shard has no checkpoint to sign
    let from = 0;
    while (from < latest.size) {
      const to = Math.min(from + CHUNK, latest.size);
      const bundle = await getJson<Bundle>(`${base}/v1/ledger/evidence?shard=${shard}&from=${from}&to=${to}`);
      for (const e of bundle.entries) {
        const payload = typeof e.payload === 'string' ? e.payload : JSON.stringify(e.payload);
        yield {
          origin: bundle.manifest.origin,
          index: e.index,
          leafHash: createHash('sha256')
            .update(Buffer.from([0]))
            .update(Buffer.from(e.entry, 'utf8'))
            .digest('hex'),
          entry: JSON.parse(e.entry),
          event: JSON.parse(payload),
        };
      }
      if (bundle.manifest.to <= from) break;
      from = bundle.manifest.to;
    }
  }
}
