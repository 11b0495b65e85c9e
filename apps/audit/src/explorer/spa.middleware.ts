import { Injectable, Logger, NestMiddleware } from '@nestjs/common';
import { repoRoot } from '@verity/config';
import express, { NextFunction, Request, Response } from 'express';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { gatewayUrlFor } from './explorer-config.controller';
import { ExplorerConfig } from './explorer.config';

/** Paths the explorer never answers: the APIs, their docs, health and metrics, the ledger proxy. */
const NOT_THE_SPA = /^\/(v1|docs|health|metrics|ledger)(\/|$)|^\/explorer-config\.json$/;

/**
 * Serves the built SPA: its files as they are (hashed assets cached for a year), and index.html
 * for every other GET of a page path, so the client-side router gets deep links. Requests for
 * the APIs pass through untouched, and a path that looks like a missing file stays a 404.
 */
@Injectable()
export class SpaMiddleware implements NestMiddleware {
  private readonly logger = new Logger(SpaMiddleware.name);
  private readonly dir: string;
  private readonly files: ReturnType<typeof express.static>;

  constructor(private readonly config: ExplorerConfig) {
    this.dir = path.resolve(config.EXPLORER_WEB_DIR || path.join(repoRoot(), 'dist/web'));
    this.files = express.static(this.dir, {
      index: false,
      fallthrough: true,
      setHeaders: (res, file) =>
        res.setHeader(
          'cache-control',
          file.includes(`${path.sep}assets${path.sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache',
        ),
    });
    if (!existsSync(path.join(this.dir, 'index.html')))
      this.logger.warn(`the web explorer is not built (no ${this.dir}/index.html): npm run build`);
  }

  use(req: Request, res: Response, next: NextFunction): void {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || NOT_THE_SPA.test(req.path)) return next();
    this.files(req, res, () => {
      // A path whose last segment has a dot names a file that is not there.
      if (/\.[^/]*$/.test(req.path)) return next();
      const index = path.join(this.dir, 'index.html');
      if (!existsSync(index)) return next();
      res.setHeader('cache-control', 'no-cache');
      res.setHeader('x-content-type-options', 'nosniff');
      res.setHeader('referrer-policy', 'no-referrer');
      res.setHeader('content-security-policy', this.contentSecurityPolicy(req));
      res.sendFile(index);
    });
  }

  /** Scripts and styles from this origin only; fetches to this origin and the gateway; never framed. */
  private contentSecurityPolicy(req: Request): string {
    const gateway = new URL(gatewayUrlFor(this.config, req)).origin;
    return [
      "default-src 'self'",
      "script-src 'self'",
      "style-src 'self'",
      "img-src 'self' data:",
      `connect-src 'self' ${gateway}`,
      "frame-ancestors 'none'",
      "base-uri 'none'",
      "form-action 'self'",
    ].join('; ');
  }
}
