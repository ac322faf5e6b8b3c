//! The generative process for one enterprise (see the module comment of `demo` for the model).

use chrono::{Datelike, Duration, Months, NaiveDate, NaiveDateTime};

use super::catalog::{self, INDUSTRIES, Industry};
use super::graph::{self, GROUP_CORRELATION, Group};
use super::names;
use super::places::{self, DISTRICTS, District};
use super::rng::{self, Purpose, Rng};
use super::{GeneratedEnterprise, Population};
use crate::domain::credit_code::check_character;
use crate::domain::enterprise::{BusinessModel, EnterpriseInput, EnterpriseStatus, PlatformShop};
use crate::domain::records::{
    AssociationInput, AssociationKind, CreditEvent, CreditEventInput, CreditEventKind,
    CreditEventStatus, DataSource, OperatingInput, SentimentInput, SentimentSourceKind, Severity,
};

/// Months of latent history simulated before the as-of month: events reach this far back.
pub const HISTORY_MONTHS: u32 = 96;
/// Months of operating records, ending with the month before the as-of date.
pub const RECORD_MONTHS: u32 = 36;
/// Persistence of the monthly risk deviation (AR(1) coefficient).
const RISK_PERSISTENCE: f64 = 0.92;
/// Weight of the moving deviation in the monthly risk: z_t = √(1-s²)·z + s·u_t.
const RISK_DRIFT: f64 = 0.45;
/// Serious negative events per month: exp(SERIOUS_BASE + SERIOUS_SLOPE_TENTHS / 10 · z_t).
const SERIOUS_BASE: f64 = -6.3;
const SERIOUS_SLOPE_TENTHS: i32 = 14;
/// Enough for any firm: document numbers reserve this many per enterprise.
const MAX_EVENTS: u64 = 64;
/// Online-sales seasonality, January to December: the Spring Festival dip, 618, Double 11.
const SEASON: [f64; 12] = [
    0.95, 0.75, 0.95, 0.95, 1.0, 1.15, 0.95, 0.95, 1.0, 1.05, 1.45, 1.15,
];

/// What other enterprises need to know about an enterprise (the related party of a link), drawn
/// from its own identity stream.
pub struct Identity {
    pub district: &'static District,
    pub industry: &'static Industry,
    pub code: String,
    pub brand: String,
    pub name: String,
    pub legal_representative: String,
    /// The firm's own standard-normal risk shock.
    shock: f64,
    /// Uniform draw behind its age.
    age_draw: f64,
}

impl Identity {
    pub fn of(seed: u64, index: u64) -> Identity {
        let mut r = rng::stream(seed, Purpose::Identity, index);
        let district = &DISTRICTS[rng::weighted(&mut r, places::weights())];
        let industry = &INDUSTRIES[rng::weighted(&mut r, catalog::industry_weights())];
        let brand = names::brand(&mut r);
        let word = rng::pick(&mut r, industry.words);
        let name = names::company(&mut r, places::name_prefix(district), &brand, word);
        let legal_representative = names::person(&mut r);
        Identity {
            district,
            industry,
            code: credit_code(index, district.code),
            brand,
            name,
            legal_representative,
            shock: rng::normal(&mut r),
            age_draw: rng::uniform(&mut r),
        }
    }

    /// The latent risk: the own shock, mixed with the group factor for group members.
    fn risk(&self, group: Option<&Group>) -> f64 {
        match group {
            Some(g) => {
                GROUP_CORRELATION.sqrt() * g.factor + (1.0 - GROUP_CORRELATION).sqrt() * self.shock
            }
            None => self.shock,
        }
    }

    /// Older firms are safer: age is 3.1 years plus an exponential whose mean falls with risk.
    fn established(&self, risk: f64, as_of: NaiveDate) -> NaiveDate {
        let mean = 6.0 * (-0.2 * risk).exp();
        let years = 3.1 + (-mean * (1.0 - self.age_draw).ln()).min(27.0);
        as_of - Duration::days((years * 365.25) as i64)
    }
}

