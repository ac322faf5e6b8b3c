//! The page shell every console page shares: head (hashed assets), the top bar with navigation,
//! the language switch and who is signed in, the main content and the footer. A request from
//! htmx gets the main content only (a fragment), every other request the whole page; both say
//! `Vary: HX-Request, Accept-Language, Cookie` and are never stored by shared caches.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, HttpResponseBuilder};
use maud::{DOCTYPE, Markup, html};

use super::assets;
use super::i18n::{Lang, t};
use super::session::Ctx;
use crate::auth::Principal;

/// What the shell needs of a request; built from a [`Ctx`], or by the error page from the
/// request alone.
pub struct Chrome<'a> {
    pub lang: Lang,
    pub hx: bool,
    pub principal: Option<&'a Principal>,
    /// The session's CSRF token, for the sign-out form.
    pub csrf: Option<&'a str>,
    pub path: &'a str,
}

impl Ctx {
    pub fn chrome(&self) -> Chrome<'_> {
        Chrome {
            lang: self.lang,
            hx: self.hx,
            principal: self.principal(),
            csrf: self.session.as_ref().map(|s| s.csrf.as_str()),
            path: &self.path,
        }
    }
}

/// The `Vary` of every page: the answer depends on these request headers.
pub const VARY: &str = "HX-Request, Accept-Language, Cookie";

/// A page with status 200.
pub fn page(ctx: &Ctx, title: &str, content: Markup) -> HttpResponse {
    page_with_status(ctx, StatusCode::OK, title, content)
}

pub fn page_with_status(
    ctx: &Ctx,
    status: StatusCode,
    title: &str,
    content: Markup,
) -> HttpResponse {
    let mut response = HttpResponse::build(status);
    ctx.apply_cookies(&mut response);
    render(&mut response, &ctx.chrome(), title, content)
}

/// Writes the page (or its fragment) into `response`.
pub fn render(
    response: &mut HttpResponseBuilder,
    chrome: &Chrome<'_>,
    title: &str,
    content: Markup,
) -> HttpResponse {
    let lang = chrome.lang;
    let full_title = format!("{title} · {}", t(lang, "site-name"));
    let body = if chrome.hx {
        html! {
            title { (full_title) }
            (lang_switch(chrome, true))
            (content)
        }
    } else {
        html! {
            (DOCTYPE)
            html lang=(lang.tag()) {
                head {
                    meta charset="utf-8";
                    meta name="viewport" content="width=device-width, initial-scale=1";
                    // htmx would add an inline style for its indicators, which the CSP refuses.
                    meta name="htmx-config" content=r#"{"includeIndicatorStyles":false}"#;
                    title { (full_title) }
                    link rel="stylesheet" href=(assets::url("app.css"));
                    script src=(assets::url("htmx.min.js")) defer {}
                }
                body {
                    a class="skip" href="#main" { (t(lang, "skip-to-content")) }
                    (top_bar(chrome))
                    main id="main" tabindex="-1" { (content) }
                    footer class="site-footer" {
                        p { (t(lang, "footer-note")) }
                        p { a href="/docs/" { (t(lang, "footer-api")) } }
                    }
                }
            }
        }
    };
    response
        .insert_header((header::CONTENT_TYPE, "text/html; charset=utf-8"))
        .insert_header((header::VARY, VARY))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(body.into_string())
}

