//! A minimal HTTP/1.1 keep-alive client over one TCP connection: enough to drive the API at full
//! speed from the benchmark without a client library's overhead in the measurement.

use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

pub struct Connection {
    stream: BufReader<TcpStream>,
    host: String,
}

pub struct Response {
    pub status: u16,
    pub position: Option<String>,
    pub body: Vec<u8>,
}

impl Connection {
    pub async fn open(addr: &str) -> std::io::Result<Self> {
        let stream = TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        Ok(Self {
            stream: BufReader::new(stream),
            host: addr.to_owned(),
        })
    }

    pub async fn send(
        &mut self,
        method: &str,
        path: &str,
        token: &str,
        body: Option<&[u8]>,
    ) -> std::io::Result<Response> {
        let body = body.unwrap_or_default();
        let head = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\naccess_token: {token}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
            self.host,
            body.len()
        );
        let stream = self.stream.get_mut();
        stream.write_all(head.as_bytes()).await?;
        stream.write_all(body).await?;
        tokio::time::timeout(Duration::from_secs(30), self.read_response()).await?
    }

    async fn read_response(&mut self) -> std::io::Result<Response> {
        let mut line = String::new();
        self.stream.read_line(&mut line).await?;
        let status = line
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| {
                std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    format!("bad status line {line:?}"),
                )
            })?;
        let mut length = 0usize;
        let mut position = None;
        loop {
            line.clear();
            self.stream.read_line(&mut line).await?;
            let header = line.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':') {
                if name.eq_ignore_ascii_case("content-length") {
                    length = value.trim().parse().unwrap_or(0);
                } else if name.eq_ignore_ascii_case("x-edgedev-position") {
                    position = Some(value.trim().to_owned());
                }
            }
        }
        let mut body = vec![0; length];
        self.stream.read_exact(&mut body).await?;
        Ok(Response {
            status,
            position,
            body,
        })
    }
}