/// A unified social credit code: registration authority 9 (market regulation), type 1
/// (enterprise), the region, an organisation code (GB 11714: eight digits and a mod-11 check)
/// and the GB 32100 check character. The organisation digits are the index plus a constant,
/// modulo 10^8: unique for every index below 10^8, and increasing with it, as organisation codes
/// were issued in sequence. (Increasing codes also keep the database's inserts into its
/// code-led indexes local, which makes bulk loading several times cheaper.)
pub fn credit_code(index: u64, region: &str) -> String {
    const OFFSET: u64 = 31_415_926;
    let body = (index % 100_000_000 + OFFSET) % 100_000_000;
    let digits = format!("{body:08}");
    const WEIGHTS: [u64; 8] = [3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u64 = digits
        .bytes()
        .zip(WEIGHTS)
        .map(|(b, w)| u64::from(b - b'0') * w)
        .sum();
    let org_check = match 11 - sum % 11 {
        10 => 'X',
        11 => '0',
        c => char::from(b'0' + c as u8),
    };
    let first17 = format!("91{region}{digits}{org_check}");
    let check = check_character(first17.as_bytes()).expect("digits and X are in the alphabet");
    format!("{first17}{check}")
}

/// Calendar helpers for month `m` of the simulated history (month `HISTORY_MONTHS` is the as-of
/// month, cut off before the as-of date).
pub struct Calendar {
    as_of: NaiveDate,
    /// First days of months 0 ..= HISTORY_MONTHS + 1 (month arithmetic is slow in chrono).
    starts: Vec<NaiveDate>,
}

impl Calendar {
    pub fn new(as_of: NaiveDate) -> Calendar {
        let first = as_of.with_day(1).expect("day 1 exists") - Months::new(HISTORY_MONTHS);
        Calendar {
            as_of,
            starts: (0..=HISTORY_MONTHS + 1)
                .map(|m| first + Months::new(m))
                .collect(),
        }
    }

    fn start(&self, m: u32) -> NaiveDate {
        self.starts[m as usize]
    }

    /// The last day of month `m` that lies before the as-of date.
    fn last_day(&self, m: u32) -> NaiveDate {
        let end = self.start(m + 1) - Duration::days(1);
        end.min(self.as_of - Duration::days(1))
    }

    /// A uniform day of month `m`, not before `not_before` and before the as-of date.
    fn day_in(&self, r: &mut Rng, m: u32, not_before: NaiveDate) -> Option<NaiveDate> {
        let from = self.start(m).max(not_before);
        let to = self.last_day(m);
        if from > to {
            return None;
        }
        let span = (to - from).num_days() as u64 + 1;
        Some(from + Duration::days(rng::below(r, span) as i64))
    }
}

pub fn generate(population: &Population, cal: &Calendar, index: u64) -> GeneratedEnterprise {
    let seed = population.seed;
    let as_of = population.as_of;
    let id = Identity::of(seed, index);
    let group = graph::group_of(seed, index, &population.range);
    let z = id.risk(group.as_ref());
    let established = id.established(z, as_of);
    let mut r = rng::stream(seed, Purpose::Life, index);

    // Basic record.
    let capital = (rng::lognormal(&mut r, (2.0e6f64).ln() - 0.25 * z, 1.3) / 1e4)
        .round()
        .max(1.0)
        * 1e4;
    let model_weights = catalog::model_weights(id.industry, id.district.rural);
    let weights: Vec<f64> = model_weights.iter().map(|(_, w)| *w).collect();
    let main_model = model_weights[rng::weighted(&mut r, &weights)].0;
    let mut models = vec![main_model];
    for (model, _) in model_weights {
        if model != main_model && rng::chance(&mut r, 0.08) {
            models.push(model);
        }
    }
    let cross_border = models.contains(&BusinessModel::CrossBorder);
    let platforms = shops(&mut r, &id, &models);
    let legal_representative = match &group {
        // A same-legal-representative link means the member is run by the hub's representative.
        Some(g)
            if g.links.iter().any(|l| {
                l.owner == index && l.kind == AssociationKind::SameLegalRepresentative
            }) && g.hub != index =>
        {
            Identity::of(seed, g.hub).legal_representative
        }
        _ => id.legal_representative.clone(),
    };

    // The monthly risk path z_t over the simulated history.
    let mut path = Vec::with_capacity(HISTORY_MONTHS as usize + 1);
    let mut u = rng::normal(&mut r);
    for _ in 0..=HISTORY_MONTHS {
        path.push((1.0 - RISK_DRIFT * RISK_DRIFT).sqrt() * z + RISK_DRIFT * u);
        u = RISK_PERSISTENCE * u
            + (1.0 - RISK_PERSISTENCE * RISK_PERSISTENCE).sqrt() * rng::normal(&mut r);
    }

    let mut events = EventBook::new(index, &id, established);
    let operating = operating_records(
        &mut r,
        cal,
        &id,
        &path,
        z,
        capital,
        main_model,
        cross_border,
        &mut events,
    );
    simulate_events(&mut r, cal, &path, cross_border, &mut events);
    let sentiment = sentiment_items(&mut r, cal, &id, &path, &events.serious_news, index);
    let events = events.finish(&mut r, as_of);

    let recent_abnormal = events.iter().any(|e| {
        e.kind == CreditEventKind::AbnormalOperation
            && e.status == CreditEventStatus::Active
            && e.decided_on >= as_of - Months::new(24)
    });
    let recent_serious = events
        .iter()
        .any(|e| e.severity == Severity::Serious && e.decided_on >= as_of - Months::new(12));
    let status = if recent_abnormal || (recent_serious && rng::chance(&mut r, 0.4)) {
        EnterpriseStatus::Abnormal
    } else {
        EnterpriseStatus::Active
    };

    let enterprise = EnterpriseInput {
        code: id.code.clone(),
        name: id.name.clone(),
        legal_representative,
        // Identity numbers and phones are left out: generated ones could belong to real people.
        legal_rep_id_number: None,
        legal_rep_phone: None,
        registered_capital: capital,
        established_on: established,
        region_code: id.district.code.to_string(),
        industry: id.industry.name.to_string(),
        business_models: models,
        platforms,
        status,
    }
    .validate(as_of)
    .unwrap_or_else(|v| panic!("generated enterprise {index} is invalid: {v}"));

    let associations = associations(
        &mut r,
        seed,
        index,
        &id,
        established,
        capital,
        group.as_ref(),
        as_of,
    );

    GeneratedEnterprise {
        index,
        risk: z,
        enterprise,
        operating,
        events,
        sentiment,
        associations,
    }
}

fn shops(r: &mut Rng, id: &Identity, models: &[BusinessModel]) -> Vec<PlatformShop> {
    let main = models[0];
    let mut pool: Vec<(&str, &str)> = match main {
        BusinessModel::B2b => catalog::WHOLESALE.to_vec(),
        BusinessModel::CrossBorder => catalog::CROSS_BORDER.to_vec(),
        BusinessModel::LiveStreaming => catalog::LIVE.to_vec(),
        _ => catalog::DOMESTIC.to_vec(),
    };
    if models.contains(&BusinessModel::CrossBorder) && main != BusinessModel::CrossBorder {
        pool.extend_from_slice(&catalog::CROSS_BORDER[..2]);
    }
    if main != BusinessModel::B2b {
        pool.extend_from_slice(catalog::DOMESTIC);
    }
    let wanted = (1 + rng::poisson(r, 0.7)).min(5) as usize;
    let mut shops: Vec<PlatformShop> = Vec::with_capacity(wanted);
    for _ in 0..wanted * 3 {
        if shops.len() == wanted {
            break;
        }
        let (platform, slug) = *rng::pick(r, &pool);
        if shops.iter().any(|s| s.platform == platform) {
            continue;
        }
        let suffix = if catalog::CROSS_BORDER.iter().any(|(p, _)| *p == platform) {
            "海外旗舰店"
        } else {
            rng::pick(r, catalog::SHOP_SUFFIXES)
        };
        shops.push(PlatformShop {
            platform: platform.to_string(),
            shop_name: format!("{}{suffix}", id.brand),
            shop_url: rng::chance(r, 0.75).then(|| {
                format!(
                    "https://{slug}.example.com/shop/{}",
                    id.code.to_ascii_lowercase()
                )
            }),
        });
    }
    shops
}

/// The credit events of one enterprise as they are drawn, with unique document numbers.
struct EventBook<'a> {
    index: u64,
    id: &'a Identity,
    established: NaiveDate,
    inputs: Vec<CreditEventInput>,
    /// Serious events that make the news: (date, kind).
    serious_news: Vec<(NaiveDate, CreditEventKind)>,
}

