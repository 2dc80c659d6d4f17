/**
 * Where to go after signing in: `?next=` if it is a path on this site (one leading slash, no
 * scheme or host, no backslash tricks), else nowhere. Never an open redirect.
 */
export function safeNext(search: string): string | null {
  const next = new URLSearchParams(search).get('next');
  if (!next?.startsWith('/') || next.startsWith('//') || next.includes('\\')) return null;
  try {
    const url = new URL(next, window.location.origin);
    if (url.origin !== window.location.origin) return null;
    if (url.pathname === '/login' || url.pathname === '/signup') return null;
    return `${url.pathname}${url.search}${url.hash}`;
  } catch {
    return null;
  }
}

/** A sign-in or sign-up link that comes back to `from` (nothing to add from home or the forms themselves). */
export function withNext(to: '/login' | '/signup', from: string): string {
  if (from === '/' || from === '/login' || from === '/signup') return to;
  return `${to}?next=${encodeURIComponent(from)}`;
}
