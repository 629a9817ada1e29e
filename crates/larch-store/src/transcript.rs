//! A commit's transcript stored as one row (migration 0012; docs/runtime.md, "A commit's
//! transcript in one row").
//!
//! A run-time commit changes a handful of elements at once. Each change used to be a row of
//! its own (an insert, two index entries and a foreign-key check each, about a third of
//! PostgreSQL's CPU per commit); now the commit's changes are one row whose `entries` column
//! holds them as a JSON array, in the order they were made. The transcript API still lists
//! changes one by one: an entry's cursor is its row's sequence and its place in the row,
//! `seq << INDEX_BITS | index`, so a page may start or end inside a commit.

use crate::{StoreError, TranscriptRow};
use serde::{Deserialize, Serialize};

/// Bits of a cursor that number the entries of one row: a row holds fewer than 2^24
/// entries (a commit that large would be a request body of hundreds of megabytes; the
/// writer refuses one, [`encode`]), and sequences stay below 2^39.
const INDEX_BITS: u32 = 24;
/// The largest number of entries in one row.
const MAX_ENTRIES: usize = (1 << INDEX_BITS) - 1;

/// One change as stored: the [`TranscriptRow`]'s fields under short names.
#[derive(Serialize, Deserialize)]
struct Entry<'a> {
    /// `runtime_session`.
    s: i64,
    /// `activity`.
    #[serde(borrow)]
    a: std::borrow::Cow<'a, str>,
    /// `element`.
    #[serde(borrow)]
    e: std::borrow::Cow<'a, str>,
    /// `old_value`.
    #[serde(borrow, default, skip_serializing_if = "Option::is_none")]
    o: Option<std::borrow::Cow<'a, str>>,
    /// `new_value`.
    #[serde(borrow)]
    n: std::borrow::Cow<'a, str>,
    /// `warnings` (their JSON array as text); absent when there are none (`[]`).
    #[serde(borrow, default, skip_serializing_if = "Option::is_none")]
    w: Option<std::borrow::Cow<'a, str>>,
    /// `at`.
    t: i64,
}

/// The `entries` value of a commit's row: none when the commit changed nothing.
pub(crate) fn encode(rows: &[TranscriptRow]) -> Result<Option<String>, StoreError> {
    if rows.is_empty() {
        return Ok(None);
    }
    if rows.len() > MAX_ENTRIES {
        let message = format!("{} transcript entries in one commit", rows.len());
        return Err(StoreError::Corrupt(message));
    }
    let entries: Vec<Entry<'_>> = rows.iter().map(entry_of).collect();
    let json = serde_json::to_string(&entries).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    Ok(Some(json))
}

fn entry_of(row: &TranscriptRow) -> Entry<'_> {
    Entry {
        s: row.runtime_session,
        a: row.activity.as_str().into(),
        e: row.element.as_str().into(),
        o: row.old_value.as_deref().map(Into::into),
        n: row.new_value.as_str().into(),
        w: (row.warnings != "[]").then(|| row.warnings.as_str().into()),
        t: row.at,
    }
}

/// Where a page starts: the row to read from and how many of its entries were read already.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Resume {
    /// The first row's sequence to read (`seq >=`).
    pub(crate) seq: i64,
    /// Entries of that row to skip.
    skip: usize,
}

impl Resume {
    /// After `cursor` (the last entry read), or from the start.
    pub(crate) fn after(cursor: Option<crate::Cursor>) -> Self {
        match cursor {
            None => Self { seq: 0, skip: 0 },
            Some(c) => Self {
                seq: c.0 >> INDEX_BITS,
                skip: usize::try_from(c.0 & MAX_ENTRIES as i64).unwrap_or(0) + 1,
            },
        }
    }
}

/// The entries of the row `seq` (its `entries` text) with their cursors, less those
/// `resume` says were read.
pub(crate) fn decode(
    seq: i64,
    entries: &str,
    resume: Resume,
) -> Result<Vec<(i64, TranscriptRow)>, StoreError> {
    let parsed: Vec<Entry<'_>> = serde_json::from_str(entries)
        .map_err(|e| StoreError::Corrupt(format!("transcript row {seq}: {e}")))?;
    let skip = if seq == resume.seq { resume.skip } else { 0 };
    let base = seq << INDEX_BITS;
    Ok(parsed
        .into_iter()
        .enumerate()
        .skip(skip)
        .map(|(i, e)| (base | i as i64, row_of(e)))
        .collect())
}

fn row_of(e: Entry<'_>) -> TranscriptRow {
    TranscriptRow {
        runtime_session: e.s,
        activity: e.a.into_owned(),
        element: e.e.into_owned(),
        old_value: e.o.map(std::borrow::Cow::into_owned),
        new_value: e.n.into_owned(),
        warnings: e
            .w
            .map_or_else(|| "[]".to_owned(), std::borrow::Cow::into_owned),
        at: e.t,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(i: i64, old: Option<&str>, warnings: &str) -> TranscriptRow {
        TranscriptRow {
            runtime_session: 3,
            activity: "item_1".into(),
            element: format!("cmi.interactions.{i}.id"),
            old_value: old.map(Into::into),
            new_value: format!("q\"{i}\\é"),
            warnings: warnings.into(),
            at: 1_700_000_000_000 + i,
        }
    }

    #[test]
    fn entries_round_trip_with_their_cursors() {
        let rows = vec![
            row(0, None, "[]"),
            row(1, Some(""), "[{\"code\":\"truncated\"}]"),
            row(2, Some("x"), "[]"),
        ];
        let json = encode(&rows).unwrap().unwrap();
        let all = decode(5, &json, Resume::after(None)).unwrap();
        assert_eq!(all.iter().map(|(_, r)| r.clone()).collect::<Vec<_>>(), rows);
        let cursors: Vec<i64> = all.iter().map(|(c, _)| *c).collect();
        assert_eq!(cursors, [5 << 24, (5 << 24) + 1, (5 << 24) + 2]);
        // Resuming after the second entry of row 5 yields the third; another row, all.
        let after = Resume::after(Some(crate::Cursor(cursors[1])));
        assert_eq!(after.seq, 5);
        let rest = decode(5, &json, after).unwrap();
        assert_eq!(rest, all[2..].to_vec());
        assert_eq!(decode(6, &json, after).unwrap().len(), 3);
    }

    #[test]
    fn no_changes_no_row_and_a_broken_row_is_an_error() {
        assert_eq!(encode(&[]).unwrap(), None);
        assert!(matches!(
            decode(1, "[{\"s\":1}]", Resume::after(None)),
            Err(StoreError::Corrupt(_))
        ));
    }
}
