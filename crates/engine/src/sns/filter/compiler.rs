//! The compiler: a port of Event Ruler's JsonRuleCompiler, with IP address and wildcard patterns.

use super::*;

// ---- the compiler (a port of Event Ruler's JsonRuleCompiler) --------------------------------

pub(super) struct Compiled {
    pub(super) rules: Vec<Rule>,
    pub(super) branches: Vec<OrdMap<String, usize>>,
    pub(super) top_level_keys: usize,
    pub(super) nested: bool,
    pub(super) combinations: u64,
}

pub(super) type Branch = OrdMap<String, usize>;

pub(super) struct Compiler<'a> {
    pub(super) lx: Lexer<'a>,
    /// Whether `"$or"` is the OR operator (false: Event Ruler's legacy compiler).
    pub(super) or_enabled: bool,
    pub(super) saw_or: bool,
    pub(super) rules: Vec<Rule>,
    pub(super) nested: bool,
    /// More `"$or"` branches than the combination limit allows were produced; the policy
    /// will be refused as too complex, so the surplus is not kept.
    pub(super) overflow: bool,
}

impl<'a> Compiler<'a> {
    /// Compiles a policy; on error also says whether a `"$or"` key was met (so the legacy
    /// compiler should be tried).
    pub(super) fn run(src: &'a str, or_enabled: bool) -> Result<Compiled, (PErr, bool)> {
        let mut c = Compiler {
            lx: Lexer::new(src),
            or_enabled,
            saw_or: false,
            rules: Vec::new(),
            nested: false,
            overflow: false,
        };
        let result = c.top();
        result.map_err(|e| (e, c.saw_or))
    }

    pub(super) fn barf<T>(&self, msg: impl Into<String>) -> PResult<T> {
        self.lx.err(msg)
    }

    pub(super) fn next(&mut self) -> PResult<Tok> {
        self.lx.next_token()
    }

    pub(super) fn top(&mut self) -> PResult<Compiled> {
        if self.next()? != Tok::StartObject {
            return self.barf("Filter is not an object");
        }
        let mut branches: Vec<Branch> = Vec::new();
        let mut keys = Paths::new();
        let combinations = self.object(&mut branches, "", 1, 1, false, Some(&mut keys))?;
        let combinations = if self.overflow {
            FILTER_POLICY_COMBINATIONS_MAX + 1
        } else {
            combinations
        };
        Ok(Compiled {
            rules: std::mem::take(&mut self.rules),
            branches,
            top_level_keys: keys.len(),
            nested: self.nested,
            combinations,
        })
    }

    /// `parseObject` / `parseObjectInsideOrRelationship`; returns the combination count after
    /// this object (`combos` is the count before it). `top_keys` is set only for the policy's
    /// own object, whose emptiness means "no policy".
    pub(super) fn object(
        &mut self,
        branches: &mut Vec<Branch>,
        path: &str,
        depth: u64,
        mut combos: u64,
        in_or: bool,
        mut top_keys: Option<&mut Paths>,
    ) -> PResult<u64> {
        let mut fields = false;
        loop {
            if self.next()? == Tok::EndObject {
                break;
            }
            fields = true;
            let name = self.lx.name.clone();
            if let Some(keys) = top_keys.as_deref_mut() {
                keys.insert(name.clone(), ());
            }
            if name == OR_KEYWORD {
                self.saw_or = true;
                if self.or_enabled {
                    combos = self.or(branches, path, depth, combos)?;
                    continue;
                }
            }
            if in_or && RESERVED_IN_OR.contains(&name.as_str()) {
                return self.barf(format!(
                    "{name} is Ruler reserved fieldName which cannot be used inside $or."
                ));
            }
            let full = if path.is_empty() {
                name.clone()
            } else {
                format!("{path}.{name}")
            };
            match self.next()? {
                Tok::StartObject => {
                    self.nested = true;
                    combos = self.object(branches, &full, depth + 1, combos, in_or, None)?;
                }
                Tok::StartArray => {
                    let n = self.rule(branches, full)?;
                    combos = combos.saturating_mul(n).saturating_mul(depth);
                }
                _ => return self.barf(format!("\"{name}\" must be an object or an array")),
            }
        }
        if !fields && top_keys.is_none() {
            return self.barf("Empty objects are not allowed");
        }
        Ok(combos)
    }

