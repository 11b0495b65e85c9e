import { FormEvent, useState } from 'react';
import { ApiError, audit, gateway, PendingReview } from '../api';
import { ErrorBox, Show, time, useLoad } from '../common';
import { Link } from '../router';
import { ReviewHistory } from './action';

/** The pending-review queue (the gateway's, oldest first) with approve / reject, and concluded reviews from audit. */
export function ReviewsPage() {
  const queue = useLoad(() => gateway.reviews(), []);
  const past = useLoad(() => audit.reviews(), []);
  // Verdicts given here, kept above the queue: a judged review leaves the queue when it reloads.
  const [given, setGiven] = useState<string[]>([]);
  const judged = (message: string) => {
    setGiven((before) => [message, ...before]);
    queue.reload();
    past.reload();
  };
  return (
    <>
      <h1>Reviews</h1>
      <section aria-labelledby="h-queue">
        <h2 id="h-queue">Waiting for a verdict</h2>
        <p>
          <button type="button" onClick={queue.reload} disabled={queue.loading}>
            Refresh
          </button>
        </p>
        <ul className="plain" role="status" aria-label="Verdicts given">
          {given.map((message, i) => (
            <li key={i} className="ok-text" data-testid="verdict-given">
              {message}
            </li>
          ))}
        </ul>
        <Show loaded={queue}>
          {(reviews) =>
            reviews.length === 0 ? (
              <p>Nothing is waiting for review.</p>
            ) : (
              <ul className="queue">
                {reviews.map((r) => (
                  <ReviewCard key={r.actionId} review={r} onJudged={judged} />
                ))}
              </ul>
            )
          }
        </Show>
      </section>
      <section aria-labelledby="h-past">
        <h2 id="h-past">All reviews (audit record)</h2>
        <Show loaded={past}>
          {(data) =>
            data.reviews.length === 0 ? (
              <p>None yet.</p>
            ) : (
              <ul className="plain">
                {data.reviews.map((r) => (
                  <li key={r.reviewId}>
                    <Link to={`/actions/${r.actionId ?? r.reviewId}`}>Action {r.actionId ?? r.reviewId}</Link>
                    <ReviewHistory reviews={[r]} />
                  </li>
                ))}
              </ul>
            )
          }
        </Show>
      </section>
    </>
  );
}

function ReviewCard({ review: r, onJudged }: { review: PendingReview; onJudged: (message: string) => void }) {
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  const id = `comment-${r.actionId}`;
  const judge = async (verdict: 'approve' | 'reject', e?: FormEvent) => {
    e?.preventDefault();
    if (!comment.trim()) return setError(new ApiError(400, 'REQUEST.INVALID', 'a comment is required'));
    setBusy(true);
    setError(null);
    try {
      const answer = await gateway.judge(r.actionId, verdict, comment.trim(), r.payloadDigest);
      const what = `${r.operation} on ${r.connection} for ${r.requester.subject}`;
      onJudged(
        `${verdict === 'approve' ? 'Approved' : 'Rejected'} ${what}: review ${answer.outcome}` +
          (answer.complete ? '' : ` (${answer.approvals} of ${answer.requiredApprovals} approvals)`),
      );
    } catch (err) {
      setError(err as Error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <li className="card" data-testid="review-card" data-action-id={r.actionId}>
      <h3>
        <code>{r.operation}</code> on <code>{r.connection}</code> for {r.requester.subject}
        {r.requester.actingParties?.length ? ` via ${r.requester.actingParties.map((p) => p.subject).join(' → ')}` : ''}
      </h3>
      {r.payload?.sql && <pre className="sql">{r.payload.sql}</pre>}
      {r.payload?.params?.length ? <p>Parameters: {JSON.stringify(r.payload.params)}</p> : null}
      <p>
        <span className="label">Agent's thought:</span> {r.agent?.thought ?? '—'}
      </p>
      <p>
        Held because: {r.reasons.join('; ') || '—'} (policies {r.policyIds.join(', ') || '—'}). Needs{' '}
        {r.requiredApprovals} approval(s), has {r.approvals.length}. Requested {time(r.requestedAt)}, expires{' '}
        {time(r.expiresAt)}. <Link to={`/sessions/${encodeURIComponent(r.sessionId)}`}>Session</Link> ·{' '}
        <Link to={`/actions/${r.actionId}`}>Action</Link>
      </p>
      <form onSubmit={(e) => judge('approve', e)}>
        <label htmlFor={id}>Comment (required)</label>
        <textarea id={id} rows={2} value={comment} onChange={(e) => setComment(e.target.value)} maxLength={2000} />
        <div className="buttons">
          <button type="submit" disabled={busy}>
            Approve
          </button>
          <button type="button" className="danger" disabled={busy} onClick={() => judge('reject')}>
            Reject
          </button>
        </div>
        {error && <ErrorBox error={error} />}
      </form>
    </li>
  );
}
