import { audit } from '../api';
import { identityText, Pill, Show, time, useLoad } from '../common';
import { Link } from '../router';

export function AlertsPage() {
  const loaded = useLoad(() => audit.alerts(), []);
  return (
    <>
      <h1>Alerts</h1>
      <p>
        <button type="button" onClick={loaded.reload} disabled={loaded.loading}>
          Refresh
        </button>
      </p>
      <Show loaded={loaded}>
        {(data) =>
          data.alerts.length === 0 ? (
            <p>No alerts.</p>
          ) : (
            <table>
              <thead>
                <tr>
                  <th scope="col">Raised</th>
                  <th scope="col">Severity</th>
                  <th scope="col">Kind</th>
                  <th scope="col">Identity</th>
                  <th scope="col">Message</th>
                  <th scope="col">Where</th>
                </tr>
              </thead>
              <tbody>
                {data.alerts.map((a) => (
                  <tr key={a.alertId}>
                    <td>{time(a.raisedAt)}</td>
                    <td>
                      <Pill value={a.severity} />
                    </td>
                    <td>{a.kind}</td>
                    <td>{identityText(a.identity)}</td>
                    <td>{a.message}</td>
                    <td>
                      {a.actionId ? (
                        <Link to={`/actions/${a.actionId}`}>action</Link>
                      ) : a.sessionId ? (
                        <Link to={`/sessions/${encodeURIComponent(a.sessionId)}`}>session</Link>
                      ) : (
                        '—'
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Show>
    </>
  );
}
