-- Uploaded files are received into a file on disk and stored in pieces of a megabyte, so that
-- a request never holds a whole file in memory (eight 20 MB uploads at once held 540 MB).
-- Files stored before keep their content in `attachments.content`; a file stored in pieces
-- has none there.
alter table attachments alter column content drop not null;

create table attachment_chunks (
    attachment_id bigint not null,
    seq           integer not null,
    data          bytea not null,
    created_at    timestamptz not null default now(),
    updated_at    timestamptz not null default now(),
    constraint attachment_chunks_pkey primary key (attachment_id, seq),
    constraint attachment_chunks_attachment_fkey foreign key (attachment_id)
        references attachments (id) on delete cascade,
    constraint attachment_chunks_seq_nonnegative check (seq >= 0)
);
-- Pieces are written once and read whole; compressing a PDF or an image again gains nothing.
alter table attachment_chunks alter column data set storage external;
create trigger attachment_chunks_touch_updated_at before update on attachment_chunks
    for each row execute function touch_updated_at();
