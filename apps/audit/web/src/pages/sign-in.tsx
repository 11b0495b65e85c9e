import { FormEvent, useState } from 'react';
import { claimsOf, token } from '../api';

/** Sign-in: paste an access token (an OIDC one, or in development `npm run token`). */
export function SignIn({ onSignedIn }: { onSignedIn: () => void }) {
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const claims = claimsOf(value.trim());
    if (!claims) return setError('That is not a JWT (three base64url parts separated by dots).');
    if (claims.exp && claims.exp * 1000 < Date.now()) return setError('That token has expired.');
    token.set(value);
    onSignedIn();
  };
  return (
    <main id="main" className="sign-in">
      <h1>Verity explorer</h1>
      <form onSubmit={submit}>
        <label htmlFor="token">Access token</label>
        <p className="hint" id="token-hint">
          Paste a bearer token whose groups include <code>compliance</code> (and <code>approvers</code> to judge
          reviews). In development: <code>npm run token -- --sub carol --groups compliance,approvers</code>. The token
          stays in this tab only (session storage).
        </p>
        <textarea
          id="token"
          name="token"
          rows={6}
          required
          aria-describedby="token-hint"
          value={value}
          onChange={(e) => setValue(e.target.value)}
          spellCheck={false}
          autoComplete="off"
        />
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit">Sign in</button>
      </form>
    </main>
  );
}
