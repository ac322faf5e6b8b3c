//! Access tokens: HS256 JWTs carrying the user id, role, and (for enterprise users) the
//! enterprise and (for banks and regulators) the organisation.

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

use crate::domain::Role;

const ISSUER: &str = "ecredit";

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Claims {
    /// The user id.
    pub sub: String,
    pub name: String,
    pub role: Role,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ent: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org: Option<i64>,
    pub iss: String,
    pub iat: i64,
    pub exp: i64,
    /// The account's token generation at issue; disabling the account moves it on.
    #[serde(default, rename = "gen")]
    pub generation: i64,
}

/// The signing key; its Debug output never shows the secret.
#[derive(Clone)]
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    pub ttl_seconds: i64,
}

impl std::fmt::Debug for TokenKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenKeys")
            .field("ttl_seconds", &self.ttl_seconds)
            .finish_non_exhaustive()
    }
}

impl TokenKeys {
    pub fn new(secret: &SecretString, ttl_seconds: i64) -> Self {
        let bytes = secret.expose_secret().as_bytes();
        TokenKeys {
            encoding: EncodingKey::from_secret(bytes),
            decoding: DecodingKey::from_secret(bytes),
            ttl_seconds,
        }
    }

    #[allow(clippy::too_many_arguments)]
    pub fn issue(
        &self,
        user_id: i64,
        username: &str,
        role: Role,
        enterprise: Option<String>,
        organisation: Option<i64>,
        generation: i64,
        now: i64,
    ) -> Result<String, String> {
        let claims = Claims {
            sub: user_id.to_string(),
            name: username.to_string(),
            role,
            ent: enterprise,
            org: organisation,
            iss: ISSUER.to_string(),
            iat: now,
            exp: now + self.ttl_seconds,
            generation,
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(|e| format!("cannot sign token: {e}"))
    }

    /// Checks signature, algorithm, issuer and expiry (against `now`, without leeway).
    pub fn verify(&self, token: &str, now: i64) -> Result<Claims, String> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_required_spec_claims(&["exp", "sub", "iss"]);
        // Expiry is checked below against the service clock, which tests can move.
        validation.validate_exp = false;
        let data = jsonwebtoken::decode::<Claims>(token, &self.decoding, &validation)
            .map_err(|e| format!("invalid token: {e}"))?;
        if data.claims.exp <= now {
            return Err("token has expired".into());
        }
        Ok(data.claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(secret: &str) -> TokenKeys {
        TokenKeys::new(&SecretString::from(secret.to_string()), 3600)
    }

    #[test]
    fn round_trip_and_refusals() {
        let k = keys("a-secret-of-enough-length-0123456789");
        let t = k
            .issue(
                7,
                "alice",
                Role::Enterprise,
                Some("91330100799655058B".into()),
                None,
                0,
                1000,
            )
            .unwrap();
        let c = k.verify(&t, 1001).unwrap();
        assert_eq!(
            (c.sub.as_str(), c.role, c.ent.as_deref()),
            ("7", Role::Enterprise, Some("91330100799655058B"))
        );
        assert!(k.verify(&t, 1000 + 3600).is_err(), "expired");
        assert!(
            keys("another-secret-0123456789-abcdefgh")
                .verify(&t, 1001)
                .is_err(),
            "wrong key"
        );
        // alg none: header {"alg":"none"} with the same claims and no signature.
        let payload = t.split('.').nth(1).unwrap();
        let none = format!("eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.{payload}.");
        assert!(k.verify(&none, 1001).is_err(), "alg none");
    }
}
