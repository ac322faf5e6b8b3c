//! The error responses operations share, documented once. Each set lists every problem an
//! operation of that shape can answer; all are RFC 9457 bodies.

use utoipa::IntoResponses;

use crate::error::Problem;

/// Reading one record that only regulators, admins and the enterprise itself may see.
#[derive(IntoResponses)]
pub enum PrivateReadProblems {
    #[response(
        status = 401,
        description = "Not signed in, or the token is invalid or expired",
        content_type = "application/problem+json"
    )]
    Unauthorized(Problem),
    #[response(
        status = 403,
        description = "Only regulators, admins and the enterprise itself may see this",
        content_type = "application/problem+json"
    )]
    Forbidden(Problem),
    #[response(
        status = 404,
        description = "No such enterprise or record",
        content_type = "application/problem+json"
    )]
    NotFound(Problem),
}

/// Listing records that only regulators, admins and the enterprise itself may see.
#[derive(IntoResponses)]
pub enum PrivateListProblems {
    #[response(
        status = 401,
        description = "Not signed in, or the token is invalid or expired",
        content_type = "application/problem+json"
    )]
    Unauthorized(Problem),
    #[response(
        status = 403,
        description = "Only regulators, admins and the enterprise itself may see this",
        content_type = "application/problem+json"
    )]
    Forbidden(Problem),
    #[response(
        status = 404,
        description = "No such enterprise",
        content_type = "application/problem+json"
    )]
    NotFound(Problem),
    #[response(
        status = 422,
        description = "A query parameter is invalid; `errors` names it",
        content_type = "application/problem+json"
    )]
    Invalid(Problem),
}

/// Reading what the public may see (more with a token).
#[derive(IntoResponses)]
pub enum PublicReadProblems {
    #[response(
        status = 401,
        description = "A token was sent but is invalid or expired",
        content_type = "application/problem+json"
    )]
    Unauthorized(Problem),
    #[response(
        status = 404,
        description = "No such enterprise or record, or not public",
        content_type = "application/problem+json"
    )]
    NotFound(Problem),
}

/// Listing what the public may see (more with a token).
#[derive(IntoResponses)]
pub enum PublicListProblems {
    #[response(
        status = 401,
        description = "A token was sent but is invalid or expired",
        content_type = "application/problem+json"
    )]
    Unauthorized(Problem),
    #[response(
        status = 404,
        description = "No such enterprise",
        content_type = "application/problem+json"
    )]
    NotFound(Problem),
    #[response(
        status = 422,
        description = "A query parameter is invalid; `errors` names it",
        content_type = "application/problem+json"
    )]
    Invalid(Problem),
}

/// Creating a record: regulators and admins only.
#[derive(IntoResponses)]
pub enum CreateProblems {
    #[response(
        status = 400,
        description = "The body is not JSON",
        content_type = "application/problem+json"
    )]
    Malformed(Problem),
    #[response(
        status = 401,
        description = "Not signed in, or the token is invalid or expired",
        content_type = "application/problem+json"
    )]
    Unauthorized(Problem),
    #[response(
        status = 403,
        description = "Only regulators and admins write to the registry",
        content_type = "application/problem+json"
    )]
    Forbidden(Problem),
    #[response(
        status = 404,
        description = "No such enterprise",
        content_type = "application/problem+json"
    )]
    NotFound(Problem),
    #[response(
        status = 409,
        description = "The record exists already (same credit code, period or decision number)",
        content_type = "application/problem+json"
    )]
    Conflict(Problem),
    #[response(
        status = 413,
        description = "The body is larger than 256 KiB",
        content_type = "application/problem+json"
    )]
    TooLarge(Problem),
    #[response(
        status = 415,
        description = "The body is not sent as application/json",
        content_type = "application/problem+json"
    )]
    NotJson(Problem),
    #[response(
        status = 422,
        description = "A field is invalid; `errors` names each",
        content_type = "application/problem+json"
    )]
    Invalid(Problem),
}

