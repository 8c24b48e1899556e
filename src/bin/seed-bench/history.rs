//! Everything about the tasks once they exist, one set-based statement per part, each reading
//! the tasks' stored columns (status, dates, flags, counts) so it agrees with them, and drawing
//! its other choices from the task's id with salts of its own (100 and up).
//!
//! A task's history: created by the City, assigned by the lead unit's head, up to two
//! progress reports by its officer, then what brought it to its status (reported done and
//! confirmed, reported done, a question to the City, or a last report); some contributions of
//! coordinating units. Extensions: approved ones (the tasks whose deadline moved), a few
//! refused and a few pending. An open escalation for every task waiting for the City's
//! direction; the reminders counted on the task; the notifications the overdue scan and the
//! extension decisions sent.

use sqlx::PgConnection;

use remediation_portal::seed::catalog::Notes;

use crate::catalog::Staged;
use crate::load::BenchSettings;
use crate::text;

/// What the statements need besides the tasks.
pub struct Context<'a> {
    pub settings: &'a BenchSettings,
    pub staged: &'a Staged,
    /// What people write, from the demo's lists.
    pub notes: &'a Notes,
}

/// One part of the load after the tasks.
#[derive(Debug, Clone, Copy)]
pub enum Part {
    Assignees,
    Coordinators,
    Opening,
    Progress,
    Closing,
    Contributions,
    Extensions,
    Escalations,
    Reminders,
    Notifications,
    PlanShortcomings,
}

/// The parts two connections run at once, each in order, with the names they are reported
/// under. Each table is filled by one of them only (a statement-level trigger never sees two
/// of the load's statements at once), and neither needs what the other writes. About as long
/// as each other: the history on one side, everything else on the other.
pub const LANES: [&[(&str, Part)]; 2] = [
    &[
        ("history: created, assigned", Part::Opening),
        ("history: progress reports", Part::Progress),
        ("history: last entries", Part::Closing),
    ],
    &[
        ("task assignees", Part::Assignees),
        ("task coordinators", Part::Coordinators),
        ("extension requests", Part::Extensions),
        ("escalations", Part::Escalations),
        ("reminders", Part::Reminders),
        ("notifications", Part::Notifications),
        ("plan shortcomings", Part::PlanShortcomings),
    ],
];

/// What needs both lanes' tables: the coordinating units' contributions, written into the
/// history.
pub const LAST: [(&str, Part); 1] = [("history: contributions", Part::Contributions)];

impl Part {
    /// Runs the part's statement; returns the rows it inserted.
    pub async fn run(self, conn: &mut PgConnection, context: &Context<'_>) -> sqlx::Result<u64> {
        let settings = context.settings;
        let staged = context.staged;
        let notes = context.notes;
        let query = match self {
            Part::Assignees => sqlx::query(ASSIGNEES).bind(settings.now),
            Part::Coordinators => sqlx::query(COORDINATORS)
                .bind(staged.leads)
                .bind(text::COORDINATOR_ROLES)
                .bind(staged.office)
                .bind(text::CITY_COORDINATOR_ROLE),
            Part::Opening => sqlx::query(OPENING).bind(staged.office).bind(settings.now),
            Part::Progress => sqlx::query(PROGRESS)
                .bind(settings.now)
                .bind(&notes.progress),
            Part::Closing => sqlx::query(CLOSING)
                .bind(settings.now)
                .bind(&notes.progress)
                .bind(&notes.escalation),
            Part::Contributions => sqlx::query(CONTRIBUTIONS)
                .bind(settings.now)
                .bind(&notes.contribution)
                .bind(staged.reviewer),
            Part::Extensions => sqlx::query(EXTENSIONS)
                .bind(settings.now)
                .bind(settings.today())
                .bind(staged.reviewer)
                .bind(&notes.extension_reason)
                .bind(text::APPROVAL_NOTE)
                .bind(text::REJECTION_NOTE),
            Part::Escalations => sqlx::query(ESCALATIONS).bind(&notes.escalation),
            Part::Reminders => sqlx::query(REMINDERS)
                .bind(settings.now)
                .bind(settings.today())
                .bind(staged.reviewer)
                .bind(text::REMINDER_MESSAGES),
            Part::Notifications => sqlx::query(NOTIFICATIONS)
                .bind(settings.now)
                .bind(settings.today()),
            Part::PlanShortcomings => sqlx::query(PLAN_SHORTCOMINGS),
        };
        Ok(query.execute(&mut *conn).await?.rows_affected())
    }
}

