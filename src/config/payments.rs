//! Payment settings: how the shop takes payment (`TROLLEY_PAYMENTS`), what a bank
//! transfer's payer is told, how long an order waits for its payment, and Stripe's keys,
//! which are never printed.

use std::fmt;
use std::time::Duration;

use super::{parse_seconds, ConfigError};
use crate::domain::PaymentMode;

#[derive(Debug, Clone)]
pub struct PaymentSettings {
    pub mode: PaymentMode,
    /// `TROLLEY_PAYMENT_INSTRUCTIONS`: how to pay by bank transfer (the shop's account),
    /// shown on the receipt and in the order email; required with `manual`.
    pub instructions: Option<String>,
    /// `TROLLEY_PAYMENT_DEADLINE`: an order still awaiting payment this long after it was
    /// placed is cancelled by the shop.
    pub deadline: Duration,
    /// How often each instance looks for orders past their deadline (not configurable from
    /// the environment; tests shorten it).
    pub deadline_poll: Duration,
    /// `TROLLEY_STRIPE_*`, when set.
    pub stripe: Option<StripeSettings>,
}

/// Stripe's keys and address. `Debug` shows neither key.
#[derive(Clone)]
pub struct StripeSettings {
    pub secret_key: String,
    pub webhook_secret: String,
    pub api_base: String,
}

impl fmt::Debug for StripeSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "StripeSettings {{ secret_key: <redacted>, webhook_secret: <redacted>, api_base: {:?} }}",
            self.api_base
        )
    }
}

impl PaymentSettings {
    /// A week to pay by bank transfer.
    pub const DEFAULT_MANUAL_DEADLINE: u64 = 7 * 86_400;
    /// An hour to pay on Stripe's page.
    pub const DEFAULT_STRIPE_DEADLINE: u64 = 3_600;
    /// The longest instructions the receipt shows.
    pub const MAX_INSTRUCTIONS: usize = 2_000;

    /// Reads the payment variables through `get` (unset and blank values are `None`).
    pub fn parse(get: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let mode = match get("TROLLEY_PAYMENTS") {
            None => PaymentMode::None,
            Some(text) => PaymentMode::parse(&text).ok_or_else(|| {
                ConfigError::new("TROLLEY_PAYMENTS", "expected none, manual or stripe")
            })?,
        };
        let default_deadline = match mode {
            PaymentMode::Stripe => Self::DEFAULT_STRIPE_DEADLINE,
            PaymentMode::None | PaymentMode::Manual => Self::DEFAULT_MANUAL_DEADLINE,
        };
        let deadline = parse_seconds(
            "TROLLEY_PAYMENT_DEADLINE",
            get("TROLLEY_PAYMENT_DEADLINE"),
            default_deadline,
        )?;
        let instructions = get("TROLLEY_PAYMENT_INSTRUCTIONS").map(|text| text.trim().to_owned());
        if instructions
            .as_ref()
            .is_some_and(|text| text.chars().count() > Self::MAX_INSTRUCTIONS)
        {
            return Err(ConfigError::new(
                "TROLLEY_PAYMENT_INSTRUCTIONS",
                "at most 2000 characters",
            ));
        }
        if mode == PaymentMode::Manual && instructions.is_none() {
            return Err(ConfigError::new(
                "TROLLEY_PAYMENT_INSTRUCTIONS",
                "must be set when TROLLEY_PAYMENTS=manual: the account shoppers pay into",
            ));
        }
        let stripe = StripeSettings::parse(&get)?;
        if mode == PaymentMode::Stripe && stripe.is_none() {
            return Err(ConfigError::new(
                "TROLLEY_STRIPE_SECRET_KEY",
                "must be set, with TROLLEY_STRIPE_WEBHOOK_SECRET, when TROLLEY_PAYMENTS=stripe",
            ));
        }
        Ok(Self {
            mode,
            instructions,
            deadline,
            deadline_poll: Duration::from_secs(60),
            stripe,
        })
    }
}

impl StripeSettings {
    pub const DEFAULT_API_BASE: &'static str = "https://api.stripe.com";

