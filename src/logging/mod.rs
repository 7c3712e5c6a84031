//! Log output: env_logger's text lines (the default), or one JSON object a line
//! (`TROLLEY_LOG_FORMAT=json`); either way every line written while a request is served
//! names its [`RequestId`].
//!
//! The bottom layer: anything may log, so anything may reach the request's log context.

mod request_id;

use std::io::{self, Write};

use env_logger::fmt::{ConfigurableFormat, Formatter};
use log::kv::{self, Key, Source, Value, VisitSource};
use log::Record;

pub use request_id::{carried, current, serving, RequestId};

/// How log lines are written: `TROLLEY_LOG_FORMAT`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum LogFormat {
    /// env_logger's own lines: `[time LEVEL target] message request_id=…`.
    #[default]
    Text,
    /// One JSON object a line with the same fields: `time`, `level`, `target`,
    /// `message`, and `request_id` while a request is served.
    Json,
}

impl LogFormat {
    pub fn parse(text: &str) -> Option<Self> {
        match text.trim().to_ascii_lowercase().as_str() {
            "text" => Some(Self::Text),
            "json" => Some(Self::Json),
            _ => None,
        }
    }
}

/// Installs the logger for the process: `RUST_LOG` filters (default `info`), `format`
/// writes.
pub fn init(format: LogFormat) {
    builder(format).init();
}

/// The logger's builder, with Trolley's format for `format`.
pub fn builder(format: LogFormat) -> env_logger::Builder {
    let mut builder =
        env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("info"));
    match format {
        LogFormat::Text => {
            let text = ConfigurableFormat::default();
            builder.format(move |buf, record| with_request_id(record, |r| text.format(buf, r)))
        }
        LogFormat::Json => builder.format(|buf, record| with_request_id(record, |r| json(buf, r))),
    };
    builder
}

/// Runs `write` on `record`, with the request id among its key-values while a request is
/// served.
fn with_request_id(
    record: &Record<'_>,
    write: impl FnOnce(&Record<'_>) -> io::Result<()>,
) -> io::Result<()> {
    let Some(id) = current() else {
        return write(record);
    };
    let pairs = Named {
        rest: record.key_values(),
        request_id: id.as_str(),
    };
    write(
        &Record::builder()
            .args(*record.args())
            .metadata(record.metadata().clone())
            .module_path(record.module_path())
            .file(record.file())
            .line(record.line())
            .key_values(&pairs)
            .build(),
    )
}

/// A record's key-values, then `request_id`.
struct Named<'a> {
    rest: &'a dyn Source,
    request_id: &'a str,
}

impl Source for Named<'_> {
    fn visit<'kvs>(&'kvs self, visitor: &mut dyn VisitSource<'kvs>) -> Result<(), kv::Error> {
        self.rest.visit(visitor)?;
        visitor.visit_pair(Key::from_str("request_id"), Value::from(self.request_id))
    }
}

/// One line of JSON output: these fields in this order, then the record's key-values.
#[derive(serde::Serialize)]
struct JsonLine<'a> {
    time: String,
    level: &'static str,
    target: &'a str,
    message: String,
    #[serde(flatten)]
    fields: serde_json::Map<String, serde_json::Value>,
}

/// One JSON object: time, level, target, message, then the record's key-values.
fn json(buf: &mut Formatter, record: &Record<'_>) -> io::Result<()> {
    let mut line = JsonLine {
        time: buf.timestamp_millis().to_string(),
        level: record.level().as_str(),
        target: record.target(),
        message: record.args().to_string(),
        fields: serde_json::Map::new(),
    };
    record
        .key_values()
        .visit(&mut JsonFields(&mut line.fields))
        .map_err(io::Error::other)?;
    serde_json::to_writer(&mut *buf, &line)?;
    buf.write_all(b"\n")
}

struct JsonFields<'a>(&'a mut serde_json::Map<String, serde_json::Value>);

impl<'kvs> VisitSource<'kvs> for JsonFields<'_> {
    fn visit_pair(&mut self, key: Key<'kvs>, value: Value<'kvs>) -> Result<(), kv::Error> {
        self.0
            .insert(key.as_str().to_owned(), value.to_string().into());
        Ok(())
    }
}

#[cfg(test)]
mod tests;
