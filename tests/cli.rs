//! The binary: its commands, first start, and the refusal to guess a database.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

fn ecredit(data_dir: &std::path::Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ecredit"));
    cmd.arg("--data-dir").arg(data_dir);
    cmd.env_remove("ECREDIT_DATABASE_URL")
        .env_remove("ECREDIT_ADMIN_PASSWORD")
        .env_remove("ECREDIT_JWT_SECRET")
        .env_remove("ECREDIT_REPORT_KEYS_DIR");
    cmd
}

fn user_add(data_dir: &std::path::Path, args: &[&str], password: &str) -> std::process::Output {
    let mut child = ecredit(data_dir)
        .args(["user", "add", "--password-stdin"])
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    writeln!(child.stdin.take().unwrap(), "{password}").unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn help_explains_every_command() {
    let dir = tempfile::tempdir().unwrap();
    for args in [
        vec!["--help"],
        vec!["serve", "--help"],
        vec!["migrate", "--help"],
        vec!["user", "add", "--help"],
        vec!["user", "password", "--help"],
        vec!["report", "verify", "--help"],
        vec!["report", "rotate-key", "--help"],
    ] {
        let out = ecredit(dir.path()).args(&args).output().unwrap();
        assert!(out.status.success(), "{args:?}");
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.contains("Usage"), "{args:?}: {text}");
    }
    let out = ecredit(dir.path())
        .args(["user", "add", "--help"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    for flag in [
        "--username",
        "--role",
        "--enterprise",
        "--organisation",
        "--password-stdin",
    ] {
        assert!(text.contains(flag), "{flag} missing from: {text}");
    }
}

#[test]
fn migrate_creates_the_embedded_database_and_user_add_checks_its_input() {
    let dir = tempfile::tempdir().unwrap();
    let out = ecredit(dir.path()).arg("migrate").output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(dir.path().join("ecredit.db").exists());

    let ok = user_add(
        dir.path(),
        &[
            "--username",
            "reg1",
            "--role",
            "regulator",
            "--organisation",
            "杭州市市场监督管理局",
        ],
        "a-good-password",
    );
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert!(String::from_utf8_lossy(&ok.stdout).contains("created regulator user reg1"));

    let cases: [(&[&str], &str, &str); 5] = [
        (
            &[
                "--username",
                "reg1",
                "--role",
                "regulator",
                "--organisation",
                "X",
            ],
            "a-good-password",
            "already exists",
        ),
        (
            &["--username", "weak", "--role", "admin"],
            "short",
            "at least 10",
        ),
        (
            &["--username", "bank1", "--role", "bank"],
            "a-good-password",
            "--organisation",
        ),
        (
            &["--username", "ent1", "--role", "enterprise"],
            "a-good-password",
            "--enterprise",
        ),
        (
            &[
                "--username",
                "ent2",
                "--role",
                "enterprise",
                "--enterprise",
                "91330100799655058B",
            ],
            "a-good-password",
            "not registered",
        ),
    ];
    for (args, password, message) in cases {
        let out = user_add(dir.path(), args, password);
        assert!(!out.status.success(), "{args:?} should fail");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(message), "{args:?}: {stderr}");
    }
    let bad_role = user_add(
        dir.path(),
        &["--username", "x", "--role", "superuser"],
        "a-good-password",
    );
    assert!(!bad_role.status.success());

    let disabled = ecredit(dir.path())
        .args(["user", "disable", "--username", "reg1"])
        .output()
        .unwrap();
    assert!(disabled.status.success());
    assert!(String::from_utf8_lossy(&disabled.stdout).contains("disabled user reg1"));
    let missing = ecredit(dir.path())
        .args(["user", "enable", "--username", "nobody"])
        .output()
        .unwrap();
    assert!(!missing.status.success());

    // A new password, by the same rules as the API's.
    let set_password = |username: &str, password: &str| {
        let mut child = ecredit(dir.path())
            .args([
                "user",
                "password",
                "--password-stdin",
                "--username",
                username,
            ])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        writeln!(child.stdin.take().unwrap(), "{password}").unwrap();
        child.wait_with_output().unwrap()
    };
    let weak = set_password("reg1", "short");
    assert!(!weak.status.success());
    assert!(String::from_utf8_lossy(&weak.stderr).contains("--password: must have at least 10"));
    let nobody = set_password("nobody", "a-better-password");
    assert!(String::from_utf8_lossy(&nobody.stderr).contains("no user nobody"));
    let ok = set_password("reg1", "a-better-password");
    assert!(
        String::from_utf8_lossy(&ok.stdout).contains("new password set for user reg1"),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    // The only admin cannot be disabled, from the command line either.
    let admin = user_add(
        dir.path(),
        &["--username", "root", "--role", "admin"],
        "a-good-password",
    );
    assert!(admin.status.success());
    let last = ecredit(dir.path())
        .args(["user", "disable", "--username", "root"])
        .output()
        .unwrap();
    assert!(!last.status.success());
    assert!(String::from_utf8_lossy(&last.stderr).contains("no enabled admin"));
}

#[test]
fn a_database_url_is_never_guessed() {
    let dir = tempfile::tempdir().unwrap();
    let unknown = ecredit(dir.path())
        .args(["--database-url", "mysql://root@127.0.0.1/x", "migrate"])
        .output()
        .unwrap();
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("sqlite:// or postgres://"));

    // Nothing listens on port 1: a clear error, and no SQLite file appears instead.
    let unreachable = ecredit(dir.path())
        .current_dir(dir.path())
        .args([
            "--database-url",
            "postgres://nobody@127.0.0.1:1/ecredit",
            "migrate",
        ])
        .output()
        .unwrap();
    assert!(!unreachable.status.success());
    let stderr = String::from_utf8_lossy(&unreachable.stderr);
    if cfg!(feature = "postgres") {
        assert!(
            stderr.contains("cannot connect to postgres://nobody@127.0.0.1:1/ecredit"),
            "{stderr}"
        );
    } else {
        assert!(stderr.contains("--features postgres"), "{stderr}");
    }
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(
        leftovers.iter().all(|name| name == "jwt-secret"),
        "{leftovers:?}"
    );

    let named = ecredit(dir.path())
        .args([
            "--database-url",
            &format!("sqlite://{}/named.db", dir.path().display()),
            "migrate",
        ])
        .output()
        .unwrap();
    assert!(named.status.success());
    assert!(dir.path().join("named.db").exists());
}

#[test]
fn first_start_creates_admin_and_prints_the_password_once() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = ecredit(dir.path())
        .args(["serve", "--bind", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut password = None;
    let mut listening = None;
    for line in lines.by_ref() {
        let line = line.unwrap();
        if let Some(rest) =
            line.strip_prefix("created the first account: username `admin`, password ")
        {
            password = Some(rest.trim().to_string());
        }
        if let Some(rest) = line.strip_prefix("ecredit listening on ") {
            listening = Some(rest.split_whitespace().next().unwrap().to_string());
            break;
        }
    }
    let password = password.expect("the generated password is printed");
    assert_eq!(password.len(), 24);
    let base = listening.expect("the address is printed");

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let status = runtime.block_on(async {
        reqwest::Client::new()
            .post(format!("{base}/api/v1/auth/token"))
            .json(&serde_json::json!({"username": "admin", "password": password}))
            .send()
            .await
            .unwrap()
            .status()
    });
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(status, 200);

    // A second start finds the account and prints no password.
    let mut again = ecredit(dir.path())
        .args(["serve", "--bind", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut printed_password = false;
    for line in BufReader::new(again.stdout.take().unwrap()).lines() {
        let line = line.unwrap();
        printed_password |= line.contains("password ");
        if line.starts_with("ecredit listening on ") {
            break;
        }
    }
    again.kill().unwrap();
    again.wait().unwrap();
    assert!(!printed_password);
}

/// A labelled CSV with a numeric and a text column that both carry risk.
fn credit_csv(path: &std::path::Path) {
    use rand::{Rng, SeedableRng};
    let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(7);
    let mut text = String::from("id,utilisation,channel,defaulted\n");
    for i in 0..2000 {
        let utilisation: f64 = rng.r#gen();
        let channel = ["web", "branch", "broker"][rng.gen_range(0..3)];
        let z = 4.0 * utilisation - 2.5 + if channel == "broker" { 1.0 } else { 0.0 };
        let bad = rng.r#gen::<f64>() < 1.0 / (1.0 + (-z).exp());
        let shown = if i % 50 == 0 {
            String::new()
        } else {
            format!("{utilisation:.4}")
        };
        text.push_str(&format!(
            "{i},{shown},{channel},{}\n",
            if bad { "yes" } else { "no" }
        ));
    }
    std::fs::write(path, text).unwrap();
}

#[test]
fn model_train_and_evaluate_on_a_csv() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("credit.csv");
    credit_csv(&csv);
    let artifact = dir.path().join("model.json");
    let out = ecredit(dir.path())
        .args(["model", "train", "--csv"])
        .arg(&csv)
        .args(["--label", "defaulted", "--bad", "yes", "--out"])
        .arg(&artifact)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for model in ["lr", "rf", "combined"] {
        let auc = report["holdout"][model]["auc"].as_f64().unwrap();
        assert!(auc > 0.7, "{model} AUC {auc}");
        assert!(
            report["holdout"][model]["ks"]["statistic"]
                .as_f64()
                .is_some(),
            "{report}"
        );
        assert_eq!(
            report["holdout"][model]["calibration"]
                .as_array()
                .unwrap()
                .len(),
            10
        );
        assert!(report["holdout"][model]["brier"].as_f64().is_some());
    }
    assert!(artifact.exists());

    let evaluated = ecredit(dir.path())
        .args(["model", "evaluate", "--model"])
        .arg(&artifact)
        .arg("--csv")
        .arg(&csv)
        .args(["--label", "defaulted", "--bad", "yes"])
        .output()
        .unwrap();
    assert!(
        evaluated.status.success(),
        "{}",
        String::from_utf8_lossy(&evaluated.stderr)
    );
    let metrics: serde_json::Value = serde_json::from_slice(&evaluated.stdout).unwrap();
    assert!(metrics["combined"]["auc"].as_f64().unwrap() > 0.7);

    // Bad input is a clear error.
    let wrong_label = ecredit(dir.path())
        .args(["model", "train", "--csv"])
        .arg(&csv)
        .args(["--label", "nope", "--bad", "yes"])
        .output()
        .unwrap();
    assert!(!wrong_label.status.success());
    assert!(String::from_utf8_lossy(&wrong_label.stderr).contains("nope"));
    let neither = ecredit(dir.path())
        .args(["model", "train"])
        .output()
        .unwrap();
    assert!(!neither.status.success());
}

#[test]
fn demo_seed_fills_an_empty_registry_and_appends_only_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    let help = ecredit(dir.path())
        .args(["demo", "seed", "--help"])
        .output()
        .unwrap();
    let text = String::from_utf8(help.stdout).unwrap();
    for flag in ["--enterprises", "--seed", "--as-of", "--append"] {
        assert!(text.contains(flag), "{flag} missing from: {text}");
    }

    let seed = |args: &[&str]| {
        ecredit(dir.path())
            .args(["demo", "seed"])
            .args(args)
            .output()
            .unwrap()
    };
    let first = seed(&["--enterprises", "120", "--seed", "3"]);
    let stdout = String::from_utf8_lossy(&first.stdout);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    assert!(stdout.contains("seeded 120 enterprises"), "{stdout}");
    assert!(stdout.contains("(seed 3, as of "), "{stdout}");
    assert!(stdout.contains("4320 operating records"), "{stdout}");

    let again = seed(&["--enterprises", "10"]);
    assert!(!again.status.success());
    let stderr = String::from_utf8_lossy(&again.stderr);
    assert!(
        stderr.contains("already has 120 enterprises") && stderr.contains("--append"),
        "{stderr}"
    );

    let appended = seed(&["--enterprises", "30", "--append", "--as-of", "2025-06-30"]);
    assert!(
        appended.status.success(),
        "{}",
        String::from_utf8_lossy(&appended.stderr)
    );
    let stdout = String::from_utf8_lossy(&appended.stdout);
    assert!(stdout.contains("seeded 30 enterprises"), "{stdout}");
    assert!(stdout.contains("as of 2025-06-30"), "{stdout}");

    let future = seed(&["--enterprises", "1", "--append", "--as-of", "2999-01-01"]);
    assert!(!future.status.success());
    assert!(String::from_utf8_lossy(&future.stderr).contains("in the future"));
}

/// The lines a child prints, read on a thread that keeps draining the pipe: a reader that stops
/// early would close it, and the server's next print would fail.
fn stdout_lines(child: &mut std::process::Child) -> std::sync::mpsc::IntoIter<String> {
    let (sender, lines) = std::sync::mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = sender.send(line);
        }
    });
    lines.into_iter()
}

