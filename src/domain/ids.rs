//! Typed ids, so a `TaskId` can never be passed where a `UnitId` is expected.

macro_rules! id_type {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, sqlx::Type, serde::Serialize, serde::Deserialize)]
        #[sqlx(transparent)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    )*};
}

id_type!(
    /// A unit: the City office, a department, a district, a division or a commune.
    UnitId,
    /// A user account.
    UserId,
    /// A field of state management.
    FieldId,
    /// A source document (inspection conclusion, audit report, review...).
    SourceId,
    /// One of the shortcomings (TT-01 … TT-33).
    ShortcomingId,
    /// A unit's remediation plan.
    PlanId,
    /// A remediation task.
    TaskId,
    /// A report regime (which periodic report the City asks for).
    RegimeId,
    /// A unit's periodic report for one period.
    ReportId,
);

impl TaskId {
    /// True when `list` holds this id (templates: ticked rows of a list; a `Vec` so the
    /// template's optional argument has a sized type).
    #[allow(clippy::ptr_arg)]
    pub fn is_in(self, list: &Vec<TaskId>) -> bool {
        list.contains(&self)
    }
}
