import { IsInt, IsString, Matches, Max, Min } from 'class-validator';

/** The web explorer's settings; names are the environment variables. */
export class ExplorerConfig {
  /** The ledger's HTTP base URL, for the `/ledger` read proxy. Empty: http://127.0.0.1:<LEDGER_PORT>. */
  @IsString()
  @Matches(/^(https?:\/\/[^\s/]+(\/[^\s]*)?)?$/, { message: 'LEDGER_URL must be an http(s) URL' })
  LEDGER_URL = '';

  @IsInt() @Min(1) @Max(65535) LEDGER_PORT = 8082;

  /**
   * The gateway as the browser reaches it (reviews are approved there). Empty: the host the
   * browser used for the explorer, port GATEWAY_PORT.
   */
  @IsString()
  @Matches(/^(https?:\/\/[^\s/]+)?$/, { message: 'EXPLORER_GATEWAY_URL must be an http(s) origin, no path' })
  EXPLORER_GATEWAY_URL = '';

  @IsInt() @Min(1) @Max(65535) GATEWAY_PORT = 8080;

  /** A ledger verifier key (`name+id+base64`) the browser pins; empty: it takes the ledger's published key. */
  @IsString()
  @Matches(/^([^+\s]+\+[0-9a-f]{8}\+[A-Za-z0-9+/=]+)?$/, {
    message: 'EXPLORER_LEDGER_VERIFIER_KEY must be a note verifier key name+id+key',
  })
  EXPLORER_LEDGER_VERIFIER_KEY = '';

  /** How often the live view asks for new actions. */
  @IsInt() @Min(250) @Max(60_000) EXPLORER_POLL_MS = 2000;

  /** The built SPA (vite build output). Empty: <repo>/dist/web. */
  @IsString() EXPLORER_WEB_DIR = '';

  /** Longest wait for the ledger behind the proxy. */
  @IsInt() @Min(100) @Max(60_000) EXPLORER_LEDGER_TIMEOUT_MS = 5000;

  get ledgerUrl(): string {
    return (this.LEDGER_URL || `http://127.0.0.1:${this.LEDGER_PORT}`).replace(/\/+$/, '');
  }
}
