//! The rules of an account: its username, its password's strength, and what it belongs to for
//! its role (an enterprise user to a registered enterprise, bank and regulator users to an
//! organisation). Every problem of an input is reported at once, by field.

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use utoipa::ToSchema;

use super::{CreditCode, Role, Violations};
use crate::auth::password;

/// Longest username.
pub const USERNAME_MAX: usize = 64;
/// Longest organisation name.
pub const ORGANISATION_MAX: usize = 200;

/// A username: 1 to 64 letters, digits or `.` `_` `-` `@`, trimmed. Checked into `v` as `field`.
pub fn username(v: &mut Violations, field: &str, raw: &str) -> String {
    let name = raw.trim();
    if name.is_empty()
        || name.chars().count() > USERNAME_MAX
        || !name
            .chars()
            .all(|c| c.is_alphanumeric() || "._-@".contains(c))
    {
        v.add(
            field,
            format!("must be 1-{USERNAME_MAX} letters, digits or . _ - @"),
        );
    }
    name.to_string()
}

/// A password that meets [`password::check_strength`], checked into `v` as `field`.
pub fn strong_password(v: &mut Violations, field: &str, secret: &SecretString) {
    if let Err(problem) = password::check_strength(secret.expose_secret()) {
        // "password must …": the field already says whose.
        let problem = problem.strip_prefix("password ").unwrap_or(&problem);
        v.add(field, problem);
    }
}

/// A role named in an input: one of the four.
fn role(v: &mut Violations, raw: &str) -> Option<Role> {
    let role = Role::parse(raw.trim());
    if role.is_none() {
        v.add("role", format!("must be one of: {}", Role::allowed()));
    }
    role
}

/// What an account is and belongs to, checked against its role's rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Affiliation {
    pub role: Role,
    /// The enterprise of an enterprise user (canonical credit code); none for the others.
    pub enterprise: Option<String>,
    /// The organisation of a bank or regulator user (an admin may name one); none for
    /// enterprise users.
    pub organisation: Option<String>,
}

impl Affiliation {
    /// Checks `enterprise` and `organisation` (blank means none) against `role`.
    fn check(
        v: &mut Violations,
        role: Option<Role>,
        enterprise: Option<&str>,
        organisation: Option<&str>,
    ) -> Option<Affiliation> {
        let enterprise = enterprise.map(str::trim).filter(|e| !e.is_empty());
        let organisation = v.optional_text("organisation", organisation, ORGANISATION_MAX);
        let code = enterprise.and_then(|raw| match CreditCode::parse(raw) {
            Ok(code) => Some(code.to_string()),
            Err(e) => {
                v.add("enterprise", e.to_string());
                None
            }
        });
        let role = role?;
        match (role, enterprise) {
            (Role::Enterprise, None) => v.add(
                "enterprise",
                "an enterprise user needs the credit code of a registered enterprise",
            ),
            (Role::Enterprise, Some(_)) => {}
            (_, Some(_)) => v.add(
                "enterprise",
                "only enterprise users belong to an enterprise",
            ),
            (_, None) => {}
        }
        match (role, &organisation) {
            (Role::Bank | Role::Regulator, None) => v.add(
                "organisation",
                "bank and regulator users need the name of their organisation",
            ),
            (Role::Enterprise, Some(_)) => v.add(
                "organisation",
                "enterprise users belong to their enterprise, not an organisation",
            ),
            _ => {}
        }
        Some(Affiliation {
            role,
            enterprise: code,
            organisation,
        })
    }
}

/// A new account, as an admin asks for it.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "username": "wang.li", "password": "a-long-passphrase-1", "role": "regulator",
    "organisation": "Hangzhou Market Supervision Bureau"
}))]
pub struct NewAccountInput {
    /// 1-64 letters, digits or `.` `_` `-` `@`.
    #[schema(min_length = 1, max_length = 64)]
    pub username: String,
    /// At least 10 characters, not one character repeated. Never stored or shown: only its
    /// argon2id hash is kept.
    #[schema(value_type = String, format = Password, min_length = 10)]
    pub password: SecretString,
    #[schema(value_type = Role)]
    pub role: String,
    /// For bank and regulator users (required): their organisation, registered on first use.
    #[serde(default)]
    pub organisation: Option<String>,
    /// For enterprise users (required): the credit code of their registered enterprise.
    #[serde(default)]
    pub enterprise: Option<String>,
}

/// A new account whose input meets every rule (the enterprise still has to be registered).
#[derive(Debug, Clone)]
pub struct ValidAccount {
    pub username: String,
    pub password: SecretString,
    pub affiliation: Affiliation,
}

impl NewAccountInput {
    pub fn validate(self) -> Result<ValidAccount, Violations> {
        let mut v = Violations::new();
        let username = username(&mut v, "username", &self.username);
        strong_password(&mut v, "password", &self.password);
        let role = role(&mut v, &self.role);
        let affiliation = Affiliation::check(
            &mut v,
            role,
            self.enterprise.as_deref(),
            self.organisation.as_deref(),
        );
        match affiliation {
            Some(affiliation) if v.is_empty() => Ok(ValidAccount {
                username,
                password: self.password,
                affiliation,
            }),
            _ => Err(v),
        }
    }
}

/// A change of an account's role and what it belongs to. What is left out stays as it is, as
/// far as the (new) role allows: an account that becomes a bank user keeps no enterprise, one
/// that becomes an enterprise user keeps no organisation.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"role": "bank", "organisation": "Some Bank"}))]
pub struct AccountPatch {
    #[serde(default)]
    #[schema(value_type = Option<Role>)]
    pub role: Option<String>,
    #[serde(default)]
    pub organisation: Option<String>,
    #[serde(default)]
    pub enterprise: Option<String>,
}

