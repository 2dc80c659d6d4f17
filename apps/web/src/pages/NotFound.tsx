import { Link } from 'wouter';
import { useTitle } from '../use-title';

export function NotFoundPage({ what = 'page' }: { what?: string }) {
  useTitle('Not found');
  return (
    <section className="card center">
      <h1>Not found</h1>
      <p className="muted">This {what} does not exist, or it is no longer here.</p>
      <p>
        <Link href="/" className="button">
          Go home
        </Link>
      </p>
    </section>
  );
}
