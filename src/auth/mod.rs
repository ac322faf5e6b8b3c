//! Who is calling: passwords, tokens, the request extractor and the access policy.

pub mod extract;
pub mod password;
pub mod policy;
pub mod throttle;
pub mod token;

pub use policy::{Principal, Viewer};
pub use token::TokenKeys;
