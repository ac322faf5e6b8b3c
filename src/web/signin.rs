//! Signing in and out, and the language switch.
//!
//! Sign-in goes through `service::auth::authenticate`, the same password check and throttle as
//! `POST /api/v1/auth/token`; a wrong password is shown beside the form, too many attempts as a
//! message with the wait. A session is opened server-side and its token set in the
//! `ecredit_session` cookie.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, web};
use maud::{Markup, html};
use secrecy::SecretString;
use serde::Deserialize;

use super::forms::{Field, check_csrf, csrf_field};
use super::i18n::{self, Lang, t, t_args};
use super::layout::{VARY, page, page_with_status, see_other};
use super::session::{Ctx, SESSION_COOKIE, State, cookie, removal};
use crate::domain::Violations;
use crate::error::{AppError, AppResult};
use crate::service;

/// A `next` that stays on this site: a path starting with one `/` (not `//` or `/\`), with no
/// scheme or host; anything else is the workspace.
pub fn safe_next(next: Option<&str>, fallback: &str) -> String {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n.starts_with("/\\")
                && !n.chars().any(|c| c.is_control() || c == '\\') =>
        {
            n.to_string()
        }
        _ => fallback.to_string(),
    }
}

#[derive(Debug, Deserialize)]
pub struct NextQuery {
    pub next: Option<String>,
}

fn sign_in_form(
    ctx: &Ctx,
    username: &str,
    next: &str,
    errors: Option<&Violations>,
    message: Option<(&str, String)>,
) -> Markup {
    let lang = ctx.lang;
    html! {
        section class="narrow" {
            h1 { (t(lang, "signin-title")) }
            p class="lead" { (t(lang, "signin-lead")) }
            @if let Some((class, text)) = message {
                div class=(format!("notice {class}")) role="alert" { p { (text) } }
            }
            form method="post" action="/sign-in" class="stack" {
                (csrf_field(ctx))
                input type="hidden" name="next" value=(next);
                (Field::new("username", t(lang, "signin-username")).value(username).required().autocomplete("username").render(lang, errors))
                (Field::new("password", t(lang, "signin-password")).kind("password").required().autocomplete("current-password").render(lang, errors))
                button type="submit" class="button" { (t(lang, "signin-button")) }
            }
            p class="hint" { (t(lang, "signin-demo-hint")) }
        }
    }
}

/// `GET /sign-in?next=…`.
pub async fn form(ctx: Ctx, query: web::Query<NextQuery>) -> HttpResponse {
    let next = safe_next(query.next.as_deref(), "/workspace");
    let content = sign_in_form(&ctx, "", &next, None, None);
    page(&ctx, &t(ctx.lang, "signin-title"), content)
}

#[derive(Deserialize)]
pub struct SignInForm {
    pub csrf: Option<String>,
    #[serde(default)]
    pub username: String,
    #[serde(default)]
    pub password: String,
    pub next: Option<String>,
}