/// Correcting a record: regulators and admins only, with `If-Match`.
#[derive(IntoResponses)]
pub enum CorrectProblems {
    #[response(
        status = 400,
        description = "The body is not JSON, or If-Match is not an ETag of this service",
        content_type = "application/problem+json"
    )]
    Malformed(Problem),
    #[response(
        status = 401,
        description = "Not signed in, or the token is invalid or expired",
        content_type = "application/problem+json"
    )]
    Unauthorized(Problem),
    #[response(
        status = 403,
        description = "Only regulators and admins write to the registry",
        content_type = "application/problem+json"
    )]
    Forbidden(Problem),
    #[response(
        status = 404,
        description = "No such enterprise or record",
        content_type = "application/problem+json"
    )]
    NotFound(Problem),
    #[response(
        status = 409,
        description = "The correction would duplicate another record's key",
        content_type = "application/problem+json"
    )]
    Conflict(Problem),
    #[response(
        status = 412,
        description = "The record has changed since it was read; nothing was written",
        content_type = "application/problem+json"
    )]
    Stale(Problem),
    #[response(
        status = 413,
        description = "The body is larger than 256 KiB",
        content_type = "application/problem+json"
    )]
    TooLarge(Problem),
    #[response(
        status = 415,
        description = "The body is not sent as application/json",
        content_type = "application/problem+json"
    )]
    NotJson(Problem),
    #[response(
        status = 422,
        description = "A field is invalid; `errors` names each",
        content_type = "application/problem+json"
    )]
    Invalid(Problem),
    #[response(
        status = 428,
        description = "If-Match is missing",
        content_type = "application/problem+json"
    )]
    PreconditionRequired(Problem),
}

/// Reading aggregates only regulators and admins may see (statistics).
#[derive(IntoResponses)]
pub enum KeeperReadProblems {
    #[response(
        status = 401,
        description = "Not signed in, or the token is invalid or expired",
        content_type = "application/problem+json"
    )]
    Unauthorized(Problem),
    #[response(
        status = 403,
        description = "Only regulators and admins may see this",
        content_type = "application/problem+json"
    )]
    Forbidden(Problem),
    #[response(
        status = 422,
        description = "A query parameter is invalid; `errors` names it",
        content_type = "application/problem+json"
    )]
    Invalid(Problem),
}

/// Creating what only the enterprise itself may create (a commitment, a repair application).
#[derive(IntoResponses)]
pub enum SelfCreateProblems {
    #[response(
        status = 400,
        description = "The body is not JSON",
        content_type = "application/problem+json"
    )]
    Malformed(Problem),
    #[response(
        status = 401,
        description = "Not signed in, or the token is invalid or expired",
        content_type = "application/problem+json"
    )]
    Unauthorized(Problem),
    #[response(
        status = 403,
        description = "Only the enterprise itself may do this",
        content_type = "application/problem+json"
    )]
    Forbidden(Problem),
    #[response(
        status = 404,
        description = "No such enterprise",
        content_type = "application/problem+json"
    )]
    NotFound(Problem),
    #[response(
        status = 409,
        description = "It conflicts with what is recorded: a period recorded already, an open application or objection for the same record, or a record whose state does not allow this",
        content_type = "application/problem+json"
    )]
    Conflict(Problem),
    #[response(
        status = 413,
        description = "The body is larger than 256 KiB",
        content_type = "application/problem+json"
    )]
    TooLarge(Problem),
    #[response(
        status = 415,
        description = "The body is not sent as application/json",
        content_type = "application/problem+json"
    )]
    NotJson(Problem),
    #[response(
        status = 422,
        description = "A field is invalid, or the record named is not the enterprise's; `errors` names each",
        content_type = "application/problem+json"
    )]
    Invalid(Problem),
}

/// A regulator's decision on what an enterprise submitted (a commitment, a repair application,
/// a submission, an objection).
#[derive(IntoResponses)]
pub enum ReviewProblems {
    #[response(
        status = 400,
        description = "The body is not JSON",
        content_type = "application/problem+json"
    )]
    Malformed(Problem),
    #[response(
        status = 401,
        description = "Not signed in, or the token is invalid or expired",
        content_type = "application/problem+json"
    )]
    Unauthorized(Problem),
    #[response(
        status = 403,
        description = "Only regulators and admins decide; an enterprise cannot decide on its own",
        content_type = "application/problem+json"
    )]
    Forbidden(Problem),
    #[response(
        status = 404,
        description = "No such enterprise, or nothing of that id for it",
        content_type = "application/problem+json"
    )]
    NotFound(Problem),
    #[response(
        status = 409,
        description = "Decided already (or another decision came first), or what it refers to no longer allows this decision (a period recorded meanwhile, a decision number in use)",
        content_type = "application/problem+json"
    )]
    Conflict(Problem),
    #[response(
        status = 413,
        description = "The body is larger than 256 KiB",
        content_type = "application/problem+json"
    )]
    TooLarge(Problem),
    #[response(
        status = 415,
        description = "The body is not sent as application/json",
        content_type = "application/problem+json"
    )]
    NotJson(Problem),
    #[response(
        status = 422,
        description = "A field is invalid; `errors` names each",
        content_type = "application/problem+json"
    )]
    Invalid(Problem),
}
