-- News of a periodic report: submitted (to the City's reviewers), returned and accepted (to the
-- unit's people), and the City's reminder to send it (to the unit's heads).
alter type notification_kind add value 'report_submitted';
alter type notification_kind add value 'report_returned';
alter type notification_kind add value 'report_accepted';
alter type notification_kind add value 'report_reminder';
