import { ErrorCode } from '@earshot/protocol';

/** How the viewer stands to another user. Pure data, read from the store. */
export interface Relation {
  self: boolean;
  /** The viewer has blocked the other user. */
  viewerBlocks: boolean;
  /** The other user has blocked the viewer. */
  blocksViewer: boolean;
}

export type Decision = { ok: true } | { ok: false; status: number; code: string; message: string };

const allow: Decision = { ok: true };
const deny = (status: number, code: string, message: string): Decision => ({ ok: false, status, code, message });

/** The social actions one user takes towards another. */
export type SocialAction = 'follow' | 'message' | 'block';

/** The one place that decides whether a viewer may act towards another user. */
export function decide(action: SocialAction, r: Relation): Decision {
  if (r.self) return deny(400, ErrorCode.invalidRequest, `you cannot ${action} yourself`);
  switch (action) {
    case 'block':
      return allow;
    case 'follow':
    case 'message':
      if (r.blocksViewer) return deny(403, ErrorCode.blocked, `this user has blocked you`);
      if (r.viewerBlocks) return deny(403, ErrorCode.blocked, `you have blocked this user; unblock them first`);
      return allow;
  }
}
