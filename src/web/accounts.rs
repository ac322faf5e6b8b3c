//! The admin's pages (issue 16, "Admin"): the accounts — a filtered list with the form that
//! creates one, and one account with its role and affiliation, a new password, and disabling or
//! enabling it — and the report signing keys with their rotation. Admins only; the service
//! refuses the rest.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use maud::{Markup, html};
use secrecy::SecretString;
use serde::Deserialize;

use super::enterprise::{notice_ok, to_sign_in, val, violations};
use super::forms::{Field, check_csrf, csrf_field, errors_of, field_errors, form_errors};
use super::i18n::{Lang, format_date_time, format_number, t, t_args, t_value};
use super::layout::{page_with_status, pager, see_other};
use super::session::{Ctx, State};
use super::workspace::role_nav;
use crate::domain::accounts::{AccountPatch, NewAccountInput, PasswordInput};
use crate::domain::{Role, Violations};
use crate::error::{AppError, AppResult};
use crate::service::accounts::{self, Account, AccountQuery};
use crate::service::{ExpectedVersion, PageRequest, reports};

const LIST: &str = "/workspace/accounts";
const KEYS: &str = "/workspace/keys";

fn account_href(username: &str) -> String {
    format!(
        "{LIST}/{}",
        form_urlencoded::byte_serialize(username.as_bytes()).collect::<String>()
    )
}

/// A labelled `<select>` (not required: its first option may be "any"), errors beside it. Its
/// id is `{prefix}-{name}` (the list page has a filter and a form that both name a role).
#[allow(clippy::too_many_arguments)]
fn choice(
    lang: Lang,
    prefix: &str,
    name: &str,
    label: String,
    options: &[(String, String)],
    selected: &str,
    hint: Option<String>,
    errors: Option<&Violations>,
) -> Markup {
    let id = format!("{prefix}-{name}");
    let error_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let mine = errors_of(errors, name);
    let mut described = vec![];
    if hint.is_some() {
        described.push(hint_id.clone());
    }
    if !mine.is_empty() {
        described.push(error_id.clone());
    }
    let described = (!described.is_empty()).then(|| described.join(" "));
    html! {
        div class=(if mine.is_empty() { "field" } else { "field has-error" }) {
            label for=(id) { (label) }
            @if let Some(hint) = &hint {
                p class="hint" id=(hint_id) { (hint) }
            }
            select id=(id) name=(name)
                aria-invalid=[(!mine.is_empty()).then_some("true")]
                aria-describedby=[described] {
                @for (value, text) in options {
                    option value=(value) selected[value == selected] { (text) }
                }
            }
            (field_errors(lang, &error_id, &mine))
        }
    }
}

fn role_options(lang: Lang, any: Option<String>) -> Vec<(String, String)> {
    any.map(|text| (String::new(), text))
        .into_iter()
        .chain(
            Role::ALL
                .iter()
                .map(|r| (r.as_str().to_string(), t_value(lang, "role", r.as_str()))),
        )
        .collect()
}

fn state_badge(lang: Lang, disabled: bool) -> Markup {
    html! {
        @if disabled {
            span class="badge acc-disabled" { (t(lang, "acc-state-disabled")) }
        } @else {
            span class="badge acc-enabled" { (t(lang, "acc-state-enabled")) }
        }
    }
}

