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

-- A one-time message for the session's next page (post-redirect-get): what was saved, or a
-- temporary password to hand over. Read and cleared by the next page shown.
alter table sessions add column flash jsonb;

-- Search as people type it: every word of the query appears in the text, in any order,
-- ignoring case and Vietnamese diacritics ("cau giay tai nguyen" finds
-- "Phòng Tài nguyên và Môi trường quận Cầu Giấy").
create function search_matches(haystack text, query text) returns boolean
language sql immutable parallel safe
as $$
    select not exists (
        select 1 from regexp_split_to_table(search_fold(coalesce(query, '')), '\s+') as word
        where word <> '' and strpos(search_fold(coalesce(haystack, '')), word) = 0
    )
$$;
