import { useEffect, useState } from 'react';
import { ShareIcon } from '../components/Icons';

async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // Not allowed (no permission, insecure context): the old way.
    const area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.style.position = 'fixed';
    area.style.opacity = '0';
    document.body.append(area);
    area.select();
    let ok = false;
    try {
      ok = document.execCommand('copy');
    } catch {
      ok = false;
    }
    area.remove();
    return ok;
  }
}

export function ShareButton() {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  useEffect(() => {
    if (state === 'idle') return;
    const timer = setTimeout(() => setState('idle'), 3000);
    return () => clearTimeout(timer);
  }, [state]);
  return (
    <>
      <button
        type="button"
        className="button secondary small"
        aria-label="Copy share link"
        onClick={async () => setState((await copyText(window.location.href)) ? 'copied' : 'failed')}
      >
        <ShareIcon /> <span className="share-label">Share</span>
      </button>
      <span className="share-status" role="status">
        {state === 'copied' ? 'Link copied' : state === 'failed' ? `Copy this link: ${window.location.href}` : ''}
      </span>
    </>
  );
}
