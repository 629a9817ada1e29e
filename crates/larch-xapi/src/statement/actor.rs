//! Actors: Agents, Groups, inverse functional identifiers (xAPI-Data 2.4.2).

use serde::Serialize;
use serde_json::Value;

use crate::error::{Path, Valid};
use crate::json::{Obj, array};
use crate::primitives::{Iri, is_mailto_iri};

/// An inverse functional identifier: the one property that identifies an Agent or an
/// identified Group (xAPI-Data 2.4.2.3).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub enum Ifi {
    /// `mbox`: a `mailto:` IRI.
    #[serde(rename = "mbox")]
    Mbox(String),
    /// `mbox_sha1sum`: hex SHA-1 of a `mailto:` IRI (stored lowercase).
    #[serde(rename = "mbox_sha1sum")]
    MboxSha1Sum(String),
    /// `openid`: a URI.
    #[serde(rename = "openid")]
    OpenId(Iri),
    /// `account`: an account on an existing system (xAPI-Data 2.4.2.4).
    #[serde(rename = "account")]
    Account(Account),
}

/// An account on an existing system (xAPI-Data 2.4.2.4).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Account {
    /// The canonical home page of the system (an IRL).
    #[serde(rename = "homePage")]
    pub home_page: Iri,
    /// The unique id or name of the account on that system.
    pub name: String,
}

/// An individual (xAPI-Data 2.4.2.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Agent {
    /// `"Agent"` when the statement gave it (kept so `exact` returns what was received).
    #[serde(rename = "objectType", skip_serializing_if = "Option::is_none")]
    pub object_type: Option<AgentTag>,
    /// Full name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The identifying property.
    #[serde(flatten)]
    pub ifi: Ifi,
}

/// Serializes as `"Agent"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub enum AgentTag {
    /// `"Agent"`.
    #[default]
    Agent,
}

/// Serializes as `"Group"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub enum GroupTag {
    /// `"Group"`.
    #[default]
    Group,
}

/// A collection of Agents, anonymous (no IFI, members required) or identified
/// (xAPI-Data 2.4.2.2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Group {
    /// Always `"Group"` when serialized.
    #[serde(rename = "objectType")]
    pub object_type: GroupTag,
    /// Name of the group.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Identifier of an identified Group; `None` for an anonymous Group.
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub ifi: Option<Ifi>,
    /// The members (unordered, xAPI-Data 2.3.1).
    #[serde(rename = "member", skip_serializing_if = "Vec::is_empty")]
    pub members: Vec<Agent>,
}

/// Who the statement is about, or an Agent/Group in another role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Actor {
    /// An individual.
    Agent(Agent),
    /// A group.
    Group(Group),
}

impl Ifi {
    /// A stable key for indexing and matching: `mbox:mailto:a@b`, `mbox_sha1sum:<hex>`,
    /// `openid:<uri>` or `account:<homePage> <name>`. Case-insensitive parts (the mailto
    /// scheme's domain, the SHA-1 hex) are lowercased (xAPI-Data 2.3.1 case exception).
    pub fn key(&self) -> String {
        match self {
            Ifi::Mbox(mbox) => match mbox.rsplit_once('@') {
                Some((local, domain)) => format!("mbox:{local}@{}", domain.to_ascii_lowercase()),
                None => format!("mbox:{mbox}"),
            },
            Ifi::MboxSha1Sum(sum) => format!("mbox_sha1sum:{}", sum.to_ascii_lowercase()),
            Ifi::OpenId(uri) => format!("openid:{uri}"),
            // IRIs cannot contain spaces, so the separator is unambiguous.
            Ifi::Account(acct) => format!("account:{} {}", acct.home_page, acct.name),
        }
    }
}

impl Actor {
    /// The IFI of the Agent or identified Group; `None` for an anonymous Group.
    pub fn ifi(&self) -> Option<&Ifi> {
        match self {
            Actor::Agent(agent) => Some(&agent.ifi),
            Actor::Group(group) => group.ifi.as_ref(),
        }
    }

    /// Every IFI key this actor matches in an `agent` query: its own and, for a Group, its
    /// members' (xAPI-Communication 2.1.3 `agent` filter matches Groups and their members
    /// only with `related_agents`; the store decides which to use).
    pub fn keys(&self) -> Vec<String> {
        let mut keys: Vec<String> = self.ifi().map(Ifi::key).into_iter().collect();
        if let Actor::Group(group) = self {
            keys.extend(group.members.iter().map(|m| m.ifi.key()));
        }
        keys
    }
}

const IFI_KEYS: [&str; 4] = ["mbox", "mbox_sha1sum", "openid", "account"];

