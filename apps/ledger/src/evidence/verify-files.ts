import { open } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { checkLines, LinesHeader, readLinesHeader, sliceLines } from './bundle-lines';
import { EvidenceBundle } from './evidence-bundle';
import { BundleVerifier, CheckedEntries, verifyBundle, VerifyOptions, VerifyReport } from './verify-bundle';

/** What `npm run verify` checks the bundle files against. */
export interface FileVerifyOptions {
  /** Verifier keys the auditor trusts (`name+keyid+base64`). */
  pinnedKeys: string[];
  /** Signed checkpoint notes the auditor kept from before, matched to bundles by origin. */
  previous: string[];
}

export type FileResult =
  | {
      file: string;
      origin: string;
      from: number;
      to: number;
      report: VerifyReport;
      /** Reading, parsing and checking the file. */
      seconds: number;
      unreadable?: undefined;
    }
  | { file: string; unreadable: string };

/** The origin line of a checkpoint note (its first line). */
export const originOf = (note: string): string => note.split('\n', 1)[0];

/** Bytes of entry lines one worker checks at a time (about a thousand entries). */
const SLICE_BYTES = 1 << 20;

/**
 * Verifies bundle files one after another. A lines bundle (`?format=lines`) is cut at line ends
 * into slices whose per-entry checks (entry form, payload digest and ids, leaf hash) run on
 * `threads` worker threads, while this thread folds the checked slices in order into the
 * sequential checks (roots, checkpoints, ids, sequences); with `threads` 0 everything runs
 * here. A JSON bundle (v1, v2) is parsed and checked here.
 */
export async function verifyFiles(
  files: string[],
  options: FileVerifyOptions,
  threads = availableParallelism(),
): Promise<FileResult[]> {
  // Started at once, so the workers are up by the time the first file is read.
  const pool = threads > 0 ? new CheckPool(threads) : undefined;
  // Each file is read while the one before it is checked, into one of two buffers used in turn
  // (the workers are done with a buffer by the time it is read into again), so memory stays at
  // two files' worth however many there are.
  const buffers: SharedArrayBuffer[] = [];
  const read = (i: number): Promise<Read> =>
    readShared(files[i], buffers[i % 2]).then(
      (bytes) => {
        buffers[i % 2] = bytes.buffer as SharedArrayBuffer;
        return { bytes };
      },
      (err: Error) => ({ error: err.message }),
    );
  try {
    const results: FileResult[] = [];
    let next = files.length > 0 ? read(0) : undefined;
    for (let i = 0; i < files.length; i++) {
      const contents = (await next) as Read;
      next = i + 1 < files.length ? read(i + 1) : undefined;
      results.push(await verifyFile(files[i], contents, options, files.length === 1, pool));
    }
    return results;
  } finally {
    await pool?.close();
  }
}

