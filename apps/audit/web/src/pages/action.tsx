import { Action, audit, AuditReview, ledgerGet, loadConfig, ResultSet } from '../api';
import { identityText, Pill, Show, time, useLoad } from '../common';
import { Link } from '../router';
import { parseVerifierKey } from '../verify/note';
import { verifyEntries } from '../verify/verify-entry';

export function ActionPage({ actionId }: { actionId: string }) {
  const loaded = useLoad(() => audit.action(actionId), [actionId]);
  return (
    <>
      <h1>
        Action <code>{actionId}</code>
      </h1>
      <Show loaded={loaded}>{(a) => <ActionDetail action={a} />}</Show>
    </>
  );
}

function ActionDetail({ action: a }: { action: Action }) {
  return (
    <>
      <p>
        <Link to={`/sessions/${encodeURIComponent(a.sessionId)}`}>Session {a.sessionId}</Link> · step {a.step ?? '—'} ·
        status <Pill value={a.status} />
      </p>
      <VerifiedBadge action={a} />
      <section aria-labelledby="h-request">
        <h2 id="h-request">Request</h2>
        <dl>
          <dt>Identity</dt>
          <dd>
            {identityText(a.identity)} ({a.identity?.kind ?? '—'}, issuer {a.identity?.issuer ?? '—'})
          </dd>
          {a.actor?.actingParties?.length ? (
            <>
              <dt>Acting parties</dt>
              <dd>{a.actor.actingParties.map((p) => p.subject).join(' → ')}</dd>
            </>
          ) : null}
          <dt>Connection / operation</dt>
          <dd>
            <code>{a.connection}</code> / <code>{a.operation}</code>
          </dd>
          <dt>Requested</dt>
          <dd>{time(a.requestedAt)}</dd>
          <dt>Agent's thought</dt>
          <dd>
            <blockquote>{a.thought ?? '—'}</blockquote>
            {a.tool && <>tool {a.tool} </>}
            {a.model && <>· model {a.model}</>}
          </dd>
        </dl>
        {a.sql && <pre className="sql">{a.sql}</pre>}
        {a.params?.length ? <p>Parameters: {JSON.stringify(a.params)}</p> : null}
      </section>
      <section aria-labelledby="h-decision">
        <h2 id="h-decision">Decision</h2>
        <p>
          <Pill value={a.decision} /> {a.reasons?.join('; ')}
        </p>
        <p>
          Policies: {a.policyIds?.length ? a.policyIds.map((p) => <code key={p}>{p} </code>) : '—'} · bundle revision{' '}
          <code>{a.bundleRevision ?? '—'}</code>
        </p>
      </section>
      <section aria-labelledby="h-approvals">
        <h2 id="h-approvals">Approvals</h2>
        {a.reviews?.length ? <ReviewHistory reviews={a.reviews} /> : <p>No review was needed.</p>}
      </section>
      <section aria-labelledby="h-result">
        <h2 id="h-result">Result (masked)</h2>
        {a.error && (
          <p className="error">
            {a.error.stage ? `${a.error.stage}: ` : ''}
            {a.error.code} {a.error.message}
          </p>
        )}
        {a.result ? <ResultTable result={a.result} /> : !a.error && <p>No result (yet).</p>}
        {a.masking && (
          <p>
            Masking profile <code>{a.masking.profile}</code>: {a.masking.maskedValues} value(s) masked
            {a.masking.fields.length
              ? ` in ${a.masking.fields.map((f) => `${f.field} (${Object.keys(f.entities).join(', ')})`).join('; ')}`
              : ''}
            . Completed {time(a.completedAt)}.
          </p>
        )}
      </section>
    </>
  );
}

export function ReviewHistory({ reviews }: { reviews: AuditReview[] }) {
  return (
    <ul className="reviews">
      {reviews.map((r) => (
        <li key={r.reviewId}>
          <Pill value={r.state} /> needs {r.requiredApprovals} approval(s); requested {time(r.requestedAt)}
          {r.concludedAt ? `, concluded ${time(r.concludedAt)}` : `, expires ${time(r.expiresAt)}`}
          {r.verdicts.length > 0 && (
            <ul>
              {r.verdicts.map((v, i) => (
                <li key={i}>
                  <strong>{v.approver}</strong> {v.verdict}d {time(v.at)}
                  {v.comment ? <>: “{v.comment}”</> : null}
                </li>
              ))}
            </ul>
          )}
        </li>
      ))}
    </ul>
  );
}

export function ResultTable({ result }: { result: ResultSet }) {
  return (
    <div className="scroll">
      <table data-testid="result-table">
        <caption>
          {result.rowCount} row{result.rowCount === 1 ? '' : 's'}
          {result.truncated ? ' (cut short by the row cap)' : ''}
        </caption>
        <thead>
          <tr>
            {result.columns.map((c) => (
              <th scope="col" key={c}>
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {result.rows.map((row, i) => (
            <tr key={i}>
              {row.map((cell, j) => (
                <td key={j}>
                  {cell === null ? <em>null</em> : typeof cell === 'object' ? JSON.stringify(cell) : String(cell)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/**
 * Checks, here in the browser, each of the action's ledger entries against the signed
 * checkpoint of its shard (src/verify). The key is the pinned one from the explorer's
 * configuration when set, else the one the ledger publishes (which the badge says).
 */
function VerifiedBadge({ action }: { action: Action }) {
  const check = useLoad(async () => {
    const config = await loadConfig();
    const pinned = config.ledgerVerifierKey;
    const text = pinned ?? ((await ledgerGet('/v1/ledger/public-key')) as { verifierKey: string }).verifierKey;
    const key = await parseVerifierKey(text);
    return { pinned: pinned !== null, ...(await verifyEntries(ledgerGet, action.actionId, action.ledgerRefs, key)) };
  }, [action]);
  if (check.loading && !check.data)
    return (
      <p className="badge checking" role="status">
        Checking the ledger proofs…
      </p>
    );
  const verified = !check.error && check.data?.verified === true;
  return (
    <section aria-labelledby="h-ledger" className="ledger">
      <h2 id="h-ledger">Ledger</h2>
      <p role="status">
        <span
          className={`badge ${verified ? 'ok' : 'bad'}`}
          data-testid="verified-badge"
          data-verified={verified ? 'true' : 'false'}
        >
          {verified ? '✓ verified' : '✗ not verified'}
        </span>{' '}
        {verified
          ? `Every one of the ${check.data?.checks.length} ledger entries is in a checkpoint signed by the ledger's key${check.data?.pinned ? ' (pinned)' : ' (as the ledger publishes it)'}, checked in this browser.`
          : check.error
            ? check.error.message
            : action.ledgerRefs.length === 0
              ? 'The ledger holds no entry of this action yet.'
              : 'At least one entry could not be proven against a signed checkpoint.'}{' '}
        <button type="button" onClick={check.reload}>
          Check again
        </button>
      </p>
      {check.data && check.data.checks.length > 0 && (
        <table>
          <caption>Entries</caption>
          <thead>
            <tr>
              <th scope="col">Index</th>
              <th scope="col">Event</th>
              <th scope="col">Log</th>
              <th scope="col">Check</th>
            </tr>
          </thead>
          <tbody>
            {check.data.checks.map((c) => (
              <tr key={`${c.ref.origin}-${c.ref.index}`}>
                <td className="num">{c.ref.index}</td>
                <td>{c.ref.type ?? '—'}</td>
                <td>{c.ref.origin ?? `shard ${c.ref.shard ?? 0}`}</td>
                <td>
                  {c.verified ? '✓' : '✗'} {c.detail}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
