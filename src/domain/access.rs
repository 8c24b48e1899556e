//! Who may see and do what (docs/design.md: Roles). Every check is made on the server, per
//! request, on the object's unit; hidden buttons are only a courtesy.

use super::{Role, UnitId, UserId};

/// The signed-in user, as the permission rules see them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub id: UserId,
    pub role: Role,
    pub unit_id: UnitId,
    /// The units whose tasks this user works on: their own unit and, for a unit head, the
    /// units below it (a district head also sees the district's divisions).
    pub units: Vec<UnitId>,
}

impl Actor {
    /// Admins, City reviewers and viewers see every unit's tasks.
    pub fn sees_all_units(&self) -> bool {
        matches!(self.role, Role::Admin | Role::CityReviewer | Role::Viewer)
    }

    /// `None` for "every unit", else the units this user's lists are limited to.
    pub fn unit_scope(&self) -> Option<Vec<i64>> {
        (!self.sees_all_units()).then(|| self.units.iter().map(|u| u.0).collect())
    }

    /// May see what belongs to `unit` (its remediation plan, say): the unit's own staff and
    /// the City.
    pub fn can_see_unit(&self, unit: UnitId) -> bool {
        self.sees_all_units() || self.units.contains(&unit)
    }

    /// May open `unit`'s dashboard: the City, and the unit's head (a district head also its
    /// divisions').
    pub fn sees_unit_dashboard(&self, unit: UnitId) -> bool {
        self.sees_all_units() || (self.role == Role::UnitHead && self.units.contains(&unit))
    }

    /// May see a task led by `lead` with these coordinating units.
    pub fn can_see_task(&self, lead: UnitId, coordinators: &[UnitId]) -> bool {
        self.sees_all_units()
            || self.units.contains(&lead)
            || coordinators.iter().any(|c| self.units.contains(c))
    }

    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }

    /// City reviewers and admins create and edit shortcomings, plans and tasks, decide
    /// extensions, answer escalations and send reminders to any unit.
    pub fn manages_tasks(&self) -> bool {
        matches!(self.role, Role::Admin | Role::CityReviewer)
    }

    /// True when the task's lead unit is one of this user's units.
    fn in_lead_unit(&self, task: &TaskParties) -> bool {
        self.units.contains(&task.lead)
    }

    fn is_head_of_lead(&self, task: &TaskParties) -> bool {
        self.role == Role::UnitHead && self.in_lead_unit(task)
    }

    /// May report the task's progress (status, percent, note, evidence): the officers who
    /// follow it or work in its lead unit, the lead unit's head, an admin.
    pub fn may_report_progress(&self, task: &TaskParties) -> bool {
        match self.role {
            Role::Admin => true,
            Role::UnitHead => self.in_lead_unit(task),
            Role::Officer => self.in_lead_unit(task) || task.assignees.contains(&self.id),
            Role::CityReviewer | Role::Viewer => false,
        }
    }

    /// May add a coordinating unit's contribution: staff of a coordinating unit (or an admin).
    pub fn may_contribute(&self, task: &TaskParties) -> bool {
        match self.role {
            Role::Admin => true,
            Role::UnitHead | Role::Officer => task
                .coordinators
                .iter()
                .any(|unit| self.units.contains(unit)),
            Role::CityReviewer | Role::Viewer => false,
        }
    }

    /// May confirm a reported completion or return it: the lead unit's head, the City.
    pub fn may_confirm(&self, task: &TaskParties) -> bool {
        self.manages_tasks() || self.is_head_of_lead(task)
    }

    /// May choose the officers who follow the task: the lead unit's head, the City.
    pub fn may_assign(&self, task: &TaskParties) -> bool {
        self.manages_tasks() || self.is_head_of_lead(task)
    }

    /// May ask for a new deadline or for the City's direction: the lead unit's head, an admin.
    pub fn may_request_for_unit(&self, task: &TaskParties) -> bool {
        self.is_admin() || self.is_head_of_lead(task)
    }

    /// May send a reminder about the task: the City to anyone; the lead unit's head to the
    /// task's coordinating units.
    pub fn may_remind(&self, task: &TaskParties) -> bool {
        self.manages_tasks() || (self.is_head_of_lead(task) && !task.coordinators.is_empty())
    }

    /// May write `unit`'s periodic report (its text, while it is with the unit): the unit's
    /// officers and head, an admin.
    pub fn may_write_report(&self, unit: UnitId) -> bool {
        match self.role {
            Role::Admin => true,
            Role::UnitHead | Role::Officer => self.units.contains(&unit),
            Role::CityReviewer | Role::Viewer => false,
        }
    }

    /// May submit `unit`'s periodic report to the City: the unit's head, an admin.
    pub fn may_submit_report(&self, unit: UnitId) -> bool {
        self.is_admin() || (self.role == Role::UnitHead && self.units.contains(&unit))
    }

    /// May accept or return a submitted report: the City.
    pub fn may_decide_report(&self) -> bool {
        self.manages_tasks()
    }

    /// May read the audit log: the City all of it, a unit head their units' entries.
    pub fn reads_audit(&self) -> bool {
        matches!(self.role, Role::Admin | Role::CityReviewer | Role::UnitHead)
    }
}

