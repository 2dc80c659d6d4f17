import type { ColumnType, Generated } from 'kysely';

/** Row types of the tables in migrations/*.sql, for Kysely. */
type CreatedAt = ColumnType<Date, Date | undefined, never>;

export interface Database {
  users: {
    id: string;
    handle: string;
    handle_lower: string;
    display_name: string;
    bio: Generated<string>;
    password_hash: string;
    created_at: CreatedAt;
  };
  sessions: { token_hash: string; user_id: string; created_at: CreatedAt; expires_at: Date };
  api_tokens: { id: string; user_id: string; token_hash: string; name: string; created_at: CreatedAt };
  follows: { follower_id: string; followee_id: string; created_at: CreatedAt };
  blocks: { blocker_id: string; blocked_id: string; created_at: CreatedAt };
  posts: { id: string; author_id: string; text: string; created_at: CreatedAt };
  messages: {
    id: string;
    sender_id: string;
    recipient_id: string;
    text: string;
    created_at: CreatedAt;
    read_at: Date | null;
  };
  notifications: {
    id: string;
    user_id: string;
    kind: string;
    actor_id: string | null;
    data: ColumnType<Record<string, unknown>, string, string>;
    created_at: CreatedAt;
    read_at: Date | null;
  };
}
