-- The longest text people may type into each column, in characters. The forms refuse longer
-- text with a message beside the field; these constraints hold every other writer (imports,
-- the demo and benchmark generators, a hand-written statement) to the same lengths.
-- The numbers are defined once in src/domain/input.rs (`limits`); a test compares the two.
-- Named <table>_<column>_length.
alter table units
    add constraint units_code_length check (char_length(code) <= 32),
    add constraint units_name_length check (char_length(name) <= 200),
    add constraint units_short_name_length check (char_length(short_name) <= 80);
alter table users
    add constraint users_username_length check (char_length(username) <= 64),
    add constraint users_full_name_length check (char_length(full_name) <= 120),
    add constraint users_title_length check (char_length(title) <= 120),
    add constraint users_email_length check (char_length(email) <= 254),
    add constraint users_phone_length check (char_length(phone) <= 40);
alter table fields
    add constraint fields_code_length check (char_length(code) <= 16),
    add constraint fields_name_vi_length check (char_length(name_vi) <= 200),
    add constraint fields_name_en_length check (char_length(name_en) <= 200);
alter table sources
    add constraint sources_doc_number_length check (char_length(doc_number) <= 60),
    add constraint sources_issuing_body_length check (char_length(issuing_body) <= 200),
    add constraint sources_title_length check (char_length(title) <= 500),
    add constraint sources_summary_length check (char_length(summary) <= 10000);
alter table shortcomings
    add constraint shortcomings_title_length check (char_length(title) <= 500),
    add constraint shortcomings_description_length check (char_length(description) <= 10000);
alter table plans
    add constraint plans_doc_number_length check (char_length(doc_number) <= 60),
    add constraint plans_title_length check (char_length(title) <= 500);
alter table tasks
    add constraint tasks_title_length check (char_length(title) <= 500),
    add constraint tasks_description_length check (char_length(description) <= 4000),
    add constraint tasks_expected_result_length check (char_length(expected_result) <= 4000),
    add constraint tasks_leader_in_charge_length check (char_length(leader_in_charge) <= 200);
alter table task_coordinators
    add constraint task_coordinators_role_text_length check (char_length(role_text) <= 200);
alter table task_updates
    add constraint task_updates_note_length check (char_length(note) <= 4000);
alter table extension_requests
    add constraint extension_requests_reason_length check (char_length(reason) <= 4000),
    add constraint extension_requests_doc_number_length check (char_length(doc_number) <= 60),
    add constraint extension_requests_decision_note_length check (char_length(decision_note) <= 4000);
alter table escalations
    add constraint escalations_question_length check (char_length(question) <= 4000),
    add constraint escalations_response_length check (char_length(response) <= 4000);
alter table reminders
    add constraint reminders_doc_number_length check (char_length(doc_number) <= 60),
    add constraint reminders_message_length check (char_length(message) <= 4000);
