//! Small value types shared by the model: exact amounts, figures, years,
//! days of the year.
//!
//! `Amount` exists so that money never passes through `f64` on its way in:
//! a TOML float reaches it as the text the user wrote (see
//! `node::DECIMAL_TOKEN`) and is parsed into a `Decimal`. It is bounded
//! where it is read: an amount beyond [`Amount::LIMIT`] (10^12 €, a
//! thousand billion) is a `bad-amount` finding at its place and never
//! enters the model. That bound is what makes arithmetic on amounts safe:
//! a sum of up to 2^32 bounded amounts stays below 10^22, far inside
//! `Decimal`'s range (about 7.9 × 10^28), and a bounded amount with two
//! decimals has at most 15 significant digits, which `f64`'s shortest
//! round-trip text (JSON output) writes back exactly. The arithmetic
//! methods are nevertheless saturating or checked, so that no path can
//! panic whatever reaches them.

use std::borrow::Cow;
use std::fmt;

use rust_decimal::Decimal;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::node::{DECIMAL_TOKEN, tagged};

/// A calendar year (`2022`), as used for funding, budget and target keys.
pub type Year = i32;

/// An amount of money in euros, exact and bounded (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Amount(pub Decimal);

/// A figure of an indicator (a count, a rate): exact and bounded like amounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Quantity(pub Decimal);

impl Amount {
    pub const ZERO: Amount = Amount(Decimal::ZERO);

    /// The largest amount cpo reads: 10^12 €.
    pub const LIMIT: Decimal = Decimal::from_parts(3_567_587_328, 232, 0, false, 0);

    pub fn value(self) -> Decimal {
        self.0
    }

    /// `self + other`, saturating (never reached with bounded amounts).
    pub fn plus(self, other: Amount) -> Amount {
        Amount(self.0.saturating_add(other.0))
    }

    /// `self - other`, saturating.
    pub fn minus(self, other: Amount) -> Amount {
        Amount(self.0.saturating_sub(other.0))
    }

    /// The sum of amounts, saturating.
    pub fn total<'a>(amounts: impl IntoIterator<Item = &'a Amount>) -> Amount {
        amounts
            .into_iter()
            .fold(Amount::ZERO, |acc, a| acc.plus(*a))
    }

    /// `self × percent / 100`, rounded half up to the cent (public
    /// accounting rounds half up); `None` only on overflow.
    pub fn percent(self, percent: Decimal) -> Option<Amount> {
        let p = self
            .0
            .checked_mul(percent)?
            .checked_div(Decimal::ONE_HUNDRED)?;
        Some(Amount(round_cents(p)))
    }
}

/// Round to the cent, half away from zero, as French public accounting does
/// (0,125 € -> 0,13 €).
pub fn round_cents(d: Decimal) -> Decimal {
    d.round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
}

/// `to / from - 1` in percent, two decimals half up; `None` from zero or on
/// overflow.
pub fn percent_change(from: Decimal, to: Decimal) -> Option<Decimal> {
    if from.is_zero() {
        return None;
    }
    let ratio = to.checked_sub(from)?.checked_div(from)?;
    Some(round_cents(ratio.checked_mul(Decimal::ONE_HUNDRED)?))
}

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.normalize().fmt(f)
    }
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.normalize().fmt(f)
    }
}

struct DecimalVisitor;

