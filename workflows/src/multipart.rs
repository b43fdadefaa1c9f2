//! The multipart form bodies the HTTP clients send (a file with text fields): one builder, so
//! the LCM and file server clients frame them alike.

/// A `multipart/form-data` body of `texts` and one file part; answers its content type (with
/// the boundary) and bytes.
pub fn form(texts: &[(&str, &str)], file: (&str, &str, &[u8])) -> (String, Vec<u8>) {
    let boundary = format!("edgedev-{}", uuid::Uuid::new_v4().simple());
    let (field, file_name, bytes) = file;
    let mut body = Vec::with_capacity(bytes.len() + 256 * (texts.len() + 1));
    for (name, value) in texts {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n")
            .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}
