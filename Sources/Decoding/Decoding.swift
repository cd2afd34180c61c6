// The Decoding module. See ARCHITECTURE.md for what it owns.
