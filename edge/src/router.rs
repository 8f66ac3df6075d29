//! The HTTP API: every request is matched against the one route table in
//! `charla_shared::routes`, its caller is checked against the route's access
//! rule once, here, before any handler runs, and every failure leaves as a
//! [`Problem`](charla_shared::protocol::Problem) with the status of its code.
//! A method the table does not list for a path gets `405` with `Allow`.

use charla_shared::api::RecordKind;
use charla_shared::protocol::ErrorCode;
use charla_shared::routes::{self, Access, Matched, RouteName, Unmatched};
use worker::{Env, Request, Response, Url};

use crate::auth::{self, Staff};
use crate::conversations::{self, authorize};
use crate::error::{EdgeError, EdgeResult};
use crate::http::{allow_any_origin, expect_same_origin, problem_response, with_allow};
use crate::internal::Admission;
use crate::store::Db;
use crate::{
    canned, channels, chatbots, clock, direct, files, knowledge, model, now, offline, operators,
    queue, ratings,
};

/// Who is calling, as established before the handler runs.
pub enum Caller {
    /// Nobody in particular (public routes).
    Anyone,
    /// A signed-in operator allowed on this route.
    Staff(Staff),
    /// Someone the conversation socket admits (its visitor token or an
    /// operator of its channel), before the object has the last word.
    Participant(Admission),
}

/// What a handler gets besides the request.
pub struct Ctx<'a> {
    /// The worker's environment.
    pub env: &'a Env,
    /// The request's URL.
    pub url: &'a Url,
    /// The route and the ids in its path.
    pub matched: &'a Matched,
    /// Who is calling.
    pub caller: Caller,
}

impl Ctx<'_> {
    /// The signed-in operator; routes whose access rule requires one always
    /// have one.
    pub fn staff(&self) -> EdgeResult<&Staff> {
        match &self.caller {
            Caller::Staff(staff) => Ok(staff),
            _ => Err(EdgeError::Corrupt("staff route without staff".into())),
        }
    }

    /// The conversation in the path.
    pub fn conversation(&self) -> EdgeResult<&charla_shared::ids::ConversationId> {
        self.matched
            .conversation
            .as_ref()
            .ok_or_else(|| EdgeError::Corrupt("route without a conversation".into()))
    }

    /// The chatbot in the path.
    pub fn bot(&self) -> EdgeResult<&charla_shared::ids::ChannelId> {
        self.matched
            .bot
            .as_ref()
            .ok_or_else(|| EdgeError::Corrupt("route without a chatbot".into()))
    }

    /// The channel in the path.
    pub fn channel(&self) -> EdgeResult<&charla_shared::ids::ChannelId> {
        self.matched
            .channel
            .as_ref()
            .ok_or_else(|| EdgeError::Corrupt("route without a channel".into()))
    }
}

/// Answers one request. Internal failures are logged by
/// [`EdgeError::to_problem`]; the client gets a problem body.
pub async fn handle(req: Request, env: Env) -> Response {
    let method = req.inner().method();
    let url = match req.url() {
        Ok(url) => url,
        Err(error) => return problem_response(&EdgeError::from(error).to_problem()),
    };
    match routes::find(&method, url.path()) {
        Ok(matched) => {
            // Visitors fetch their transcript and files from the customer's
            // page. No credentials are allowed cross-site (`*`), so an
            // operator's cookie never opens them from another site.
            let public = cross_site(matched.route);
            let response = match serve(req, &env, &url, &matched).await {
                Ok(response) => response,
                Err(error) => problem_response(&error.to_problem()),
            };
            if public {
                allow_any_origin(response)
            } else {
                response
            }
        }
        Err(unmatched) => refuse(&method, &url, &unmatched),
    }
}