/// What the account belongs to: its organisation or its enterprise.
fn belongs_to(account: &Account) -> Markup {
    html! {
        @if let Some(code) = &account.enterprise {
            a href=(format!("/enterprises/{code}")) { code { (code) } }
        } @else if let Some(name) = &account.organisation {
            (name)
        } @else {
            "—"
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    pub role: String,
    /// `enabled`, `disabled`, or blank for both.
    #[serde(default)]
    pub state: String,
    pub page: Option<u32>,
    /// The account just created.
    pub created: Option<String>,
}

/// What the creation form holds: as typed, but never the password.
#[derive(Default)]
struct Typed<'a> {
    username: &'a str,
    role: &'a str,
    organisation: &'a str,
    enterprise: &'a str,
}

/// `GET /workspace/accounts`.
pub async fn list(ctx: Ctx, state: State, query: web::Query<ListQuery>) -> AppResult<HttpResponse> {
    if ctx.principal().is_none() {
        return Ok(to_sign_in(&ctx));
    }
    render_list(&ctx, &state, &query, &Typed::default(), None).await
}

async fn render_list(
    ctx: &Ctx,
    state: &State,
    query: &ListQuery,
    typed: &Typed<'_>,
    errors: Option<&Violations>,
) -> AppResult<HttpResponse> {
    let lang = ctx.lang;
    let disabled = match query.state.as_str() {
        "enabled" => Some(false),
        "disabled" => Some(true),
        _ => None,
    };
    let filter = AccountQuery {
        role: Some(query.role.clone()),
        disabled,
    };
    let paging = PageRequest::new(query.page, Some(50));
    let rows = accounts::list(state, &ctx.caller, Ok(filter), paging).await?;
    let title = t(lang, "acc-title");
    let states = [
        (String::new(), t(lang, "acc-state-any")),
        ("enabled".to_string(), t(lang, "acc-state-enabled")),
        ("disabled".to_string(), t(lang, "acc-state-disabled")),
    ];
    let fields = ["username", "role", "organisation", "enterprise", "password"];
    let content = html! {
        (role_nav(ctx, LIST))
        h1 { (title) }
        p class="lead" { (t(lang, "acc-lead")) }
        @if let Some(name) = &query.created {
            (notice_ok(t_args(lang, "acc-created", &[("username", name)])))
        }
        @if errors.is_some() {
            div class="notice error" role="alert" {
                p { (t(lang, "acc-not-created")) " " a href="#acc-new-title" { (t(lang, "acc-see-form")) } }
            }
        }
        form method="get" action=(LIST) class="filter" hx-get=(LIST) hx-target="#main" hx-push-url="true" {
            (choice(lang, "filter", "role", t(lang, "acc-role"), &role_options(lang, Some(t(lang, "acc-role-any"))), &query.role, None, None))
            (choice(lang, "filter", "state", t(lang, "acc-state"), &states, &query.state, None, None))
            button type="submit" class="button" { (t(lang, "ws-filter")) }
        }
        p class="count" role="status" { (t_args(lang, "acc-count", &[("count", &format_number(lang, rows.total))])) }
        @if rows.rows.is_empty() {
            p class="empty" { (t(lang, "acc-none")) }
        } @else {
            div class="table-wrap" tabindex="0" role="region" aria-label=(t(lang, "ws-table")) {
                table {
                    thead { tr {
                        th scope="col" { (t(lang, "acc-username")) }
                        th scope="col" { (t(lang, "acc-role")) }
                        th scope="col" { (t(lang, "acc-belongs")) }
                        th scope="col" { (t(lang, "acc-state")) }
                        th scope="col" { (t(lang, "acc-created-at")) }
                    } }
                    tbody {
                        @for a in &rows.rows {
                            tr {
                                td { a href=(account_href(&a.username)) { (a.username) } }
                                td { (t_value(lang, "role", a.role.as_str())) }
                                td { (belongs_to(a)) }
                                td { (state_badge(lang, a.disabled)) }
                                td { (format_date_time(lang, a.created_at)) }
                            }
                        }
                    }
                }
            }
            (pager(lang, LIST, &[("role", &query.role), ("state", &query.state)], rows.request.page, rows.request.per_page, rows.total))
        }
        section aria-labelledby="acc-new-title" {
            h2 id="acc-new-title" { (t(lang, "acc-new-title")) }
            p class="hint" { (t(lang, "acc-new-hint")) }
            (form_errors(lang, errors, &fields))
            // The answer to a refused form scrolls back here.
            form method="post" action=(format!("{LIST}#acc-new-title")) class="form-grid" novalidate {
                (csrf_field(ctx))
                (choice(lang, "field", "role", t(lang, "acc-role"), &role_options(lang, Some(t(lang, "acc-role-choose"))), typed.role, Some(t(lang, "acc-role-field-hint")), errors))
                (Field::new("username", t(lang, "acc-username")).value(typed.username).required().autocomplete("off").hint(t(lang, "acc-username-hint")).render(lang, errors))
                (Field::new("password", t(lang, "acc-password")).kind("password").required().autocomplete("new-password").hint(t(lang, "acc-password-hint")).render(lang, errors))
                (Field::new("organisation", t(lang, "acc-organisation")).value(typed.organisation).hint(t(lang, "acc-organisation-hint")).render(lang, errors))
                (Field::new("enterprise", t(lang, "acc-enterprise")).value(typed.enterprise).hint(t(lang, "acc-enterprise-hint")).render(lang, errors))
                div class="actions" {
                    button type="submit" class="button" { (t(lang, "acc-create-button")) }
                }
            }
        }
    };
    let status = if errors.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok(page_with_status(ctx, status, &title, content))
}

/// The account rules' messages in the page's language (`acc-err-*`); others as the service
/// wrote them.
fn localised(lang: Lang, v: Violations) -> Violations {
    const KNOWN: &[(&str, &str)] = &[
        ("must be 1-", "acc-err-username"),
        ("must have at least", "acc-err-password-short"),
        ("must not repeat", "acc-err-password-repeat"),
        ("must be one of", "acc-err-role"),
        ("an enterprise user needs", "acc-err-enterprise-needed"),
        ("only enterprise users", "acc-err-enterprise-only"),
        ("is not registered", "acc-err-enterprise-unknown"),
        (
            "bank and regulator users need",
            "acc-err-organisation-needed",
        ),
        (
            "enterprise users belong to",
            "acc-err-organisation-enterprise",
        ),
        ("already exists", "acc-err-taken"),
    ];
    let mut out = Violations::new();
    for e in v.0 {
        match KNOWN.iter().find(|(text, _)| e.message.contains(text)) {
            Some((_, key)) => out.add(&e.field, t(lang, key)),
            None => out.add(&e.field, e.message),
        }
    }
    out
}

fn blank_none(value: &str) -> Option<String> {
    let value = value.trim();
    (!value.is_empty()).then(|| value.to_string())
}

/// `POST /workspace/accounts`.
pub async fn create(
    ctx: Ctx,
    state: State,
    form: web::Form<HashMap<String, String>>,
) -> AppResult<HttpResponse> {
    check_csrf(&ctx, form.get("csrf").map(|s| s.as_str()))?;
    if ctx.principal().is_none() {
        return Ok(to_sign_in(&ctx));
    }
    let input = NewAccountInput {
        username: val(&form, "username").to_string(),
        password: SecretString::from(val(&form, "password").to_string()),
        role: val(&form, "role").to_string(),
        organisation: blank_none(val(&form, "organisation")),
        enterprise: blank_none(val(&form, "enterprise")),
    };
    match accounts::create(&state, &ctx.caller, Ok(input)).await {
        Ok(account) => Ok(see_other(
            &ctx,
            &format!(
                "{}?created={}",
                account_href(&account.username),
                form_urlencoded::byte_serialize(account.username.as_bytes()).collect::<String>()
            ),
        )),
        // A taken username is a problem of the field, shown beside it.
        Err(AppError::Conflict(message)) => {
            let v = Violations::single("username", message);
            render_typed(&ctx, &state, &form, localised(ctx.lang, v)).await
        }
        Err(e) => {
            let v = violations(e)?;
            render_typed(&ctx, &state, &form, localised(ctx.lang, v)).await
        }
    }
}

async fn render_typed(
    ctx: &Ctx,
    state: &State,
    form: &HashMap<String, String>,
    v: Violations,
) -> AppResult<HttpResponse> {
    let typed = Typed {
        username: val(form, "username"),
        role: val(form, "role"),
        organisation: val(form, "organisation"),
        enterprise: val(form, "enterprise"),
    };
    render_list(ctx, state, &ListQuery::default(), &typed, Some(&v)).await
}

#[derive(Debug, Default, Deserialize)]
pub struct DetailQuery {
    /// What was just done: `created`, `changed`, `disabled`, `enabled`, `password`.
    pub done: Option<String>,
    pub created: Option<String>,
}

/// Which form of the account page a violation belongs to.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Form {
    Role,
    Password,
}