    /// `parseIntoOrRelationship`: each object of the array forks the branches so far.
    pub(super) fn or(
        &mut self,
        branches: &mut Vec<Branch>,
        path: &str,
        depth: u64,
        combos: u64,
    ) -> PResult<u64> {
        let current = std::mem::take(branches);
        if self.next()? != Tok::StartArray {
            return self.barf("It must be an Array followed with $or.");
        }
        let mut count = 0;
        let mut sum = 0u64;
        loop {
            match self.next()? {
                Tok::EndArray => break,
                Tok::StartObject => {
                    count += 1;
                    let mut forked = current.clone();
                    if forked.is_empty() {
                        forked.push(Branch::new());
                    }
                    let c = self.object(&mut forked, path, depth, combos, true, None)?;
                    sum = sum.saturating_add(c);
                    let room = (FILTER_POLICY_COMBINATIONS_MAX as usize + 1)
                        .saturating_sub(branches.len());
                    if forked.len() > room {
                        self.overflow = true;
                        forked.truncate(room);
                    }
                    branches.extend(forked);
                }
                _ => return self.barf("Only JSON object is allowed in array of $or relationship."),
            }
        }
        if count < 2 {
            return self.barf("There must have at least 2 Objects in $or relationship.");
        }
        Ok(sum)
    }

    /// `writeRules`: a key's array of values and match expressions. Returns its length.
    pub(super) fn rule(&mut self, branches: &mut Vec<Branch>, path: String) -> PResult<u64> {
        let start = self.lx.pos.saturating_sub(1);
        let mut conds = Vec::new();
        loop {
            let cond = match self.next()? {
                Tok::EndArray => break,
                Tok::StartObject => self.match_expression()?,
                Tok::Str => {
                    let s = self.lx.text()?;
                    let ip = ip_literal(&s).map(|(v6, a)| IpNet { v6, lo: a, hi: a });
                    Cond::ExactStr { s, ip }
                }
                Tok::Num => Cond::ExactNum(parse_f64(&self.lx.text)),
                Tok::True => Cond::ExactBool(true),
                Tok::False => Cond::ExactBool(false),
                Tok::Null => Cond::ExactNull,
                _ => return self.barf("Match value must be String, number, true, false, or null"),
            };
            conds.push(cond);
        }
        if conds.is_empty() {
            return self.barf("Empty arrays are not allowed");
        }
        // The source is already compact JSON (see `FilterPolicy::validate`).
        let display = self
            .lx
            .src
            .get(start..self.lx.pos)
            .unwrap_or("")
            .to_string();
        let n = conds.len() as u64;
        let index = self.rules.len();
        self.rules.push(Rule {
            path: path.clone(),
            conds,
            display,
        });
        if branches.is_empty() {
            branches.push(Branch::new());
        }
        for b in branches.iter_mut() {
            b.insert(path.clone(), index);
        }
        Ok(n)
    }

    pub(super) fn expect_end_object(&mut self, msg: &str) -> PResult<()> {
        if self.next()? != Tok::EndObject {
            return self.barf(msg);
        }
        Ok(())
    }

    /// A string-valued operand, or `msg` as the error.
    pub(super) fn string_operand(&mut self, msg: &str) -> PResult<String> {
        if self.next()? != Tok::Str {
            return self.barf(msg);
        }
        self.lx.text()
    }

