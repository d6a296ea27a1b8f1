"""The document: Markdown to prose blocks, front matter and directive comments."""
