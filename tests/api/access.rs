//! The access-rule matrix: every operation of the OpenAPI document, called by every kind of
//! caller, must answer with the status the rules of access give (README, "Who may do what").
//! An operation without a row here fails the test, so a new endpoint cannot arrive without its
//! rules. Allowed calls carry valid bodies, so "allowed" means the call did its work, not
//! merely that it got past the guard.
//!
//! Banks appear twice: one whose bank holds a live authorisation from the enterprise the paths
//! name (CODE_A), and one of another bank that holds none.

use std::collections::BTreeSet;

use ecredit::clock::Clock;
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{CODE_A, CODE_B, PASSWORD, TestApp, enterprise_body};
use crate::on_both_backends;

on_both_backends!(every_operation_answers_every_caller_by_the_rules);

const CALLERS: [&str; 7] = [
    "anonymous",
    "owner",
    "other enterprise",
    "bank without authorisation",
    "bank with authorisation",
    "regulator",
    "admin",
];

/// What every caller gets, in the order of `CALLERS`.
const OPEN: [u16; 7] = [200; 7];
const PRIVATE_READ: [u16; 7] = [401, 200, 403, 403, 403, 200, 200];
/// A registered version that is not active, to compare with the active one.
const CHALLENGER: &str = "test-model-2";
const KEEPER_CREATE: [u16; 7] = [401, 403, 403, 403, 403, 201, 201];
const KEEPER_UPDATE: [u16; 7] = [401, 403, 403, 403, 403, 200, 200];
const KEEPER_READ: [u16; 7] = [401, 403, 403, 403, 403, 200, 200];
const SIGNED_IN: [u16; 7] = [401, 200, 200, 200, 200, 200, 200];
const KEEPER_STARTED: [u16; 7] = [401, 403, 403, 403, 403, 202, 202];
const OWNER_CREATE: [u16; 7] = [401, 201, 403, 403, 403, 403, 403];
const BANK_READ: [u16; 7] = [401, 403, 403, 200, 200, 403, 403];
const ADMIN_READ: [u16; 7] = [401, 403, 403, 403, 403, 403, 200];
const ADMIN_CREATE: [u16; 7] = [401, 403, 403, 403, 403, 403, 201];

/// What a row sends.
#[derive(Clone, Copy)]
enum Payload {
    Nothing,
    /// A JSON body, made fresh for each call (the `usize` counts calls).
    Body(fn(&Fixture, usize) -> Value),
    /// A JSON body with `If-Match` set to the resource's current ETag.
    Correction(fn(&Fixture, usize) -> Value),
}

struct Row {
    method: Method,
    path: &'static str,
    expect: [u16; 7],
    send: Payload,
}

fn row(method: Method, path: &'static str, expect: [u16; 7], send: Payload) -> Row {
    Row {
        method,
        path,
        expect,
        send,
    }
}