/// A request that matches no route: a CORS preflight for a public route,
/// or a refusal (with `Allow` when only the method is wrong).
fn refuse(method: &str, url: &Url, unmatched: &Unmatched) -> Response {
    if let Unmatched::MethodNotAllowed(allowed) = unmatched {
        let public = allowed
            .iter()
            .any(|m| routes::find(m.as_str(), url.path()).is_ok_and(|m| cross_site(m.route)));
        if method == "OPTIONS" && public {
            return allow_any_origin(
                Response::empty()
                    .map(|r| r.with_status(204))
                    .unwrap_or_else(|_| problem_response(&internal_problem())),
            );
        }
        let response = problem_response(&unmatched.problem(method, url.path()));
        return with_allow(response, allowed);
    }
    problem_response(&unmatched.problem(method, url.path()))
}

async fn serve(mut req: Request, env: &Env, url: &Url, matched: &Matched) -> EdgeResult<Response> {
    let caller = check_access(&req, env, url, matched).await?;
    let ctx = Ctx {
        env,
        url,
        matched,
        caller,
    };
    let req = &mut req;
    match matched.route.name {
        RouteName::Health => Ok(Response::ok("ok")?),
        RouteName::SignIn => auth::sign_in_route(req, &ctx).await,
        RouteName::WhoAmI => auth::session_route(&ctx).await,
        RouteName::SignOut => auth::sign_out_route(&ctx, false).await,
        RouteName::SignOutEverywhere => auth::sign_out_route(&ctx, true).await,
        RouteName::CreateConversation => conversations::create(req, &ctx).await,
        RouteName::ConversationSocket => conversations::connect(req, &ctx).await,
        RouteName::Transcript => conversations::transcript(&ctx).await,
        RouteName::Revoke => conversations::revoke(&ctx).await,
        RouteName::WidgetConfig => channels::widget_config(req, &ctx).await,
        RouteName::LeaveOfflineMessage => offline::leave(req, &ctx).await,
        RouteName::OfflineMessages => offline::list(&ctx).await,
        RouteName::MarkOfflineMessage => offline::mark(req, &ctx).await,
        RouteName::InboxSocket => channels::inbox(req, &ctx).await,
        RouteName::Security => channels::security(&ctx).await,
        RouteName::SetSecurity => channels::set_security(req, &ctx).await,
        RouteName::RotateSecret => channels::rotate_secret(&ctx).await,
        RouteName::CreateChannel => channels::create(req, &ctx).await,
        RouteName::Settings => channels::settings(&ctx).await,
        RouteName::SaveSettings => channels::save_settings(req, &ctx).await,
        RouteName::Operators => operators::list(&ctx).await,
        RouteName::CreateOperator => operators::create(req, &ctx).await,
        RouteName::UpdateOperator => operators::update(req, &ctx).await,
        RouteName::DeleteOperator => operators::delete(&ctx).await,
        RouteName::ChangePassword => operators::change_password(req, &ctx).await,
        RouteName::Visitor => channels::visitor(req, &ctx),
        RouteName::ChatPage => channels::chat_page(req, &ctx).await,
        RouteName::Chatbots => chatbots::list(&ctx).await,
        RouteName::Chatbot => chatbots::get(&ctx).await,
        RouteName::SaveChatbot => chatbots::save(req, &ctx).await,
        RouteName::DeleteChatbot => chatbots::delete(&ctx).await,
        RouteName::Leads => chatbots::records(&ctx, RecordKind::Lead).await,
        RouteName::Lead => chatbots::record(&ctx, RecordKind::Lead).await,
        RouteName::Tickets => chatbots::records(&ctx, RecordKind::Ticket).await,
        RouteName::Ticket => chatbots::record(&ctx, RecordKind::Ticket).await,
        RouteName::TranscriptText => conversations::transcript_text(&ctx).await,
        RouteName::Ratings => ratings::list(&ctx).await,
        RouteName::RatingsCsv => ratings::csv(&ctx).await,
        RouteName::RatingVisibility => ratings::set_visibility(req, &ctx).await,
        RouteName::Stats => ratings::stats(&ctx).await,
        RouteName::PublicStats => ratings::public_page(&ctx).await,
        RouteName::CannedResponses => canned::lists(&ctx).await,
        RouteName::SaveCannedResponses => canned::save(req, &ctx).await,
        RouteName::SaveGlobalCanned => canned::save_global(req, &ctx).await,
        RouteName::PreviousConversations => conversations::previous(&ctx).await,
        RouteName::Team => direct::team(&ctx).await,
        RouteName::StartDirect => direct::start(req, &ctx).await,
        RouteName::DeleteChannel => channels::delete(&ctx).await,
        RouteName::SearchConversations => channels::search(&ctx).await,
        RouteName::DeleteConversation => conversations::delete(&ctx).await,
        RouteName::UploadFile => files::upload(req, &ctx).await,
        RouteName::File => files::download(&ctx).await,
        RouteName::TakeConversation => queue::take(&ctx).await,
        RouteName::ReleaseConversation => queue::release(&ctx).await,
        RouteName::TransferConversation => queue::transfer(req, &ctx).await,
        RouteName::SetDuty => queue::duty(req, &ctx).await,
        RouteName::Supervision => queue::supervision(&ctx).await,
        RouteName::TestClock => clock::advance(req, &ctx).await,
        RouteName::Knowledge => knowledge::list(&ctx).await,
        RouteName::ImportKnowledge => knowledge::import(req, &ctx).await,
        RouteName::ChannelModel => model::view(&ctx).await,
        RouteName::SetChannelModel => model::set(req, &ctx).await,
        RouteName::DeleteArticle => knowledge::delete(&ctx).await,
        RouteName::SearchKnowledge => knowledge::search(&ctx).await,
        RouteName::KnowledgeArticle => knowledge::article(&ctx).await,
        RouteName::HelpPage => knowledge::page(&ctx).await,
        RouteName::HelpArticle => knowledge::page_article(&ctx).await,
    }
}

