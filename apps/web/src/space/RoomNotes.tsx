import { type ReactNode, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';

/** A room the viewer cannot be in (not found, removed, refused). */
export function Final({ heading, children }: { heading: string; children?: ReactNode }) {
  const { t } = useTranslation();
  return (
    <section className="card center" role="alert">
      <h1>{heading}</h1>
      {children}
      <p>
        <Link href="/" className="button">
          {t('notFound.goHome')}
        </Link>
      </p>
    </section>
  );
}

/** A visible echo of the last stage change, for sighted people (the live region is for screen readers). */
export function RoomActivity({ text }: { text: string }) {
  const [shown, setShown] = useState('');
  useEffect(() => {
    if (!text) return;
    setShown(text);
    const timer = setTimeout(() => setShown(''), 4000);
    return () => clearTimeout(timer);
  }, [text]);
  if (!shown) return null;
  return (
    <p className="room-activity" aria-hidden="true">
      {shown}
    </p>
  );
}
