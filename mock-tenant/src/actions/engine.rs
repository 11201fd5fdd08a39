//! One Action run in QuickJS (through `rquickjs`, built from source): a fresh runtime per run,
//! bounded in time (an interrupt at the deadline) and memory (the runtime's allocation limit),
//! so a loop, a leak or a throw ends in an [`ActionError`] and never in a hang. Blocking: the
//! caller runs it on a blocking thread.

use super::{Commands, Trigger};
use rquickjs::{CatchResultExt, CaughtError, Context, Ctx, Function, Promise, Runtime};
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

/// Runs `source`'s handler for `trigger` on `event` (JSON) within `bounds`; `name` is the file
/// name its stack shows.
pub(crate) fn run(
    name: &str,
    source: &str,
    trigger: Trigger,
    event: &str,
    bounds: Bounds,
) -> Result<Commands, ActionError> {
    let runtime = Runtime::new().map_err(|e| ActionError::new(format!("no runtime: {e}")))?;
    runtime.set_memory_limit(bounds.memory);
    runtime.set_max_stack_size(MAX_STACK);
    let deadline = Instant::now() + bounds.time;
    runtime.set_interrupt_handler(Some(Box::new(move || Instant::now() >= deadline)));
    let context = Context::full(&runtime).map_err(|e| ActionError::new(format!("{e}")))?;
    let result = context.with(|ctx| -> Result<String, ActionError> {
        ctx.eval::<(), _>(PRELUDE)
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
        let driver: Function = ctx.globals().get("__mockRun").map_err(|e| error(&ctx, e))?;
        let promise: Promise = driver
            .call((define, event, trigger.as_str(), trigger.export_name()))
            .catch(&ctx)
            .map_err(|e| caught(&e))?;
        match promise.finish::<String>() {
            Ok(json) => Ok(json),
            Err(rquickjs::Error::WouldBlock) => Err(ActionError::new(
                "the Action awaited a promise that never settles",
            )),
            Err(e) => Err(error(&ctx, e)),
        }
    });
    let over_time = Instant::now() >= deadline;
    let out_of_memory = |e: &ActionError| e.message.contains("out of memory");
    let json = result.map_err(|e| {
        if over_time {
            ActionError::new(format!(
                "Action timed out: it ran for more than {} ms",
                bounds.time.as_millis()
            ))
        } else if out_of_memory(&e) {
            ActionError::new(memory_message(bounds))
        } else {
            e
        }
    })?;
    let commands: Commands = serde_json::from_str(&json)
        .map_err(|e| ActionError::new(format!("the Action's commands were unreadable: {e}")))?;
    match commands.error {
        Some(thrown) => {
            let mut error = ActionError {
                message: thrown.message,
                stack: thrown.stack,
                logs: commands.logs,
            };
            // QuickJS lets JavaScript catch running out of memory; it is the bound all the same.
            if out_of_memory(&error) {
                error.message = memory_message(bounds);
                error.stack = None;
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
