import type { PushPreferences, PushPreferencesPatch, PushSubscriptionView } from '@earshot/protocol';
import { ApiError, request } from '../api';
import { i18n } from '../i18n';

/** This browser and Web Push: cannot, blocked by the person, on (subscribed and known to the server) or off. */
export type PushState = 'unsupported' | 'blocked' | 'on' | 'off';

export const pushApi = {
  key: () => request<{ publicKey: string }>('GET', '/push/key'),
  subscribe: (subscription: PushSubscriptionJSON) =>
    request<{ subscription: PushSubscriptionView }>('POST', '/push/subscriptions', subscription),
  unsubscribe: (endpoint: string) => request<void>('DELETE', '/push/subscriptions', { endpoint }),
  preferences: () => request<PushPreferences>('GET', '/push/preferences'),
  setPreferences: (kinds: PushPreferencesPatch['kinds']) =>
    request<PushPreferences>('PATCH', '/push/preferences', { kinds }),
};

export function pushSupported(): boolean {
  return (
    typeof window !== 'undefined' &&
    window.isSecureContext &&
    'serviceWorker' in navigator &&
    'PushManager' in window &&
    'Notification' in window
  );
}

/** iPhones and iPads push only to an app added to the Home Screen. */
export function needsHomeScreen(): boolean {
  const ios =
    /iPad|iPhone|iPod/.test(navigator.userAgent) || (navigator.userAgent.includes('Mac') && 'ontouchend' in document);
  return ios && !window.matchMedia('(display-mode: standalone)').matches;
}

async function registration(): Promise<ServiceWorkerRegistration> {
  return (
    (await navigator.serviceWorker.getRegistration('/')) ?? navigator.serviceWorker.register('/sw.js', { scope: '/' })
  );
}

const toBytes = (base64url: string) => {
  const base64 = base64url.replaceAll('-', '+').replaceAll('_', '/');
  return Uint8Array.from(atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4)), (c) => c.charCodeAt(0));
};
const sameKey = (a: ArrayBuffer | null, b: Uint8Array) => {
  if (!a) return false;
  const x = new Uint8Array(a);
  return x.length === b.length && x.every((v, i) => v === b[i]);
};

/**
 * Where this browser stands. A subscription the browser still holds is sent again, so that the
 * server knows it (it may have dropped it, or it may be someone else's who signed in here before).
 */
export async function currentPushState(): Promise<PushState> {
  if (!pushSupported()) return 'unsupported';
  if (Notification.permission === 'denied') return 'blocked';
  if (Notification.permission !== 'granted') return 'off';
  const subscription = await (await registration()).pushManager.getSubscription();
  if (!subscription) return 'off';
  await pushApi.subscribe(subscription.toJSON());
  return 'on';
}

/** Asks for permission (this must follow a click), subscribes with the server's key and tells the server. */
export async function turnOnPush(): Promise<PushState> {
  const permission = await Notification.requestPermission();
  if (permission === 'denied') return 'blocked';
  if (permission !== 'granted') return 'off';
  const key = toBytes((await pushApi.key()).publicKey);
  const manager = (await registration()).pushManager;
  let subscription = await manager.getSubscription();
  if (subscription && !sameKey(subscription.options.applicationServerKey, key)) {
    await subscription.unsubscribe(); // made with another server key: useless now
    subscription = null;
  }
  try {
    subscription ??= await manager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
  } catch {
    throw new Error(i18n.t('push.settings.unreachable'));
  }
  await pushApi.subscribe(subscription.toJSON());
  return 'on';
}

/** Stops pushes to this browser (the server forgets it, the browser drops the subscription). */
export async function turnOffPush(): Promise<PushState> {
  if (!pushSupported()) return 'unsupported';
  const subscription = await (await registration()).pushManager.getSubscription();
  if (subscription) {
    await pushApi.unsubscribe(subscription.endpoint).catch((e: unknown) => {
      if (!(e instanceof ApiError && e.status === 404)) throw e;
    });
    await subscription.unsubscribe();
  }
  return Notification.permission === 'denied' ? 'blocked' : 'off';
}

/** Before logging out: the next person to sign in on this browser must not get this person's pushes. */
export async function forgetPushOnLogout() {
  try {
    await turnOffPush();
  } catch {
    // Logging out matters more; the server drops the subscription once the browser stops answering.
  }
}
