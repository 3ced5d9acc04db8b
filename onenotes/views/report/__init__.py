"""The team report: its figures, its Markdown and HTML pages, its charts."""
