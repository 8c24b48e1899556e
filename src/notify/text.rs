//! What a notification says, in a given language. One function for the bell's list and for the
//! emails, so both always say the same thing.
//!
//! A notification stores its kind and a few values (`params`), never its text: the text is
//! written at reading time in the reader's language. The values come from the portal's actions
//! and from the background jobs, and older rows may lack some, so every value is optional and a
//! sentence leaves out what it does not have rather than show a placeholder.

use chrono::{DateTime, NaiveDate};
use chrono_tz::Tz;
use serde_json::Value;

use crate::domain::dates::format_date;
use crate::domain::text::shorten;
use crate::domain::{NotificationKind, TaskId};
use crate::i18n::{Catalog, Lang};

/// Longest free text (a reason typed by someone) quoted in a notification.
const QUOTE_CHARS: usize = 200;

/// The sentence for a notification of `kind` with `params`, about the task coded `task_code`
/// (as the task is coded now; else the code recorded in `params`).
pub fn render(
    lang: Lang,
    tz: Tz,
    kind: NotificationKind,
    params: &Value,
    task_code: Option<&str>,
) -> String {
    let c = lang.catalog();
    let p = Params { params, tz };
    let code = task_code
        .map(str::to_owned)
        .or_else(|| p.text("code"))
        .unwrap_or_else(|| c.get("notice.no_code").to_owned());
    let code = code.as_str();
    use NotificationKind::*;
    match kind {
        Assigned => match p.text("by") {
            Some(by) => c.format("notice.assigned_by", &[("code", &code), ("by", &by)]),
            None => c.format("notice.assigned", &[("code", &code)]),
        },
        Overdue if p.has("plan_id") || p.has("plan_title") => match p.text("plan_title") {
            Some(plan) => c.format("notice.plan_overdue", &[("plan", &plan)]),
            None => c.get("notice.plan_overdue_untitled").to_owned(),
        },
        Overdue => {
            let text = c.format("notice.overdue", &[("code", &code)]);
            with_date(c, text, "notice.with_deadline", p.date("deadline"))
        }
        DueSoon => {
            let text = match p.int("days_left") {
                Some(0) => c.format("notice.due_today", &[("code", &code)]),
                Some(1) => c.format("notice.due_tomorrow", &[("code", &code)]),
                Some(days) if days > 1 => {
                    c.format("notice.due_in_days", &[("code", &code), ("days", &days)])
                }
                _ => c.format("notice.due_soon", &[("code", &code)]),
            };
            with_date(c, text, "notice.with_deadline", p.date("deadline"))
        }
        Stale => match p.date("last_update_at") {
            Some(date) => c.format("notice.stale_since", &[("code", &code), ("date", &date)]),
            None => c.format("notice.stale", &[("code", &code)]),
        },
        Returned => {
            let mut text = c.format("notice.returned", &[("code", &code)]);
            if let Some(reason) = p.text("reason") {
                let reason = shorten(&reason, QUOTE_CHARS);
                text.push_str(&c.format("notice.with_reason", &[("reason", &reason)]));
            }
            text
        }
        Confirmed => match p.text("by") {
            Some(by) => c.format("notice.confirmed_by", &[("code", &code), ("by", &by)]),
            None => c.format("notice.confirmed", &[("code", &code)]),
        },
        ExtensionDecided => match p.bool("approved") {
            Some(true) => {
                let text = c.format("notice.extension_approved", &[("code", &code)]);
                with_date(c, text, "notice.with_new_deadline", p.date("deadline"))
            }
            Some(false) => c.format("notice.extension_rejected", &[("code", &code)]),
            None => c.format("notice.extension_decided", &[("code", &code)]),
        },
        EscalationAnswered => c.format("notice.escalation_answered", &[("code", &code)]),
        Reminder => {
            let mut text = match p.text("by") {
                Some(by) => c.format("notice.reminder_by", &[("code", &code), ("by", &by)]),
                None => c.format("notice.reminder", &[("code", &code)]),
            };
            if let Some(doc) = p.text("doc_number") {
                text.push_str(&c.format("notice.with_document", &[("doc", &doc)]));
            }
            text
        }
        ReportDue | ReportLate => {
            let (named, unnamed) = if kind == ReportDue {
                ("notice.report_due", "notice.report_due_unnamed")
            } else {
                ("notice.report_late", "notice.report_late_unnamed")
            };
            let text = match report_period(c, &p) {
                Some(period) => c.format(named, &[("period", &period)]),
                None => c.get(unnamed).to_owned(),
            };
            with_date(c, text, "notice.with_due_on", p.date("due_on"))
        }
        ReportSubmitted => {
            let period = report_period(c, &p).unwrap_or_default();
            let unit = p.text("unit").unwrap_or_default();
            c.format(
                "notice.report_submitted",
                &[("unit", &unit), ("period", &period)],
            )
        }
        ReportReminder => {
            let period = report_period(c, &p).unwrap_or_default();
            let text = c.format("notice.report_reminder", &[("period", &period)]);
            with_date(c, text, "notice.with_due_on", p.date("due_on"))
        }
        ReportReturned | ReportAccepted => {
            let key = if kind == ReportReturned {
                "notice.report_returned"
            } else {
                "notice.report_accepted"
            };
            let period = report_period(c, &p).unwrap_or_default();
            let mut text = c.format(key, &[("period", &period)]);
            if let Some(reason) = p.text("reason") {
                let reason = shorten(&reason, QUOTE_CHARS);
                text.push_str(&c.format("notice.with_reason", &[("reason", &reason)]));
            }
            text
        }
    }
}