impl<'a> EventBook<'a> {
    fn new(index: u64, id: &'a Identity, established: NaiveDate) -> Self {
        EventBook {
            index,
            id,
            established,
            inputs: Vec::new(),
            serious_news: Vec::new(),
        }
    }

    /// A document number unique across the population: each enterprise owns a block of
    /// `MAX_EVENTS` sequence numbers.
    fn sequence(&self) -> Option<u64> {
        let ordinal = self.inputs.len() as u64;
        (ordinal < MAX_EVENTS).then(|| self.index * MAX_EVENTS + ordinal + 1)
    }

    fn add(&mut self, r: &mut Rng, kind: CreditEventKind, severity: Severity, on: NaiveDate) {
        let Some(seq) = self.sequence() else {
            return;
        };
        let d = self.id.district;
        let y = on.year();
        let fine = |r: &mut Rng, low: f64, high: f64| {
            ((rng::uniform_in(r, low, high) / 1000.0).round() * 1000.0) as i64
        };
        use CreditEventKind::*;
        use Severity::*;
        let (title, description, authority, document, publicity): (
            String,
            String,
            String,
            Option<String>,
            Months,
        ) = match (kind, severity) {
            (AdministrativePenalty, Minor) => {
                let title = *rng::pick(
                    r,
                    &[
                        "未按规定明码标价行政处罚",
                        "未在网店首页公示营业执照信息行政处罚",
                        "违反网络交易管理规定行政处罚",
                        "销售不符合标准商品行政处罚",
                    ],
                );
                (
                    title.into(),
                    format!("{title}：罚款人民币{}元。", fine(r, 5e3, 5e4)),
                    d.market_authority(),
                    Some(format!("{}市监处罚〔{y}〕{seq}号", d.abbr)),
                    Months::new(6),
                )
            }
            (AdministrativePenalty, Major) => {
                let title = *rng::pick(
                    r,
                    &[
                        "虚假宣传行政处罚",
                        "刷单炒信行政处罚",
                        "侵犯注册商标专用权行政处罚",
                        "销售不合格产品行政处罚",
                    ],
                );
                (
                    title.into(),
                    format!("{title}：罚款人民币{}元，没收违法所得。", fine(r, 5e4, 5e5)),
                    d.market_authority(),
                    Some(format!("{}市监处罚〔{y}〕{seq}号", d.abbr)),
                    Months::new(12),
                )
            }
            (AdministrativePenalty, Serious) => {
                let title = *rng::pick(
                    r,
                    &[
                        "销售假冒伪劣商品重大行政处罚",
                        "严重虚假宣传重大行政处罚",
                        "危害消费者生命健康重大行政处罚",
                    ],
                );
                (
                    title.into(),
                    format!(
                        "情节严重，罚款人民币{}元，没收违法所得，责令停业整顿。",
                        fine(r, 5e5, 5e6)
                    ),
                    d.market_authority(),
                    Some(format!("{}市监处罚〔{y}〕{seq}号", d.abbr)),
                    Months::new(36),
                )
            }
            (DishonestJudgmentDebtor, _) => (
                "列入失信被执行人名单".into(),
                "有履行能力而拒不履行生效法律文书确定的给付义务。".into(),
                d.court(),
                Some(format!(
                    "（{y}）{}{}执{seq}号",
                    d.city.province_abbr,
                    &d.code[2..6]
                )),
                Months::new(24),
            ),
            (TaxViolation, Serious) => (
                "重大税收违法失信案件".into(),
                format!(
                    "偷税{}元，列入重大税收违法失信主体名单。",
                    fine(r, 1e6, 1e7)
                ),
                d.tax_authority(),
                Some(format!("{}税稽罚〔{y}〕{seq}号", d.abbr)),
                Months::new(36),
            ),
            (TaxViolation, _) => (
                "未按期申报纳税行政处罚".into(),
                format!(
                    "未按规定期限办理纳税申报，罚款人民币{}元。",
                    fine(r, 2e3, 1e4)
                ),
                d.tax_authority(),
                Some(format!("{}税罚〔{y}〕{seq}号", d.abbr)),
                Months::new(12),
            ),
            (CustomsViolation, _) => {
                let title = *rng::pick(r, &["申报不实行政处罚", "跨境电商零售进口违规行政处罚"]);
                let customs = d.city.customs;
                (
                    title.into(),
                    format!("{title}：罚款人民币{}元。", fine(r, 1e4, 2e5)),
                    customs.to_string(),
                    Some(format!(
                        "{}关缉违字〔{y}〕{seq}号",
                        customs.trim_end_matches("海关")
                    )),
                    Months::new(12),
                )
            }
            (AbnormalOperation, _) => {
                let title = *rng::pick(
                    r,
                    &[
                        "列入经营异常名录：未按规定报送年度报告",
                        "列入经营异常名录：通过登记的住所无法联系",
                    ],
                );
                (
                    title.into(),
                    "依据《企业经营异常名录管理办法》列入经营异常名录。".into(),
                    d.market_authority(),
                    Some(format!("{}市监异〔{y}〕{seq}号", d.abbr)),
                    Months::new(36),
                )
            }
            (QualityCheckFailed, _) => (
                "产品质量监督抽查不合格".into(),
                "网络交易商品质量监督抽查中，所售产品不合格。".into(),
                d.market_authority(),
                Some(format!("{}市监抽〔{y}〕{seq}号", d.abbr)),
                Months::new(6),
            ),
            (BrokenCommitment, _) => (
                "违反信用承诺".into(),
                "未按承诺期限补齐申报材料。".into(),
                d.city.credit_office.into(),
                None,
                Months::new(12),
            ),
            (Honour, _) => {
                let title = match rng::below(r, 3) {
                    0 => format!("{y}年度守合同重信用企业"),
                    1 => format!(
                        "{}消费者满意单位",
                        d.city.name_prefix.trim_end_matches('市')
                    ),
                    _ => "放心消费示范网店".into(),
                };
                (
                    title,
                    "经评审，授予荣誉称号。".into(),
                    d.market_authority(),
                    Some(format!("{}市监字〔{y}〕{seq}号", d.abbr)),
                    Months::new(36),
                )
            }
            (DemonstrationEnterprise, _) => (
                format!(
                    "{y}年度{}电子商务示范企业",
                    d.city.name_prefix.trim_end_matches('市')
                ),
                "认定为电子商务示范企业。".into(),
                d.city.commerce.into(),
                Some(format!("{}商务〔{y}〕{seq}号", d.abbr)),
                Months::new(36),
            ),
            (CommitmentKept, _) => (
                "信用承诺履约良好".into(),
                "按期兑现信用承诺。".into(),
                d.city.credit_office.into(),
                None,
                Months::new(36),
            ),
            (OtherNegative | OtherPositive, _) => return,
        };
        if severity == Serious {
            self.serious_news.push((on, kind));
        }
        self.inputs.push(CreditEventInput {
            kind,
            severity,
            title,
            description: Some(description),
            authority,
            document_number: document,
            decided_on: on,
            publicity_until: Some(on + publicity),
            status: CreditEventStatus::Active,
            source: DataSource::Department,
        });
    }

