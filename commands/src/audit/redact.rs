//! What no audit answer shows: a sealed value (`enc:v1:...`, the server's ciphertext of a
//! password or secret) and any value under a key that names a password, shown as `[sealed]`.

use serde_json::Value;

/// What a hidden value reads as.
pub const SEALED: &str = "[sealed]";

fn names_a_secret(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    key.contains("password") || key == "sk" || key.contains("secret_key")
}

/// Hides sealed values and password fields in `value`, in place.
pub fn redact(value: &mut Value) {
    match value {
        Value::String(text) if text.starts_with("enc:v") => *value = Value::from(SEALED),
        Value::Array(items) => items.iter_mut().for_each(redact),
        Value::Object(map) => {
            for (key, item) in map.iter_mut() {
                if names_a_secret(key) && !item.is_null() {
                    *item = Value::from(SEALED);
                } else {
                    redact(item);
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn sealed_values_and_passwords_are_hidden_wherever_they_sit() {
        let mut value = json!({
            "name": "vm-1",
            "vmPassword": "hunter2",
            "password_hash": null,
            "data": {"token": "enc:v1:ab12cd34:Zm9v"},
            "list": [{"sk": "plain"}, "enc:v1:00:xx", "kept"]
        });
        redact(&mut value);
        assert_eq!(
            value,
            json!({
                "name": "vm-1",
                "vmPassword": SEALED,
                "password_hash": null,
                "data": {"token": SEALED},
                "list": [{"sk": SEALED}, SEALED, "kept"]
            })
        );
    }
}
