// A small HTTP client for the security tests: raw paths (percent-encoding left as given, dot
// segments kept), any header and body bytes, and a hard deadline so that a hang fails the test.
import http from 'node:http';

export interface RawAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  ms: number;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });

export function rawRequest(
  base: string,
  init: { method: string; path: string; headers?: Record<string, string>; body?: Buffer | string; timeoutMs?: number },
): Promise<RawAnswer> {
  const url = new URL(base);
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        method: init.method,
        path: init.path,
        headers: init.headers,
        agent,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
            ms: Date.now() - started,
          }),
        );
        res.on('error', reject);
      },
    );
    req.setTimeout(init.timeoutMs ?? 15_000, () =>
      req.destroy(new Error(`no answer to ${init.method} ${init.path} within ${init.timeoutMs ?? 15_000} ms (hang)`)),
    );
    req.on('error', reject);
    req.end(init.body);
  });
}

export function closeRawAgent(): void {
  agent.destroy();
}

const CODE = /^[A-Z][A-Z0-9_]*\.[A-Z][A-Z0-9_]*$/;

/**
 * What every refusal must look like: a 4xx (never 5xx) whose JSON body carries a stable
 * `<DOMAIN>.<REASON>` code. Returns a description of what is wrong, or undefined.
 */
export function refusalProblem(answer: RawAnswer, method: string, jsonRpc = false): string | undefined {
  if (answer.status >= 500 || answer.status < 200) return `status ${answer.status}: ${answer.body.slice(0, 300)}`;
  if (answer.status < 400 || method === 'HEAD') return undefined;
  let parsed: { error?: { code?: unknown }; jsonrpc?: unknown };
  try {
    parsed = JSON.parse(answer.body) as typeof parsed;
  } catch {
    return `status ${answer.status} without a JSON body: ${answer.body.slice(0, 300)}`;
  }
  const code = parsed.error?.code;
  if (typeof code === 'string' && CODE.test(code)) return undefined;
  // The MCP endpoint speaks JSON-RPC 2.0: its errors carry the numeric JSON-RPC code.
  if (jsonRpc && parsed.jsonrpc === '2.0' && typeof code === 'number') return undefined;
  return `status ${answer.status} without a stable error code: ${answer.body.slice(0, 300)}`;
}
