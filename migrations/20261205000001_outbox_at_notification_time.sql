-- A notification's email is queued as of the notification's own time, which the portal sets
-- from its clock, rather than the database's: the outbox's "not sent days late" rule and its
-- retries then count from the same clock as everything else.
create or replace function notifications_enqueue_email() returns trigger
language plpgsql
as $$
begin
    insert into email_outbox (notification_id, user_id, to_address, created_at, next_attempt_at)
    select i.id, u.id, btrim(u.email), i.created_at, i.created_at
    from inserted i
    join users u on u.id = i.user_id
    join notification_preferences p on p.user_id = i.user_id and p.kind = i.kind and p.email
    where u.active and not u.email_digest and coalesce(btrim(u.email), '') <> '';
    return null;
end;
$$;
