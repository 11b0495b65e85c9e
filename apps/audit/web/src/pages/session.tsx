import { Action, audit } from '../api';
import { identityText, Pill, Show, time, useLoad } from '../common';
import { Link } from '../router';
import { ReviewHistory } from './action';

/** One agent session as a ReAct timeline: thought → action → decision → review → result, step by step. */
export function SessionPage({ sessionId }: { sessionId: string }) {
  const loaded = useLoad(() => audit.session(sessionId), [sessionId]);
  return (
    <>
      <h1>
        Session <code>{sessionId}</code>
      </h1>
      <p>
        <button type="button" onClick={loaded.reload} disabled={loaded.loading}>
          Refresh
        </button>
      </p>
      <Show loaded={loaded}>
        {(session) => (
          <ol className="timeline" aria-label="Timeline">
            {session.actions.map((a) => (
              <Step key={a.actionId} action={a} />
            ))}
          </ol>
        )}
      </Show>
    </>
  );
}

function Step({ action: a }: { action: Action }) {
  return (
    <li className="step">
      <section className="thought" aria-label={`Step ${a.step ?? '?'}: the agent's reasoning`}>
        <h2>Step {a.step ?? '—'}</h2>
        <p className="label">Thought</p>
        <blockquote data-testid="thought">{a.thought ?? <em>no reasoning given</em>}</blockquote>
        <p className="meta">
          {a.tool && <>tool {a.tool} · </>}
          {a.model && <>model {a.model}</>}
        </p>
      </section>
      <section className="events" aria-label={`Step ${a.step ?? '?'}: what happened`}>
        <div>
          <p className="label">Action</p>
          <p>
            <code>{a.operation}</code> on <code>{a.connection}</code> by {identityText(a.identity)}
            {a.actor?.actingParties?.length
              ? ` via ${a.actor.actingParties.map((p) => p.subject).join(' → ')}`
              : ''}, {time(a.requestedAt)}
          </p>
          {a.sql && <pre className="sql">{a.sql}</pre>}
        </div>
        <div>
          <p className="label">Decision</p>
          <p>
            <Pill value={a.decision} /> {a.reasons?.join('; ')}
            {a.policyIds?.length ? <> (policies: {a.policyIds.join(', ')})</> : null}
          </p>
        </div>
        {(a.reviews?.length || a.decision === 'review') && (
          <div>
            <p className="label">Review</p>
            {a.reviews?.length ? <ReviewHistory reviews={a.reviews} /> : <p>held for review</p>}
          </div>
        )}
        <div>
          <p className="label">Result</p>
          <p>
            <Pill value={a.status} />{' '}
            {a.result && (
              <>
                {a.result.rowCount} row{a.result.rowCount === 1 ? '' : 's'}
                {a.masking?.maskedValues ? `, ${a.masking.maskedValues} value(s) masked` : ''}
              </>
            )}
            {a.error && (
              <>
                {a.error.code}: {a.error.message}
              </>
            )}
          </p>
        </div>
        <p>
          <Link to={`/actions/${a.actionId}`}>Action details and ledger proof</Link>
        </p>
      </section>
    </li>
  );
}
