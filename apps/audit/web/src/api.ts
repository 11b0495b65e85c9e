/**
 * The explorer's HTTP calls: the audit API (same origin), the ledger's read endpoints through
 * audit's `/ledger` proxy (same origin), and the gateway's reviewer API (its URL comes from
 * `/explorer-config.json`; the gateway allows this origin by GATEWAY_CORS_ORIGINS).
 * The bearer token lives in sessionStorage: gone when the tab closes.
 */

const TOKEN_KEY = 'verity.explorer.token';

export interface ExplorerConfig {
  /** The gateway as the browser reaches it, e.g. http://127.0.0.1:8080. */
  gatewayUrl: string;
  /** A pinned ledger verifier key (`name+id+key`); when null the ledger's own is fetched. */
  ledgerVerifierKey: string | null;
  /** Live view refresh interval. */
  pollMs: number;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export const token = {
  get: (): string | null => sessionStorage.getItem(TOKEN_KEY),
  set: (value: string): void => sessionStorage.setItem(TOKEN_KEY, value.trim()),
  clear: (): void => sessionStorage.removeItem(TOKEN_KEY),
};

/** The token's claims, decoded without verifying (the servers verify it); for display only. */
export function claimsOf(jwt: string): { sub?: string; groups?: string[]; exp?: number } | null {
  const part = jwt.split('.')[1];
  if (!part) return null;
  try {
    const json = atob(
      part
        .replace(/-/g, '+')
        .replace(/_/g, '/')
        .padEnd(Math.ceil(part.length / 4) * 4, '='),
    );
    return JSON.parse(json) as { sub?: string; groups?: string[]; exp?: number };
  } catch {
    return null;
  }
}

async function call<T>(url: string, init: RequestInit = {}, auth = true): Promise<T> {
  const headers = new Headers(init.headers);
  const bearer = token.get();
  if (auth && bearer) headers.set('authorization', `Bearer ${bearer}`);
  if (init.body) headers.set('content-type', 'application/json');
  let res: Response;
  try {
    res = await fetch(url, { ...init, headers });
  } catch (err) {
    throw new ApiError(0, 'NETWORK', `cannot reach ${new URL(url, location.href).origin}: ${(err as Error).message}`);
  }
  const text = await res.text();
  let body: unknown = undefined;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (!res.ok) {
    const error = (body as { error?: { code?: string; message?: string } } | undefined)?.error;
    throw new ApiError(res.status, error?.code ?? `HTTP_${res.status}`, error?.message ?? res.statusText);
  }
  return body as T;
}

let configPromise: Promise<ExplorerConfig> | null = null;
export const loadConfig = (): Promise<ExplorerConfig> =>
  (configPromise ??= call<ExplorerConfig>('/explorer-config.json', {}, false));

const query = (params: Record<string, string | number | undefined>): string => {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
};

// ---- audit (same origin) ----

export interface Identity {
  subject: string;
  issuer: string;
  kind: string;
}

export interface Verdict {
  approver: string;
  verdict: string;
  comment: string | null;
  at: string;
}

export interface AuditReview {
  reviewId: string;
  actionId?: string;
  state: string;
  requiredApprovals: number;
  reasons: string[] | null;
  requestedAt: string | null;
  expiresAt: string | null;
  concludedAt: string | null;
  verdicts: Verdict[];
}

export interface LedgerRefView {
  origin?: string;
  shard?: number;
  index: number;
  type?: string;
  leafHash: string;
}

export interface ResultSet {
  columns: string[];
  rows: unknown[][];
  rowCount: number;
  truncated: boolean;
}

export interface Action {
  actionId: string;
  sessionId: string;
  status: string;
  identity: Identity | null;
  actor: { subject: string; actingParties?: { subject: string }[]; groups?: string[] } | null;
  agent?: string | null;
  connection: string | null;
  operation: string | null;
  sql: string | null;
  params: unknown[] | null;
  step: number | null;
  thought: string | null;
  tool: string | null;
  model: string | null;
  requestedAt: string | null;
  decision: string | null;
  reasons: string[] | null;
  policyIds: string[] | null;
  bundleRevision: string | null;
  result: ResultSet | null;
  masking: {
    profile: string;
    maskedValues: number;
    fields: { field: string; entities: Record<string, number> }[];
  } | null;
  error: { stage: string | null; code: string; message: string | null } | null;
  completedAt: string | null;
  reviews?: AuditReview[];
  ledgerRefs: LedgerRefView[];
}

export interface SessionSummary {
  sessionId: string;
  identity: Identity | null;
  agent: string | null;
  firstAt: string;
  lastAt: string;
  actionCount: number;
  deniedCount: number;
  pendingReviewCount: number;
}

export interface Alert {
  alertId: string;
  kind: string;
  severity: string;
  identity: string | Identity | null;
  sessionId: string | null;
  actionId: string | null;
  message: string;
  raisedAt: string;
}

export const audit = {
  actions: (filters: Record<string, string | number | undefined> = {}) =>
    call<{ actions: Action[]; nextCursor: string | null }>(`/v1/audit/actions${query(filters)}`),
  action: (id: string) => call<Action>(`/v1/audit/actions/${encodeURIComponent(id)}`),
  sessions: (filters: Record<string, string | number | undefined> = {}) =>
    call<{ sessions: SessionSummary[]; nextCursor: string | null }>(`/v1/audit/sessions${query(filters)}`),
  session: (id: string) =>
    call<{ sessionId: string; actions: Action[] }>(`/v1/audit/sessions/${encodeURIComponent(id)}`),
  reviews: (state?: string) => call<{ reviews: AuditReview[] }>(`/v1/audit/reviews${query({ state })}`),
  alerts: () => call<{ alerts: Alert[] }>('/v1/audit/alerts'),
};

// ---- ledger (public read endpoints, through audit's /ledger proxy) ----

export const ledgerGet = (path: string): Promise<unknown> => call<unknown>(`/ledger${path}`, {}, false);

// ---- gateway (reviewer API) ----

export interface PendingReview {
  actionId: string;
  sessionId: string;
  status: string;
  requester: { subject: string; actingParties?: { subject: string }[] };
  connection: string;
  operation: string;
  payload: { sql?: string; params?: unknown[] } | null;
  payloadDigest: string;
  agent: { step?: number; thought?: string; tool?: string; model?: string };
  reasons: string[];
  policyIds: string[];
  requiredApprovals: number;
  approvals: { subject: string; comment?: string; at: string }[];
  expiresAt: string;
  requestedAt: string;
}

export interface VerdictAnswer {
  actionId: string;
  verdict: string;
  outcome: string;
  approvals: number;
  requiredApprovals: number;
  complete: boolean;
}

export const gateway = {
  reviews: async () => call<PendingReview[]>(`${(await loadConfig()).gatewayUrl}/v1/reviews`),
  judge: async (actionId: string, verdict: 'approve' | 'reject', comment: string, payloadDigest: string) =>
    call<VerdictAnswer>(`${(await loadConfig()).gatewayUrl}/v1/reviews/${encodeURIComponent(actionId)}/${verdict}`, {
      method: 'POST',
      body: JSON.stringify({ comment, payloadDigest }),
    }),
};
