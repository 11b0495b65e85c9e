import { useState } from 'react';
import { claimsOf, token } from './api';
import { ActionPage } from './pages/action';
import { AlertsPage } from './pages/alerts';
import { LivePage } from './pages/live';
import { ReviewsPage } from './pages/reviews';
import { SessionPage } from './pages/session';
import { SessionsPage } from './pages/sessions';
import { SignIn } from './pages/sign-in';
import { Link, navigate, usePath } from './router';

const NAV: [string, string][] = [
  ['/', 'Sessions'],
  ['/live', 'Live'],
  ['/reviews', 'Reviews'],
  ['/alerts', 'Alerts'],
];

function route(path: string) {
  const [, first, id] = path.split('/').map(decodeURIComponent);
  if (first === 'sessions' && id) return <SessionPage sessionId={id} />;
  if (first === 'actions' && id) return <ActionPage actionId={id} />;
  if (first === 'live') return <LivePage />;
  if (first === 'reviews') return <ReviewsPage />;
  if (first === 'alerts') return <AlertsPage />;
  if (!first || first === 'sessions') return <SessionsPage />;
  return (
    <p role="alert">
      Nothing here. <Link to="/">Back to the sessions</Link>.
    </p>
  );
}

export function App() {
  const path = usePath();
  const [bearer, setBearer] = useState(token.get());
  if (!bearer) return <SignIn onSignedIn={() => setBearer(token.get())} />;
  const claims = claimsOf(bearer);
  const signOut = () => {
    token.clear();
    setBearer(null);
    navigate('/');
  };
  const current = (to: string) => (to === '/' ? path === '/' || path.startsWith('/sessions') : path.startsWith(to));
  return (
    <>
      <header>
        <a className="skip" href="#main">
          Skip to content
        </a>
        <strong className="brand">Verity explorer</strong>
        <nav aria-label="Main">
          <ul>
            {NAV.map(([to, label]) => (
              <li key={to}>
                <Link to={to} aria-current={current(to) ? 'page' : undefined}>
                  {label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <span className="who">
          Signed in as <strong data-testid="signed-in-as">{claims?.sub ?? 'unknown'}</strong>
          {claims?.groups?.length ? ` (${claims.groups.join(', ')})` : ''}{' '}
          <button type="button" onClick={signOut}>
            Sign out
          </button>
        </span>
      </header>
      <main id="main">{route(path)}</main>
    </>
  );
}
