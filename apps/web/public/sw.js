// Earshot's service worker (scope: the whole app). It shows Web Push notifications and opens the
// right page on a click, and keeps the app's shell so that a Home Screen start works offline.
// API answers (/api/…: data, audio, sockets) are never cached or even looked at.
const SHELL_CACHE = 'earshot-shell-v1';
// Built files of older releases are dropped beyond this many (the oldest first).
const MAX_ASSETS = 60;

async function keepAsset(cache, request, response) {
  await cache.put(request, response);
  const assets = (await cache.keys()).filter((r) => new URL(r.url).pathname.startsWith('/assets/'));
  await Promise.all(assets.slice(0, Math.max(0, assets.length - MAX_ASSETS)).map((r) => cache.delete(r)));
}

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(SHELL_CACHE)
      .then((cache) => cache.add(new Request('/', { cache: 'reload' })))
      .catch(() => undefined)
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== SHELL_CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || url.pathname.startsWith('/api/')) return;
  if (request.mode === 'navigate') {
    // The network first (pages carry fresh share tags); offline, the last shell we saw.
    event.respondWith(
      fetch(request)
        .then((response) => {
          if (response.ok) {
            const copy = response.clone();
            caches.open(SHELL_CACHE).then((cache) => cache.put('/', copy));
          }
          return response;
        })
        .catch(() => caches.match('/').then((hit) => hit || Response.error())),
    );
    return;
  }
  if (url.pathname.startsWith('/assets/')) {
    // Built files have content hashes in their names: a cached one is never stale.
    event.respondWith(
      caches.open(SHELL_CACHE).then(async (cache) => {
        const hit = await cache.match(request);
        if (hit) return hit;
        const response = await fetch(request);
        if (response.ok) keepAsset(cache, request, response.clone());
        return response;
      }),
    );
  }
});

self.addEventListener('push', (event) => {
  let message = {};
  try {
    message = event.data ? event.data.json() : {};
  } catch {
    message = { body: event.data ? event.data.text() : '' };
  }
  const options = {
    body: typeof message.body === 'string' ? message.body : '',
    icon: '/icons/icon-192.png',
    badge: '/icons/badge-96.png',
    data: { url: typeof message.url === 'string' ? message.url : '/' },
  };
  if (typeof message.tag === 'string') options.tag = message.tag;
  event.waitUntil(self.registration.showNotification(message.title || 'Earshot', options));
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const target = new URL(event.notification.data?.url || '/', self.location.origin);
  if (target.origin !== self.location.origin) return; // only ever our own pages
  const path = target.pathname + target.search + target.hash;
  event.waitUntil(
    self.clients.matchAll({ type: 'window', includeUncontrolled: true }).then(async (windows) => {
      const open = windows.find((w) => new URL(w.url).origin === self.location.origin);
      if (!open) return self.clients.openWindow(path);
      // The open app moves there itself, so that a Space it is listening to keeps playing.
      await open.focus();
      open.postMessage({ type: 'earshot:open', url: path });
    }),
  );
});

self.addEventListener('pushsubscriptionchange', (event) => {
  // The push service replaced the subscription: tell the server the new one (the cookie comes along).
  event.waitUntil(
    (async () => {
      const old = event.oldSubscription;
      let next = event.newSubscription;
      if (!next) {
        const key = await fetch('/api/push/key').then((r) => r.json());
        next = await self.registration.pushManager.subscribe({
          userVisibleOnly: true,
          applicationServerKey: key.publicKey,
        });
      }
      const json = { 'content-type': 'application/json' };
      await fetch('/api/push/subscriptions', { method: 'POST', headers: json, body: JSON.stringify(next.toJSON()) });
      if (old)
        await fetch('/api/push/subscriptions', {
          method: 'DELETE',
          headers: json,
          body: JSON.stringify({ endpoint: old.endpoint }),
        });
    })(),
  );
});
