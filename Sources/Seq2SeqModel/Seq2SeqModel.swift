// The Seq2SeqModel module. See ARCHITECTURE.md for what it owns.
