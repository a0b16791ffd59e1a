//! Netplan's `match.name` globs (fnmatch: `*`, `?`, `[...]` with `!`/`^` negation and ranges; a
//! `[` without a closing `]` is a literal `[`).
//!
//! The matcher is linear in the pattern for each name character (O(pattern * name) worst
//! case, no recursion): a VM's networkData is attacker-controlled, and the recursive matcher
//! this replaces took 43 s on `<80 stars>x` (issue 10). The pattern is cut into tokens first;
//! each token but `*` matches exactly one character, so on a mismatch only the last `*` needs
//! to take one more character (the classic two-pointer wildcard match).

use super::{DeviceRef, Lint};
use crate::diagnostic::{Code, Diagnostic};
use crate::limits::MAX_MATCH_NAME_CHARS;
use crate::source::join_key;

/// One piece of a glob.
#[derive(Debug, Clone, PartialEq)]
enum Token {
    /// `*`: any run of characters, empty included.
    Star,
    /// `?`: any one character.
    Any,
    /// `[...]`: one character in (or, negated, not in) the set.
    Class { negate: bool, items: Vec<ClassItem> },
    /// Any other character, `[` without a closing `]` included.
    Literal(char),
}

#[derive(Debug, Clone, PartialEq)]
enum ClassItem {
    One(char),
    Range(char, char),
}

impl Token {
    /// Whether this one-character token matches `c` (never called on `Star`).
    fn matches(&self, c: char) -> bool {
        match self {
            Token::Star => false,
            Token::Any => true,
            Token::Literal(l) => *l == c,
            Token::Class { negate, items } => {
                let hit = items.iter().any(|item| match *item {
                    ClassItem::One(x) => x == c,
                    ClassItem::Range(lo, hi) => lo <= c && c <= hi,
                });
                hit != *negate
            }
        }
    }
}

/// Cuts a pattern into tokens, left to right. A class runs to the first `]` after its `[`
/// (so `[]` is an empty class); `a-b` inside it is a range unless the `-` ends the class.
fn tokens(pattern: &[char]) -> Vec<Token> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < pattern.len() {
        let token = match pattern[i] {
            '*' => Token::Star,
            '?' => Token::Any,
            '[' => match pattern[i + 1..].iter().position(|&c| c == ']') {
                None => Token::Literal('['),
                Some(offset) => {
                    let close = i + 1 + offset;
                    let mut set = &pattern[i + 1..close];
                    let negate = matches!(set.first(), Some('!') | Some('^'));
                    if negate {
                        set = &set[1..];
                    }
                    let mut items = Vec::new();
                    let mut j = 0;
                    while j < set.len() {
                        if j + 2 < set.len() && set[j + 1] == '-' {
                            items.push(ClassItem::Range(set[j], set[j + 2]));
                            j += 3;
                        } else {
                            items.push(ClassItem::One(set[j]));
                            j += 1;
                        }
                    }
                    i = close;
                    Token::Class { negate, items }
                }
            },
            c => Token::Literal(c),
        };
        out.push(token);
        i += 1;
    }
    out
}

/// Whether `name` matches the glob `pattern` (fnmatch semantics, see the module comment).
pub fn glob_match(pattern: &str, name: &str) -> bool {
    glob_match_counting(pattern, name).0
}

/// The match and the number of steps it took (one per token compared or skipped): the tests
/// bound the work by counting steps, not by timing.
fn glob_match_counting(pattern: &str, name: &str) -> (bool, usize) {
    let pattern: Vec<char> = pattern.chars().collect();
    let tokens = tokens(&pattern);
    let name: Vec<char> = name.chars().collect();
    let mut steps = 0;
    let (mut t, mut n) = (0, 0);
    // The last `*` seen: the token after it, and the name position it currently stops at.
    let mut star: Option<(usize, usize)> = None;
    while n < name.len() {
        steps += 1;
        match tokens.get(t) {
            Some(Token::Star) => {
                star = Some((t + 1, n));
                t += 1;
            }
            Some(token) if token.matches(name[n]) => {
                t += 1;
                n += 1;
            }
            // A mismatch: the last star takes one more character, the rest starts over.
            _ => match star {
                Some((after, at)) => {
                    star = Some((after, at + 1));
                    t = after;
                    n = at + 1;
                }
                None => return (false, steps),
            },
        }
    }
    while tokens.get(t) == Some(&Token::Star) {
        steps += 1;
        t += 1;
    }
    (t == tokens.len(), steps)
}

/// `match.name` longer than [`MAX_MATCH_NAME_CHARS`]: refused, so the matcher's cost stays
/// bounded whatever the networkData holds. Such an entry then matches no NIC by name.
pub fn check(lint: &mut Lint<'_>, devices: &[DeviceRef<'_>]) {
    for d in devices {
        let Some(pattern) = &d.device.match_name else {
            continue;
        };
        let chars = pattern.chars().count();
        if chars > MAX_MATCH_NAME_CHARS {
            lint.push(
                Diagnostic::new(
                    Code::MatchNameTooLong,
                    join_key(&join_key(&d.device.path, "match"), "name"),
                    format!(
                        "`match.name` is {chars} characters long; the limit is {MAX_MATCH_NAME_CHARS}"
                    ),
                )
                .with_hint("interface names have at most 15 characters: write a shorter glob"),
            );
        }
    }
}

