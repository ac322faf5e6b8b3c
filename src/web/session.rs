//! The request as the console sees it ([`Ctx`]): its language, whether htmx asked for a fragment,
//! the signed-in session (read from the `ecredit_session` cookie through `service::sessions`)
//! and so the [`Caller`] that the service layer decides access for, and the CSRF token its forms
//! carry. Every page handler takes a `Ctx`.

use actix_web::cookie::{Cookie, SameSite, time};
use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpMessage, HttpRequest, HttpResponseBuilder, web};
use futures_util::future::LocalBoxFuture;
use tracing_actix_web::RequestId;

use super::i18n::{self, Lang};
use crate::auth::{Principal, Viewer};
use crate::config::WebSettings;
use crate::error::AppError;
use crate::service::Caller;
use crate::service::sessions::{self, Session};
use crate::state::AppState;

pub const SESSION_COOKIE: &str = "ecredit_session";
/// Before signing in there is no session to hold a CSRF token: this cookie holds one, and forms
/// send it back (double submit).
pub const CSRF_COOKIE: &str = "ecredit_csrf";

pub struct Ctx {
    pub lang: Lang,
    /// An htmx request for the main content only (not a history restore, which needs it all).
    pub hx: bool,
    pub caller: Caller,
    pub session: Option<Session>,
    /// The token forms must send back: the session's, or the pre-session cookie's.
    pub csrf: String,
    /// Path and query of this request, for the language switch and sign-in's return.
    pub path: String,
    pub settings: WebSettings,
    new_csrf_cookie: bool,
    clear_session_cookie: bool,
    token: Option<String>,
    /// The session cookie was present (valid or not): a signed-in request for the audit trail.
    pub sent_session: bool,
}

impl Ctx {
    pub fn viewer(&self) -> &Viewer {
        &self.caller.viewer
    }

    pub fn principal(&self) -> Option<&Principal> {
        self.caller.principal()
    }

    pub fn t(&self, key: &str) -> String {
        i18n::t(self.lang, key)
    }

    pub fn t_args(&self, key: &str, args: &[(&str, &str)]) -> String {
        i18n::t_args(self.lang, key, args)
    }

    /// The cookie's session token, when it names a live session.
    pub fn session_token(&self) -> Option<String> {
        self.session.as_ref().and(self.token.clone())
    }

    /// True when this request sent no pre-session CSRF cookie (one is minted for its answer).
    pub fn csrf_cookie_is_new(&self) -> bool {
        self.new_csrf_cookie
    }

    /// Sets the cookies this request needs on its response: a new pre-session CSRF cookie, or
    /// the removal of a session cookie that no longer names a session.
    pub fn apply_cookies(&self, response: &mut HttpResponseBuilder) {
        if self.new_csrf_cookie {
            response.cookie(cookie(&self.settings, CSRF_COOKIE, &self.csrf));
        }
        if self.clear_session_cookie {
            response.cookie(removal(&self.settings, SESSION_COOKIE));
        }
    }
}

/// A console cookie: `HttpOnly; SameSite=Strict; Path=/`, and `Secure` when configured.
pub fn cookie(settings: &WebSettings, name: &'static str, value: &str) -> Cookie<'static> {
    Cookie::build(name, value.to_string())
        .http_only(true)
        .same_site(SameSite::Strict)
        .path("/")
        .secure(settings.secure_cookies)
        .finish()
}

/// The removal of a console cookie.
pub fn removal(settings: &WebSettings, name: &'static str) -> Cookie<'static> {
    let mut c = cookie(settings, name, "");
    c.set_max_age(time::Duration::ZERO);
    c.set_expires(time::OffsetDateTime::UNIX_EPOCH);
    c
}

/// The language of a request, from its `lang` cookie and `Accept-Language`.
pub fn request_lang(req: &HttpRequest) -> Lang {
    let cookie = req.cookie(i18n::LANG_COOKIE);
    let accept = req
        .headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok());
    i18n::negotiate(cookie.as_ref().map(|c| c.value()), accept)
}

/// Does the request ask for a fragment (htmx, and not a history restore)?
pub fn wants_fragment(req: &HttpRequest) -> bool {
    let is = |name: &str| {
        req.headers()
            .get(name)
            .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"true"))
    };
    is("HX-Request") && !is("HX-History-Restore-Request")
}

pub fn settings_of(req: &HttpRequest) -> WebSettings {
    req.app_data::<web::Data<WebSettings>>()
        .map(|s| s.get_ref().clone())
        .unwrap_or_default()
}

impl FromRequest for Ctx {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Ctx, AppError>>;

    fn from_request(req: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let state = req
                .app_data::<web::Data<AppState>>()
                .cloned()
                .ok_or_else(|| AppError::internal("application state missing"))?;
            let settings = settings_of(&req);
            let token = req.cookie(SESSION_COOKIE).map(|c| c.value().to_string());
            let idle = chrono::Duration::seconds(settings.idle_timeout_seconds);
            let session = match &token {
                Some(token) => sessions::resume(&state, token, idle).await?,
                None => None,
            };
            let viewer = match &session {
                Some(s) => {
                    // The audit trail and the error page name the caller from here.
                    req.extensions_mut().insert(s.principal.clone());
                    req.extensions_mut().insert(s.clone());
                    Viewer::User(s.principal.clone())
                }
                None => Viewer::Anonymous,
            };
            let pre_session = req
                .cookie(CSRF_COOKIE)
                .map(|c| c.value().to_string())
                .filter(|v| v.len() == 64);
            let (csrf, new_csrf_cookie) = match (&session, pre_session) {
                (Some(s), _) => (s.csrf.clone(), false),
                (None, Some(existing)) => (existing, false),
                (None, None) => (sessions::random_token(), true),
            };
            let request_id = req.extensions().get::<RequestId>().map(|id| id.to_string());
            let caller = Caller::new(viewer, request_id, req.peer_addr().map(|a| a.ip()));
            let path = req
                .uri()
                .path_and_query()
                .map_or_else(|| req.path().to_string(), |p| p.as_str().to_string());
            Ok(Ctx {
                lang: request_lang(&req),
                hx: wants_fragment(&req),
                clear_session_cookie: token.is_some() && session.is_none(),
                sent_session: token.is_some(),
                caller,
                session,
                csrf,
                path,
                settings,
                new_csrf_cookie,
                token,
            })
        })
    }
}

/// The shared state, as handlers take it.
pub type State = web::Data<AppState>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_strict_and_secure_when_configured() {
        let plain = cookie(&WebSettings::default(), SESSION_COOKIE, "t").to_string();
        assert_eq!(
            plain,
            "ecredit_session=t; HttpOnly; SameSite=Strict; Path=/"
        );
        let tls = WebSettings {
            secure_cookies: true,
            ..WebSettings::default()
        };
        let secure = cookie(&tls, SESSION_COOKIE, "t").to_string();
        assert!(secure.contains("; Secure"), "{secure}");
        assert!(
            removal(&tls, SESSION_COOKIE)
                .to_string()
                .contains("Max-Age=0")
        );
    }
}
