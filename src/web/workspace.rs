//! The landing page after signing in: who you are and your role. The role workspaces (the
//! enterprise's records, submissions, objections…; the bank's and the regulator's) are built on
//! this layout.

use actix_web::{HttpResponse, web};
use maud::html;

use super::i18n::{t, t_value};
use super::layout::{page, see_other};
use super::session::{Ctx, State};
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
    let lang = ctx.lang;
    let organisation = match principal.organisation {
        Some(id) => service::auth::organisation_name(&state, id).await?,
        None => None,
    };
    let enterprise = match &principal.enterprise {
        Some(code) => Some(service::enterprises::get(&state, code).await?),
        None => None,
    };
    let keeper = crate::service::KEEPERS.contains(&principal.role);
    let content = html! {
        @if keeper { (super::models::keeper_nav(&ctx, "/workspace")) }
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
        p class="hint" { (t(lang, "workspace-more-soon")) }
    };
    Ok(page(&ctx, &t(lang, "workspace-title"), content))
}
