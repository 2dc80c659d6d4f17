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
    action: ColumnType<unknown, string | null | undefined, string | null>;
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
  spaces: {
    id: string;
    host_id: string;
    title: string;
    topics: string[];
    status: string;
    room: ColumnType<unknown, string, string>;
    seq: Generated<number>;
    listener_count: Generated<number>;
    created_at: CreatedAt;
    started_at: Date | null;
    ended_at: Date | null;
  };
  space_events: { space_id: string; seq: number; event: ColumnType<unknown, string, never>; created_at: CreatedAt };
  space_stage: { space_id: string; user_id: string; role: string };
  reports: {
    id: string;
    reporter_id: string;
    space_id: string | null;
    reported_user_id: string | null;
    reason: string;
    status: Generated<string>;
    created_at: CreatedAt;
  };
}
