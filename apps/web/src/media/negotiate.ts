import type { ErrorBody } from '@earshot/protocol';
import { ApiError } from '../api';
import { i18n } from '../i18n';

/** Candidates travel inside the offer (no trickle), so wait for gathering, but not forever. */
const GATHER_CAP_MS = 2000;

function gathered(pc: RTCPeerConnection): Promise<void> {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      pc.removeEventListener('icegatheringstatechange', check);
      resolve();
    };
    const check = () => {
      if (pc.iceGatheringState === 'complete') done();
    };
    // A slow interface (VPN, IPv6 that never answers) must not hold up the offer: send what we have.
    const timer = setTimeout(done, GATHER_CAP_MS);
    pc.addEventListener('icegatheringstatechange', check);
  });
}

async function readError(response: Response): Promise<ApiError> {
  let body: Partial<ErrorBody> | undefined;
  try {
    body = (await response.json()) as Partial<ErrorBody>;
  } catch {
    body = undefined;
  }
  return new ApiError(
    response.status,
    body?.error?.code ?? 'http_error',
    body?.error?.message ?? i18n.t('room.media.answered', { status: response.status }),
  );
}

/**
 * WHIP/WHEP: offers the peer connection's transceivers to `endpoint`, applies the answer and
 * returns the session's address (its Location), which a DELETE ends.
 */
export async function negotiate(pc: RTCPeerConnection, endpoint: string): Promise<string> {
  await pc.setLocalDescription(await pc.createOffer());
  await gathered(pc);
  const sdp = pc.localDescription?.sdp;
  if (!sdp) throw new Error(i18n.t('room.media.noOffer'));
  let response: Response;
  try {
    response = await fetch(endpoint, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/sdp', accept: 'application/sdp' },
      body: sdp,
    });
  } catch {
    throw new ApiError(0, 'network', i18n.t('room.media.unreachable'));
  }
  if (!response.ok) throw await readError(response);
  const location = response.headers.get('location');
  const answer = await response.text();
  if (pc.signalingState === 'closed') {
    if (location) endSession(new URL(location, window.location.href).href);
    throw new ApiError(0, 'closed', i18n.t('room.media.closed'));
  }
  await pc.setRemoteDescription({ type: 'answer', sdp: answer });
  if (!location) throw new ApiError(response.status, 'no_location', i18n.t('room.media.noLocation'));
  return new URL(location, window.location.href).href;
}

/**
 * Ends a session on the server. `keepalive` lets the request outlive the page, so leaving (even by
 * closing the tab) frees the server's side at once instead of after its timeout.
 */
export function endSession(location: string): void {
  fetch(location, { method: 'DELETE', credentials: 'same-origin', keepalive: true }).catch(() => {
    // Gone already, or offline: the server times the session out on its own.
  });
}

/** Worth trying again later (network, overload), as opposed to a refusal (not on stage, not live…). */
export function retryable(error: unknown): boolean {
  if (!(error instanceof ApiError)) return true;
  return error.status === 0 || error.status === 429 || error.status >= 500;
}
