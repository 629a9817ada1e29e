//! The requests each benchmark scenario sends.

use super::LrsArgs;
use reqwest::{Client, RequestBuilder, StatusCode};
use serde_json::{Value, json};

/// Agents the statements are spread over (GET by agent asks for one of them).
pub(super) const AGENTS: u64 = 50;
/// The parent activity every statement has in its context (GET with `related_activities`).
const COURSE: &str = "http://example.com/larch-bench/course";
/// The verb of every scenario statement (and of some background ones).
const VERB: &str = "http://adlnet.gov/expapi/verbs/answered";
/// The registration of every scenario statement.
const REGISTRATION: &str = "ec531277-b57b-4c15-8d91-d292c5b2b8f7";

/// One benchmark scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Scenario {
    Post,
    Batch,
    Get,
    Agent,
    Activity,
    Verb,
    Registration,
    More,
    State,
}

impl Scenario {
    pub(super) const ALL: [Scenario; 9] = [
        Scenario::Post,
        Scenario::Batch,
        Scenario::Get,
        Scenario::Agent,
        Scenario::Activity,
        Scenario::Verb,
        Scenario::Registration,
        Scenario::More,
        Scenario::State,
    ];

    /// The name given to `--scenario`.
    pub(super) fn name(self) -> &'static str {
        match self {
            Self::Post => "post",
            Self::Batch => "batch",
            Self::Get => "get",
            Self::Agent => "agent",
            Self::Activity => "activity",
            Self::Verb => "verb",
            Self::Registration => "registration",
            Self::More => "more",
            Self::State => "state",
        }
    }

    /// The line printed.
    pub(super) fn label(self) -> &'static str {
        match self {
            Self::Post => "POST 1 statement",
            Self::Batch => "POST 100 statements",
            Self::Get => "GET limit=10",
            Self::Agent => "GET agent limit=10",
            Self::Activity => "GET activity+related limit=10",
            Self::Verb => "GET verb limit=10",
            Self::Registration => "GET registration limit=10",
            Self::More => "GET activity+related page 2",
            Self::State => "state PUT+GET",
        }
    }
}

/// The LRS under test.
pub(super) struct Target {
    client: Client,
    url: String,
    user: String,
    password: String,
    version: String,
}

impl Target {
    pub(super) fn new(args: &LrsArgs) -> anyhow::Result<Self> {
        let client = Client::builder()
            .pool_max_idle_per_host(args.target.concurrency * 2)
            .build()?;
        Ok(Self {
            client,
            url: args.target.url.trim_end_matches('/').to_owned(),
            user: args.target.user.clone(),
            password: args.target.password.clone(),
            version: args.target.xapi_version.clone(),
        })
    }

    fn request(&self, method: reqwest::Method, path: &str) -> RequestBuilder {
        self.client
            .request(method, format!("{}{path}", self.url))
            .basic_auth(&self.user, Some(&self.password))
            .header("X-Experience-API-Version", &self.version)
    }

    /// Stores a first batch so that the read scenarios find statements; fails early on a
    /// wrong URL or credential.
    pub(super) async fn seed(&self) -> anyhow::Result<()> {
        let batch: Vec<Value> = (0..100).map(|i| statement(i % AGENTS, i)).collect();
        let res = self
            .request(reqwest::Method::POST, "/statements")
            .json(&batch)
            .send()
            .await?;
        anyhow::ensure!(
            res.status().is_success(),
            "seeding the LRS failed: {}",
            res.status()
        );
        Ok(())
    }

    /// One request (or, for `state`, a PUT and a GET) of `scenario`; an error for anything
    /// but a success status.
    pub(super) async fn call(
        &self,
        scenario: Scenario,
        worker: usize,
        i: u64,
    ) -> anyhow::Result<()> {
        let n = (worker as u64) * 1_000_003 + i;
        let status = match scenario {
            Scenario::Post => self.post(&statement(n % AGENTS, n)).await?,
            Scenario::Batch => {
                let batch: Vec<Value> = (0..100).map(|k| statement((n + k) % AGENTS, n)).collect();
                self.post(&Value::Array(batch)).await?
            }
            Scenario::Get => self.get("/statements?limit=10").await?,
            Scenario::Agent => {
                let agent = json!({"mbox": format!("mailto:learner{}@example.com", n % AGENTS)});
                let query = format!("/statements?limit=10&agent={}", encode(&agent.to_string()));
                self.get(&query).await?
            }
            Scenario::Activity => {
                let query = format!(
                    "/statements?limit=10&related_activities=true&activity={}",
                    encode(COURSE)
                );
                self.get(&query).await?
            }
            Scenario::Verb => {
                self.get(&format!("/statements?limit=10&verb={}", encode(VERB)))
                    .await?
            }
            Scenario::Registration => {
                self.get(&format!("/statements?limit=10&registration={REGISTRATION}"))
                    .await?
            }
            Scenario::More => return self.second_page(n).await,
            Scenario::State => return self.state(n).await,
        };
        check(status)
    }