/// The period of a report's notification: the report job and the report's commands write the
/// period's kind, year and number; a ready label is taken as it is.
fn report_period(c: &'static Catalog, p: &Params<'_>) -> Option<String> {
    match (p.text("period"), p.int("period_year")) {
        (Some(code), Some(year)) => period_label(c, &code, year, p.int("period_number")),
        (text, _) => text,
    }
}

/// The page a notification leads to: its task, else its plan (the plan overdue notice) or its
/// report; `None` when the portal has no page for it.
pub fn target(task: Option<TaskId>, params: &Value) -> Option<String> {
    if let Some(task) = task {
        return Some(format!("/tasks/{task}"));
    }
    let p = Params {
        params,
        tz: chrono_tz::UTC,
    };
    let id = |key| p.int(key).filter(|id| *id > 0);
    id("plan_id")
        .map(|id| format!("/plans/{id}"))
        .or_else(|| id("report_id").map(|id| format!("/reports/{id}")))
}

/// "quý I/2027", "tháng 3/2027", "6 tháng đầu năm 2027", "năm 2027" (or their English).
pub(crate) fn period_label(
    c: &'static Catalog,
    code: &str,
    year: i64,
    number: Option<i64>,
) -> Option<String> {
    const ROMAN: [&str; 4] = ["I", "II", "III", "IV"];
    let year = year.to_string();
    let number = number.unwrap_or(1);
    Some(match code {
        "month" => c.format(
            "period_label.month",
            &[("n", &number.to_string()), ("year", &year)],
        ),
        "quarter" => {
            let roman = ROMAN
                .get((number - 1).clamp(0, 3) as usize)
                .copied()
                .unwrap_or("I");
            c.format("period_label.quarter", &[("n", &roman), ("year", &year)])
        }
        "half_year" if number == 2 => c.format("period_label.second_half", &[("year", &year)]),
        "half_year" => c.format("period_label.first_half", &[("year", &year)]),
        "year" => c.format("period_label.year", &[("year", &year)]),
        _ => return None,
    })
}

/// Adds `piece` (a catalog pattern with `{date}`) to `text` when there is a date.
fn with_date(c: &'static Catalog, mut text: String, piece: &str, date: Option<String>) -> String {
    if let Some(date) = date {
        text.push_str(&c.format(piece, &[("date", &date)]));
    }
    text
}

/// The values of a notification, read leniently: a value of another type than expected, or
/// an empty one, counts as absent.
struct Params<'a> {
    params: &'a Value,
    tz: Tz,
}

