//! The landing page after signing in: who you are and your role. The role workspaces (the
//! enterprise's records, submissions, objections…; the bank's and the regulator's) are built on
//! this layout.

use actix_web::{HttpResponse, web};
use maud::{Markup, html};

use super::i18n::{t, t_value};
use super::layout::{page, see_other};
use super::session::{Ctx, State};
use crate::domain::Role;
use crate::error::AppResult;
use crate::service;

/// `GET /workspace`: anonymous callers are sent to sign in first.
pub async fn landing(
    ctx: Ctx,
    state: State,
    query: web::Query<super::enterprise::EnterpriseQuery>,
) -> AppResult<HttpResponse> {
    // An enterprise user (or a keeper naming an enterprise) gets the enterprise's dashboard.
    if ctx.principal().is_some()
        && super::enterprise::wants_dashboard(&ctx, query.enterprise.as_deref())
    {
        return super::enterprise::dashboard(ctx, state, query.enterprise.as_deref()).await;
    }
    let Some(principal) = ctx.principal() else {
        let next = form_urlencoded::byte_serialize(ctx.path.as_bytes()).collect::<String>();
        return Ok(see_other(&ctx, &format!("/sign-in?next={next}")));
    };
    if matches!(principal.role, Role::Regulator | Role::Admin) {
        return super::oversight::regulator(ctx, state).await;
    }
    let lang = ctx.lang;
    let organisation = match principal.organisation {
        Some(id) => service::auth::organisation_name(&state, id).await?,
        None => None,
    };
    let enterprise = match &principal.enterprise {
        Some(code) => Some(service::enterprises::get(&state, code).await?),
        None => None,
    };
    let content = html! {
        (role_nav(&ctx, "/workspace"))
        h1 { (t(lang, "workspace-title")) }
        dl class="facts" {
            dt { (t(lang, "workspace-user")) } dd { (principal.username) }
            dt { (t(lang, "workspace-role")) } dd { (t_value(lang, "role", principal.role.as_str())) }
            @if let Some(name) = &organisation {
                dt { (t(lang, "workspace-organisation")) } dd { (name) }
            }
            @if let Some(stored) = &enterprise {
                dt { (t(lang, "workspace-enterprise")) }
                dd { a href=(format!("/enterprises/{}", stored.enterprise.code)) { (stored.enterprise.name) } }
            }
        }
        p { (t_value(lang, "workspace-role-about", principal.role.as_str())) }
        @if role_sections(principal.role).is_empty() {
            p class="hint" { (t(lang, "workspace-more-soon")) }
        }
    };
    Ok(page(&ctx, &t(lang, "workspace-title"), content))
}

/// The sections of a role's workspace beyond the enterprise's own (which has its own bar).
fn role_sections(role: Role) -> &'static [(&'static str, &'static str)] {
    match role {
        Role::Regulator | Role::Admin => &[
            ("/workspace", "ws-nav-dashboard"),
            ("/workspace/queues/proposals", "q-nav-label"),
            ("/workspace/enterprises", "reg-search-nav"),
            ("/workspace/statistics", "stat-nav"),
            ("/workspace/models", "mdl-nav"),
            ("/workspace/runs", "runs-nav"),
            ("/workspace/audit", "audit-nav"),
        ],
        Role::Bank => &[
            ("/workspace", "ws-nav-dashboard"),
            ("/workspace/portfolio", "bank-nav-portfolio"),
            ("/workspace/grants", "bank-nav-grants"),
        ],
        Role::Enterprise => &[],
    }
}

/// The admin's own sections, after those it shares with the regulators.
const ADMIN_SECTIONS: &[(&str, &str)] = &[
    ("/workspace/accounts", "acc-nav"),
    ("/workspace/keys", "keyadm-nav"),
];

/// The section bar of the signed-in role (nothing for the public and for enterprises).
pub(super) fn role_nav(ctx: &Ctx, current: &str) -> Markup {
    let role = ctx.principal().map(|p| p.role);
    let shared = role.map_or(&[][..], role_sections);
    let own = if role == Some(Role::Admin) {
        ADMIN_SECTIONS
    } else {
        &[]
    };
    let sections: Vec<&(&str, &str)> = shared.iter().chain(own).collect();
    html! {
        @if !sections.is_empty() {
            nav class="ws-nav" aria-label=(t(ctx.lang, "ws-nav-label")) {
                ul {
                    @for (href, key) in sections {
                        li {
                            a href=(href) hx-get=(href) hx-target="#main" hx-push-url="true"
                                aria-current=[(current == *href).then_some("page")] { (t(ctx.lang, key)) }
                        }
                    }
                }
            }
        }
    }
}