impl AccountPatch {
    /// The rules a patch meets or breaks whatever the account is now (a known role, the length
    /// of the organisation, the form of the credit code): judged before the version it was
    /// meant for, so a malformed patch is a 422 and never a 412.
    pub fn check_alone(&self) -> Result<(), Violations> {
        let mut v = Violations::new();
        if let Some(raw) = self.role.as_deref() {
            role(&mut v, raw);
        }
        v.optional_text(
            "organisation",
            self.organisation.as_deref(),
            ORGANISATION_MAX,
        );
        let enterprise = self.enterprise.as_deref().map(str::trim);
        if let Some(Err(e)) = enterprise.filter(|e| !e.is_empty()).map(CreditCode::parse) {
            v.add("enterprise", e.to_string());
        }
        v.into_result(())
    }

    /// The account's affiliation after the change, from the current one.
    pub fn apply(self, current: &Affiliation) -> Result<Affiliation, Violations> {
        let mut v = Violations::new();
        let role = match self.role.as_deref() {
            Some(raw) => role(&mut v, raw),
            None => Some(current.role),
        };
        let enterprise = self.enterprise.or_else(|| {
            (current.role == Role::Enterprise && role == Some(Role::Enterprise))
                .then(|| current.enterprise.clone())
                .flatten()
        });
        let organisation = self.organisation.or_else(|| {
            (role.is_some() && role != Some(Role::Enterprise))
                .then(|| current.organisation.clone())
                .flatten()
        });
        let affiliation =
            Affiliation::check(&mut v, role, enterprise.as_deref(), organisation.as_deref());
        match affiliation {
            Some(a) if v.is_empty() => Ok(a),
            _ => Err(v),
        }
    }
}

/// A new password set by an admin.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"password": "another-long-passphrase-2"}))]
pub struct PasswordInput {
    /// At least 10 characters, not one character repeated.
    #[schema(value_type = String, format = Password, min_length = 10)]
    pub password: SecretString,
}

impl PasswordInput {
    pub fn validate(self) -> Result<SecretString, Violations> {
        let mut v = Violations::new();
        strong_password(&mut v, "password", &self.password);
        v.into_result(self.password)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CODE: &str = "91330100799655058B";

    fn input(username: &str, password: &str, role: &str) -> NewAccountInput {
        NewAccountInput {
            username: username.into(),
            password: SecretString::from(password.to_string()),
            role: role.into(),
            organisation: None,
            enterprise: None,
        }
    }

    fn fields(v: &Violations) -> Vec<&str> {
        v.0.iter().map(|e| e.field.as_str()).collect()
    }

    #[test]
    fn every_problem_is_named_at_once() {
        let v = input("bad name!", "short", "superuser")
            .validate()
            .unwrap_err();
        assert_eq!(fields(&v), ["username", "password", "role"]);
        let mut bank = input("b", "a-good-password", "bank");
        bank.enterprise = Some("not a code".into());
        let v = bank.validate().unwrap_err();
        assert_eq!(fields(&v), ["enterprise", "enterprise", "organisation"]);
    }

    #[test]
    fn roles_need_what_they_belong_to() {
        let mut ent = input(" ent ", "a-good-password", "enterprise");
        assert_eq!(fields(&ent.clone().validate().unwrap_err()), ["enterprise"]);
        ent.enterprise = Some(CODE.to_lowercase());
        let ok = ent.validate().unwrap();
        assert_eq!(ok.username, "ent");
        assert_eq!(ok.affiliation.enterprise.as_deref(), Some(CODE));
        let mut reg = input("r", "a-good-password", "regulator");
        reg.organisation = Some("  ".into());
        assert_eq!(
            fields(&reg.clone().validate().unwrap_err()),
            ["organisation"]
        );
        reg.organisation = Some(" Bureau ".into());
        assert_eq!(
            reg.validate().unwrap().affiliation.organisation.as_deref(),
            Some("Bureau")
        );
        assert!(input("root", "a-good-password", "admin").validate().is_ok());
        let v = input("x", "aaaaaaaaaaaa", "admin").validate().unwrap_err();
        assert_eq!(v.0[0].message, "must not repeat a single character");
    }

    #[test]
    fn a_patch_keeps_what_the_new_role_allows() {
        let bank = Affiliation {
            role: Role::Bank,
            enterprise: None,
            organisation: Some("Bank".into()),
        };
        let patch = |role: Option<&str>, org: Option<&str>, ent: Option<&str>| AccountPatch {
            role: role.map(String::from),
            organisation: org.map(String::from),
            enterprise: ent.map(String::from),
        };
        // Bank to regulator keeps the organisation unless a new one is named.
        let reg = patch(Some("regulator"), None, None).apply(&bank).unwrap();
        assert_eq!(reg.organisation.as_deref(), Some("Bank"));
        let moved = patch(None, Some("Other Bank"), None).apply(&bank).unwrap();
        assert_eq!(moved.organisation.as_deref(), Some("Other Bank"));
        // To enterprise: the organisation goes, an enterprise is needed.
        let v = patch(Some("enterprise"), None, None)
            .apply(&bank)
            .unwrap_err();
        assert_eq!(fields(&v), ["enterprise"]);
        let ent = patch(Some("enterprise"), None, Some(CODE))
            .apply(&bank)
            .unwrap();
        assert_eq!(ent.organisation, None);
        // And back: the enterprise goes, an organisation is needed.
        let v = patch(Some("bank"), None, None).apply(&ent).unwrap_err();
        assert_eq!(fields(&v), ["organisation"]);
        let v = patch(Some("boss"), None, None).apply(&bank).unwrap_err();
        assert_eq!(fields(&v), ["role"]);
    }
}