fn rows() -> Vec<Row> {
    use Payload::*;
    vec![
        row(
            Method::POST,
            "/api/v1/auth/token",
            OPEN,
            Body(|_, n| {
                let who = [
                    "regulator",
                    "owner-a",
                    "owner-b",
                    "bank",
                    "admin",
                    "regulator",
                ];
                json!({"username": who[n % who.len()], "password": PASSWORD})
            }),
        ),
        row(Method::GET, "/api/v1/me", SIGNED_IN, Nothing),
        row(Method::GET, "/api/v1/enterprises", OPEN, Nothing),
        row(
            Method::POST,
            "/api/v1/enterprises",
            KEEPER_CREATE,
            Body(|f, n| {
                let code = &f.spare_codes[n];
                enterprise_body(code, &format!("矩阵测试{n}电子商务有限公司"), &code[2..8])
            }),
        ),
        row(Method::GET, "/api/v1/enterprises/{code}", OPEN, Nothing),
        row(
            Method::PATCH,
            "/api/v1/enterprises/{code}",
            KEEPER_UPDATE,
            Correction(
                |_, n| json!({"registered_capital": 5_000_000.0 + n as f64, "reason": "access matrix"}),
            ),
        ),
        row(
            Method::GET,
            "/api/v1/enterprises/{code}/history",
            PRIVATE_READ,
            Nothing,
        ),
        row(
            Method::GET,
            "/api/v1/enterprises/{code}/operating-records",
            PRIVATE_READ,
            Nothing,
        ),
        row(
            Method::POST,
            "/api/v1/enterprises/{code}/operating-records",
            KEEPER_CREATE,
            Body(
                |_, n| json!({"period": format!("2024-{:02}", n + 1), "online_sales": 1000.0, "orders": 10, "source": "platform"}),
            ),
        ),
        row(
            Method::GET,
            "/api/v1/enterprises/{code}/operating-records/{operating}",
            PRIVATE_READ,
            Nothing,
        ),
        row(
            Method::PATCH,
            "/api/v1/enterprises/{code}/operating-records/{operating}",
            KEEPER_UPDATE,
            Correction(|_, n| json!({"orders": 100 + n, "reason": "access matrix"})),
        ),
        row(
            Method::GET,
            "/api/v1/enterprises/{code}/credit-events",
            OPEN,
            Nothing,
        ),
        row(
            Method::POST,
            "/api/v1/enterprises/{code}/credit-events",
            KEEPER_CREATE,
            Body(|_, n| event(n)),
        ),
        row(
            Method::GET,
            "/api/v1/enterprises/{code}/credit-events/{event}",
            OPEN,
            Nothing,
        ),
        row(
            Method::PATCH,
            "/api/v1/enterprises/{code}/credit-events/{event}",
            KEEPER_UPDATE,
            Correction(
                |_, n| json!({"description": format!("复核{n}"), "reason": "access matrix"}),
            ),
        ),
        row(
            Method::GET,
            "/api/v1/enterprises/{code}/sentiment",
            PRIVATE_READ,
            Nothing,
        ),
        row(
            Method::POST,
            "/api/v1/enterprises/{code}/sentiment",
            KEEPER_CREATE,
            Body(|_, n| sentiment(n)),
        ),
        row(
            Method::GET,
            "/api/v1/enterprises/{code}/sentiment/{sentiment}",
            PRIVATE_READ,
            Nothing,
        ),
        row(
            Method::PATCH,
            "/api/v1/enterprises/{code}/sentiment/{sentiment}",
            KEEPER_UPDATE,
            Correction(|_, n| json!({"topic": format!("topic {n}"), "reason": "access matrix"})),
        ),
        row(
            Method::GET,
            "/api/v1/enterprises/{code}/associations",
            PRIVATE_READ,
            Nothing,
        ),
        row(
            Method::POST,
            "/api/v1/enterprises/{code}/associations",
            KEEPER_CREATE,
            Body(|_, n| json!({"kind": "supply_chain", "related_name": format!("供应商{n}")})),
        ),
        row(
            Method::GET,
            "/api/v1/enterprises/{code}/associations/{association}",
            PRIVATE_READ,
            Nothing,
        ),
        row(
            Method::PATCH,
            "/api/v1/enterprises/{code}/associations/{association}",
            KEEPER_UPDATE,
            Correction(
                |_, n| json!({"related_name": format!("关联方{n}"), "reason": "access matrix"}),
            ),
        ),
        row(
            Method::GET,
            "/api/v1/enterprises/{code}/score",
            OPEN,
            Nothing,
        ),
        row(
            Method::POST,
            "/api/v1/enterprises/{code}/score",
            KEEPER_CREATE,
            Nothing,
        ),
        row(
            Method::GET,
            "/api/v1/enterprises/{code}/scores",
            PRIVATE_READ,
            Nothing,
        ),
        row(
            Method::GET,
            "/api/v1/enterprises/{code}/score/way-up",
            PRIVATE_READ,
            Nothing,
        ),
        row(
            Method::GET,
            "/api/v1/enterprises/{code}/score/changes",
            KEEPER_READ,
            Nothing,
        ),
        row(Method::GET, "/api/v1/models", KEEPER_READ, Nothing),
        row(
            Method::GET,
            "/api/v1/models/{version}",
            KEEPER_READ,
            Nothing,
        ),
        // The active version again: a no-op activation, so each keeper's call is the same.
        row(
            Method::POST,
            "/api/v1/models/{version}/activate",
            KEEPER_UPDATE,
            Body(|_, _| json!({"reason": "the version in models/ACTIVE"})),
        ),
        row(
            Method::POST,
            "/api/v1/models/{challenger}/comparisons",
            KEEPER_CREATE,
            Nothing,
        ),
        row(
            Method::GET,
            "/api/v1/models/{challenger}/comparisons",
            KEEPER_READ,
            Nothing,
        ),
        row(Method::GET, "/api/v1/banks", SIGNED_IN, Nothing),
        row(
            Method::POST,
            "/api/v1/enterprises/{code}/authorizations",
            [401, 201, 403, 403, 403, 403, 403],
            Body(
                |f, _| json!({"bank_organisation_id": f.bank, "purpose": "credit_line_review", "expires_on": "2027-06-30"}),
            ),
        ),
        row(
            Method::GET,
            "/api/v1/enterprises/{code}/authorizations",
            PRIVATE_READ,
            Nothing,
        ),
        row(
            Method::POST,
            "/api/v1/enterprises/{code}/authorizations/{authorization}/revoke",
            [401, 200, 403, 403, 403, 403, 403],
            Body(|_, _| json!({"reason": "access matrix"})),
        ),
        row(Method::GET, "/api/v1/authorizations", BANK_READ, Nothing),
        row(
            Method::POST,
            "/api/v1/enterprises/{code}/reports",
            [201, 201, 403, 403, 201, 201, 201],
            Nothing,
        ),
        row(
            Method::GET,
            "/api/v1/reports/{report}",
            [401, 200, 403, 403, 200, 200, 200],
            Nothing,
        ),
        row(Method::GET, "/api/v1/reports/public-key", OPEN, Nothing),
        row(
            Method::POST,
            "/api/v1/reports/verify",
            OPEN,
            Body(|f, _| serde_json::from_str(&f.report).unwrap()),
        ),
        row(
            Method::GET,
            "/api/v1/enterprises/{code}/query-log",
            PRIVATE_READ,
            Nothing,
        ),
        row(Method::GET, "/api/v1/watch", BANK_READ, Nothing),
        row(
            Method::POST,
            "/api/v1/watch",
            [401, 403, 403, 403, 201, 403, 403],
            Body(|_, _| json!({"enterprise_code": CODE_A})),
        ),
        row(
            Method::GET,
            "/api/v1/watch/changes?since=2026-01-01T00:00:00Z",
            BANK_READ,
            Nothing,
        ),
        row(
            Method::DELETE,
            "/api/v1/watch/{code}",
            [401, 403, 403, 404, 204, 403, 403],
            Nothing,
        ),
        row(Method::GET, "/api/v1/lists/blacklist", OPEN, Nothing),
        row(Method::GET, "/api/v1/lists/redlist", OPEN, Nothing),
        row(
            Method::POST,
            "/api/v1/lists/{list}/entries",
            KEEPER_CREATE,
            Body(|_, n| {
                json!({
                    "enterprise_code": ([CODE_A, CODE_B][n % 2]), "reason": "守信激励",
                    "legal_basis": "《浙江省公共信用信息管理条例》", "authority": "杭州市市场监督管理局"
                })
            }),
        ),
        row(Method::GET, "/api/v1/lists/proposals", KEEPER_READ, Nothing),
        row(Method::GET, "/api/v1/lists/entries/{entry}", OPEN, Nothing),
        row(
            Method::POST,
            "/api/v1/lists/entries/{proposal}/confirm",
            KEEPER_UPDATE,
            Body(
                |_, _| json!({"legal_basis": "《关于对失信被执行人实施联合惩戒的合作备忘录》", "authority": "杭州市市场监督管理局"}),
            ),
        ),
        row(
            Method::POST,
            "/api/v1/lists/entries/{rejectable}/reject",
            KEEPER_UPDATE,
            Body(|_, _| json!({"reason": "access matrix"})),
        ),
        row(
            Method::POST,
            "/api/v1/lists/entries/{removable}/remove",
            KEEPER_UPDATE,
            Body(
                |_, _| json!({"decision": "准予信用修复", "document_number": "修〔2026〕1号", "decided_on": "2026-11-22"}),
            ),
        ),
        row(
            Method::GET,
            "/api/v1/enterprises/{code}/lists",
            OPEN,
            Nothing,
        ),
        row(
            Method::POST,
            "/api/v1/enterprises/{code}/commitments",
            [401, 201, 403, 403, 403, 403, 403],
            Body(|_, _| {
                json!({
                    "text": "承诺按时发货", "scope": "on-time delivery",
                    "period_start": "2026-11-01", "period_end": "2027-10-31"
                })
            }),
        ),
        row(
            Method::GET,
            "/api/v1/enterprises/{code}/commitments",
            PRIVATE_READ,
            Nothing,
        ),
        row(
            Method::GET,
            "/api/v1/enterprises/{code}/commitments/{commitment}",
            PRIVATE_READ,
            Nothing,
        ),
        row(
            Method::POST,
            "/api/v1/enterprises/{code}/commitments/{decidable_commitment}/decision",
            KEEPER_UPDATE,
            Body(
                |_, _| json!({"outcome": "broken", "explanation": "access matrix", "authority": "杭州市市场监督管理局"}),
            ),
        ),
        row(
            Method::POST,
            "/api/v1/enterprises/{code}/repairs",
            [401, 201, 403, 403, 403, 403, 403],
            Body(|f, _| json!({"credit_event_id": f.event, "corrections": "已整改"})),
        ),
        row(
            Method::GET,
            "/api/v1/enterprises/{code}/repairs",
            PRIVATE_READ,
            Nothing,
        ),
        row(
            Method::GET,
            "/api/v1/enterprises/{code}/repairs/{repair}",
            PRIVATE_READ,
            Nothing,
        ),
        row(
            Method::GET,
            "/api/v1/repairs?status=pending",
            KEEPER_READ,
            Nothing,
        ),
        row(
            Method::GET,
            "/api/v1/commitments?status=pending",
            KEEPER_READ,
            Nothing,
        ),
        row(
            Method::POST,
            "/api/v1/enterprises/{code}/repairs/{decidable_repair}/decision",
            KEEPER_UPDATE,
            Body(|_, _| json!({"outcome": "rejected", "explanation": "access matrix"})),
        ),
        row(
            Method::GET,
            "/api/v1/statistics/enterprises?by=region",
            KEEPER_READ,
            Nothing,
        ),
        row(
            Method::GET,
            "/api/v1/statistics/trends",
            KEEPER_READ,
            Nothing,
        ),
        row(
            Method::GET,
            "/api/v1/statistics/grades",
            KEEPER_READ,
            Nothing,
        ),
        row(
            Method::POST,
            "/api/v1/enterprises/{code}/submissions",
            OWNER_CREATE,
            Body(
                |_, n| json!({"operating": [{"period": format!("2023-{:02}", n + 1), "online_sales": 900.0, "orders": 9, "source": "self_reported"}]}),
            ),
        ),
        row(
            Method::GET,
            "/api/v1/enterprises/{code}/submissions",
            PRIVATE_READ,
            Nothing,
        ),
        row(
            Method::GET,
            "/api/v1/enterprises/{code}/submissions/{submission}",
            PRIVATE_READ,
            Nothing,
        ),
        row(
            Method::POST,
            "/api/v1/enterprises/{code}/submissions/{held}/decision",
            KEEPER_UPDATE,
            Body(|_, _| json!({"outcome": "approved", "reason": "access matrix"})),
        ),
        row(Method::GET, "/api/v1/submissions", KEEPER_READ, Nothing),
        row(
            Method::POST,
            "/api/v1/imports",
            KEEPER_CREATE,
            Body(|f, n| crate::imports::batch(&f.import_codes[n * 2..n * 2 + 2])),
        ),
        row(Method::POST, "/api/v1/scores/runs", KEEPER_STARTED, Nothing),
        row(Method::GET, "/api/v1/scores/runs", KEEPER_READ, Nothing),
        row(
            Method::GET,
            "/api/v1/scores/runs/{run}",
            KEEPER_READ,
            Nothing,
        ),
        row(
            Method::POST,
            "/api/v1/enterprises/{code}/objections",
            [401, 201, 403, 403, 403, 403, 403],
            Body(|f, _| json!({"credit_event_id": f.disputable, "reason": "access matrix"})),
        ),
        row(
            Method::GET,
            "/api/v1/enterprises/{code}/objections",
            PRIVATE_READ,
            Nothing,
        ),
        row(
            Method::GET,
            "/api/v1/enterprises/{code}/objections/{objection}",
            PRIVATE_READ,
            Nothing,
        ),
        row(
            Method::POST,
            "/api/v1/enterprises/{code}/objections/{answerable}/answer",
            KEEPER_UPDATE,
            Body(|_, _| json!({"outcome": "upheld", "explanation": "access matrix"})),
        ),
        row(
            Method::GET,
            "/api/v1/objections?overdue=true",
            KEEPER_READ,
            Nothing,
        ),
        row(Method::GET, "/api/v1/audit", KEEPER_READ, Nothing),
        // Accounts and keys: admins only. `{username}` is an account made for the matrix.
        row(Method::GET, "/api/v1/users", ADMIN_READ, Nothing),
        row(
            Method::POST,
            "/api/v1/users",
            ADMIN_CREATE,
            Body(
                |_, n| json!({"username": format!("matrix-new-{n}"), "password": PASSWORD, "role": "admin"}),
            ),
        ),
        row(Method::GET, "/api/v1/users/{username}", ADMIN_READ, Nothing),
        row(
            Method::PATCH,
            "/api/v1/users/{username}",
            ADMIN_READ,
            Correction(|_, n| json!({"organisation": format!("Matrix Bureau {n}")})),
        ),
        row(
            Method::POST,
            "/api/v1/users/{username}/disable",
            ADMIN_READ,
            Nothing,
        ),
        row(
            Method::POST,
            "/api/v1/users/{username}/enable",
            ADMIN_READ,
            Nothing,
        ),
        row(
            Method::POST,
            "/api/v1/users/{username}/password",
            ADMIN_READ,
            Body(|_, n| json!({"password": format!("matrix-password-{n}")})),
        ),
        row(
            Method::POST,
            "/api/v1/reports/keys/rotate",
            ADMIN_READ,
            Nothing,
        ),
        row(Method::GET, "/health", OPEN, Nothing),
        row(Method::GET, "/ready", OPEN, Nothing),
        row(Method::GET, "/metrics", OPEN, Nothing),
    ]
}

