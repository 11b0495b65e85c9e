import { Controller, Get, Header, Req } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Request } from 'express';
import { ExplorerConfig } from './explorer.config';

export interface ExplorerClientConfig {
  gatewayUrl: string;
  ledgerVerifierKey: string | null;
  pollMs: number;
}

/** The gateway's URL as this request's browser reaches it. */
export function gatewayUrlFor(config: ExplorerConfig, req: Request): string {
  if (config.EXPLORER_GATEWAY_URL) return config.EXPLORER_GATEWAY_URL;
  const host = req.hostname.includes(':') && !req.hostname.startsWith('[') ? `[${req.hostname}]` : req.hostname;
  return `${req.protocol}://${host}:${config.GATEWAY_PORT}`;
}

/** What the browser needs to know that only the server's environment says. No secrets. */
@ApiExcludeController()
@Controller()
export class ExplorerConfigController {
  constructor(private readonly config: ExplorerConfig) {}

  @Get('explorer-config.json')
  @Header('cache-control', 'no-store')
  get(@Req() req: Request): ExplorerClientConfig {
    return {
      gatewayUrl: gatewayUrlFor(this.config, req),
      ledgerVerifierKey: this.config.EXPLORER_LEDGER_VERIFIER_KEY || null,
      pollMs: this.config.EXPLORER_POLL_MS,
    };
  }
}
