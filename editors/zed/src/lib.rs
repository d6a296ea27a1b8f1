//! Starts `termlint lsp` (found on the worktree's PATH) for Markdown buffers.

use zed_extension_api::{self as zed, LanguageServerId, Result};

struct Termlint;

impl zed::Extension for Termlint {
    fn new() -> Self {
        Termlint
    }

    fn language_server_command(
        &mut self,
        _language_server_id: &LanguageServerId,
        worktree: &zed::Worktree,
    ) -> Result<zed::Command> {
        let command = worktree.which("termlint").ok_or_else(|| {
            "termlint is not on PATH: pip install 'alignment-termlint[lsp]'".to_string()
        })?;
        Ok(zed::Command {
            command,
            args: vec!["lsp".to_string()],
            env: worktree.shell_env(),
        })
    }
}

zed::register_extension!(Termlint);