/// $1 now. The officer `pg_temp.officer` names, and on one task in seven a second one of the
/// same unit, assigned by the unit's head.
const ASSIGNEES: &str = "
insert into task_assignees (task_id, user_id, assigned_by, created_at)
select t.id, o.user_id, l.head_id, pg_temp.assigned_at(t.id, t.created_at, $1)
from tasks t
join bench_leads l on l.unit_id = t.lead_unit_id
cross join lateral (values
    (pg_temp.officer(t.id, l.first_officer, l.officers)),
    -- Another of the unit's officers: 1 to officers - 1 places further round.
    (case when l.officers > 1 and pg_temp.roll(t.id, 101) < 0.15
          then l.first_officer
               + (pg_temp.officer(t.id, l.first_officer, l.officers) - l.first_officer + 1
                  + pg_temp.below(t.id, 102, l.officers - 1)) % l.officers
     end)
) as a(key)
join bench_officers o on o.key = a.key
";

/// $1 lead units, $2 roles, $3 the City office, $4 its role. Zero to three coordinating units
/// near the lead in the list (mostly the same province): k strides of less than a third of
/// the list from the lead, so never the lead and never twice the same. The City office
/// follows some tasks itself.
const COORDINATORS: &str = "
insert into task_coordinators (task_id, unit_id, role_text)
select t.id, c.unit_id, pg_temp.pick($2, t.id * 4 + k, 110)
from tasks t
join bench_leads l on l.unit_id = t.lead_unit_id
cross join lateral generate_series(1, least(
    case when pg_temp.roll(t.id, 111) < 0.40 then 0 when pg_temp.roll(t.id, 111) < 0.80 then 1
         when pg_temp.roll(t.id, 111) < 0.95 then 2 else 3 end,
    $1 - 1)) as k
join bench_leads c
  on c.ord = 1 + (l.ord - 1 + k * (1 + pg_temp.below(t.id, 112, least(20, ($1 - 1) / 3)))) % $1
union all
select t.id, $3, $4 from tasks t where pg_temp.roll(t.id, 113) < 0.05
";

/// $1 the City office, $2 now. The first two entries of every task.
const OPENING: &str = "
insert into task_updates (task_id, unit_id, author_id, kind, status_before, status_after, percent,
                          note, created_at)
select t.id, $1, t.created_by, 'created'::task_update_kind, null::task_status,
       'not_started'::task_status, 0, 'Giao nhiệm vụ theo Kế hoạch số 68/KH-UBND.', t.created_at
from tasks t
union all
select t.id, t.lead_unit_id, l.head_id, 'assignment', null, null, null,
       'Phân công cán bộ theo dõi, thực hiện.', pg_temp.assigned_at(t.id, t.created_at, $2)
from tasks t
join bench_leads l on l.unit_id = t.lead_unit_id
";

/// $1 now, $2 notes. Up to two reports by the task's first officer before the last entry,
/// evenly spread between the assignment and the last update, the percentage rising towards
/// the task's.
const PROGRESS: &str = "
insert into task_updates (task_id, unit_id, author_id, kind, status_before, status_after, percent,
                          note, created_at)
select t.id, t.lead_unit_id, o.user_id, 'progress',
       (case when k = 1 then 'not_started' else 'in_progress' end)::task_status, 'in_progress',
       greatest(5, greatest(t.percent_complete, 10) * k / (p.steps + 1) / 5 * 5),
       pg_temp.pick($2, t.id * 4 + k, 120),
       p.assigned + (t.last_update_at - p.assigned) * (k::double precision / (p.steps + 2))
from tasks t
join bench_leads l on l.unit_id = t.lead_unit_id
join bench_officers o on o.key = pg_temp.officer(t.id, l.first_officer, l.officers)
cross join lateral (select pg_temp.assigned_at(t.id, t.created_at, $1) as assigned,
                           pg_temp.below(t.id, 121, 3) as steps) as p
cross join lateral generate_series(1, p.steps) as k
where t.status <> 'not_started'
";

/// $1 now, $2 notes, $3 questions. The entry that brought the task to its status, at its last
/// update: confirmed by the head (done; reported by the officer just before), reported done,
/// a question to the City (the head's; the escalation has the same words), or a last report.
const CLOSING: &str = "
insert into task_updates (task_id, unit_id, author_id, kind, status_before, status_after, percent,
                          note, created_at)
