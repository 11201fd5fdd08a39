//! Action runs in QuickJS (through `rquickjs`, built from source): a runtime per Action, its
//! module evaluated once per thread and reused between runs, each run bounded in time (an
//! interrupt at the deadline) and the runtime in memory (its allocation limit), so a loop, a
//! leak or a throw ends in an [`ActionError`] and never in a hang. Blocking: the caller runs it
//! on a blocking thread.

use super::{Commands, Trigger};
use rquickjs::{CatchResultExt, CaughtError, Context, Ctx, Function, Promise, Runtime};
use std::cell::{Cell, RefCell};
use std::hash::{Hash, Hasher};
use std::rc::Rc;
use std::time::{Duration, Instant};

/// The `api`, `console` and driver every run starts from.
const PRELUDE: &str = include_str!("prelude.js");

/// The deepest JavaScript stack an Action gets, in bytes (blocking threads have 2 MiB).
const MAX_STACK: usize = 512 * 1024;

/// What one run may use.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Bounds {
    /// Wall-clock time from the start of the run.
    pub(crate) time: Duration,
    /// Bytes the JavaScript heap may hold.
    pub(crate) memory: usize,
}

/// Why a run gave no commands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ActionError {
    /// One line: what went wrong (`TypeError: x is not a function`, `timed out after 5000 ms`).
    pub(crate) message: String,
    /// The JavaScript stack, when there was one.
    pub(crate) stack: Option<String>,
    /// What the Action logged before it failed.
    pub(crate) logs: Vec<String>,
}

impl ActionError {
    /// An error with this message alone.
    pub(crate) fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            stack: None,
            logs: Vec::new(),
        }
    }
}

/// How many loaded Actions a thread keeps.
const LOADED_PER_THREAD: usize = 16;

/// An Action's module, evaluated once in its own runtime, waiting for runs.
struct Loaded {
    /// What it was loaded from: name, source, trigger and bounds.
    key: u64,
    context: Context,
    /// The runtime's interrupt handler stops the JavaScript once this passes.
    deadline: Rc<Cell<Instant>>,
}

thread_local! {
    /// The Actions this thread has loaded, most recent last: a run reuses its Action's runtime
    /// instead of building one (the cost of a runtime and a module dwarfs a run).
    static LOADED: RefCell<Vec<Loaded>> = const { RefCell::new(Vec::new()) };
}

/// Runs `source`'s handler for `trigger` on `event` (JSON) within `bounds`; `name` is the file
/// name its stack shows. The Action's module is evaluated once per thread and kept between
/// runs, as Auth0 keeps an Action's container warm; an Action that ran out of time or memory
/// is thrown away with its runtime.
pub(crate) fn run(
    name: &str,
    source: &str,
    trigger: Trigger,
    event: &str,
    bounds: Bounds,
) -> Result<Commands, ActionError> {
    let key = {
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        (name, source, trigger, bounds.time, bounds.memory).hash(&mut hasher);
        hasher.finish()
    };
    let cached = LOADED.with(|all| {
        let mut all = all.borrow_mut();
        let at = all.iter().position(|l| l.key == key)?;
        Some(all.remove(at))
    });
    let loaded = match cached {
        Some(loaded) => loaded,
        None => load(key, name, source, bounds)?,
    };
    loaded.deadline.set(Instant::now() + bounds.time);
    let result = loaded.context.with(|ctx| -> Result<String, ActionError> {
        let driver: Function = ctx.globals().get("__mockRun").map_err(|e| error(&ctx, e))?;
        let promise: Promise = driver
            .call((event, trigger.as_str(), trigger.export_name()))
            .catch(&ctx)
            .map_err(|e| caught(&e))?;
        match promise.finish::<String>() {
            Ok(json) => Ok(json),
            Err(rquickjs::Error::WouldBlock) => Err(ActionError::new(NEVER_SETTLES)),
            Err(e) => Err(error(&ctx, e)),
        }
    });
    let over_time = Instant::now() >= loaded.deadline.get();
    let commands = settle(result, over_time, bounds);
    let broken = match &commands {
        Ok(_) => false,
        Err(e) => over_time || e.message == memory_message(bounds) || e.message == NEVER_SETTLES,
    };
    if !broken {
        LOADED.with(|all| {
            let mut all = all.borrow_mut();
            if all.len() >= LOADED_PER_THREAD {
                all.remove(0);
            }
            all.push(loaded);
        });
    }
    commands
}

