//! Where the catalogue runs when the routes come from a document: a public GET for the public
//! cases, and a GET that one scope opens, which answered the audit's exactly-its-scopes request
//! with a 2xx, for every other case (its path is then the private and the scoped path, its
//! scope the scope). A path without a POST of its own is preferred: the form-body case POSTs.

use super::{Access, Operation};
use crate::case::{Case, Endpoint, Recipe, Transport};
use crate::profile::Profile;

/// The catalogue's cases left out for want of an operation to send them to, and where the
/// others run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Aimed {
    /// The operation the token and scope cases go to, if one was found.
    pub private: Option<String>,
    /// The public operation, if one was found.
    pub public: Option<String>,
    /// The private path has a POST of its own: the form-body case would reach that one.
    pub form_elsewhere: bool,
}

impl Aimed {
    /// Whether the case runs.
    pub fn keeps(&self, case: &Case) -> bool {
        if self.private.is_none() {
            // Every case sends the valid token to the private path.
            return false;
        }
        if self.form_elsewhere && matches!(case.recipe, Recipe::Transport(Transport::Form)) {
            return false;
        }
        !(self.public.is_none() && case.endpoint() == Some(Endpoint::Public))
    }

    /// One line for the report: where the catalogue ran, and what it left out.
    pub fn describe(&self, profile: &Profile) -> String {
        match &self.private {
            None => "the catalogue did not run: no GET that one scope opens answered 2xx to \
                     exactly its scopes (give --private-path, --scoped-path and --scope)"
                .into(),
            Some(op) => format!(
                "the catalogue ran on {op} ({}, scope {}){}{}",
                profile.private_path,
                profile.scope,
                if self.public.is_none() {
                    "; no public GET, so not the public-path cases"
                } else {
                    ""
                },
                if self.form_elsewhere {
                    "; not the form-body case, since POST there is another operation"
                } else {
                    ""
                },
            ),
        }
    }
}

/// Points `profile` at the operations; `answered(op)` says whether the operation let exactly
/// its scopes through with a 2xx.
pub fn aim(
    profile: &mut Profile,
    operations: &[Operation],
    answered: impl Fn(&Operation) -> bool,
) -> Aimed {
    let mut aimed = Aimed::default();
    let gets = || operations.iter().filter(|op| op.method == "GET");
    if let Some(op) = gets().find(|op| op.access == Access::Public) {
        profile.public_path = op.target.clone();
        aimed.public = Some(op.label());
    }
    let posts = |op: &Operation| {
        operations
            .iter()
            .any(|o| o.method == "POST" && o.template == op.template)
    };
    let usable = |op: &&Operation| {
        matches!(op.access, Access::Required(_)) && op.least_scopes().len() == 1 && answered(op)
    };
    let chosen = gets()
        .filter(usable)
        .find(|op| !posts(op))
        .or_else(|| gets().find(usable));
    if let Some(op) = chosen {
        profile.private_path = op.target.clone();
        profile.scoped_path = op.target.clone();
        profile.scope = op.least_scopes()[0].clone();
        aimed.private = Some(op.label());
        aimed.form_elsewhere = posts(op);
    }
    aimed
}
