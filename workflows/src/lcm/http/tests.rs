//! Tests of the LCM client: HTTPS with a configured CA against a real TLS server, CA file
//! errors, the multipart body.

use super::*;

#[test]
fn a_multipart_body_carries_the_file_between_boundaries() {
    let Body::Raw {
        content_type,
        bytes,
    } = multipart("package", "app.csar", b"PK\x03\x04")
    else {
        panic!("a raw body");
    };
    let boundary = content_type.split("boundary=").nth(1).expect("boundary");
    let text = String::from_utf8_lossy(&bytes);
    assert!(text.starts_with(&format!("--{boundary}\r\n")));
    assert!(text.contains("name=\"package\"; filename=\"app.csar\""));
    assert!(text.ends_with(&format!("\r\n--{boundary}--\r\n")));
}

/// Serves every TLS connection with one JSON answer, as a controller behind HTTPS would, with
/// the test server certificate (for 127.0.0.1, signed by the test CA in tests/fixtures).
async fn https_controller() -> (LcmEndpoint, std::path::PathBuf) {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures");
    let certs = CertificateDer::pem_file_iter(fixtures.join("tls-test-server.pem"))
        .expect("server certificate")
        .collect::<Result<Vec<_>, _>>()
        .expect("server certificate");
    let key =
        PrivateKeyDer::from_pem_file(fixtures.join("tls-test-server.key")).expect("server key");
    let config = rustls::ServerConfig::builder_with_provider(std::sync::Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .expect("versions")
    .with_no_client_auth()
    .with_single_cert(certs, key)
    .expect("server config");
    let acceptor = tokio_rustls::TlsAcceptor::from(std::sync::Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("listen");
    let port = listener.local_addr().expect("address").port();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n")
                    && tls.read(&mut byte).await.is_ok_and(|n| n == 1)
                {
                    head.push(byte[0]);
                }
                let body = r#"{"status":"ok"}"#;
                let answer = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = tls.write_all(answer.as_bytes()).await;
                let _ = tls.shutdown().await;
            });
        }
    });
    let endpoint = LcmEndpoint {
        protocol: "https".into(),
        ip: "127.0.0.1".into(),
        port,
    };
    (endpoint, fixtures.join("tls-test-ca.pem"))
}

#[tokio::test]
async fn an_https_controller_is_reached_when_its_ca_is_configured_and_refused_otherwise() {
    let (endpoint, ca) = https_controller().await;
    let trusted = HttpLcm::new(None, Some(&ca)).expect("client");
    trusted.health(&endpoint).await.expect("health over HTTPS");
    // Connections are reused: a second call works on the same client.
    trusted.health(&endpoint).await.expect("again");
    let untrusted = HttpLcm::new(None, None).expect("client");
    let refused = untrusted.health(&endpoint).await;
    assert!(
        matches!(&refused, Err(LcmError::Unreachable(message)) if message.contains("127.0.0.1")),
        "{refused:?}"
    );
}

#[test]
fn a_ca_file_that_is_missing_or_not_pem_is_a_clear_error() {
    let missing = HttpLcm::new(None, Some(Path::new("/nonexistent/ca.pem")));
    assert!(matches!(missing, Err(ClientError::ReadCa { .. })));
    let not_pem = std::env::temp_dir().join(format!("edgedev-ca-{}", uuid::Uuid::new_v4()));
    std::fs::write(&not_pem, "not a certificate").expect("write");
    let bad = HttpLcm::new(None, Some(&not_pem));
    let _ = std::fs::remove_file(&not_pem);
    assert!(
        matches!(bad, Err(ClientError::BadCa { .. })),
        "{:?}",
        bad.err()
    );
}