    /// Sets statuses (a few repaired, revoked, disputed) and validates every event.
    fn finish(self, r: &mut Rng, as_of: NaiveDate) -> Vec<CreditEvent> {
        let mut inputs = self.inputs;
        inputs.sort_by_key(|e| e.decided_on);
        inputs
            .into_iter()
            .map(|mut e| {
                if e.kind.polarity() == crate::domain::records::Polarity::Negative {
                    let age = (as_of - e.decided_on).num_days();
                    let u = rng::uniform(r);
                    e.status = if age > 180 && u < 0.06 {
                        CreditEventStatus::Repaired
                    } else if age > 180 && u < 0.075 {
                        CreditEventStatus::Revoked
                    } else if age < 60 && u < 0.05 {
                        CreditEventStatus::Disputed
                    } else {
                        CreditEventStatus::Active
                    };
                }
                e.validate(as_of)
                    .unwrap_or_else(|v| panic!("generated credit event is invalid: {v}"))
            })
            .collect()
    }
}

/// 36 monthly records ending the month before the as-of date; quality checks are also simulated
/// before that window (they leave events, not records).
#[allow(clippy::too_many_arguments)]
fn operating_records(
    r: &mut Rng,
    cal: &Calendar,
    id: &Identity,
    path: &[f64],
    z: f64,
    capital: f64,
    main_model: BusinessModel,
    cross_border: bool,
    events: &mut EventBook<'_>,
) -> Vec<crate::domain::records::OperatingRecord> {
    let (order_factor, sales_shift) = catalog::model_factors(main_model);
    let base_sales = rng::lognormal(
        r,
        (2.5e5f64).ln() + 0.35 * (capital / 2e6).ln() + sales_shift,
        1.1,
    );
    let growth = 0.10 - 0.08 * z + 0.12 * rng::normal(r);
    let amplitude = rng::uniform_in(r, 0.4, 1.3);
    let noise = 0.12 + 0.04 * z.max(0.0);
    let order_value = id.industry.order_value * order_factor * rng::lognormal(r, 0.0, 0.3);
    let staff = (rng::lognormal(r, (8.0f64).ln() + 0.45 * (base_sales / 2.5e5).ln(), 0.6))
        .round()
        .max(1.0);
    let tax_rate = rng::uniform_in(r, 0.01, 0.04);
    let export_share = rng::uniform_in(r, 0.4, 0.95);
    let source = [
        DataSource::Platform,
        DataSource::Survey,
        DataSource::Department,
    ][rng::weighted(r, &[0.7, 0.2, 0.1])];
    let refund_base = rng::logit(id.industry.refund_rate);
    let first_record = HISTORY_MONTHS - RECORD_MONTHS;
    let mut records = Vec::with_capacity(RECORD_MONTHS as usize);
    let established_month = events.established.with_day(1).expect("day 1 exists");

    for m in 0..HISTORY_MONTHS {
        let start = cal.start(m);
        if start < established_month {
            continue;
        }
        let zt = path[m as usize];
        // Quality spot checks: failures are likelier for risky firms and may become an event.
        let (checks, failed) = if rng::chance(r, id.industry.spot_check) {
            let made = 1 + rng::poisson(r, 0.4);
            (made, rng::binomial(r, made, rng::sigmoid(-3.2 + 0.9 * zt)))
        } else {
            (0, 0)
        };
        if failed > 0 && rng::chance(r, 0.6) {
            let severity = if failed >= 2 || (zt > 1.5 && rng::chance(r, 0.3)) {
                Severity::Major
            } else {
                Severity::Minor
            };
            if let Some(on) = cal.day_in(r, m + 1, events.established) {
                events.add(r, CreditEventKind::QualityCheckFailed, severity, on);
            }
        }
        if m < first_record {
            continue;
        }
        let k = f64::from(m - first_record);
        let season = 1.0 + amplitude * (SEASON[start.month0() as usize] - 1.0);
        let sales = base_sales
            * (growth * k / 12.0).exp()
            * season
            * (noise * rng::normal(r) - noise * noise / 2.0).exp()
            * (-0.12 * (zt - z)).exp();
        let sales = rng::round_to(sales, 2);
        let orders =
            ((sales / (order_value * (0.05 * rng::normal(r)).exp())).round() as i64).max(1);
        let complaint_rate = 0.0006 * (0.7 * zt + 0.3 * rng::normal(r)).exp();
        let input = OperatingInput {
            period: format!("{}-{:02}", start.year(), start.month()),
            online_sales: sales,
            orders,
            refund_rate: Some(rng::round_to(
                rng::sigmoid(refund_base + 0.45 * zt + 0.2 * rng::normal(r)),
                4,
            )),
            complaints: Some(rng::poisson(r, orders as f64 * complaint_rate)),
            on_time_delivery_rate: Some(rng::round_to(
                rng::sigmoid(3.2 - 0.5 * zt + 0.25 * rng::normal(r)),
                4,
            )),
            positive_review_rate: Some(rng::round_to(
                rng::sigmoid(3.0 - 0.45 * zt + 0.25 * rng::normal(r)),
                4,
            )),
            employees: Some(
                (staff * (0.5 * growth * k / 12.0 + 0.02 * rng::normal(r)).exp())
                    .round()
                    .max(1.0) as i64,
            ),
            tax_paid: Some(rng::round_to(
                (sales * tax_rate * (-0.3 * zt).exp() * (1.0 + 0.1 * rng::normal(r))).max(0.0),
                2,
            )),
            cross_border_trade: cross_border.then(|| {
                rng::round_to(
                    (sales * export_share * (1.0 + 0.05 * rng::normal(r))).clamp(0.0, sales),
                    2,
                )
            }),
            quality_checks: Some(checks),
            quality_checks_failed: Some(failed),
            source,
        };
        records.push(
            input
                .validate(cal.as_of)
                .unwrap_or_else(|v| panic!("generated operating record is invalid: {v}")),
        );
    }
    records
}