#[test]
fn serve_demo_seeds_and_prints_an_account_for_every_role() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = ecredit(dir.path())
        .args(["serve", "--demo", "--bind", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut accounts = Vec::new();
    let mut in_table = false;
    let mut base = None;
    let mut admin_password = None;
    let mut graded_with = None;
    for line in stdout_lines(&mut child) {
        if let Some(version) = line.strip_prefix("demo: graded them with model ") {
            graded_with = Some(version.trim().to_string());
        }
        if let Some(rest) =
            line.strip_prefix("created the first account: username `admin`, password ")
        {
            admin_password = Some(rest.trim().to_string());
        }
        if line.starts_with("demo accounts") {
            in_table = true;
            continue;
        }
        if let Some(rest) = line.strip_prefix("ecredit listening on ") {
            base = Some(rest.split_whitespace().next().unwrap().to_string());
            break;
        }
        if in_table && line.starts_with("  ") {
            let cells: Vec<&str> = line.split_whitespace().collect();
            if cells[0] != "username" {
                accounts.push((
                    cells[0].to_string(),
                    cells[1].to_string(),
                    cells[2].to_string(),
                    cells.get(3).map(|c| c.to_string()),
                ));
            }
        }
    }
    let base = base.expect("the address is printed");
    assert!(admin_password.is_some(), "the admin line is still printed");
    let roles: Vec<&str> = accounts.iter().map(|a| a.1.as_str()).collect();
    assert_eq!(roles, ["regulator", "bank", "enterprise", "enterprise"]);

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let client = reqwest::Client::new();
        let mut tokens = Vec::new();
        for (username, _, password, _) in &accounts {
            let response = client
                .post(format!("{base}/api/v1/auth/token"))
                .json(&serde_json::json!({"username": username, "password": password}))
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 200, "{username}");
            let body: serde_json::Value = response.json().await.unwrap();
            tokens.push(body["access_token"].as_str().unwrap().to_string());
        }
        let list: serde_json::Value = client
            .get(format!("{base}/api/v1/enterprises?per_page=1"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(list["total"], 300);
        // The enterprise users own the enterprise printed beside them.
        let me: serde_json::Value = client
            .get(format!("{base}/api/v1/me"))
            .bearer_auth(&tokens[2])
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(me["enterprise"].as_str(), accounts[2].3.as_deref());

        // The population is graded with the committed default model: the public sees the
        // riskiest enterprise's grade, its owner the details.
        let committed = std::fs::read_to_string("models/ACTIVE").unwrap();
        assert_eq!(graded_with.as_deref(), Some(committed.trim()));
        let riskiest = accounts[3].3.as_deref().unwrap();
        let score_url = format!("{base}/api/v1/enterprises/{riskiest}/score");
        let public: serde_json::Value = client
            .get(&score_url)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert!(
            public["grade"].is_string() && public.get("details").is_none(),
            "{public}"
        );
        let own: serde_json::Value = client
            .get(&score_url)
            .bearer_auth(&tokens[3])
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(
            own["details"]["model_version"].as_str(),
            Some(committed.trim())
        );

        // The demo bank holds both enterprises' authorisations and watches them, graded.
        let watched: serde_json::Value = client
            .get(format!("{base}/api/v1/watch"))
            .bearer_auth(&tokens[1])
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let mut codes: Vec<&str> = watched
            .as_array()
            .unwrap()
            .iter()
            .filter(|w| w["grade"].is_string())
            .map(|w| w["enterprise_code"].as_str().unwrap())
            .collect();
        codes.sort_unstable();
        let mut owned = vec![
            accounts[2].3.as_deref().unwrap(),
            accounts[3].3.as_deref().unwrap(),
        ];
        owned.sort_unstable();
        assert_eq!(codes, owned, "{watched}");
    });
    child.kill().unwrap();
    child.wait().unwrap();

    // A second start finds the registry filled and prints no passwords.
    let mut again = ecredit(dir.path())
        .args(["serve", "--demo", "--bind", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut said_filled = false;
    for line in stdout_lines(&mut again) {
        assert!(!line.contains("password"), "{line}");
        said_filled |= line.contains("already has 300 enterprises");
        if line.starts_with("ecredit listening on ") {
            break;
        }
    }
    again.kill().unwrap();
    again.wait().unwrap();
    assert!(said_filled);
}

#[test]
fn serve_keeps_running_when_its_output_is_closed() {
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = ecredit(dir.path())
        .args(["serve", "--demo", "--bind", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Nobody reads what it prints: the first start's password and the demo accounts go to a
    // closed pipe.
    drop(child.stdout.take());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let healthy = runtime.block_on(async {
        for _ in 0..200 {
            if let Ok(response) = reqwest::get(format!("http://127.0.0.1:{port}/health")).await {
                return response.status() == 200;
            }
            if child.try_wait().unwrap().is_some() {
                return false;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        false
    });
    let exited = child.try_wait().unwrap();
    child.kill().ok();
    child.wait().unwrap();
    assert!(healthy && exited.is_none(), "serve stopped: {exited:?}");
}

// ---------------------------------------------------------------------------------------------
// ecredit report verify / rotate-key

mod report {
    use super::ecredit;
    use chrono::TimeZone;
    use ecredit::report::{KeyRing, PublicKeySet, sample, to_canonical_bytes};
    use std::path::Path;

    fn now() -> chrono::DateTime<chrono::Utc> {
        chrono::Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap()
    }

    /// Signs a sample report with the ring of `data_dir` (as the service does) and saves it.
    fn save_signed(data_dir: &Path, file: &Path, public: bool) -> String {
        let ring = KeyRing::open_or_create(&KeyRing::default_dir(data_dir), now()).unwrap();
        let document = if public {
            sample::public_document()
        } else {
            sample::document()
        };
        let signed = ring.sign(&document).unwrap();
        std::fs::write(file, to_canonical_bytes(&signed).unwrap()).unwrap();
        ring.active_key_id().to_string()
    }

    fn verify(data_dir: &Path, args: &[&std::ffi::OsStr]) -> (Option<i32>, String, String) {
        let out = ecredit(data_dir)
            .args(["report", "verify"])
            .args(args)
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8(out.stdout).unwrap(),
            String::from_utf8(out.stderr).unwrap(),
        )
    }

    #[test]
    fn verify_accepts_a_saved_report_and_refuses_a_tampered_one() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        let file = dir.path().join("report.json");
        let key_id = save_signed(&data, &file, false);

        let (code, out, err) = verify(&data, &[file.as_os_str()]);
        assert_eq!(code, Some(0), "{out}{err}");
        assert_eq!(
            out,
            format!("valid: report ECR-20261201-7Q4K9M2XRT, key {key_id}\n")
        );

        // One byte changed: a digit of the score.
        let bytes = std::fs::read(&file).unwrap();
        let at = String::from_utf8_lossy(&bytes).find("612.4").unwrap() + 2;
        let mut tampered = bytes.clone();
        tampered[at] = b'9';
        std::fs::write(&file, &tampered).unwrap();
        let (code, out, err) = verify(&data, &[file.as_os_str()]);
        assert_eq!(code, Some(1), "{out}{err}");
        assert!(out.starts_with("INVALID: bad signature"), "{out}");
        assert!(err.is_empty(), "{err}");

        // Re-formatted (pretty-printed): the same content, so valid.
        let value: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        std::fs::write(&file, serde_json::to_vec_pretty(&value).unwrap()).unwrap();
        let (code, out, _) = verify(&data, &[file.as_os_str()]);
        assert_eq!(code, Some(0), "{out}");
        // A member removed: not the report as issued.
        let mut removed = value.clone();
        removed["report"].as_object_mut().unwrap().remove("notes");
        std::fs::write(&file, serde_json::to_vec(&removed).unwrap()).unwrap();
        let (code, out, _) = verify(&data, &[file.as_os_str()]);
        assert_eq!(code, Some(1));
        assert!(out.starts_with("INVALID: not"), "{out}");

        // Not a report at all.
        std::fs::write(&file, b"<html>hello</html>").unwrap();
        let (code, out, _) = verify(&data, &[file.as_os_str()]);
        assert_eq!(code, Some(1));
        assert!(out.starts_with("INVALID: not a report"), "{out}");

        // A missing file is an error, not a verdict.
        let missing = dir.path().join("missing.json");
        let (code, out, err) = verify(&data, &[missing.as_os_str()]);
        assert_eq!(code, Some(1));
        assert!(out.is_empty());
        assert!(err.contains("cannot read"), "{err}");
    }

    #[test]
    fn rotate_key_keeps_old_reports_verifiable() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        let old_file = dir.path().join("old.json");
        let old_id = save_signed(&data, &old_file, false);

        let out = ecredit(&data)
            .args(["report", "rotate-key"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8(out.stdout).unwrap();
        let new_id = text
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("new signing key: "))
            .unwrap_or_else(|| panic!("{text}"))
            .to_string();
        assert_ne!(new_id, old_id);
        assert!(text.contains(&old_id), "{text}");
        let ring = KeyRing::open(&KeyRing::default_dir(&data)).unwrap();
        assert_eq!(ring.active_key_id(), new_id);

        // Reports signed after the rotation name the new key; both verify.
        let new_file = dir.path().join("new.json");
        assert_eq!(save_signed(&data, &new_file, true), new_id);
        for (file, id) in [(&old_file, &old_id), (&new_file, &new_id)] {
            let (code, out, err) = verify(&data, &[file.as_os_str()]);
            assert_eq!(code, Some(0), "{out}{err}");
            assert!(out.ends_with(&format!(", key {id}\n")), "{out}");
        }
    }

    #[test]
    fn keys_file_verifies_without_the_key_ring_and_an_unknown_key_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let registry = dir.path().join("registry");
        let file = dir.path().join("report.json");
        let key_id = save_signed(&registry, &file, false);

        // A bank's machine: no key ring, only the saved answer of GET /api/v1/reports/public-key.
        let bank = dir.path().join("bank");
        let keys = dir.path().join("keys.json");
        let ring = KeyRing::open(&KeyRing::default_dir(&registry)).unwrap();
        std::fs::write(&keys, serde_json::to_vec(&ring.public_key_set()).unwrap()).unwrap();
        let args = [file.as_os_str(), "--keys".as_ref(), keys.as_os_str()];
        let (code, out, err) = verify(&bank, &args);
        assert_eq!(code, Some(0), "{out}{err}");
        assert!(out.contains(&key_id));
        assert!(!bank.exists(), "verifying must not create a key ring");

        // Without --keys on the bank's machine: no ring to verify with, and none is created.
        let (code, out, err) = verify(&bank, &[file.as_os_str()]);
        assert_eq!(code, Some(1));
        assert!(
            out.is_empty() && err.contains("no signing key"),
            "{out}{err}"
        );
        assert!(!bank.join("report-keys").exists());

        // Keys of another registry: the report's key is unknown.
        let other = dir.path().join("other");
        KeyRing::open_or_create(&KeyRing::default_dir(&other), now()).unwrap();
        let other_keys = dir.path().join("other-keys.json");
        let other_ring = KeyRing::open(&KeyRing::default_dir(&other)).unwrap();
        std::fs::write(
            &other_keys,
            serde_json::to_vec(&other_ring.public_key_set()).unwrap(),
        )
        .unwrap();
        let args = [file.as_os_str(), "--keys".as_ref(), other_keys.as_os_str()];
        let (code, out, _) = verify(&bank, &args);
        assert_eq!(code, Some(1));
        assert!(out.starts_with("INVALID: unknown key"), "{out}");

        // A keys file that is not one.
        std::fs::write(&other_keys, b"{\"keys\": 3}").unwrap();
        let (code, _, err) = verify(&bank, &args);
        assert_eq!(code, Some(1));
        assert!(err.contains("public-key"), "{err}");
        let parsed: Result<PublicKeySet, _> = serde_json::from_slice(b"{\"keys\": []}");
        assert!(parsed.is_ok());
    }

    #[test]
    fn report_keys_dir_can_be_configured() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        let keys_dir = dir.path().join("elsewhere");
        let out = ecredit(&data)
            .env("ECREDIT_REPORT_KEYS_DIR", &keys_dir)
            .args(["report", "rotate-key"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let ring = KeyRing::open(&keys_dir).unwrap();
        assert!(String::from_utf8_lossy(&out.stdout).contains(ring.active_key_id()));
        assert!(!KeyRing::default_dir(&data).exists());

        let file = dir.path().join("r.json");
        let signed = ring.sign(&sample::document()).unwrap();
        std::fs::write(&file, to_canonical_bytes(&signed).unwrap()).unwrap();
        let out = ecredit(&data)
            .arg("--report-keys-dir")
            .arg(&keys_dir)
            .args(["report", "verify"])
            .arg(&file)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0));
    }
}

#[test]
fn audit_verify_checks_the_chain_and_names_the_first_broken_entry() {
    use diesel::connection::SimpleConnection;
    use diesel::{Connection, SqliteConnection};

    let dir = tempfile::tempdir().unwrap();
    for name in ["auditor1", "auditor2", "auditor3"] {
        let out = user_add(
            dir.path(),
            &["--username", name, "--role", "admin"],
            "a-good-password",
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let disabled = ecredit(dir.path())
        .args(["user", "disable", "--username", "auditor2"])
        .output()
        .unwrap();
    assert!(disabled.status.success());
    let verify = || {
        ecredit(dir.path())
            .args(["audit", "verify"])
            .output()
            .unwrap()
    };

    let intact = verify();
    let stdout = String::from_utf8_lossy(&intact.stdout);
    assert_eq!(intact.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.starts_with("audit log intact: 4 entries, head "),
        "{stdout}"
    );

    // Console changes are in the log like API calls.
    let db = dir.path().join("ecredit.db");
    let mut conn = SqliteConnection::establish(db.to_str().unwrap()).unwrap();
    conn.batch_execute(
        "DROP TRIGGER audit_log_no_update; \
         UPDATE audit_log SET target = 'admin auditor9' WHERE seq = 2 AND action = 'CLI user add'",
    )
    .unwrap();
    let broken = verify();
    let stdout = String::from_utf8_lossy(&broken.stdout);
    assert_eq!(broken.status.code(), Some(1), "{stdout}");
    assert_eq!(
        stdout.trim(),
        "BROKEN at entry 2: entry 2 was altered: its hash does not match its contents"
    );
}

/// Started from a folder without `models/` (as a binary installed with `cargo install` is), the
/// service still grades: it registers and activates the built-in default model.
#[test]
fn without_a_models_directory_the_built_in_default_model_is_active() {
    let data_dir = tempfile::tempdir().unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    let out = ecredit(data_dir.path())
        .current_dir(elsewhere.path())
        .args(["model", "list"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let listing = String::from_utf8(out.stdout).unwrap();
    let default = std::fs::read_to_string("models/ACTIVE").unwrap();
    let active: Vec<&str> = listing
        .lines()
        .filter(|line| line.split_whitespace().nth(1) == Some("yes"))
        .collect();
    assert_eq!(active.len(), 1, "{listing}");
    assert!(active[0].starts_with(default.trim()), "{listing}");
}

#[test]
fn a_challenger_is_compared_and_activated_with_a_reason() {
    let data_dir = tempfile::tempdir().unwrap();
    let models_dir = tempfile::tempdir().unwrap();
    let active = std::fs::read_to_string("models/ACTIVE").unwrap();
    let champion = active.trim();
    std::fs::copy(
        format!("models/{champion}.json"),
        models_dir.path().join(format!("{champion}.json")),
    )
    .unwrap();
    std::fs::write(models_dir.path().join("ACTIVE"), &active).unwrap();
    let run = |args: &[&str]| {
        let out = ecredit(data_dir.path())
            .arg("--models-dir")
            .arg(models_dir.path())
            .args(args)
            .output()
            .unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (ok, _, stderr) = run(&["demo", "seed", "--enterprises", "150", "--seed", "5"]);
    assert!(ok, "{stderr}");
    let (ok, stdout, stderr) = run(&["model", "train", "--from-db", "--seed", "9"]);
    assert!(ok, "{stderr}");
    let trained: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let challenger = trained["version"].as_str().unwrap().to_string();

    // Replacing the champion needs a comparison first, and a reason.
    let (ok, _, stderr) = run(&["model", "activate", &challenger]);
    assert!(!ok);
    assert!(stderr.contains("--reason"), "{stderr}");
    let (ok, _, stderr) = run(&["model", "activate", &challenger, "--reason", "better"]);
    assert!(!ok);
    assert!(stderr.contains("model compare"), "{stderr}");

    let (ok, stdout, stderr) = run(&["model", "compare", &challenger]);
    assert!(ok, "{stderr}");
    let compared: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let comparison = &compared["comparison"];
    assert_eq!(comparison["champion"], champion);
    assert_eq!(comparison["challenger"], challenger.as_str());
    assert_eq!(comparison["population"]["migration"]["enterprises"], 150);
    assert_eq!(comparison["holdout"]["same_as_training"], true);

    let (ok, stdout, stderr) = run(&["model", "activate", &challenger, "--reason", "better"]);
    assert!(ok, "{stderr}");
    assert!(stdout.contains("is active"), "{stdout}");
    let (_, listing, _) = run(&["model", "list"]);
    let active: Vec<&str> = listing
        .lines()
        .filter(|line| line.split_whitespace().nth(1) == Some("yes"))
        .collect();
    assert_eq!(active.len(), 1, "{listing}");
    assert!(active[0].starts_with(&challenger), "{listing}");
    // The activation is in the audit chain, which still verifies.
    let (ok, stdout, stderr) = run(&["audit", "verify"]);
    assert!(ok, "{stdout}{stderr}");
}