/// Checks the route's access rule. Requests that carry an operator's
/// credentials must come from the console's own origin, so another site
/// cannot act with an operator's cookie.
async fn check_access(
    req: &Request,
    env: &Env,
    url: &Url,
    matched: &Matched,
) -> EdgeResult<Caller> {
    let access = matched.route.access;
    if access == Access::Public {
        return Ok(Caller::Anyone);
    }
    if access == Access::Participant {
        return conversations::admission(req, env, url, matched).await;
    }
    expect_same_origin(req, url)?;
    let db = Db::new(env)?;
    let staff = auth::staff(req, &db, now()).await?;
    // Until they choose their own password, an operator may only see who
    // they are, choose it, or sign out.
    if !matches!(
        matched.route.name,
        RouteName::WhoAmI
            | RouteName::ChangePassword
            | RouteName::SignOut
            | RouteName::SignOutEverywhere
    ) {
        auth::require_own_password(&staff)?;
    }
    match access {
        Access::Public | Access::Participant | Access::SignedIn => {}
        Access::Admin => auth::require_admin(&staff)?,
        Access::ChannelOperator => {
            let channel = matched
                .channel
                .as_ref()
                .ok_or_else(|| EdgeError::Corrupt("channel route without a channel".into()))?;
            if !db.may_answer(&staff.profile, channel).await? {
                return Err(EdgeError::refuse(
                    ErrorCode::Forbidden,
                    format!("You do not answer the channel {channel}."),
                ));
            }
        }
        Access::ConversationOperator => {
            let conversation = matched.conversation.as_ref().ok_or_else(|| {
                EdgeError::Corrupt("conversation route without a conversation".into())
            })?;
            authorize(&db, &staff, conversation).await?;
        }
    }
    Ok(Caller::Staff(staff))
}

/// Whether a route answers pages of any site (with CORS headers, and its
/// preflight): public routes, and what a visitor's token opens over plain
/// HTTP.
fn cross_site(route: &routes::Route) -> bool {
    route.access == Access::Public || (route.access == Access::Participant && !route.upgrade)
}

fn internal_problem() -> charla_shared::protocol::Problem {
    EdgeError::Corrupt("an empty response did not build".into()).to_problem()
}