fn event(n: usize) -> Value {
    json!({
        "kind": "administrative_penalty", "severity": "major", "title": format!("虚假宣传行政处罚{n}"),
        "authority": "杭州市西湖区市场监督管理局", "decided_on": "2026-05-01",
        "publicity_until": "2027-05-01"
    })
}

fn sentiment(n: usize) -> Value {
    json!({
        "source_kind": "news", "source_name": "浙江日报", "title": format!("网店获评诚信示范企业{n}"),
        "published_at": "2026-10-12T08:30:00"
    })
}

/// The records the paths name, created by a regulator before the calls.
struct Fixture {
    operating: i64,
    event: i64,
    sentiment: i64,
    association: i64,
    version: String,
    /// The organisation id of the bank that CODE_A authorised.
    bank: i64,
    /// A live grant of CODE_A's, to revoke.
    authorization: i64,
    /// The number and bytes of a full report of CODE_A made for the authorised bank.
    report_no: String,
    report: String,
    /// Valid unused credit codes, for the enterprises the keepers register.
    spare_codes: Vec<String>,
    /// A confirmed list entry.
    entry: i64,
    /// Rule proposals for the n-th allowed caller to confirm, and to reject.
    proposals: Vec<i64>,
    rejectable: Vec<i64>,
    /// Current list entries for the n-th allowed caller to remove.
    removable: Vec<i64>,
    /// Submissions held for review, for the n-th allowed caller to decide.
    held: Vec<i64>,
    /// A commitment of CODE_A to read, and pending ones for the n-th allowed caller to decide.
    commitment: i64,
    decidable_commitments: Vec<i64>,
    /// A repair application of CODE_A to read, and pending ones for the n-th allowed caller to
    /// decide.
    repair: i64,
    decidable_repairs: Vec<i64>,
    /// Unregistered codes for the imports of the allowed callers.
    import_codes: Vec<String>,
    /// A finished rescoring run.
    run: i64,
    /// An active event of CODE_A for its owner to dispute.
    disputable: i64,
    /// An objection of CODE_A's to read, and open ones for the n-th allowed caller to answer.
    objection: i64,
    answerable: Vec<i64>,
}

