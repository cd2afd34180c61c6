// The Training module. See ARCHITECTURE.md for what it owns.