    /// `processMatchExpression`: `{"prefix": …}`, `{"numeric": […]}`, … (after its `{`).
    pub(super) fn match_expression(&mut self) -> PResult<Cond> {
        if self.next()? != Tok::FieldName {
            return self.barf("Match expression name not found");
        }
        let op = self.lx.name.clone();
        let cond = match op.as_str() {
            "exactly" => {
                let s = self.string_operand("exact match pattern must be a string")?;
                Cond::ExactStr { s, ip: None }
            }
            "prefix" | "suffix" => {
                let prefix = op == "prefix";
                let t = self.next()?;
                if t == Tok::StartObject {
                    return self.affix_ignore_case(prefix);
                }
                if t != Tok::Str {
                    return self.barf(format!("{op} match pattern must be a string"));
                }
                let s = self.lx.text()?;
                if prefix {
                    Cond::Prefix(s)
                } else {
                    Cond::Suffix(s)
                }
            }
            "numeric" => {
                if self.next()? != Tok::StartArray {
                    return self.barf("Value of numeric must be an array.");
                }
                let range = self.numeric()?;
                if self.next()? != Tok::EndObject {
                    return self.barf(TOO_MANY_ELEMENTS);
                }
                return Ok(Cond::Numeric(range));
            }
            "anything-but" => return self.anything_but(),
            "exists" => {
                let b = match self.next()? {
                    Tok::True => true,
                    Tok::False => false,
                    _ => return self.barf("exists match pattern must be either true or false."),
                };
                Cond::Exists(b)
            }
            "cidr" => {
                let s = self.string_operand("prefix match pattern must be a string")?;
                Cond::Cidr(parse_cidr(&s).map_err(PErr::Plain)?)
            }
            "equals-ignore-case" => {
                let s = self.string_operand("equals-ignore-case match pattern must be a string")?;
                Cond::EqualsIgnoreCase(s)
            }
            "wildcard" => {
                let s = self.string_operand("wildcard match pattern must be a string")?;
                match Wildcard::parse(&s) {
                    Ok(w) => Cond::Wildcard(w),
                    Err(m) => return self.barf(m),
                }
            }
            _ => return self.barf(format!("Unrecognized match type {op}")),
        };
        self.expect_end_object(ONE_KEY)?;
        Ok(cond)
    }

    /// `{"prefix": {"equals-ignore-case": …}}` and the suffix form.
    pub(super) fn affix_ignore_case(&mut self, prefix: bool) -> PResult<Cond> {
        let which = if prefix { "Prefix" } else { "Suffix" };
        if self.next()? != Tok::FieldName {
            return self.barf(format!("{which} expression name not found"));
        }
        let op = self.lx.name.clone();
        if op != "equals-ignore-case" {
            return self.barf(format!(
                "Unsupported {} pattern: {op}",
                which.to_ascii_lowercase()
            ));
        }
        let s = self.string_operand("equals-ignore-case match pattern must be a string")?;
        self.expect_end_object(ONE_KEY)?;
        self.expect_end_object(ONE_KEY)?;
        Ok(if prefix {
            Cond::PrefixIgnoreCase(s)
        } else {
            Cond::SuffixIgnoreCase(s)
        })
    }

    /// `processNumericMatchExpression` (after the `[`).
    pub(super) fn numeric(&mut self) -> PResult<NumRange> {
        if self.next()? != Tok::Str {
            let t = self.lx.text()?;
            return self.barf(format!("Invalid member in numeric match: {t}"));
        }
        let op = self.lx.text()?;
        let t = self.next()?;
        let label = if op == "=" { "equals" } else { op.as_str() };
        if !matches!(op.as_str(), "=" | ">=" | ">" | "<=" | "<") {
            return self.barf(format!("Unrecognized numeric range operator: {op}"));
        }
        if t != Tok::Num {
            return self.barf(format!("Value of {label} must be numeric"));
        }
        let v = self.lx.text.clone();
        match op.as_str() {
            ">=" | ">" => {
                let inclusive = op == ">=";
                let t = self.next()?;
                if t == Tok::EndArray {
                    let lo = self.sns_number(&v)?;
                    return Ok(NumRange {
                        lower: Some((lo, inclusive)),
                        upper: None,
                    });
                }
                self.numeric_range(t, &v, inclusive)
            }
            _ => {
                if self.next()? != Tok::EndArray {
                    return self.barf(TOO_MANY_ELEMENTS);
                }
                let x = self.sns_number(&v)?;
                Ok(match op.as_str() {
                    "=" => NumRange {
                        lower: Some((x, true)),
                        upper: Some((x, true)),
                    },
                    _ => NumRange {
                        lower: None,
                        upper: Some((x, op == "<=")),
                    },
                })
            }
        }
    }

