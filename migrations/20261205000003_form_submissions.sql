-- Forms that add something carry a one-time key (in their action's query string, `_once`), so
-- that a double click or a form sent again adds it once. The first request claims the key; a
-- second one finds it and is sent where the first was (`location`), or waits for the first to
-- finish. A key whose request did not succeed is released, so the corrected form can be sent.
-- Forgotten after a day.
create table form_submissions (
    token      text not null,
    location   text,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    constraint form_submissions_pkey primary key (token),
    constraint form_submissions_token_format check (token ~ '^[0-9a-f]{32,64}$')
);
create index form_submissions_created_idx on form_submissions (created_at);
create trigger form_submissions_touch_updated_at before update on form_submissions
    for each row execute function touch_updated_at();