/// Penalties, listings and honours month by month, with hazards driven by the monthly risk.
fn simulate_events(
    r: &mut Rng,
    cal: &Calendar,
    path: &[f64],
    cross_border: bool,
    events: &mut EventBook<'_>,
) {
    use CreditEventKind::*;
    for m in 0..=HISTORY_MONTHS {
        let zt = path[m as usize];
        let established = events.established;
        if cal.last_day(m) < established {
            continue;
        }
        // e^(k·z_t) as powers of e^(0.1·z_t): one exponential a month instead of four.
        let e = (0.1 * zt).exp();
        let happens = rng::happens;
        if happens(r, 0.0035 * e.powi(6)) {
            let kind = [
                AdministrativePenalty,
                AbnormalOperation,
                BrokenCommitment,
                CustomsViolation,
            ][rng::weighted(r, &[0.6, 0.2, 0.1, if cross_border { 0.1 } else { 0.0 }])];
            if let Some(on) = cal.day_in(r, m, established) {
                events.add(r, kind, Severity::Minor, on);
            }
        }
        if happens(r, 0.0012 * e.powi(9)) {
            let kind = [AdministrativePenalty, TaxViolation, CustomsViolation]
                [rng::weighted(r, &[0.6, 0.25, if cross_border { 0.15 } else { 0.0 }])];
            if let Some(on) = cal.day_in(r, m, established) {
                events.add(r, kind, Severity::Major, on);
            }
        }
        if happens(r, SERIOUS_BASE.exp() * e.powi(SERIOUS_SLOPE_TENTHS)) {
            let kind = [DishonestJudgmentDebtor, AdministrativePenalty, TaxViolation]
                [rng::weighted(r, &[0.5, 0.35, 0.15])];
            if let Some(on) = cal.day_in(r, m, established) {
                events.add(r, kind, Severity::Serious, on);
            }
        }
        if happens(r, 0.003 * e.powi(-7)) {
            let kind = [Honour, DemonstrationEnterprise, CommitmentKept]
                [rng::weighted(r, &[0.45, 0.2, 0.35])];
            if let Some(on) = cal.day_in(r, m, established) {
                events.add(r, kind, Severity::Minor, on);
            }
        }
    }
}

