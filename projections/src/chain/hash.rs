//! The chain's canonical bytes and link hash (ADR 0022). A link's hash is
//! `SHA-256(previous hash || canonical bytes of the event)`, the first link's previous hash being
//! 32 zero bytes. The canonical bytes are, in order, with text as UTF-8 prefixed by its length
//! (4 bytes, big-endian) and integers as 8 bytes big-endian:
//!
//! `"edgedev-chain-v1"`, event id (16 bytes), global position, aggregate type, aggregate id,
//! sequence, event type, event version, recorded at (microseconds since the Unix epoch),
//! payload (PostgreSQL's text form of the stored `jsonb`), metadata (its JSON with keys sorted).
//!
//! `jsonb` stores a normalised value (keys ordered, duplicates dropped, whitespace gone), so its
//! text form is the same for the same stored value however it was written.

use sha2::{Digest, Sha256};

use crate::runtime::LogEvent;

/// A link's hash.
pub type Hash = [u8; 32];

/// The previous hash of the first link.
pub const GENESIS: Hash = [0; 32];

const DOMAIN: &str = "edgedev-chain-v1";

fn text(hasher: &mut Sha256, value: &str) {
    hasher.update((value.len() as u32).to_be_bytes());
    hasher.update(value.as_bytes());
}

/// The hash of the link that chains `event` after `previous`.
pub fn link(previous: &Hash, event: &LogEvent) -> Hash {
    let mut hasher = Sha256::new();
    hasher.update(previous);
    text(&mut hasher, DOMAIN);
    hasher.update(event.event_id.as_bytes());
    hasher.update(event.global_position.to_be_bytes());
    text(&mut hasher, &event.aggregate_type);
    text(&mut hasher, &event.aggregate_id);
    hasher.update(event.sequence.to_be_bytes());
    text(&mut hasher, &event.event_type);
    text(&mut hasher, &event.event_version);
    hasher.update(event.recorded_at.timestamp_micros().to_be_bytes());
    text(&mut hasher, event.payload.get());
    text(&mut hasher, &event.metadata.to_string());
    hasher.finalize().into()
}

/// A hash as lowercase hex.
pub fn hex(hash: &[u8]) -> String {
    hash.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn event(payload: &str) -> LogEvent {
        LogEvent {
            txid: 7,
            global_position: 42,
            event_id: uuid::Uuid::from_u128(1),
            recorded_at: chrono::DateTime::from_timestamp_micros(1_700_000_000_000_001)
                .expect("time"),
            aggregate_type: "application".into(),
            aggregate_id: "a-1".into(),
            sequence: 3,
            event_type: domain::application::ApplicationEventKind::ApplicationUpdated
                .name()
                .into(),
            event_version: "1".into(),
            payload: serde_json::value::RawValue::from_string(payload.into()).expect("raw"),
            metadata: json!({"user_id": "tenant-1"}),
        }
    }

    #[test]
    fn every_byte_of_an_event_and_the_previous_hash_count() {
        let base = link(&GENESIS, &event(r#"{"name": "a"}"#));
        assert_eq!(base, link(&GENESIS, &event(r#"{"name": "a"}"#)));
        assert_ne!(base, link(&GENESIS, &event(r#"{"name": "b"}"#)));
        assert_ne!(base, link(&[1; 32], &event(r#"{"name": "a"}"#)));
        let mut moved = event(r#"{"name": "a"}"#);
        moved.global_position = 43;
        assert_ne!(base, link(&GENESIS, &moved));
        let mut other_user = event(r#"{"name": "a"}"#);
        other_user.metadata = json!({"user_id": "tenant-2"});
        assert_ne!(base, link(&GENESIS, &other_user));
        // The length prefixes keep field boundaries: "ab"+"c" is not "a"+"bc".
        let mut left = event("{}");
        left.aggregate_type = "ab".into();
        left.aggregate_id = "c".into();
        let mut right = event("{}");
        right.aggregate_type = "a".into();
        right.aggregate_id = "bc".into();
        assert_ne!(link(&GENESIS, &left), link(&GENESIS, &right));
        assert_eq!(hex(&[0, 171, 255]), "00abff");
    }
}
