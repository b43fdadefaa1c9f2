//! The typed rejections of plugin commands.

use thiserror::Error;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PluginError {
    #[error("pluginName must be 1-255 characters")]
    Name,
    #[error("codeLanguage must be one of JAVA, Python, Go, .Net, PHP")]
    CodeLanguage,
    #[error("pluginType must be 1 (plugin) or 2 (SDK)")]
    PluginType,
    #[error("version must be 1-255 characters")]
    Version,
    #[error("introduction must be at most 500 characters")]
    Introduction,
    #[error("score must be an integer from 1 to 5")]
    Score,
    #[error("the plugin does not exist")]
    NotFound,
    #[error("a plugin with this id already exists")]
    AlreadyExists,
    #[error("only the plugin's owner may do this")]
    Forbidden,
}
