-- Failed sign-ins under usernames that have no (active) account, counted and locked exactly as
-- an account's are (`users.failed_logins`, `users.locked_until`), so that the lock-out answers
-- the same whether the account exists or not. Forgotten a day after the last attempt.
create table unknown_sign_ins (
    username      text not null,            -- lower-cased as typed
    failed_logins integer not null default 0,
    locked_until  timestamptz,
    created_at    timestamptz not null default now(),
    updated_at    timestamptz not null default now(),
    constraint unknown_sign_ins_pkey primary key (username),
    constraint unknown_sign_ins_failed_nonnegative check (failed_logins >= 0)
);
create index unknown_sign_ins_updated_idx on unknown_sign_ins (updated_at);
create trigger unknown_sign_ins_touch_updated_at before update on unknown_sign_ins
    for each row execute function touch_updated_at();
