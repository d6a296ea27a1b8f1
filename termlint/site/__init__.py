"""The glossary site: static HTML built from the glossary and rules."""
