"""The only room that turns results into words: one module per command and format (see formats.FORMATS)."""