impl Params<'_> {
    fn get(&self, name: &str) -> Option<&Value> {
        self.params.get(name).filter(|v| !v.is_null())
    }

    fn has(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// Text, one line, trimmed; numbers are written out.
    fn text(&self, name: &str) -> Option<String> {
        let text = match self.get(name)? {
            Value::String(s) => s.split_whitespace().collect::<Vec<_>>().join(" "),
            Value::Number(n) => n.to_string(),
            _ => return None,
        };
        (!text.is_empty()).then_some(text)
    }

    fn int(&self, name: &str) -> Option<i64> {
        match self.get(name)? {
            Value::Number(n) => n.as_i64(),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        }
    }

    fn bool(&self, name: &str) -> Option<bool> {
        match self.get(name)? {
            Value::Bool(b) => Some(*b),
            Value::String(s) if s == "true" => Some(true),
            Value::String(s) if s == "false" => Some(false),
            _ => None,
        }
    }

    /// A date the Vietnamese way (dd/mm/yyyy), from an ISO date or an instant (its City day);
    /// other text is shown as it is.
    fn date(&self, name: &str) -> Option<String> {
        let raw = self.text(name)?;
        if let Ok(date) = NaiveDate::parse_from_str(&raw, "%Y-%m-%d") {
            return Some(format_date(date));
        }
        if let Ok(at) = DateTime::parse_from_rfc3339(&raw) {
            return Some(format_date(at.with_timezone(&self.tz).date_naive()));
        }
        Some(raw)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const HANOI: Tz = chrono_tz::Asia::Ho_Chi_Minh;

    fn vi(kind: NotificationKind, params: Value) -> String {
        render(Lang::Vi, HANOI, kind, &params, None)
    }

    fn en(kind: NotificationKind, params: Value) -> String {
        render(Lang::En, HANOI, kind, &params, None)
    }

    #[test]
    fn report_notices_name_the_period_the_job_wrote() {
        use NotificationKind::*;
        let job = json!({ "report_id": 7, "period": "quarter", "period_year": 2027,
                          "period_number": 1, "due_on": "2027-04-05" });
        let text = vi(ReportDue, job.clone());
        assert!(
            text.starts_with("Báo cáo định kỳ quý I/2027 đến hạn nộp"),
            "{text}"
        );
        assert!(!text.contains("quarter"), "{text}");
        let text = en(
            ReportLate,
            json!({ "period": "half_year", "period_year": 2027, "period_number": 2 }),
        );
        assert!(text.contains("second half of 2027"), "{text}");
        assert!(
            vi(ReportDue, json!({ "period": "year", "period_year": 2027 })).contains("năm 2027")
        );
    }

    #[test]
    fn the_portals_own_notices() {
        use NotificationKind::*;
        let by = json!({ "code": "TT-05.01", "by": "Nguyễn Văn An" });
        assert_eq!(
            vi(Assigned, by.clone()),
            "Nguyễn Văn An đã giao nhiệm vụ TT-05.01"
        );
        assert_eq!(
            en(Confirmed, by),
            "Nguyễn Văn An confirmed task TT-05.01 as done"
        );
        assert_eq!(
            vi(
                Reminder,
                json!({ "code": "TT-05.01", "by": "Trần Thị Bình", "doc_number": "125/UBND-KT" })
            ),
            "Trần Thị Bình đôn đốc thực hiện nhiệm vụ TT-05.01 (văn bản 125/UBND-KT)"
        );
        assert_eq!(
            vi(
                Returned,
                json!({ "code": "TT-05.01", "reason": "Thiếu\nbiên bản" })
            ),
            "Nhiệm vụ TT-05.01 bị trả lại để thực hiện tiếp. Lý do: Thiếu biên bản"
        );
        assert_eq!(
            en(
                ExtensionDecided,
                json!({ "code": "TT-05.01", "approved": true, "deadline": "2026-06-30" })
            ),
            "The extension of task TT-05.01 was approved; new deadline 30/06/2026"
        );
        assert_eq!(
            vi(
                ExtensionDecided,
                json!({ "code": "TT-05.01", "approved": false, "deadline": "2026-06-30" })
            ),
            "Đề nghị gia hạn nhiệm vụ TT-05.01 không được chấp thuận"
        );
    }

    #[test]
    fn the_jobs_notices() {
        use NotificationKind::*;
        assert_eq!(
            vi(
                Overdue,
                json!({ "code": "TT-01.02", "deadline": "2026-03-31", "overdue_since": "2026-04-01" })
            ),
            "Nhiệm vụ TT-01.02 đã quá hạn (thời hạn 31/03/2026)"
        );
        assert_eq!(
            en(
                Overdue,
                json!({ "plan_id": 7, "plan_title": "Kế hoạch 12/KH-UBND" })
            ),
            "Plan “Kế hoạch 12/KH-UBND” was not issued by its deadline"
        );
        assert_eq!(
            en(
                DueSoon,
                json!({ "code": "TT-01.02", "deadline": "2026-03-31", "days_left": 7 })
            ),
            "Task TT-01.02 is due in 7 days (deadline 31/03/2026)"
        );
        assert_eq!(
            vi(DueSoon, json!({ "code": "TT-01.02", "days_left": 1 })),
            "Nhiệm vụ TT-01.02 đến hạn ngày mai"
        );
        // An instant is shown as its day in Hanoi (17:30 UTC is the next morning there).
        assert_eq!(
            vi(
                Stale,
                json!({ "code": "TT-01.02", "last_update_at": "2026-01-10T17:30:00Z" })
            ),
            "Nhiệm vụ TT-01.02 chưa cập nhật tiến độ từ ngày 11/01/2026"
        );
        assert_eq!(
            vi(
                ReportLate,
                json!({ "report_id": 3, "period": "Quý I/2026", "due_on": "2026-04-05" })
            ),
            "Báo cáo định kỳ Quý I/2026 đã quá hạn nộp (hạn nộp 05/04/2026)"
        );
    }

    #[test]
    fn missing_or_odd_values_are_left_out() {
        for kind in NotificationKind::ALL {
            for lang in Lang::ALL {
                for params in [
                    json!({}),
                    Value::Null,
                    json!({ "code": 5, "by": null, "days_left": "x", "approved": "maybe", "deadline": [] }),
                ] {
                    let text = render(lang, HANOI, kind, &params, None);
                    assert!(!text.contains('{'), "{kind:?} {lang:?}: {text}");
                    assert!(!text.contains("notice."), "{kind:?} {lang:?}: {text}");
                    assert!(!text.trim().is_empty());
                }
            }
        }
        assert_eq!(
            en(NotificationKind::Assigned, json!({})),
            "Task (unknown code) was assigned to you"
        );
        // The task's current code wins over the one recorded.
        assert_eq!(
            render(
                Lang::En,
                HANOI,
                NotificationKind::EscalationAnswered,
                &json!({ "code": "OLD" }),
                Some("TT-02.01"),
            ),
            "The City answered the request for direction on task TT-02.01"
        );
        let long = "đ".repeat(500);
        let text = vi(NotificationKind::Returned, json!({ "reason": long }));
        assert!(text.chars().count() < 300 && text.ends_with('…'));
    }

    #[test]
    fn targets() {
        assert_eq!(
            target(Some(TaskId(4)), &json!({ "plan_id": 9 })).as_deref(),
            Some("/tasks/4")
        );
        assert_eq!(
            target(None, &json!({ "plan_id": 9 })).as_deref(),
            Some("/plans/9")
        );
        assert_eq!(
            target(None, &json!({ "plan_id": "9" })).as_deref(),
            Some("/plans/9")
        );
        assert_eq!(target(None, &json!({ "plan_id": -1 })), None);
        assert_eq!(
            target(None, &json!({ "report_id": 3 })).as_deref(),
            Some("/reports/3")
        );
        assert_eq!(target(None, &json!({ "report_id": 0 })), None);
    }
}
