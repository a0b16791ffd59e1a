//! Kubernetes quantities (`8Gi`, `500G`, `1.5e3`): exactly the strings
//! `k8s.io/apimachinery/pkg/api/resource.ParseQuantity` accepts, so that a size or a memory
//! amount that passes here is one the API server reads in the rendered VM and DataVolume.
//!
//! Source: kubernetes/apimachinery `pkg/api/resource/quantity.go` and `suffix.go` at commit
//! eed236ceee2c (2026-07-23). Its documented grammar:
//!
//! ```text
//! <quantity>        ::= <signedNumber><suffix>
//! <number>          ::= <digits> | <digits>.<digits> | <digits>. | .<digits>
//! <signedNumber>    ::= <number> | <sign><number>
//! <suffix>          ::= <binarySI> | <decimalExponent> | <decimalSI>
//! <binarySI>        ::= Ki | Mi | Gi | Ti | Pi | Ei
//! <decimalSI>       ::= n | u | m | "" | k | M | G | T | P | E
//! <decimalExponent> ::= "e" <signedNumber> | "E" <signedNumber>
//! ```
//!
//! and its error message's regular expression, which it calls "overly permissive":
//! `^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$`. Neither is what the code does, so this
//! follows the code (`parseQuantityString`, `suffixHandler.interpret`, `ParseQuantity`):
//!
//! - the number may have no digit at all: `.`, `+`, `-`, `Ki`, `k`, `e5` are zero;
//! - the exponent is an integer (`1e1.5` is refused) that must fit an int64 (it is then
//!   truncated to int32: `1e4294967296` is 1), after exactly one `e` or `E`;
//! - a number without a digit is refused where ParseQuantity reaches its slow path, which reads
//!   the number as an `inf.Dec`: when the scale drops below nano (`e-10`, `.e-10`) or a binary
//!   suffix is too large for the fast path (`Pi`, `Ei`, `.Ei`; `Ti` still passes).
//!
//! Cost: one pass over the bytes, no arithmetic on the value (ParseQuantity's own slow path
//! scales an `inf.Dec` by the exponent, which for `1e2000000000` is enormous; only validity is
//! decided here).

use std::fmt;

/// Why a string is not a quantity, in ParseQuantity's three error kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuantityError {
    /// `ErrFormatWrong`: empty, or a character outside the grammar.
    Format,
    /// `ErrSuffix`: a suffix that is not one of the units nor an integer exponent.
    Suffix,
    /// `ErrNumeric`: the number has no digit where ParseQuantity needs one.
    Numeric,
}

impl fmt::Display for QuantityError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            QuantityError::Format => "it is not a number followed by a unit",
            QuantityError::Suffix => "its unit is not one Kubernetes knows",
            QuantityError::Numeric => "its number has no digits",
        })
    }
}

/// How the unit reads, as apimachinery's `Format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `n u m "" k M G T P E`, a power of ten.
    DecimalSi,
    /// `Ki Mi Gi Ti Pi Ei`, a power of two.
    BinarySi,
    /// `e3`, `E-6`.
    DecimalExponent,
}

/// A parsed quantity: enough to tell its sign and unit, not its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quantity {
    /// A leading `-` (also on zero: `-0` parses).
    pub negative: bool,
    /// Every digit of the number is 0 (or it has none): the quantity is zero whatever the unit.
    pub zero: bool,
    pub format: Format,
}

impl Quantity {
    /// Greater than zero: what a memory amount or a storage request must be.
    pub fn is_positive(&self) -> bool {
        !self.negative && !self.zero
    }
}

