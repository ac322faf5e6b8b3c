//! What a keeper of the models says when activating one.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::Violations;

/// Longest activation reason.
pub const REASON_MAX: usize = 2000;

/// An activation of a model version: why this version should score from now on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"reason": "comparison 4: higher holdout AUC (0.81 vs 0.78, p = 0.01); 3 % of enterprises move one grade, none two"}))]
pub struct ActivationInput {
    /// Why, in words the next regulator can read, e.g. what the comparison showed.
    pub reason: String,
}

impl ActivationInput {
    /// The trimmed reason: required, at most [`REASON_MAX`] characters.
    pub fn validate(self) -> Result<String, Violations> {
        let mut v = Violations::new();
        let reason = v.text("reason", &self.reason, REASON_MAX);
        v.into_result(reason)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reason_is_required_and_bounded() {
        let input = |reason: &str| ActivationInput {
            reason: reason.into(),
        };
        assert_eq!(input("  better AUC ").validate().unwrap(), "better AUC");
        assert!(input("   ").validate().is_err());
        assert!(input(&"x".repeat(REASON_MAX + 1)).validate().is_err());
        assert!(input(&"x".repeat(REASON_MAX)).validate().is_ok());
    }
}