/// `GET /workspace/accounts/{username}`.
pub async fn detail(
    ctx: Ctx,
    state: State,
    username: web::Path<String>,
    query: web::Query<DetailQuery>,
) -> AppResult<HttpResponse> {
    if ctx.principal().is_none() {
        return Ok(to_sign_in(&ctx));
    }
    let account = accounts::get(&state, &ctx.caller, &username).await?;
    let done = if query.created.is_some() {
        Some("created")
    } else {
        query.done.as_deref()
    };
    Ok(render_detail(&ctx, &account, done, None, None))
}

fn render_detail(
    ctx: &Ctx,
    account: &Account,
    done: Option<&str>,
    typed: Option<&HashMap<String, String>>,
    errors: Option<(Form, &Violations)>,
) -> HttpResponse {
    let lang = ctx.lang;
    let href = account_href(&account.username);
    let own = ctx
        .principal()
        .is_some_and(|p| p.username == account.username);
    let role_errors = errors.filter(|(f, _)| *f == Form::Role).map(|(_, v)| v);
    let password_errors = errors.filter(|(f, _)| *f == Form::Password).map(|(_, v)| v);
    let typed_or = |name: &str, current: &str| -> String {
        typed.map_or_else(|| current.to_string(), |f| val(f, name).to_string())
    };
    let role_value = typed_or("role", account.role.as_str());
    let organisation = typed_or(
        "organisation",
        account.organisation.as_deref().unwrap_or(""),
    );
    let enterprise = typed_or("enterprise", account.enterprise.as_deref().unwrap_or(""));
    let title = t_args(lang, "acc-detail-title", &[("username", &account.username)]);
    let content = html! {
        (role_nav(ctx, LIST))
        p class="breadcrumbs" { a href=(LIST) { (t(lang, "acc-title")) } " › " (account.username) }
        h1 { (title) }
        @if let Some(done) = done.filter(|d| ["created", "changed", "disabled", "enabled", "password"].contains(d)) {
            (notice_ok(t_args(lang, &format!("acc-done-{done}"), &[("username", &account.username)])))
        }
        @if own {
            p class="notice warning" { (t(lang, "acc-own")) }
        }
        dl class="facts" {
            dt { (t(lang, "acc-role")) } dd { (t_value(lang, "role", account.role.as_str())) }
            dt { (t(lang, "acc-belongs")) } dd { (belongs_to(account)) }
            dt { (t(lang, "acc-state")) } dd { (state_badge(lang, account.disabled)) }
            dt { (t(lang, "acc-created-at")) } dd { (format_date_time(lang, account.created_at)) }
        }
        section aria-labelledby="acc-role-title" {
            h2 id="acc-role-title" { (t(lang, "acc-role-title")) }
            p class="hint" { (t(lang, "acc-role-hint")) }
            (form_errors(lang, role_errors, &["role", "organisation", "enterprise"]))
            form method="post" action=(format!("{href}/role#acc-role-title")) class="form-grid" novalidate {
                (csrf_field(ctx))
                input type="hidden" name="version" value=(account.version);
                (choice(lang, "field", "role", t(lang, "acc-role"), &role_options(lang, None), &role_value, None, role_errors))
                (Field::new("organisation", t(lang, "acc-organisation")).value(&organisation).hint(t(lang, "acc-organisation-hint")).render(lang, role_errors))
                (Field::new("enterprise", t(lang, "acc-enterprise")).value(&enterprise).hint(t(lang, "acc-enterprise-hint")).render(lang, role_errors))
                div class="actions" {
                    button type="submit" class="button" { (t(lang, "acc-role-button")) }
                }
            }
        }
        section aria-labelledby="acc-password-title" {
            h2 id="acc-password-title" { (t(lang, "acc-password-title")) }
            p class="hint" { (t(lang, "acc-password-reset-hint")) }
            form method="post" action=(format!("{href}/password#acc-password-title")) class="stack" novalidate {
                (csrf_field(ctx))
                (Field::new("password", t(lang, "acc-new-password")).kind("password").required().autocomplete("new-password").hint(t(lang, "acc-password-hint")).render(lang, password_errors))
                div class="actions" {
                    button type="submit" class="button" { (t(lang, "acc-password-button")) }
                }
            }
        }
        section aria-labelledby="acc-access-title" {
            h2 id="acc-access-title" { (t(lang, "acc-access-title")) }
            @if account.disabled {
                p class="hint" { (t(lang, "acc-enable-hint")) }
                form method="post" action=(format!("{href}/enable")) class="inline" {
                    (csrf_field(ctx))
                    button type="submit" class="button" { (t(lang, "acc-enable-button")) }
                }
            } @else {
                p class="hint" { (t(lang, "acc-disable-hint")) }
                form method="post" action=(format!("{href}/disable")) class="inline" {
                    (csrf_field(ctx))
                    button type="submit" class="button danger" { (t(lang, "acc-disable-button")) }
                }
            }
        }
    };
    let status = if errors.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    page_with_status(ctx, status, &title, content)
}

