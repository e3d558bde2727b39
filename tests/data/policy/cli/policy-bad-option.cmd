policy --bogus
