import { useEffect, useRef, useState } from 'react';
import { Action, audit, loadConfig } from '../api';
import { ErrorBox, identityText, Pill, time } from '../common';
import { Link } from '../router';

/**
 * Actions as they land: polls the newest page of GET /v1/audit/actions every `pollMs` while the
 * tab is visible (a bearer-token API works with fetch; EventSource cannot send the header) and
 * merges it in, so new actions appear and status changes show.
 */
export function LivePage() {
  const [actions, setActions] = useState<Action[]>([]);
  const [fresh, setFresh] = useState<Set<string>>(new Set());
  const [error, setError] = useState<Error | null>(null);
  const [checkedAt, setCheckedAt] = useState<Date | null>(null);
  const [paused, setPaused] = useState(false);
  const seen = useRef<Set<string> | null>(null);

  useEffect(() => {
    if (paused) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    const tick = async () => {
      const { pollMs } = await loadConfig().catch(() => ({ pollMs: 2000 }));
      if (document.visibilityState === 'visible') {
        try {
          const page = await audit.actions({ limit: 50 });
          if (stopped) return;
          const known = seen.current;
          const added = page.actions.filter((a) => known && !known.has(a.actionId)).map((a) => a.actionId);
          seen.current = new Set([...(known ?? []), ...page.actions.map((a) => a.actionId)]);
          setActions(page.actions);
          setFresh(new Set(added));
          setError(null);
          setCheckedAt(new Date());
        } catch (err) {
          if (!stopped) setError(err as Error);
        }
      }
      if (!stopped) timer = setTimeout(tick, pollMs);
    };
    void tick();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [paused]);

  return (
    <>
      <h1>Live</h1>
      <p>
        <button type="button" onClick={() => setPaused(!paused)}>
          {paused ? 'Resume' : 'Pause'}
        </button>{' '}
        <span aria-live="polite">
          {paused ? 'Paused.' : checkedAt ? `Updated ${checkedAt.toLocaleTimeString()}` : 'Connecting…'}
          {fresh.size > 0 && ` — ${fresh.size} new action${fresh.size === 1 ? '' : 's'}`}
        </span>
      </p>
      {error && <ErrorBox error={error} />}
      <table data-testid="live-table">
        <caption>The 50 newest actions</caption>
        <thead>
          <tr>
            <th scope="col">Requested</th>
            <th scope="col">Identity</th>
            <th scope="col">Session / step</th>
            <th scope="col">Operation</th>
            <th scope="col">Decision</th>
            <th scope="col">Status</th>
          </tr>
        </thead>
        <tbody>
          {actions.map((a) => (
            <tr key={a.actionId} className={fresh.has(a.actionId) ? 'fresh' : undefined}>
              <td>
                <Link to={`/actions/${a.actionId}`}>{time(a.requestedAt)}</Link>
              </td>
              <td>{identityText(a.identity)}</td>
              <td>
                <Link to={`/sessions/${encodeURIComponent(a.sessionId)}`}>{a.sessionId}</Link> / {a.step ?? '—'}
              </td>
              <td>
                <code>{a.operation}</code> on <code>{a.connection}</code>
              </td>
              <td>
                <Pill value={a.decision} />
              </td>
              <td>
                <Pill value={a.status} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