select t.id, t.lead_unit_id,
       case when t.status in ('done', 'needs_direction') then l.head_id else o.user_id end,
       (case when t.status = 'done' then 'confirmed' else 'progress' end)::task_update_kind,
       (case when t.status = 'done' then 'pending_confirmation' else 'in_progress' end)::task_status,
       t.status, t.percent_complete,
       case t.status
           when 'done' then 'Xác nhận hoàn thành.'
           when 'pending_confirmation' then 'Đã hoàn thành nhiệm vụ, đề nghị xác nhận.'
           when 'needs_direction' then pg_temp.pick($3, t.id, 160)
           else pg_temp.pick($2, t.id * 4, 122)
       end,
       t.last_update_at
from tasks t
join bench_leads l on l.unit_id = t.lead_unit_id
join bench_officers o on o.key = pg_temp.officer(t.id, l.first_officer, l.officers)
where t.status <> 'not_started'
union all
select t.id, t.lead_unit_id, o.user_id, 'progress', 'in_progress', 'pending_confirmation', 100,
       'Đã hoàn thành nhiệm vụ, đề nghị xác nhận.',
       p.assigned + (t.last_update_at - p.assigned) * ((p.steps + 1)::double precision / (p.steps + 2))
from tasks t
join bench_leads l on l.unit_id = t.lead_unit_id
join bench_officers o on o.key = pg_temp.officer(t.id, l.first_officer, l.officers)
cross join lateral (select pg_temp.assigned_at(t.id, t.created_at, $1) as assigned,
                           pg_temp.below(t.id, 121, 3) as steps) as p
where t.status = 'done'
";

/// $1 now, $2 notes, $3 the reviewer. One coordinating unit in five wrote what they
/// contributed (the unit's first officer; the reviewer for the City office), during the
/// task's work.
const CONTRIBUTIONS: &str = "
insert into task_updates (task_id, unit_id, author_id, kind, note, created_at)
select t.id, c.unit_id, coalesce(o.user_id, $3), 'contribution', pg_temp.pick($2, p.key, 130),
       p.assigned + (t.last_update_at - p.assigned) * (0.2 + 0.6 * pg_temp.roll(p.key, 131))
from task_coordinators c
join tasks t on t.id = c.task_id
left join bench_leads cl on cl.unit_id = c.unit_id
left join bench_officers o on o.key = cl.first_officer
-- The task and the unit's place in the list (the City office's is 0), not its id: ids depend
-- on what the database's sequences handed out before.
cross join lateral (select pg_temp.assigned_at(t.id, t.created_at, $1) as assigned,
                           t.id * 1000003 + coalesce(cl.ord, 0) as key) as p
where pg_temp.roll(p.key, 132) < 0.2
";

/// $1 now, $2 today, $3 the reviewer, $4 reasons, $5 and $6 decision notes.
/// Approved: every task whose deadline moved, asked by its head before the earlier deadline
/// and decided within days (and before a done task was finished). Refused: a few tasks,
/// asked before their deadline. Pending: three open tasks in a hundred, asked after their last
/// update.
const EXTENSIONS: &str = "
insert into extension_requests (task_id, requested_by, deadline_before, proposed_deadline, reason,
                                doc_number, status, decided_by, decided_at, decision_note,
                                created_at)
select t.id, l.head_id, t.original_deadline, t.deadline, pg_temp.pick($4, t.id, 140),
       (100 + pg_temp.below(t.id, 141, 800)) || '/BC-' || replace(l.code, '.', '-'),
       'approved'::extension_status, $3::bigint, pg_temp.office_time(d.decided, t.id, 142, $1), $5,
       pg_temp.office_time(r.requested, t.id, 143, $1)
from tasks t
join bench_leads l on l.unit_id = t.lead_unit_id
cross join lateral (select least(greatest(pg_temp.assigned_at(t.id, t.created_at, $1)::date + 1,
                                          t.original_deadline - 1 - pg_temp.below(t.id, 144, 20)),
                                 $2::date - 1) as requested) as r
cross join lateral (select least(r.requested + 2 + pg_temp.below(t.id, 145, 9), t.original_deadline,
                                 $2::date) as decided) as d
where t.original_deadline <> t.deadline
union all
select t.id, l.head_id, t.deadline, t.deadline + 30 + pg_temp.below(t.id, 146, 90),
       pg_temp.pick($4, t.id, 147),
       (100 + pg_temp.below(t.id, 141, 800)) || '/BC-' || replace(l.code, '.', '-'),
       'rejected', $3, pg_temp.office_time(d.decided, t.id, 149, $1), $6,
       pg_temp.office_time(r.requested, t.id, 150, $1)
