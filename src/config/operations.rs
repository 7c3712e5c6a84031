//! What operators watch Trolley with: the metrics listener and the log format.

use std::time::Duration;

use super::ConfigError;
use crate::logging::LogFormat;

#[derive(Debug, Clone)]
pub struct OperationsSettings {
    /// `TROLLEY_METRICS_ADDR`: where GET /metrics is served, on a listener of its own and
    /// never on the shop's; `None` (the default): no metrics at all.
    pub metrics_addr: Option<String>,
    /// How often the shop-wide figures (live sessions, queued emails) are read for the
    /// metrics (not configurable from the environment; tests shorten it).
    pub sample_every: Duration,
    /// `TROLLEY_LOG_FORMAT`: `text` (env_logger's lines, the default) or `json`.
    pub log_format: LogFormat,
}

impl OperationsSettings {
    pub const DEFAULT_SAMPLE_EVERY: Duration = Duration::from_secs(15);

    /// Reads `TROLLEY_METRICS_ADDR` and `TROLLEY_LOG_FORMAT` with `get`. `shop_addr` is
    /// `TROLLEY_ADDR`: the metrics may not share its port.
    pub fn parse(
        get: impl Fn(&str) -> Option<String>,
        shop_addr: &str,
    ) -> Result<Self, ConfigError> {
        let metrics_addr = get("TROLLEY_METRICS_ADDR").map(|addr| addr.trim().to_owned());
        if let Some(addr) = &metrics_addr {
            let port = addr.rsplit_once(':').map(|(_, port)| port.parse::<u16>());
            if !matches!(port, Some(Ok(_))) {
                return Err(ConfigError::new(
                    "TROLLEY_METRICS_ADDR",
                    "expected HOST:PORT, e.g. 127.0.0.1:9100",
                ));
            }
            if addr == shop_addr && port != Some(Ok(0)) {
                return Err(ConfigError::new(
                    "TROLLEY_METRICS_ADDR",
                    "must differ from TROLLEY_ADDR: metrics are never served on the shop's port",
                ));
            }
        }
        let log_format = match get("TROLLEY_LOG_FORMAT") {
            None => LogFormat::default(),
            Some(text) => LogFormat::parse(&text)
                .ok_or_else(|| ConfigError::new("TROLLEY_LOG_FORMAT", "expected text or json"))?,
        };
        Ok(Self {
            metrics_addr,
            sample_every: Self::DEFAULT_SAMPLE_EVERY,
            log_format,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(addr: Option<&str>, format: Option<&str>) -> Result<OperationsSettings, ConfigError> {
        let get = |name: &str| match name {
            "TROLLEY_METRICS_ADDR" => addr.map(str::to_owned),
            "TROLLEY_LOG_FORMAT" => format.map(str::to_owned),
            _ => None,
        };
        OperationsSettings::parse(get, "127.0.0.1:8080")
    }

    #[test]
    fn metrics_are_off_and_logs_are_text_unless_asked() {
        let settings = parse(None, None).expect("valid");
        assert_eq!(settings.metrics_addr, None);
        assert_eq!(settings.log_format, LogFormat::Text);
        let settings = parse(Some("0.0.0.0:9100"), Some("json")).expect("valid");
        assert_eq!(settings.metrics_addr.as_deref(), Some("0.0.0.0:9100"));
        assert_eq!(settings.log_format, LogFormat::Json);
    }

    #[test]
    fn a_bad_value_names_its_variable() {
        for (addr, format, variable) in [
            (Some("9100"), None, "TROLLEY_METRICS_ADDR"),
            (Some("localhost:metrics"), None, "TROLLEY_METRICS_ADDR"),
            (Some("127.0.0.1:8080"), None, "TROLLEY_METRICS_ADDR"),
            (None, Some("xml"), "TROLLEY_LOG_FORMAT"),
        ] {
            let error = parse(addr, format).expect_err(variable);
            assert_eq!(error.variable, variable);
        }
    }
}
