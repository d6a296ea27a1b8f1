"""Files: reading and decoding, finding the Markdown files, the result cache, the run."""
