import { Link } from 'wouter';

/** Shown instead of a page that needs an account. */
export function SignInPrompt({ what, heading }: { what?: string; heading?: string }) {
  return (
    <section className="card center">
      <h1>{heading ?? `Sign in to see ${what}`}</h1>
      <p className="muted">You need an Earshot account for this.</p>
      <p className="actions center">
        <Link className="button" href="/login">
          Log in
        </Link>
        <Link className="button secondary" href="/signup">
          Sign up
        </Link>
      </p>
    </section>
  );
}
