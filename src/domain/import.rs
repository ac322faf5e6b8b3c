//! Bulk import: a batch of enterprises with their operating records, checked as a whole and then
//! stored in one transaction, so that a batch is either entirely in the registry or not at all.

use std::collections::HashSet;

use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::ToSchema;

use super::Violations;
use super::enterprise::{Enterprise, EnterpriseInput};
use super::records::{OperatingInput, OperatingRecord};

/// Enterprises one batch may hold.
pub const MAX_BATCH: usize = 500;

/// One enterprise of a batch and its operating records.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ImportItem {
    pub enterprise: EnterpriseInput,
    #[serde(default)]
    pub operating: Vec<OperatingInput>,
}

/// A batch to import.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "reason": "2026 Q3 register extract of the district bureau",
    "enterprises": [{
        "enterprise": {
            "code": "91330100799655058B", "name": "杭州西湖茶电子商务有限公司",
            "legal_representative": "张三", "registered_capital": 5000000.0,
            "established_on": "2015-06-01", "region_code": "330106", "industry": "retail",
            "business_models": ["b2c"], "platforms": [], "status": "active"
        },
        "operating": [{"period": "2026-09", "online_sales": 1250000.0, "orders": 18400, "source": "platform"}]
    }]
}))]
pub struct ImportInput {
    /// Where the batch comes from; kept in every enterprise's history.
    #[schema(example = "2026 Q3 register extract of the district bureau")]
    #[schema(min_length = 1, pattern = r"\S")]
    pub reason: String,
    /// 1 to 500 enterprises not registered yet.
    pub enterprises: Vec<ImportItem>,
}

/// A checked batch.
#[derive(Debug, Clone)]
pub struct ImportBatch {
    pub reason: String,
    pub items: Vec<(Enterprise, Vec<OperatingRecord>)>,
}

impl ImportInput {
    /// Every enterprise and record valid, no code twice, no overlapping periods per enterprise;
    /// every problem is named with its place in the batch.
    pub fn check(self, today: NaiveDate) -> Result<ImportBatch, Violations> {
        let mut v = Violations::new();
        let reason = v.text("reason", &self.reason, 1000);
        v.check(
            (1..=MAX_BATCH).contains(&self.enterprises.len()),
            "enterprises",
            format!("a batch holds 1 to {MAX_BATCH} enterprises"),
        );
        let mut codes = HashSet::new();
        let mut items = Vec::with_capacity(self.enterprises.len());
        for (i, item) in self.enterprises.into_iter().enumerate() {
            let enterprise = match item.enterprise.validate(today) {
                Ok(e) => Some(e),
                Err(errors) => {
                    for e in errors.0 {
                        v.add(
                            &format!("enterprises[{i}].enterprise.{}", e.field),
                            e.message,
                        );
                    }
                    None
                }
            };
            if let Some(e) = &enterprise
                && !codes.insert(e.code.to_string())
            {
                v.add(
                    &format!("enterprises[{i}].enterprise.code"),
                    format!("{} appears twice in the batch", e.code),
                );
            }
            let mut records: Vec<OperatingRecord> = Vec::new();
            for (j, input) in item.operating.into_iter().enumerate() {
                let field = |name: &str| format!("enterprises[{i}].operating[{j}].{name}");
                match input.validate(today) {
                    Ok(r) => {
                        if records
                            .iter()
                            .any(|o| r.period.overlaps(o.period.start, o.period.end))
                        {
                            v.add(
                                &field("period"),
                                "overlaps another period of this enterprise",
                            );
                        }
                        records.push(r);
                    }
                    Err(errors) => {
                        for e in errors.0 {
                            v.add(&field(&e.field), e.message);
                        }
                    }
                }
            }
            if let Some(e) = enterprise {
                items.push((e, records));
            }
        }
        v.into_result(ImportBatch { reason, items })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn item(code: &str, periods: &[&str]) -> serde_json::Value {
        json!({
            "enterprise": {
                "code": code, "name": "杭州测试电子商务有限公司", "legal_representative": "张三",
                "registered_capital": 1000000.0, "established_on": "2020-01-01", "region_code": "330106",
                "industry": "retail", "business_models": ["b2c"], "platforms": [], "status": "active"
            },
            "operating": periods.iter().map(|p| json!({"period": p, "online_sales": 1.0, "orders": 1})).collect::<Vec<_>>()
        })
    }

    fn check(items: Vec<serde_json::Value>) -> Result<ImportBatch, Violations> {
        let input: ImportInput =
            serde_json::from_value(json!({"reason": "register extract", "enterprises": items}))
                .unwrap();
        input.check(NaiveDate::from_ymd_opt(2026, 11, 22).unwrap())
    }

    #[test]
    fn a_clean_batch_passes_with_its_records() {
        let batch = check(vec![
            item("91330100799655058B", &["2026-08", "2026-09"]),
            item("9144030071526726XG", &[]),
        ])
        .unwrap();
        assert_eq!(batch.items.len(), 2);
        assert_eq!(batch.items[0].1.len(), 2);
    }

    #[test]
    fn every_problem_is_named_by_its_place_in_the_batch() {
        let mut bad_code = item("91330100799655058A", &[]);
        bad_code["enterprise"]["code"] = json!("91330100799655058A");
        let errors = check(vec![
            item("91330100799655058B", &["2026-09", "2026-Q3"]),
            item("91330100799655058B", &[]),
            bad_code,
        ])
        .unwrap_err();
        let fields: Vec<String> = errors.0.into_iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            [
                "enterprises[0].operating[1].period",
                "enterprises[1].enterprise.code",
                "enterprises[2].enterprise.code"
            ]
        );
        assert!(check(vec![]).is_err());
    }
}
