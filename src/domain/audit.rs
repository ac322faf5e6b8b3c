//! The audit trail's chain: every entry carries the SHA-256 of its own contents and of the entry
//! before it, so that editing, deleting or reordering any stored entry breaks the chain at that
//! point. Written by hand because the rule is ours (which fields, in which form); the hashing and
//! the canonical JSON come from `sha2` and `serde_jcs`.

use chrono::NaiveDateTime;
use serde::Serialize;
use sha2::{Digest, Sha256};

/// The `prev_hash` of the first entry: there is nothing before it.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What one audited request did, before it is numbered and chained.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditEvent {
    pub at: NaiveDateTime,
    /// The username, or `anonymous`.
    pub actor: String,
    pub actor_role: Option<String>,
    /// The bank or regulator organisation the actor belongs to.
    pub organisation_id: Option<i64>,
    /// The enterprise an enterprise user acts for.
    pub actor_enterprise: Option<String>,
    /// Method and route, e.g. `POST /api/v1/enterprises/{code}/credit-events`.
    pub action: String,
    /// The path and query actually requested.
    pub target: String,
    /// The enterprise the request was about, when its path names one.
    pub enterprise_code: Option<String>,
    /// The HTTP status of the answer.
    pub status: i32,
    pub request_id: Option<String>,
}

impl AuditEvent {
    /// A change made at the console (`ecredit user add`, `model activate`, ...) by the operator
    /// named `operator` (the login of the shell): it bypasses the API, so it is audited here.
    pub fn console(at: NaiveDateTime, operator: &str, command: &str, target: &str) -> Self {
        AuditEvent {
            at,
            actor: format!("console:{operator}"),
            actor_role: None,
            organisation_id: None,
            actor_enterprise: None,
            action: format!("CLI {command}"),
            target: target.to_string(),
            enterprise_code: None,
            // Console entries are written for changes that were made.
            status: 200,
            request_id: None,
        }
    }
}

/// An entry as stored: its number in the chain, the event, and both hashes.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditEntry {
    pub seq: i64,
    pub event: AuditEvent,
    pub prev_hash: String,
    pub hash: String,
}

/// What the hash covers: every field of the entry but the hash itself, in RFC 8785 canonical
/// JSON so that the same entry always hashes the same on any backend.
#[derive(Serialize)]
struct Hashed<'a> {
    seq: i64,
    at: String,
    actor: &'a str,
    actor_role: Option<&'a str>,
    organisation_id: Option<i64>,
    actor_enterprise: Option<&'a str>,
    action: &'a str,
    target: &'a str,
    enterprise_code: Option<&'a str>,
    status: i32,
    request_id: Option<&'a str>,
    prev_hash: &'a str,
}

/// The hash of entry `seq` holding `event`, chained to `prev_hash`.
pub fn entry_hash(seq: i64, event: &AuditEvent, prev_hash: &str) -> String {
    let hashed = Hashed {
        seq,
        // Microseconds: what both backends store, so the stored time hashes as it was hashed.
        at: event.at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string(),
        actor: &event.actor,
        actor_role: event.actor_role.as_deref(),
        organisation_id: event.organisation_id,
        actor_enterprise: event.actor_enterprise.as_deref(),
        action: &event.action,
        target: &event.target,
        enterprise_code: event.enterprise_code.as_deref(),
        status: event.status,
        request_id: event.request_id.as_deref(),
        prev_hash,
    };
    let canonical = serde_jcs::to_vec(&hashed).expect("plain fields serialise");
    hex(&Sha256::digest(&canonical))
}

/// Chains `event` after the entry numbered `prev_seq` whose hash is `prev_hash`.
pub fn chain(prev_seq: i64, prev_hash: &str, mut event: AuditEvent) -> AuditEntry {
    event.at = truncate_to_micros(event.at);
    let seq = prev_seq + 1;
    let hash = entry_hash(seq, &event, prev_hash);
    AuditEntry {
        seq,
        event,
        prev_hash: prev_hash.to_string(),
        hash,
    }
}

