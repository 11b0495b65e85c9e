import { Logger } from '@nestjs/common';

/**
 * kafkajs restarts a crashed consumer by itself only after a retriable error. After any other
 * (e.g. "Failed to find group coordinator" while a fresh or restarted broker loads its offsets
 * topic) the process stays up but consumes nothing, for good. This starts the consumer afresh
 * instead, with backoff, until it runs again or its owner has stopped it.
 */
export function restartAfterCrash(log: Logger, start: () => Promise<void>, stopped: () => boolean, attempt = 1): void {
  const delay = Math.min(500 * 2 ** attempt, 10_000);
  setTimeout(() => {
    if (stopped()) return;
    log.warn({ attempt }, 'restarting the crashed consumer');
    start().catch((err: Error) => {
      log.error({ err: err.message, attempt }, 'could not restart the consumer');
      restartAfterCrash(log, start, stopped, attempt + 1);
    });
  }, delay).unref();
}
