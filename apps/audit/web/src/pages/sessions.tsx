import { FormEvent, useState } from 'react';
import { audit, SessionSummary } from '../api';
import { ErrorBox, identityText, time, useLoad } from '../common';
import { Link, navigate } from '../router';

export function SessionsPage() {
  const [cursor, setCursor] = useState<string | undefined>();
  const [pages, setPages] = useState<SessionSummary[]>([]);
  const loaded = useLoad(async () => {
    const page = await audit.sessions({ limit: 50, cursor });
    setPages((before) => (cursor ? [...before, ...page.sessions] : page.sessions));
    return page;
  }, [cursor]);
  const [wanted, setWanted] = useState('');
  const open = (e: FormEvent) => {
    e.preventDefault();
    if (wanted.trim()) navigate(`/sessions/${encodeURIComponent(wanted.trim())}`);
  };
  return (
    <>
      <h1>Agent sessions</h1>
      <form className="inline" onSubmit={open}>
        <label htmlFor="session-id">Open a session by id</label>
        <input id="session-id" value={wanted} onChange={(e) => setWanted(e.target.value)} />
        <button type="submit">Open</button>
      </form>
      {loaded.error && <ErrorBox error={loaded.error} />}
      {!loaded.error && loaded.data === undefined && <p aria-busy="true">Loading…</p>}
      {loaded.data && pages.length === 0 && <p>No sessions yet.</p>}
      {pages.length > 0 && (
        <table>
          <caption>Most recent activity first</caption>
          <thead>
            <tr>
              <th scope="col">Session</th>
              <th scope="col">Identity</th>
              <th scope="col">Agent</th>
              <th scope="col">Actions</th>
              <th scope="col">Denied</th>
              <th scope="col">Pending review</th>
              <th scope="col">First</th>
              <th scope="col">Last</th>
            </tr>
          </thead>
          <tbody>
            {pages.map((s) => (
              <tr key={s.sessionId}>
                <td>
                  <Link to={`/sessions/${encodeURIComponent(s.sessionId)}`}>{s.sessionId}</Link>
                </td>
                <td>{identityText(s.identity)}</td>
                <td>{s.agent ?? '—'}</td>
                <td className="num">{s.actionCount}</td>
                <td className="num">{s.deniedCount}</td>
                <td className="num">{s.pendingReviewCount}</td>
                <td>{time(s.firstAt)}</td>
                <td>{time(s.lastAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {loaded.data?.nextCursor && (
        <button type="button" onClick={() => setCursor(loaded.data?.nextCursor ?? undefined)} disabled={loaded.loading}>
          More sessions
        </button>
      )}
    </>
  );
}
