//! Statement validation tables, part 1b: actors, Agents, Groups, IFIs, accounts, verbs and
//! language maps (ADL suite `actors.js`, `agents.js`, `groups.js`, `ifis.js`,
//! `accountobjects.js`, `verbs.js`, `languages.js`).

use serde_json::json;

use crate::common::{base, set, unset};
use crate::statements::{bad, check, good};

#[test]
fn actors_agents_and_ifis() {
    let b = base();
    let mbox = "/actor/mbox";
    check(&[
        good("agent without objectType", unset(&b, "/actor/objectType")),
        good(
            "mbox_sha1sum",
            set(
                &unset(&b, mbox),
                "/actor/mbox_sha1sum",
                json!("cd9b00a5611f94eaa7b1661edab976068e364975"),
            ),
        ),
        good(
            "openid",
            set(
                &unset(&b, mbox),
                "/actor/openid",
                json!("http://openid.example.org/12345"),
            ),
        ),
        good(
            "account",
            set(
                &unset(&b, mbox),
                "/actor/account",
                json!({"homePage": "http://www.example.com", "name": "xAPI account name"}),
            ),
        ),
        bad(
            "objectType agent lowercase",
            set(&b, "/actor/objectType", json!("agent")),
            "statement.actor.objectType",
        ),
        bad(
            "objectType group lowercase",
            set(&b, "/actor/objectType", json!("group")),
            "statement.actor.objectType",
        ),
        bad(
            "objectType not string",
            set(&b, "/actor/objectType", json!({"a": 1})),
            "statement.actor.objectType",
        ),
        bad(
            "name not string",
            set(&b, "/actor/name", json!(12)),
            "statement.actor.name",
        ),
        bad("no IFI", unset(&b, mbox), "statement.actor"),
        bad(
            "mbox and openid",
            set(&b, "/actor/openid", json!("http://openid.example.org/1")),
            "statement.actor.openid",
        ),
        bad(
            "mbox and account",
            set(
                &b,
                "/actor/account",
                json!({"homePage": "http://x.com", "name": "n"}),
            ),
            "statement.actor.account",
        ),
        bad(
            "mbox and sha1sum",
            set(
                &b,
                "/actor/mbox_sha1sum",
                json!("cd9b00a5611f94eaa7b1661edab976068e364975"),
            ),
            "statement.actor.mbox_sha1sum",
        ),
        bad(
            "mbox without mailto",
            set(&b, mbox, json!("xapi@adlnet.gov")),
            "statement.actor.mbox",
        ),
        bad(
            "mbox not an address",
            set(&b, mbox, json!("mailto:xapi")),
            "statement.actor.mbox",
        ),
        bad(
            "mbox_sha1sum not string",
            set(&unset(&b, mbox), "/actor/mbox_sha1sum", json!(1)),
            "statement.actor.mbox_sha1sum",
        ),
        bad(
            "mbox_sha1sum not hex",
            set(&unset(&b, mbox), "/actor/mbox_sha1sum", json!("not a sha1")),
            "statement.actor.mbox_sha1sum",
        ),
        bad(
            "openid not URI",
            set(&unset(&b, mbox), "/actor/openid", json!("not a uri")),
            "statement.actor.openid",
        ),
        bad(
            "account without homePage",
            set(&unset(&b, mbox), "/actor/account", json!({"name": "n"})),
            "statement.actor.account.homePage",
        ),
        bad(
            "account without name",
            set(
                &unset(&b, mbox),
                "/actor/account",
                json!({"homePage": "http://x.com"}),
            ),
            "statement.actor.account.name",
        ),
        bad(
            "account homePage not IRL",
            set(
                &unset(&b, mbox),
                "/actor/account",
                json!({"homePage": "x", "name": "n"}),
            ),
            "statement.actor.account.homePage",
        ),
        bad(
            "account name not string",
            set(
                &unset(&b, mbox),
                "/actor/account",
                json!({"homePage": "http://x.com", "name": 1}),
            ),
            "statement.actor.account.name",
        ),
        bad(
            "account extra key",
            set(
                &unset(&b, mbox),
                "/actor/account",
                json!({"homePage": "http://x.com", "name": "n", "x": 1}),
            ),
            "statement.actor.account.x",
        ),
    ]);
}
#[test]
fn groups() {
    let b = base();
    let member = json!({"mbox": "mailto:member@example.com"});
    let anon = json!({"objectType": "Group", "name": "team", "member": [member.clone()]});
    let identified = json!({"objectType": "Group", "mbox": "mailto:group@example.com"});
    check(&[
        good("anonymous group", set(&b, "/actor", anon.clone())),
        good(
            "identified group without members",
            set(&b, "/actor", identified.clone()),
        ),
        good(
            "identified group with members",
            set(
                &set(&b, "/actor", identified.clone()),
                "/actor/member",
                json!([member.clone()]),
            ),
        ),
        good("group as object", set(&b, "/object", anon.clone())),
        bad(
            "anonymous group without member",
            set(&b, "/actor", json!({"objectType": "Group", "name": "x"})),
            "statement.actor.member",
        ),
        bad(
            "member not array",
            set(
                &b,
                "/actor",
                json!({"objectType": "Group", "member": member.clone()}),
            ),
            "statement.actor.member",
        ),
        bad(
            "member is a group",
            set(
                &b,
                "/actor",
                json!({"objectType": "Group", "member": [anon.clone()]}),
            ),
            "statement.actor.member[0].objectType",
        ),
        bad(
            "member without IFI",
            set(
                &b,
                "/actor",
                json!({"objectType": "Group", "member": [{"name": "x"}]}),
            ),
            "statement.actor.member[0]",
        ),
        bad(
            "group with two IFIs",
            set(
                &set(&b, "/actor", identified.clone()),
                "/actor/openid",
                json!("http://o.example.com/1"),
            ),
            "statement.actor.openid",
        ),
        bad(
            "team not a group",
            set(&b, "/context/team", member.clone()),
            "statement.context.team.objectType",
        ),
    ]);
}
#[test]
fn verbs_and_language_maps() {
    let b = base();
    check(&[
        good("verb without display", unset(&b, "/verb/display")),
        good(
            "display with region and script",
            set(
                &b,
                "/verb/display",
                json!({"zh-Hant-TW": "x", "es-419": "y", "und": "z"}),
            ),
        ),
        bad(
            "verb without id",
            unset(&b, "/verb/id"),
            "statement.verb.id",
        ),
        bad(
            "verb id not IRI",
            set(&b, "/verb/id", json!("attended")),
            "statement.verb.id",
        ),
        bad(
            "verb id numeric",
            set(&b, "/verb/id", json!(1)),
            "statement.verb.id",
        ),
        bad(
            "display not a map",
            set(&b, "/verb/display", json!("attended")),
            "statement.verb.display",
        ),
        bad(
            "display bad tag",
            set(&b, "/verb/display", json!({"a12345": "x"})),
            "statement.verb.display.a12345",
        ),
        bad(
            "display value not string",
            set(&b, "/verb/display", json!({"en-US": 1})),
            "statement.verb.display.en-US",
        ),
        bad(
            "verb extra key",
            set(&b, "/verb/foo", json!(1)),
            "statement.verb.foo",
        ),
        bad(
            "voiding statement needs a StatementRef",
            set(
                &b,
                "/verb/id",
                json!("http://adlnet.gov/expapi/verbs/voided"),
            ),
            "statement.object",
        ),
        good(
            "voiding statement",
            set(
                &set(
                    &b,
                    "/verb/id",
                    json!("http://adlnet.gov/expapi/verbs/voided"),
                ),
                "/object",
                json!({"objectType": "StatementRef", "id": "ec531277-b57b-4c15-8d91-d292c5b2b8f7"}),
            ),
        ),
    ]);
}