/// Who is involved in a task, as the permission rules need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskParties {
    pub lead: UnitId,
    pub coordinators: Vec<UnitId>,
    pub assignees: Vec<UserId>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(role: Role, units: &[i64]) -> Actor {
        Actor {
            id: UserId(1),
            role,
            unit_id: UnitId(units[0]),
            units: units.iter().map(|u| UnitId(*u)).collect(),
        }
    }

    #[test]
    fn unit_staff_see_their_units_tasks_as_lead_or_coordinator() {
        let officer = actor(Role::Officer, &[10]);
        assert!(officer.can_see_task(UnitId(10), &[]));
        assert!(officer.can_see_task(UnitId(20), &[UnitId(10)]));
        assert!(!officer.can_see_task(UnitId(20), &[UnitId(30)]));
        assert!(officer.can_see_unit(UnitId(10)) && !officer.can_see_unit(UnitId(20)));
        let district_head = actor(Role::UnitHead, &[10, 11, 12]);
        assert!(district_head.can_see_task(UnitId(12), &[]));
        assert!(district_head.can_see_unit(UnitId(11)));
        assert_eq!(district_head.unit_scope(), Some(vec![10, 11, 12]));
    }

    fn task(lead: i64, coordinators: &[i64], assignees: &[i64]) -> TaskParties {
        TaskParties {
            lead: UnitId(lead),
            coordinators: coordinators.iter().map(|u| UnitId(*u)).collect(),
            assignees: assignees.iter().map(|u| UserId(*u)).collect(),
        }
    }

    #[test]
    fn the_design_table_for_task_actions() {
        let led = task(10, &[20], &[]);
        let coordinated = task(20, &[10], &[]);
        let elsewhere = task(30, &[], &[]);
        let officer = actor(Role::Officer, &[10]);
        assert!(officer.may_report_progress(&led));
        assert!(!officer.may_report_progress(&coordinated));
        assert!(officer.may_contribute(&coordinated));
        assert!(!officer.may_confirm(&led) && !officer.may_assign(&led));
        assert!(!officer.may_request_for_unit(&led) && !officer.may_remind(&led));
        // Assigned by name to another unit's task (e.g. seconded): may report on it.
        assert!(officer.may_report_progress(&task(30, &[], &[1])));

        let head = actor(Role::UnitHead, &[10]);
        assert!(head.may_report_progress(&led) && head.may_confirm(&led));
        assert!(head.may_assign(&led) && head.may_request_for_unit(&led));
        assert!(head.may_remind(&led), "towards its coordinating units");
        assert!(!head.may_remind(&task(10, &[], &[])), "nobody to remind");
        assert!(!head.may_confirm(&coordinated) && !head.may_assign(&coordinated));
        assert!(!head.may_report_progress(&elsewhere));

        let reviewer = actor(Role::CityReviewer, &[1]);
        assert!(reviewer.may_confirm(&elsewhere) && reviewer.may_assign(&elsewhere));
        assert!(reviewer.may_remind(&elsewhere) && reviewer.manages_tasks());
        assert!(!reviewer.may_report_progress(&elsewhere));
        assert!(!reviewer.may_request_for_unit(&elsewhere));

        let viewer = actor(Role::Viewer, &[1]);
        assert!(!viewer.may_report_progress(&elsewhere) && !viewer.may_confirm(&elsewhere));
        assert!(!viewer.may_contribute(&elsewhere) && !viewer.manages_tasks());
        assert!(!viewer.reads_audit());

        let admin = actor(Role::Admin, &[1]);
        assert!(admin.may_report_progress(&elsewhere) && admin.may_request_for_unit(&elsewhere));
    }

    #[test]
    fn city_roles_see_everything() {
        for role in [Role::Admin, Role::CityReviewer, Role::Viewer] {
            let a = actor(role, &[1]);
            assert!(a.can_see_task(UnitId(99), &[]));
            assert!(a.can_see_unit(UnitId(99)));
            assert_eq!(a.unit_scope(), None);
        }
    }
}