async function verifyFile(
  file: string,
  read: Read,
  options: FileVerifyOptions,
  single: boolean,
  pool: CheckPool | undefined,
): Promise<FileResult> {
  const started = process.hrtime.bigint();
  // A kept checkpoint is the one of the bundle's origin; with exactly one bundle and one kept
  // checkpoint they are always checked together, so one of another origin fails as such.
  const keptFor = (origin: string): string | undefined =>
    single && options.previous.length === 1
      ? options.previous[0]
      : options.previous.find((note) => originOf(note) === origin);
  if ('error' in read) return { file, unreadable: read.error };
  const { bytes } = read;
  let report: VerifyReport;
  let manifest: Partial<EvidenceBundle['manifest']>;
  const lines = readLinesHeader(bytes);
  if (lines) {
    manifest = lines.header.manifest ?? {};
    const checks = { ...options, previous: keptFor(String(manifest.origin)) };
    report = pool ? await pool.verify(bytes, lines, checks) : verifyLines(bytes, checks);
  } else {
    let bundle: EvidenceBundle;
    try {
      bundle = JSON.parse(bytes.toString('utf8')) as EvidenceBundle;
    } catch (err) {
      return { file, unreadable: (err as Error).message };
    }
    manifest = bundle?.manifest ?? {};
    report = verifyBundle(bundle, { ...options, previous: keptFor(String(manifest.origin)) });
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return {
    file,
    origin: String(manifest.origin),
    from: Number(manifest.from),
    to: Number(manifest.to),
    report,
    seconds,
  };
}

/** Verifies a lines bundle on this thread, slice by slice as the workers would. */
export function verifyLines(bytes: Buffer, options: VerifyOptions, sliceBytes = SLICE_BYTES): VerifyReport {
  const lines = readLinesHeader(bytes);
  if (!lines) throw new Error('not a lines bundle');
  const verifier = new BundleVerifier(lines.header, options);
  for (const [start, end] of sliceLines(bytes, lines.entriesStart, bytes.length, sliceBytes)) {
    verifier.add(checkLines(bytes, start, end, verifier.origin, verifier.cuts));
  }
  return verifier.finish();
}

type Read = { bytes: Buffer } | { error: string };

/** A file's bytes in shared memory (`spare` when it is large enough), for worker threads to read slices of without a copy. */
async function readShared(file: string, spare?: SharedArrayBuffer): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    const bytes = Buffer.from(spare && spare.byteLength >= size ? spare : new SharedArrayBuffer(size), 0, size);
    let read = 0;
    for (let n = 1; read < size && n > 0; read += n)
      ({ bytesRead: n } = await handle.read(bytes, read, size - read, read));
    return bytes.subarray(0, read);
  } finally {
    await handle.close();
  }
}

/** A slice of entry lines to check, as the worker (verify-worker.ts) receives it. */
export interface SliceJob {
  slice: number;
  bytes: SharedArrayBuffer;
  start: number;
  end: number;
  origin: string;
  cuts: number[];
}

/** Worker threads running `checkLines` on slices of a file in shared memory. */
class CheckPool {
  private readonly workers: Worker[];

  constructor(threads: number) {
    // A larger young generation: each slice makes much short-lived garbage (parsed payloads).
    this.workers = Array.from(
      { length: threads },
      () => new Worker(require.resolve('./verify-worker'), { resourceLimits: { maxYoungGenerationSizeMb: 128 } }),
    );
  }

  /** Verifies a lines bundle whose bytes are in shared memory, its slices checked on the workers. */
  async verify(bytes: Buffer, lines: LinesHeader, options: VerifyOptions): Promise<VerifyReport> {
    const verifier = new BundleVerifier(lines.header, options);
    const slices = sliceLines(bytes, lines.entriesStart, bytes.length, SLICE_BYTES);
    const { origin, cuts } = verifier;
    await this.check(bytes, slices, { origin, cuts }, (checked) => verifier.add(checked));
    return verifier.finish();
  }

  /** Checks the slices on the workers; `onChecked` receives the results in slice order. */
  private check(
    bytes: Buffer,
    slices: Array<[number, number]>,
    log: { origin: string; cuts: number[] },
    onChecked: (checked: CheckedEntries) => void,
  ): Promise<void> {
    if (slices.length === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const arrived = new Map<number, CheckedEntries>();
      let sent = 0;
      let folded = 0;
      const send = (worker: Worker): void => {
        if (sent >= slices.length) return;
        const [start, end] = slices[sent];
        const job: SliceJob = { slice: sent++, bytes: bytes.buffer as SharedArrayBuffer, start, end, ...log };
        worker.postMessage(job);
      };
      const cleanups = this.workers.map((worker) => {
        const onMessage = ({ slice, checked }: { slice: number; checked: CheckedEntries }): void => {
          arrived.set(slice, checked);
          send(worker);
          for (let next = arrived.get(folded); next; next = arrived.get(folded)) {
            arrived.delete(folded++);
            onChecked(next);
          }
          if (folded === slices.length) finish();
        };
        const onError = (err: Error): void => finish(err);
        worker.on('message', onMessage).on('error', onError);
        return () => worker.off('message', onMessage).off('error', onError);
      });
      const finish = (err?: Error): void => {
        cleanups.forEach((cleanup) => cleanup());
        if (err) reject(err);
        else resolve();
      };
      // Two slices in flight per worker, so none waits for this thread between slices.
      for (const worker of [...this.workers, ...this.workers]) send(worker);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
