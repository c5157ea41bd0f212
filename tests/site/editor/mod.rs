//! An editor's day, through the `gazette` binary: `check`, `new` and `init` on fixture sites
//! (`tests/fixtures/check-*`) and on fresh sites made by `init`.

mod check;
mod codes;
mod init;
mod new;
mod support;
