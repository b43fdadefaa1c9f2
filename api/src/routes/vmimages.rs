//! The VM image queries (reference 1.9), answered by the VM read model: one image and the
//! filtered list. A non-admin sees
//! their own images and public ones. Images arrive here from VM exports; the upload and slimming
//! catalogue is a later piece of work.

use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use domain::Actor;
use projections::read_models::vms::query;

use super::commanding::AppState;
use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody, ErrorCode};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/mec/developer/v2/vmimages/action/get-list").post(list))
        .service(web::resource("/mec/developer/v2/vmimages/{imageId}").get(get));
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct VmImage {
    pub id: i32,
    pub name: String,
    pub visible_type: Option<String>,
    pub os_type: Option<String>,
    pub os_version: Option<String>,
    pub os_bit_type: Option<String>,
    pub system_disk_size: Option<i32>,
    pub image_file_name: Option<String>,
    pub image_format: Option<String>,
    pub down_load_url: Option<String>,
    pub file_md5: Option<String>,
    pub image_size: Option<i64>,
    pub image_slim_status: Option<String>,
    pub status: Option<String>,
    pub create_time: Option<chrono::DateTime<chrono::Utc>>,
    pub user_id: Option<String>,
    pub user_name: Option<String>,
}

db::from_row!(VmImage {
    id,
    name,
    visible_type,
    os_type,
    os_version,
    os_bit_type,
    system_disk_size,
    image_file_name,
    image_format,
    down_load_url,
    file_md5,
    image_size,
    image_slim_status,
    status,
    create_time,
    user_id,
    user_name
});

#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", default)]
pub struct QueryCtrl {
    #[schema(minimum = 0)]
    #[serde(deserialize_with = "domain::json_integer::integer")]
    pub offset: i64,
    /// 1-100; 0 or absent: 100.
    #[schema(minimum = 0, maximum = 100)]
    #[serde(deserialize_with = "domain::json_integer::optional_integer")]
    pub limit: Option<i64>,
}

#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", default)]
pub struct ListRequest {
    #[schema(pattern = r"^[^\u0000]*$")]
    pub name: Option<String>,
    /// All, public or private.
    #[schema(pattern = r"^[^\u0000]*$")]
    pub visible_type: Option<String>,
    #[schema(pattern = r"^[^\u0000]*$")]
    pub user_id: Option<String>,
    pub query_ctrl: QueryCtrl,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ImageList {
    pub total_count: i64,
    pub image_list: Vec<VmImage>,
}

fn viewer(actor: &Actor) -> query::ImageViewer<'_> {
    query::ImageViewer {
        user_id: &actor.user_id,
        admin: actor.is_admin(),
    }
}

/// One VM image (own, public, or any for admins).
#[utoipa::path(get, path = "/mec/developer/v2/vmimages/{imageId}", tag = "vms", params(("imageId" = i32, Path)),
    responses((status = 200, body = VmImage), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn get(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.tenant_or_admin()?;
    let id: i32 = path.parse().map_err(|_| {
        ApiError::new(ErrorCode::InvalidId, "imageId must be a number")
            .with_params(vec!["imageId".into()])
    })?;
    let st = state.clone();
    let image = state
        .offload(async move {
            query::image::<VmImage>(&st.pool, viewer(&actor), id)
                .await
                .map_err(ApiError::from)
        })
        .await?
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::VmImageNotFound,
                "no VM image you may see has this id",
            )
        })?;
    Ok(HttpResponse::Ok().json(image))
}

/// VM images matching the filters, newest first.
#[utoipa::path(post, path = "/mec/developer/v2/vmimages/action/get-list", tag = "vms", request_body = ListRequest,
    responses((status = 200, body = ImageList), (status = 400, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    body: crate::request_rules::JsonBody<ListRequest>,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.tenant_or_admin()?;
    let limit = body.query_ctrl.limit.unwrap_or(20);
    if !(0..=100).contains(&limit) || body.query_ctrl.offset < 0 {
        return Err(ApiError::new(
            ErrorCode::InvalidPaging,
            "queryCtrl.limit must be 0-100 and offset 0 or more",
        ));
    }
    let limit = if limit == 0 { 100 } else { limit };
    let name = body.name.clone();
    let visible = body
        .visible_type
        .clone()
        .filter(|v| !v.eq_ignore_ascii_case("all") && !v.is_empty());
    let user = body.user_id.clone().filter(|u| !u.is_empty());
    let offset = body.query_ctrl.offset;
    let st = state.clone();
    let list = state
        .offload(async move {
            let filter = query::ImageFilter {
                name: name.as_deref(),
                visible_type: visible.as_deref(),
                user_id: user.as_deref(),
            };
            let (image_list, total_count) =
                query::images::<VmImage>(&st.pool, viewer(&actor), filter, limit, offset).await?;
            Ok(ImageList {
                total_count,
                image_list,
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(list))
}
