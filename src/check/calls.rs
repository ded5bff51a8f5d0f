//! Calls, methods and attributes: what is called, whether it can be, and whether the
//! arguments fit. Also the small kind inference that tells what a value is.

use super::names::Resolved;
use super::scope::GlobalKind;
use super::suggest::{backticked, closest};
use super::{CheckError, Checker, LocalKind};
use crate::lang::kinds::Kind;
use crate::lang::signature::{BindError, CallShape, ParamMode, ParamSpec, Signature, check_shape};
use crate::syntax::Span;
use crate::syntax::ast::*;

/// The shape of a call with `args`.
fn shape_of(args: &[Arg]) -> CallShape<'_> {
    let mut shape = CallShape::default();
    for a in args {
        match a {
            Arg::Pos(_) => shape.positional += 1,
            Arg::Kw(name, _) => shape.keywords.push(&name.node),
            Arg::Star(_) => shape.star = true,
            Arg::DoubleStar(_) => shape.double_star = true,
        }
    }
    shape
}

/// The signature of a user function, with defaults as written.
fn def_signature(def: &FuncDef, src: &str) -> Signature {
    let mut keyword_only = false;
    let params = def
        .params
        .iter()
        .map(|p| {
            let mode = match p.kind {
                ParamKind::VarArgs => {
                    keyword_only = true;
                    ParamMode::VarArgs
                }
                ParamKind::VarKw => ParamMode::VarKw,
                ParamKind::Normal if keyword_only => ParamMode::KeywordOnly,
                ParamKind::Normal => ParamMode::Normal,
            };
            ParamSpec {
                name: p.name.node.clone(),
                mode,
                default: p.default.as_ref().map(|d| d.span.text(src).to_string()),
            }
        })
        .collect();
    Signature {
        name: def.name.node.clone(),
        params,
        returns: None,
    }
}

impl<'m> Checker<'m> {
    /// Checks a call (or `spawn`) of `func` with `args`; `span` is the whole call.
    pub(super) fn call(&mut self, func: &'m Expr, args: &'m [Arg], span: Span) {
        match &func.node {
            ExprKind::Name(name) => match self.read_name(name, func.span) {
                Resolved::Global(g) => match g.kind {
                    GlobalKind::Def(def) => {
                        let sig = def_signature(def, self.src);
                        self.check_signature(&sig, args, span, Some(def.name.span));
                    }
                    GlobalKind::Object(_) | GlobalKind::Thread => {
                        let kind = self.kind_of(func).expect("declared objects have kinds");
                        self.not_callable(name, kind, span);
                    }
                    GlobalKind::Shared => {}
                },
                Resolved::Function(sig) => {
                    if check_shape(sig, &shape_of(args)).is_ok() {
                        self.builtin_callbacks(name, args);
                    }
                    self.check_signature(sig, args, span, None);
                }
                Resolved::Local(LocalKind::Known(kind))
                    if !matches!(kind, Kind::Function) && kind.info().closed =>
                {
                    self.not_callable(name, kind, span);
                }
                _ => {}
            },
            ExprKind::Attribute { value, attr } => {
                self.expr(value);
                if let Some(kind) = self.kind_of(value) {
                    let info = kind.info();
                    match kind.method(&attr.node) {
                        Some(sig) => {
                            if check_shape(sig, &shape_of(args)).is_ok() {
                                self.method_callbacks(kind, &attr.node, args);
                            }
                            self.check_signature(sig, args, span, None);
                        }
                        None if info.closed => self.unknown_member(value, attr, kind, true),
                        None => {}
                    }
                }
            }
            _ => self.expr(func),
        }
        args.iter().for_each(|a| self.expr(a.value()));
    }

