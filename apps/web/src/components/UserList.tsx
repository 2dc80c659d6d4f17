import type { UserSummary } from '@earshot/protocol';
import { Link } from 'wouter';
import { Avatar } from './Avatar';

export function UserList({ users, empty }: { users: UserSummary[]; empty: string }) {
  if (users.length === 0) return <p className="muted empty">{empty}</p>;
  return (
    <ul className="user-list">
      {users.map((user) => (
        <li key={user.id}>
          <Link href={`/u/${user.handle}`} className="user-row">
            <Avatar handle={user.handle} displayName={user.displayName} size="sm" src={user.avatarUrl} />
            <span className="user-names">
              <span className="name">{user.displayName}</span>
              <span className="muted">@{user.handle}</span>
            </span>
          </Link>
        </li>
      ))}
    </ul>
  );
}