/// Whether a `match.name` pattern is within the limit (longer ones match nothing).
pub fn within_limit(pattern: &str) -> bool {
    pattern.chars().count() <= MAX_MATCH_NAME_CHARS
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The recursive matcher this module replaced (exponential on `***...x`): the reference
    /// the linear one is compared with on small inputs.
    fn recursive_glob_match(pattern: &str, name: &str) -> bool {
        fn go(p: &[char], n: &[char]) -> bool {
            match p.first() {
                None => n.is_empty(),
                Some('*') => (0..=n.len()).any(|i| go(&p[1..], &n[i..])),
                Some('?') => !n.is_empty() && go(&p[1..], &n[1..]),
                Some('[') => {
                    let Some(close) = p.iter().skip(1).position(|&c| c == ']').map(|i| i + 1)
                    else {
                        return n.first() == Some(&'[') && go(&p[1..], &n[1..]);
                    };
                    let Some(&c) = n.first() else { return false };
                    let set = &p[1..close];
                    let (negate, set) = match set.first() {
                        Some('!') | Some('^') => (true, &set[1..]),
                        _ => (false, set),
                    };
                    let mut hit = false;
                    let mut i = 0;
                    while i < set.len() {
                        if i + 2 < set.len() && set[i + 1] == '-' {
                            hit |= set[i] <= c && c <= set[i + 2];
                            i += 3;
                        } else {
                            hit |= set[i] == c;
                            i += 1;
                        }
                    }
                    hit != negate && go(&p[close + 1..], &n[1..])
                }
                Some(&c) => n.first() == Some(&c) && go(&p[1..], &n[1..]),
            }
        }
        let p: Vec<char> = pattern.chars().collect();
        let n: Vec<char> = name.chars().collect();
        go(&p, &n)
    }

    /// The most steps a match may take: each name character is tried against each token at
    /// most once per star restart, plus the trailing stars.
    fn step_bound(pattern: &str, name: &str) -> usize {
        let tokens = tokens(&pattern.chars().collect::<Vec<_>>()).len();
        (tokens + 1) * (name.chars().count() + 1)
    }

    #[test]
    fn fnmatch_examples() {
        for (pattern, name, expected) in [
            ("en*", "enp1s0", true),
            ("eth[0-3]", "eth2", true),
            ("eth[!0]", "eth0", false),
            ("eth[^0]", "eth1", true),
            ("eth?", "eth1", true),
            ("eth?", "eth10", false),
            ("*", "", true),
            ("", "", true),
            ("", "a", false),
            ("?", "", false),
            ("eth[0", "eth[0", true),
            ("eth[0", "eth0", false),
            ("[]", "a", false),
            ("[!]", "a", true),
            ("[a-]", "-", true),
            ("*a*b", "xaxxb", true),
            ("*a*b", "xaxxbx", false),
        ] {
            assert_eq!(glob_match(pattern, name), expected, "{pattern} {name}");
            assert_eq!(
                recursive_glob_match(pattern, name),
                expected,
                "{pattern} {name}"
            );
        }
    }

    #[test]
    fn the_glob_bomb_is_cheap() {
        let pattern = format!("{}x", "*".repeat(80));
        for name in ["eth0", "enp1s0", "abcdefghijklmnop"] {
            let (hit, steps) = glob_match_counting(&pattern, name);
            assert!(!hit);
            assert!(steps <= step_bound(&pattern, name), "{steps}");
        }
    }

    fn glob_chars() -> impl Strategy<Value = String> {
        proptest::collection::vec(
            prop::sample::select(vec!['a', 'b', '-', '*', '?', '[', ']', '!', '^']),
            0..8,
        )
        .prop_map(|c| c.into_iter().collect())
    }

    fn name_chars() -> impl Strategy<Value = String> {
        proptest::collection::vec(
            prop::sample::select(vec!['a', 'b', '-', '[', ']', '!']),
            0..8,
        )
        .prop_map(|c| c.into_iter().collect())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn agrees_with_the_recursive_matcher(pattern in glob_chars(), name in name_chars()) {
            let (hit, steps) = glob_match_counting(&pattern, &name);
            prop_assert_eq!(hit, recursive_glob_match(&pattern, &name));
            prop_assert!(steps <= step_bound(&pattern, &name));
        }

        /// Worst shapes: star runs, `*a*a*a...` against `aaa...b`, classes between stars.
        #[test]
        fn worst_shapes_take_bounded_steps(
            stars in 1usize..200,
            pieces in 1usize..60,
            name_len in 0usize..200,
            ends_with_match in any::<bool>(),
        ) {
            let tail = if ends_with_match { 'a' } else { 'b' };
            let name: String = "a".repeat(name_len) + &tail.to_string();
            let shapes = [
                (format!("{}x", "*".repeat(stars)), false),
                ("*a".repeat(pieces) + "*a", ends_with_match && name_len + 1 > pieces),
                (format!("{}a", "*".repeat(stars)), ends_with_match),
                ("*[a-c]".repeat(pieces) + "[!b]", ends_with_match && name_len + 1 > pieces),
                ("*?".repeat(pieces), name_len + 1 >= pieces),
            ];
            for (pattern, expected) in shapes {
                let (hit, steps) = glob_match_counting(&pattern, &name);
                prop_assert_eq!(hit, expected, "{} {}", pattern, name);
                let bound = step_bound(&pattern, &name);
                prop_assert!(steps <= bound, "{} {}: {} > {}", pattern, name, steps, bound);
            }
        }
    }
}
