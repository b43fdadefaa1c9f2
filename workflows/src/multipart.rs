//! The multipart form bodies the HTTP clients send (a file with text fields): one builder, so
//! the LCM and file server clients frame them alike.

/// A `multipart/form-data` body of `texts` and one file part; answers its content type (with
/// the boundary) and bytes.
pub fn form(texts: &[(&str, &str)], file: (&str, &str, &[u8])) -> (String, Vec<u8>) {
    form_with_files(texts, &[file])
}

/// A `multipart/form-data` body of `texts` and file parts (field, file name, bytes).
pub fn form_with_files(texts: &[(&str, &str)], files: &[(&str, &str, &[u8])]) -> (String, Vec<u8>) {
    let boundary = format!("edgedev-{}", uuid::Uuid::new_v4().simple());
    let size: usize = files.iter().map(|(_, _, b)| b.len()).sum();
    let mut body = Vec::with_capacity(size + 256 * (texts.len() + files.len()));
    for (name, value) in texts {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                .as_bytes(),
        );
    }
    for (field, file_name, bytes) in files {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n")
                .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}
