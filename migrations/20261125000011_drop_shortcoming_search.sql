-- Shortcomings are 33 and listed whole; nothing searches them by text, so the search column
-- and its index (kept up to date on every write) go.
drop index shortcomings_search_idx;
alter table shortcomings drop column search_text;