    /// `completeNumericRange`: the `"<", top` half after `">", bottom`.
    pub(super) fn numeric_range(
        &mut self,
        t: Tok,
        bottom: &str,
        bottom_incl: bool,
    ) -> PResult<NumRange> {
        if t != Tok::Str {
            let text = self.lx.text()?;
            return self.barf(format!("Bad value in numeric range: {text}"));
        }
        let op = self.lx.text()?;
        if op != "<" && op != "<=" {
            return self.barf(format!("Bad numeric range operator: {op}"));
        }
        if self.next()? != Tok::Num {
            return self.barf(format!("Value of {op} must be numeric"));
        }
        let top = self.lx.text.clone();
        if self.next()? != Tok::EndArray {
            return self.barf("Too many terms in numeric range expression");
        }
        let lo = self.sns_number(bottom)?;
        let hi = self.sns_number(&top)?;
        if lo >= hi {
            return self.barf("Bottom must be less than top");
        }
        Ok(NumRange {
            lower: Some((lo, bottom_incl)),
            upper: Some((hi, op == "<=")),
        })
    }

    /// A numeric operand within SNS's documented range and accuracy.
    pub(super) fn sns_number(&self, text: &str) -> PResult<f64> {
        let v = parse_f64(text);
        if v.is_nan() || v.abs() > NUMERIC_ABS_MAX || decimal_places(text) > NUMERIC_DECIMALS_MAX {
            return self.barf(format!("{NUMERIC_OUT_OF_RANGE}: {text}"));
        }
        Ok(v)
    }

    /// `anything-but` with a value, a list, or `{"prefix"|"suffix"|"equals-ignore-case"|
    /// "wildcard": value-or-list}`.
    pub(super) fn anything_but(&mut self) -> PResult<Cond> {
        let mut kind: Option<&'static str> = None;
        let mut t = self.next()?;
        if t == Tok::StartObject {
            if self.next()? != Tok::FieldName {
                return self.barf("Anything-But expression name not found");
            }
            let op = self.lx.name.clone();
            kind = Some(match op.as_str() {
                "equals-ignore-case" => "equals-ignore-case",
                "prefix" => "prefix",
                "suffix" => "suffix",
                "wildcard" => "wildcard",
                _ => return self.barf(format!("Unsupported anything-but pattern: {op}")),
            });
            t = self.next()?;
        }
        if !matches!(t, Tok::StartArray | Tok::Str | Tok::Num) {
            return self
                .barf("Value of anything-but must be an array or single string/number value.");
        }
        let cond = match (kind, t) {
            (None, Tok::StartArray) => self.anything_but_list()?,
            (None, Tok::Str) => AnythingBut::Strings(vec![self.lx.text()?]),
            (None, _) => {
                // Event Ruler lets this number error escape unlocated.
                let v = self.lx.text.clone();
                let n = self.sns_number(&v).map_err(|e| match e {
                    PErr::Located { msg, .. } => PErr::Plain(msg),
                    p => p,
                })?;
                AnythingBut::Numbers(vec![n])
            }
            (Some(k), Tok::StartArray) => {
                let values = self.anything_but_set_list(k)?;
                self.anything_but_set(k, values)?
            }
            (Some(k), Tok::Str) => {
                let s = self.lx.text()?;
                if (k == "prefix" || k == "suffix") && s.is_empty() {
                    return self.barf("Null prefix/suffix not allowed");
                }
                self.anything_but_set(k, vec![s])?
            }
            (Some(k), _) => return self.barf(set_type_error(k)),
        };
        if self.next()? != Tok::EndObject {
            return self.barf(TOO_MANY_ELEMENTS);
        }
        if kind.is_some() && self.next()? != Tok::EndObject {
            return self.barf(TOO_MANY_ELEMENTS);
        }
        Ok(Cond::AnythingBut(cond))
    }

    /// Event Ruler re-raises errors from inside an anything-but list with the message that
    /// already carries a location, so AWS's text holds the location twice.
    pub(super) fn relocate(&self, e: PErr) -> PErr {
        match e {
            PErr::Located { msg, pos } => PErr::Located {
                msg: format!("{msg}{}", location(self.lx.src, pos)),
                pos: self.lx.pos,
            },
            plain => plain,
        }
    }