/// xAPI-Data 2.4.2.3: at most one IFI; returns it if present.
fn parse_ifi(obj: &Obj<'_, '_>) -> Valid<Option<Ifi>> {
    let mut present = IFI_KEYS.iter().filter(|k| obj.get(k).is_some());
    let Some(&key) = present.next() else {
        return Ok(None);
    };
    if let Some(other) = present.next() {
        return Err(obj.path.key(other).err(format!(
            "only one inverse functional identifier is allowed, {key} is also given"
        )));
    }
    let path = obj.path.key(key);
    let ifi = match key {
        "mbox" => {
            let mbox = obj.req_str("mbox")?;
            if !is_mailto_iri(mbox) {
                return Err(path.err("must be a mailto IRI (mailto:name@domain)"));
            }
            Ifi::Mbox(mbox.to_owned())
        }
        "mbox_sha1sum" => {
            let sum = obj.req_str("mbox_sha1sum")?;
            if sum.len() != 40 || !sum.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(path.err("must be a hex-encoded SHA-1 (40 hex digits)"));
            }
            Ifi::MboxSha1Sum(sum.to_ascii_lowercase())
        }
        "openid" => Ifi::OpenId(
            Iri::parse(obj.req_str("openid")?).ok_or_else(|| path.err("must be a URI"))?,
        ),
        _ => Ifi::Account(parse_account(obj.req("account")?, &path)?),
    };
    Ok(Some(ifi))
}

/// xAPI-Data 2.4.2.4: `{homePage: IRL, name: string}`, both required.
fn parse_account(value: &Value, path: &Path<'_>) -> Valid<Account> {
    let obj = Obj::new(value, path)?;
    obj.allow(&["homePage", "name"])?;
    let home_page = Iri::parse(obj.req_str("homePage")?)
        .ok_or_else(|| path.key("homePage").err("must be an IRL"))?;
    Ok(Account {
        home_page,
        name: obj.req_str("name")?.to_owned(),
    })
}

/// xAPI-Data 2.4.2.1: an Agent (`objectType` absent or `"Agent"`), exactly one IFI.
pub(crate) fn parse_agent(value: &Value, path: &Path<'_>) -> Valid<Agent> {
    let obj = Obj::new(value, path)?;
    if let Some(kind) = obj.object_type()?
        && kind != "Agent"
    {
        return Err(path.key("objectType").err("must be \"Agent\""));
    }
    obj.allow(&[
        "objectType",
        "name",
        "mbox",
        "mbox_sha1sum",
        "openid",
        "account",
    ])?;
    let name = obj.str("name")?.map(str::to_owned);
    let ifi = parse_ifi(&obj)?.ok_or_else(|| {
        path.err("an Agent needs exactly one of mbox, mbox_sha1sum, openid, account")
    })?;
    Ok(Agent {
        object_type: obj.object_type()?.map(|_| AgentTag::Agent),
        name,
        ifi,
    })
}

/// xAPI-Data 2.4.2.2: a Group (`objectType` must be `"Group"`); anonymous Groups need
/// `member`; members are Agents.
pub(crate) fn parse_group(value: &Value, path: &Path<'_>) -> Valid<Group> {
    let obj = Obj::new(value, path)?;
    if obj.object_type()? != Some("Group") {
        return Err(path.key("objectType").err("must be \"Group\""));
    }
    obj.allow(&[
        "objectType",
        "name",
        "member",
        "mbox",
        "mbox_sha1sum",
        "openid",
        "account",
    ])?;
    let name = obj.str("name")?.map(str::to_owned);
    let ifi = parse_ifi(&obj)?;
    let member_path = path.key("member");
    let members = match obj.get("member") {
        Some(list) => array(list, &member_path)?
            .iter()
            .enumerate()
            .map(|(i, m)| parse_agent(m, &member_path.index(i)))
            .collect::<Valid<Vec<_>>>()?,
        None if ifi.is_none() => return Err(member_path.err("is required for an anonymous Group")),
        None => Vec::new(),
    };
    if ifi.is_none() && members.is_empty() {
        return Err(member_path.err("an anonymous Group needs at least one member"));
    }
    Ok(Group {
        object_type: GroupTag::Group,
        name,
        ifi,
        members,
    })
}

/// xAPI-Data 2.4.2: an Agent or a Group, by `objectType`.
pub(crate) fn parse_actor(value: &Value, path: &Path<'_>) -> Valid<Actor> {
    let obj = Obj::new(value, path)?;
    match obj.object_type()? {
        None | Some("Agent") => parse_agent(value, path).map(Actor::Agent),
        Some("Group") => parse_group(value, path).map(Actor::Group),
        Some(_) => Err(path.key("objectType").err("must be \"Agent\" or \"Group\"")),
    }
}

/// Parses a JSON Agent or Group given as a request parameter (`agent=` of GET /statements and
/// the document resources), with the same rules as in statements (xAPI-Data 2.2).
pub fn parse_actor_param(value: &Value, param: &str) -> Valid<Actor> {
    parse_actor(value, &Path::Root(param))
}

/// Parses a JSON Agent given as a request parameter (document resources' `agent`).
pub fn parse_agent_param(value: &Value, param: &str) -> Valid<Agent> {
    parse_agent(value, &Path::Root(param))
}

/// Parses the JSON text of an `agent` request parameter (GET /statements, the State and Agent
/// Profile resources, GET /agents): an Agent or an identified Group; an anonymous Group has
/// no identifier to match and is rejected (Communication 2.1.3, 2.3, 2.4, 2.6).
pub fn parse_agent_json(raw: &str, param: &str) -> Valid<Actor> {
    let root = Path::Root(param);
    let value: Value = serde_json::from_str(raw).map_err(|_| root.err("must be a JSON Agent"))?;
    let actor = parse_actor(&value, &root)?;
    if actor.ifi().is_none() {
        return Err(root.err("must be an Agent or an identified Group"));
    }
    Ok(actor)
}
