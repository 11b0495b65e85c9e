import { parentPort } from 'node:worker_threads';
import { checkLines } from './bundle-lines';
import type { SliceJob } from './verify-files';

/** A worker of verifyFiles: runs the per-entry checks of each slice it is sent. */
parentPort?.on('message', ({ slice, bytes, start, end, origin, cuts }: SliceJob) => {
  const checked = checkLines(Buffer.from(bytes), start, end, origin, cuts);
  parentPort?.postMessage({ slice, checked }, [checked.leaves.buffer as ArrayBuffer]);
});