    /// `processAnythingButListMatchExpression`: all strings or all numbers.
    pub(super) fn anything_but_list(&mut self) -> PResult<AnythingBut> {
        let mut strings = Vec::new();
        let mut numbers = Vec::new();
        loop {
            let step: PResult<bool> = (|| {
                match self.next()? {
                    Tok::EndArray => return Ok(false),
                    Tok::Str => strings.push(self.lx.text()?),
                    Tok::Num => {
                        let v = self.lx.text.clone();
                        numbers.push(self.sns_number(&v).map_err(|e| match e {
                            // A number error is an IllegalArgumentException there: one location.
                            PErr::Located { msg, .. } => PErr::Plain(msg),
                            p => p,
                        })?);
                    }
                    _ => {
                        return self
                            .barf("Inside anything but list, start|null|boolean is not supported.")
                    }
                }
                Ok(true)
            })();
            match step {
                Ok(true) => {}
                Ok(false) => break,
                Err(PErr::Plain(msg)) => return self.barf(msg),
                Err(e) => return Err(self.relocate(e)),
            }
        }
        if strings.is_empty() == numbers.is_empty() {
            return self.barf(
                "Inside anything but list, either all values are number or string, mixed type is not supported",
            );
        }
        Ok(if numbers.is_empty() {
            AnythingBut::Strings(strings)
        } else {
            AnythingBut::Numbers(numbers)
        })
    }

    /// `processAnythingButValuesSetMatchExpression`'s list reading.
    pub(super) fn anything_but_set_list(&mut self, kind: &str) -> PResult<Vec<String>> {
        let mut values = Vec::new();
        loop {
            let step: PResult<bool> = (|| {
                match self.next()? {
                    Tok::EndArray => return Ok(false),
                    Tok::Str => {
                        let s = self.lx.text()?;
                        if (kind == "prefix" || kind == "suffix") && s.is_empty() {
                            return self.barf("Null prefix/suffix not allowed");
                        }
                        values.push(s);
                    }
                    _ => return self.barf(set_type_error(kind)),
                }
                Ok(true)
            })();
            match step {
                Ok(true) => {}
                Ok(false) => break,
                Err(e) => return Err(self.relocate(e)),
            }
        }
        Ok(values)
    }

    pub(super) fn anything_but_set(&self, kind: &str, values: Vec<String>) -> PResult<AnythingBut> {
        Ok(match kind {
            "prefix" => AnythingBut::Prefixes(values),
            "suffix" => AnythingBut::Suffixes(values),
            "equals-ignore-case" => AnythingBut::IgnoreCase(values),
            _ => {
                let mut patterns = Vec::with_capacity(values.len());
                for v in &values {
                    match Wildcard::parse(v) {
                        Ok(w) => patterns.push(w),
                        Err(m) => return self.barf(m),
                    }
                }
                AnythingBut::Wildcards(patterns)
            }
        })
    }
}

pub(super) fn set_type_error(kind: &str) -> &'static str {
    match kind {
        "equals-ignore-case" => {
            "Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported."
        }
        "wildcard" => "wildcard match pattern must be a string",
        _ => "prefix/suffix match pattern must be a string",
    }
}

pub(super) fn parse_f64(text: &str) -> f64 {
    crate::core::float::parse_f64(text).unwrap_or(f64::NAN)
}

/// Digits after the decimal point of a JSON number, once trailing zeros and the exponent are
/// accounted for (`3.015e2` has 1, `1e-6` has 6).
pub(super) fn decimal_places(text: &str) -> u32 {
    let (mantissa, exp) = match text.find(['e', 'E']) {
        Some(i) => (&text[..i], text[i + 1..].parse::<i64>().unwrap_or(0)),
        None => (text, 0),
    };
    let frac = mantissa
        .split_once('.')
        .map(|(_, f)| f.trim_end_matches('0').len() as i64)
        .unwrap_or(0);
    (frac - exp).clamp(0, i64::from(u32::MAX)) as u32
}

// ---- IP addresses (Event Ruler's CIDR class) --------------------------------------------------

/// Parses an IP literal the way Event Ruler recognises one: only text shaped like
/// `d.d.d.d` or made of hex digits and colons is tried. `(is_v6, address)`.
pub(super) fn ip_literal(s: &str) -> Option<(bool, u128)> {
    ip_bytes(s).ok()
}

