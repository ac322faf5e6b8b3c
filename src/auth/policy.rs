//! Who may see and do what (DOMAIN.md, "Rules of access"). Pure rules over the caller's
//! identity; handlers ask these questions before touching data.

use crate::domain::Role;
use crate::error::AppError;

/// An authenticated caller.
#[derive(Debug, Clone, PartialEq)]
pub struct Principal {
    pub user_id: i64,
    pub username: String,
    pub role: Role,
    /// For enterprise users: the enterprise they act for.
    pub enterprise: Option<String>,
    /// For bank and regulator users: their organisation.
    pub organisation: Option<i64>,
}

/// The caller of a request: somebody, or the public.
#[derive(Debug, Clone, PartialEq)]
pub enum Viewer {
    Anonymous,
    User(Principal),
}

impl Viewer {
    pub fn principal(&self) -> Option<&Principal> {
        match self {
            Viewer::Anonymous => None,
            Viewer::User(p) => Some(p),
        }
    }

    pub fn role(&self) -> Option<Role> {
        self.principal().map(|p| p.role)
    }

    /// 401 for the public.
    pub fn require_login(&self) -> Result<&Principal, AppError> {
        self.principal()
            .ok_or_else(|| AppError::Unauthorized("sign in with a bearer token".into()))
    }

    /// 401 for the public, 403 for any other role than those named.
    pub fn require_role(&self, allowed: &[Role]) -> Result<&Principal, AppError> {
        let principal = self.require_login()?;
        if allowed.contains(&principal.role) {
            Ok(principal)
        } else {
            Err(AppError::Forbidden(format!(
                "this operation is for: {}",
                allowed
                    .iter()
                    .map(|r| r.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )))
        }
    }

    /// Regulators and admins keep the registry.
    pub fn require_registry_keeper(&self) -> Result<&Principal, AppError> {
        self.require_role(&[Role::Regulator, Role::Admin])
    }

    /// May this caller see the non-public records of enterprise `code`? Regulators and admins
    /// see every enterprise; an enterprise user sees its own; banks see public data only (until
    /// the enterprise authorises them).
    pub fn sees_private_of(&self, code: &str) -> bool {
        match self.principal() {
            None => false,
            Some(p) => match p.role {
                Role::Admin | Role::Regulator => true,
                Role::Enterprise => p.enterprise.as_deref() == Some(code),
                Role::Bank => false,
            },
        }
    }

    /// 401 for the public, 403 for a caller without access. The message never says whether the
    /// enterprise exists or what it holds.
    pub fn require_private_of(&self, code: &str) -> Result<&Principal, AppError> {
        let principal = self.require_login()?;
        if self.sees_private_of(code) {
            Ok(principal)
        } else {
            Err(AppError::Forbidden("these records are not public".into()))
        }
    }

    /// 401 for the public, 403 for anyone but a user of enterprise `code`: what only the
    /// enterprise itself may do (grant and revoke authorisations).
    pub fn require_enterprise_self(&self, code: &str) -> Result<&Principal, AppError> {
        let principal = self.require_login()?;
        if principal.role == Role::Enterprise && principal.enterprise.as_deref() == Some(code) {
            Ok(principal)
        } else {
            Err(AppError::Forbidden(
                "only the enterprise itself may do this".into(),
            ))
        }
    }

    /// 401 for the public, 403 for anyone but a bank user; returns the caller and its bank.
    pub fn require_bank(&self) -> Result<(&Principal, i64), AppError> {
        let principal = self.require_role(&[Role::Bank])?;
        let bank = principal.organisation.ok_or_else(|| {
            AppError::Forbidden("this bank account belongs to no bank organisation".into())
        })?;
        Ok((principal, bank))
    }

    /// Personal data (identity numbers, phones) is shown unmasked to admins only.
    pub fn sees_personal_data(&self) -> bool {
        self.role() == Some(Role::Admin)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(role: Role, enterprise: Option<&str>) -> Viewer {
        Viewer::User(Principal {
            user_id: 1,
            username: "u".into(),
            role,
            enterprise: enterprise.map(String::from),
            organisation: None,
        })
    }

    #[test]
    fn private_records() {
        let own = "91330100799655058B";
        let other = "9144030071526726XG";
        assert!(user(Role::Regulator, None).sees_private_of(own));
        assert!(user(Role::Admin, None).sees_private_of(own));
        assert!(user(Role::Enterprise, Some(own)).sees_private_of(own));
        assert!(!user(Role::Enterprise, Some(own)).sees_private_of(other));
        assert!(!user(Role::Bank, None).sees_private_of(own));
        assert!(!Viewer::Anonymous.sees_private_of(own));
        assert!(matches!(
            Viewer::Anonymous.require_private_of(own),
            Err(AppError::Unauthorized(_))
        ));
        assert!(matches!(
            user(Role::Bank, None).require_private_of(own),
            Err(AppError::Forbidden(_))
        ));
    }

    #[test]
    fn personal_data_is_for_admins() {
        assert!(user(Role::Admin, None).sees_personal_data());
        assert!(!user(Role::Regulator, None).sees_personal_data());
        assert!(!Viewer::Anonymous.sees_personal_data());
    }
}