fn truncate_to_micros(at: NaiveDateTime) -> NaiveDateTime {
    use chrono::Timelike;
    let nanos = at.nanosecond();
    at.with_nanosecond(nanos - nanos % 1000)
        .expect("fewer nanoseconds are valid")
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Where the chain is broken, and how.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainBreak {
    #[error("entry {expected} is missing: the next stored entry is {found}")]
    Missing { expected: i64, found: i64 },
    #[error("entry {seq} does not follow entry {}: its previous hash does not match", seq - 1)]
    Unlinked { seq: i64 },
    #[error("entry {seq} was altered: its hash does not match its contents")]
    Altered { seq: i64 },
    #[error("entries after {last} are missing: the chain head records {head_seq} entries")]
    Truncated { last: i64, head_seq: i64 },
    #[error("the chain head does not match entry {seq}")]
    HeadMismatch { seq: i64 },
}

impl ChainBreak {
    /// The first entry that fails.
    pub fn entry(&self) -> i64 {
        match self {
            ChainBreak::Missing { expected, .. } => *expected,
            ChainBreak::Unlinked { seq }
            | ChainBreak::Altered { seq }
            | ChainBreak::HeadMismatch { seq } => *seq,
            ChainBreak::Truncated { last, .. } => last + 1,
        }
    }
}

/// Checks entries in order, one at a time, so that a long log is verified in bounded memory.
#[derive(Debug)]
pub struct ChainVerifier {
    last_seq: i64,
    last_hash: String,
}

impl Default for ChainVerifier {
    fn default() -> Self {
        ChainVerifier {
            last_seq: 0,
            last_hash: GENESIS_HASH.to_string(),
        }
    }
}

/// A verified chain: how many entries, and the hash of the last (worth keeping elsewhere: with it,
/// even a rewrite of the whole log from some point on is detected).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedChain {
    pub entries: i64,
    pub head_hash: String,
}

impl ChainVerifier {
    /// The next entry, in `seq` order.
    pub fn push(&mut self, entry: &AuditEntry) -> Result<(), ChainBreak> {
        let expected = self.last_seq + 1;
        if entry.seq != expected {
            return Err(ChainBreak::Missing {
                expected,
                found: entry.seq,
            });
        }
        if entry.prev_hash != self.last_hash {
            return Err(ChainBreak::Unlinked { seq: entry.seq });
        }
        if entry_hash(entry.seq, &entry.event, &entry.prev_hash) != entry.hash {
            return Err(ChainBreak::Altered { seq: entry.seq });
        }
        self.last_seq = entry.seq;
        self.last_hash.clone_from(&entry.hash);
        Ok(())
    }