pub(super) fn looks_v4(s: &str) -> bool {
    let parts: Vec<&str> = s.split('.').collect();
    parts.len() == 4
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

pub(super) fn looks_v6(s: &str) -> bool {
    s.contains(':') && s.bytes().all(|b| b.is_ascii_hexdigit() || b == b':')
}

pub(super) fn ip_bytes(s: &str) -> Result<(bool, u128), String> {
    if looks_v4(s) {
        return s
            .parse::<Ipv4Addr>()
            .map(|a| (false, u128::from(u32::from(a))))
            .map_err(|_| format!("Invalid IP address: {s}"));
    }
    if looks_v6(s) {
        return s
            .parse::<Ipv6Addr>()
            .map(|a| (true, u128::from(a)))
            .map_err(|_| format!("Invalid IP address: {s}"));
    }
    Err(format!("Nonstandard IP address: {s}"))
}

/// `CIDR.cidr`: errors are plain (AWS shows them without a parser location).
pub(super) fn parse_cidr(s: &str) -> Result<IpNet, String> {
    // Java's String.split drops trailing empty pieces.
    let mut parts: Vec<&str> = s.split('/').collect();
    while parts.last() == Some(&"") {
        parts.pop();
    }
    if parts.len() != 2 {
        return Err("Malformed CIDR, one '/' required".into());
    }
    let mask = parse_java_int(parts[1])
        .ok_or_else(|| "Malformed CIDR, mask bits must be an integer".to_string())?;
    if mask < 0 {
        return Err("Malformed CIDR, mask bits must not be negative".into());
    }
    let (v6, addr) = ip_bytes(parts[0])?;
    let bits: u32 = if v6 { 128 } else { 32 };
    if !v6 && mask > 31 {
        return Err("IPv4 mask bits must be < 32".into());
    }
    if v6 && mask > 127 {
        return Err("IPv6 mask bits must be < 128".into());
    }
    let host_bits = bits - mask as u32;
    let host_mask: u128 = if host_bits >= 128 {
        u128::MAX
    } else {
        (1u128 << host_bits) - 1
    };
    Ok(IpNet {
        v6,
        lo: addr & !host_mask,
        hi: addr | host_mask,
    })
}

/// Java's `Integer.parseInt`: optional sign, decimal digits, 32-bit range.
pub(super) fn parse_java_int(s: &str) -> Option<i64> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let v: i64 = s.parse().ok()?;
    (i64::from(i32::MIN)..=i64::from(i32::MAX))
        .contains(&v)
        .then_some(v)
}

// ---- wildcard patterns -------------------------------------------------------------------------

impl Wildcard {
    /// Event Ruler's `WildcardParser`: `*` matches any run of characters, `\*` and `\\` are a
    /// literal `*` and `\`; `**` and any other escape are errors. Positions count UTF-8 bytes
    /// of the value in quotes, as Event Ruler reports them.
    pub(super) fn parse(s: &str) -> Result<Wildcard, String> {
        let b = s.as_bytes();
        let mut parts = vec![String::new()];
        let mut i = 0;
        let mut run = 0;
        while i < b.len() {
            match b[i] {
                b'*' => {
                    if b.get(i + 1) == Some(&b'*') {
                        return Err(format!("Consecutive wildcard characters at pos {}", i + 1));
                    }
                    flush(&mut parts, s, run, i);
                    parts.push(String::new());
                    i += 1;
                    run = i;
                }
                b'\\' => {
                    if let Some(&n @ (b'*' | b'\\')) = b.get(i + 1) {
                        flush(&mut parts, s, run, i);
                        if let Some(last) = parts.last_mut() {
                            last.push(n as char);
                        }
                        i += 2;
                        run = i;
                    } else {
                        return Err(format!("Invalid escape character at pos {}", i + 1));
                    }
                }
                _ => i += 1,
            }
        }
        flush(&mut parts, s, run, b.len());
        return Ok(Wildcard { parts });

        fn flush(parts: &mut [String], s: &str, from: usize, to: usize) {
            if let Some(last) = parts.last_mut() {
                last.push_str(s.get(from..to).unwrap_or(""));
            }
        }
    }

    pub(super) fn matches(&self, v: &str) -> bool {
        let Some((first, rest)) = self.parts.split_first() else {
            return v.is_empty();
        };
        let Some((last, middle)) = rest.split_last() else {
            return v == first;
        };
        let Some(mut v) = v.strip_prefix(first.as_str()) else {
            return false;
        };
        for part in middle {
            match v.find(part.as_str()) {
                Some(i) => v = &v[i + part.len()..],
                None => return false,
            }
        }
        v.len() >= last.len() && v.ends_with(last.as_str())
    }
}
