//! API client commands (`larch learners`, `larch courses`, `larch registrations`,
//! `larch launch`): thin calls to the REST API at `LARCH_URL` with `LARCH_API_KEY`.

mod import;

use anyhow::Context as _;
use serde_json::{Value, json};
use std::process::ExitCode;

/// Where the API is and which key to use.
#[derive(Debug, Clone, clap::Args)]
pub struct Connection {
    /// API origin.
    #[arg(long, env = "LARCH_URL", default_value = "http://127.0.0.1:8080")]
    url: String,
    /// API key (`sk_test_…` or `sk_live_…`).
    #[arg(long, env = "LARCH_API_KEY", hide_env_values = true)]
    api_key: String,
}

/// `larch learners …`.
#[derive(Debug, clap::Args)]
pub struct LearnersArgs {
    #[command(flatten)]
    connection: Connection,
    #[command(subcommand)]
    command: LearnersCommand,
}

#[derive(Debug, clap::Subcommand)]
enum LearnersCommand {
    /// Create a learner.
    Create(LearnerFields),
    /// List learners, newest first.
    List {
        /// How many, 1 to 100.
        #[arg(long, default_value_t = 10)]
        limit: u32,
    },
}

/// The fields of a learner on the command line.
#[derive(Debug, Clone, clap::Args)]
struct LearnerFields {
    /// Your id for the learner (generated when absent).
    #[arg(long)]
    id: Option<String>,
    /// Given name.
    #[arg(long)]
    first_name: String,
    /// Family name.
    #[arg(long)]
    last_name: String,
    /// Email address.
    #[arg(long)]
    email: Option<String>,
}

impl LearnerFields {
    fn to_json(&self) -> Value {
        json!({"id": self.id, "first_name": self.first_name, "last_name": self.last_name, "email": self.email})
    }
}

/// `larch courses …`.
#[derive(Debug, clap::Args)]
pub struct CoursesArgs {
    #[command(flatten)]
    connection: Connection,
    #[command(subcommand)]
    command: CoursesCommand,
}

#[derive(Debug, clap::Subcommand)]
enum CoursesCommand {
    /// Import a package (a zip or a file, streamed) or a URL: a new course, or a new version
    /// of `--id`. Prints the import job; with `--wait`, follows it to the end (exit 2 when the
    /// package is rejected).
    Import {
        /// Path of the package, or its `http(s)` URL.
        source: String,
        /// The course id (a new version when it exists).
        #[arg(long)]
        id: Option<String>,
        /// Wait for the import to end, with a progress bar.
        #[arg(long)]
        wait: bool,
    },
    /// List courses, newest first.
    List {
        /// How many, 1 to 100.
        #[arg(long, default_value_t = 10)]
        limit: u32,
    },
}

/// `larch registrations …`.
#[derive(Debug, clap::Args)]
pub struct RegistrationsArgs {
    #[command(flatten)]
    connection: Connection,
    #[command(subcommand)]
    command: RegistrationsCommand,
}

#[derive(Debug, clap::Subcommand)]
enum RegistrationsCommand {
    /// Register a learner on a course.
    Create {
        /// Your id for the registration (generated when absent).
        #[arg(long)]
        id: Option<String>,
        /// The course.
        #[arg(long)]
        course: String,
        /// An existing learner's id.
        #[arg(long)]
        learner: String,
    },
}

/// `larch launch <registration>`.
#[derive(Debug, clap::Args)]
pub struct LaunchArgs {
    #[command(flatten)]
    connection: Connection,
    /// The registration to launch.
    registration: String,
}

/// Runs `larch learners …`.
pub fn learners(args: &LearnersArgs) -> anyhow::Result<ExitCode> {
    match &args.command {
        LearnersCommand::Create(fields) => call(
            &args.connection,
            "POST",
            "/v1/learners",
            Some(fields.to_json()),
        ),
        LearnersCommand::List { limit } => call(
            &args.connection,
            "GET",
            &format!("/v1/learners?limit={limit}"),
            None,
        ),
    }
}