    /// After the last entry: the stored head (count and last hash) must agree with the chain, so
    /// that deleting the newest entries is detected too.
    pub fn finish(self, head_seq: i64, head_hash: &str) -> Result<VerifiedChain, ChainBreak> {
        if head_seq > self.last_seq {
            return Err(ChainBreak::Truncated {
                last: self.last_seq,
                head_seq,
            });
        }
        if head_seq < self.last_seq || head_hash != self.last_hash {
            return Err(ChainBreak::HeadMismatch { seq: self.last_seq });
        }
        Ok(VerifiedChain {
            entries: self.last_seq,
            head_hash: self.last_hash,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(n: i32) -> AuditEvent {
        AuditEvent {
            at: chrono::DateTime::from_timestamp(1_790_000_000 + i64::from(n), 123_456_789)
                .unwrap()
                .naive_utc(),
            actor: format!("user{n}"),
            actor_role: Some("regulator".into()),
            organisation_id: Some(7),
            actor_enterprise: None,
            action: "GET /api/v1/enterprises/{code}".into(),
            target: "/api/v1/enterprises/91330100799655058B".into(),
            enterprise_code: Some("91330100799655058B".into()),
            status: 200,
            request_id: Some(format!("req-{n}")),
        }
    }

    fn log(n: i32) -> Vec<AuditEntry> {
        let mut entries: Vec<AuditEntry> = Vec::new();
        for i in 1..=n {
            let (seq, hash) = entries
                .last()
                .map_or((0, GENESIS_HASH.to_string()), |e| (e.seq, e.hash.clone()));
            entries.push(chain(seq, &hash, event(i)));
        }
        entries
    }

    fn verify(entries: &[AuditEntry], head: (i64, &str)) -> Result<VerifiedChain, ChainBreak> {
        let mut verifier = ChainVerifier::default();
        for entry in entries {
            verifier.push(entry)?;
        }
        verifier.finish(head.0, head.1)
    }

    fn head(entries: &[AuditEntry]) -> (i64, &str) {
        let last = entries.last().unwrap();
        (last.seq, &last.hash)
    }

    #[test]
    fn an_intact_chain_verifies_and_names_its_head() {
        let entries = log(5);
        let verified = verify(&entries, head(&entries)).unwrap();
        assert_eq!(verified.entries, 5);
        assert_eq!(verified.head_hash, entries[4].hash);
        assert_eq!(entries[0].prev_hash, GENESIS_HASH);
        assert_eq!(
            entries[0].event.at.and_utc().timestamp_subsec_nanos(),
            123_456_000
        );
        assert_eq!(
            verify(&[], (0, GENESIS_HASH)).unwrap(),
            VerifiedChain {
                entries: 0,
                head_hash: GENESIS_HASH.into()
            }
        );
    }

    #[test]
    fn an_edited_entry_is_named() {
        let entries = log(5);
        let (seq, hash) = head(&entries);
        let hash = hash.to_string();
        for edit in [
            (|e: &mut AuditEvent| e.actor = "someone-else".into()) as fn(&mut AuditEvent),
            |e| e.status = 403,
            |e| e.at += chrono::Duration::microseconds(1),
            |e| e.request_id = None,
            |e| e.organisation_id = None,
        ] {
            let mut tampered = entries.clone();
            edit(&mut tampered[2].event);
            let broken = verify(&tampered, (seq, &hash)).unwrap_err();
            assert_eq!(broken, ChainBreak::Altered { seq: 3 });
            assert_eq!(broken.entry(), 3);
        }
    }

    #[test]
    fn an_edit_with_a_recomputed_hash_breaks_the_next_link() {
        let entries = log(5);
        let mut tampered = entries.clone();
        tampered[1].event.status = 500;
        tampered[1].hash = entry_hash(2, &tampered[1].event, &tampered[1].prev_hash);
        assert_eq!(
            verify(&tampered, head(&entries)).unwrap_err(),
            ChainBreak::Unlinked { seq: 3 }
        );
    }

    #[test]
    fn a_deleted_entry_is_named() {
        let mut entries = log(5);
        let (seq, hash) = head(&entries);
        let hash = hash.to_string();
        entries.remove(1);
        assert_eq!(
            verify(&entries, (seq, &hash)).unwrap_err(),
            ChainBreak::Missing {
                expected: 2,
                found: 3
            }
        );
        // Renumbering the rest to hide the gap breaks their hashes.
        for (i, e) in entries.iter_mut().enumerate() {
            e.seq = i as i64 + 1;
        }
        assert_eq!(
            verify(&entries, (seq, &hash)).unwrap_err(),
            ChainBreak::Unlinked { seq: 2 }
        );
    }

    #[test]
    fn deleting_the_newest_entries_is_caught_by_the_head() {
        let entries = log(5);
        let (seq, hash) = head(&entries);
        let broken = verify(&entries[..3], (seq, hash)).unwrap_err();
        assert_eq!(
            broken,
            ChainBreak::Truncated {
                last: 3,
                head_seq: 5
            }
        );
        assert_eq!(broken.entry(), 4);
        assert_eq!(
            verify(&entries, (seq, GENESIS_HASH)).unwrap_err(),
            ChainBreak::HeadMismatch { seq: 5 }
        );
    }

    #[test]
    fn reordered_entries_are_named() {
        let entries = log(5);
        let mut swapped = entries.clone();
        // Swap the contents of entries 2 and 3, keeping the numbers in order.
        let (a, b) = (swapped[1].clone(), swapped[2].clone());
        swapped[1] = AuditEntry { seq: 2, ..b };
        swapped[2] = AuditEntry { seq: 3, ..a };
        assert_eq!(
            verify(&swapped, head(&entries)).unwrap_err(),
            ChainBreak::Unlinked { seq: 2 }
        );
    }
}