impl Fixture {
    /// The path of the call made after `n` allowed calls of its row: a decision on a list entry
    /// takes a fresh entry each time.
    fn path(&self, template: &str, n: usize) -> String {
        let nth = |ids: &[i64]| ids[n.min(ids.len() - 1)].to_string();
        template
            .replace("{list}", "redlist")
            .replace("{entry}", &self.entry.to_string())
            .replace("{proposal}", &nth(&self.proposals))
            .replace("{rejectable}", &nth(&self.rejectable))
            .replace("{removable}", &nth(&self.removable))
            .replace("{submission}", &self.held[0].to_string())
            .replace("{held}", &nth(&self.held))
            .replace("{run}", &self.run.to_string())
            .replace("{objection}", &self.objection.to_string())
            .replace("{answerable}", &nth(&self.answerable))
            .replace("{commitment}", &self.commitment.to_string())
            .replace("{decidable_commitment}", &nth(&self.decidable_commitments))
            .replace("{repair}", &self.repair.to_string())
            .replace("{decidable_repair}", &nth(&self.decidable_repairs))
            .replace("{code}", CODE_A)
            .replace("{operating}", &self.operating.to_string())
            .replace("{event}", &self.event.to_string())
            .replace("{sentiment}", &self.sentiment.to_string())
            .replace("{association}", &self.association.to_string())
            .replace("{version}", &self.version)
            .replace("{challenger}", CHALLENGER)
            .replace("{authorization}", &self.authorization.to_string())
            .replace("{report}", &self.report_no)
            .replace("{username}", "matrix-user")
    }
}