/// Runs `larch courses …`.
pub fn courses(args: &CoursesArgs) -> anyhow::Result<ExitCode> {
    match &args.command {
        CoursesCommand::Import { source, id, wait } => {
            import::run(&args.connection, source, id.as_deref(), *wait)
        }
        CoursesCommand::List { limit } => call(
            &args.connection,
            "GET",
            &format!("/v1/courses?limit={limit}"),
            None,
        ),
    }
}

/// Runs `larch registrations …`.
pub fn registrations(args: &RegistrationsArgs) -> anyhow::Result<ExitCode> {
    match &args.command {
        RegistrationsCommand::Create {
            id,
            course,
            learner,
        } => {
            let body = json!({"id": id, "course_id": course, "learner_id": learner});
            call(&args.connection, "POST", "/v1/registrations", Some(body))
        }
    }
}

/// Runs `larch launch`: prints the single-use URL alone, for scripts (`open "$(larch launch r1)"`).
pub fn launch(args: &LaunchArgs) -> anyhow::Result<ExitCode> {
    let path = format!(
        "/v1/registrations/{}/launch",
        percent_encode(&args.registration)
    );
    let (ok, body) = request(&args.connection, "POST", &path, None)?;
    if !ok {
        return Ok(report_error(&body));
    }
    println!(
        "{}",
        body["url"]
            .as_str()
            .context("launch response without url")?
    );
    Ok(ExitCode::SUCCESS)
}

/// Sends one request and prints the JSON answer (or the error) for people.
fn call(
    connection: &Connection,
    method: &str,
    path: &str,
    body: Option<Value>,
) -> anyhow::Result<ExitCode> {
    let (ok, answer) = request(connection, method, path, body)?;
    if !ok {
        return Ok(report_error(&answer));
    }
    println!("{}", serde_json::to_string_pretty(&answer)?);
    Ok(ExitCode::SUCCESS)
}

fn report_error(answer: &Value) -> ExitCode {
    let error = &answer["error"];
    let param = error["param"]
        .as_str()
        .map(|p| format!(" ({p})"))
        .unwrap_or_default();
    eprintln!(
        "error: {}{param} [{}; request {}]",
        error["message"].as_str().unwrap_or("unexpected answer"),
        error["code"].as_str().unwrap_or("?"),
        error["request_id"].as_str().unwrap_or("?")
    );
    ExitCode::FAILURE
}

/// One API call with a fresh idempotency key on POST, so a retried command cannot act twice.
fn request(
    connection: &Connection,
    method: &str,
    path: &str,
    body: Option<Value>,
) -> anyhow::Result<(bool, Value)> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let url = format!("{}{path}", connection.url.trim_end_matches('/'));
        let method = reqwest::Method::from_bytes(method.as_bytes())?;
        let mut req = reqwest::Client::new()
            .request(method.clone(), &url)
            .bearer_auth(&connection.api_key);
        if method == reqwest::Method::POST {
            req = req.header("Idempotency-Key", larch_store::ids::random_base62(24));
        }
        if let Some(body) = body {
            req = req.json(&strip_nulls(body));
        }
        let res = req
            .send()
            .await
            .with_context(|| format!("cannot reach {url}"))?;
        let ok = res.status().is_success();
        let answer: Value = res
            .json()
            .await
            .context("the server's answer is not JSON")?;
        Ok((ok, answer))
    })
}

/// Drops absent optional fields, so the server applies its defaults.
fn strip_nulls(body: Value) -> Value {
    match body {
        Value::Object(map) => {
            Value::Object(map.into_iter().filter(|(_, v)| !v.is_null()).collect())
        }
        other => other,
    }
}

fn percent_encode(segment: &str) -> String {
    percent_encoding::utf8_percent_encode(segment, percent_encoding::NON_ALPHANUMERIC).to_string()
}
