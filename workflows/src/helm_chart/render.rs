//! A small renderer for the Go-template subset charts use in their manifests, enough to check
//! that each manifest is YAML with `apiVersion`, `kind` and `metadata.name`, and to list the
//! images it names. It is not Helm: `.Values`, `.Chart` and `.Release` lookups, string literals,
//! `default` and `quote` are evaluated; `if`/`with`/`range` take their branch by the truthiness
//! of a lookup (an unknown condition takes the first branch); `define` bodies are skipped; an
//! action alone on its line (`include ... | nindent`, `toYaml`, assignments) is dropped; any
//! other inline action becomes a placeholder word.

use serde_yaml_ng::Value;

/// What an action it cannot evaluate becomes.
pub const PLACEHOLDER: &str = "placeholder";

/// What a template may look up.
pub struct Scope<'a> {
    pub values: &'a Value,
    pub chart_name: &'a str,
    pub chart_version: &'a str,
    pub app_version: &'a str,
}

struct Frame {
    /// Whether text in this frame is written.
    active: bool,
    /// Whether a branch of this if/else chain was taken.
    taken: bool,
    parent_active: bool,
}

/// Renders `template` in `scope`.
pub fn render(template: &str, scope: &Scope<'_>) -> String {
    let mut out = String::with_capacity(template.len());
    let mut frames: Vec<Frame> = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        let Some(len) = rest[start..].find("}}") else {
            break;
        };
        let end = start + len + 2;
        let action = rest[start + 2..end - 2]
            .trim_start_matches('-')
            .trim_end_matches('-')
            .trim();
        let before = &rest[..start];
        let after = &rest[end..];
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let line_end = after.find('\n').map_or(after.len(), |i| i + 1);
        let standalone =
            before[line_start..].trim().is_empty() && after[..line_end].trim().is_empty();
        let active = frames.last().is_none_or(|f| f.active);
        if active {
            out.push_str(if standalone {
                &before[..line_start]
            } else {
                before
            });
        }
        control(action, scope, &mut frames).unwrap_or_else(|| {
            if active && !standalone {
                out.push_str(&expression(action, scope));
            }
        });
        rest = if standalone {
            &after[line_end..]
        } else {
            after
        };
    }
    if frames.last().is_none_or(|f| f.active) {
        out.push_str(rest);
    }
    out
}

/// Applies a control action to the frames; `None` when the action is an expression.
fn control(action: &str, scope: &Scope<'_>, frames: &mut Vec<Frame>) -> Option<()> {
    let (word, argument) = action
        .split_once(char::is_whitespace)
        .unwrap_or((action, ""));
    let parent_active = frames.last().is_none_or(|f| f.active);
    match word {
        "if" | "with" | "range" => {
            let taken = condition(argument.trim(), scope);
            frames.push(Frame {
                active: parent_active && taken,
                taken,
                parent_active,
            });
        }
        "define" | "block" => frames.push(Frame {
            active: false,
            taken: true,
            parent_active,
        }),
        "else" => {
            if let Some(frame) = frames.last_mut() {
                let argument = argument.trim();
                let branch = !frame.taken
                    && match argument.strip_prefix("if") {
                        Some(cond) => condition(cond.trim(), scope),
                        None => true,
                    };
                frame.taken |= branch;
                frame.active = frame.parent_active && branch;
            }
        }
        "end" => {
            frames.pop();
        }
        _ if action.starts_with("/*") || action.starts_with('$') => {}
        _ => return None,
    }
    Some(())
}

/// Whether a condition holds; an unknown one holds (its first branch is rendered).
fn condition(text: &str, scope: &Scope<'_>) -> bool {
    let text = text
        .split_once(":=")
        .map_or(text, |(_, value)| value.trim());
    if let Some(inner) = text.strip_prefix("not ") {
        return !condition(inner, scope);
    }
    match lookup(text, scope) {
        Some(value) => truthy(&value),
        None => true,
    }
}

fn truthy(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => !s.is_empty(),
        Value::Sequence(s) => !s.is_empty(),
        Value::Mapping(m) => !m.is_empty(),
        Value::Tagged(t) => truthy(&t.value),
    }
}

