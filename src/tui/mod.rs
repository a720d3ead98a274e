//! The terminal UI (issue 4).

use crate::context::Context;
use crate::domain::Msg;

pub fn run(ctx: &Context) -> Result<(), Msg> {
    let store = ctx.open_store()?;
    println!("{}: {}", store.path().display(), store.count_cases()?);
    Ok(())
}