/// News, social posts, reviews and complaints over the record window, with polarity following
/// -z_t; a serious event usually makes the news within three weeks.
fn sentiment_items(
    r: &mut Rng,
    cal: &Calendar,
    id: &Identity,
    path: &[f64],
    serious: &[(NaiveDate, CreditEventKind)],
    index: u64,
) -> Vec<crate::domain::records::SentimentRecord> {
    use SentimentSourceKind::*;
    let now = cal.as_of.and_hms_opt(0, 0, 0).expect("midnight exists");
    let place = id.district.city.name_prefix.trim_end_matches('市');
    let exposure = rng::lognormal(r, 0.0, 0.5);
    let mut items = Vec::new();
    let mut push = |r: &mut Rng,
                    kind: SentimentSourceKind,
                    at: NaiveDateTime,
                    t: &names::Template,
                    polarity: f64| {
        let n = items.len();
        let (outlet, url) = match kind {
            News => (
                rng::pick(r, names::NEWS_OUTLETS),
                format!(
                    "https://news.example.cn/{}/{index}-{n}.html",
                    at.format("%Y/%m/%d")
                ),
            ),
            Social => (
                rng::pick(r, names::SOCIAL_PLATFORMS),
                format!("https://social.example.cn/p/{index}-{n}"),
            ),
            Review => (
                rng::pick(r, names::REVIEW_SITES),
                format!("https://reviews.example.cn/{index}/{n}"),
            ),
            Complaint => (
                rng::pick(r, names::COMPLAINT_SITES),
                format!("https://complaints.example.cn/case/{index}-{n}"),
            ),
        };
        let input = SentimentInput {
            source_kind: kind,
            source_name: outlet.to_string(),
            title: names::fill(t.title, &id.brand, place, at.year()),
            excerpt: Some(t.excerpt.to_string()),
            url: rng::chance(r, 0.9).then_some(url),
            published_at: at,
            polarity: Some(rng::round_to(polarity.clamp(-1.0, 1.0), 3)),
            topic: Some(t.topic.to_string()),
            source: DataSource::Platform,
        };
        items.push(
            input
                .validate(now)
                .unwrap_or_else(|v| panic!("generated sentiment item is invalid: {v}")),
        );
    };
    let moment = |r: &mut Rng, m: u32| -> Option<NaiveDateTime> {
        let day = cal.day_in(r, m, NaiveDate::MIN)?;
        Some(day.and_hms_opt(0, 0, 0)? + Duration::seconds(rng::below(r, 86_400) as i64))
    };
    for m in HISTORY_MONTHS - RECORD_MONTHS..=HISTORY_MONTHS {
        let zt = path[m as usize];
        let general = rng::poisson(r, 0.06 * exposure * (0.35 * zt).exp());
        for _ in 0..general {
            let Some(at) = moment(r, m) else { continue };
            let kind = [News, Social, Review][rng::weighted(r, &[0.3, 0.35, 0.35])];
            let lean = if kind == Review { 0.6 } else { 0.0 };
            let polarity = (-0.8 * zt + lean + 0.7 * rng::normal(r)).tanh();
            let set = match (kind, polarity) {
                (News, p) if p > 0.2 => names::NEWS_POSITIVE,
                (News, p) if p < -0.2 => names::NEWS_NEGATIVE,
                (News, _) => names::NEWS_NEUTRAL,
                (Social, p) if p > 0.2 => names::SOCIAL_POSITIVE,
                (Social, p) if p < -0.2 => names::SOCIAL_NEGATIVE,
                (Social, _) => names::SOCIAL_NEUTRAL,
                (_, p) if p > 0.2 => names::REVIEW_POSITIVE,
                (_, p) if p < -0.2 => names::REVIEW_NEGATIVE,
                _ => names::REVIEW_NEUTRAL,
            };
            let template = rng::pick(r, set);
            push(r, kind, at, template, polarity);
        }
        let complaints = rng::poisson(r, 0.03 * exposure * (0.8 * zt).exp());
        for _ in 0..complaints {
            let Some(at) = moment(r, m) else { continue };
            let template = rng::pick(r, names::COMPLAINTS);
            let polarity = -rng::uniform_in(r, 0.4, 0.9);
            push(r, Complaint, at, template, polarity);
        }
    }
    for (on, kind) in serious {
        if !rng::chance(r, 0.6) {
            continue;
        }
        let at = on.and_hms_opt(9, 0, 0).expect("valid time")
            + Duration::days(1 + rng::below(r, 20) as i64);
        if at >= now {
            continue;
        }
        let template = names::serious_news(*kind);
        let polarity = -rng::uniform_in(r, 0.7, 0.95);
        push(r, News, at, template, polarity);
    }
    items.sort_by_key(|s| s.published_at);
    items
}