    fn not_callable(&mut self, name: &str, kind: Kind, span: Span) {
        let info = kind.info();
        let help = match kind {
            Kind::Thread | Kind::Timer => format!(
                "a thread is started with `{name}.start()` (a `thread` block starts on its own) and waited for with `{name}.join()`"
            ),
            _ => match info.methods.first() {
                Some(m) => format!(
                    "call one of its methods instead, such as `{name}.{}()`",
                    m.name
                ),
                None => format!("`{name}` is a value, not a function"),
            },
        };
        self.errors.push(CheckError::NotCallable {
            name: name.to_string(),
            prose: info.prose,
            span: span.into(),
            help,
        });
    }

    /// Checks a data attribute read or write `value.attr`.
    pub(super) fn attribute(&mut self, value: &'m Expr, attr: &'m Ident, read: bool) {
        let Some(kind) = self.kind_of(value) else {
            return;
        };
        let info = kind.info();
        let known =
            kind.attribute(&attr.node).is_some() || (read && kind.method(&attr.node).is_some());
        if info.closed && !known {
            self.unknown_member(value, attr, kind, false);
        }
    }

    fn unknown_member(&mut self, value: &Expr, attr: &Ident, kind: Kind, called: bool) {
        let info = kind.info();
        let methods: Vec<String> = info.methods.iter().map(|m| m.display()).collect();
        let attrs: Vec<&str> = info.attributes.iter().map(|(a, _)| *a).collect();
        let all_names = info
            .methods
            .iter()
            .map(|m| m.name.as_str())
            .chain(attrs.iter().copied());
        let mut help = match closest(&attr.node, all_names) {
            Some(n) => format!("did you mean `{n}`? "),
            None => String::new(),
        };
        let prose = info.prose;
        help += &match (methods.is_empty(), attrs.is_empty()) {
            (true, true) => format!("{prose} has no methods or attributes"),
            (false, true) => format!("{prose} has: {}", methods.join(", ")),
            (true, false) => format!("{prose} has the attributes {}", backticked(attrs)),
            (false, false) => format!(
                "{prose} has: {}; and the attributes {}",
                methods.join(", "),
                backticked(attrs)
            ),
        };
        let object = value.span.text(self.src).to_string();
        let span = attr.span.into();
        let attribute = attr.node.clone();
        self.errors.push(if called {
            CheckError::UnknownMethod {
                prose,
                method: attribute,
                span,
                object,
                help,
            }
        } else {
            CheckError::UnknownAttribute {
                prose,
                attribute,
                span,
                object,
                help,
            }
        });
    }

    /// Checks `args` against `sig`; `definition` points at a user function's name.
    pub(super) fn check_signature(
        &mut self,
        sig: &Signature,
        args: &[Arg],
        span: Span,
        definition: Option<Span>,
    ) {
        if let Err(e) = check_shape(sig, &shape_of(args)) {
            let label = match &e {
                BindError::TooManyPositional { .. } => "too many arguments".to_string(),
                BindError::MultipleValues { .. } => "already given by position".to_string(),
                BindError::Missing { params, .. } => {
                    format!("missing {}", backticked(params.iter().map(|p| p.as_str())))
                }
                _ => "in this call".to_string(),
            };
            self.report_bind_error(e, sig, &keyword_spans(args), span, label, definition);
        }
    }

    fn report_bind_error(
        &mut self,
        e: BindError,
        sig: &Signature,
        keywords: &[(&str, Span)],
        span: Span,
        label: String,
        definition: Option<Span>,
    ) {
        let message = e.to_string();
        let definition = definition.map(Into::into);
        let keyword_span = |name: &str| {
            keywords
                .iter()
                .find(|(k, _)| *k == name)
                .map_or(span, |(_, s)| *s)
        };
        let error = match e {
            BindError::UnexpectedKeyword { keyword, .. } => {
                let keywords: Vec<&str> = sig.keywords().collect();
                let mut help = match closest(&keyword, keywords.iter().copied()) {
                    Some(k) => format!("did you mean `{k}`? "),
                    None => String::new(),
                };
                help += &if keywords.is_empty() {
                    format!("`{}` takes no keyword arguments", sig.display())
                } else {
                    format!(
                        "`{}` takes the keywords {}",
                        sig.display(),
                        backticked(keywords)
                    )
                };
                CheckError::UnknownKeyword {
                    message,
                    span: keyword_span(&keyword).into(),
                    definition,
                    help,
                }
            }
            BindError::MultipleValues { ref param, .. }
            | BindError::PositionalOnlyByKeyword { ref param, .. } => CheckError::WrongArgCount {
                span: keyword_span(param).into(),
                message,
                label,
                definition,
                help: format!("the signature is `{}`", sig.display()),
            },
            _ => CheckError::WrongArgCount {
                message,
                span: span.into(),
                label,
                definition,
                help: format!("the signature is `{}`", sig.display()),
            },
        };
        self.errors.push(error);
    }

