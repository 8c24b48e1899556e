-- News of a periodic report: submitted (to the City's reviewers), returned and accepted (to the
-- unit's people).
alter type notification_kind add value 'report_submitted';
alter type notification_kind add value 'report_returned';
alter type notification_kind add value 'report_accepted';
