import { DependencyList, ReactNode, useCallback, useEffect, useState } from 'react';
import { ApiError } from './api';

export interface Loaded<T> {
  data?: T;
  error?: Error;
  loading: boolean;
  reload: () => void;
}

/** Runs `load` when `deps` change (and on reload()); keeps the last data while reloading. */
export function useLoad<T>(load: () => Promise<T>, deps: DependencyList): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: Error; loading: boolean }>({ loading: true });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (data) => live && setState({ data, loading: false }),
      (error: Error) => live && setState({ error, loading: false }),
    );
    return () => {
      live = false;
    };
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { ...state, reload };
}

export function ErrorBox({ error }: { error: Error }) {
  const code = error instanceof ApiError ? `${error.code}: ` : '';
  const hint =
    error instanceof ApiError && error.status === 401
      ? ' Your token was refused or has expired; sign out and paste a new one.'
      : error instanceof ApiError && error.status === 403
        ? ' Your token lacks the group this needs.'
        : '';
  return (
    <p className="error" role="alert">
      {code}
      {error.message}
      {hint}
    </p>
  );
}

export function Show<T>({ loaded, children }: { loaded: Loaded<T>; children: (data: T) => ReactNode }) {
  if (loaded.error) return <ErrorBox error={loaded.error} />;
  if (loaded.data === undefined) return <p aria-busy="true">Loading…</p>;
  return <>{children(loaded.data)}</>;
}

export const time = (iso: string | null | undefined): string => (iso ? new Date(iso).toLocaleString() : '—');

export function Pill({ value }: { value: string | null | undefined }) {
  return <span className={`pill pill-${value ?? 'none'}`}>{value ?? '—'}</span>;
}

export const identityText = (id: { subject: string } | string | null | undefined): string =>
  id == null ? '—' : typeof id === 'string' ? id : id.subject;
