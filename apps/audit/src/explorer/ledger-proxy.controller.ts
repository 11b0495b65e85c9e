import { All, Controller, Get, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { DomainError } from '@verity/contracts';
import { Request, Response } from 'express';
import { ExplorerConfig } from './explorer.config';

/** The ledger's public read endpoints the explorer uses (proofs, checkpoints, the key); nothing else passes. */
const READABLE =
  /^\/v1\/ledger\/(entries|entries\/\d+|events\/[A-Za-z0-9-]+|checkpoint|checkpoints|shards|public-key|proofs\/consistency)$/;
const MAX_BYTES = 5 * 1024 * 1024;

/**
 * `/ledger/*` → LEDGER_URL, GET only, so the browser fetches proofs and checkpoints from the
 * explorer's own origin (the ledger sends no CORS headers, and need not be reachable from the
 * browser). The answer is passed on as the ledger gave it: the browser verifies it, it is not
 * trusted here.
 */
@ApiExcludeController()
@Controller('ledger')
export class LedgerProxyController {
  constructor(private readonly config: ExplorerConfig) {}

  @Get('*path')
  async get(@Req() req: Request, @Res() res: Response): Promise<void> {
    const url = new URL(req.originalUrl, 'http://explorer.invalid');
    const path = url.pathname.slice('/ledger'.length);
    if (!READABLE.test(path)) throw new DomainError('EXPLORER.NOT_FOUND', `the ledger proxy does not serve ${path}`);
    const target = `${this.config.ledgerUrl}${path}${url.search}`;
    let answer: globalThis.Response;
    try {
      answer = await fetch(target, {
        headers: { accept: 'application/json' },
        signal: AbortSignal.timeout(this.config.EXPLORER_LEDGER_TIMEOUT_MS),
      });
    } catch (err) {
      if ((err as Error).name === 'TimeoutError')
        throw new DomainError('EXPLORER.TIMEOUT', 'the ledger did not answer in time');
      throw new DomainError('EXPLORER.UNAVAILABLE', 'the ledger does not answer');
    }
    const declared = Number(answer.headers.get('content-length') ?? 0);
    if (declared > MAX_BYTES)
      throw new DomainError('EXPLORER.UNAVAILABLE', 'the ledger answer is too large to pass on');
    const body = Buffer.from(await answer.arrayBuffer());
    if (body.length > MAX_BYTES)
      throw new DomainError('EXPLORER.UNAVAILABLE', 'the ledger answer is too large to pass on');
    res
      .status(answer.status)
      .set('content-type', answer.headers.get('content-type') ?? 'application/json')
      .set('cache-control', 'no-store')
      .send(body);
  }

  @All('*path')
  other(@Req() req: Request): never {
    throw new DomainError('EXPLORER.METHOD_NOT_ALLOWED', `the ledger proxy is read-only (GET), not ${req.method}`);
  }
}
