/**
 * The signed-in key lives in sessionStorage only: gone when the tab closes, never in a URL, a
 * cookie or a log. Listeners hear sign-in, sign-out and "the service refused the key" (401).
 */
const STORAGE_KEY = 'client-lifecycle.api-key';

export type SessionEnd = 'signed-out' | 'refused';
type Listener = (key: string | null, reason?: SessionEnd) => void;
const listeners = new Set<Listener>();

export function currentKey(): string | null {
  try {
    return sessionStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

export function signIn(key: string): void {
  sessionStorage.setItem(STORAGE_KEY, key);
  for (const l of listeners) l(key);
}

export function signOut(reason: SessionEnd = 'signed-out'): void {
  sessionStorage.removeItem(STORAGE_KEY);
  for (const l of listeners) l(null, reason);
}

export function onSessionChange(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
