"""Rules: loading rule files, the rule kinds that check occurrences, suppressions."""
