import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
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
  const { t } = useTranslation();
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
        aria-label={t('room.share.label')}
        onClick={async () => setState((await copyText(window.location.href)) ? 'copied' : 'failed')}
      >
        <ShareIcon /> <span className="share-label">{t('room.share.button')}</span>
      </button>
      <span className="share-status" role="status">
        {state === 'copied'
          ? t('room.share.copied')
          : state === 'failed'
            ? t('room.share.failed', { url: window.location.href })
            : ''}
      </span>
    </>
  );
}