fn top_bar(chrome: &Chrome<'_>) -> Markup {
    let lang = chrome.lang;
    html! {
        header class="top-bar" {
            div class="top-inner" {
                a class="brand" href="/" {
                    span class="brand-mark" aria-hidden="true" { "信" }
                    span { (t(lang, "site-name")) }
                }
                nav aria-label=(t(lang, "nav-label")) {
                    ul {
                        @for (href, key) in NAV {
                            li {
                                a href=(href) aria-current=[current(chrome.path, href).then_some("page")] {
                                    (t(lang, key))
                                }
                            }
                        }
                    }
                }
                div class="account" {
                    (lang_switch(chrome, false))
                    @match chrome.principal {
                        Some(p) => {
                            a href="/workspace" class="who" { (p.username) }
                            form method="post" action="/sign-out" class="inline" {
                                input type="hidden" name="csrf" value=(chrome.csrf.unwrap_or(""));
                                button type="submit" class="link-button" { (t(lang, "nav-sign-out")) }
                            }
                        }
                        None => {
                            a href="/sign-in" class="button small" { (t(lang, "nav-sign-in")) }
                        }
                    }
                }
            }
        }
    }
}

const NAV: [(&str, &str); 5] = [
    ("/enterprises", "nav-search"),
    ("/lists/redlist", "nav-redlist"),
    ("/lists/blacklist", "nav-blacklist"),
    ("/verify", "nav-verify"),
    ("/keys", "nav-keys"),
];

/// Is `href` the section of the page at `path`?
fn current(path: &str, href: &str) -> bool {
    let path = path.split('?').next().unwrap_or(path);
    path == href || path.starts_with(&format!("{href}/"))
}

/// The link to the same page in the other language; in a fragment it replaces the one in the
/// top bar (out of band), so that it follows the page htmx swapped in.
fn lang_switch(chrome: &Chrome<'_>, out_of_band: bool) -> Markup {
    let other = chrome.lang.other();
    let next = form_urlencoded::byte_serialize(chrome.path.as_bytes()).collect::<String>();
    let href = format!("/lang/{}?next={next}", other.tag());
    html! {
        a id="lang-switch" class="lang-switch" href=(href) lang=(other.tag()) hreflang=(other.tag())
            hx-swap-oob=[out_of_band.then_some("true")] {
            (other.own_name())
        }
    }
}

/// Page links for a list of `total` rows: previous, "page N of M", next. Each is a real link;
/// htmx swaps the main content and pushes the URL.
pub fn pager(
    lang: Lang,
    base: &str,
    query: &[(&str, &str)],
    page: u32,
    per_page: u32,
    total: i64,
) -> Markup {
    pager_of(lang, base, query, "page", page, per_page, total)
}

/// [`pager`] with the page in query parameter `param` (a page with two paged lists).
pub fn pager_of(
    lang: Lang,
    base: &str,
    query: &[(&str, &str)],
    param: &str,
    page: u32,
    per_page: u32,
    total: i64,
) -> Markup {
    let pages = ((total.max(0) as u64).div_ceil(u64::from(per_page.max(1)))).max(1) as u32;
    let href = |p: u32| {
        let mut ser = form_urlencoded::Serializer::new(String::new());
        for (k, v) in query {
            if !v.is_empty() {
                ser.append_pair(k, v);
            }
        }
        ser.append_pair(param, &p.to_string());
        format!("{base}?{}", ser.finish())
    };
    let page_text = super::i18n::t_args(
        lang,
        "pager-position",
        &[("page", &page.to_string()), ("pages", &pages.to_string())],
    );
    html! {
        nav class="pager" aria-label=(t(lang, "pager-label")) {
            @if page > 1 {
                a href=(href(page - 1)) rel="prev" hx-get=(href(page - 1)) hx-target="#main" hx-push-url="true" {
                    "← " (t(lang, "pager-previous"))
                }
            }
            span { (page_text) }
            @if page < pages {
                a href=(href(page + 1)) rel="next" hx-get=(href(page + 1)) hx-target="#main" hx-push-url="true" {
                    (t(lang, "pager-next")) " →"
                }
            }
        }
    }
}

/// A redirect after a form post (303: the browser follows with a GET).
pub fn see_other(ctx: &Ctx, location: &str) -> HttpResponse {
    let mut response = HttpResponse::SeeOther();
    ctx.apply_cookies(&mut response);
    response
        .insert_header((header::LOCATION, location))
        .insert_header((header::VARY, VARY))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .finish()
}