fn done(ctx: &Ctx, username: &str, what: &str) -> HttpResponse {
    see_other(ctx, &format!("{}?done={what}", account_href(username)))
}

/// `POST /workspace/accounts/{username}/role`.
pub async fn change_role(
    ctx: Ctx,
    state: State,
    username: web::Path<String>,
    form: web::Form<HashMap<String, String>>,
) -> AppResult<HttpResponse> {
    check_csrf(&ctx, form.get("csrf").map(|s| s.as_str()))?;
    if ctx.principal().is_none() {
        return Ok(to_sign_in(&ctx));
    }
    let expected = match val(&form, "version").parse::<i64>() {
        Ok(v) => ExpectedVersion::Exactly(v),
        Err(_) => ExpectedVersion::Missing,
    };
    // The form always names all three: blank means none (the new role decides what stays).
    let patch = AccountPatch {
        role: Some(val(&form, "role").to_string()),
        organisation: blank_none(val(&form, "organisation")),
        enterprise: blank_none(val(&form, "enterprise")),
    };
    match accounts::change(&state, &ctx.caller, &username, Ok(patch), expected).await {
        Ok(account) => Ok(done(&ctx, &account.username, "changed")),
        Err(e) => {
            let v = localised(ctx.lang, violations(e)?);
            let account = accounts::get(&state, &ctx.caller, &username).await?;
            Ok(render_detail(
                &ctx,
                &account,
                None,
                Some(&form),
                Some((Form::Role, &v)),
            ))
        }
    }
}