from tasks t
join bench_leads l on l.unit_id = t.lead_unit_id
cross join lateral (select least(greatest(pg_temp.assigned_at(t.id, t.created_at, $1)::date + 1,
                                          t.deadline - 1 - pg_temp.below(t.id, 148, 20)),
                                 $2::date - 1) as requested) as r
cross join lateral (select least(r.requested + 2 + pg_temp.below(t.id, 151, 9),
                                 coalesce(t.completed_on - 1, $2::date)) as decided) as d
where t.original_deadline = t.deadline and pg_temp.roll(t.id, 152) < 0.015
  and (t.completed_on is null or t.completed_on > t.deadline)
union all
select t.id, l.head_id, t.deadline, t.deadline + 30 + pg_temp.below(t.id, 153, 90),
       pg_temp.pick($4, t.id, 154),
       (100 + pg_temp.below(t.id, 141, 800)) || '/BC-' || replace(l.code, '.', '-'),
       'pending', null, null, '',
       pg_temp.office_time(least(t.last_update_at::date + 1 + pg_temp.below(t.id, 155, 5), $2::date),
                           t.id, 156, $1)
from tasks t
join bench_leads l on l.unit_id = t.lead_unit_id
where t.status <> 'done' and t.deadline is not null and pg_temp.roll(t.id, 157) < 0.03
";

/// $1 questions. The open question of every task waiting for the City's direction, in the
/// words of its last history entry.
const ESCALATIONS: &str = "
insert into escalations (task_id, raised_by, question, created_at)
select t.id, l.head_id, pg_temp.pick($1, t.id, 160), t.last_update_at
from tasks t
join bench_leads l on l.unit_id = t.lead_unit_id
where t.status = 'needs_direction'
";

/// $1 now, $2 today, $3 the reviewer, $4 messages. The reminders each task counts, spread from
/// the day after its deadline to today (or the day before it was finished).
const REMINDERS: &str = "
insert into reminders (task_id, unit_id, sent_by, doc_number, message, created_at)
select t.id, t.lead_unit_id, $3, (1000 + pg_temp.below(t.id * 8 + k, 170, 8000)) || '/VP-TH',
       pg_temp.pick($4, t.id * 8 + k, 171),
       pg_temp.office_time(
           t.deadline + 1 + (k - 1) * ((coalesce(t.completed_on - 1, $2::date) - t.deadline - 1) / t.reminder_count),
           t.id * 8 + k, 172, $1)
from tasks t
cross join lateral generate_series(1, t.reminder_count) as k
where t.reminder_count > 0
";

/// $1 now, $2 today. What the overdue scan told each task's people when the task became
/// overdue, and what the City's decisions on extension requests told them; on most tasks,
/// what is older than two weeks has been read. A task's people are those `task_people()`
/// names (its officers and its lead unit's head, every account being active), found by a join:
/// calling the function for each of hundreds of thousands of tasks is several times slower.
const NOTIFICATIONS: &str = "
with people as (
    select task_id, user_id from task_assignees
    union all
    select t.id, l.head_id from tasks t join bench_leads l on l.unit_id = t.lead_unit_id
)
insert into notifications (user_id, kind, task_id, extension_request_id, params, read_at, created_at)
select p.user_id, 'overdue'::notification_kind, t.id, null::bigint,
       jsonb_build_object('code', t.code, 'deadline', t.deadline, 'overdue_since', t.overdue_since),
       case when t.overdue_since < $2::date - 14 and pg_temp.roll(t.id, 180) < 0.7
            then n.at + interval '1 day' end,
       n.at
from tasks t
join people p on p.task_id = t.id
cross join lateral (select pg_temp.office_time(t.overdue_since, t.id, 181, $1) as at) as n
where t.overdue
union all
select p.user_id, 'extension_decided', t.id, e.id,
       jsonb_build_object('code', t.code, 'approved', e.status = 'approved',
                          'deadline', e.proposed_deadline),
       case when e.decided_at < $1 - interval '14 days' and pg_temp.roll(t.id, 182) < 0.8
            then e.decided_at + interval '2 hours' end,
       e.decided_at
from extension_requests e
join tasks t on t.id = e.task_id
join people p on p.task_id = t.id
where e.status <> 'pending'
";

/// The shortcomings each plan covers: those of its unit's tasks.
const PLAN_SHORTCOMINGS: &str = "
insert into plan_shortcomings (plan_id, shortcoming_id)
select distinct plan_id, shortcoming_id from tasks where plan_id is not null
";