#[allow(clippy::too_many_arguments)]
fn associations(
    r: &mut Rng,
    seed: u64,
    index: u64,
    id: &Identity,
    established: NaiveDate,
    capital: f64,
    group: Option<&Group>,
    as_of: NaiveDate,
) -> Vec<crate::domain::records::Association> {
    let Some(group) = group else {
        return Vec::new();
    };
    let owner = crate::domain::CreditCode::parse(&id.code).expect("generated codes are valid");
    group
        .links
        .iter()
        .filter(|l| l.owner == index)
        .map(|link| {
            let other = Identity::of(seed, link.other);
            let other_established = other.established(other.risk(Some(group)), as_of);
            let since = established.max(other_established);
            let span = (as_of - since).num_days().max(1) as u64;
            let valid_from = since + Duration::days(rng::below(r, span) as i64);
            let (share_ratio, amount, note) = match link.kind {
                AssociationKind::Shareholder => (
                    Some(rng::round_to(rng::uniform_in(r, 0.1, 0.9), 4)),
                    None,
                    "控股股东",
                ),
                AssociationKind::Guarantee => (
                    None,
                    Some(
                        ((capital * rng::uniform_in(r, 0.1, 1.5)) / 1e4)
                            .round()
                            .max(1.0)
                            * 1e4,
                    ),
                    "为关联企业银行贷款提供连带责任担保",
                ),
                AssociationKind::SameLegalRepresentative => (None, None, "法定代表人相同"),
                AssociationKind::SupplyChain => (
                    None,
                    Some(((capital * rng::uniform_in(r, 0.05, 0.8)) / 1e3).round() * 1e3),
                    "长期供货合作",
                ),
            };
            AssociationInput {
                kind: link.kind,
                related_code: Some(other.code.clone()),
                related_name: other.name.clone(),
                share_ratio,
                amount,
                valid_from: Some(valid_from),
                valid_until: None,
                note: Some(note.to_string()),
                source: DataSource::Department,
            }
            .validate(&owner, as_of)
            .unwrap_or_else(|v| panic!("generated association is invalid: {v}"))
        })
        .collect()
}