/// `POST /workspace/accounts/{username}/password`.
pub async fn set_password(
    ctx: Ctx,
    state: State,
    username: web::Path<String>,
    form: web::Form<HashMap<String, String>>,
) -> AppResult<HttpResponse> {
    check_csrf(&ctx, form.get("csrf").map(|s| s.as_str()))?;
    if ctx.principal().is_none() {
        return Ok(to_sign_in(&ctx));
    }
    let input = PasswordInput {
        password: SecretString::from(val(&form, "password").to_string()),
    };
    match accounts::reset_password(&state, &ctx.caller, &username, Ok(input)).await {
        Ok(account) => Ok(done(&ctx, &account.username, "password")),
        Err(e) => {
            let v = localised(ctx.lang, violations(e)?);
            let account = accounts::get(&state, &ctx.caller, &username).await?;
            Ok(render_detail(
                &ctx,
                &account,
                None,
                None,
                Some((Form::Password, &v)),
            ))
        }
    }
}

async fn set_disabled(
    ctx: Ctx,
    state: State,
    username: &str,
    form: &HashMap<String, String>,
    disabled: bool,
) -> AppResult<HttpResponse> {
    check_csrf(&ctx, form.get("csrf").map(|s| s.as_str()))?;
    if ctx.principal().is_none() {
        return Ok(to_sign_in(&ctx));
    }
    let account = accounts::set_disabled(&state, &ctx.caller, username, disabled).await?;
    // Whoever disabled their own account has just ended their own session.
    let what = if disabled { "disabled" } else { "enabled" };
    Ok(done(&ctx, &account.username, what))
}

/// `POST /workspace/accounts/{username}/disable`.
pub async fn disable(
    ctx: Ctx,
    state: State,
    username: web::Path<String>,
    form: web::Form<HashMap<String, String>>,
) -> AppResult<HttpResponse> {
    set_disabled(ctx, state, &username, &form, true).await
}

/// `POST /workspace/accounts/{username}/enable`.
pub async fn enable(
    ctx: Ctx,
    state: State,
    username: web::Path<String>,
    form: web::Form<HashMap<String, String>>,
) -> AppResult<HttpResponse> {
    set_disabled(ctx, state, &username, &form, false).await
}

#[derive(Debug, Default, Deserialize)]
pub struct KeysQuery {
    /// The key a rotation just made.
    pub rotated: Option<String>,
}