async fn every_operation_answers_every_caller_by_the_rules(app: TestApp) {
    let cast = app.cast().await;
    let rows = rows();

    // Every documented operation has a row, and every row a documented operation.
    let spec: Value = serde_json::from_str(&ecredit::api::docs::openapi_json()).unwrap();
    let documented: BTreeSet<(String, String)> = spec["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, operations)| {
            operations
                .as_object()
                .unwrap()
                .keys()
                .filter(|m| ["get", "post", "put", "patch", "delete"].contains(&m.as_str()))
                .map(move |m| (m.to_uppercase(), path.clone()))
        })
        .collect();
    let generic = |path: &str| {
        let path = path.split('?').next().unwrap_or(path);
        let path = [
            "{operating}",
            "{event}",
            "{sentiment}",
            "{association}",
            "{authorization}",
            "{entry}",
            "{proposal}",
            "{rejectable}",
            "{removable}",
            "{submission}",
            "{held}",
            "{commitment}",
            "{decidable_commitment}",
            "{repair}",
            "{decidable_repair}",
            "{run}",
            "{objection}",
            "{answerable}",
        ]
        .iter()
        .fold(path.to_string(), |p, name| p.replace(name, "{id}"));
        path.replace("{report}", "{report_no}")
            .replace("{challenger}", "{version}")
    };
    let covered: BTreeSet<(String, String)> = rows
        .iter()
        .map(|r| (r.method.to_string(), generic(r.path)))
        .collect();
    assert_eq!(
        documented.difference(&covered).collect::<Vec<_>>(),
        Vec::<&(String, String)>::new(),
        "operations without a row in the access matrix"
    );
    assert_eq!(
        covered.difference(&documented).collect::<Vec<_>>(),
        Vec::<&(String, String)>::new(),
        "rows for operations that are not documented"
    );

    // The records the paths name.
    let created = |response: reqwest::Response| async move {
        assert_eq!(response.status(), 201);
        response.json::<Value>().await.unwrap()["id"]
            .as_i64()
            .unwrap()
    };
    let base = format!("/api/v1/enterprises/{CODE_A}");
    let reg = Some(cast.regulator.as_str());
    let operating = created(
        app.post(
            &format!("{base}/operating-records"),
            reg,
            &json!({"period": "2026-01", "online_sales": 1000.0, "orders": 10, "source": "platform"}),
        )
        .await,
    )
    .await;
    let event_id = created(
        app.post(&format!("{base}/credit-events"), reg, &event(99))
            .await,
    )
    .await;
    let sentiment_id = created(
        app.post(&format!("{base}/sentiment"), reg, &sentiment(99))
            .await,
    )
    .await;
    let association = created(
        app.post(
            &format!("{base}/associations"),
            reg,
            &json!({"kind": "shareholder", "related_code": CODE_B, "related_name": "深圳南山数码贸易有限公司", "share_ratio": 0.15}),
        )
        .await,
    )
    .await;
    let scored = app
        .request(Method::POST, &format!("{base}/score"), reg)
        .send()
        .await
        .unwrap();
    assert_eq!(scored.status(), 201, "the committed model scores");
    let version = std::fs::read_to_string("models/ACTIVE")
        .unwrap()
        .trim()
        .to_string();
    app.install_model(&crate::helpers::test_model(2), false)
        .await;
    let bank = crate::authorizations::bank_id(&app, &cast.owner_a, "Test Bank").await;
    crate::authorizations::grant(&app, &cast.owner_a, CODE_A, bank, 90).await;
    let authorization = crate::authorizations::grant(&app, &cast.owner_a, CODE_A, bank, 30).await;
    let report = app
        .request(Method::POST, &format!("{base}/reports"), Some(&cast.bank))
        .send()
        .await
        .unwrap();
    assert_eq!(report.status(), 201);
    let report = report.text().await.unwrap();
    let report_no = serde_json::from_str::<Value>(&report).unwrap()["report"]["report_no"]
        .as_str()
        .unwrap()
        .to_string();
    let other_bank = app
        .token_in(
            "bank-2",
            ecredit::domain::Role::Bank,
            None,
            Some("Other Bank"),
        )
        .await;
    app.token_in(
        "matrix-user",
        ecredit::domain::Role::Regulator,
        None,
        Some("Matrix Bureau"),
    )
    .await;
    let population = ecredit::demo::Population::new(5, app.clock.today(), 0..10);
    let codes: Vec<String> = population
        .generate(0..10)
        .iter()
        .map(|f| f.enterprise.code.to_string())
        .collect();
    // List entries: four enterprises proposed by the dishonest-debtor rule, two listed directly.
    for (n, code) in codes[4..].iter().enumerate() {
        let registered = app
            .post(
                "/api/v1/enterprises",
                reg,
                &enterprise_body(code, &format!("名单测试{n}电子商务有限公司"), &code[2..8]),
            )
            .await;
        assert_eq!(registered.status(), 201);
    }
    for (n, code) in codes[4..8].iter().enumerate() {
        let debtor = json!({
            "kind": "dishonest_judgment_debtor", "severity": "serious", "title": "列入失信被执行人名单",
            "authority": "杭州市西湖区人民法院", "document_number": format!("(2026)浙0106执{n}号"),
            "decided_on": "2026-05-01"
        });
        created(
            app.post(
                &format!("/api/v1/enterprises/{code}/credit-events"),
                reg,
                &debtor,
            )
            .await,
        )
        .await;
    }
    let pending: Value = app
        .get("/api/v1/lists/proposals", reg)
        .await
        .json()
        .await
        .unwrap();
    let proposed: Vec<i64> = pending["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_i64().unwrap())
        .collect();
    assert_eq!(proposed.len(), 4);
    let mut removable = Vec::new();
    for code in &codes[8..10] {
        let listing = json!({
            "enterprise_code": code, "reason": "严重失信", "legal_basis": "《浙江省公共信用信息管理条例》",
            "authority": "杭州市市场监督管理局", "starts_on": "2026-11-01"
        });
        removable.push(
            created(
                app.post("/api/v1/lists/blacklist/entries", reg, &listing)
                    .await,
            )
            .await,
        );
    }
    // Submissions whose sales jump 200-fold over January's: held for review.
    let mut held = Vec::new();
    for month in ["2026-02", "2026-03"] {
        let response = app
            .post(
                &format!("{base}/submissions"),
                Some(&cast.owner_a),
                &json!({"operating": [{"period": month, "online_sales": 200000.0, "orders": 10, "source": "self_reported"}]}),
            )
            .await;
        assert_eq!(response.status(), 202);
        held.push(
            response.json::<Value>().await.unwrap()["id"]
                .as_i64()
                .unwrap(),
        );
    }
    // Commitments and repair applications of CODE_A, made by the enterprise itself.
    let own = Some(cast.owner_a.as_str());
    let mut commitments = Vec::new();
    for n in 0..3 {
        let commitment = json!({
            "text": format!("承诺{n}"), "scope": "product quality",
            "period_start": "2026-11-01", "period_end": "2027-10-31"
        });
        commitments.push(
            created(
                app.post(&format!("{base}/commitments"), own, &commitment)
                    .await,
            )
            .await,
        );
    }
    let mut repairs = Vec::new();
    for n in 100..102 {
        let penalty = created(
            app.post(&format!("{base}/credit-events"), reg, &event(n))
                .await,
        )
        .await;
        let application = json!({"credit_event_id": penalty, "corrections": "已整改"});
        repairs.push(
            created(
                app.post(&format!("{base}/repairs"), own, &application)
                    .await,
            )
            .await,
        );
    }
    // Objections: an event left to dispute, and CODE_A's open objections to read and answer.
    let disputable = created(
        app.post(&format!("{base}/credit-events"), reg, &event(100))
            .await,
    )
    .await;
    let mut objections = Vec::new();
    for n in 101..104 {
        let disputed = created(
            app.post(&format!("{base}/credit-events"), reg, &event(n))
                .await,
        )
        .await;
        let body = json!({"credit_event_id": disputed, "reason": "access matrix"});
        objections.push(
            created(
                app.post(&format!("{base}/objections"), Some(&cast.owner_a), &body)
                    .await,
            )
            .await,
        );
    }
    let import_codes: Vec<String> = ecredit::demo::Population::new(6, app.clock.today(), 0..4)
        .generate(0..4)
        .iter()
        .map(|f| f.enterprise.code.to_string())
        .collect();
    let run = app
        .request(Method::POST, "/api/v1/scores/runs", reg)
        .send()
        .await
        .unwrap();
    assert_eq!(run.status(), 202);
    let run = run.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    crate::imports::wait_for_run(&app, &cast.admin, run).await;
    let fixture = Fixture {
        disputable,
        objection: objections[0],
        answerable: objections[1..].to_vec(),
        import_codes,
        run,
        held,
        bank,
        authorization,
        report_no,
        report,
        operating,
        event: event_id,
        sentiment: sentiment_id,
        association,
        version,
        entry: removable[0],
        proposals: proposed[..2].to_vec(),
        rejectable: proposed[2..].to_vec(),
        removable,
        spare_codes: codes[..4].to_vec(),
        commitment: commitments[0],
        decidable_commitments: commitments[1..].to_vec(),
        repair: repairs[0],
        decidable_repairs: repairs,
    };

    let tokens: [Option<&str>; 7] = [
        None,
        Some(&cast.owner_a),
        Some(&cast.owner_b),
        Some(&other_bank),
        Some(&cast.bank),
        Some(&cast.regulator),
        Some(&cast.admin),
    ];
    let mut failures = Vec::new();
    for row in &rows {
        let mut allowed = 0;
        for (caller, (token, expected)) in tokens.iter().zip(row.expect).enumerate() {
            let path = fixture.path(row.path, allowed);
            let mut request = app.request(row.method.clone(), &path, *token);
            match row.send {
                Payload::Nothing => {}
                Payload::Body(body) => request = request.json(&body(&fixture, allowed)),
                Payload::Correction(body) => {
                    let current = app.get(&path, Some(&cast.admin)).await;
                    let etag = current.headers()["etag"].to_str().unwrap().to_string();
                    request = request
                        .header("If-Match", etag)
                        .json(&body(&fixture, allowed));
                }
            }
            let response = request.send().await.unwrap();
            let status = response.status().as_u16();
            if status < 300 {
                allowed += 1;
            }
            if status == 202 && path == "/api/v1/scores/runs" {
                // One run at a time: the next caller's run waits for this one to end.
                let run: Value = response.json().await.unwrap();
                crate::imports::wait_for_run(&app, &cast.admin, run["id"].as_i64().unwrap()).await;
                continue;
            }
            if status != expected {
                let text = response.text().await.unwrap_or_default();
                failures.push(format!(
                    "{} {} as {}: expected {expected}, got {status}: {}",
                    row.method,
                    row.path,
                    CALLERS[caller],
                    text.chars().take(200).collect::<String>()
                ));
            } else if status >= 400 {
                let kind = response.headers()["content-type"]
                    .to_str()
                    .unwrap()
                    .to_string();
                if kind != "application/problem+json" {
                    failures.push(format!(
                        "{} {} as {}: {kind}",
                        row.method, row.path, CALLERS[caller]
                    ));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
