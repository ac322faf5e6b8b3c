//! Fills a registry with the synthetic population of `demo` (`ecredit demo seed`) and sets up a
//! demonstration registry with accounts for every role (`ecredit serve --demo`).
//!
//! One thread generates chunks of enterprises (each chunk in parallel with rayon) and builds
//! their rows while writer threads store earlier chunks, one transaction per chunk: a failure
//! keeps the chunks already stored and nothing of the failing one.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use parking_lot::Mutex;
use secrecy::SecretString;

use crate::auth::password;
use crate::clock::Clock;
use crate::db::bulk::{self, Counts, NewEnterprise, Provenance};
use crate::db::{Backend, Db};
use crate::demo::{GeneratedEnterprise, Population};
use crate::domain::Role;
use crate::domain::records::DataSource;
use crate::startup::{self, NewAccount};

/// Enterprises per transaction.
pub const CHUNK: u64 = 5_000;
/// The actor named in the bookkeeping and history of seeded records.
pub const ACTOR: &str = "demo-seed";
/// How many enterprises `serve --demo` seeds into an empty registry.
pub const DEMO_ENTERPRISES: u64 = 300;
/// The seed of the `serve --demo` population.
pub const DEMO_SEED: u64 = 42;
/// Synthetic credit codes are unique below this index.
const MAX_INDEX: u64 = 100_000_000;
/// Generated firms are up to 30 years old, and the registry accepts no date before 1949-10-01.
const EARLIEST_AS_OF: NaiveDate = NaiveDate::from_ymd_opt(1990, 1, 1).expect("valid date");

#[derive(Debug, Clone)]
pub struct SeedOptions {
    pub enterprises: u64,
    pub seed: u64,
    /// Records end the day before; not after today.
    pub as_of: NaiveDate,
    /// Add to a registry that already has enterprises (otherwise refused).
    pub append: bool,
}

/// An enterprise worth showing: its code, name and latent risk.
#[derive(Debug, Clone, PartialEq)]
pub struct Showcase {
    pub code: String,
    pub name: String,
    pub risk: f64,
}

#[derive(Debug, Clone)]
pub struct SeedReport {
    /// Index of the first generated enterprise (the registry's size before, with `append`).
    pub first_index: u64,
    pub counts: Counts,
    pub elapsed: Duration,
    /// The safest and the riskiest enterprise generated (by latent risk).
    pub safest: Option<Showcase>,
    pub riskiest: Option<Showcase>,
}