/// `GET /workspace/keys`.
pub async fn keys(ctx: Ctx, state: State, query: web::Query<KeysQuery>) -> AppResult<HttpResponse> {
    if ctx.principal().is_none() {
        return Ok(to_sign_in(&ctx));
    }
    render_keys(&ctx, &state, query.rotated.as_deref(), None)
}

fn render_keys(
    ctx: &Ctx,
    state: &State,
    rotated: Option<&str>,
    errors: Option<&Violations>,
) -> AppResult<HttpResponse> {
    let lang = ctx.lang;
    let set = reports::signing_keys(state, &ctx.caller)?;
    let title = t(lang, "keyadm-title");
    let mine = errors_of(errors, "confirm");
    let content = html! {
        (role_nav(ctx, KEYS))
        h1 { (title) }
        p class="lead" { (t(lang, "keyadm-lead")) }
        @if let Some(id) = rotated {
            (notice_ok(t_args(lang, "keyadm-rotated", &[("id", id)])))
        }
        div class="table-wrap" tabindex="0" role="region" aria-label=(t(lang, "ws-table")) {
            table {
                thead { tr {
                    th scope="col" { (t(lang, "keys-id")) }
                    th scope="col" { (t(lang, "keys-algorithm")) }
                    th scope="col" { (t(lang, "keys-created")) }
                    th scope="col" { (t(lang, "keys-state")) }
                } }
                tbody {
                    // Newest first: the active key on top.
                    @for k in set.keys.iter().rev() {
                        tr {
                            td { code { (k.key_id) } }
                            td { (k.algorithm) }
                            td { (format_date_time(lang, k.created_at.naive_utc())) }
                            td {
                                @if k.active {
                                    span class="badge acc-enabled" { (t(lang, "keyadm-active")) }
                                } @else {
                                    (t(lang, "keyadm-retired"))
                                }
                            }
                        }
                    }
                }
            }
        }
        p { a href="/keys" { (t(lang, "keyadm-public-page")) } " · " a href="/api/v1/reports/public-key" { (t(lang, "keys-json")) } }
        section aria-labelledby="keyadm-rotate-title" {
            h2 id="keyadm-rotate-title" { (t(lang, "keyadm-rotate-title")) }
            div class="notice warning" { p { (t(lang, "keyadm-rotate-explain")) } }
            form method="post" action=(format!("{KEYS}/rotate")) class="stack" novalidate {
                (csrf_field(ctx))
                div class=(if mine.is_empty() { "field" } else { "field has-error" }) {
                    label class="check" for="field-confirm" {
                        input type="checkbox" id="field-confirm" name="confirm" value="yes" required
                            aria-invalid=[(!mine.is_empty()).then_some("true")]
                            aria-describedby=[(!mine.is_empty()).then_some("field-confirm-error")];
                        " " (t(lang, "keyadm-confirm"))
                    }
                    (field_errors(lang, "field-confirm-error", &mine))
                }
                div class="actions" {
                    button type="submit" class="button danger" { (t(lang, "keyadm-rotate-button")) }
                }
            }
        }
    };
    let status = if errors.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok(page_with_status(ctx, status, &title, content))
}

/// `POST /workspace/keys/rotate`: only with the confirmation ticked.
pub async fn rotate(
    ctx: Ctx,
    state: State,
    form: web::Form<HashMap<String, String>>,
) -> AppResult<HttpResponse> {
    check_csrf(&ctx, form.get("csrf").map(|s| s.as_str()))?;
    if ctx.principal().is_none() {
        return Ok(to_sign_in(&ctx));
    }
    if val(&form, "confirm") != "yes" {
        // The caller first: only an admin learns that a confirmation was missing.
        reports::signing_keys(&state, &ctx.caller)?;
        let v = Violations::single("confirm", t(ctx.lang, "keyadm-confirm-needed"));
        return render_keys(&ctx, &state, None, Some(&v));
    }
    let set = reports::rotate_key(&state, &ctx.caller).await?;
    let active = set
        .keys
        .iter()
        .find(|k| k.active)
        .map(|k| k.key_id.clone())
        .unwrap_or_default();
    Ok(see_other(&ctx, &format!("{KEYS}?rotated={active}")))
}
