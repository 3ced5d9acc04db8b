"""onenotes: weekly sales one-on-ones kept as plain Markdown files."""

__version__ = "0.1.0"