impl<'de> Visitor<'de> for DecimalVisitor {
    type Value = Decimal;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a number")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Decimal, E> {
        Ok(Decimal::from(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Decimal, E> {
        Ok(Decimal::from(v))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Decimal, E> {
        // Only reached through other deserializers (tests, JSON): the
        // shortest round-trip text of the float is what was written.
        parse_decimal(&v.to_string()).map_err(E::custom)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Decimal, A::Error> {
        match map.next_key::<Cow<'de, str>>()? {
            Some(k) if k == DECIMAL_TOKEN => {
                let raw: Cow<'de, str> = map.next_value()?;
                parse_decimal(&raw).map_err(de::Error::custom)
            }
            _ => Err(de::Error::invalid_type(de::Unexpected::Map, &self)),
        }
    }
}

/// Parse a TOML number's text (`1_000.50`, `5e3`) into an exact decimal.
pub fn parse_decimal(raw: &str) -> Result<Decimal, String> {
    let clean = raw.replace('_', "");
    let parsed = if clean.contains(['e', 'E']) {
        Decimal::from_scientific(&clean)
    } else {
        clean.parse::<Decimal>()
    };
    parsed.map_err(|_| format!("`{raw}` is not a valid amount"))
}

/// Read a bounded decimal: beyond ±[`Amount::LIMIT`] it is a `bad-amount`
/// finding at the value (the key is then left out of the model).
fn bounded<'de, D: Deserializer<'de>>(d: D, what: &str) -> Result<Decimal, D::Error> {
    let v = d.deserialize_any(DecimalVisitor)?;
    if v.abs() > Amount::LIMIT {
        return Err(de::Error::custom(tagged(
            crate::diag::Rule::BadAmount,
            &format!("{what} {v} is beyond the 10^12 that cpo accepts"),
        )));
    }
    Ok(v)
}

impl<'de> Deserialize<'de> for Amount {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Amount, D::Error> {
        bounded(d, "the amount").map(Amount)
    }
}

impl<'de> Deserialize<'de> for Quantity {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Quantity, D::Error> {
        bounded(d, "the figure").map(Quantity)
    }
}

/// Amounts serialize as JSON/TOML numbers: whole euros as integers, others
/// through their exact decimal text. With bounded amounts (15 significant
/// digits at most) the `f64` written is the decimal's exact shortest text.
pub fn serialize_decimal<S: Serializer>(d: &Decimal, s: S) -> Result<S::Ok, S::Error> {
    let d = d.normalize();
    if d.scale() == 0
        && let Ok(i) = i64::try_from(d)
    {
        return s.serialize_i64(i);
    }
    let f: f64 = d.to_string().parse().map_err(serde::ser::Error::custom)?;
    s.serialize_f64(f)
}

/// [`serialize_decimal`] for an optional decimal (`null` when absent).
pub fn serialize_opt_decimal<S: Serializer>(d: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => serialize_decimal(d, s),
        None => s.serialize_none(),
    }
}

/// Exact types choose their form by the serializer: JSON numbers for
/// people and tools, the exact normalized decimal text for the canonical
/// form that fingerprints hash (`merge::canonical`, not human-readable).
fn serialize_exact<S: Serializer>(d: &Decimal, s: S) -> Result<S::Ok, S::Error> {
    if s.is_human_readable() {
        serialize_decimal(d, s)
    } else {
        s.collect_str(&d.normalize())
    }
}

impl Serialize for Amount {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        serialize_exact(&self.0, s)
    }
}

impl Serialize for Quantity {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        serialize_exact(&self.0, s)
    }
}

impl JsonSchema for Amount {
    fn schema_name() -> Cow<'static, str> {
        "Amount".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "number",
            "minimum": 0,
            "maximum": 1_000_000_000_000u64,
            "description": "Montant en euros : entier, ou au plus deux décimales."
        })
    }
}

impl JsonSchema for Quantity {
    fn schema_name() -> Cow<'static, str> {
        "Quantity".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "number",
            "description": "Valeur chiffrée d'un indicateur."
        })
    }
}

/// A day of the year, written `"MM-DD"` (`"03-31"` for 31 March), as in
/// payment terms. Validated when read, so later stages never parse it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MonthDay {
    month: i8,
    day: i8,
}

impl MonthDay {
    /// `"03-31"`, when it is a real day of a leap year.
    pub fn parse(s: &str) -> Option<MonthDay> {
        let (m, d) = s.split_once('-')?;
        if m.len() != 2 || d.len() != 2 {
            return None;
        }
        let (month, day): (i8, i8) = (m.parse().ok()?, d.parse().ok()?);
        jiff::civil::Date::new(2024, month, day).ok()?;
        Some(MonthDay { month, day })
    }