/// Generates and stores the population; `progress` is told how many enterprises are stored so
/// far after each chunk. Blocking: run it off any async executor.
pub fn seed(
    db: &Db,
    options: &SeedOptions,
    clock: &dyn Clock,
    progress: &dyn Fn(u64),
) -> anyhow::Result<SeedReport> {
    let started = Instant::now();
    if options.as_of > clock.today() {
        anyhow::bail!(
            "--as-of {} is in the future: records cannot be dated after today",
            options.as_of
        );
    }
    if options.as_of < EARLIEST_AS_OF {
        anyhow::bail!(
            "--as-of must not be before {EARLIEST_AS_OF}: generated firms are up to 30 years old"
        );
    }
    let existing = db
        .read(crate::db::enterprises::count)
        .map_err(|e| anyhow::anyhow!("{e}"))? as u64;
    if existing > 0 && !options.append {
        anyhow::bail!(
            "the registry already has {existing} enterprises: pass --append to add the synthetic population to them"
        );
    }
    // Indices continue after the registry's size, so appended populations never reuse an
    // index (and so never a credit code or document number): nothing is ever deleted.
    let first_index = existing;
    if first_index + options.enterprises > MAX_INDEX {
        anyhow::bail!(
            "at most {MAX_INDEX} synthetic enterprises fit in one registry (credit codes would repeat)"
        );
    }
    let range = first_index..first_index + options.enterprises;
    let population = Population::new(options.seed, options.as_of, range.clone());
    let provenance = Provenance {
        actor: ACTOR.to_string(),
        actor_role: Role::Admin,
        reason: format!("synthetic demo population, seed {}", options.seed),
        at: clock.now_naive(),
    };

    let mut report = SeedReport {
        first_index,
        counts: Counts::default(),
        elapsed: Duration::ZERO,
        safest: None,
        riskiest: None,
    };
    // Chunks in flight are bounded: one being generated, one waiting, one per writer. The
    // generating thread also builds the rows, so writers only write.
    let (sender, receiver) = mpsc::sync_channel::<Chunk>(1);
    // SQLite has one writer at a time; a PostgreSQL server checks foreign keys and maintains
    // indexes in one process per connection, which is what limits it, so it gets one writer
    // (and connection) per core.
    let writers = match db.backend() {
        Backend::Sqlite => 1,
        Backend::Postgres => std::thread::available_parallelism().map_or(1, |n| n.get()),
    };
    let failed = AtomicBool::new(false);
    let stored: anyhow::Result<()> = std::thread::scope(|scope| {
        let (population, provenance) = (&population, &provenance);
        // Generation is cheap next to writing: it gets the cores but one, so that it does not
        // slow the writer down on a small machine.
        let threads =
            std::thread::available_parallelism().map_or(1, |n| n.get().saturating_sub(1).max(1));
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()?;
        std::thread::Builder::new()
            .name("demo-generate".into())
            .spawn_scoped(scope, move || {
                let mut start = range.start;
                while start < range.end {
                    let end = (start + CHUNK).min(range.end);
                    let chunk =
                        pool.install(|| Chunk::of(&population.generate(start..end), provenance));
                    // A closed channel means the writers stopped: stop generating.
                    if sender.send(chunk).is_err() {
                        break;
                    }
                    start = end;
                }
            })?;
        // Freeing a chunk's millions of small strings is left to another thread too.
        let (freer, garbage) = mpsc::channel::<bulk::Prepared>();
        std::thread::Builder::new()
            .name("demo-free".into())
            .spawn_scoped(scope, move || garbage.into_iter().for_each(drop))?;
        // Writers share the queue; when the last one stops, the queue closes. Each reports its
        // chunks to this thread, which keeps the report and the progress.
        let queue = Arc::new(Mutex::new(receiver));
        let failed = &failed;
        let (reporter, reports) = mpsc::channel::<anyhow::Result<Stored>>();
        for w in 0..writers {
            let (queue, reporter, freer) = (queue.clone(), reporter.clone(), freer.clone());
            std::thread::Builder::new()
                .name(format!("demo-write-{w}"))
                .spawn_scoped(scope, move || {
                    while !failed.load(Ordering::Relaxed) {
                        let Ok(chunk) = queue.lock().recv() else {
                            break;
                        };
                        match db.write(|conn| bulk::insert_prepared(conn, &chunk.rows)) {
                            Ok(counts) => {
                                let _ = reporter.send(Ok(Stored {
                                    counts,
                                    safest: chunk.safest,
                                    riskiest: chunk.riskiest,
                                }));
                                let _ = freer.send(chunk.rows);
                            }
                            Err(e) => {
                                failed.store(true, Ordering::Relaxed);
                                let _ = reporter.send(Err(anyhow::anyhow!(
                                    "storing the synthetic population failed: {e}"
                                )));
                            }
                        }
                    }
                })?;
        }
        drop((queue, reporter, freer));
        let mut outcome = Ok(());
        for stored in reports {
            match stored {
                Ok(Stored {
                    counts,
                    safest,
                    riskiest,
                }) => {
                    report.counts += counts;
                    if report.safest.as_ref().is_none_or(|s| safest.risk < s.risk) {
                        report.safest = Some(safest);
                    }
                    if report
                        .riskiest
                        .as_ref()
                        .is_none_or(|s| riskiest.risk > s.risk)
                    {
                        report.riskiest = Some(riskiest);
                    }
                    progress(report.counts.enterprises as u64);
                }
                Err(e) => outcome = outcome.and(Err(e)),
            }
        }
        outcome
    });
    stored?;
    db.write(crate::db::statistics_cells::merge)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    report.elapsed = started.elapsed();
    Ok(report)
}

/// What a writer stored.
struct Stored {
    counts: Counts,
    safest: Showcase,
    riskiest: Showcase,
}

/// A generated chunk, ready for its transaction.
struct Chunk {
    rows: bulk::Prepared,
    safest: Showcase,
    riskiest: Showcase,
}

impl Chunk {
    fn of(firms: &[GeneratedEnterprise], provenance: &Provenance) -> Chunk {
        let batch: Vec<NewEnterprise<'_>> = firms
            .iter()
            .map(|f| NewEnterprise {
                enterprise: &f.enterprise,
                source: DataSource::Department,
                operating: &f.operating,
                events: &f.events,
                sentiment: &f.sentiment,
                associations: &f.associations,
            })
            .collect();
        let showcase = |f: &GeneratedEnterprise| Showcase {
            code: f.enterprise.code.to_string(),
            name: f.enterprise.name.clone(),
            risk: f.risk,
        };
        let by_risk =
            |a: &&GeneratedEnterprise, b: &&GeneratedEnterprise| a.risk.total_cmp(&b.risk);
        Chunk {
            rows: bulk::prepare(&batch, provenance),
            safest: showcase(firms.iter().min_by(by_risk).expect("chunks are not empty")),
            riskiest: showcase(firms.iter().max_by(by_risk).expect("chunks are not empty")),
        }
    }
}

/// A demonstration account, with the password shown once.
#[derive(Debug, Clone)]
pub struct DemoAccount {
    pub username: String,
    pub role: Role,
    pub password: String,
    pub organisation: Option<String>,
    /// For enterprise users: code and name.
    pub enterprise: Option<(String, String)>,
}

