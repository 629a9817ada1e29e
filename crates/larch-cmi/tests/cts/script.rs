//! Decoding of the CTS command scripts, following the Test Suite's
//! `LMSParser.java` (grammar `CMD->element[!value]->expected->errorcode`,
//! abbreviations from `resources/Commands.properties`).

use std::collections::HashMap;

/// `Commands.properties`: abbreviation → text. Unknown keys decode to
/// themselves, as in the Test Suite's `Resources.getString`.
pub struct Decoder(pub HashMap<String, String>);

impl Decoder {
    pub fn get(&self, key: &str) -> String {
        self.0.get(key).cloned().unwrap_or_else(|| key.to_owned())
    }

    fn get_fmt(&self, key: &str, arg: &str) -> String {
        self.0
            .get(key)
            .map_or_else(|| key.to_owned(), |f| f.replace("%s", arg))
    }
}

/// The commands `LMSParser.parseCommands` recognizes.
pub const KNOWN: &[&str] = &["I", "T", "C", "GET", "SET", "GES", "GLE", "GeDi", "COI"];

/// One scripted API call with its expected result.
#[derive(Debug, Clone)]
pub struct Call {
    pub api: String,
    /// `element` or `element!value` (SET) or the argument (I, C, GES, GeDi, COI).
    pub param: String,
    pub expected: String,
    pub code: String,
    pub raw: String,
}

pub fn parse(line: &str, d: &Decoder) -> Call {
    let parts: Vec<&str> = line.split("->").collect();
    let api = parts[0].to_owned();
    let last = parts.last().copied().unwrap_or_default().to_owned();
    let mut call = Call {
        api: api.clone(),
        param: String::new(),
        expected: String::new(),
        code: last,
        raw: line.to_owned(),
    };
    match api.as_str() {
        "GET" | "I" | "C" => {
            call.param = get_params(parts.get(1).copied().unwrap_or_default(), d);
            for p in parts.iter().take(parts.len() - 1).skip(2) {
                let dec = d.get(p);
                call.expected = if dec.is_empty() && !p.is_empty() {
                    (*p).to_owned()
                } else {
                    dec
                };
            }
        }
        "SET" => {
            call.param = set_params(parts.get(1).copied().unwrap_or_default(), d);
            for p in parts.iter().take(parts.len() - 1).skip(2) {
                call.expected = d.get(p);
            }
        }
        "GES" | "GeDi" | "GLE" => {
            call.param = parts.get(1).copied().unwrap_or_default().to_owned();
            call.expected = parts.get(2).copied().unwrap_or_default().to_owned();
            call.code = parts.get(3).copied().unwrap_or_default().to_owned();
        }
        "T" => call.code = String::new(),
        _ => call.param = parts.get(1).copied().unwrap_or_default().to_owned(),
    }
    call
}

fn final_split(last: &str) -> (String, String) {
    match last.split_once('!') {
        Some((a, b)) => (a.to_owned(), b.to_owned()),
        None => (last.to_owned(), String::new()),
    }
}

fn set_params(key: &str, d: &Decoder) -> String {
    let k: Vec<&str> = key.split('~').collect();
    let mut dm = d.get(k[0]);
    match k.len() {
        2 => {
            let (e, v) = final_split(k[1]);
            dm = format!("{dm}.{}!{}", d.get(&e), d.get(&v));
        }
        3 => {
            let (e, v) = final_split(k[2]);
            dm = format!("{dm}.{}.{}!{}", d.get(k[1]), d.get(&e), d.get(&v));
        }
        4 => {
            let (e, v) = final_split(k[3]);
            dm = format!("{dm}.{}.{}.{}!{}", d.get(k[1]), k[2], d.get(&e), d.get(&v));
        }
        5 if key.contains("a~n~r") => {
            let t: Vec<&str> = k[2].split('!').collect();
            let value = format!(
                "{}{}",
                d.get_fmt(t.get(1).copied().unwrap_or_default(), k[3]),
                d.get(k[4])
            );
            dm = format!("{dm}.{}.{}!{value}", d.get(k[1]), d.get(t[0]));
        }
        5 => {
            let t: Vec<&str> = k[4].split('!').collect();
            let value = d.get(t.get(1).copied().unwrap_or_default());
            dm = format!(
                "{dm}.{}.{}.{}.{}!{value}",
                d.get(k[1]),
                d.get(k[2]),
                d.get(k[3]),
                d.get(t[0])
            );
        }
        6 => {
            let (e, v) = final_split(k[5]);
            let mid: Vec<String> = k[1..5].iter().map(|x| d.get(x)).collect();
            dm = format!("{dm}.{}.{}!{}", mid.join("."), d.get(&e), d.get(&v));
        }
        _ => {}
    }
    dm
}

fn get_params(key: &str, d: &Decoder) -> String {
    if !key.contains('~') {
        return key.to_owned();
    }
    let mut t: Vec<String> = key.split('~').map(str::to_owned).collect();
    if t[1] == "INTR" && key.contains('!') {
        for part in &mut t {
            if let Some((a, _)) = part.clone().split_once('!') {
                *part = a.to_owned();
            }
        }
    }
    let nav = key.contains("a~n~r");
    if t.len() == 6 && nav {
        let head: Vec<String> = t[..4].iter().map(|x| d.get(x)).collect();
        return format!("{}.{}", head.join("."), d.get_fmt(&t[4], &t[5]));
    }
    t.iter().map(|x| d.get(x)).collect::<Vec<_>>().join(".")
}
