// The Tokenization module. See ARCHITECTURE.md for what it owns.
