suggest --bogus