/// The value of a lookup (`.Values.a.b`, `.Chart.Name`, ...) or a string literal.
fn lookup(term: &str, scope: &Scope<'_>) -> Option<Value> {
    let term = term.trim();
    if let Some(literal) = term.strip_prefix('"').and_then(|t| t.strip_suffix('"')) {
        return Some(Value::String(literal.to_owned()));
    }
    let text = |s: &str| Some(Value::String(s.to_owned()));
    match term {
        ".Chart.Name" | ".Release.Name" => return text(scope.chart_name),
        ".Chart.Version" => return text(scope.chart_version),
        ".Chart.AppVersion" => return text(scope.app_version),
        ".Release.Namespace" => return text("default"),
        ".Release.Service" => return text("Helm"),
        _ => {}
    }
    let path = term.strip_prefix(".Values")?;
    let mut value = scope.values;
    for key in path.split('.').filter(|k| !k.is_empty()) {
        value = value.get(key)?;
    }
    Some(value.clone())
}

/// An inline expression's text: the pipeline's first term, then `default` and `quote`.
fn expression(action: &str, scope: &Scope<'_>) -> String {
    let mut stages = action.split('|').map(str::trim);
    let first = stages.next().unwrap_or_default();
    let mut value = match first.strip_prefix("default ") {
        Some(args) => default(args, None, scope),
        None => lookup(first, scope),
    };
    let mut quoted = false;
    for stage in stages {
        if let Some(args) = stage.strip_prefix("default ") {
            value = default(args, value, scope);
        } else if stage == "quote" {
            quoted = true;
        }
    }
    let text = match value {
        Some(Value::String(s)) => s,
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::Bool(b)) => b.to_string(),
        Some(Value::Null) => String::new(),
        _ => PLACEHOLDER.to_owned(),
    };
    if quoted {
        format!("{text:?}")
    } else {
        text
    }
}

/// `default FALLBACK VALUE` (VALUE given or piped in).
fn default(args: &str, piped: Option<Value>, scope: &Scope<'_>) -> Option<Value> {
    let (fallback, given) = match args.trim().split_once(char::is_whitespace) {
        Some((fallback, value)) if piped.is_none() => (fallback, lookup(value, scope)),
        _ => (args.trim(), piped),
    };
    match given {
        Some(value) if truthy(&value) => Some(value),
        _ => lookup(fallback, scope),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scope_render(template: &str, values: &str) -> String {
        let values: Value = serde_yaml_ng::from_str(values).expect("values");
        render(
            template,
            &Scope {
                values: &values,
                chart_name: "web",
                chart_version: "0.1.0",
                app_version: "1.16.0",
            },
        )
    }

    #[test]
    fn values_chart_and_release_are_looked_up() {
        let out = scope_render(
            "name: {{ .Release.Name }}\nimage: \"{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}\"\nreplicas: {{ .Values.replicas }}\n",
            "image: {repository: nginx, tag: ''}\nreplicas: 2\n",
        );
        assert_eq!(out, "name: web\nimage: \"nginx:1.16.0\"\nreplicas: 2\n");
    }

    #[test]
    fn branches_follow_the_values_and_standalone_actions_vanish() {
        let template = "spec:\n  {{- if not .Values.auto.enabled }}\n  replicas: 1\n  {{- else }}\n  replicas: 3\n  {{- end }}\n  labels:\n    {{- include \"x.labels\" . | nindent 4 }}\n";
        assert_eq!(
            scope_render(template, "auto: {enabled: false}"),
            "spec:\n  replicas: 1\n  labels:\n"
        );
        assert_eq!(
            scope_render(template, "auto: {enabled: true}"),
            "spec:\n  replicas: 3\n  labels:\n"
        );
    }

    #[test]
    fn unknown_inline_actions_become_a_placeholder_and_defines_are_skipped() {
        let out = scope_render(
            "{{- define \"x\" }}\nhidden: 1\n{{- end }}\nname: {{ include \"x.fullname\" . }}-test\nq: {{ .Values.missing | quote }}\n",
            "{}",
        );
        assert_eq!(out, "name: placeholder-test\nq: \"placeholder\"\n");
    }
}
