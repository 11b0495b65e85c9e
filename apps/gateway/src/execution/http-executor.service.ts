import { Injectable } from '@nestjs/common';
import { HTTP_METHODS, HttpPayloadV1, ResultSetV1 } from '@verity/contracts';
import { HttpTarget } from '../connections/http-target';
import {
  decodeBody,
  isUnderBase,
  REDIRECT_STATUSES,
  requestBody,
  requestHeaders,
  requestUrl,
  responseHeaders,
  scrubBytes,
  toHttpResultSet,
} from './http-request';
import { TargetError } from './target-error';

export interface HttpExecuteOptions {
  /** Only GET and HEAD may run (the decision's read-only obligation). */
  readOnly: boolean;
}

/** Redirects followed at most, and only while they stay under the base URL. */
export const MAX_REDIRECTS = 3;

const SAFE_METHODS = new Set(['GET', 'HEAD']);
/** undici's own timeouts (connect, headers, body) are timeouts too. */
const UNDICI_TIMEOUTS = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/**
 * Sends one http.request to an HTTP target with the connection's own credentials (Node's fetch,
 * i.e. undici): only under the connection's base URL, redirects followed only while they stay
 * under it, one deadline for the whole exchange, the response size capped while it streams.
 */
@Injectable()
export class HttpExecutor {
  async run(target: HttpTarget, payload: HttpPayloadV1, options: HttpExecuteOptions): Promise<ResultSetV1> {
    if (!(HTTP_METHODS as readonly string[]).includes(payload.method)) {
      throw new TargetError(
        'TARGET.METHOD_REJECTED',
        `the method ${String(payload.method).slice(0, 16)} is not allowed`,
      );
    }
    if (SAFE_METHODS.has(payload.method) && payload.body !== undefined) {
      throw new TargetError('TARGET.BODY_REJECTED', `a ${payload.method} request has no body`);
    }
    if (options.readOnly && !SAFE_METHODS.has(payload.method)) {
      throw new TargetError('TARGET.WRITE_REJECTED', 'the decision allows only reads (GET, HEAD) on this action');
    }
    let url = requestUrl(target.baseUrl, payload.path, payload.query);
    const headers = requestHeaders(payload.headers, target.fixedHeaders, target.credentialHeaders());
    let body = requestBody(payload, headers);
    let method: string = payload.method;

    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, target.timeoutMs);
    try {
      for (let hops = 0; ; hops++) {
        const res = await fetch(url, { method, headers, body, redirect: 'manual', signal: controller.signal });
        const location = res.headers.get('location');
        if (!REDIRECT_STATUSES.has(res.status) || location === null) {
          const bytes = await readCapped(res, target.maxResponseBytes, controller);
          const secrets = target.secrets();
          return toHttpResultSet(
            res.status,
            responseHeaders(res.headers, Object.keys(target.credentialHeaders()), secrets),
            decodeBody(scrubBytes(bytes, secrets), res.headers.get('content-type')),
          );
        }
        await res.body?.cancel().catch(() => undefined);
        url = nextHop(target, url, location, hops);
        // As fetch does: 303 turns into GET, and so do 301/302 after a POST; the body goes.
        if ((res.status === 303 && method !== 'HEAD') || ([301, 302].includes(res.status) && method === 'POST')) {
          method = 'GET';
          body = undefined;
          delete headers['content-type'];
        }
      }
    } catch (err) {
      throw classifyHttpError(err, target, timedOut);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Where a redirect leads, if the gateway may follow it; the Location is never echoed. */
function nextHop(target: HttpTarget, from: URL, location: string, hops: number): URL {
  if (hops >= MAX_REDIRECTS) {
    throw new TargetError('TARGET.REDIRECT_REJECTED', `the target redirected more than ${MAX_REDIRECTS} times`);
  }
  let next: URL;
  try {
    next = new URL(location, from);
  } catch {
    throw new TargetError('TARGET.REDIRECT_REJECTED', 'the target redirected to an invalid location');
  }
  if (!isUnderBase(target.baseUrl, next)) {
    throw new TargetError(
      'TARGET.REDIRECT_REJECTED',
      `the target redirected outside the base URL of connection ${target.name}`,
    );
  }
  return next;
}

/**
 * The whole body, or TARGET.OVERSIZE_REJECTED as soon as more than `limit` bytes (after
 * content decoding) have arrived: the exchange is aborted and nothing partial is kept.
 */
async function readCapped(res: Response, limit: number, controller: AbortController): Promise<Buffer> {
  const tooLarge = () =>
    new TargetError('TARGET.OVERSIZE_REJECTED', `the response is larger than the connection's ${limit}-byte cap`, {
      limitBytes: limit,
    });
  const declared = Number(res.headers.get('content-length'));
  if (!res.headers.has('content-encoding') && Number.isFinite(declared) && declared > limit) {
    controller.abort();
    throw tooLarge();
  }
  if (!res.body) return Buffer.alloc(0);
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      controller.abort();
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, total);
}

/**
 * A fetch failure as a TargetError. The client's own text (host, port, address) never passes
 * through: a target that cannot be reached is `connection <name> is unavailable`.
 */
export function classifyHttpError(
  err: unknown,
  target: Pick<HttpTarget, 'name' | 'timeoutMs'>,
  timedOut: boolean,
): TargetError {
  if (err instanceof TargetError) return err;
  const cause = (err as { cause?: { code?: unknown } } | undefined)?.cause;
  if (timedOut || (typeof cause?.code === 'string' && UNDICI_TIMEOUTS.has(cause.code))) {
    return new TargetError('TARGET.TIMEOUT', `the target did not answer within the ${target.timeoutMs} ms timeout`);
  }
  return new TargetError('TARGET.UNAVAILABLE', `connection ${target.name} is unavailable`);
}
