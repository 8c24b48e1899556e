-- Sign-in attempts, for throttling by address and for the record. Kept short-lived: the
-- portal deletes attempts older than a day.
create table login_attempts (
    id         bigint generated always as identity,
    ip         inet,
    username   text not null,
    success    boolean not null,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    constraint login_attempts_pkey primary key (id)
);
create index login_attempts_ip_idx on login_attempts (ip, created_at);
create index login_attempts_created_idx on login_attempts (created_at);
create trigger login_attempts_touch_updated_at before update on login_attempts
    for each row execute function touch_updated_at();
