//! The REST API, `/v1`: resources, their OpenAPI description, and the shared response types.
//!
//! To add a resource: a module here with its objects (`…Object`, `ToSchema`), request bodies
//! (`deny_unknown_fields`) and handlers (each with `#[utoipa::path]`, taking [`Caller`] for
//! the scope), then one `.routes(routes!(…))` line per path in [`v1_routes`]. Authentication,
//! rate limits, idempotency, metrics and the OpenAPI document follow from there.
//!
//! [`Caller`]: crate::auth::Caller

pub mod api_keys;
pub mod branding;
pub mod course_settings;
pub mod courses;
mod forwarding_input;
pub mod history;
pub mod imports;
pub mod instances;
pub mod learners;
pub mod lrs_credentials;
pub mod lrs_forwarding;
pub mod lrs_redelivery;
pub mod progress;
pub mod registrations;
mod validate;

use crate::state::AppState;
use serde::Serialize;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{IntoParams, Modify, OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The answer to a successful `DELETE`.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeletedObject {
    /// The kind of object deleted, e.g. `learner`.
    #[schema(value_type = String)]
    pub object: &'static str,
    /// Its id.
    pub id: String,
    /// Always `true`.
    pub deleted: bool,
}

/// The `Idempotency-Key` header accepted by every POST.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Header)]
pub struct IdempotencyKeyParam {
    /// A unique key (1 to 255 visible ASCII characters, e.g. a UUID) that makes retries safe:
    /// a retry with the same key and request gets the first response; another request with the
    /// same key gets a 409. Kept 24 hours.
    #[param(rename = "Idempotency-Key")]
    #[expect(
        dead_code,
        reason = "read by the idempotency middleware; here for the OpenAPI document"
    )]
    idempotency_key: Option<String>,
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Larch API",
        description = "API-first e-learning standards engine. Conventions: docs/API-DESIGN.md.",
        license(name = "Apache-2.0", identifier = "Apache-2.0"),
    ),
    modifiers(&SecuritySchemes),
    security(("bearer" = []), ("basic" = [])),
    components(schemas(crate::error::ErrorBody)),
    tags(
        (name = "learners", description = "The people who take courses"),
        (name = "courses", description = "Imported courses and their versions"),
        (name = "registrations", description = "Learners on courses, and launch URLs"),
        (name = "player", description = "The player's look in the environment"),
        (name = "api_keys", description = "Keys of the caller's environment"),
        (name = "lrs", description = "Credentials and statement forwarding rules of the environment's xAPI LRS (`/xapi/`)"),
    ),
)]
struct ApiDoc;

/// Declares the two ways to present an API key.
struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        let bearer = HttpBuilder::new()
            .scheme(HttpAuthScheme::Bearer)
            .description(Some("The API key, `sk_test_…` or `sk_live_…`"));
        let basic = HttpBuilder::new()
            .scheme(HttpAuthScheme::Basic)
            .description(Some("The API key as user, empty password"));
        components.add_security_scheme("bearer", SecurityScheme::Http(bearer.build()));
        components.add_security_scheme("basic", SecurityScheme::Http(basic.build()));
    }
}

/// Every authenticated `/v1` route with its OpenAPI description.
pub(crate) fn v1_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(learners::create, learners::list))
        .routes(routes!(learners::get, learners::update, learners::delete))
        .merge(upload_routes())
        .routes(routes!(courses::get, courses::update, courses::delete))
        .routes(routes!(imports::get))
        .routes(routes!(registrations::create, registrations::list))
        .routes(routes!(registrations::get, registrations::delete))
        .routes(routes!(registrations::launch))
        .routes(routes!(progress::progress))
        .routes(routes!(instances::instances))
        .routes(routes!(history::transcript))
        .routes(routes!(history::launches))
        .routes(routes!(branding::get, branding::put))
        .routes(routes!(api_keys::create, api_keys::list))
        .routes(routes!(api_keys::get))
        .routes(routes!(api_keys::revoke))
        .routes(routes!(lrs_credentials::create, lrs_credentials::list))
        .routes(routes!(lrs_credentials::get))
        .routes(routes!(lrs_credentials::revoke))
        .routes(routes!(lrs_forwarding::create, lrs_forwarding::list))
        .routes(routes!(
            lrs_forwarding::get,
            lrs_forwarding::update,
            lrs_forwarding::delete
        ))
        .routes(routes!(lrs_forwarding::deliveries))
        .routes(routes!(lrs_redelivery::retry))
}

/// `/v1/courses`, whose POST streams uploads within `max_upload_bytes` instead of the JSON limit.
fn upload_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(courses::list, imports::create))
        .layer(axum::extract::DefaultBodyLimit::disable())
}

/// The OpenAPI document of the API (the same one served at `/v1/openapi.json`).
pub fn openapi() -> utoipa::openapi::OpenApi {
    v1_routes().split_for_parts().1
}
