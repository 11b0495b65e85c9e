import { HttpConnectionSpec } from './connections-file';

/**
 * A registered HTTP API. The credential headers and the secret values live in private fields:
 * they are handed to the executor only, and never serialised (`toJSON`) or inspected into a log.
 */
export class HttpTarget {
  readonly type = 'http' as const;
  readonly name: string;
  /** http(s), no credentials, query or fragment; the path ends with `/`. */
  readonly baseUrl: URL;
  /** Operator-fixed request headers (lower-case names), not secret. */
  readonly fixedHeaders: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  readonly maxResponseBytes: number;
  readonly #credentialHeaders: Readonly<Record<string, string>>;
  readonly #secrets: readonly string[];

  constructor(spec: HttpConnectionSpec) {
    this.name = spec.name;
    this.baseUrl = new URL(spec.baseUrl.href);
    this.fixedHeaders = Object.freeze({ ...spec.fixedHeaders });
    this.timeoutMs = spec.timeoutMs;
    this.maxResponseBytes = spec.maxResponseBytes;
    this.#credentialHeaders = Object.freeze({ ...spec.credentialHeaders });
    // Longest first, so a secret that contains another is scrubbed whole.
    this.#secrets = Object.freeze(
      [...new Set(spec.secrets)].filter((s) => s.length > 0).sort((a, b) => b.length - a.length),
    );
  }

  /** The headers that authenticate the gateway to the target (lower-case names). */
  credentialHeaders(): Record<string, string> {
    return { ...this.#credentialHeaders };
  }

  /** Secret values to scrub from whatever the target sends back. */
  secrets(): readonly string[] {
    return this.#secrets;
  }

  toJSON(): object {
    return { name: this.name, type: this.type, baseUrl: this.baseUrl.href };
  }
}
