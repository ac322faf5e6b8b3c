//! An enterprise's basic record (DOMAIN.md, "Basic").

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::credit_code::CreditCode;
use super::identity::{check_phone, check_resident_id};
use super::region::check_region_code;
use super::validation::Violations;

crate::text_enum! {
    /// Registration status.
    pub enum EnterpriseStatus {
        Active = "active",
        /// Listed for abnormal operation (经营异常).
        Abnormal = "abnormal",
        Deregistered = "deregistered",
    }
}

crate::text_enum! {
    /// How the enterprise trades online.
    pub enum BusinessModel {
        B2b = "b2b",
        B2c = "b2c",
        C2c = "c2c",
        CrossBorder = "cross_border",
        LiveStreaming = "live_streaming",
        Social = "social",
        Rural = "rural",
        O2o = "o2o",
        Other = "other",
    }
}

/// A shop the enterprise runs on a platform.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlatformShop {
    /// The platform, e.g. Tmall, JD, Douyin, Pinduoduo, Amazon.
    #[schema(example = "Tmall")]
    #[schema(min_length = 1, pattern = r"\S")]
    pub platform: String,
    #[schema(example = "西湖茶旗舰店")]
    #[schema(min_length = 1, pattern = r"\S")]
    pub shop_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = "https://xihutea.tmall.com")]
    pub shop_url: Option<String>,
}

/// What a regulator sends to register an enterprise.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "code": "91330100799655058B",
    "name": "杭州西湖茶电子商务有限公司",
    "legal_representative": "张三",
    "legal_rep_id_number": "11010519491231002X",
    "legal_rep_phone": "13812345678",
    "registered_capital": 5000000.0,
    "established_on": "2015-06-01",
    "region_code": "330106",
    "industry": "retail",
    "business_models": ["b2c", "live_streaming"],
    "platforms": [{"platform": "Tmall", "shop_name": "西湖茶旗舰店", "shop_url": "https://xihutea.tmall.com"}],
    "status": "active"
}))]
pub struct EnterpriseInput {
    /// Unified social credit code (GB 32100-2015).
    #[schema(pattern = r"^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$")]
    pub code: String,
    #[schema(min_length = 1, pattern = r"\S")]
    pub name: String,
    #[schema(min_length = 1, pattern = r"\S")]
    pub legal_representative: String,
    /// Resident identity number of the legal representative (personal data: masked in output).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legal_rep_id_number: Option<String>,
    /// Phone of the legal representative (personal data: masked in output).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legal_rep_phone: Option<String>,
    /// Registered capital in yuan.
    #[schema(minimum = 0, maximum = 10000000000000.0)]
    pub registered_capital: f64,
    pub established_on: NaiveDate,
    /// GB/T 2260 region code.
    #[schema(pattern = r"^[0-9]{6}$")]
    pub region_code: String,
    #[schema(min_length = 1, pattern = r"\S")]
    pub industry: String,
    #[serde(default)]
    pub business_models: Vec<BusinessModel>,
    #[serde(default)]
    pub platforms: Vec<PlatformShop>,
    #[serde(default = "default_status")]
    pub status: EnterpriseStatus,
}

fn default_status() -> EnterpriseStatus {
    EnterpriseStatus::Active
}

/// Fields a correction may change; the credit code never changes. Send only what changes; an
/// empty string clears an optional text.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"status": "abnormal", "reason": "listed for abnormal operation by the district bureau"}))]
pub struct EnterprisePatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legal_representative: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legal_rep_id_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legal_rep_phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 0, maximum = 10000000000000.0)]
    pub registered_capital: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub established_on: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(pattern = r"^[0-9]{6}$")]
    pub region_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub industry: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub business_models: Option<Vec<BusinessModel>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platforms: Option<Vec<PlatformShop>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<EnterpriseStatus>,
    /// Why the record is corrected; kept in the history.
    #[serde(
        default,
        skip_serializing_if = "crate::domain::patch::reason_goes_to_history"
    )]
    pub reason: Option<String>,
}

/// A validated basic record.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Enterprise {
    pub code: CreditCode,
    pub name: String,
    pub legal_representative: String,
    pub legal_rep_id_number: Option<String>,
    pub legal_rep_phone: Option<String>,
    pub registered_capital: f64,
    pub established_on: NaiveDate,
    pub region_code: String,
    pub industry: String,
    pub business_models: Vec<BusinessModel>,
    pub platforms: Vec<PlatformShop>,
    pub status: EnterpriseStatus,
}

/// The earliest date accepted for historical facts (founding, decisions, periods).
pub fn earliest_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(1949, 10, 1).expect("valid date")
}

pub fn check_past_date(v: &mut Violations, field: &str, date: NaiveDate, today: NaiveDate) {
    v.check(
        date >= earliest_date(),
        field,
        "must not be before 1949-10-01",
    );
    v.check(date <= today, field, "must not be in the future");
}

