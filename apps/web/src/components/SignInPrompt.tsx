import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';

/** Shown instead of a page that needs an account. */
/** `heading`: what to sign in for, already translated ("Sign in to see your messages"). */
export function SignInPrompt({ heading }: { heading: string }) {
  const { t } = useTranslation();
  return (
    <section className="card center">
      <h1>{heading}</h1>
      <p className="muted">{t('auth.needAccount')}</p>
      <p className="actions center">
        <Link className="button" href="/login">
          {t('auth.logIn')}
        </Link>
        <Link className="button secondary" href="/signup">
          {t('auth.signUp')}
        </Link>
      </p>
    </section>
  );
}
