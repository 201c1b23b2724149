// No browser download at install: diagrams render with the system's Chromium (Debian package).
module.exports = { skipDownload: true };