/// Parses `s` exactly as `resource.ParseQuantity` does (see the module comment).
pub fn parse(s: &str) -> Result<Quantity, QuantityError> {
    let b = s.as_bytes();
    if b.is_empty() {
        return Err(QuantityError::Format);
    }
    let mut pos = 0;
    let negative = b[0] == b'-';
    if matches!(b[0], b'-' | b'+') {
        pos += 1;
    }
    let int_start = pos;
    while pos < b.len() && b[pos].is_ascii_digit() {
        pos += 1;
    }
    let int_digits = &b[int_start..pos];
    let mut frac_digits: &[u8] = &[];
    if pos < b.len() && b[pos] == b'.' {
        pos += 1;
        let start = pos;
        while pos < b.len() && b[pos].is_ascii_digit() {
            pos += 1;
        }
        frac_digits = &b[start..pos];
    }
    let has_digit = !int_digits.is_empty() || !frac_digits.is_empty();
    let zero = int_digits.iter().chain(frac_digits).all(|&c| c == b'0');

    // The suffix: any run of unit letters, then an optional sign, then digits to the end.
    let suffix_start = pos;
    while pos < b.len() && b"eEinumkKMGTP".contains(&b[pos]) {
        pos += 1;
    }
    if pos < b.len() && matches!(b[pos], b'-' | b'+') {
        pos += 1;
    }
    while pos < b.len() && b[pos].is_ascii_digit() {
        pos += 1;
    }
    if pos < b.len() {
        return Err(QuantityError::Format);
    }
    let suffix = &s[suffix_start..];

    // The leading zeros ParseQuantity strips do not count towards its precision.
    let significant_int = match int_digits.iter().position(|&c| c != b'0') {
        Some(i) => int_digits.len() - i,
        None => 0,
    };
    // parseQuantityString reports num = "0" when every integer digit was stripped.
    let num_len = significant_int.max(1) as i64;
    let denom_len = frac_digits.len() as i64;

    let (format, exponent) = interpret(suffix).ok_or(QuantityError::Suffix)?;
    // Whether ParseQuantity takes its int64 fast path; otherwise it reads the number with
    // inf.Dec, which needs a digit.
    let fast = match format {
        Format::DecimalSi | Format::DecimalExponent => {
            let precision = 18 - (num_len + denom_len);
            precision >= 0 && exponent - denom_len >= -9
        }
        Format::BinarySi => {
            // `precision = 15 - len(num) - int32(float32(exponent)*3/10) - 1 >= 0`; exponent is a
            // multiple of 10 here, so the product is exact.
            denom_len == 0 && 15 - num_len - exponent * 3 / 10 > 0
        }
    };
    // A string that is only "0" (or ends inside its leading zeros) returns early with num "0".
    if !fast && !has_digit {
        return Err(QuantityError::Numeric);
    }
    Ok(Quantity {
        negative,
        zero,
        format,
    })
}

/// `suffixHandler.interpret`: a unit, or `e`/`E` and an integer that fits an int64 (truncated
/// to int32 as apimachinery does).
fn interpret(suffix: &str) -> Option<(Format, i64)> {
    let decimal = match suffix {
        "n" => Some(-9),
        "u" => Some(-6),
        "m" => Some(-3),
        "" => Some(0),
        "k" => Some(3),
        "M" => Some(6),
        "G" => Some(9),
        "T" => Some(12),
        "P" => Some(15),
        "E" => Some(18),
        _ => None,
    };
    if let Some(e) = decimal {
        return Some((Format::DecimalSi, e));
    }
    let binary = match suffix {
        "Ki" => Some(10),
        "Mi" => Some(20),
        "Gi" => Some(30),
        "Ti" => Some(40),
        "Pi" => Some(50),
        "Ei" => Some(60),
        _ => None,
    };
    if let Some(e) = binary {
        return Some((Format::BinarySi, e));
    }
    let rest = suffix
        .strip_prefix('e')
        .or_else(|| suffix.strip_prefix('E'))?;
    go_parse_int64(rest).map(|v| (Format::DecimalExponent, i64::from(v as i32)))
}

