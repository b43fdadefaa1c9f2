//! Sample code generated from OpenAPI (Swagger) descriptions: for each description a directory
//! with a `README.md` (its operations) and a `client.py` (a Python 3 client on the standard
//! library, one method per operation). Written by hand: the original ran swagger-codegen (a Java
//! process); a small generator of ours needs no outside process and covers what a developer
//! starts from. Also the tar.gz of the files.

use std::collections::BTreeSet;
use std::fmt::Write;

use serde_json::Value;

/// One generated file: its path (`<directory>/<name>`) and text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SampleFile {
    pub path: String,
    pub text: String,
}

const METHODS: [&str; 7] = ["get", "put", "post", "delete", "patch", "head", "options"];

/// A name of letters, digits and `_` (a Python identifier or a directory name).
fn identifier(text: &str, fallback: &str) -> String {
    let mut out = String::new();
    let mut gap = false;
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            if gap && !out.is_empty() {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
            gap = false;
        } else {
            gap = true;
        }
    }
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert_str(0, fallback);
    }
    out
}

/// A Python string literal of `text`.
fn python_string(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| "\"\"".into())
}

/// The path's `{name}` parameters in order, then any declared ones the template lacks.
fn template_params(path: &str, declared: Vec<String>) -> Vec<String> {
    let mut params: Vec<String> = path
        .split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name.to_owned()))
        .collect();
    for name in declared {
        if !params.contains(&name) {
            params.push(name);
        }
    }
    params
}

struct Operation {
    method: String,
    path: String,
    name: String,
    summary: String,
    path_params: Vec<String>,
    query_params: Vec<String>,
    body: bool,
}

/// The operations of a description, in path then method order, with unique method names.
fn operations(document: &Value) -> Vec<Operation> {
    let mut found = Vec::new();
    let mut names = BTreeSet::new();
    let Some(paths) = document.get("paths").and_then(Value::as_object) else {
        return found;
    };
    for (path, item) in paths {
        let shared: Vec<&Value> = item
            .get("parameters")
            .and_then(Value::as_array)
            .map(|p| p.iter().collect())
            .unwrap_or_default();
        for method in METHODS {
            let Some(op) = item.get(method) else { continue };
            let params: Vec<&Value> = shared
                .iter()
                .copied()
                .chain(
                    op.get("parameters")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten(),
                )
                .collect();
            let named = |place: &str| -> Vec<String> {
                params
                    .iter()
                    .filter(|p| p.get("in").and_then(Value::as_str) == Some(place))
                    .filter_map(|p| p.get("name").and_then(Value::as_str))
                    .map(str::to_owned)
                    .collect()
            };
            let body = op.get("requestBody").is_some() || !named("body").is_empty();
            let base = op
                .get("operationId")
                .and_then(Value::as_str)
                .map(|id| identifier(id, "op_"))
                .unwrap_or_else(|| identifier(&format!("{method} {path}"), "op_"));
            let mut name = base.clone();
            let mut n = 2;
            while !names.insert(name.clone()) {
                name = format!("{base}_{n}");
                n += 1;
            }
            found.push(Operation {
                method: method.to_ascii_uppercase(),
                path: path.clone(),
                name,
                summary: op
                    .get("summary")
                    .or_else(|| op.get("description"))
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .lines()
                    .next()
                    .unwrap_or_default()
                    .to_owned(),
                path_params: template_params(path, named("path")),
                query_params: named("query"),
                body,
            });
        }
    }
    found
}

fn readme(title: &str, version: &str, operations: &[Operation]) -> String {
    let mut text = format!("# {title} {version}\n\nSample client generated from the API description: `client.py` (Python 3,\nstandard library only).\n\n| Method | Path | Client method | Summary |\n|---|---|---|---|\n");
    for op in operations {
        let _ = writeln!(
            text,
            "| {} | `{}` | `{}` | {} |",
            op.method,
            op.path,
            op.name,
            op.summary.replace('|', "\\|")
        );
    }
    text
}

