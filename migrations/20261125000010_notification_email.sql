-- Notifications by email: an outbox filled in the same transaction as the notifications, a
-- daily digest, and a keyset index for the notification list.

-- The subject and body of a notification's email are rendered by the sender, in the
-- recipient's language as it stands when the mail goes out, so they start empty. The sender
-- stores what it rendered, so a mail that could not be sent stays on record with its error.
alter table email_outbox
    alter column subject drop not null,
    alter column body drop not null,
    -- The recipient (a digest has no single notification to name them).
    add column user_id bigint,
    -- Set on a daily digest: the City day it summarises (one per user and day).
    add column digest_day date,
    -- Set when the sender stopped trying; the row keeps its last error.
    add column gave_up_at timestamptz,
    add constraint email_outbox_user_fkey foreign key (user_id) references users (id) on delete cascade,
    add constraint email_outbox_attempts_nonnegative check (attempts >= 0);

update email_outbox o set user_id = n.user_id
from notifications n where n.id = o.notification_id and o.user_id is null;

create unique index email_outbox_digest_key on email_outbox (user_id, digest_day)
    where digest_day is not null;
create index email_outbox_due_idx on email_outbox (next_attempt_at)
    where sent_at is null and gave_up_at is null;
drop index email_outbox_pending_idx;
create index email_outbox_notification_idx on email_outbox (notification_id)
    where notification_id is not null;

-- Which notifications a digest listed, so none is listed twice and none is missed: "since the
-- previous digest" by time would miss a notification whose transaction began before the
-- digest ran and committed after it.
create table email_digest_items (
    notification_id bigint not null,
    outbox_id       bigint not null,
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now(),
    constraint email_digest_items_pkey primary key (notification_id),
    constraint email_digest_items_notification_fkey foreign key (notification_id)
        references notifications (id) on delete cascade,
    constraint email_digest_items_outbox_fkey foreign key (outbox_id)
        references email_outbox (id) on delete cascade
);
create index email_digest_items_outbox_idx on email_digest_items (outbox_id);
create trigger email_digest_items_touch_updated_at before update on email_digest_items
    for each row execute function touch_updated_at();

-- Every notification a user wants by email (and can receive: an address, no daily digest)
-- gets its outbox row in the transaction that creates the notification. A trigger rather than
-- Rust code, because notifications are inserted both by `notify()` and by the background jobs
-- in bulk `insert … select` statements; a statement-level trigger with a transition table
-- handles a bulk insert in one statement.
create function notifications_enqueue_email() returns trigger
language plpgsql
as $$
begin
    insert into email_outbox (notification_id, user_id, to_address)
    select i.id, u.id, btrim(u.email)
    from inserted i
    join users u on u.id = i.user_id
    join notification_preferences p on p.user_id = i.user_id and p.kind = i.kind and p.email
    where u.active and not u.email_digest and coalesce(btrim(u.email), '') <> '';
    return null;
end;
$$;
create trigger notifications_enqueue_email after insert on notifications
    referencing new table as inserted
    for each statement execute function notifications_enqueue_email();

-- The notification list pages by id, newest first.
create index notifications_user_id_idx on notifications (user_id, id desc);
