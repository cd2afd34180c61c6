// The Evaluation module. See ARCHITECTURE.md for what it owns.
