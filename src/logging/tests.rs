use std::sync::{Arc, Mutex};

use log::{Level, Log};

use super::*;

/// What a logger of `format` writes for one line at `level`, served as `id` or not.
fn written(format: LogFormat, id: Option<RequestId>, message: &str) -> String {
    #[derive(Clone, Default)]
    struct Shared(Arc<Mutex<Vec<u8>>>);
    impl Write for Shared {
        fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
            self.0
                .lock()
                .map_err(|_| io::ErrorKind::Other)?
                .extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }
    let out = Shared::default();
    let logger = builder(format)
        .filter_level(log::LevelFilter::Info)
        .write_style(env_logger::WriteStyle::Never)
        .target(env_logger::Target::Pipe(Box::new(out.clone())))
        .build();
    carried(id, || {
        logger.log(
            &Record::builder()
                .args(format_args!("{message}"))
                .level(Level::Warn)
                .target("trolley::db::pool")
                .build(),
        );
    });
    let bytes = out.0.lock().map(|bytes| bytes.clone()).unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

#[test]
fn text_lines_are_env_logger_s_with_the_request_id_after_the_message() {
    let id = RequestId::parse(b"shopper-42").expect("sane");
    let line = written(LogFormat::Text, Some(id), "the pool is busy");
    assert!(line.starts_with('['), "{line}");
    assert!(
        line.ends_with("WARN  trolley::db::pool] the pool is busy request_id=shopper-42\n"),
        "{line}"
    );
    let line = written(LogFormat::Text, None, "started");
    assert!(
        line.ends_with("WARN  trolley::db::pool] started\n"),
        "{line}"
    );
}

#[test]
fn json_lines_are_one_object_each_with_the_same_fields() {
    let id = RequestId::parse(b"shopper-42").expect("sane");
    let line = written(LogFormat::Json, Some(id), "a \"quoted\"\nline");
    assert_eq!(line.matches('\n').count(), 1, "{line}");
    assert!(line.starts_with(r#"{"time":""#), "{line}");
    let object: serde_json::Value = serde_json::from_str(&line).expect("JSON");
    assert_eq!(object["level"], "WARN");
    assert_eq!(object["target"], "trolley::db::pool");
    assert_eq!(object["message"], "a \"quoted\"\nline");
    assert_eq!(object["request_id"], "shopper-42");
    assert!(
        object["time"].as_str().is_some_and(|t| t.ends_with('Z')),
        "{line}"
    );
    let line = written(LogFormat::Json, None, "started");
    let object: serde_json::Value = serde_json::from_str(&line).expect("JSON");
    assert!(object.get("request_id").is_none(), "{line}");
}

#[test]
fn the_format_is_text_or_json() {
    assert_eq!(LogFormat::parse("JSON"), Some(LogFormat::Json));
    assert_eq!(LogFormat::parse(" text "), Some(LogFormat::Text));
    assert_eq!(LogFormat::parse("logfmt"), None);
}