/// `POST /sign-in`.
pub async fn sign_in(
    ctx: Ctx,
    state: State,
    form: web::Form<SignInForm>,
) -> AppResult<HttpResponse> {
    let form = form.into_inner();
    check_csrf(&ctx, form.csrf.as_deref())?;
    let lang = ctx.lang;
    let next = safe_next(form.next.as_deref(), "/workspace");
    let mut missing = Violations::new();
    missing.check(
        !form.username.trim().is_empty(),
        "username",
        t(lang, "signin-required"),
    );
    missing.check(
        !form.password.is_empty(),
        "password",
        t(lang, "signin-required"),
    );
    if !missing.is_empty() {
        let content = sign_in_form(&ctx, &form.username, &next, Some(&missing), None);
        return Ok(page_with_status(
            &ctx,
            StatusCode::UNPROCESSABLE_ENTITY,
            &t(lang, "signin-title"),
            content,
        ));
    }
    let peer = ctx.caller.peer;
    let secret = SecretString::from(form.password);
    match service::auth::authenticate(&state, peer, &form.username, secret).await {
        Ok(account) => {
            // A session this browser held before ends: one browser, one session.
            if let Some(old) = ctx.session_token() {
                service::sessions::close(&state, &old).await?;
            }
            let opened = service::sessions::open(&state, &account).await?;
            // Sessions idle past the timeout are deleted now and then: at each sign-in.
            let idle = chrono::Duration::seconds(ctx.settings.idle_timeout_seconds);
            service::sessions::sweep_idle(&state, idle).await?;
            let mut response = HttpResponse::SeeOther();
            response
                .cookie(cookie(&ctx.settings, SESSION_COOKIE, &opened.token))
                .cookie(removal(&ctx.settings, super::session::CSRF_COOKIE))
                .insert_header((header::LOCATION, next))
                .insert_header((header::VARY, VARY))
                .insert_header((header::CACHE_CONTROL, "no-store"));
            Ok(response.finish())
        }
        Err(AppError::Unauthorized(_)) => {
            let content = sign_in_form(
                &ctx,
                &form.username,
                &next,
                None,
                Some(("error", t(lang, "signin-wrong"))),
            );
            Ok(page_with_status(
                &ctx,
                StatusCode::UNAUTHORIZED,
                &t(lang, "signin-title"),
                content,
            ))
        }
        Err(AppError::TooManyRequests {
            retry_after_seconds,
        }) => {
            let wait = retry_after_seconds.to_string();
            let content = sign_in_form(
                &ctx,
                &form.username,
                &next,
                None,
                Some((
                    "warning",
                    t_args(lang, "signin-throttled", &[("seconds", &wait)]),
                )),
            );
            let mut response = page_with_status(
                &ctx,
                StatusCode::TOO_MANY_REQUESTS,
                &t(lang, "signin-title"),
                content,
            );
            response.headers_mut().insert(
                header::RETRY_AFTER,
                header::HeaderValue::from_str(&wait).expect("digits"),
            );
            Ok(response)
        }
        Err(other) => Err(other),
    }
}

#[derive(Debug, Deserialize)]
pub struct SignOutForm {
    pub csrf: Option<String>,
}

/// `POST /sign-out`: deletes the session row and the cookie.
pub async fn sign_out(
    ctx: Ctx,
    state: State,
    form: web::Form<SignOutForm>,
) -> AppResult<HttpResponse> {
    if ctx.session.is_none() {
        return Ok(see_other(&ctx, "/"));
    }
    check_csrf(&ctx, form.csrf.as_deref())?;
    if let Some(token) = ctx.session_token() {
        service::sessions::close(&state, &token).await?;
    }
    let mut response = HttpResponse::SeeOther();
    response
        .cookie(removal(&ctx.settings, SESSION_COOKIE))
        .insert_header((header::LOCATION, "/"))
        .insert_header((header::VARY, VARY))
        .insert_header((header::CACHE_CONTROL, "no-store"));
    Ok(response.finish())
}

/// `GET /lang/{zh-CN|en}?next=/path`: remembers the choice in the `lang` cookie and goes back to
/// `next` (on this site only).
pub async fn switch_language(
    ctx: Ctx,
    tag: web::Path<String>,
    query: web::Query<NextQuery>,
) -> AppResult<HttpResponse> {
    let lang = Lang::parse(&tag).ok_or_else(|| AppError::NotFound(format!("no language {tag}")))?;
    let next = safe_next(query.next.as_deref(), "/");
    let mut lang_cookie = actix_web::cookie::Cookie::build(i18n::LANG_COOKIE, lang.tag())
        .path("/")
        .same_site(actix_web::cookie::SameSite::Lax)
        .http_only(true)
        .secure(ctx.settings.secure_cookies)
        .finish();
    lang_cookie.set_max_age(actix_web::cookie::time::Duration::days(365));
    let mut response = HttpResponse::SeeOther();
    ctx.apply_cookies(&mut response);
    Ok(response
        .cookie(lang_cookie)
        .insert_header((header::LOCATION, next))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .finish())
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_stays_on_this_site() {
        assert_eq!(safe_next(Some("/enterprises?q=a"), "/"), "/enterprises?q=a");
        for bad in [
            "https://evil.example",
            "//evil.example",
            "/\\evil.example",
            "evil",
            "",
            "/a\nb",
        ] {
            assert_eq!(safe_next(Some(bad), "/w"), "/w", "{bad}");
        }
        assert_eq!(safe_next(None, "/w"), "/w");
    }
}