    /// POSTs statements; an error unless the LRS accepts them.
    pub(super) async fn post_ok(&self, body: &Value) -> anyhow::Result<()> {
        check(self.post(body).await?)
    }

    /// POSTs statements; the status once the whole answer is read.
    async fn post(&self, body: &Value) -> reqwest::Result<StatusCode> {
        let res = self
            .request(reqwest::Method::POST, "/statements")
            .json(body)
            .send()
            .await?;
        let status = res.status();
        let _ = res.bytes().await?;
        Ok(status)
    }

    /// GETs a path; the status once the whole body is read (the latency is to the last byte).
    async fn get(&self, path: &str) -> reqwest::Result<StatusCode> {
        let res = self.request(reqwest::Method::GET, path).send().await?;
        let status = res.status();
        let _ = res.bytes().await?;
        Ok(status)
    }

    /// GET by activity with `related_activities` and `limit=5`, then the `more` page it links
    /// (two requests; `_n` keeps the signature of the others).
    async fn second_page(&self, _n: u64) -> anyhow::Result<()> {
        let query = format!(
            "/statements?limit=5&related_activities=true&activity={}",
            encode(COURSE)
        );
        let res = self.request(reqwest::Method::GET, &query).send().await?;
        check(res.status())?;
        let page: Value = res.json().await?;
        let more = page["more"].as_str().unwrap_or_default();
        let Some(path) = more.split_once("/statements").map(|(_, rest)| rest) else {
            anyhow::bail!("no more link on a full page");
        };
        check(self.get(&format!("/statements{path}")).await?)
    }

    async fn state(&self, n: u64) -> anyhow::Result<()> {
        let agent = json!({"mbox": format!("mailto:learner{}@example.com", n % AGENTS)});
        let path = format!(
            "/activities/state?activityId={}&agent={}&stateId=bookmark-{n}",
            encode(COURSE),
            encode(&agent.to_string())
        );
        let put = self
            .request(reqwest::Method::PUT, &path)
            .header("If-None-Match", "*")
            .json(&json!({"location": n, "suspend_data": "x".repeat(512)}))
            .send()
            .await?;
        check(put.status())?;
        check(self.get(&path).await?)
    }
}

fn check(status: StatusCode) -> anyhow::Result<()> {
    anyhow::ensure!(status.is_success(), "status {status}");
    Ok(())
}

fn encode(raw: &str) -> String {
    percent_encoding::utf8_percent_encode(raw, percent_encoding::NON_ALPHANUMERIC).to_string()
}

/// A typical statement: an answered question in a course, by one of the agents; what every
/// read scenario's filter matches.
pub(super) fn statement(agent: u64, n: u64) -> Value {
    json!({
        "actor": {"objectType": "Agent", "name": format!("Learner {agent}"), "mbox": format!("mailto:learner{agent}@example.com")},
        "verb": {"id": VERB, "display": {"en-US": "answered"}},
        "object": {
            "objectType": "Activity",
            "id": format!("http://example.com/larch-bench/question/{}", n % 20),
            "definition": {"type": "http://adlnet.gov/expapi/activities/cmi.interaction", "interactionType": "choice", "correctResponsesPattern": ["golf"], "choices": [{"id": "golf", "description": {"en-US": "Golf"}}, {"id": "tetris", "description": {"en-US": "Tetris"}}]}
        },
        "result": {"success": true, "response": "golf", "score": {"scaled": 0.9}, "duration": "PT12S"},
        "context": {
            "registration": REGISTRATION,
            "contextActivities": {"parent": [{"id": COURSE, "objectType": "Activity"}]}
        }
    })
}
