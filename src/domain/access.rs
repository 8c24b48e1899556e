//! Who may see and do what (DESIGN.md §5). Every check is made on the server, per request, on
//! the object's unit; hidden buttons are only a courtesy.

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

    /// May see a task led by `lead` with these coordinating units.
    pub fn can_see_task(&self, lead: UnitId, coordinators: &[UnitId]) -> bool {
        self.sees_all_units()
            || self.units.contains(&lead)
            || coordinators.iter().any(|c| self.units.contains(c))
    }

    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }
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
        let district_head = actor(Role::UnitHead, &[10, 11, 12]);
        assert!(district_head.can_see_task(UnitId(12), &[]));
        assert_eq!(district_head.unit_scope(), Some(vec![10, 11, 12]));
    }

    #[test]
    fn city_roles_see_everything() {
        for role in [Role::Admin, Role::CityReviewer, Role::Viewer] {
            let a = actor(role, &[1]);
            assert!(a.can_see_task(UnitId(99), &[]));
            assert_eq!(a.unit_scope(), None);
        }
    }
}
