//! A small JSON Schema checker for the platform result files the grader writes.
//!
//! Why this file exists: Classroom 50 and PrairieLearn read files we write, and a missing key
//! or a number sent as a string would only show up on their servers. The schemas live as
//! plain JSON Schema files in `tests/fixtures/schemas/`, readable by any validator; this
//! checker understands the part of JSON Schema they use (`type`, `const`, `enum`, `required`,
//! `properties`, `additionalProperties: false`, `items`, `minimum`, `maximum`, and `pattern`
//! made of literal characters, `^`, `$` and `[0-9]{n}`), which is all a result file needs —
//! rather than a heavy validator crate for three files.

use serde_json::Value;

/// Every way `doc` breaks `schema`, as `path: problem` lines (empty when it conforms).
pub fn check(schema: &Value, doc: &Value) -> Vec<String> {
    let mut out = Vec::new();
    walk(schema, doc, "$", &mut out);
    out
}

/// Loads `tests/fixtures/schemas/<name>`.
pub fn load(name: &str) -> Value {
    let path = super::fixture("schemas").join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read the schema {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

fn type_ok(t: &str, v: &Value) -> bool {
    match t {
        "object" => v.is_object(),
        "array" => v.is_array(),
        "string" => v.is_string(),
        "number" => v.is_number(),
        "integer" => v.as_f64().is_some_and(|x| x.fract() == 0.0),
        "boolean" => v.is_boolean(),
        "null" => v.is_null(),
        _ => false,
    }
}

fn walk(schema: &Value, doc: &Value, at: &str, out: &mut Vec<String>) {
    let Some(s) = schema.as_object() else {
        return;
    };
    if let Some(t) = s.get("type") {
        let types: Vec<&str> = match t {
            Value::String(one) => vec![one.as_str()],
            Value::Array(many) => many.iter().filter_map(Value::as_str).collect(),
            _ => vec![],
        };
        if !types.iter().any(|t| type_ok(t, doc)) {
            out.push(format!("{at}: expected {types:?}, found {doc}"));
            return;
        }
    }
    if let Some(c) = s.get("const")
        && c != doc
    {
        out.push(format!("{at}: expected {c}, found {doc}"));
    }
    if let Some(Value::Array(options)) = s.get("enum")
        && !options.contains(doc)
    {
        out.push(format!("{at}: {doc} is not one of {options:?}"));
    }
    if let (Some(min), Some(x)) = (s.get("minimum").and_then(Value::as_f64), doc.as_f64())
        && x < min
    {
        out.push(format!("{at}: {x} is below the minimum {min}"));
    }
    if let (Some(max), Some(x)) = (s.get("maximum").and_then(Value::as_f64), doc.as_f64())
        && x > max
    {
        out.push(format!("{at}: {x} is above the maximum {max}"));
    }
    if let (Some(p), Some(text)) = (s.get("pattern").and_then(Value::as_str), doc.as_str())
        && !pattern_matches(p, text)
    {
        out.push(format!("{at}: {text:?} does not match {p}"));
    }
    if let Some(obj) = doc.as_object() {
        for key in s
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            if !obj.contains_key(key) {
                out.push(format!("{at}: the required key `{key}` is missing"));
            }
        }
        let props = s.get("properties").and_then(Value::as_object);
        for (key, value) in obj {
            match props.and_then(|p| p.get(key)) {
                Some(sub) => walk(sub, value, &format!("{at}.{key}"), out),
                None if s.get("additionalProperties") == Some(&Value::Bool(false)) => {
                    out.push(format!("{at}: the key `{key}` is not in the schema"));
                }
                None => {}
            }
        }
    }
    if let (Some(items), Some(arr)) = (s.get("items"), doc.as_array()) {
        for (i, item) in arr.iter().enumerate() {
            walk(items, item, &format!("{at}[{i}]"), out);
        }
    }
}

/// Anchored patterns of literal characters and `[0-9]{n}` (the only forms the schemas use).
fn pattern_matches(pattern: &str, text: &str) -> bool {
    let p = pattern.strip_prefix('^').unwrap_or(pattern);
    let p = p.strip_suffix('$').unwrap_or(p);
    let mut chars = text.chars();
    let mut rest = p;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("[0-9]{") {
            let Some((n, tail)) = after.split_once('}') else {
                return false;
            };
            let n: usize = n.parse().unwrap_or(0);
            for _ in 0..n {
                if !chars.next().is_some_and(|c| c.is_ascii_digit()) {
                    return false;
                }
            }
            rest = tail;
        } else {
            let mut it = rest.chars();
            let want = it.next();
            if chars.next() != want {
                return false;
            }
            rest = it.as_str();
        }
    }
    chars.next().is_none()
}
