//! Two people editing one row at once. An edit form carries the version of what it shows: a
//! fingerprint of the saved values it was filled with. The save (a command) locks the row,
//! reads it again and has the page compare ([`EditForm::refuse_if_changed`]). A save over values that changed meanwhile is refused with 409: the page shows
//! what is saved now beside what was typed, keeps what was typed, and carries the new version,
//! so saving again is a deliberate choice. A fingerprint of the form's own fields, rather than
//! the row's `updated_at`, so that what the form does not edit (a user's last sign-in) never
//! refuses a save, and what it edits outside the row (a plan's shortcomings) always does.
//! (Tasks have their own `row_version` and history.)

use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::PgConnection;

use super::ctx::PageCtx;
pub use super::error::Difference;
use super::error::{AppError, Conflict};

/// A form's fields as a person reads them: (label key, value shown), in the form's order.
pub trait Shown {
    fn shown(&self, ctx: &PageCtx) -> Vec<(&'static str, String)>;
}

/// An edit form that carries the version of the values it was filled with. Its `version` and
/// `conflict` fields are not serialised, so the fingerprint covers the edited fields alone.
pub trait EditForm: Shown + Serialize + Sized {
    /// The version the form was filled with, as sent.
    fn version(&self) -> &str;
    fn version_mut(&mut self) -> &mut String;
    fn conflict_mut(&mut self) -> &mut Option<Vec<Difference>>;

    /// A fingerprint of the values (SHA-256 of their JSON, in hex).
    fn fingerprint(&self) -> String {
        let json = serde_json::to_vec(self).unwrap_or_default();
        Sha256::digest(&json)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// The saved values, as an edit form shows them: with their version.
    fn stamped(mut self) -> Self {
        *self.version_mut() = self.fingerprint();
        self
    }

    /// Refuses (409) a save of `typed` when it was filled with other values than these, saved
    /// now: the refusal carries the differences and the new version, for the form shown again
    /// ([`EditForm::show_conflict`]).
    fn refuse_if_changed(&self, ctx: &PageCtx, typed: &Self) -> Result<(), AppError> {
        let version = self.fingerprint();
        if typed.version() == version {
            return Ok(());
        }
        Err(AppError::Conflict(Conflict {
            differences: differences(ctx, self, typed),
            version,
        }))
    }

    /// Makes what was typed ready to show again after a conflict: the differences, and the
    /// version of what is saved now, so saving again is a deliberate choice.
    fn show_conflict(&mut self, conflict: Conflict) {
        *self.conflict_mut() = Some(conflict.differences);
        *self.version_mut() = conflict.version;
    }
}

/// An edit form over a row: how the row is read, for the form shown again beside it.
pub trait Editable: EditForm {
    type Row: Send;

    /// The row `id` as saved now.
    fn load(
        conn: &mut PgConnection,
        id: i64,
    ) -> impl Future<Output = Result<Option<Self::Row>, sqlx::Error>> + Send;
}

/// Implements [`EditForm`] for a form with the fields `version` and `conflict`; given the row
/// type, the function that reads a row and the id type, [`Editable`] too.
#[macro_export]
macro_rules! edit_form {
    ($form:ty) => {
        impl $crate::web::conflict::EditForm for $form {
            fn version(&self) -> &str {
                self.version.trim()
            }
            fn version_mut(&mut self) -> &mut String {
                &mut self.version
            }
            fn conflict_mut(&mut self) -> &mut Option<Vec<$crate::web::conflict::Difference>> {
                &mut self.conflict
            }
        }
    };
    ($form:ty, $row:ty, $load:path, $id:path) => {
        $crate::edit_form!($form);

        impl $crate::web::conflict::Editable for $form {
            type Row = $row;

            async fn load(
                conn: &mut sqlx::PgConnection,
                id: i64,
            ) -> Result<Option<$row>, sqlx::Error> {
                $load(conn, $id(id)).await
            }
        }
    };
}

/// The fields where `saved` and `typed` read differently.
pub fn differences<F: Shown>(ctx: &PageCtx, saved: &F, typed: &F) -> Vec<Difference> {
    saved
        .shown(ctx)
        .into_iter()
        .zip(typed.shown(ctx))
        .filter(|((_, saved), (_, yours))| saved.trim() != yours.trim())
        .map(|((label, saved), (_, yours))| Difference {
            label,
            saved,
            yours,
        })
        .collect()
}

/// The name of the unit `raw` (an id as a form sends it), or what was sent.
pub fn unit_name(ctx: &PageCtx, raw: &str) -> String {
    let directory = ctx.session.as_ref().map(|s| &s.directory);
    raw.trim()
        .parse::<i64>()
        .ok()
        .and_then(|id| directory?.unit(crate::domain::UnitId(id)))
        .map(|unit| unit.name.clone())
        .unwrap_or_else(|| raw.trim().to_owned())
}

/// A checkbox "active" as the conflict table shows it.
pub fn active_label(ctx: &PageCtx, active: bool) -> String {
    ctx.t(if active {
        "admin.active"
    } else {
        "admin.inactive"
    })
    .to_owned()
}

/// A choice as the conflict table shows it: its label (`label_key`), or what was sent when it
/// is no choice the portal knows.
pub fn choice_label(ctx: &PageCtx, raw: &str, label_key: Option<&'static str>) -> String {
    label_key.map_or_else(|| raw.to_owned(), |key| ctx.t(key).to_owned())
}

/// A list of checked ids (documents, say) as the conflict table shows it: how many.
pub fn listed(ctx: &PageCtx, ids: &[String]) -> String {
    let count = ids.iter().filter(|id| !id.trim().is_empty()).count();
    ctx.tf("conflict.documents", count)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Default, Serialize)]
    struct Form {
        title: String,
        #[serde(skip)]
        version: String,
        #[serde(skip)]
        conflict: Option<Vec<Difference>>,
    }

    impl Shown for Form {
        fn shown(&self, _: &PageCtx) -> Vec<(&'static str, String)> {
            vec![("title", self.title.clone())]
        }
    }

    impl EditForm for Form {
        fn version(&self) -> &str {
            &self.version
        }
        fn version_mut(&mut self) -> &mut String {
            &mut self.version
        }
        fn conflict_mut(&mut self) -> &mut Option<Vec<Difference>> {
            &mut self.conflict
        }
    }

    #[test]
    fn the_version_follows_the_values_and_nothing_else() {
        let a = Form {
            title: "Kế hoạch".into(),
            ..Form::default()
        }
        .stamped();
        let b = Form {
            title: "Kế hoạch".into(),
            version: "anything".into(),
            ..Form::default()
        };
        assert_eq!(a.fingerprint(), b.fingerprint());
        let c = Form {
            title: "Kế hoạch 2".into(),
            ..Form::default()
        };
        assert_ne!(a.fingerprint(), c.fingerprint());
        assert_eq!(a.version.len(), 64);
    }
}