    /// `None` when neither key is set; both keys, or neither.
    fn parse(get: &impl Fn(&str) -> Option<String>) -> Result<Option<Self>, ConfigError> {
        let secret_key = get("TROLLEY_STRIPE_SECRET_KEY").map(|key| key.trim().to_owned());
        let webhook_secret = get("TROLLEY_STRIPE_WEBHOOK_SECRET").map(|key| key.trim().to_owned());
        let api_base = get("TROLLEY_STRIPE_API_BASE")
            .map(|base| base.trim().trim_end_matches('/').to_owned())
            .unwrap_or_else(|| Self::DEFAULT_API_BASE.to_owned());
        if !(api_base.starts_with("https://") || api_base.starts_with("http://")) {
            return Err(ConfigError::new(
                "TROLLEY_STRIPE_API_BASE",
                "expected an address starting https:// (or http://)",
            ));
        }
        // The reasons never quote a key.
        if secret_key
            .as_ref()
            .is_some_and(|key| !(key.starts_with("sk_") || key.starts_with("rk_")))
        {
            return Err(ConfigError::new(
                "TROLLEY_STRIPE_SECRET_KEY",
                "expected a Stripe secret key (sk_… or rk_…)",
            ));
        }
        if webhook_secret
            .as_ref()
            .is_some_and(|key| !key.starts_with("whsec_"))
        {
            return Err(ConfigError::new(
                "TROLLEY_STRIPE_WEBHOOK_SECRET",
                "expected a webhook signing secret (whsec_…)",
            ));
        }
        match (secret_key, webhook_secret) {
            (None, None) => Ok(None),
            (Some(secret_key), Some(webhook_secret)) => Ok(Some(Self {
                secret_key,
                webhook_secret,
                api_base,
            })),
            (Some(_), None) => Err(ConfigError::new(
                "TROLLEY_STRIPE_WEBHOOK_SECRET",
                "must be set when TROLLEY_STRIPE_SECRET_KEY is",
            )),
            (None, Some(_)) => Err(ConfigError::new(
                "TROLLEY_STRIPE_SECRET_KEY",
                "must be set when TROLLEY_STRIPE_WEBHOOK_SECRET is",
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn parse(vars: &[(&str, &str)]) -> Result<PaymentSettings, ConfigError> {
        let vars: HashMap<&str, &str> = vars.iter().copied().collect();
        PaymentSettings::parse(|name| vars.get(name).map(|value| (*value).to_owned()))
    }

    #[test]
    fn no_payment_step_by_default() {
        let settings = parse(&[]).expect("defaults are valid");
        assert_eq!(settings.mode, PaymentMode::None);
        assert!(settings.stripe.is_none());
    }

    #[test]
    fn a_bank_transfer_waits_a_week_unless_told_otherwise() {
        let manual = [
            ("TROLLEY_PAYMENTS", "manual"),
            ("TROLLEY_PAYMENT_INSTRUCTIONS", "Sort code 12-34-56"),
        ];
        let settings = parse(&manual).expect("valid");
        assert_eq!(settings.mode, PaymentMode::Manual);
        assert_eq!(settings.deadline, Duration::from_secs(604_800));
        let shorter = [manual[0], manual[1], ("TROLLEY_PAYMENT_DEADLINE", "3600")];
        let settings = parse(&shorter).expect("valid");
        assert_eq!(settings.deadline, Duration::from_secs(3_600));
    }

    #[test]
    fn each_bad_value_names_its_variable() {
        let manual = ("TROLLEY_PAYMENTS", "manual");
        let told = ("TROLLEY_PAYMENT_INSTRUCTIONS", "Sort code 12-34-56");
        let long = "x".repeat(2_001);
        for (vars, variable) in [
            (vec![("TROLLEY_PAYMENTS", "paypal")], "TROLLEY_PAYMENTS"),
            (vec![manual], "TROLLEY_PAYMENT_INSTRUCTIONS"),
            (
                vec![manual, ("TROLLEY_PAYMENT_INSTRUCTIONS", &long)],
                "TROLLEY_PAYMENT_INSTRUCTIONS",
            ),
            (
                vec![manual, told, ("TROLLEY_PAYMENT_DEADLINE", "0")],
                "TROLLEY_PAYMENT_DEADLINE",
            ),
            (
                vec![manual, told, ("TROLLEY_PAYMENT_DEADLINE", "a week")],
                "TROLLEY_PAYMENT_DEADLINE",
            ),
            (
                vec![("TROLLEY_STRIPE_SECRET_KEY", "sk_test_abc")],
                "TROLLEY_STRIPE_WEBHOOK_SECRET",
            ),
            (
                vec![("TROLLEY_STRIPE_WEBHOOK_SECRET", "whsec_abc")],
                "TROLLEY_STRIPE_SECRET_KEY",
            ),
            (
                vec![("TROLLEY_STRIPE_SECRET_KEY", "pk_test_abc")],
                "TROLLEY_STRIPE_SECRET_KEY",
            ),
            (
                vec![("TROLLEY_STRIPE_API_BASE", "api.stripe.com")],
                "TROLLEY_STRIPE_API_BASE",
            ),
            (
                vec![("TROLLEY_PAYMENTS", "stripe")],
                "TROLLEY_STRIPE_SECRET_KEY",
            ),
        ] {
            let error = parse(&vars).expect_err(variable);
            assert_eq!(error.variable, variable, "{vars:?}");
        }
    }

    #[test]
    fn stripe_needs_both_keys_and_gives_an_hour_to_pay() {
        let settings = parse(&[
            ("TROLLEY_PAYMENTS", "stripe"),
            ("TROLLEY_STRIPE_SECRET_KEY", "sk_test_abc"),
            ("TROLLEY_STRIPE_WEBHOOK_SECRET", "whsec_abc"),
        ])
        .expect("valid");
        assert_eq!(settings.mode, PaymentMode::Stripe);
        assert_eq!(settings.deadline, Duration::from_secs(3_600));
        assert!(settings.stripe.is_some());
    }

    #[test]
    fn stripe_keys_are_never_printed() {
        let settings = parse(&[
            ("TROLLEY_STRIPE_SECRET_KEY", "sk_test_S3cretKey"),
            ("TROLLEY_STRIPE_WEBHOOK_SECRET", "whsec_S3cretHook"),
        ])
        .expect("valid");
        let printed = format!("{settings:?}");
        assert!(!printed.contains("S3cret"), "{printed}");
        assert!(printed.contains("https://api.stripe.com"), "{printed}");
        let error = parse(&[("TROLLEY_STRIPE_SECRET_KEY", "pk_S3cretKey")]).expect_err("bad");
        assert!(!error.reason.contains("S3cret"), "{}", error.reason);
    }
}