/// Go's `strconv.ParseInt(s, 10, 64)`: an optional sign, then at least one digit, in range.
fn go_parse_int64(s: &str) -> Option<i64> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    // Rust's parser takes the same forms (sign, digits, leading zeros) and range.
    s.parse::<i64>().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every input of apimachinery's `TestQuantityParse` table (quantity_test.go at eed236ceee2c),
    /// which ParseQuantity accepts, also with `-` and `+` in front (as that test tries them).
    const APIMACHINERY_ACCEPTS: &[&str] = &[
        "0",
        "0n",
        "0u",
        "0m",
        "0Ki",
        "0k",
        "0Mi",
        "0M",
        "0Gi",
        "0G",
        "0Ti",
        "0T",
        "1",
        "1Ki",
        "8Ki",
        "7Mi",
        "6Gi",
        "5Ti",
        "4Pi",
        "3Ei",
        "10Ti",
        "100Ti",
        "5n",
        "4u",
        "3m",
        "9",
        "8k",
        "50k",
        "7M",
        "6G",
        "5T",
        "40T",
        "300T",
        "2P",
        "1E",
        "1E-3",
        "1e3",
        "1E6",
        "1e9",
        "1E12",
        "1e15",
        "1E18",
        "1e14",
        "1e13",
        "100.035k",
        "0.001",
        "0.0005k",
        "0.005",
        "0.05",
        "0.5",
        "0.00050k",
        "0.00500",
        "0.05000",
        "0.50000",
        "0.5e0",
        "0.5e-1",
        "0.5e-2",
        "10.035M",
        "1.2e3",
        "1.3E+6",
        "1.40e9",
        "1.53E12",
        "1.6e15",
        "1.7E18",
        "9.01",
        "8.1k",
        "7.123456M",
        "6.987654321G",
        "5.444T",
        "40.1T",
        "300.2T",
        "2.5P",
        "1.01E",
        "3.001n",
        "1.1E-9",
        "0.0000000001",
        "0.0000000005",
        "0.00000000050",
        "0.5e-9",
        "0.9n",
        "0.00000012345",
        "0.00000012354",
        "9Ei",
        "9223372036854775807Ki",
        "12E",
        "100.035Ki",
        "0.5Mi",
        "0.05Gi",
        "0.025Ti",
        "0.000000000001Ki",
        ".001",
        ".0001k",
        "1.",
        "1.G",
    ];

    /// The `invalid` list of the same test.
    const APIMACHINERY_REFUSES: &[&str] = &[
        "1.1.M", "1+1.0M", "0.1mi", "0.1am", "aoeu", ".5i", "1i", "-3.01i", "-3.01e-", " 1", "1 ",
    ];

    #[test]
    fn apimachinery_examples() {
        for s in APIMACHINERY_ACCEPTS {
            for sign in ["", "-", "+"] {
                let q = format!("{sign}{s}");
                assert!(parse(&q).is_ok(), "{q} should parse");
            }
        }
        for s in APIMACHINERY_REFUSES {
            assert!(parse(s).is_err(), "{s} should not parse");
        }
        assert_eq!(parse(""), Err(QuantityError::Format));
        // TestQuantityParseNonNumericPanic: MustParse("Non-Numeric") panics.
        assert!(parse("Non-Numeric").is_err());
        // TestParseQuantityString's inputs, and TestParseQuantity's long numbers.
        for s in [
            "0.025Ti",
            "1.025Ti",
            "-1.025Ti",
            ".",
            "-.",
            "1E-3",
            "-999999999999999999.1",
            "9999999999999999999",
            "10000000000000000000000m",
            "-10.0000000000000000001E",
            "9223372036854775808.1",
        ] {
            assert!(parse(s).is_ok(), "{s} should parse");
        }
    }

    /// Traced through apimachinery's code by hand (the comment says which step decides), beyond
    /// its own tests: the corners where the code and its documented grammar differ.
    #[test]
    fn traced_corners() {
        let table: &[(&str, Result<(), QuantityError>, &str)] = &[
            (
                "+",
                Ok(()),
                "ends inside the leading-zero loop: num = \"0\"",
            ),
            ("-", Ok(()), "same, negative zero"),
            ("k", Ok(()), "num \"0\", fast path"),
            ("Ki", Ok(()), "binary fast path: precision 15-1-3-1 >= 0"),
            ("Ti", Ok(()), "precision 15-1-12-1 = 1"),
            (
                "Pi",
                Err(QuantityError::Numeric),
                "precision 15-1-15-1 < 0: inf.Dec(\"\") fails",
            ),
            ("Ei", Err(QuantityError::Numeric), "slow path, no digits"),
            (".Ei", Err(QuantityError::Numeric), "inf.Dec(\".\") fails"),
            ("0Ei", Ok(()), "inf.Dec(\"0\") reads"),
            ("e5", Ok(()), "fast path, scale 5"),
            ("e-9", Ok(()), "scale -9 is nano: fast path"),
            (
                "e-10",
                Err(QuantityError::Numeric),
                "scale below nano: slow path, no digits",
            ),
            (".e-10", Err(QuantityError::Numeric), "same, value \".\""),
            ("1e-10", Ok(()), "slow path with a digit: rounds up to 1n"),
            (
                "1e",
                Err(QuantityError::Suffix),
                "\"e\" alone: len(suffix) > 1 fails",
            ),
            ("1e+", Err(QuantityError::Suffix), "ParseInt(\"+\") fails"),
            ("1ee5", Err(QuantityError::Suffix), "ParseInt(\"e5\") fails"),
            (
                "1e1.5",
                Err(QuantityError::Format),
                "a '.' in the suffix digits",
            ),
            (
                "1Ki5",
                Err(QuantityError::Suffix),
                "not a unit, not an exponent",
            ),
            (
                "1K",
                Err(QuantityError::Suffix),
                "K alone is not a unit (k is)",
            ),
            (
                "4K",
                Err(QuantityError::Suffix),
                "which the Wukong CRD's pattern allows",
            ),
            (
                "1kb",
                Err(QuantityError::Format),
                "'b' is outside the grammar",
            ),
            ("1e9223372036854775807", Ok(()), "fits int64"),
            (
                "1e9223372036854775808",
                Err(QuantityError::Suffix),
                "overflows int64",
            ),
            ("1e4294967296", Ok(()), "fits int64, truncated to int32 0"),
            ("0x10", Err(QuantityError::Format), "'x'"),
            ("1_000", Err(QuantityError::Format), "'_'"),
            ("１", Err(QuantityError::Format), "a full-width digit"),
            ("1.5Gi", Ok(()), "fractional binary: slow path with digits"),
            ("1.Gi", Ok(()), "\"1.G\" allowed, so is \"1.Gi\""),
            (
                "--1",
                Err(QuantityError::Suffix),
                "the second '-' is read as the suffix \"-1\"",
            ),
        ];
        for (s, want, why) in table {
            assert_eq!(parse(s).map(|_| ()), *want, "{s}: {why}");
        }
    }

    #[test]
    fn sign_zero_and_format() {
        let q = parse("8Gi").unwrap();
        assert!(q.is_positive());
        assert_eq!(q.format, Format::BinarySi);
        assert!(!parse("0").unwrap().is_positive());
        assert!(!parse("0.000Gi").unwrap().is_positive());
        assert!(!parse("-1Gi").unwrap().is_positive());
        assert!(parse("-1Gi").unwrap().negative);
        assert!(parse("0.5n").unwrap().is_positive());
        assert_eq!(parse("1e3").unwrap().format, Format::DecimalExponent);
        assert_eq!(parse("500G").unwrap().format, Format::DecimalSi);
    }

    #[test]
    fn long_inputs_are_linear() {
        let long = "9".repeat(100_000);
        assert!(parse(&long).is_ok());
        let bad = format!("{long}x");
        assert_eq!(parse(&bad), Err(QuantityError::Format));
    }
}