/// What a run whose promise never settles is told.
const NEVER_SETTLES: &str = "the Action awaited a promise that never settles";

/// A fresh runtime within `bounds`, the prelude and the Action's module evaluated in it.
fn load(key: u64, name: &str, source: &str, bounds: Bounds) -> Result<Loaded, ActionError> {
    let runtime = Runtime::new().map_err(|e| ActionError::new(format!("no runtime: {e}")))?;
    runtime.set_memory_limit(bounds.memory);
    runtime.set_max_stack_size(MAX_STACK);
    let deadline = Rc::new(Cell::new(Instant::now() + bounds.time));
    let watched = deadline.clone();
    runtime.set_interrupt_handler(Some(Box::new(move || Instant::now() >= watched.get())));
    let context = Context::full(&runtime).map_err(|e| ActionError::new(format!("{e}")))?;
    let loaded = context.with(|ctx| -> Result<(), ActionError> {
        let mut options = rquickjs::context::EvalOptions::default();
        options.filename = Some("auth0-actions-runtime.js".to_owned());
        ctx.eval_with_options::<(), _>(PRELUDE, options)
            .catch(&ctx)
            .map_err(|e| caught(&e))?;
        let mut options = rquickjs::context::EvalOptions::default();
        options.filename = Some(name.to_owned());
        options.strict = false;
        // One line for the wrapper, so the Action's lines keep their numbers.
        let wrapped = format!("(function (exports, module, require, console) {{{source}\n}})");
        let define: Function = ctx
            .eval_with_options(wrapped, options)
            .catch(&ctx)
            .map_err(|e| caught(&e))?;
        let load: Function = ctx
            .globals()
            .get("__mockLoad")
            .map_err(|e| error(&ctx, e))?;
        load.call::<_, ()>((define,))
            .catch(&ctx)
            .map_err(|e| caught(&e))
    });
    let over_time = Instant::now() >= deadline.get();
    loaded.map_err(|e| bounded(e, over_time, bounds))?;
    Ok(Loaded {
        key,
        context,
        deadline,
    })
}

/// The error of a run that went past its bounds, told as such; others as they are.
fn bounded(e: ActionError, over_time: bool, bounds: Bounds) -> ActionError {
    if over_time {
        ActionError::new(format!(
            "Action timed out: it ran for more than {} ms",
            bounds.time.as_millis()
        ))
    } else if e.message.contains("out of memory") {
        ActionError::new(memory_message(bounds))
    } else {
        e
    }
}

/// The commands of a run's JSON, or its error.
fn settle(
    result: Result<String, ActionError>,
    over_time: bool,
    bounds: Bounds,
) -> Result<Commands, ActionError> {
    let json = result.map_err(|e| bounded(e, over_time, bounds))?;
    let commands: Commands = serde_json::from_str(&json)
        .map_err(|e| ActionError::new(format!("the Action's commands were unreadable: {e}")))?;
    match commands.error {
        Some(thrown) => {
            let error = ActionError {
                message: thrown.message,
                stack: thrown.stack,
                logs: commands.logs,
            };
            // QuickJS lets JavaScript catch running out of memory; it is the bound all the same.
            if error.message.contains("out of memory") {
                return Err(ActionError {
                    logs: error.logs,
                    ..ActionError::new(memory_message(bounds))
                });
            }
            Err(error)
        }
        None => Ok(commands),
    }
}

fn memory_message(bounds: Bounds) -> String {
    format!(
        "Action ran out of memory: it used more than {} MB",
        bounds.memory / (1024 * 1024)
    )
}

fn error(ctx: &Ctx<'_>, e: rquickjs::Error) -> ActionError {
    caught(&CaughtError::from_error(ctx, e))
}

fn caught(e: &CaughtError<'_>) -> ActionError {
    match e {
        CaughtError::Exception(exception) => ActionError {
            message: format!(
                "{}: {}",
                exception
                    .get::<_, String>("name")
                    .unwrap_or_else(|_| "Error".into()),
                exception.message().unwrap_or_default()
            ),
            stack: exception.stack().filter(|s| !s.trim().is_empty()),
            logs: Vec::new(),
        },
        other => ActionError::new(other.to_string().trim().to_owned()),
    }
}
