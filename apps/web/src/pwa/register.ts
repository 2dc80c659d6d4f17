import { navigate } from 'wouter/use-browser-location';

/**
 * Registers the service worker (public/sw.js, scope: the whole app) and lets it move the open app
 * to a notification's page without a reload, so that a Space being listened to keeps playing.
 */
export function registerServiceWorker() {
  if (!('serviceWorker' in navigator)) return;
  navigator.serviceWorker.addEventListener('message', (event) => {
    const data = event.data as { type?: unknown; url?: unknown } | null;
    if (data?.type === 'earshot:open' && typeof data.url === 'string' && data.url.startsWith('/')) navigate(data.url);
  });
  const register = () => {
    navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch((err: unknown) => {
      console.warn('the service worker could not be registered', err);
    });
  };
  if (document.readyState === 'complete') register();
  else window.addEventListener('load', register, { once: true });
}