    /// For builtins that call a function later (`Thread`, `Timer`), checks that call now
    /// when both the function and its arguments are written out.
    fn builtin_callbacks(&mut self, name: &str, args: &'m [Arg]) {
        // The keyword and position of the function, and the position of its `args`.
        let (target, func_index, args_index) = match name {
            "Thread" => ("target", 1, 3),
            "Timer" => ("function", 1, 2),
            _ => return,
        };
        let positional: Vec<&Expr> = args
            .iter()
            .filter_map(|a| match a {
                Arg::Pos(e) => Some(e),
                _ => None,
            })
            .collect();
        let by_kw = |kw: &str| {
            args.iter().find_map(|a| match a {
                Arg::Kw(n, e) if n.node == kw => Some(e),
                _ => None,
            })
        };
        let func = by_kw(target).or(positional.get(func_index).copied());
        if let Some(f) = func {
            self.callable_target(f, name, &format!("its `{target}`"));
        }
        let call_args = by_kw("args").or(positional.get(args_index).copied());
        let call_kwargs = by_kw("kwargs");
        let (Some(func), Some((shape, keywords))) = (func, literal_shape(call_args, call_kwargs))
        else {
            return;
        };
        let at = call_args.or(call_kwargs).map_or(func.span, |e| e.span);
        self.check_callback(func, &shape, &keywords, at, name);
    }

    /// `pool.submit(f, ...)` and `pool.map(f, ...)` call `f` in a worker.
    fn method_callbacks(&mut self, kind: Kind, method: &str, args: &'m [Arg]) {
        if kind != Kind::Pool || !matches!(method, "submit" | "map") {
            return;
        }
        let Some(Arg::Pos(func)) = args.first() else {
            return;
        };
        self.callable_target(func, &format!("{method}()"), "its first argument");
        let rest = &args[1..];
        let mut shape = shape_of(rest);
        if method == "map" {
            shape.keywords.retain(|k| *k != "timeout");
        }
        let at = rest
            .first()
            .map_or(func.span, |a| a.span().to(rest[rest.len() - 1].span()));
        let keywords = keyword_spans(rest);
        self.check_callback(func, &shape, &keywords, at, &format!("{method}()"));
    }

    /// The function a thread, timer or pool will call must be callable; a value known to
    /// be something else (`Thread(target=5)`) is reported here, where it is written,
    /// rather than later in the thread that calls it.
    fn callable_target(&mut self, func: &Expr, caller: &str, role: &str) {
        let Some(kind) = self
            .kind_of(func)
            .filter(|k| !matches!(k, Kind::Function | Kind::ExceptionType | Kind::NoneType))
        else {
            return;
        };
        self.errors.push(CheckError::WrongArgumentKind {
            message: format!("`{caller}` will call {role}, so it must be a function"),
            span: func.span.into(),
            prose: kind.info().prose,
            help: "pass a function: the name of a `def` (without calling it), or a `lambda`".into(),
        });
    }

