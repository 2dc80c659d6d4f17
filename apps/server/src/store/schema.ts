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
    moderator: Generated<boolean>;
    suspended_at: Date | null;
    language: string | null;
    /** The current picture's version (avatars.version), null for initials. */
    avatar: ColumnType<string | null, string | null | undefined, string | null>;
  };
  avatars: { user_id: string; version: string; image: Buffer; created_at: CreatedAt };
  idempotency_keys: {
    user_id: string;
    key: string;
    request: string;
    status: number | null;
    body: string | null;
    created_at: ColumnType<Date, Date | undefined, Date>;
  };
  sessions: { token_hash: string; user_id: string; created_at: CreatedAt; expires_at: Date };
  api_tokens: {
    id: string;
    user_id: string;
    token_hash: string;
    name: string;
    created_at: CreatedAt;
    expires_at: Date | null;
  };
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
    /** Unique when set: the same notice is stored (and pushed) once. */
    key: ColumnType<string | null, string | null | undefined, string | null>;
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
    scheduled_for: ColumnType<Date | null, Date | null | undefined, Date | null>;
    managers_seen_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  };
  space_reminders: { space_id: string; user_id: string; created_at: CreatedAt };
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
    offset_ms: number | null;
  };
  recordings: {
    space_id: string;
    status: string;
    public: Generated<boolean>;
    duration_ms: number | null;
    opus_bytes: ColumnType<string | null, number | null, number | null>;
    m4a_bytes: ColumnType<string | null, number | null, number | null>;
    retain_until: Date | null;
    error: string | null;
    created_at: CreatedAt;
    ready_at: Date | null;
  };
  recording_tracks: {
    id: string;
    space_id: string;
    user_id: string;
    file: string;
    offset_ms: number;
    created_at: CreatedAt;
  };
  transcript_segments: {
    id: string;
    space_id: string;
    user_id: string;
    start_ms: number;
    end_ms: number;
    text: string;
    engine: string;
    created_at: CreatedAt;
  };
  jobs: {
    id: string;
    kind: string;
    key: string | null;
    payload: ColumnType<unknown, string, string>;
    run_at: Date;
    attempts: Generated<number>;
    locked_until: Date | null;
    last_error: string | null;
    created_at: CreatedAt;
  };
  report_decisions: {
    id: string;
    report_id: string;
    moderator_id: string;
    stage: string;
    verdict: string;
    reason: string;
    suspended: Generated<boolean>;
    created_at: CreatedAt;
  };
  appeals: { report_id: string; appellant_id: string; statement: string; created_at: CreatedAt };
  ticket_offers: {
    space_id: string;
    host_id: string;
    price_minor: number;
    currency: string;
    capacity: number;
    sales_open_at: Date | null;
    sales_close_at: Date | null;
    sold: Generated<number>;
    held: Generated<number>;
    cancelled_at: Date | null;
    created_at: CreatedAt;
  };
  tickets: {
    id: string;
    space_id: string;
    user_id: string;
    status: string;
    provider: string;
    price_minor: number;
    currency: string;
    host_share_minor: number | null;
    platform_share_minor: number | null;
    checkout_session_id: string | null;
    checkout_url: string | null;
    hold_expires_at: Date | null;
    payment_ref: string | null;
    refund_reason: string | null;
    refund_attempts: Generated<number>;
    refund_error: string | null;
    refund_ref: string | null;
    created_at: CreatedAt;
    issued_at: Date | null;
    refunded_at: Date | null;
  };
  ticket_sellers: { user_id: string; adult_confirmed_at: Date | null; granted_at: Date | null };
  host_revenue: { host_id: string; currency: string; gross_minor: Generated<number> };
  ledger_accounts: {
    id: string;
    kind: string;
    user_id: string | null;
    currency: string;
    balance_minor: Generated<number>;
    allow_negative: Generated<boolean>;
  };
  ledger_entries: { id: string; kind: string; memo: string; ticket_id: string | null; created_at: CreatedAt };
  ledger_lines: { entry_id: string; account_id: string; amount_minor: number };
  stripe_events: { id: string; type: string; received_at: CreatedAt };
  push_vapid_keys: { id: number; public_key: string; private_key: string; created_at: CreatedAt };
  push_subscriptions: {
    id: string;
    user_id: string;
    endpoint: string;
    p256dh: string;
    auth: string;
    /** Renewed when the browser subscribes again (it orders the per-person cap). */
    created_at: ColumnType<Date, Date | undefined, Date>;
  };
  push_muted_kinds: { user_id: string; kind: string };
}
