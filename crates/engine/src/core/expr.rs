//! Arithmetic expressions over named values (`m1 / m2`): `+ - * /`, parentheses, numbers and
//! ids, where an id without a value or a division by zero makes the result missing. What
//! CloudWatch's metric math evaluates (aws-rules §10.8) and Auto Scaling checks in a target
//! tracking policy's metrics; it knows neither.

/// An Expression's length (MetricDataQuery: at most 2,048 characters), and how deep its
/// parentheses and signs may nest here (a bound of the simulation's, so parsing cannot
/// exhaust the stack).
pub const EXPRESSION_MAX: usize = 2_048;
pub const NESTING_MAX: u32 = 32;

#[derive(Clone, Copy, Debug, PartialEq)]
enum Tok<'a> {
    Num(f64),
    Id(&'a str),
    Op(u8),
}

fn lex(s: &str) -> Result<Vec<Tok<'_>>, String> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_whitespace() {
            i += 1;
        } else if b"+-*/()".contains(&c) {
            out.push(Tok::Op(c));
            i += 1;
        } else if c.is_ascii_digit() || c == b'.' {
            let j = i + b[i..]
                .iter()
                .take_while(|c| c.is_ascii_digit() || **c == b'.')
                .count();
            let n = s[i..j]
                .parse()
                .map_err(|_| format!("bad number {}", &s[i..j]))?;
            out.push(Tok::Num(n));
            i = j;
        } else if c.is_ascii_alphabetic() {
            let j = i + b[i..]
                .iter()
                .take_while(|c| c.is_ascii_alphanumeric() || **c == b'_')
                .count();
            out.push(Tok::Id(&s[i..j]));
            i = j;
        } else {
            return Err(format!("unexpected character {:?}", c as char));
        }
    }
    Ok(out)
}

/// A recursive-descent evaluator: `lookup` gives an id's value (`None`: no datapoint, which
/// makes the whole expression's datapoint missing). Division by zero gives no datapoint
/// either (UNCONFIRMED: CloudWatch documents no value for it; mqlab drops the datapoint, so
/// backlog per instance with no instance in service is missing data).
struct Parser<'a, 'f> {
    toks: Vec<Tok<'a>>,
    at: usize,
    depth: u32,
    lookup: &'f dyn Fn(&str) -> Result<Option<f64>, String>,
}

impl<'a> Parser<'a, '_> {
    fn peek(&self) -> Option<Tok<'a>> {
        self.toks.get(self.at).copied()
    }

    fn sum(&mut self) -> Result<Option<f64>, String> {
        let mut v = self.product()?;
        while let Some(Tok::Op(op @ (b'+' | b'-'))) = self.peek() {
            self.at += 1;
            let r = self.product()?;
            v = v
                .zip(r)
                .map(|(a, b)| if op == b'+' { a + b } else { a - b });
        }
        Ok(v)
    }

    fn product(&mut self) -> Result<Option<f64>, String> {
        let mut v = self.atom()?;
        while let Some(Tok::Op(op @ (b'*' | b'/'))) = self.peek() {
            self.at += 1;
            let r = self.atom()?;
            v = match (v, r, op) {
                (Some(a), Some(b), b'*') => Some(a * b),
                (Some(a), Some(b), _) if b != 0.0 => Some(a / b),
                _ => None,
            };
        }
        Ok(v)
    }

    fn atom(&mut self) -> Result<Option<f64>, String> {
        let t = self.peek().ok_or("unexpected end of expression")?;
        self.at += 1;
        match t {
            Tok::Num(n) => Ok(Some(n)),
            Tok::Id(id) => (self.lookup)(id),
            Tok::Op(c @ (b'-' | b'(')) => {
                self.depth += 1;
                if self.depth > NESTING_MAX {
                    return Err(format!("nested more than {NESTING_MAX} deep"));
                }
                let v = if c == b'-' {
                    self.atom()?.map(|v| -v)
                } else {
                    let v = self.sum()?;
                    if self.peek() != Some(Tok::Op(b')')) {
                        return Err("missing )".into());
                    }
                    self.at += 1;
                    v
                };
                self.depth -= 1;
                Ok(v)
            }
            Tok::Op(c) => Err(format!("unexpected {:?}", c as char)),
        }
    }
}

/// Evaluates `expr` with `lookup` for its ids.
pub fn eval(
    expr: &str,
    lookup: &dyn Fn(&str) -> Result<Option<f64>, String>,
) -> Result<Option<f64>, String> {
    if expr.len() > EXPRESSION_MAX {
        return Err(format!("longer than {EXPRESSION_MAX} characters"));
    }
    let mut p = Parser {
        toks: lex(expr)?,
        at: 0,
        depth: 0,
        lookup,
    };
    let v = p.sum()?;
    if p.at != p.toks.len() {
        return Err("unexpected text after the expression".into());
    }
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(e: &str, m1: Option<f64>, m2: Option<f64>) -> Option<f64> {
        eval(e, &|id| match id {
            "m1" => Ok(m1),
            "m2" => Ok(m2),
            _ => Err("unknown".into()),
        })
        .unwrap()
    }

    #[test]
    fn arithmetic_precedence_parentheses_and_missing_values() {
        assert_eq!(ev("m1/m2", Some(150.0), Some(10.0)), Some(15.0));
        assert_eq!(ev("m1 + m2 * 2", Some(1.0), Some(3.0)), Some(7.0));
        assert_eq!(ev("(m1 + m2) * 2", Some(1.0), Some(3.0)), Some(8.0));
        assert_eq!(ev("-m1 / 4", Some(2.0), None), Some(-0.5));
        assert_eq!(ev("m1/m2", Some(5.0), Some(0.0)), None);
        assert_eq!(ev("m1/m2", Some(5.0), None), None);
        assert!(eval("m1 +", &|_| Ok(Some(1.0))).is_err());
        assert!(eval("m1 $ 2", &|_| Ok(Some(1.0))).is_err());
        let deep = format!("{}m1{}", "(".repeat(500), ")".repeat(500));
        assert!(eval(&deep, &|_| Ok(Some(1.0))).is_err());
        assert!(eval(&"-".repeat(5000), &|_| Ok(Some(1.0))).is_err());
        let wide = vec!["(m1)"; 100].join(" + ");
        assert_eq!(ev(&wide, Some(1.0), None), Some(100.0));
    }
}