pub enum DemoStart {
    /// The registry was empty: this population was seeded and these accounts created.
    Seeded {
        report: Box<SeedReport>,
        accounts: Vec<DemoAccount>,
        /// The version of the active model that graded the population, if one was active.
        scored_with: Option<String>,
    },
    /// The registry already had this many enterprises: nothing was done.
    AlreadyFilled(u64),
}

/// Both demo enterprises authorise the demo bank (the first for 20 days, so the bank sees a grant
/// about to expire; the second for 180) and the bank watches them, so its console opens on a
/// portfolio rather than on empty pages.
fn authorise_demo_bank(db: &Db, clock: &dyn Clock, accounts: &[DemoAccount]) -> anyhow::Result<()> {
    use crate::domain::authorization::{Authorization, AuthorizationPurpose, AuthorizationScope};
    let now = clock.now_naive();
    let today = clock.today();
    db.write(|conn| {
        let bank = crate::db::users::find_by_username(conn, "demo-bank")?
            .and_then(|u| u.organisation_id)
            .ok_or_else(|| crate::error::AppError::internal("the demo bank has no organisation"))?;
        let owners = accounts
            .iter()
            .filter_map(|a| a.enterprise.as_ref().map(|(code, _)| (a, code)));
        for ((account, code), (days, purpose)) in owners.zip([
            (20, AuthorizationPurpose::CreditLineReview),
            (180, AuthorizationPurpose::PostLoanMonitoring),
        ]) {
            let grant = Authorization {
                bank_organisation_id: bank,
                purpose,
                scope: AuthorizationScope::FullReport,
                expires_on: today + chrono::Duration::days(days),
                note: None,
            };
            crate::db::authorizations::insert(conn, code, &grant, &account.username, now)?;
            crate::db::watch::add(conn, bank, code, "demo-bank", now)?;
        }
        Ok(())
    })
    .map_err(|e| anyhow::anyhow!("{e}"))
}

/// For `serve --demo`: seeds a small population into an empty registry and creates an account
/// for each role (a regulator, a bank, the owners of the safest and of the riskiest enterprise),
/// with generated passwords; the enterprises authorise the bank, which watches them. Accounts whose username is taken are left alone.
pub fn demo_start(db: &Db, clock: &dyn Clock) -> anyhow::Result<DemoStart> {
    let existing = db
        .read(crate::db::enterprises::count)
        .map_err(|e| anyhow::anyhow!("{e}"))? as u64;
    if existing > 0 {
        return Ok(DemoStart::AlreadyFilled(existing));
    }
    let options = SeedOptions {
        enterprises: DEMO_ENTERPRISES,
        seed: DEMO_SEED,
        as_of: clock.today(),
        append: false,
    };
    let report = seed(db, &options, clock, &|_| {})?;
    let showcase = |s: &Option<Showcase>| s.as_ref().map(|s| (s.code.clone(), s.name.clone()));
    let wanted = [
        (
            "demo-regulator",
            Role::Regulator,
            Some("Demo Market Supervision Bureau"),
            None,
        ),
        ("demo-bank", Role::Bank, Some("Demo Bank"), None),
        (
            "demo-enterprise-1",
            Role::Enterprise,
            None,
            showcase(&report.safest),
        ),
        (
            "demo-enterprise-2",
            Role::Enterprise,
            None,
            showcase(&report.riskiest),
        ),
    ];
    let mut accounts = Vec::new();
    for (username, role, organisation, enterprise) in wanted {
        let taken = db
            .read(|conn| crate::db::users::find_by_username(conn, username))
            .map_err(|e| anyhow::anyhow!("{e}"))?
            .is_some();
        if taken || (role == Role::Enterprise && enterprise.is_none()) {
            continue;
        }
        let generated = password::generate();
        startup::add_user(
            db,
            &NewAccount {
                username,
                role,
                enterprise: enterprise.as_ref().map(|(code, _)| code.as_str()),
                organisation,
                password: &SecretString::from(generated.clone()),
            },
            clock,
        )?;
        accounts.push(DemoAccount {
            username: username.to_string(),
            role,
            password: generated,
            organisation: organisation.map(str::to_string),
            enterprise,
        });
    }
    if accounts.iter().any(|a| a.username == "demo-bank") {
        authorise_demo_bank(db, clock, &accounts)?;
    }
    // Graded at once, so the newcomer finds scores and grades, not 404s.
    let model = db.read(|conn| crate::engine::ModelCache::default().active(conn));
    let scored_with = match model {
        Ok(model) => {
            crate::engine::rescore_all(
                db,
                &model,
                options.as_of,
                "demo",
                clock.now_naive(),
                |_| {},
            )
            .map_err(|e| anyhow::anyhow!("{e}"))?;
            Some(model.version.clone())
        }
        Err(_) => None,
    };
    Ok(DemoStart::Seeded {
        report: Box::new(report),
        accounts,
        scored_with,
    })
}
