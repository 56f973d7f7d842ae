"""Editor support files (TextMate grammar, language configuration), shipped as package data."""
