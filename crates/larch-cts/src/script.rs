//! One test case script: its instructions and the ordered activity visits.

use crate::properties::parse_properties;
use crate::{Command, CommandTable, CtsError};

/// One UI inspection question (`resources/UserInterface.properties`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UiQuestion {
    /// `continue.enabled`
    ContinueEnabled,
    /// `continue.disabled`
    ContinueDisabled,
    /// `previous.enabled`
    PreviousEnabled,
    /// `previous.disabled`
    PreviousDisabled,
    /// `toc.enabled`: the table of contents is offered at all.
    TocEnabled,
    /// `toc.enabled.selectable@TITLE`: the TOC offers the activity titled TITLE for choice.
    TocSelectable(String),
    /// `toc.visible@TITLE`: the TOC shows the activity titled TITLE (enabled or not).
    TocVisible(String),
    /// `ui.visible@EVENT`: a device for the navigation event is shown.
    UiVisible(String),
    /// Anything else (e.g. `click.button`).
    Other(String),
}

impl UiQuestion {
    fn parse(key: &str) -> Self {
        match key.split_once('@') {
            Some(("toc.enabled.selectable", title)) => Self::TocSelectable(title.to_owned()),
            Some(("toc.visible", title)) => Self::TocVisible(title.to_owned()),
            Some(("ui.visible", event)) => Self::UiVisible(event.to_owned()),
            _ => match key {
                "continue.enabled" => Self::ContinueEnabled,
                "continue.disabled" => Self::ContinueDisabled,
                "previous.enabled" => Self::PreviousEnabled,
                "previous.disabled" => Self::PreviousDisabled,
                "toc.enabled" => Self::TocEnabled,
                other => Self::Other(other.to_owned()),
            },
        }
    }
}

/// One expected delivery of an activity and what happens during it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Visit {
    /// The activity number (the `act=N` launch parameter of the item), with a package
    /// letter in multi-package cases (`1a`).
    pub activity: String,
    /// Which visit of that activity this is (1-based).
    pub visit: u32,
    /// UI questions asked at launch, with the expected answers (`true` is Yes).
    pub ui: Vec<(UiQuestion, bool)>,
    /// The API calls the content makes, in order.
    pub commands: Vec<Command>,
    /// What the learner does after the content finishes (`Continue`, `Choice~Activity 3`,
    /// `Exit`, `RelaunchCM5`, …), raw from `CUI`.
    pub next_action: Option<String>,
}

/// One test case: `TestCases/<id>.properties`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestCase {
    /// The test case id (`CM-01`, `SX-04b`, …).
    pub id: String,
    /// The instruction keys (`start`, `end`, `TT`, `seqInfo`, …).
    pub instructions: Vec<(String, String)>,
    /// The visits in the order the LMS must deliver them.
    pub visits: Vec<Visit>,
}

impl TestCase {
    /// Parses a script (`LMSTestCaseGenerator.createTC`).
    pub fn parse(id: &str, text: &str, table: &CommandTable) -> Result<Self, CtsError> {
        let mut case = Self {
            id: id.to_owned(),
            instructions: Vec::new(),
            visits: Vec::new(),
        };
        let mut current_key = String::new();
        let mut answers: Vec<bool> = Vec::new();
        let mut questions: Vec<UiQuestion> = Vec::new();
        for (key, value) in parse_properties(text) {
            let Some((visit_key, field)) =
                key.strip_prefix("Act").and_then(|_| key.split_once('.'))
            else {
                case.instructions.push((key, value));
                continue;
            };
            if visit_key != current_key {
                case.finish_ui(&mut questions, &mut answers)?;
                case.visits.push(new_visit(visit_key)?);
                current_key = visit_key.to_owned();
            }
            let visit = case
                .visits
                .last_mut()
                .ok_or_else(|| CtsError::Grammar(key.clone()))?;
            match field {
                "UIQ" => {
                    questions = value
                        .split('~')
                        .filter(|q| !q.is_empty())
                        .map(UiQuestion::parse)
                        .collect();
                }
                "UIA" => answers = value.split('~').map(|a| a == "Y").collect(),
                "CUI" => visit.next_action = Some(value).filter(|v| !v.is_empty()),
                // Lines the Test Suite's own parser would mangle (data-model stress values
                // that contain `->`) are kept out: they never touch sequencing.
                f if f.starts_with("commands") => {
                    visit.commands.extend(Command::parse(&value, table).ok());
                }
                _ => {}
            }
        }
        case.finish_ui(&mut questions, &mut answers)?;
        Ok(case)
    }

    fn finish_ui(
        &mut self,
        questions: &mut Vec<UiQuestion>,
        answers: &mut Vec<bool>,
    ) -> Result<(), CtsError> {
        if questions.len() != answers.len() {
            return Err(CtsError::Grammar(format!(
                "{}: UIQ and UIA differ in length",
                self.id
            )));
        }
        if let Some(visit) = self.visits.last_mut() {
            visit.ui = questions.drain(..).zip(answers.drain(..)).collect();
        }
        Ok(())
    }

    /// An instruction value (`start`, `end`, …).
    pub fn instruction(&self, key: &str) -> Option<&str> {
        self.instructions
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// `Act12V3` → activity 12, visit 3.
fn new_visit(key: &str) -> Result<Visit, CtsError> {
    let bad = || CtsError::Grammar(format!("bad visit key `{key}`"));
    let (activity, visit) = key
        .strip_prefix("Act")
        .and_then(|k| k.split_once('V'))
        .ok_or_else(bad)?;
    Ok(Visit {
        activity: activity.to_owned(),
        visit: visit.parse().map_err(|_| bad())?,
        ui: Vec::new(),
        commands: Vec::new(),
        next_action: None,
    })
}