    pub fn month(self) -> i8 {
        self.month
    }

    pub fn day(self) -> i8 {
        self.day
    }

    /// This day in `year` (29 February becomes the 28th in other years).
    pub fn in_year(self, year: Year) -> Option<jiff::civil::Date> {
        let year = i16::try_from(year).ok()?;
        jiff::civil::Date::new(year, self.month, self.day)
            .or_else(|_| jiff::civil::Date::new(year, self.month, self.day - 1))
            .ok()
    }
}

impl fmt::Display for MonthDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}-{:02}", self.month, self.day)
    }
}

impl<'de> Deserialize<'de> for MonthDay {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<MonthDay, D::Error> {
        let s = String::deserialize(d)?;
        MonthDay::parse(&s).ok_or_else(|| {
            de::Error::custom(format!(
                "`{s}` is not a day of the year: write it MM-DD, e.g. \"03-31\" for 31 March"
            ))
        })
    }
}

impl Serialize for MonthDay {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl JsonSchema for MonthDay {
    fn schema_name() -> Cow<'static, str> {
        "MonthDay".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "pattern": "^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$",
            "description": "Jour de l'année, MM-JJ (« 03-31 » pour le 31 mars)."
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limit_is_ten_to_the_twelfth() {
        assert_eq!(Amount::LIMIT, Decimal::from(1_000_000_000_000u64));
    }

    #[test]
    fn arithmetic_never_panics() {
        let max = Amount(Decimal::MAX);
        assert_eq!(max.plus(max), max);
        assert_eq!(percent_change(Decimal::new(1, 2), Decimal::MAX), None);
        assert_eq!(percent_change(Decimal::ZERO, Decimal::ONE), None);
        assert_eq!(
            percent_change(Decimal::from(517517), "541968.5".parse().unwrap()),
            Some("4.72".parse().unwrap())
        );
        assert_eq!(
            round_cents("766500.125".parse().unwrap()),
            "766500.13".parse().unwrap()
        );
        assert_eq!(
            Amount(Decimal::from(489500)).percent(Decimal::from(60)),
            Some(Amount(Decimal::from(293700)))
        );
    }

    #[test]
    fn month_days() {
        let md = MonthDay::parse("02-29").unwrap();
        assert_eq!(md.to_string(), "02-29");
        assert_eq!(md.in_year(2023), Some(jiff::civil::date(2023, 2, 28)));
        assert_eq!(MonthDay::parse("13-01"), None);
        assert_eq!(MonthDay::parse("3-31"), None);
    }
}

/// The name under which [`Date`] asks the node deserializer for a TOML date
/// (see `node::Deserializer::deserialize_newtype_struct`): a string that
/// looks like a date is not one (`start = "2022-01-01"` is a `wrong-type`).
pub const DATE_NEWTYPE: &str = "$__cpo_private_date";

/// A civil date written as a TOML date (`2022-01-01`, no quotes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(pub jiff::civil::Date);

impl Date {
    pub fn year(self) -> Year {
        Year::from(self.0.year())
    }
}

impl std::ops::Deref for Date {
    type Target = jiff::civil::Date;
    fn deref(&self) -> &jiff::civil::Date {
        &self.0
    }
}

impl From<jiff::civil::Date> for Date {
    fn from(d: jiff::civil::Date) -> Date {
        Date(d)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

struct DateVisitor;

impl<'de> Visitor<'de> for DateVisitor {
    type Value = Date;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a date (2022-01-01, without quotes)")
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Date, D::Error> {
        jiff::civil::Date::deserialize(d).map(Date)
    }

    // Other formats (JSON in tests) hand the date over as a string.
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Date, E> {
        v.parse().map(Date).map_err(E::custom)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        d.deserialize_newtype_struct(DATE_NEWTYPE, DateVisitor)
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.0)
    }
}

impl JsonSchema for Date {
    fn schema_name() -> Cow<'static, str> {
        "Date".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "format": "date",
            "description": "Date TOML, sans guillemets (2022-01-01)."
        })
    }
}
