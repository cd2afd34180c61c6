// The Recipes module. See ARCHITECTURE.md for what it owns.
