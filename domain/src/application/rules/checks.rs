//! The value checks rules are made of: enumerations, ranges, rule ids, IP addresses and CIDR
//! blocks, ports and port ranges, MAC addresses, and lists of them.

use std::net::IpAddr;

use super::{RuleError, MAX_ITEMS, MAX_RULE_ID, MAX_TEXT};

/// `value` in its canonical (upper-case) spelling if it is one of `allowed`.
pub(super) fn one_of(
    field: &str,
    value: &str,
    allowed: &[&'static str],
) -> Result<String, RuleError> {
    allowed
        .iter()
        .find(|a| a.eq_ignore_ascii_case(value.trim()))
        .map(|a| (*a).to_owned())
        .ok_or_else(|| RuleError::new(field, format!("must be one of {}", allowed.join(", "))))
}

pub(super) fn in_range(field: &str, value: i64, min: i64, max: i64) -> Result<(), RuleError> {
    if (min..=max).contains(&value) {
        Ok(())
    } else {
        Err(RuleError::new(
            field,
            format!("must be between {min} and {max}"),
        ))
    }
}

/// A rule id: 1-255 letters, digits, `_`, `-` or `.`.
pub fn check_rule_id(field: &str, id: &str) -> Result<(), RuleError> {
    let ok = !id.is_empty()
        && id.len() <= MAX_RULE_ID
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c));
    if ok {
        Ok(())
    } else {
        Err(RuleError::new(
            field,
            "must be 1-255 letters, digits, _, - or .",
        ))
    }
}

pub(super) fn is_address(text: &str) -> bool {
    text.parse::<IpAddr>().is_ok()
}

/// An IP address, or a CIDR block (`address/prefix`).
pub(super) fn is_address_or_block(text: &str) -> bool {
    match text.split_once('/') {
        None => is_address(text),
        Some((address, prefix)) => match (address.parse::<IpAddr>(), prefix.parse::<u8>()) {
            (Ok(IpAddr::V4(_)), Ok(p)) => p <= 32 && !prefix.starts_with('+'),
            (Ok(IpAddr::V6(_)), Ok(p)) => p <= 128 && !prefix.starts_with('+'),
            _ => false,
        },
    }
}

/// A port (`0`-`65535`) or a range of them (`from-to`, from <= to).
pub(super) fn is_port_or_range(text: &str) -> bool {
    let port = |p: &str| {
        !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()) && p.parse::<u16>().is_ok()
    };
    match text.split_once('-') {
        None => port(text),
        Some((from, to)) => {
            port(from) && port(to) && from.parse::<u16>().ok() <= to.parse::<u16>().ok()
        }
    }
}

pub(super) fn is_mac(text: &str) -> bool {
    let parts: Vec<&str> = text.split([':', '-']).collect();
    parts.len() == 6
        && parts
            .iter()
            .all(|p| p.len() == 2 && p.chars().all(|c| c.is_ascii_hexdigit()))
}

pub(super) fn list(
    field: &str,
    items: &[String],
    valid: impl Fn(&str) -> bool,
    what: &str,
) -> Result<(), RuleError> {
    if items.len() > MAX_ITEMS {
        return Err(RuleError::new(
            field,
            format!("has more than {MAX_ITEMS} entries"),
        ));
    }
    for (i, item) in items.iter().enumerate() {
        if !valid(item) {
            return Err(RuleError::new(
                format!("{field}[{i}]"),
                format!("must be {what}"),
            ));
        }
    }
    Ok(())
}

/// Empty, or a valid value.
pub(super) fn optional(
    field: &str,
    text: &str,
    valid: impl Fn(&str) -> bool,
    what: &str,
) -> Result<(), RuleError> {
    if text.is_empty() || valid(text) {
        Ok(())
    } else {
        Err(RuleError::new(field, format!("must be empty or {what}")))
    }
}

pub(super) fn text(text: &str) -> bool {
    text.len() <= MAX_TEXT && !text.contains('\0')
}