impl EnterpriseInput {
    pub fn validate(self, today: NaiveDate) -> Result<Enterprise, Violations> {
        let mut v = Violations::new();
        let code = match CreditCode::parse(&self.code) {
            Ok(code) => Some(code),
            Err(e) => {
                v.add("code", e.to_string());
                None
            }
        };
        let name = v.text("name", &self.name, 200);
        let legal_representative = v.text("legal_representative", &self.legal_representative, 100);
        let legal_rep_id_number = v
            .optional_text(
                "legal_rep_id_number",
                self.legal_rep_id_number.as_deref(),
                18,
            )
            .map(|id| id.to_ascii_uppercase());
        if let Some(id) = &legal_rep_id_number
            && let Err(e) = check_resident_id(id)
        {
            v.add("legal_rep_id_number", e);
        }
        let legal_rep_phone =
            v.optional_text("legal_rep_phone", self.legal_rep_phone.as_deref(), 30);
        if let Some(phone) = &legal_rep_phone
            && let Err(e) = check_phone(phone)
        {
            v.add("legal_rep_phone", e);
        }
        v.yuan("registered_capital", Some(self.registered_capital));
        check_past_date(&mut v, "established_on", self.established_on, today);
        let region_code = self.region_code.trim().to_string();
        if let Err(e) = check_region_code(&region_code) {
            v.add("region_code", e);
        }
        let industry = v.text("industry", &self.industry, 100);
        let mut business_models = self.business_models;
        business_models.sort();
        business_models.dedup();
        v.check(self.platforms.len() <= 50, "platforms", "at most 50 shops");
        let mut platforms = Vec::with_capacity(self.platforms.len());
        for (i, shop) in self.platforms.into_iter().enumerate() {
            platforms.push(PlatformShop {
                platform: v.text(&format!("platforms[{i}].platform"), &shop.platform, 100),
                shop_name: v.text(&format!("platforms[{i}].shop_name"), &shop.shop_name, 200),
                shop_url: v.url(
                    &format!("platforms[{i}].shop_url"),
                    shop.shop_url.as_deref(),
                ),
            });
        }
        let enterprise = code.map(|code| Enterprise {
            code,
            name,
            legal_representative,
            legal_rep_id_number,
            legal_rep_phone,
            registered_capital: self.registered_capital,
            established_on: self.established_on,
            region_code,
            industry,
            business_models,
            platforms,
            status: self.status,
        });
        match enterprise {
            Some(e) if v.is_empty() => Ok(e),
            _ => Err(v),
        }
    }
}

impl Enterprise {
    pub fn to_input(&self) -> EnterpriseInput {
        EnterpriseInput {
            code: self.code.to_string(),
            name: self.name.clone(),
            legal_representative: self.legal_representative.clone(),
            legal_rep_id_number: self.legal_rep_id_number.clone(),
            legal_rep_phone: self.legal_rep_phone.clone(),
            registered_capital: self.registered_capital,
            established_on: self.established_on,
            region_code: self.region_code.clone(),
            industry: self.industry.clone(),
            business_models: self.business_models.clone(),
            platforms: self.platforms.clone(),
            status: self.status,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> EnterpriseInput {
        EnterpriseInput {
            code: "91330100799655058B".into(),
            name: "杭州西湖茶电子商务有限公司".into(),
            legal_representative: "张三".into(),
            legal_rep_id_number: Some("11010519491231002x".into()),
            legal_rep_phone: None,
            registered_capital: 1e6,
            established_on: NaiveDate::from_ymd_opt(2015, 6, 1).unwrap(),
            region_code: "330106".into(),
            industry: "retail".into(),
            business_models: vec![BusinessModel::B2c, BusinessModel::B2b, BusinessModel::B2c],
            platforms: vec![],
            status: EnterpriseStatus::Active,
        }
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
    }

    #[test]
    fn valid_input_is_normalised() {
        let e = input().validate(today()).unwrap();
        assert_eq!(
            e.business_models,
            vec![BusinessModel::B2b, BusinessModel::B2c]
        );
        assert_eq!(e.legal_rep_id_number.as_deref(), Some("11010519491231002X"));
    }

    #[test]
    fn every_bad_field_is_named() {
        let mut bad = input();
        bad.code = "91330100799655058C".into();
        bad.name = " ".into();
        bad.registered_capital = -1.0;
        bad.established_on = NaiveDate::from_ymd_opt(2030, 1, 1).unwrap();
        bad.region_code = "33010".into();
        bad.platforms = vec![PlatformShop {
            platform: "Tmall".into(),
            shop_name: "x".into(),
            shop_url: Some("javascript:alert(1)".into()),
        }];
        let fields: Vec<String> = bad
            .validate(today())
            .unwrap_err()
            .0
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(
            fields,
            [
                "code",
                "name",
                "registered_capital",
                "established_on",
                "region_code",
                "platforms[0].shop_url"
            ]
        );
    }
}