    fn check_callback(
        &mut self,
        func: &Expr,
        shape: &CallShape<'_>,
        keywords: &[(&str, Span)],
        at: Span,
        caller: &str,
    ) {
        let ExprKind::Name(name) = &func.node else {
            return;
        };
        let Resolved::Global(g) = self.resolve(name) else {
            return;
        };
        let GlobalKind::Def(def) = g.kind else { return };
        let sig = def_signature(def, self.src);
        if let Err(e) = check_shape(&sig, shape) {
            let label = format!("`{caller}` calls `{name}` with these arguments");
            self.report_bind_error(e, &sig, keywords, at, label, Some(def.name.span));
        }
    }

    /// The kind of value `e` evaluates to, when it can be told without running.
    pub(super) fn kind_of(&self, e: &Expr) -> Option<Kind> {
        Some(match &e.node {
            ExprKind::Int(_) => Kind::Int,
            ExprKind::Float(_) | ExprKind::Duration { .. } => Kind::Float,
            ExprKind::Str(_) | ExprKind::FString(_) => Kind::Str,
            ExprKind::Bool(_) | ExprKind::Compare { .. } => Kind::Bool,
            ExprKind::None => Kind::NoneType,
            ExprKind::List(_) | ExprKind::ListComp { .. } => Kind::List,
            ExprKind::Dict(_) | ExprKind::DictComp { .. } => Kind::Dict,
            ExprKind::Tuple(_) => Kind::Tuple,
            ExprKind::Lambda { .. } => Kind::Function,
            ExprKind::Spawn { .. } => Kind::Thread,
            ExprKind::Paren(inner) => return self.kind_of(inner),
            ExprKind::Name(n) => match self.resolve(n) {
                Resolved::Local(LocalKind::Known(k)) => k,
                Resolved::Global(g) => match g.kind {
                    GlobalKind::Object(k) => Kind::of_object(k),
                    GlobalKind::Thread => Kind::Thread,
                    GlobalKind::Def(_) => Kind::Function,
                    GlobalKind::Shared => return None,
                },
                Resolved::Function(_) => Kind::Function,
                Resolved::Exception => Kind::ExceptionType,
                Resolved::Constant => Kind::Str,
                _ => return None,
            },
            ExprKind::Call { func, .. } => match &func.node {
                ExprKind::Name(n) => match self.resolve(n) {
                    Resolved::Function(sig) => Kind::from_return(sig.returns.as_deref()?)?,
                    _ => return None,
                },
                ExprKind::Attribute { value, attr } => {
                    let sig = self.kind_of(value)?.method(&attr.node)?;
                    Kind::from_return(sig.returns.as_deref()?)?
                }
                _ => return None,
            },
            ExprKind::Attribute { value, attr } => self.kind_of(value)?.attribute(&attr.node)??,
            _ => return None,
        })
    }
}

/// The shape of a later call `f(*args, **kwargs)` when `args` is a tuple or list literal
/// (or absent) and `kwargs` a dict literal with string keys (or absent), with the spans of
/// the keyword names.
fn literal_shape<'a>(
    args: Option<&'a Expr>,
    kwargs: Option<&'a Expr>,
) -> Option<(CallShape<'a>, Vec<(&'a str, Span)>)> {
    let mut shape = CallShape::default();
    let mut spans = Vec::new();
    match args.map(|a| &a.node) {
        None | Some(ExprKind::None) => {}
        Some(ExprKind::Tuple(items) | ExprKind::List(items)) => shape.positional = items.len(),
        Some(_) => return None,
    }
    match kwargs.map(|k| &k.node) {
        None | Some(ExprKind::None) => {}
        Some(ExprKind::Dict(items)) => {
            for (k, _) in items {
                match &k.node {
                    ExprKind::Str(s) => {
                        shape.keywords.push(s);
                        spans.push((s.as_str(), k.span));
                    }
                    _ => return None,
                }
            }
        }
        Some(_) => return None,
    }
    Some((shape, spans))
}

/// The keyword names of a call and their spans.
fn keyword_spans(args: &[Arg]) -> Vec<(&str, Span)> {
    args.iter()
        .filter_map(|a| match a {
            Arg::Kw(n, _) => Some((n.node.as_str(), n.span)),
            _ => None,
        })
        .collect()
}