fn client(title: &str, server: &str, operations: &[Operation]) -> String {
    let mut text = format!(
        "\"\"\"A client of {title}, generated from its API description.\"\"\"\n\nimport json\nimport urllib.parse\nimport urllib.request\n\n\nclass Client:\n    def __init__(self, base_url={}, headers=None):\n        self.base_url = base_url.rstrip(\"/\")\n        self.headers = dict(headers or {{}})\n\n    def _call(self, method, path, query=None, body=None):\n        url = self.base_url + path\n        query = {{k: v for k, v in (query or {{}}).items() if v is not None}}\n        if query:\n            url += \"?\" + urllib.parse.urlencode(query, doseq=True)\n        data = None if body is None else json.dumps(body).encode()\n        headers = dict(self.headers)\n        if data is not None:\n            headers[\"Content-Type\"] = \"application/json\"\n        request = urllib.request.Request(url, data=data, method=method, headers=headers)\n        with urllib.request.urlopen(request) as response:\n            text = response.read().decode()\n            return json.loads(text) if text else None\n",
        python_string(server)
    );
    for op in operations {
        let path_args: Vec<String> = op.path_params.iter().map(|p| identifier(p, "p_")).collect();
        let query_args: Vec<String> = op
            .query_params
            .iter()
            .map(|p| identifier(p, "q_"))
            .collect();
        let mut args = vec!["self".to_owned()];
        args.extend(path_args.iter().cloned());
        if op.body {
            args.push("body=None".into());
        }
        args.extend(query_args.iter().map(|q| format!("{q}=None")));
        let mut path_expr = python_string(&op.path);
        for (param, arg) in op.path_params.iter().zip(&path_args) {
            path_expr = format!(
                "{path_expr}.replace({}, urllib.parse.quote(str({arg}), safe=\"\"))",
                python_string(&format!("{{{param}}}"))
            );
        }
        let query: Vec<String> = op
            .query_params
            .iter()
            .zip(&query_args)
            .map(|(param, arg)| format!("{}: {arg}", python_string(param)))
            .collect();
        let _ = write!(
            text,
            "\n    def {}({}):\n        \"\"\"{} {}{}\"\"\"\n        return self._call({}, {path_expr}, {{{}}}, {})\n",
            op.name,
            args.join(", "),
            op.method,
            op.path.replace("\"\"\"", "'''").replace('\\', "/"),
            if op.summary.is_empty() { String::new() } else { format!(": {}", op.summary.replace("\"\"\"", "'''").replace('\\', "/")) },
            python_string(&op.method),
            query.join(", "),
            if op.body { "body" } else { "None" },
        );
    }
    text
}

/// The sample code of the descriptions `documents` (each with the name it was uploaded under).
pub fn generate(documents: &[(String, Value)]) -> Vec<SampleFile> {
    let mut files = Vec::new();
    let mut directories = BTreeSet::new();
    for (file_name, document) in documents {
        let info = document.get("info");
        let text = |key: &str| {
            info.and_then(|i| i.get(key))
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned()
        };
        let title = Some(text("title"))
            .filter(|t| !t.trim().is_empty())
            .unwrap_or_else(|| file_name.clone());
        let version = text("version");
        let server = document
            .get("servers")
            .and_then(|s| s.get(0))
            .and_then(|s| s.get("url"))
            .and_then(Value::as_str)
            .map(str::to_owned)
            .or_else(|| {
                let host = document.get("host").and_then(Value::as_str)?;
                let base = document
                    .get("basePath")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                Some(format!("http://{host}{base}"))
            })
            .unwrap_or_else(|| "http://localhost".to_owned());
        let base = identifier(&title, "api_");
        let mut directory = base.clone();
        let mut n = 2;
        while !directories.insert(directory.clone()) {
            directory = format!("{base}_{n}");
            n += 1;
        }
        let ops = operations(document);
        files.push(SampleFile {
            path: format!("{directory}/README.md"),
            text: readme(&title, &version, &ops),
        });
        files.push(SampleFile {
            path: format!("{directory}/client.py"),
            text: client(&title, &server, &ops),
        });
    }
    files
}

/// The files as a gzip-compressed tar, under `sample-code/`.
pub fn tar_gz(files: &[SampleFile]) -> std::io::Result<Vec<u8>> {
    let encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    let mut archive = tar::Builder::new(encoder);
    for file in files {
        let mut header = tar::Header::new_gnu();
        header.set_size(file.text.len() as u64);
        header.set_mode(0o644);
        header.set_mtime(0);
        header.set_cksum();
        archive.append_data(
            &mut header,
            format!("sample-code/{}", file.path),
            file.text.as_bytes(),
        )?;
    }
    archive.into_inner()?.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn petstore() -> Value {
        serde_json::json!({
            "openapi": "3.0.0",
            "info": {"title": "Pet Store", "version": "v1"},
            "servers": [{"url": "http://pets.example/api"}],
            "paths": {
                "/pets/{petId}": {
                    "parameters": [{"name": "petId", "in": "path", "required": true}],
                    "get": {"operationId": "getPet", "summary": "One pet",
                            "parameters": [{"name": "verbose", "in": "query"}]},
                    "put": {"requestBody": {"content": {}}}
                }
            }
        })
    }

    #[test]
    fn each_operation_becomes_a_client_method_with_its_parameters() {
        let files = generate(&[("pets.yaml".into(), petstore())]);
        let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths, ["pet_store/README.md", "pet_store/client.py"]);
        let client = &files[1].text;
        assert!(
            client.contains("def getpet(self, petid, verbose=None):"),
            "{client}"
        );
        assert!(
            client.contains("def put_pets_petid(self, petid, body=None):"),
            "{client}"
        );
        assert!(
            client.contains("base_url=\"http://pets.example/api\""),
            "{client}"
        );
        assert!(files[0]
            .text
            .contains("| GET | `/pets/{petId}` | `getpet` | One pet |"));
    }

    #[test]
    fn the_archive_holds_every_file() {
        let files = generate(&[("pets.yaml".into(), petstore())]);
        let bytes = tar_gz(&files).expect("archive");
        let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(bytes.as_slice()));
        let names: Vec<String> = archive
            .entries()
            .expect("entries")
            .map(|e| {
                e.expect("entry")
                    .path()
                    .expect("path")
                    .display()
                    .to_string()
            })
            .collect();
        assert_eq!(
            names,
            [
                "sample-code/pet_store/README.md",
                "sample-code/pet_store/client.py"
            ]
        );
    }
}
