//! What the command-line examples share: one error style, one set of exit
//! codes, and output that a reader who stops early (`| head`) does not
//! turn into a crash.
//!
//! Exit codes: 0 done (or the check passed); 1 the check failed (a declared
//! version bump too small, a policy test failing); 2 an error (bad usage,
//! input that does not load or evaluate), reported on standard error as
//! `error: ...`.

use std::fmt::Display;
use std::io::Write;
use std::process::ExitCode;

/// The check the command makes failed.
pub const CHECK_FAILED: u8 = 1;
/// The command could not do its work.
pub const ERROR: u8 = 2;

/// Writes `text` to standard output. A reader that has gone (a closed
/// pipe) is not an error: what it did not read is dropped, and the command
/// ends as it would have.
pub fn emit(text: impl Display) -> Result<(), String> {
    let mut out = std::io::stdout().lock();
    match write!(out, "{text}").and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(format!("cannot write the output: {e}"))
        }
        _ => Ok(()),
    }
}

/// Reports `message` on standard error and gives [`ERROR`].
pub fn fail(message: impl Display) -> ExitCode {
    // Standard error closed too: nothing is left to tell.
    let _ = writeln!(std::io::stderr(), "error: {message}");
    ExitCode::from(ERROR)
}

/// The exit code of a command that ran a check: 0 when it passed,
/// [`CHECK_FAILED`] when not, [`ERROR`] (reported) when it could not run.
#[allow(dead_code)] // `evaluate` makes no check
pub fn checked(result: Result<bool, String>) -> ExitCode {
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(CHECK_FAILED),
        Err(e) => fail(e),
    }
}
